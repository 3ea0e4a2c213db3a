"""The model-risk view in bqplot: one section per question, each with its charts and the sentences that read them.

Everything drawn comes from a `monitor.Review`; this module only lays it out (the figures and the sentences are
computed and tested in the core). Colours follow the page's charts (Okabe-Ito); every series is also named in words.
"""
from __future__ import annotations

import html

import bqplot as bq
import ipywidgets as w
import numpy as np

from ..monitor.text import band_label, label
from ..text import i18n
from .charts import BLACK, BLUE, GREY, ORANGE, TICKS, share_ticks

GREEN = "#009E73"
SERIES = [BLUE, ORANGE, GREEN, "#CC79A7", "#56B4E9", "#E69F00", BLACK]
_LAYOUT = {"width": "100%"}


def _figure(marks, axes, height: int = 260, legend: bool = False) -> bq.Figure:
    return bq.Figure(marks=marks, axes=axes, layout={**_LAYOUT, "height": f"{height}px"}, animation_duration=0,
                     fig_margin={"top": 15, "bottom": 45, "left": 65, "right": 20},
                     legend_location="top-left", legend_style={"fill": "white", "stroke": "none"})


def _share_axis(scale, top: float, text: str) -> bq.Axis:
    return bq.Axis(scale=scale, orientation="vertical", tick_format=".0%", tick_values=share_ticks(top),
                   label=text, tick_style=TICKS, label_offset="50px")


def bars(labels: list[str], values, x_title: str, y_title: str, share: bool = True, colors=None) -> bq.Figure:
    x, y = bq.OrdinalScale(), bq.LinearScale(min=0.0)
    values = np.nan_to_num(np.asarray(values, dtype=float))
    top = max(float(values.max()) if len(values) else 0.0, 0.01) * 1.1
    y.max = top
    mark = bq.Bars(x=list(labels), y=values, scales={"x": x, "y": y}, colors=colors or [BLUE], padding=0.3)
    y_axis = _share_axis(y, top, y_title) if share else bq.Axis(scale=y, orientation="vertical", label=y_title,
                                                                tick_style=TICKS, label_offset="50px")
    return _figure([mark], [bq.Axis(scale=x, label=x_title, tick_style=TICKS), y_axis])


def grouped_bars(labels: list[str], series: dict, x_title: str, y_title: str) -> bq.Figure:
    x, y = bq.OrdinalScale(), bq.LinearScale(min=0.0)
    values = np.nan_to_num(np.array([np.asarray(v, dtype=float) for v in series.values()]))
    y.max = max(float(values.max()), 1.0) * 1.15
    mark = bq.Bars(x=list(labels), y=values, scales={"x": x, "y": y}, type="grouped", labels=list(series),
                   colors=SERIES[:len(series)], display_legend=True, padding=0.3)
    axes = [bq.Axis(scale=x, label=x_title, tick_style=TICKS),
            bq.Axis(scale=y, orientation="vertical", label=y_title, tick_style=TICKS, label_offset="50px")]
    return _figure([mark], axes, legend=True)


def lines(x_labels: list[str], series: dict, x_title: str, y_title: str, rules=()) -> bq.Figure:
    """One line per named series over ordinal x (weeks); `rules` are horizontal reference lines (value, colour)."""
    x, y = bq.OrdinalScale(), bq.LinearScale(min=0.0)
    values = np.array([np.asarray(v, dtype=float) for v in series.values()]) if series else np.zeros((1, 1))
    top = max(float(np.nanmax(values)) if np.isfinite(values).any() else 0.0, *(r for r, _ in rules), 0.01) * 1.15
    y.max = top
    marks = [bq.Lines(x=list(x_labels), y=values, scales={"x": x, "y": y}, labels=list(series),
                      colors=SERIES[:len(series)], display_legend=True, marker="circle", stroke_width=2)]
    for value, colour in rules:
        marks.append(bq.Lines(x=[x_labels[0], x_labels[-1]], y=[value, value], scales={"x": x, "y": y},
                              colors=[colour], line_style="dashed"))
    axes = [bq.Axis(scale=x, label=x_title, tick_style=TICKS), _share_axis(y, top, y_title)]
    return _figure(marks, axes, height=300, legend=True)


def psi_bars(table, lang: str) -> bq.Figure:
    """Last seven days' PSI per input, largest on top, with the 0.1 and 0.25 bands as dashed lines."""
    table = table.sort_values("latest")
    x, y = bq.OrdinalScale(), bq.LinearScale(min=0.0, max=max(float(table["latest"].max()) * 1.1, 0.3))
    colours = [ORANGE if f == "large" else "#E69F00" if f == "moderate" else BLUE for f in table["flag"]]
    names = [label(c, lang) for c in table.index]
    bars_ = bq.Bars(x=names, y=table["latest"].to_numpy(float), scales={"x": x, "y": y}, orientation="horizontal",
                    colors=colours, padding=0.25)
    # horizontal bars draw their x (the inputs) upwards: a Lines mark crossing them takes the scales the other way
    rules = [bq.Lines(x=[v, v], y=[names[0], names[-1]], scales={"x": y, "y": x}, colors=[colour],
                      line_style="dashed") for v, colour in ((0.1, GREY), (0.25, BLACK))]
    axes = [bq.Axis(scale=x, orientation="vertical", tick_style=TICKS),
            bq.Axis(scale=y, label=i18n.t("chart:psi", lang), tick_style=TICKS)]
    figure = _figure([bars_, *rules], axes, height=40 + 22 * len(names))
    figure.fig_margin = {"top": 10, "bottom": 45, "left": 220, "right": 20}
    return figure


def _text(sentences: list[str]) -> w.HTML:
    return w.HTML("".join(f"<p class='cw-reading'>{html.escape(s)}</p>" for s in sentences))


def _section(title: str, charts: list, sentences: list[str]) -> w.VBox:
    return w.VBox([w.HTML(f"<h3>{html.escape(title)}</h3>"), *charts, _text(sentences)],
                  layout={"margin": "0 0 18px 0"})


def view(review, lang: str = "fr") -> w.VBox:
    """Every section of the view, built once from the review."""
    t = lambda key, **kw: i18n.t(key, lang, **kw)  # noqa: E731
    said = review.sentences(lang)
    weekly = review.weekly
    weeks = [d.strftime("%d/%m" if lang == "fr" else "%m-%d") for d in weekly.index]
    rates = {t("chart:approval"): weekly["approval_rate"], t("chart:override"): weekly["override_rate"]}
    if weekly["disagreement"].notna().any():
        rates[t("chart:disagreement")] = weekly["disagreement"]
    sections = [_section(t("monitor:h_activity"), [
        bars(weeks, weekly["decisions"], t("chart:week"), t("chart:decisions"), share=False),
        lines(weeks, rates, t("chart:week"), t("chart:rate"))], said["activity"])]

    officers, contracts = review.officers, review.contracts
    sections.append(_section(t("monitor:h_officers"), [
        bars([str(i) for i in officers.index], officers["override_rate"], t("chart:officer"), t("chart:override_rate")),
        bars([i18n.level(str(i), lang) for i in contracts.index], contracts["approval_rate"], t("chart:contract"),
             t("chart:approval"))], said["officers"]))

    table = review.stability
    week_columns = [c for c in table.columns if hasattr(c, "strftime")]
    moved = table.index[table["flag"] != "stable"][:6]
    charts = [psi_bars(table, lang)]
    if len(moved) and len(week_columns) > 1:
        charts.append(lines([c.strftime("%d/%m" if lang == "fr" else "%m-%d") for c in week_columns],
                            {label(c, lang): table.loc[c, week_columns] for c in moved}, t("chart:week"),
                            t("chart:psi_week"), rules=[(0.1, GREY), (0.25, BLACK)]))
    sections.append(_section(t("monitor:h_drift"), charts, said["drift"]))

    trends = review.trends
    if trends.shape[1]:
        sections.append(_section(t("monitor:h_reasons"), [
            lines(weeks[-len(trends):], {c: trends[c] for c in trends.columns}, t("chart:week"), t("chart:share"))],
            said["reasons"]))

    perf, charts = review.performance, []
    fn, fp = (i18n.number(c, lang, 0 if float(c).is_integer() else 1) for c in review.unit_costs)
    cost_label = t("chart:cost", fn=fn, fp=fp)   # the deciding model's own costs
    if perf and perf.get("loans"):
        bands = perf["bands"]
        names = [band_label(b, lang) for b in bands.index]
        charts.append(grouped_bars(names, {t("chart:default_rate"): bands["default_rate"],
                                           t("chart:predicted"): bands["predicted"]}, t("chart:band"),
                                   t("chart:rate")))
        costs = review.costs
        charts.append(grouped_bars([t("chart:grant"), t("chart:refuse")],
                                   {t("chart:as_decided"): costs["cost_as_decided"],
                                    t("chart:advice"): costs["cost_of_advice"]}, "", cost_label))
    sections.append(_section(t("monitor:h_outcomes"), charts, said["outcomes"]))

    ch, charts = review.challenger, []
    if ch.get("scored"):
        by_band = ch["by_band"]
        charts.append(bars([band_label(b, lang) for b in by_band.index], by_band["mean"], t("chart:band"),
                           t("chart:disagreement"), colors=[ORANGE]))
        if ch.get("loans"):
            charts.append(grouped_bars([cost_label], {t("chart:champion"): [ch["cost_champion"]],
                                                      t("chart:challenger"): [ch["cost_challenger"]]},
                                       "", cost_label))
    sections.append(_section(t("monitor:h_challenger"), charts, said["challenger"]))
    return w.VBox([w.HTML(f"<h2>{html.escape(t('monitor:title'))}</h2>"), *sections],
                  layout={"max_width": "1100px"})
