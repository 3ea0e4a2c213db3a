"""Per-client summaries of the credit history tables (`history_features`), one function per table.

Each summary is computed from that client's rows only and indexed by SK_ID_CURR, so a client gets the same values in
a batch of 300,000 or alone. `features.FeatureBuilder` joins them to the application's own columns.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..data.schema import TABLES

HISTORY_TABLES = ("bureau", "bureau_balance", "previous_application", "POS_CASH_balance",
                  "installments_payments", "credit_card_balance")
# Group names that the explanations use for history aggregates.
HISTORY_GROUPS = {
    "BUREAU": "history:bureau", "BB": "history:bureau", "PREV": "history:previous",
    "POS": "history:instalments", "INST": "history:instalments", "CC": "history:credit_card",
}


def safe_ratio(a, b):
    """a / b, missing where b is zero or missing: every ratio of the features, history and application alike."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = a / b
    out[~np.isfinite(out)] = np.nan
    return out


# ---- history aggregates: one function per table, each returning a frame indexed by SK_ID_CURR ----------------

def _bureau(bureau: pd.DataFrame) -> pd.DataFrame:
    key = bureau["SK_ID_CURR"]
    active = bureau["CREDIT_ACTIVE"].eq("Active")
    frame = pd.DataFrame({
        "SK_ID_CURR": key,
        "active": active.astype(float),
        "bad_debt": bureau["CREDIT_ACTIVE"].eq("Bad debt").astype(float),
        "card": bureau["CREDIT_TYPE"].eq("Credit card").astype(float),
        "recent": (bureau["DAYS_CREDIT"] > -365).astype(float),
        "debt": bureau["AMT_CREDIT_SUM_DEBT"], "amount": bureau["AMT_CREDIT_SUM"],
        "overdue": bureau["AMT_CREDIT_SUM_OVERDUE"], "max_overdue": bureau["AMT_CREDIT_MAX_OVERDUE"],
        "day_overdue": bureau["CREDIT_DAY_OVERDUE"], "days_credit": bureau["DAYS_CREDIT"],
        "prolong": bureau["CNT_CREDIT_PROLONG"], "annuity": bureau["AMT_ANNUITY"],
        "active_debt": bureau["AMT_CREDIT_SUM_DEBT"].where(active),
        "enddate": bureau["DAYS_CREDIT_ENDDATE"].where(active),
    })
    g = frame.groupby("SK_ID_CURR", sort=False)
    out = pd.DataFrame({
        "BUREAU_COUNT": g.size(),
        "BUREAU_ACTIVE_COUNT": g["active"].sum(),
        "BUREAU_BAD_DEBT_COUNT": g["bad_debt"].sum(),
        "BUREAU_CARD_SHARE": g["card"].mean(),
        "BUREAU_RECENT_COUNT": g["recent"].sum(),
        "BUREAU_DEBT_SUM": g["debt"].sum(min_count=1),
        "BUREAU_ACTIVE_DEBT_SUM": g["active_debt"].sum(min_count=1),
        "BUREAU_AMOUNT_SUM": g["amount"].sum(min_count=1),
        "BUREAU_AMOUNT_MEAN": g["amount"].mean(),
        "BUREAU_OVERDUE_SUM": g["overdue"].sum(min_count=1),
        "BUREAU_MAX_OVERDUE": g["max_overdue"].max(),
        "BUREAU_DAY_OVERDUE_MAX": g["day_overdue"].max(),
        "BUREAU_DAYS_CREDIT_MEAN": g["days_credit"].mean(),
        "BUREAU_DAYS_CREDIT_LAST": g["days_credit"].max(),
        "BUREAU_ACTIVE_ENDDATE_MAX": g["enddate"].max(),
        "BUREAU_PROLONG_SUM": g["prolong"].sum(min_count=1),
        "BUREAU_ANNUITY_SUM": g["annuity"].sum(min_count=1),
    })
    out["BUREAU_DEBT_CREDIT_RATIO"] = safe_ratio(out["BUREAU_DEBT_SUM"], out["BUREAU_AMOUNT_SUM"])
    return out


_LATE_STATUS = {"1": 1.0, "2": 2.0, "3": 3.0, "4": 4.0, "5": 5.0}


def _bureau_balance(balance: pd.DataFrame, bureau: pd.DataFrame | None) -> pd.DataFrame:
    if bureau is None:
        return pd.DataFrame(index=pd.Index([], name="SK_ID_CURR"))
    owner = bureau.drop_duplicates("SK_ID_BUREAU").set_index("SK_ID_BUREAU")["SK_ID_CURR"]
    status = balance["STATUS"].astype(object)
    severity = status.map(_LATE_STATUS).fillna(0.0).to_numpy()
    counted = (status.notna() & status.ne("X")).to_numpy()
    recent = (balance["MONTHS_BALANCE"] >= -12).to_numpy()
    frame = pd.DataFrame({
        "SK_ID_CURR": balance["SK_ID_BUREAU"].map(owner).to_numpy(),
        "months": 1.0,
        "counted": counted.astype(float),
        "late": ((severity > 0) & counted).astype(float),
        "severity": severity,
        "recent_counted": (counted & recent).astype(float),
        "recent_late": ((severity > 0) & counted & recent).astype(float),
    }).dropna(subset=["SK_ID_CURR"])
    g = frame.groupby("SK_ID_CURR", sort=False)
    sums = g[["months", "counted", "late", "recent_counted", "recent_late"]].sum()
    out = pd.DataFrame({
        "BB_MONTHS": sums["months"],
        "BB_LATE_SHARE": safe_ratio(sums["late"], sums["counted"]),
        "BB_LATE_SHARE_12M": safe_ratio(sums["recent_late"], sums["recent_counted"]),
        "BB_WORST_STATUS": g["severity"].max(),
    })
    out.index = out.index.astype("int64")
    return out


def _previous(prev: pd.DataFrame) -> pd.DataFrame:
    status = prev["NAME_CONTRACT_STATUS"]
    approved = status.eq("Approved")
    frame = pd.DataFrame({
        "SK_ID_CURR": prev["SK_ID_CURR"],
        "approved": approved.astype(float), "refused": status.eq("Refused").astype(float),
        "canceled": status.eq("Canceled").astype(float),
        "application": prev["AMT_APPLICATION"], "credit": prev["AMT_CREDIT"],
        "granted_share": safe_ratio(prev["AMT_CREDIT"], prev["AMT_APPLICATION"]),
        "payments": prev["CNT_PAYMENT"], "decision": prev["DAYS_DECISION"],
        "down_rate": prev["RATE_DOWN_PAYMENT"],
        # DAYS_LAST_DUE is 365243 (normalised to missing) while a credit still runs.
        "running_annuity": prev["AMT_ANNUITY"].where(approved & prev["DAYS_LAST_DUE"].isna()),
        "recent_refused": (status.eq("Refused") & (prev["DAYS_DECISION"] > -365)).astype(float),
    })
    g = frame.groupby("SK_ID_CURR", sort=False)
    return pd.DataFrame({
        "PREV_COUNT": g.size(),
        "PREV_APPROVED_SHARE": g["approved"].mean(),
        "PREV_REFUSED_SHARE": g["refused"].mean(),
        "PREV_REFUSED_COUNT": g["refused"].sum(),
        "PREV_REFUSED_LAST_YEAR": g["recent_refused"].sum(),
        "PREV_CANCELED_SHARE": g["canceled"].mean(),
        "PREV_APPLICATION_MEAN": g["application"].mean(),
        "PREV_CREDIT_MEAN": g["credit"].mean(),
        "PREV_GRANTED_SHARE_MEAN": g["granted_share"].mean(),
        "PREV_PAYMENTS_MEAN": g["payments"].mean(),
        "PREV_DAYS_DECISION_LAST": g["decision"].max(),
        "PREV_DOWN_RATE_MEAN": g["down_rate"].mean(),
        "PREV_RUNNING_ANNUITY_SUM": g["running_annuity"].sum(min_count=1),
    })


def _pos(pos: pd.DataFrame) -> pd.DataFrame:
    dpd = pos["SK_DPD"]
    recent = pos["MONTHS_BALANCE"] >= -12
    frame = pd.DataFrame({
        "SK_ID_CURR": pos["SK_ID_CURR"], "dpd": dpd, "late": (dpd > 0).astype(float),
        "recent_late": ((dpd > 0) & recent).astype(float), "recent": recent.astype(float),
        "future": pos["CNT_INSTALMENT_FUTURE"],
        "completed": pos["NAME_CONTRACT_STATUS"].eq("Completed").astype(float),
    })
    g = frame.groupby("SK_ID_CURR", sort=False)
    out = pd.DataFrame({
        "POS_MONTHS": g.size(),
        "POS_DPD_MEAN": g["dpd"].mean(), "POS_DPD_MAX": g["dpd"].max(),
        "POS_LATE_SHARE": g["late"].mean(),
        "POS_COMPLETED_COUNT": g["completed"].sum(),
        "POS_FUTURE_INSTALMENTS_MEAN": g["future"].mean(),
    })
    out["POS_LATE_SHARE_12M"] = safe_ratio(g["recent_late"].sum(), g["recent"].sum())
    return out


def _instalments(inst: pd.DataFrame) -> pd.DataFrame:
    days_late = inst["DAYS_ENTRY_PAYMENT"] - inst["DAYS_INSTALMENT"]
    paid_share = safe_ratio(inst["AMT_PAYMENT"], inst["AMT_INSTALMENT"])
    recent = inst["DAYS_INSTALMENT"] > -365
    frame = pd.DataFrame({
        "SK_ID_CURR": inst["SK_ID_CURR"],
        "late": (days_late > 0).astype(float), "days_late": days_late.clip(lower=0),
        "early": (-days_late).clip(lower=0),
        "underpaid": (paid_share < 0.999).astype(float),
        "paid": inst["AMT_PAYMENT"], "due": inst["AMT_INSTALMENT"],
        "recent": recent.astype(float), "recent_late": ((days_late > 0) & recent).astype(float),
    })
    g = frame.groupby("SK_ID_CURR", sort=False)
    out = pd.DataFrame({
        "INST_COUNT": g.size(),
        "INST_LATE_SHARE": g["late"].mean(),
        "INST_DAYS_LATE_MEAN": g["days_late"].mean(),
        "INST_DAYS_LATE_MAX": g["days_late"].max(),
        "INST_DAYS_EARLY_MEAN": g["early"].mean(),
        "INST_UNDERPAID_SHARE": g["underpaid"].mean(),
    })
    out["INST_PAID_RATIO"] = safe_ratio(g["paid"].sum(min_count=1), g["due"].sum(min_count=1))
    out["INST_LATE_SHARE_12M"] = safe_ratio(g["recent_late"].sum(), g["recent"].sum())
    return out


def _credit_card(cc: pd.DataFrame) -> pd.DataFrame:
    usage = safe_ratio(cc["AMT_BALANCE"], cc["AMT_CREDIT_LIMIT_ACTUAL"])
    frame = pd.DataFrame({
        "SK_ID_CURR": cc["SK_ID_CURR"], "usage": usage, "balance": cc["AMT_BALANCE"],
        "drawings": cc["AMT_DRAWINGS_CURRENT"], "dpd": cc["SK_DPD"], "late": (cc["SK_DPD"] > 0).astype(float),
        "pay_min": safe_ratio(cc["AMT_PAYMENT_TOTAL_CURRENT"], cc["AMT_INST_MIN_REGULARITY"]),
    })
    g = frame.groupby("SK_ID_CURR", sort=False)
    return pd.DataFrame({
        "CC_MONTHS": g.size(),
        "CC_USAGE_MEAN": g["usage"].mean(), "CC_USAGE_MAX": g["usage"].max(),
        "CC_BALANCE_MEAN": g["balance"].mean(), "CC_DRAWINGS_MEAN": g["drawings"].mean(),
        "CC_DPD_MAX": g["dpd"].max(), "CC_LATE_SHARE": g["late"].mean(),
        "CC_PAYMENT_MIN_RATIO_MEAN": g["pay_min"].mean(),
    })


# How many rows a client has in each history table (bureau_balance's months come with bureau's credits): none in
# any of them is a thin file, and the explanations tell "no record" rather than a value.
TABLE_COUNTS = {"bureau": "BUREAU_COUNT", "previous_application": "PREV_COUNT", "POS_CASH_balance": "POS_MONTHS",
                "installments_payments": "INST_COUNT", "credit_card_balance": "CC_MONTHS"}
# Which aggregate families each table produces; a family exists in the model iff its table was there at fit time.
_COUNT_COLUMNS = (*TABLE_COUNTS.values(), "BUREAU_ACTIVE_COUNT", "BUREAU_BAD_DEBT_COUNT", "BUREAU_RECENT_COUNT",
                  "BB_MONTHS", "PREV_REFUSED_COUNT", "PREV_REFUSED_LAST_YEAR", "POS_COMPLETED_COUNT")


def history_features(tables: dict[str, pd.DataFrame], wanted: tuple[str, ...] = HISTORY_TABLES) -> pd.DataFrame:
    """Per-client aggregates of the history tables that are present and wanted, indexed by SK_ID_CURR."""
    parts = []
    if "bureau" in wanted and "bureau" in tables:
        parts.append(_bureau(tables["bureau"]))
    if "bureau_balance" in wanted and "bureau_balance" in tables:
        parts.append(_bureau_balance(tables["bureau_balance"], tables.get("bureau")))
    if "previous_application" in wanted and "previous_application" in tables:
        parts.append(_previous(tables["previous_application"]))
    if "POS_CASH_balance" in wanted and "POS_CASH_balance" in tables:
        parts.append(_pos(tables["POS_CASH_balance"]))
    if "installments_payments" in wanted and "installments_payments" in tables:
        parts.append(_instalments(tables["installments_payments"]))
    if "credit_card_balance" in wanted and "credit_card_balance" in tables:
        parts.append(_credit_card(tables["credit_card_balance"]))
    if not parts:
        return pd.DataFrame(index=pd.Index([], name="SK_ID_CURR", dtype="int64"))
    out = pd.concat(parts, axis=1)
    out.index = out.index.astype("int64")
    out.index.name = "SK_ID_CURR"
    return out


def _empty_history(table: str) -> dict[str, pd.DataFrame]:
    return {table: pd.DataFrame({c: pd.Series(dtype="object" if k == "category" else "float64")
                                 for c, k in TABLES[table].columns.items()})}


def history_columns(table: str) -> list[str]:
    """The feature names a history table produces (from an empty frame, so it never drifts from the code)."""
    empty = _empty_history(table)
    if table == "bureau_balance":
        empty.update(_empty_history("bureau"))
    return list(history_features(empty, (table,)).columns)
