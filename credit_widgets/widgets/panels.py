"""Panels of the page that only draw a decision: why (the waterfall) and where the applicant stands among clients.

Each panel is a Box that owns its widgets; the page hands it the decision on screen (`show`) or none (`clear`), and
the language (`relabel`). Panels never record, never score: they read the decision and the client base.
"""
from __future__ import annotations

import html

import ipywidgets as w

from ..explain.reasons import display_text, input_label, value_style
from ..text import i18n
from .charts import BLUE, ORANGE, BaseScatter, Distribution, Waterfall


class WhyPanel(w.VBox):
    """From the average client's probability to this file's, input by input (exact contributions)."""

    def __init__(self):
        super().__init__()
        self._title, self._caption = w.HTML(), w.HTML()
        self._waterfall = Waterfall()
        self.children = [self._title, self._waterfall.figure, self._caption]
        self.add_class("cw-card")
        self.add_class("cw-why")

    def relabel(self, lang: str) -> None:
        self._title.value = f"<h3>{i18n.t('ui:why', lang)}</h3>"

    def show(self, decision, lang: str) -> None:
        labels = {name: input_label(name, lang) for name in decision.contributions}
        labels["__rest__"] = i18n.t("ui:other_inputs", lang)
        self._waterfall.update(decision.base_value, decision.contributions, labels, lang)
        self._caption.value = (f"<small>{i18n.t('ui:waterfall_caption', lang)} "
                               f"{self._waterfall.summary(lang)}</small>")


class StandingPanel(w.VBox):
    """Where the applicant stands: one input against repaid and defaulted clients, two inputs on a sample of the
    client base, and the nearest clients' default rate. `safely` wraps the panel's own callbacks (its dropdowns)."""

    def __init__(self, model, safely):
        super().__init__()
        self.model = model
        self._decision, self._lang = None, "fr"
        self._samples: dict = {}
        self._title = w.HTML()
        self._column = w.Dropdown(layout=w.Layout(width="420px"), style={"description_width": "initial"})
        self._column.observe(lambda c: safely(self._render_position), names="value")
        self._distribution = Distribution()
        self._distribution_caption = w.HTML()
        self._position_text = w.HTML()
        self._x = w.Dropdown(layout=w.Layout(width="50%"), style={"description_width": "initial"})
        self._y = w.Dropdown(layout=w.Layout(width="50%"), style={"description_width": "initial"})
        for axis in (self._x, self._y):
            axis.observe(lambda c: safely(self._render_scatter), names="value")
        self._scatter = BaseScatter()
        self._scatter_caption = w.HTML()
        self._similar = w.HTML()
        self.children = [self._title, self._column, self._distribution.figure, self._distribution_caption,
                         self._position_text, w.HBox([self._x, self._y]), self._scatter.figure,
                         self._scatter_caption, self._similar]
        self.add_class("cw-card")
        self.add_class("cw-standing")

    def relabel(self, lang: str) -> None:
        """New labels; the page's `_relabelling` guard keeps the dropdowns' option changes from redrawing."""
        self._lang = lang
        self._title.value = f"<h3>{i18n.t('ui:standing', lang)}</h3>"
        columns = self.model.position_columns()
        options = [(input_label(c, lang), c) for c in columns]
        keep = self._column.value or ("ANNUITY_INCOME_RATIO" if "ANNUITY_INCOME_RATIO" in columns else columns[0])
        self._column.description = i18n.t("ui:position_of", lang)
        self._column.options = options
        self._column.value = keep
        for axis, default, key in ((self._x, "EXT_SOURCE_MEAN", "ui:scatter_x"),
                                   (self._y, "ANNUITY_INCOME_RATIO", "ui:scatter_y")):
            value = axis.value or (default if default in columns else columns[0])
            axis.description = i18n.t(key, lang)
            axis.options = options
            axis.value = value

    def clear(self) -> None:
        self._decision = None

    def show(self, decision, lang: str) -> None:
        self._decision, self._lang = decision, lang
        self._render_position()
        self._render_scatter()
        similar = self.model.similar(decision)
        rate = i18n.percent(similar["default_rate"], lang, 0) if similar["default_rate"] is not None else "–"
        self._similar.value = i18n.t("ui:similar", lang, n=similar["count"], rate=f"<b>{rate}</b>",
                                     overall=i18n.percent(self.model.population.stats.default_rate, lang, 0))

    def _names(self, lang: str) -> tuple[str, str, str]:
        return i18n.t("ui:repaid", lang), i18n.t("ui:defaulted", lang), i18n.t("ui:applicant", lang)

    def _render_position(self) -> None:
        d, lang = self._decision, self._lang
        if d is None or not self._column.value:
            return
        column = self._column.value
        position = self.model.position(d, column)
        self._distribution.update(position, self._names(lang), value_style(column), lang,
                                  (input_label(column, lang), i18n.t("ui:share_of_clients", lang)))
        repaid, defaulted, applicant = self._names(lang)
        self._distribution_caption.value = (
            f"<small><span style='color:{BLUE}'>━</span> {repaid} · <span style='color:{ORANGE}'>╍</span> "
            f"{defaulted} · ┃ {applicant}</small>")
        if position["value"] is None:
            self._position_text.value = i18n.t("ui:not_placed", lang)
            return
        self._position_text.value = i18n.t("ui:percentiles", lang,
                                           v=f"<b>{html.escape(display_text(column, position['value'], lang))}</b>",
                                           all=i18n.number(position["percentile_all"], lang),
                                           r=i18n.number(position["percentile_repaid"], lang),
                                           d=i18n.number(position["percentile_defaulted"], lang))

    def _render_scatter(self) -> None:
        d, lang = self._decision, self._lang
        if d is None or not self._x.value or not self._y.value:
            return
        x, y = self._x.value, self._y.value
        if (x, y) not in self._samples:
            self._samples[(x, y)] = self.model.base_sample(x, y)
        point = (self.model.position(d, x)["value"], self.model.position(d, y)["value"])
        repaid, defaulted, applicant = self._names(lang)
        self._scatter_caption.value = (
            f"<small><span style='color:#3b7fb5'>●</span> {repaid} · <span style='color:{ORANGE}'>✚</span> "
            f"{defaulted} · ◆ {applicant}</small>")
        self._scatter.update(self._samples[(x, y)], point, self._names(lang),
                             (input_label(x, lang), input_label(y, lang)), (value_style(x), value_style(y)), lang)
