"""Where the applicant is given: an existing client's ID (with the file's key facts) or a prospect's form.

The boxes own their widgets and their words; the page owns what they mean (scoring, the one state) and hands in its
callbacks already wrapped in `_safely`.
"""
from __future__ import annotations

import warnings

import ipywidgets as w

from ..explain.reasons import input_label
from ..text import i18n
from .answer import shown
from .form import ProspectForm


class ClientBox(w.VBox):
    def __init__(self, on_id):
        super().__init__()
        self.id = w.Text(continuous_update=True, layout=w.Layout(width="360px"), style={"description_width": "initial"})
        self.id.add_class("cw-client-id")
        self.id.observe(lambda c: on_id(False), names="value")
        with warnings.catch_warnings():
            # deprecated in favour of continuous_update=False, but the ID validates as typed *and* on Enter
            warnings.simplefilter("ignore", DeprecationWarning)
            self.id.on_submit(lambda _: on_id(True))
        self.error = w.HTML()
        self.error.add_class("cw-client-error")
        self.hint = w.HTML()
        self.facts = w.HTML()
        self.facts.add_class("cw-facts")
        self.children = [self.id, self.error, self.hint, self.facts]

    def relabel(self, lang: str, close_ids) -> None:
        self.id.description = i18n.t("ui:client_id", lang)
        self.id.placeholder = i18n.t("ui:client_id_placeholder", lang)
        self.show_hint(close_ids, lang)

    def show_hint(self, close_ids, lang: str) -> None:
        """IDs near an unknown one, or how to find an ID while the box is empty."""
        if close_ids:
            ids = ", ".join(map(str, close_ids))
            self.hint.value = f"<small>{i18n.t('ui:close_ids', lang, ids=ids)}</small>"
        elif not self.id.value.strip():
            self.hint.value = f"<small>{i18n.t('ui:client_id_hint', lang)}</small>"
        else:
            self.hint.value = ""

    def show_facts(self, d, lang: str, key_facts, original=None, changes=()) -> None:
        """The client's key facts; during a simulation the changed ones show what they were."""
        if d is None or d.client_id is None:
            self.facts.value = ""
            return
        base = original.inputs if original is not None else d.inputs
        rows = []
        for column in key_facts:
            now = shown(column, d.inputs.get(column), lang)
            if column in changes:
                now = f"<s>{shown(column, base.get(column), lang)}</s> → {now}"
            rows.append(f"<tr><td>{input_label(column, lang)}</td><td><b>{now}</b></td></tr>")
        heading = f"{i18n.t('ui:key_facts', lang)} {d.client_id}"
        if original is not None:
            heading += f" · {i18n.t('ui:key_facts_simulation', lang)}"
        self.facts.value = f"<h3>{heading}</h3><table>{''.join(rows)}</table>"


class ProspectBox(w.VBox):
    def __init__(self, fields, lang: str, on_change, on_example, on_new):
        super().__init__()
        self.form = ProspectForm(fields, lang, columns=1)
        self.form.on_change(on_change)
        self._intro = w.HTML()
        self.example = w.Button(layout=w.Layout(width="auto"))
        self.example.add_class("cw-example")
        self.example.on_click(lambda _: on_example())
        self.new_prospect = w.Button(layout=w.Layout(width="auto"))
        self.new_prospect.add_class("cw-new-prospect")
        self.new_prospect.on_click(lambda _: on_new())
        self.example_note = w.HTML()
        self.example_note.add_class("cw-example-note")
        self.children = [self._intro, w.HBox([self.example, self.new_prospect]), self.example_note, self.form]

    def relabel(self, lang: str, example: bool) -> None:
        t = lambda key: i18n.t(key, lang)  # noqa: E731
        self._intro.value = (f"<p>{t('ui:form_intro')}</p><p><b>{t('ui:required_note')}</b></p>"
                             f"<p>ℹ {t('ui:thin_file')}</p><p>ℹ {t('ui:bureau_note')}</p>")
        self.example.description = t("ui:example")
        self.new_prospect.description = t("ui:new_prospect")
        self.example_note.value = f"<b>⚑ {t('ui:example_note')}</b>" if example else ""
        self.form.set_lang(lang)
