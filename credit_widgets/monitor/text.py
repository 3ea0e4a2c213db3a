"""The sentence under each chart of the model-risk view, computed from the figures it reads (texts in i18n)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..text import i18n
from .journal import SCORE


def label(column: str, lang: str) -> str:
    """An input's name as the reviewer reads it (the model's score included)."""
    from ..explain.reasons import input_label

    return i18n.t("monitor:score", lang) if column == SCORE else input_label(column, lang)


def band_label(interval, lang: str) -> str:
    right = min(float(interval.right), 1.0)
    return f"{i18n.percent(float(interval.left), lang, 1)}–{i18n.percent(right, lang, 1)}"


def _pct(value, lang: str) -> str:
    return i18n.percent(float(value), lang, 1)


def _activity(review, lang: str) -> list[str]:
    frame, weekly = review.frame, review.weekly
    override = frame["overridden"][frame["recorded"]].mean() if frame["recorded"].any() else np.nan
    rare = (_pct(frame["rare_profile"].astype(float).mean(), lang) if review.notes["rare_recorded"]
            else i18n.t("monitor:rare_unknown", lang))
    return [i18n.t("monitor:activity", lang, n=i18n.number(len(frame), lang), weeks=len(weekly),
                   approval=_pct(frame["favourable"].mean(), lang), override=_pct(override, lang)),
            i18n.t("monitor:approval_trend", lang, first=_pct(weekly["approval_rate"].iloc[0], lang),
                   last=_pct(weekly["approval_rate"].iloc[-1], lang)),
            i18n.t("monitor:flags", lang, borderline=_pct(frame["borderline"].mean(), lang), rare=rare)]


def _officers(review, lang: str) -> list[str]:
    out = []
    officers = review.officers.drop(index="—", errors="ignore").dropna(subset=["override_rate"])
    if not review.notes["officers_recorded"] or len(officers) == 0:
        out.append(i18n.t("monitor:officers_unknown", lang))
    else:
        rates = officers["override_rate"]
        out.append(i18n.t("monitor:officers", lang, most=rates.idxmax(), most_rate=_pct(rates.max(), lang),
                          least=rates.idxmin(), least_rate=_pct(rates.min(), lang)))
    contracts = review.contracts.drop(index="—", errors="ignore")
    if len(contracts) > 1:
        rates = contracts["approval_rate"]
        out.append(i18n.t("monitor:contracts", lang, best=i18n.level(rates.idxmax(), lang),
                          best_rate=_pct(rates.max(), lang), worst=i18n.level(rates.idxmin(), lang),
                          worst_rate=_pct(rates.min(), lang)))
    reasons = review.reasons
    if len(reasons) == 0:
        out.append(i18n.t("monitor:no_overrides", lang))
    else:
        top = reasons.iloc[0]
        grant = reasons.loc[reasons["direction"] == "grant", "count"].sum() / reasons["count"].sum()
        out.append(i18n.t("monitor:reasons", lang, reason=top["reason"], share=_pct(top["share"], lang),
                          grant=_pct(grant, lang)))
    return out


def _drift(review, lang: str) -> list[str]:
    table = review.stability
    large = [label(c, lang) for c in table.index[table["flag"] == "large"]]
    moderate = [label(c, lang) for c in table.index[table["flag"] == "moderate"]]
    if not large and not moderate:
        return [i18n.t("monitor:drift_none", lang)]
    out = []
    if large:
        out.append(i18n.t("monitor:drift_large", lang, columns=", ".join(large)))
    if moderate:
        out.append(i18n.t("monitor:drift_moderate", lang, columns=", ".join(moderate)))
    stable = int((table["flag"] == "stable").sum())
    if stable:
        out.append(i18n.t("monitor:drift_stable", lang, count=stable))
    weeks = [c for c in table.columns if isinstance(c, pd.Timestamp)]
    shifted = table.loc[table["flag"] != "stable", weeks]
    first = [w for w in weeks if (shifted[w] > 0.1).any()]
    if first:
        out.append(i18n.t("monitor:drift_since", lang, week=first[0].strftime("%d/%m/%Y" if lang == "fr" else
                                                                              "%Y-%m-%d")))
    return out


def _trends(review, lang: str) -> list[str]:
    trends = review.trends
    if trends.shape[0] < 2 or trends.shape[1] == 0:
        return []
    growth = trends.iloc[-1] - trends.iloc[0]
    reason = growth.idxmax()
    return [i18n.t("monitor:trends", lang, reason=reason, first=_pct(trends[reason].iloc[0], lang),
                   last=_pct(trends[reason].iloc[-1], lang))]


def _outcomes(review, lang: str) -> list[str]:
    perf = review.performance
    if perf is None or perf.get("loans", 0) == 0:
        return [i18n.t("monitor:no_outcomes", lang)]
    out = [i18n.t("monitor:performance", lang, loans=i18n.number(perf["loans"], lang),
                  rate=_pct(perf["default_rate"], lang), auc=i18n.number(perf["auc"], lang, 3),
                  predicted=_pct(perf["predicted"], lang), ece=i18n.number(perf["calibration_error"], lang, 3))]
    bands = perf["bands"].dropna(subset=["default_rate"])
    if len(bands) > 1:
        out.append(i18n.t("monitor:bands", lang, low=_pct(bands["default_rate"].iloc[0], lang),
                          high=_pct(bands["default_rate"].iloc[-1], lang)))
    costs = review.costs
    grant, refuse = costs.loc["grant"], costs.loc["refuse"]
    if grant["decisions"]:
        out.append(i18n.t("monitor:override_cost", lang, n=i18n.number(grant["with_outcome"], lang),
                          defaults=i18n.number(grant["defaults"], lang),
                          cost=i18n.number(grant["cost_as_decided"], lang),
                          advice=i18n.number(grant["cost_of_advice"], lang)))
    if refuse["decisions"]:
        out.append(i18n.t("monitor:override_refuse_cost", lang, n=i18n.number(refuse["decisions"], lang),
                          cost=i18n.number(refuse["cost_as_decided"], lang),
                          advice=i18n.number(refuse["cost_of_advice"], lang)))
    return out


def _challenger(review, lang: str) -> list[str]:
    ch = review.challenger
    if not ch.get("scored"):
        return [i18n.t("monitor:no_challenger", lang)]
    by_band = ch["by_band"][ch["by_band"]["size"] > 0]
    worst = by_band["mean"].idxmax()
    out = [i18n.t("monitor:challenger", lang, version=", ".join(ch["versions"]), rate=_pct(ch["disagreement"], lang),
                  n=i18n.number(ch["scored"], lang), band=band_label(worst, lang),
                  band_rate=_pct(by_band["mean"].max(), lang))]
    if ch.get("loans"):
        out.append(i18n.t("monitor:challenger_cost", lang, loans=i18n.number(ch["loans"], lang),
                          champion=i18n.number(ch["cost_champion"], lang),
                          challenger=i18n.number(ch["cost_challenger"], lang)))
    return out


def sentences(review, lang: str = "fr") -> dict[str, list[str]]:
    """Section -> the sentences that read its charts."""
    i18n.check_lang(lang)
    return {"activity": _activity(review, lang), "officers": _officers(review, lang), "drift": _drift(review, lang),
            "reasons": _trends(review, lang), "outcomes": _outcomes(review, lang),
            "challenger": _challenger(review, lang)}
