"""The prospect form, built from the fields the core asks for (grouped, with units and ranges).

What the officer typed is the form's state and is never rewritten by the page: a language switch relabels the
fields and their messages, it does not reformat the values (numbers are read by `i18n.parse_number`, one rule for
both languages). Each field has its own message line under it; a field in error carries the `cw-invalid` class.
"""
from __future__ import annotations

import html

import ipywidgets as w

from ..data.schema import GROUP_LABELS, GROUPS
from ..decision.validate import InputError
from ..text import i18n

_NUMERIC = ("amount", "number", "integer", "score")


def _unit(field, lang: str) -> str:
    if field.unit == "money":
        unit = i18n.currency_symbol()
    elif field.unit == "years":
        unit = "ans" if lang == "fr" else "years"
    elif field.unit == "score":
        unit = "0–1"
    else:
        unit = ""
    return f" ({unit})" if unit else ""


def format_shown(field, shown, lang: str) -> str:
    """A displayed value as the officer would type it in that language (`i18n.as_typed`, by the field's style)."""
    return i18n.as_typed(shown, field.style, lang)


def parse_shown(field, text: str, lang: str | None = None):
    """What was typed, as a number in displayed units; blank means unknown. The same rule in both languages
    (`lang` is accepted for callers that pass it and changes nothing): "180 000", "0,55", "0.55", "1e6"."""
    try:
        return i18n.parse_number(text)
    except i18n.AmbiguousNumber as error:
        whole, decimal = error.whole, error.decimal   # `error` is unbound once the except block ends
        raise InputError(field.name, "ambiguous_number", text=error.text,
                         whole=lambda lang: i18n.number(whole, lang, 0),
                         decimal=lambda lang: i18n.number(decimal, lang, 3)) from None
    except ValueError:
        raise InputError(field.name, "type_number") from None


class ProspectForm(w.VBox):
    """One input per field; `on_change(callback)` fires when a confirmed value changes (Enter, or leaving it)."""

    def __init__(self, fields, lang: str = "fr", columns: int = 2):
        super().__init__()
        self._fields = {f.name: f for f in fields}
        self._lang = lang
        self._callbacks = []
        self._quiet = False
        self._inputs: dict[str, w.Widget] = {}
        self._messages: dict[str, w.HTML] = {}
        self._errors: dict[str, InputError] = {}
        self._headings: dict[str, w.HTML] = {}
        sections = []
        for group in GROUPS:
            members = [f for f in fields if f.group == group]
            if not members:
                continue
            cells = []
            for field in members:
                widget = self._make_input(field)
                widget.add_class(f"cw-field-{field.name}")
                widget.observe(self._changed, names="value")
                self._inputs[field.name] = widget
                message = w.HTML()
                message.add_class("cw-message")
                message.add_class(f"cw-message-{field.name}")
                message.layout.display = "none"
                self._messages[field.name] = message
                cells.append(w.VBox([widget, message]))
            self._headings[group] = w.HTML()
            grid = w.GridBox(cells, layout=w.Layout(grid_template_columns=f"repeat({columns}, minmax(0, 1fr))",
                                                    grid_gap="4px 16px"))
            sections.append(w.VBox([self._headings[group], grid]))
        self.children = sections
        self.add_class("cw-prospect-form")
        self.set_lang(lang)

    def _make_input(self, field) -> w.Widget:
        style = {"description_width": "48%"}
        layout = w.Layout(width="auto")
        if field.yes_no:
            return w.Dropdown(options=[("—", ""), ("1", "1"), ("0", "0")], value="", style=style, layout=layout)
        if field.kind in _NUMERIC:
            return w.Text(value="", continuous_update=False, style=style, layout=layout)
        options = [("—", "")] + [(level, level) for level in field.choices]
        return w.Dropdown(options=options, value="", style=style, layout=layout)

    # ---- public ---------------------------------------------------------------------------------------------
    def on_change(self, callback) -> None:
        self._callbacks.append(callback)

    @property
    def names(self) -> list[str]:
        return list(self._inputs)

    def texts(self) -> dict:
        """What is on screen, exactly as typed (a snapshot to restore)."""
        return {name: widget.value for name, widget in self._inputs.items()}

    def read(self) -> tuple[dict, dict]:
        """(data-unit values with None where blank, {field: InputError} for text that is no number)."""
        values, errors = {}, {}
        for name, widget in self._inputs.items():
            field = self._fields[name]
            if field.yes_no:
                values[name] = float(widget.value) if widget.value else None
            elif field.kind in _NUMERIC:
                try:
                    shown = parse_shown(field, widget.value)
                except InputError as error:
                    errors[name] = error
                    continue
                values[name] = None if shown is None else float(field.from_display(shown))
            else:
                values[name] = widget.value or None
        return values, errors

    def values(self) -> dict:
        """Data-unit values (None where blank); raises the first InputError on text that is no number."""
        values, errors = self.read()
        if errors:
            raise next(iter(errors.values()))
        return values

    def set_values(self, raw: dict) -> None:
        """Show data-unit values (a suggestion applied, an example) without firing one change per field."""
        texts = {}
        for name, value in raw.items():
            if name in self._inputs:
                field = self._fields[name]
                if field.yes_no:
                    texts[name] = "" if value is None else str(int(value))
                elif field.kind in _NUMERIC:
                    texts[name] = format_shown(field, None if value is None else field.to_display(value), self._lang)
                else:
                    texts[name] = value or ""
        self.set_texts(texts)

    def set_texts(self, texts: dict) -> None:
        self._quiet = True
        try:
            for name, text in texts.items():
                if name in self._inputs:
                    self._inputs[name].value = text
        finally:
            self._quiet = False

    def clear(self) -> None:
        self.set_texts({name: "" for name in self._inputs})
        self.show_errors({})

    def example(self) -> dict:
        """The schema's example applicant (the real rows' median or mode), in data units."""
        out = {}
        for name, field in self._fields.items():
            if field.default is None:
                continue
            out[name] = float(field.from_display(field.default)) if field.kind in _NUMERIC or field.yes_no \
                else field.default
        return out

    def show_errors(self, errors: dict) -> None:
        """A message under each field in error (in the form's language), none elsewhere."""
        self._errors = dict(errors)
        for name, message in self._messages.items():
            widget = self._inputs[name]
            error = self._errors.get(name)
            if error is None:
                message.value = ""
                message.layout.display = "none"
                widget.remove_class("cw-invalid")
            else:
                message.value = f"⚠ {html.escape(error.message(self._lang))}"
                message.layout.display = None
                widget.add_class("cw-invalid")

    def mark(self, names, css_class: str) -> None:
        for name, widget in self._inputs.items():
            if name in names:
                widget.add_class(css_class)
            else:
                widget.remove_class(css_class)

    def focus_target(self, name: str):
        return self._inputs.get(name)

    def set_lang(self, lang: str) -> None:
        """Labels, units, ranges and messages in `lang`; the values stay exactly as typed."""
        self._lang = lang
        self._quiet = True   # relabelling is no change of the applicant's situation
        try:
            self._relabel(lang)
        finally:
            self._quiet = False
        self.show_errors(self._errors)

    def _relabel(self, lang: str) -> None:
        for group, heading in self._headings.items():
            heading.value = f"<h4 style='margin:8px 0 2px'>{GROUP_LABELS[group][lang]}</h4>"
        for name, widget in self._inputs.items():
            field = self._fields[name]
            widget.description = field.label(lang) + ("" if field.yes_no else _unit(field, lang))
            widget.tooltip = (f"{i18n.number(field.min, lang, 2 if field.kind == 'score' else 0)} – "
                              f"{i18n.number(field.max, lang, 2 if field.kind == 'score' else 0)}"
                              if field.min is not None and not field.yes_no else None)
            if field.yes_no:
                value = widget.value
                widget.options = [("—", ""), (i18n.t("ui:yes", lang), "1"), (i18n.t("ui:no", lang), "0")]
                widget.value = value
            elif field.kind in ("flag", "choice"):
                value = widget.value
                widget.options = [("—", "")] + [(i18n.level(c, lang), c) for c in field.choices]
                widget.value = value

    def _changed(self, change) -> None:
        if self._quiet:
            return
        for callback in self._callbacks:
            callback()
