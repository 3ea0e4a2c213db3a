"""The answer card: the verdict, the probability against the threshold, the reasons in words, the simulation band
and what would change the answer.

It only draws what the page hands it (`show`) and hides when there is no decision (`clear`); the page owns the state
and the callbacks (`on_undo`, `on_apply` arrive already wrapped in the page's `_safely`).
"""
from __future__ import annotations

import html

import ipywidgets as w

from ..explain.reasons import input_label, input_text
from ..text import i18n
from .charts import BLUE, ORANGE, Gauge


def shown(column: str, raw, lang: str) -> str:
    """An applicant's input as the officer reads it, escaped for the page's HTML."""
    return html.escape(input_text(column, raw, lang))


class AnswerPanel(w.VBox):
    def __init__(self, on_undo, on_apply):
        super().__init__()
        self._on_apply = on_apply
        self.simulation = w.HTML()
        self.simulation.add_class("cw-simulation")
        self.undo = w.Button(layout=w.Layout(width="auto"))
        self.undo.add_class("cw-undo")
        self.undo.on_click(lambda _: on_undo())
        self.simulation_box = w.VBox([self.simulation, self.undo])
        self.verdict = w.HTML()
        self.verdict.add_class("cw-verdict")
        self.probability = w.HTML()
        self.probability.add_class("cw-probability")
        self.flags = w.HTML()
        self.model_note = w.HTML()
        self.model_note.add_class("cw-model")
        self.gauge = Gauge()
        self.reasons = w.HTML()
        self.reasons.add_class("cw-reasons")
        self._change_title = w.HTML()
        self.suggestions = w.VBox()
        self.children = [self.simulation_box, self.verdict, self.flags, self.probability, self.model_note,
                         self.gauge.figure, self.reasons, self._change_title, self.suggestions]
        self.add_class("cw-card")
        self.clear()

    def relabel(self, lang: str) -> None:
        self.undo.description = i18n.t("ui:undo", lang)
        self._change_title.value = f"<h3>{i18n.t('ui:change', lang)}</h3>"

    def clear(self) -> None:
        self.layout.display = "none"
        self.simulation_box.layout.display = "none"

    def show(self, d, lang: str, suggestions, simulation=None) -> None:
        """`simulation`: (original decision, simulated changes, suggestions applied) while one runs, else None."""
        # shown before the gauge changes: a chart drawn while hidden keeps a zero-sized layout in the browser
        self.layout.display = None
        colour = BLUE if d.favourable else ORANGE
        icon = "✔" if d.favourable else "✖"
        self.verdict.value = (f"<div class='cw-verdict-box' style='border-left-color:{colour};"
                              f"background:{'#eef5fb' if d.favourable else '#fdf0ea'}'>{icon} "
                              f"{d.verdict(lang)}</div>")
        self._show_simulation(lang, simulation)
        self.flags.value = "".join(f"<div>{f}</div>" for f in _flags(d, lang))
        texts = i18n.probability_texts(d.probability, d.threshold, lang)
        self.probability.value = i18n.t("ui:probability", lang, **{**texts, "p": f"<b>{texts['p']}</b>"})
        self.model_note.value = f"<small>{i18n.t(f'ui:decided_by_{d.model}', lang)}</small>"
        self.gauge.update(d.probability, d.threshold, d.favourable)
        against = "".join(f"<li>▲ {html.escape(r.text(lang))}</li>" for r in d.reasons if r.direction == "against")
        support = "".join(f"<li>▼ {html.escape(r.text(lang))}</li>" for r in d.reasons if r.direction == "for")
        self.reasons.value = (f"<b>{i18n.t('ui:against', lang)}</b><ul>{against or '<li>–</li>'}</ul>"
                              f"<b>{i18n.t('ui:for', lang)}</b><ul>{support or '<li>–</li>'}</ul>")
        self._show_suggestions(d, lang, suggestions)

    def _show_simulation(self, lang: str, simulation) -> None:
        if simulation is None:
            self.simulation_box.layout.display = "none"
            self.simulation.value = ""
            return
        original, changes, applied = simulation
        changed = "; ".join([f"{input_label(c, lang)} {shown(c, original.inputs.get(c), lang)} → "
                             f"{shown(c, v, lang)}" for c, v in changes.items()]
                            + [html.escape(s.text(lang)) for s in applied if s.history])
        was = i18n.t("ui:simulation_original", lang, verdict=original.verdict(lang),
                     p=i18n.percent(original.probability, lang, 1))
        self.simulation.value = (f"<div class='cw-simulation-box'><b>⚗ {i18n.t('ui:simulation', lang, changes=changed)}"
                                 f"</b><br>{was}</div>")
        self.simulation_box.layout.display = None

    def _show_suggestions(self, d, lang: str, suggestions) -> None:
        if d.favourable:
            note = i18n.t("ui:margin_note", lang, m=i18n.probability_texts(d.probability, d.threshold, lang)["m"])
            extra = "".join(f"<br>{html.escape(s.summary(lang))}" for s in suggestions)
            self.suggestions.children = [w.HTML(f"<p>✔ {note}{extra}</p>")]
            return
        if not suggestions:
            self.suggestions.children = [w.HTML(f"<p>{i18n.t('ui:no_suggestion', lang)}</p>")]
            return
        buttons = []
        for s in suggestions:
            # a partial step says it is one, and how far it gets against the threshold
            label = i18n.t("ui:apply_suggestion", lang, summary=s.summary(lang))
            button = w.Button(description=label, layout=w.Layout(width="100%", height="auto"), tooltip=label)
            button.add_class("cw-suggestion")
            button.on_click(lambda _, s=s: self._on_apply(s))
            buttons.append(button)
        self.suggestions.children = buttons


def _flags(d, lang: str) -> list[str]:
    flags = []
    if d.borderline:
        flags.append(f"⚠ {i18n.t('ui:borderline', lang)}")
    if d.rare_profile:
        flags.append(f"◆ {i18n.t('ui:rare', lang)}")
    if d.thin_file:
        # what the answer rests on: the application's own inputs (the empty history groups are the reason it rests
        # on them, not part of it)
        main = [input_label(name, lang) for name, _ in
                sorted(((n, c) for n, c in d.contributions.items() if not n.startswith("history:")),
                       key=lambda kv: -abs(kv[1]))[:3]]
        flags.append(f"ℹ {html.escape(i18n.t('ui:rests_on', lang, inputs=', '.join(main)))}")
    return flags
