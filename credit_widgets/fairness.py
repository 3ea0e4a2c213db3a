"""Fairness checks of the credit decision: outcomes by group, and what changes when only gender or age changes.

    table = group_metrics(y, p, threshold, age_band(app["DAYS_BIRTH"]))
    print(gaps_in_words(table))
    counterfactual_flips(model, applications, "CODE_GENDER", ["F", "M"])

A refusal is a default probability at or above the threshold (as everywhere in the package). Per group:
the approval rate, the false-refusal rate (good clients refused / good clients) and the missed-default rate
(defaults accepted / defaults). No widget or plotting import here.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

AGE_BANDS = ("<30", "30-39", "40-49", "50-59", "60+")
_AGE_EDGES = (30, 40, 50, 60)
AGE_BAND_MIDDLE = {"<30": 25.0, "30-39": 35.0, "40-49": 45.0, "50-59": 55.0, "60+": 65.0}  # years
DAYS_PER_YEAR = 365.25
GAP_ROW = "largest gap"
RATES = ("approval_rate", "false_refusal_rate", "missed_default_rate")
_WORDS = {
    "en": {"approval_rate": "approval rate", "false_refusal_rate": "share of good clients refused",
           "missed_default_rate": "share of defaults accepted", "default_rate": "observed default rate",
           "sentence": "{metric}: largest gap {gap:.1f} points, between {high} ({vhigh:.1%}) and {low} ({vlow:.1%}).",
           "none": "{metric}: not measurable (fewer than two groups with a value)."},
    "fr": {"approval_rate": "taux d'acceptation", "false_refusal_rate": "part des bons clients refusés",
           "missed_default_rate": "part des défauts acceptés", "default_rate": "taux de défaut observé",
           "sentence": "{metric} : écart maximal de {gap:.1f} points, entre {high} ({vhigh:.1%}) et {low} ({vlow:.1%}).",
           "none": "{metric} : non mesurable (moins de deux groupes avec une valeur)."},
}


def age_band(days_birth) -> pd.Series:
    """Age bands <30, 30-39, 40-49, 50-59, 60+ from DAYS_BIRTH (days before the application, negative)."""
    days = pd.Series(days_birth, dtype="float64") if not isinstance(days_birth, pd.Series) else \
        days_birth.astype("float64")
    years = days.abs() / DAYS_PER_YEAR
    codes = np.searchsorted(np.asarray(_AGE_EDGES, dtype=float), years.to_numpy(), side="right")
    labels = np.asarray(AGE_BANDS, dtype=object)[np.minimum(codes, len(AGE_BANDS) - 1)]
    labels = np.where(years.isna().to_numpy(), None, labels)
    return pd.Series(pd.Categorical(labels, categories=list(AGE_BANDS), ordered=True), index=days.index,
                     name="age_band")


def _rate(mask: np.ndarray, among: np.ndarray) -> float:
    return float(mask[among].mean()) if among.any() else float("nan")


def _approval(y_true, y_pred) -> float:
    return float(np.mean(np.asarray(y_pred) == 0)) if len(y_pred) else float("nan")


def _false_refusal(y_true, y_pred) -> float:
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    return _rate(y_pred == 1, y_true == 0)


def _missed_default(y_true, y_pred) -> float:
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    return _rate(y_pred == 0, y_true == 1)


def _default_rate(y_true, y_pred) -> float:
    return float(np.mean(np.asarray(y_true) == 1)) if len(y_true) else float("nan")


def _count(y_true, y_pred) -> int:
    return int(len(y_true))


def group_metrics(y_true, probability, threshold: float, groups: pd.Series) -> pd.DataFrame:
    """One row per group (count, default rate, approval, false-refusal and missed-default rates), then a row
    `largest gap` holding, per rate, the largest difference between two groups (max - min, groups with a value).

    Missing group labels form the group "unknown". Computed with fairlearn's MetricFrame.
    """
    from fairlearn.metrics import MetricFrame

    y = np.asarray(y_true, dtype=int)
    refused = (np.asarray(probability, dtype=float) >= threshold).astype(int)
    labels = pd.Series(groups).reset_index(drop=True)
    if isinstance(labels.dtype, pd.CategoricalDtype):
        if labels.isna().any():
            labels = labels.cat.add_categories(["unknown"]).fillna("unknown")
        labels = labels.cat.remove_unused_categories()
    else:
        labels = labels.astype(object).where(labels.notna(), "unknown").astype(str)
    if not (len(y) == len(refused) == len(labels)):
        raise ValueError("y_true, probability and groups must have the same length")
    frame = MetricFrame(metrics={"count": _count, "default_rate": _default_rate, "approval_rate": _approval,
                                 "false_refusal_rate": _false_refusal, "missed_default_rate": _missed_default},
                        y_true=y, y_pred=refused, sensitive_features=labels.rename(groups.name or "group"))
    table = frame.by_group.astype({"count": "int64"}).astype("float64")
    table.index = table.index.astype(str)
    if isinstance(labels.dtype, pd.CategoricalDtype):  # keep the categories' order (age bands), not the alphabet
        table = table.reindex([str(c) for c in labels.cat.categories if str(c) in table.index])
    gaps = {m: float(table[m].max() - table[m].min()) if table[m].notna().sum() >= 2 else float("nan")
            for m in ("default_rate",) + RATES}
    out = pd.concat([table, pd.DataFrame([{"count": float("nan"), **gaps}], index=[GAP_ROW])])
    out.index.name = groups.name or "group"
    return out


def gaps_in_words(table: pd.DataFrame, lang: str = "en") -> list[str]:
    """One plain sentence per rate naming the two groups furthest apart (from `group_metrics`)."""
    words = _WORDS[lang]
    groups = table.drop(index=GAP_ROW, errors="ignore")
    sentences = []
    for metric in RATES:
        values = groups[metric].dropna()
        name = words[metric][0].upper() + words[metric][1:]
        if len(values) < 2:
            sentences.append(words["none"].format(metric=name))
            continue
        high, low = values.idxmax(), values.idxmin()
        sentences.append(words["sentence"].format(metric=name, gap=100 * (values[high] - values[low]),
                                                  high=high, vhigh=values[high], low=low, vlow=values[low]))
    return sentences


# ---- counterfactuals: the same applicant, only gender or age changed --------------------------------------------

def _history(model, ids: np.ndarray) -> pd.DataFrame | None:
    """Each client's history aggregates as the model's client base holds them (None: the model uses none)."""
    builder = model.scoring.builder
    if not builder.history_tables_:
        return None
    names = builder._history_names()
    population = model.population
    index = [population.feature_index[n] for n in names]
    frame = pd.DataFrame(population.features[:, index], columns=names,
                         index=pd.Index(np.asarray(population.ids, dtype="int64"), name="SK_ID_CURR"))
    return frame[~frame.index.duplicated()].reindex(pd.Index(np.unique(ids), name="SK_ID_CURR"))


def _substitute(column: str, value):
    if column == "DAYS_BIRTH":
        if value not in AGE_BAND_MIDDLE:
            raise ValueError(f"for DAYS_BIRTH the values are age bands {AGE_BANDS}, not {value!r}")
        return -round(AGE_BAND_MIDDLE[value] * DAYS_PER_YEAR)
    return value


def counterfactual_flips(model, applications: pd.DataFrame, column: str, values=None) -> dict:
    """Score every applicant again with only `column` changed to each other value, in one batch.

    `values`: the levels to try (default F and M for CODE_GENDER, the age bands for DAYS_BIRTH, where an
    applicant is moved to the middle of each other band). Every other input stays, including the client's history
    aggregates from the model's client base (clients unknown to it are scored as prospects without history).
    Returns applicants, variants, flip_rate (share of applicants whose decision changes under at least one other
    value), mean_abs_change (mean |change in probability| over all variants), max_abs_change, and by_change (a
    DataFrame per original -> new value: variants, flip rate, mean change, mean |change|).
    """
    if values is None:
        values = list(AGE_BANDS) if column == "DAYS_BIRTH" else ["F", "M"] if column == "CODE_GENDER" else None
    if values is None:
        raise ValueError(f"give the values to try for {column}")
    values = list(values)
    app = applications.drop(columns=["TARGET"], errors="ignore").reset_index(drop=True)
    if column not in app.columns:
        raise ValueError(f"{column} is not among the application columns")
    if "SK_ID_CURR" not in app.columns:
        app["SK_ID_CURR"] = 0
    own = age_band(app[column]).astype(object) if column == "DAYS_BIRTH" else app[column].astype(object)
    own = own.where(own.notna(), None).to_numpy()

    rows, variant_of, new_value = [app], [np.arange(len(app))], [np.full(len(app), None, dtype=object)]
    for value in values:
        chosen = np.flatnonzero(own != value)
        if len(chosen) == 0:
            continue
        variant = app.iloc[chosen].copy()
        variant[column] = _substitute(column, value)
        rows.append(variant)
        variant_of.append(chosen)
        new_value.append(np.full(len(chosen), value, dtype=object))
    batch = pd.concat(rows, ignore_index=True)
    owner = np.concatenate(variant_of)
    history = _history(model, batch["SK_ID_CURR"].to_numpy("int64"))
    features = model.scoring.builder.transform({"application_test": batch}, history=history)
    probability = model.scoring.predict_proba(features)
    threshold = model.scoring.threshold

    n = len(app)
    base, varied = probability[:n], probability[n:]
    owner, target = owner[n:], np.concatenate(new_value)[n:]
    refused = base >= threshold
    flipped = (varied >= threshold) != refused[owner]
    change = varied - base[owner]
    flips_any = np.zeros(n, dtype=bool)
    np.logical_or.at(flips_any, owner, flipped)
    detail = pd.DataFrame({"from": pd.Series(own[owner], dtype=object).fillna("missing").astype(str),
                           "to": target.astype(str), "flipped": flipped, "change": change,
                           "abs_change": np.abs(change)})
    by_change = (detail.groupby(["from", "to"], sort=True)
                 .agg(variants=("flipped", "size"), flip_rate=("flipped", "mean"), mean_change=("change", "mean"),
                      mean_abs_change=("abs_change", "mean"))) if len(detail) else pd.DataFrame()
    return {"column": column, "values": values, "applicants": int(n), "variants": int(len(varied)),
            "flip_rate": float(flips_any.mean()) if n else float("nan"),
            "mean_abs_change": float(np.abs(change).mean()) if len(change) else float("nan"),
            "max_abs_change": float(np.abs(change).max()) if len(change) else float("nan"),
            "refused_rate": float(refused.mean()) if n else float("nan"), "by_change": by_change}
