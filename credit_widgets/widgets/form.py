"""The prospect form, built from the fields the core asks for (grouped, with units, defaults and ranges)."""
from __future__ import annotations

import ipywidgets as w

from .. import i18n
from ..schema import GROUP_LABELS, GROUPS
from ..validate import InputError

_NUMERIC = ("amount", "number", "integer", "score")
_UNITS = {"EUR": "€", "years": {"fr": "ans", "en": "years"}, "score": "0–1"}


def _unit(field, lang: str) -> str:
    unit = _UNITS.get(field.unit or "")
    if isinstance(unit, dict):
        unit = unit[lang]
    return f" ({unit})" if unit else ""


def format_shown(field, shown, lang: str) -> str:
    """A displayed value as the officer would type it in that language (no unit, plain digits)."""
    if shown is None:
        return ""
    decimals = 2 if field.kind == "score" else (1 if field.unit == "years" and shown != int(shown) else 0)
    text = f"{shown:.{decimals}f}"
    return text.replace(".", ",") if lang == "fr" else text


def parse_shown(field, text: str, lang: str):
    """What was typed, as a number in displayed units; blank means unknown. Accepts "180 000", "0,55", "1e6"."""
    cleaned = text.strip().replace("\u202f", "").replace("\u00a0", "").replace(" ", "").replace("€", "")
    if not cleaned:
        return None
    cleaned = cleaned.replace(",", ".") if lang == "fr" else cleaned.replace(",", "")
    try:
        return float(cleaned)
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
        self._headings: dict[str, w.HTML] = {}
        sections = []
        for group in GROUPS:
            members = [f for f in fields if f.group == group]
            if not members:
                continue
            for field in members:
                widget = self._make_input(field)
                widget.add_class(f"cw-field-{field.name}")
                widget.observe(self._changed, names="value")
                self._inputs[field.name] = widget
            self._headings[group] = w.HTML()
            grid = w.GridBox([self._inputs[f.name] for f in members],
                             layout=w.Layout(grid_template_columns=f"repeat({columns}, minmax(0, 1fr))",
                                           grid_gap="4px 16px"))
            sections.append(w.VBox([self._headings[group], grid]))
        self.children = sections
        self.add_class("cw-prospect-form")
        self.set_lang(lang)

    def _make_input(self, field) -> w.Widget:
        style = {"description_width": "48%"}
        layout = w.Layout(width="auto")
        if field.kind in _NUMERIC:
            return w.Text(value=format_shown(field, field.default, self._lang), continuous_update=False,
                          style=style, layout=layout)
        options = [("—", "")] + [(level, level) for level in field.choices]
        return w.Dropdown(options=options, value=field.default or "", style=style, layout=layout)

    # ---- public ---------------------------------------------------------------------------------------------
    def on_change(self, callback) -> None:
        self._callbacks.append(callback)

    def values(self) -> dict:
        """Data-unit values (None where blank); raises InputError on text that is no number."""
        out = {}
        for name, widget in self._inputs.items():
            field = self._fields[name]
            if field.kind in _NUMERIC:
                shown = parse_shown(field, widget.value, self._lang)
                out[name] = None if shown is None else float(field.from_display(shown))
            else:
                out[name] = widget.value or None
        return out

    def set_values(self, raw: dict) -> None:
        """Show data-unit values (a suggestion applied) without firing one change per field."""
        self._quiet = True
        try:
            for name, value in raw.items():
                if name in self._inputs:
                    field = self._fields[name]
                    widget = self._inputs[name]
                    if field.kind in _NUMERIC:
                        widget.value = format_shown(field, None if value is None else field.to_display(value),
                                                    self._lang)
                    else:
                        widget.value = value or ""
        finally:
            self._quiet = False

    def set_lang(self, lang: str) -> None:
        try:
            current = self.values()
        except InputError:
            current = None   # keep the typed text as it is
        self._lang = lang
        self._quiet = True   # relabelling is no change of the applicant's situation
        try:
            self._relabel(lang)
        finally:
            self._quiet = False
        if current is not None:
            self.set_values(current)

    def _relabel(self, lang: str) -> None:
        for group, heading in self._headings.items():
            heading.value = f"<h4 style='margin:8px 0 2px'>{GROUP_LABELS[group][lang]}</h4>"
        for name, widget in self._inputs.items():
            field = self._fields[name]
            widget.description = field.label(lang) + _unit(field, lang)
            widget.tooltip = (f"{i18n.number(field.min, lang, 2 if field.kind == 'score' else 0)} – "
                              f"{i18n.number(field.max, lang, 2 if field.kind == 'score' else 0)}"
                              if field.min is not None else None)
            if field.kind in ("flag", "choice"):
                value = widget.value
                widget.options = [("—", "")] + [(i18n.level(c, lang), c) for c in field.choices]
                widget.value = value

    def _changed(self, change) -> None:
        if self._quiet:
            return
        for callback in self._callbacks:
            callback()
