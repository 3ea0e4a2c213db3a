"""The model-risk view's figures: what was decided, how the inputs drift, what it cost, and the challenger beside.

    from credit_widgets.monitor import review as monitor
    review = monitor.review(monitor.read_log(), monitor.reference(), monitor.read_outcomes("loans.csv"))
    review.weekly, review.stability, review.performance, review.challenger, review.sentences("fr")

Every figure is a plain DataFrame or dict computed from the audit log (`journal.read_log`); the sentences under the
charts are built from those same figures (texts in i18n). Outcomes are only known for granted loans (a refused
applicant has no loan to default on): performance and costs read "of the loans granted", and the cost of refusing
against a favourable advice is estimated from the model's probability, said as such.
Drift is read on the last week of applications against the champion's training data (PSI, 0.1 / 0.25 bands), the
weekly series showing when it started.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..analysis.drift import LARGE, MODERATE, flag, psi_by
from .journal import CATEGORICAL, COSTS, MONITORED, SCORE, model_costs, read_log, read_outcomes, reference

__all__ = ["read_log", "read_outcomes", "reference", "sources", "review", "Review", "weekly", "breakdown",
           "override_reasons",
           "stability", "reason_trends", "performance", "override_costs", "challenger", "MONITORED"]


def weekly(frame: pd.DataFrame) -> pd.DataFrame:
    """Per week: decisions, the model's approval rate, the granted share and override rate among recorded outcomes,
    borderline and rare-profile shares, and how often the challenger disagreed."""
    group = frame.groupby("week", sort=True)
    recorded = frame["recorded"]
    out = pd.DataFrame({
        "decisions": group.size(),
        "approval_rate": group["favourable"].mean(),
        "granted_rate": frame["granted"].astype(float).groupby(frame["week"]).mean(),
        "override_rate": frame["overridden"].where(recorded).astype(float).groupby(frame["week"]).mean(),
        "borderline_share": group["borderline"].mean(),
        "rare_share": frame["rare_profile"].astype(float).groupby(frame["week"]).mean(),
        "disagreement": _disagrees(frame).groupby(frame["week"]).mean(),
    })
    out.index.name = "week"
    return out


def _disagrees(frame: pd.DataFrame) -> pd.Series:
    """1.0 where the challenger's decision differs from the champion's, NaN where no challenger scored."""
    known = frame["shadow_favourable"].notna()
    return (frame["shadow_favourable"].astype("boolean") != frame["favourable"]).astype(float).where(known)


def _keys(values: pd.Series) -> pd.Series:
    """Group keys with "—" where nothing was recorded (a category column cannot take a new value in place)."""
    return values.astype(object).fillna("—")


def breakdown(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    """Per officer (or contract type...): decisions, approval rate, override rate, and in which direction."""
    keys = _keys(frame[by])
    recorded = frame["recorded"]
    overridden = frame["overridden"]
    out = pd.DataFrame({
        "decisions": keys.value_counts(),
        "approval_rate": frame["favourable"].groupby(keys).mean(),
        "override_rate": overridden.where(recorded).astype(float).groupby(keys).mean(),
        "overrides_to_grant": (overridden & ~frame["favourable"]).groupby(keys).sum(),
        "overrides_to_refuse": (overridden & frame["favourable"]).groupby(keys).sum(),
    }).sort_values("decisions", ascending=False)
    out.index.name = by
    return out


def override_reasons(frame: pd.DataFrame) -> pd.DataFrame:
    """The officers' reasons for overriding, with the direction of the override and their share of overrides."""
    over = frame[frame["overridden"]]
    direction = np.where(over["favourable"], "refuse", "grant")
    reason = over["outcome_reason"].astype(object).fillna("").str.strip().str.lower()
    table = (pd.DataFrame({"reason": reason, "direction": direction})
             .value_counts().rename("count").reset_index())
    table["share"] = table["count"] / max(len(over), 1)
    return table


def stability(frame: pd.DataFrame, ref: pd.DataFrame, columns=None, bins: int = 10) -> pd.DataFrame:
    """PSI of each watched input and of the score against the training data: per week (one column each, to see
    when a shift began), `overall`, and `latest` (the last seven days), which carries the flag in words."""
    columns = list(columns) if columns is not None else [c for c in MONITORED + [SCORE] if c in ref.columns]
    actual = frame.assign(**{SCORE: frame["probability"]})
    weeks = actual["week"]
    # the flag reads the last seven days, not the last calendar week, which may have begun an hour ago
    recent = (actual["time"] > actual["time"].max() - pd.Timedelta(days=7)).to_numpy()
    rows = {}
    for column in columns:
        expected, values = ref[column], actual[column]
        if column in CATEGORICAL:
            expected = expected.astype(object)
        else:
            expected, values = pd.to_numeric(expected, errors="coerce"), pd.to_numeric(values, errors="coerce")
        by_week, periods, overall = psi_by(expected, values, [weeks, np.where(recent, "latest", "before"),
                                                              np.zeros(len(values), dtype=int)], bins)
        rows[column] = {**{week: value for week, value in by_week.items()},
                        "overall": float(overall.iloc[0]) if len(overall) else float("nan"),
                        "latest": float(periods.get("latest", np.nan))}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table["flag"] = table["latest"].map(flag)
    table.index.name = "input"
    return table.sort_values("latest", ascending=False)


def reason_trends(frame: pd.DataFrame, top: int = 5) -> pd.DataFrame:
    """Weekly share of decisions whose main reason is each of the `top` most frequent ones."""
    kinds = frame["reason_kind"]
    main = kinds.value_counts().index[:top]
    shares = pd.crosstab(frame["week"], kinds.where(kinds.isin(main)), normalize=False)
    return shares.div(frame.groupby("week").size(), axis=0).reindex(columns=list(main)).fillna(0.0)


def _with_outcomes(frame: pd.DataFrame, outcomes: pd.DataFrame) -> pd.DataFrame:
    """Granted loans whose outcome the bank exported, with TARGET."""
    granted = frame[frame["granted"].eq(1.0) & frame["client_id"].notna()]
    target = outcomes.set_index("SK_ID_CURR")["TARGET"]
    y = granted["client_id"].astype("int64").map(target)
    return granted.assign(TARGET=y)[y.notna()]


def score_bands(threshold: float) -> np.ndarray:
    return np.array([0.0, threshold / 2, threshold, 2 * threshold, 4 * threshold, 1.0 + 1e-9])


def performance(frame: pd.DataFrame, outcomes: pd.DataFrame, bins: int = 10) -> dict:
    """Of the granted loans with a known outcome: default rate by score band, calibration, AUC."""
    from sklearn.metrics import roc_auc_score

    from ..model.fitting import calibration_table, expected_calibration_error

    known = _with_outcomes(frame, outcomes)
    result = {"loans": len(known), "default_rate": float(known["TARGET"].mean()) if len(known) else float("nan")}
    if len(known) == 0:
        return result
    y, p = known["TARGET"].to_numpy(int), known["probability"].to_numpy(float)
    edges = score_bands(float(np.median(frame["threshold"])))
    band = pd.cut(known["probability"], edges, right=False)
    result["bands"] = pd.DataFrame({"loans": known.groupby(band, observed=False).size(),
                                    "default_rate": known["TARGET"].groupby(band, observed=False).mean(),
                                    "predicted": known["probability"].groupby(band, observed=False).mean()})
    result["auc"] = float(roc_auc_score(y, p)) if 0 < y.sum() < len(y) else float("nan")
    table = calibration_table(y, p, bins)
    result["calibration"] = table
    result["calibration_error"] = expected_calibration_error(table)
    result["predicted"] = float(p.mean())
    return result


def _cost(favourable: np.ndarray, y: np.ndarray, costs: tuple = COSTS) -> np.ndarray:
    missed, refused = costs
    return np.where(favourable, missed * y, refused * (1 - y))


def override_costs(frame: pd.DataFrame, outcomes: pd.DataFrame, costs: tuple = COSTS) -> pd.DataFrame:
    """What overrides cost against following the advice, at the deciding model's costs (a missed default, a good
    client refused: `journal.model_costs`).
    Granting against the advice is measured on the loans' outcomes; refusing against it leaves no loan, so both
    costs are expected values from the model's probability (`estimated`)."""
    over = frame[frame["overridden"]]
    known = _with_outcomes(over[~over["favourable"]], outcomes)
    y = known["TARGET"].to_numpy(float)
    refused = over[over["favourable"]]
    p = refused["probability"].to_numpy(float)
    missed, wrongly = costs
    return pd.DataFrame([
        {"override": "grant", "decisions": int((~over["favourable"]).sum()), "with_outcome": len(known),
         "defaults": int(y.sum()), "cost_as_decided": float(_cost(np.ones(len(y), bool), y, costs).sum()),
         "cost_of_advice": float(_cost(np.zeros(len(y), bool), y, costs).sum()), "estimated": False},
        {"override": "refuse", "decisions": len(refused), "with_outcome": 0, "defaults": np.nan,
         "cost_as_decided": float((wrongly * (1 - p)).sum()), "cost_of_advice": float((missed * p).sum()),
         "estimated": True}]).set_index("override")


def challenger(frame: pd.DataFrame, outcomes: pd.DataFrame | None = None, costs: tuple = COSTS) -> dict:
    """How often the challenger disagrees with the champion, on whom, and what each would have cost."""
    shadowed = frame[frame["shadow_favourable"].notna()]
    result = {"scored": len(shadowed), "versions": sorted(shadowed["shadow_version"].dropna().unique().tolist())}
    if len(shadowed) == 0:
        return result
    disagree = _disagrees(shadowed)
    result["disagreement"] = float(disagree.mean())
    edges = score_bands(float(np.median(shadowed["threshold"])))
    result["by_contract"] = disagree.groupby(_keys(shadowed["contract"])).agg(["mean", "size"])
    result["by_band"] = disagree.groupby(pd.cut(shadowed["probability"], edges, right=False), observed=False).agg(
        ["mean", "size"])
    result["by_officer"] = disagree.groupby(_keys(shadowed["officer"])).agg(["mean", "size"])
    if outcomes is not None:
        known = _with_outcomes(shadowed, outcomes)
        y = known["TARGET"].to_numpy(float)
        result["loans"] = len(known)
        result["cost_champion"] = float(_cost(known["favourable"].to_numpy(bool), y, costs).sum())
        result["cost_challenger"] = float(_cost(known["shadow_favourable"].to_numpy(bool), y, costs).sum())
    return result


@dataclass
class Review:
    frame: pd.DataFrame
    weekly: pd.DataFrame
    officers: pd.DataFrame
    contracts: pd.DataFrame
    reasons: pd.DataFrame
    stability: pd.DataFrame
    trends: pd.DataFrame
    challenger: dict
    performance: dict | None = None
    costs: pd.DataFrame | None = None
    unit_costs: tuple = COSTS      # (a missed default, a good client refused) the costs were counted at
    notes: dict = field(default_factory=dict)

    def sentences(self, lang: str = "fr") -> dict:
        from .text import sentences

        return sentences(self, lang)


def review(frame: pd.DataFrame, ref: pd.DataFrame, outcomes: pd.DataFrame | None = None,
           costs: tuple | None = None) -> Review:
    """Every figure of the view in one pass over the log; costs are the deciding model's (`journal.model_costs`
    of the model directory in use) unless given."""
    if len(frame) == 0:
        raise ValueError("the audit log holds no decision yet")
    costs = tuple(costs) if costs is not None else model_costs()
    return Review(frame=frame, weekly=weekly(frame), officers=breakdown(frame, "officer"),
                  contracts=breakdown(frame, "contract"), reasons=override_reasons(frame),
                  stability=stability(frame, ref), trends=reason_trends(frame),
                  challenger=challenger(frame, outcomes, costs),
                  performance=None if outcomes is None else performance(frame, outcomes),
                  costs=None if outcomes is None else override_costs(frame, outcomes, costs),
                  unit_costs=costs,
                  notes={"officers_recorded": bool(frame["officer"].notna().any()),
                         "rare_recorded": bool(frame["rare_profile"].notna().any()),
                         "thresholds": (LARGE, MODERATE)})


def sources(log=None, outcomes=None, demo_decisions: int = 5000):
    """(audit log, outcomes or None) for the view: `log`, else CREDIT_AUDIT_LOG, else the demo month
    audit/demo.sqlite, generated on first use; outcomes from `outcomes`, else CREDIT_OUTCOMES, else the CSV
    beside the log (<log>-outcomes.csv) when there is one."""
    import os
    from pathlib import Path

    demo = Path(__file__).resolve().parents[2] / "audit" / "demo.sqlite"
    path = Path(log or os.environ.get("CREDIT_AUDIT_LOG") or demo)
    if not path.exists() and path == demo:
        from .activity import generate

        generate(demo, decisions=demo_decisions)
    outcomes = outcomes or os.environ.get("CREDIT_OUTCOMES")
    beside = path.with_name(path.stem + "-outcomes.csv")
    if outcomes is None and beside.exists():
        outcomes = beside
    return path, (None if outcomes is None else read_outcomes(outcomes))
