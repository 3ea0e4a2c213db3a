"""The validation pack of a score: KS, Gini, bootstrap intervals, paired comparisons, gains / lift, reliability.

    intervals = metric_intervals(y, p)                 # AUC, Gini, KS with stratified-bootstrap 95 % intervals
    paired_difference(y, p_new, p_old)                 # AUC(new) - AUC(old) on the same rows, with its interval
    gains_table(y, p); reliability_table(y, p, threshold)

Not to be confused with `validate.py` (checking what a user types). A higher `p` means more risk everywhere.
The bootstrap resamples defaults and repaid loans separately (stratified: each resample keeps the default rate);
its resamples are drawn as multinomial counts, so that AUC and KS of hundreds of resamples are computed at once
from one sort of the scores (ties count one half, as in the Mann-Whitney statistic). No plotting import here.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..decision.rules import BORDERLINE_BAND, favourable

LEVEL = 0.95
N_BOOT = 1000
METRICS = ("auc", "gini", "ks")


def _arrays(y, p) -> tuple[np.ndarray, np.ndarray]:
    y, p = np.asarray(y, dtype=float).ravel(), np.asarray(p, dtype=float).ravel()
    if len(y) != len(p):
        raise ValueError("y and p must have the same length")
    if not np.isin(y, (0.0, 1.0)).all() or y.min() == y.max():
        raise ValueError("y must hold both outcomes, as 0 and 1")
    return y, p


def _weighted_curves(p: np.ndarray, w_pos: np.ndarray, w_neg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """AUC and KS for each row of the weights (resamples x rows): one sort, tied scores pooled."""
    order = np.argsort(p, kind="stable")
    sorted_p = p[order]
    starts = np.flatnonzero(np.r_[True, np.diff(sorted_p) != 0])
    pos = np.add.reduceat(w_pos[:, order], starts, axis=1)
    neg = np.add.reduceat(w_neg[:, order], starts, axis=1)
    n_pos, n_neg = pos.sum(axis=1, keepdims=True), neg.sum(axis=1, keepdims=True)
    neg_below = np.cumsum(neg, axis=1) - neg
    auc = (pos * (neg_below + 0.5 * neg)).sum(axis=1) / (n_pos * n_neg).ravel()
    ks = np.abs(np.cumsum(pos, axis=1) / n_pos - np.cumsum(neg, axis=1) / n_neg).max(axis=1)
    return auc, ks


def auc_score(y, p) -> float:
    y, p = _arrays(y, p)
    return float(_weighted_curves(p, (y == 1)[None, :].astype(float), (y == 0)[None, :].astype(float))[0][0])


def ks_statistic(y, p) -> float:
    """Kolmogorov-Smirnov: the largest distance between the score distributions of defaults and repaid loans."""
    y, p = _arrays(y, p)
    return float(_weighted_curves(p, (y == 1)[None, :].astype(float), (y == 0)[None, :].astype(float))[1][0])


def gini(y, p) -> float:
    """Gini (accuracy ratio) = 2 AUC - 1."""
    return 2.0 * auc_score(y, p) - 1.0


def _resample_weights(y: np.ndarray, n_boot: int, rng) -> np.ndarray:
    """Multinomial counts (n_boot x rows), drawn within defaults and within repaid loans."""
    weights = np.zeros((n_boot, len(y)))
    for outcome in (0.0, 1.0):
        rows = np.flatnonzero(y == outcome)
        weights[:, rows] = rng.multinomial(len(rows), np.full(len(rows), 1.0 / len(rows)), size=n_boot)
    return weights


def _boot(y: np.ndarray, scores: list[np.ndarray], n_boot: int, seed: int, chunk: int = 100) -> list[dict]:
    """Per score: AUC and KS of the same stratified resamples (arrays of n_boot)."""
    rng = np.random.default_rng(seed)
    out = [{"auc": [], "ks": []} for _ in scores]
    for start in range(0, n_boot, chunk):
        weights = _resample_weights(y, min(chunk, n_boot - start), rng)
        w_pos, w_neg = weights * (y == 1), weights * (y == 0)
        for i, p in enumerate(scores):
            auc, ks = _weighted_curves(p, w_pos, w_neg)
            out[i]["auc"].append(auc)
            out[i]["ks"].append(ks)
    return [{"auc": np.concatenate(o["auc"]), "ks": np.concatenate(o["ks"]),
             "gini": 2 * np.concatenate(o["auc"]) - 1} for o in out]


def _interval(draws: np.ndarray, level: float) -> tuple[float, float]:
    tail = (1 - level) / 2
    low, high = np.quantile(draws, [tail, 1 - tail])
    return float(low), float(high)


def metric_intervals(y, p, n_boot: int = N_BOOT, level: float = LEVEL, seed: int = 0) -> pd.DataFrame:
    """AUC, Gini and KS with percentile intervals of a stratified bootstrap (rows: metric; estimate, low, high)."""
    y, p = _arrays(y, p)
    draws = _boot(y, [p], n_boot, seed)[0]
    estimate = {"auc": auc_score(y, p), "ks": ks_statistic(y, p)}
    estimate["gini"] = 2 * estimate["auc"] - 1
    rows = [{"metric": m, "estimate": estimate[m], **dict(zip(("low", "high"), _interval(draws[m], level)))}
            for m in METRICS]
    return pd.DataFrame(rows).set_index("metric")


def paired_difference(y, p_a, p_b, metric: str = "auc", n_boot: int = N_BOOT, level: float = LEVEL,
                      seed: int = 0) -> dict:
    """metric(a) - metric(b) on the same rows, with the interval of the same resamples applied to both scores
    (the rows they share make the difference far less uncertain than either figure)."""
    y, p_a = _arrays(y, p_a)
    _, p_b = _arrays(y, p_b)
    if metric not in METRICS:
        raise ValueError(f"metric is one of {METRICS}")
    draws_a, draws_b = _boot(y, [p_a, p_b], n_boot, seed)
    single = {"auc": auc_score, "ks": ks_statistic, "gini": gini}[metric]
    difference = draws_a[metric] - draws_b[metric]
    low, high = _interval(difference, level)
    return {"metric": metric, "a": single(y, p_a), "b": single(y, p_b),
            "difference": single(y, p_a) - single(y, p_b), "low": low, "high": high,
            "share_a_better": float(np.mean(difference > 0))}


def difference_in_words(diff: dict, name_a: str, name_b: str) -> str:
    """A sentence that says whether the interval of a paired difference excludes zero."""
    figure = (f"{diff['metric'].upper()} {name_a} − {name_b}: {diff['difference']:+.4f} "
              f"[{diff['low']:+.4f}, {diff['high']:+.4f}]")
    if diff["low"] > 0:
        return f"{figure}: {name_a} is better, the interval excludes zero."
    if diff["high"] < 0:
        return f"{figure}: {name_b} is better, the interval excludes zero."
    return f"{figure}: the interval contains zero, these rows cannot tell the two apart."


def wilson_interval(successes, trials, level: float = LEVEL) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a binomial proportion (arrays welcome; nan where trials is 0)."""
    from scipy.stats import norm

    k, n = np.asarray(successes, dtype=float), np.asarray(trials, dtype=float)
    z = norm.ppf(1 - (1 - level) / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = k / n
        centre = (share + z * z / (2 * n)) / (1 + z * z / n)
        half = z * np.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)  # rounding can step past 0 or 1


def gains_table(y, p, bins: int = 10) -> pd.DataFrame:
    """Clients sorted from the riskiest score down, cut in `bins` equal groups: defaults per group, the share of all
    defaults captured so far, and the lift (default rate of the group / overall default rate), plain and cumulative."""
    y, p = _arrays(y, p)
    order = np.argsort(-p, kind="stable")
    group = np.arange(len(y)) * bins // len(y)
    frame = pd.DataFrame({"group": group + 1, "y": y[order], "p": p[order]}).groupby("group")
    table = pd.DataFrame({"clients": frame.size(), "defaults": frame["y"].sum(), "mean_score": frame["p"].mean(),
                          "min_score": frame["p"].min()})
    rate = y.mean()
    table["default_rate"] = table["defaults"] / table["clients"]
    table["lift"] = table["default_rate"] / rate
    table["captured"] = table["defaults"].cumsum() / y.sum()
    table["cumulative_lift"] = (table["defaults"].cumsum() / table["clients"].cumsum()) / rate
    table["low"], table["high"] = wilson_interval(table["defaults"], table["clients"])
    table.index.name = "group (1 = riskiest)"
    return table


def reliability_table(y, p, threshold: float | None = None, bins: int = 10, fine: int = 3,
                      level: float = LEVEL) -> pd.DataFrame:
    """Observed default rate per score bin with its Wilson interval. Bins are quantiles of `p`; around `threshold`
    `fine` extra cuts on each side (at quantile steps of 1 / (4 bins)) show calibration where decisions change.
    Columns: low_edge, high_edge, count, predicted, observed, low, high, inside (the mean prediction within the
    interval), near_threshold."""
    y, p = _arrays(y, p)
    levels = list(np.linspace(0, 1, bins + 1))
    if threshold is not None:
        rank = float(np.mean(favourable(p, threshold)))
        step = 1.0 / (4 * bins)
        levels += [rank + k * step for k in range(-fine, fine + 1)]
    edges = np.unique(np.quantile(p, np.clip(levels, 0, 1)))
    which = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, len(edges) - 2)
    frame = pd.DataFrame({"bin": which, "p": p, "y": y}).groupby("bin")
    table = pd.DataFrame({"count": frame.size(), "defaults": frame["y"].sum(), "predicted": frame["p"].mean()})
    table["low_edge"] = edges[table.index]
    table["high_edge"] = edges[table.index + 1]
    table["observed"] = table["defaults"] / table["count"]
    table["low"], table["high"] = wilson_interval(table["defaults"], table["count"], level)
    table["inside"] = (table["predicted"] >= table["low"]) & (table["predicted"] <= table["high"])
    table["near_threshold"] = False if threshold is None else \
        (table["low_edge"] <= threshold + BORDERLINE_BAND) & (table["high_edge"] >= threshold - BORDERLINE_BAND)
    return table.reset_index(drop=True)


def reliability_in_words(table: pd.DataFrame, level: float = LEVEL) -> str:
    outside = table[~table["inside"]]
    near = table[table["near_threshold"]]
    text = (f"{len(table) - len(outside)} of {len(table)} bins hold their mean prediction inside the "
            f"{level:.0%} interval of the observed rate")
    if len(outside):
        worst = outside.assign(gap=(outside["predicted"] - outside["observed"]).abs()).sort_values("gap").iloc[-1]
        text += (f"; the furthest, scores {worst['low_edge']:.3f}-{worst['high_edge']:.3f}, predicts "
                 f"{worst['predicted']:.3f} for {worst['observed']:.3f} observed")
    if len(near):
        text += f"; near the threshold {int(near['inside'].sum())} of {len(near)} bins agree"
    return text + ". (About one bin in twenty falls outside by chance alone.)"


def precision_recall(y, p) -> pd.DataFrame:
    """Precision and recall of 'refuse when p >= t' for every distinct t, and the average precision."""
    from sklearn.metrics import average_precision_score, precision_recall_curve

    y, p = _arrays(y, p)
    precision, recall, thresholds = precision_recall_curve(y, p)
    table = pd.DataFrame({"threshold": np.r_[thresholds, np.nan], "precision": precision, "recall": recall})
    table.attrs["average_precision"] = float(average_precision_score(y, p))
    return table


def bootstrap_statistic(y, p, statistic, n_boot: int = N_BOOT, level: float = LEVEL, seed: int = 0) -> dict:
    """Any statistic(y, p) -> float with the percentile interval of the same stratified resampling (as rows drawn,
    so that statistics which sort or threshold are computed as written)."""
    y, p = _arrays(y, p)
    rng = np.random.default_rng(seed)
    pos, neg = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
    draws = np.empty(n_boot)
    for b in range(n_boot):
        rows = np.r_[rng.choice(pos, len(pos)), rng.choice(neg, len(neg))]
        draws[b] = statistic(y[rows], p[rows])
    low, high = _interval(draws, level)
    return {"estimate": float(statistic(y, p)), "low": low, "high": high}


def figure(value: dict, digits: int = 3, percent: bool = False) -> str:
    """'0.812 [0.790, 0.834]' from a dict with estimate (or value), low and high."""
    estimate = value.get("estimate", value.get("value"))
    fmt = f"{{:.{max(digits - 2, 1)}%}}" if percent else f"{{:.{digits}f}}"
    return f"{fmt.format(estimate)} [{fmt.format(value['low'])}, {fmt.format(value['high'])}]"


def card_section(intervals: pd.DataFrame, gains: pd.DataFrame, rows: int, verdicts: dict[str, str],
                 caveats: list[str]) -> str:
    """Markdown for the model card: test figures with their intervals, top-decile lift, fairness verdicts, caveats."""
    lines = [f"## Validation on {rows:,} held-out clients (no choice saw them)", ""]
    for metric, row in intervals.iterrows():
        lines.append(f"- **{metric.upper()}**: {figure(row.to_dict())} (95 % stratified bootstrap)")
    top = gains.iloc[0]
    lines.append(f"- **Top-decile lift**: {top['lift']:.2f} (default rate {top['default_rate']:.1%} among the 10 % "
                 f"riskiest scores; {top['captured']:.1%} of all defaults)")
    lines += ["", "## Fairness", ""] + [f"- {sentence}" for sentence in verdicts.values()]
    lines += ["", "## Caveats", ""] + [f"- {caveat}" for caveat in caveats]
    return "\n".join(lines) + "\n"
