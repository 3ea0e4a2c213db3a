"""Fairness checks of the credit decision: outcomes by group, a verdict against stated tolerances, and what changes
when only gender or age changes.

    table = group_metrics(y, p, threshold, age_band(app["DAYS_BIRTH"]))
    print(gaps_in_words(table))
    status, sentences = verdict(fairness_checks(y, p, threshold, age_band(app["DAYS_BIRTH"])), "age band")
    counterfactual_flips(model, applications, "CODE_GENDER", ["F", "M"])

A refusal is a default probability at or above the threshold (as everywhere in the package). Per group:
the approval rate, the false-refusal rate (good clients refused / good clients) and the missed-default rate
(defaults accepted / defaults). No widget or plotting import here.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..data.schema import DAYS_PER_YEAR
from ..decision.rules import favourable

AGE_BANDS = ("<30", "30-39", "40-49", "50-59", "60+")
_AGE_EDGES = (30, 40, 50, 60)
AGE_BAND_MIDDLE = {"<30": 25.0, "30-39": 35.0, "40-49": 45.0, "50-59": 55.0, "60+": 65.0}  # years
GAP_ROW = "largest gap"
RATES = ("approval_rate", "false_refusal_rate", "missed_default_rate")
_WORDS = {
    "en": {"approval_rate": "approval rate", "false_refusal_rate": "share of good clients refused",
           "missed_default_rate": "share of defaults accepted", "default_rate": "observed default rate",
           "sentence": "{metric}: largest gap {gap:.1f} points, between {high} ({vhigh:.1%}) and {low} ({vlow:.1%}).",
           "none": "{metric}: not measurable (fewer than two groups with a value)."},
    "fr": {"approval_rate": "taux d'acceptation", "false_refusal_rate": "part des bons clients refusés",
           "missed_default_rate": "part des défauts acceptés", "default_rate": "taux de défaut observé",
           "sentence": "{metric} : écart maximal de {gap:.1f} points, "
                       "entre {high} ({vhigh:.1%}) et {low} ({vlow:.1%}).",
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
    refused = (~favourable(np.asarray(probability, dtype=float), threshold)).astype(int)
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
    frame = model.scoring.builder.history_frame(model.population.features, model.population.ids)
    if frame is None:
        return None
    return frame[~frame.index.duplicated()].reindex(pd.Index(np.unique(ids), name="SK_ID_CURR"))


def _substitute(column: str, value):
    if column == "DAYS_BIRTH":
        if value not in AGE_BAND_MIDDLE:
            raise ValueError(f"for DAYS_BIRTH the values are age bands {AGE_BANDS}, not {value!r}")
        return -round(AGE_BAND_MIDDLE[value] * DAYS_PER_YEAR)
    return value


# What a younger age bounds: a record cannot be employed before working age, nor registered, given an ID or own a
# car before being born or adult. Days are negative (before the application); years are positive.
WORKING_AGE, ADULT_AGE = 16.0, 18.0
_BOUNDED_BY_AGE = {"DAYS_EMPLOYED": WORKING_AGE, "DAYS_REGISTRATION": 0.0, "DAYS_ID_PUBLISH": 14.0}


def with_age(app: pd.DataFrame, days_birth) -> pd.DataFrame:
    """The applications with DAYS_BIRTH replaced and what depends on it kept possible: years employed, years at
    the registered address and since the ID was issued are shortened to what the new age allows (employment from
    16, the ID from 14), the car's age to the years since 18. Values already possible are kept as they are."""
    out = app.copy()
    birth = pd.Series(days_birth, index=out.index, dtype="float64") if np.ndim(days_birth) else \
        pd.Series(float(days_birth), index=out.index)
    out["DAYS_BIRTH"] = birth
    for column, from_age in _BOUNDED_BY_AGE.items():
        if column in out.columns:
            earliest = birth + round(from_age * DAYS_PER_YEAR)  # the most negative value still possible
            values = pd.to_numeric(out[column], errors="coerce")
            out[column] = values.where(values.isna() | (values >= earliest), earliest)
    if "OWN_CAR_AGE" in out.columns:
        years = (birth.abs() / DAYS_PER_YEAR - ADULT_AGE).clip(lower=0)
        values = pd.to_numeric(out["OWN_CAR_AGE"], errors="coerce")
        out["OWN_CAR_AGE"] = values.where(values.isna() | (values <= years), np.floor(years))
    return out


def counterfactual_flips(model, applications: pd.DataFrame, column: str, values=None) -> dict:
    """Score every applicant again with only `column` changed to each other value, in one batch.

    `values`: the levels to try (default F and M for CODE_GENDER, the age bands for DAYS_BIRTH, where an
    applicant is moved to the middle of each other band). Every other input stays, including the client's history
    aggregates from the model's client base (clients unknown to it are scored as prospects without history);
    a new age also shortens what could not have lasted that long (`with_age`), so that every record stays possible.
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
        if column == "DAYS_BIRTH":
            variant = with_age(variant, _substitute(column, value))
        else:
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
    refused = ~favourable(base, threshold)
    flipped = ~favourable(varied, threshold) != refused[owner]
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


# ---- a verdict: ratios and gaps with intervals, against tolerances stated once ----------------------------------

# The one place where the tolerances live. Approval: the four-fifths rule of thumb (US EEOC), the lowest group's
# approval rate at least 80 % of the highest's. Error rates: a gap of more than 10 points between two groups in the
# share of good clients refused or of defaults accepted. A check fails when its whole 95 % interval is beyond the
# tolerance, passes when the whole interval is within it, and is to watch when the interval straddles it (these
# rows cannot tell).
TOLERANCES = {"approval_ratio": 0.8, "false_refusal_rate": 0.10, "missed_default_rate": 0.10}
STATUSES = ("pass", "watch", "fail")
_VERDICT_WORDS = {
    "en": {"approval_ratio": "approval ratio (lowest / highest group)",
           "false_refusal_rate": "gap in the share of good clients refused",
           "missed_default_rate": "gap in the share of defaults accepted",
           "row": "{check}: {value:.3f} [{low:.3f}, {high:.3f}] between {low_group} and {high_group}, "
                  "tolerance {bound} {tolerance:g}: {status}",
           "unmeasured": "{check}: not measurable (fewer than two groups with {min_count} in its denominator): "
                         "{status}",
           "verdict": "By {name}: {status} ({fails} of {checks} checks fail, {watches} to watch). {worst}"},
    "fr": {"approval_ratio": "ratio d'acceptation (groupe le plus bas / le plus haut)",
           "false_refusal_rate": "écart de la part des bons clients refusés",
           "missed_default_rate": "écart de la part des défauts acceptés",
           "row": "{check} : {value:.3f} [{low:.3f}, {high:.3f}] entre {low_group} et {high_group}, "
                  "tolérance {bound} {tolerance:g} : {status}",
           "unmeasured": "{check} : non mesurable (moins de deux groupes avec {min_count} au dénominateur) : "
                         "{status}",
           "verdict": "Par {name} : {status} ({fails} contrôles sur {checks} échouent, {watches} à surveiller). "
                      "{worst}"},
}
_STATUS_FR = {"pass": "conforme", "watch": "à surveiller", "fail": "non conforme"}


def _group_rates(refused: np.ndarray, y: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """approval, false refusal, missed default for each row of weights (resamples x rows)."""
    n = weights.sum(axis=1)
    good, bad = weights @ (y == 0), weights @ (y == 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.stack([weights @ ~refused / n, weights @ (refused & (y == 0)) / good,
                         weights @ (~refused & (y == 1)) / bad], axis=1)


def fairness_checks(y_true, probability, threshold: float, groups: pd.Series, n_boot: int = 500,
                    level: float = 0.95, min_count: int = 30, seed: int = 0) -> pd.DataFrame:
    """The approval ratio (lowest group / highest) and the largest gaps in false-refusal and missed-default rates,
    each with a bootstrap interval (rows resampled within each group), its tolerance and a status pass / watch /
    fail. The two groups furthest apart are found on the figures; the interval is that of the same two groups over
    the resamples (the largest gap over all groups of each resample would grow with the number of small groups
    even where none differ). A rate counts only groups with at least `min_count` rows in its denominator (rows,
    good clients, defaults); the groups left out of any check are named in `left_out`."""
    y = np.asarray(y_true, dtype=int)
    refused = ~favourable(np.asarray(probability, dtype=float), threshold)
    labels = pd.Series(groups).reset_index(drop=True).astype(object)
    counts = labels.value_counts()
    categorical = isinstance(pd.Series(groups).dtype, pd.CategoricalDtype)
    order = [g for g in (pd.Series(groups).cat.categories if categorical else counts.index) if counts.get(g, 0)]
    rng = np.random.default_rng(seed)
    point, draws, sizes = {}, {}, {}
    for g in order:
        rows = np.flatnonzero((labels == g).to_numpy())
        sizes[g] = (len(rows), int(np.sum(y[rows] == 0)), int(np.sum(y[rows] == 1)))
        point[g] = _group_rates(refused[rows], y[rows], np.ones((1, len(rows))))[0]
        weights = rng.multinomial(len(rows), np.full(len(rows), 1.0 / len(rows)), size=n_boot).astype(float)
        draws[g] = _group_rates(refused[rows], y[rows], weights)
    tail = (1 - level) / 2
    out, left_out = [], set()
    for column, check in enumerate(("approval_ratio", "false_refusal_rate", "missed_default_rate")):
        kept = [g for g in order if sizes[g][column] >= min_count]
        left_out |= {str(g) for g in order if g not in kept}
        values = pd.Series({g: point[g][column] for g in kept}, dtype=float).dropna()
        if len(values) < 2:  # cannot tell: to watch, never a silent pass
            out.append({"check": check, "value": float("nan"), "low": float("nan"), "high": float("nan"),
                        "tolerance": TOLERANCES[check], "status": "watch", "low_group": "", "high_group": "",
                        "groups": len(values)})
            continue
        low_group, high_group = values.idxmin(), values.idxmax()
        low_draws, high_draws = draws[low_group][:, column], draws[high_group][:, column]
        with np.errstate(invalid="ignore", divide="ignore"):
            if check == "approval_ratio":
                value, spread = values.min() / values.max(), low_draws / high_draws
            else:
                value, spread = values.max() - values.min(), high_draws - low_draws
        low, high = np.nanquantile(spread, [tail, 1 - tail])
        tolerance = TOLERANCES[check]
        if check == "approval_ratio":
            status = "pass" if low >= tolerance else "fail" if high < tolerance else "watch"
        else:
            status = "pass" if high <= tolerance else "fail" if low > tolerance else "watch"
        out.append({"check": check, "value": float(value), "low": float(low), "high": float(high),
                    "tolerance": tolerance, "status": status, "low_group": str(low_group),
                    "high_group": str(high_group), "groups": len(values)})
    table = pd.DataFrame(out, columns=["check", "value", "low", "high", "tolerance", "status", "low_group",
                                       "high_group", "groups"]).set_index("check")
    table.attrs["left_out"] = sorted(left_out)
    table.attrs["min_count"] = min_count
    return table


def verdict(table: pd.DataFrame, name: str, lang: str = "en") -> tuple[str, list[str]]:
    """The worst status of `fairness_checks` and sentences from its figures: the verdict, then one per check."""
    words = _VERDICT_WORDS[lang]
    if table.empty:
        status = "watch"
    else:
        status = max(table["status"], key=STATUSES.index)
    say = (lambda s: _STATUS_FR[s]) if lang == "fr" else (lambda s: s)
    rows = []
    for check, row in table.iterrows():
        bound = "≥" if check == "approval_ratio" else "≤"
        if not np.isfinite(row["value"]):
            rows.append(words["unmeasured"].format(check=words[check][0].upper() + words[check][1:],
                                                   min_count=table.attrs.get("min_count", ""),
                                                   status=say(row["status"])))
            continue
        rows.append(words["row"].format(check=words[check][0].upper() + words[check][1:], value=row["value"],
                                        low=row["low"], high=row["high"], low_group=row["low_group"],
                                        high_group=row["high_group"], bound=bound, tolerance=row["tolerance"],
                                        status=say(row["status"])))
    worst = [r for r, (_, row) in zip(rows, table.iterrows()) if row["status"] == status]
    head = words["verdict"].format(name=name, status=say(status).upper(), fails=int((table["status"] == "fail").sum()),
                                   checks=len(table), watches=int((table["status"] == "watch").sum()),
                                   worst=worst[0] + "." if worst else "")
    return status, [head] + rows
