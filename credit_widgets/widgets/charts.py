"""bqplot charts of the page. Each is built once; `update` changes its marks in place (inside hold_sync), never
rebuilding a figure. Colours are Okabe-Ito (colour-blind safe) and every meaning also has a shape, a dash or a
word, never colour alone."""
from __future__ import annotations

import math

import bqplot as bq
import numpy as np

from ..text import i18n

# Okabe-Ito blue, and a darker vermillion than Okabe-Ito's so that legend text keeps a 4.5:1 contrast (WCAG AA).
BLUE, ORANGE, GREY, BLACK = "#0072B2", "#B34700", "#8a8a8a", "#1a1a1a"
TICKS = {"fill": "#333333", "font-size": "12px"}
_LAYOUT = {"width": "100%"}


def _figure(marks, axes, height: int, title: str = "") -> bq.Figure:
    return bq.Figure(marks=marks, axes=axes, title=title, layout={**_LAYOUT, "height": f"{height}px"},
                     fig_margin={"top": 10 if not title else 35, "bottom": 30, "left": 10, "right": 15},
                     animation_duration=0)


def share_ticks(top: float, most: int = 6) -> np.ndarray:
    """Round shares from 0 to `top`: bqplot's own ticks on a 0-based share axis put a "-1 %" at the origin."""
    step = next((step for step in (0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5) if top / step <= most - 1), 1.0)
    return np.round(np.arange(0.0, top + 1e-9, step), 6)


GAUGE_TOP = 0.5


class Gauge:
    """The default probability on a horizontal track, with the decision threshold as a dashed line."""

    def __init__(self):
        self.scale = bq.LinearScale(min=0.0, max=GAUGE_TOP)
        y = bq.LinearScale(min=0.0, max=1.0)
        scales = {"x": self.scale, "y": y}
        self.track = bq.Lines(x=[0.0, 0.5], y=[0.5, 0.5], scales=scales, colors=["#e6e6e6"], stroke_width=20)
        self.value = bq.Lines(x=[0.0, 0.0], y=[0.5, 0.5], scales=scales, colors=[BLUE], stroke_width=20)
        self.threshold = bq.Lines(x=[0.1, 0.1], y=[0.0, 1.0], scales=scales, colors=[BLACK], stroke_width=4)
        self.axis = bq.Axis(scale=self.scale, tick_style=TICKS, tick_format=".0%", tick_values=share_ticks(0.5))
        self.figure = _figure([self.track, self.value, self.threshold], [self.axis], 90)
        self.figure.fig_margin = {"top": 5, "bottom": 30, "left": 15, "right": 25}

    def update(self, probability: float, threshold: float, favourable: bool) -> None:
        # One fixed scale for every applicant, so that two files compare at a glance; past its end the bar is full
        # (the exact figure is always written beside the gauge).
        with self.track.hold_sync(), self.value.hold_sync(), self.threshold.hold_sync():
            self.value.x = [0.0, min(probability, GAUGE_TOP)]
            self.value.colors = [BLUE if favourable else ORANGE]
            self.threshold.x = [min(threshold, GAUGE_TOP)] * 2


class Waterfall:
    """From the average client's risk to this file's, one bar per input (largest first): increases in orange
    towards the right, decreases in blue towards the left. Stacked bars with an invisible offset series."""

    def __init__(self, bars: int = 10):
        self.bars = bars
        self.x = bq.OrdinalScale(reverse=True)
        self.y = bq.LinearScale()
        self.mark = bq.Bars(x=[""], y=[[0.0], [0.0], [0.0]], scales={"x": self.x, "y": self.y},
                            orientation="horizontal", type="stacked", colors=["#ffffff", ORANGE, BLUE],
                            opacities=[0.0, 1.0, 1.0], padding=0.25, stroke="#ffffff")
        axis_labels = bq.Axis(scale=self.x, side="left", tick_style=TICKS)
        axis_values = bq.Axis(scale=self.y, tick_style=TICKS, num_ticks=0, label_offset="0px")
        self.figure = _figure([self.mark], [axis_labels, axis_values], 330)
        self.figure.fig_margin = {"top": 10, "bottom": 15, "left": 260, "right": 20}

    def update(self, base_value: float, contributions: dict, labels: dict, lang: str = "fr") -> None:
        ranked = sorted(contributions.items(), key=lambda kv: -abs(kv[1]))
        shown, rest = ranked[:self.bars], ranked[self.bars:]
        steps = [(labels[name], value) for name, value in shown]
        if rest:
            steps.append((labels["__rest__"], sum(v for _, v in rest)))
        position = base_value
        starts, ends = [], []
        for _, value in steps:
            starts.append(position)
            position += value
            ends.append(position)
        # each bar is labelled with what it does to the probability along the way, in points: they add up from the
        # average client's probability to this file's
        self.start, self.end = _sigmoid(base_value), _sigmoid(position)
        steps = [(f"{_short(name)}  {_signed_points(_sigmoid(e) - _sigmoid(s), lang)}", value)
                 for (name, value), s, e in zip(steps, starts, ends)]
        low = min(starts + ends + [base_value]) - 0.2
        offset = [min(s, e) - low for s, e in zip(starts, ends)]
        up = [max(e - s, 0.0) for s, e in zip(starts, ends)]
        down = [max(s - e, 0.0) for s, e in zip(starts, ends)]
        with self.mark.hold_sync():
            self.mark.x = [name for name, _ in steps]
            self.mark.y = [offset, up, down]


    def summary(self, lang: str) -> str:
        return i18n.t("ui:waterfall_from_to", lang, base=i18n.percent(self.start, lang, 1),
                      p=i18n.percent(self.end, lang, 1))


def _short(label: str, most: int = 34) -> str:
    """Long input names are cut at the end, so the figure beside them always shows (the margin is fixed)."""
    return label if len(label) <= most else label[:most - 1].rstrip() + "…"


def _sigmoid(log_odds: float) -> float:
    return 1.0 / (1.0 + math.exp(-log_odds))


def _signed_points(delta: float, lang: str) -> str:
    text = i18n.number(100 * delta, lang, 1)
    return f"{'+' if delta >= 0 and not text.startswith('-') else ''}{text}{i18n.NNBSP if lang == 'fr' else ' '}pts"


# Ticks that read the same in both languages (d3's formats know only the English decimal point): whole numbers,
# shares in %, amounts in thousands. Scores (0 to 1) keep a decimal point.
_TICKS = {"percent": (1.0, ".0%"), "amount": (1e-3, "d"), "count": (1.0, "d"), "years": (1.0, "d"),
          "times": (1.0, ".1f"), "score": (1.0, ".1f"), "yes_no": (1.0, "d"),
          "number": (1.0, "~s")}


def axis_scale(style: str) -> tuple[float, str]:
    return _TICKS.get(style, _TICKS["number"])


def axis_title(label: str, style: str, lang: str) -> str:
    if style == "amount":
        unit = "milliers" if lang == "fr" else "thousands"
        symbol = i18n.currency_symbol()
        return f"{label} ({unit}{' ' + symbol if symbol else ''})"
    if style == "years":
        return f"{label} ({'ans' if lang == 'fr' else 'years'})"
    return label


class Distribution:
    """Share of clients per value, repaid (solid blue) vs defaulted (dashed orange), the file as a black line."""

    def __init__(self):
        self.x, self.y = bq.LinearScale(), bq.LinearScale(min=0.0)
        scales = {"x": self.x, "y": self.y}
        # no bqplot legend: it draws its symbols over the words; the page writes the legend under the chart
        common = dict(scales=scales, stroke_width=3, display_legend=False, interpolation="step-after")
        self.repaid = bq.Lines(x=[0.0, 1.0], y=[0.0, 0.0], colors=[BLUE], line_style="solid", labels=[""], **common)
        self.defaulted = bq.Lines(x=[0.0, 1.0], y=[0.0, 0.0], colors=[ORANGE], line_style="dashed", labels=[""],
                                  **common)
        self.marker = bq.Lines(x=[0.0, 0.0], y=[0.0, 1.0], scales=scales, colors=[BLACK], stroke_width=3,
                               display_legend=False, labels=[""])
        self.x_axis = bq.Axis(scale=self.x, tick_style=TICKS, num_ticks=6, label_offset="32px")
        self.y_axis = bq.Axis(scale=self.y, tick_style=TICKS, side="left", tick_format=".0%",
                              tick_values=share_ticks(1.0, 5), label_offset="42px")
        self.figure = _figure([self.repaid, self.defaulted, self.marker], [self.x_axis, self.y_axis], 260)
        self.figure.fig_margin = {"top": 10, "bottom": 50, "left": 60, "right": 20}

    def update(self, position: dict, labels: tuple[str, str, str], style: str = "number", lang: str = "fr",
               axis_labels: tuple[str, str] = ("", "")) -> None:
        factor, tick_format = axis_scale(style)
        position = {**position, "edges": np.asarray(position["edges"], float) * factor,
                    "value": None if position["value"] is None else position["value"] * factor}
        self.x_axis.label = axis_title(axis_labels[0], style, lang)
        self.y_axis.label = axis_labels[1]
        edges = np.asarray(position["edges"])
        repaid = np.asarray(position["repaid_counts"], float)
        defaulted = np.asarray(position["defaulted_counts"], float)
        repaid_share = repaid / max(repaid.sum(), 1)
        defaulted_share = defaulted / max(defaulted.sum(), 1)
        top = float(max(repaid_share.max(initial=0), defaulted_share.max(initial=0)) * 1.1) or 1.0
        value = position["value"]
        with self.repaid.hold_sync(), self.defaulted.hold_sync(), self.marker.hold_sync():
            self.x_axis.tick_format = tick_format
            self.x_axis.tick_values = _round_ticks(edges[0], edges[-1], style)
            self.repaid.x, self.repaid.y, self.repaid.labels = edges[:-1], repaid_share, [labels[0]]
            self.defaulted.x, self.defaulted.y, self.defaulted.labels = edges[:-1], defaulted_share, [labels[1]]
            self.y.max = top
            self.y_axis.tick_values = share_ticks(top, 5)
            at = edges[0] if value is None else float(np.clip(value, edges[0], edges[-1]))
            self.marker.x = [at, at]
            self.marker.y = [0.0, top] if value is not None else [0.0, 0.0]
            self.marker.labels = [labels[2]]


def _round_ticks(low: float, high: float, style: str, most: int = 6) -> np.ndarray:
    """Round tick values over [low, high] (1, 2 or 5 times a power of ten), whole numbers for whole formats."""
    span = max(high - low, 1e-9)
    raw = span / max(most - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    if style in ("count", "years", "amount", "yes_no") and step < 1:
        step = 1.0
    start = math.ceil(low / step) * step
    return np.round(np.arange(start, high + step * 1e-6, step), 10)


class BaseScatter:
    """A sample of the client base on two inputs: repaid as blue dots, defaulted as orange crosses, the file as a
    large black diamond."""

    def __init__(self):
        self.x, self.y = bq.LinearScale(), bq.LinearScale()
        scales = {"x": self.x, "y": self.y}
        # The legend is a caption in words under the chart. Axis num_ticks on this figure left every point in
        # the middle when the points were set from a widget callback (bqplot 0.13): it is not used here.
        self.repaid = bq.Scatter(x=[0.0], y=[0.0], scales=scales, colors=["#7fb2d8"], default_size=14,
                                 marker="circle")
        self.defaulted = bq.Scatter(x=[0.0], y=[0.0], scales=scales, colors=[ORANGE], default_size=28,
                                    marker="cross")
        self.applicant = bq.Scatter(x=[0.0], y=[0.0], scales=scales, colors=[BLACK], default_size=220,
                                    marker="diamond")
        self.x_axis = bq.Axis(scale=self.x, tick_style=TICKS, label_offset="32px")
        self.y_axis = bq.Axis(scale=self.y, tick_style=TICKS, side="left", label_offset="50px")
        self.figure = _figure([self.repaid, self.defaulted, self.applicant], [self.x_axis, self.y_axis], 320)
        self.figure.fig_margin = {"top": 10, "bottom": 50, "left": 70, "right": 20}
        self._texts = None

    def update(self, sample: dict, point: tuple, labels: tuple, axis_labels: tuple, styles: tuple,
               lang: str = "fr") -> None:
        (fx, format_x), (fy, format_y) = axis_scale(styles[0]), axis_scale(styles[1])
        axis_labels = (axis_title(axis_labels[0], styles[0], lang), axis_title(axis_labels[1], styles[1], lang))
        formats = (format_x, format_y)
        x, y = np.asarray(sample["x"], float) * fx, np.asarray(sample["y"], float) * fy
        bad = np.asarray(sample["defaulted"])
        point = (None if point[0] is None else point[0] * fx, None if point[1] is None else point[1] * fy)
        keep = ~np.isnan(x) & ~np.isnan(y)
        # Outliers are clipped to the 1st-99th percentiles in the data sent; the scales follow the data.
        lo_x, hi_x = np.nanpercentile(x[keep], [1, 99]) if keep.any() else (0.0, 1.0)
        lo_y, hi_y = np.nanpercentile(y[keep], [1, 99]) if keep.any() else (0.0, 1.0)
        x, y = np.clip(x, lo_x, hi_x), np.clip(y, lo_y, hi_y)
        px, py = point
        shown = px is not None and py is not None
        with self.repaid.hold_sync():
            self.repaid.x, self.repaid.y = x[keep & ~bad], y[keep & ~bad]
        with self.defaulted.hold_sync():
            self.defaulted.x, self.defaulted.y = x[keep & bad], y[keep & bad]
        with self.applicant.hold_sync():
            self.applicant.x = [float(px) if shown else float(lo_x)]
            self.applicant.y = [float(py) if shown else float(lo_y)]
        self.applicant.visible = shown
        # Labels change only with the language or the axes: re-sending them with every point set was seen to
        # leave a scatter updated from a callback with all its points at one place.
        texts = (labels, axis_labels, formats)
        if texts != self._texts:
            self._texts = texts
            self.x_axis.label, self.y_axis.label = axis_labels
            self.x_axis.tick_format, self.y_axis.tick_format = formats
