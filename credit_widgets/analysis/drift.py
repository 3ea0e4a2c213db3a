"""Data drift between two samples of applications (training vs new applicants): PSI and Kolmogorov-Smirnov.

    drift_table(tables["application_train"], tables["application_test"], ["EXT_SOURCE_2", "AMT_CREDIT"])

PSI = sum over bins of (a - e) * ln(a / e), with e and a the shares of the expected (reference) and actual samples
in each bin. Bins are the expected sample's quantiles (numbers) or its levels (categories, unseen levels pooled);
missing values form a bin of their own; an empty bin counts as `EPSILON` so that the logarithm stays finite.
Usual reading: below 0.1 stable, 0.1-0.25 moderate shift, above 0.25 large shift.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

EPSILON = 1e-4
MODERATE, LARGE = 0.1, 0.25


def _shares(codes: np.ndarray, n_bins: int) -> np.ndarray:
    counts = np.bincount(codes, minlength=n_bins).astype(float)
    return counts / max(counts.sum(), 1.0)


def _is_numeric(values: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)


def _codes(expected: pd.Series, actual: pd.Series, bins: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Bin numbers for both samples; the last bin holds missing values."""
    if _is_numeric(expected) and (_is_numeric(actual) or actual.isna().all()):
        e = expected.to_numpy(dtype=float)
        a = actual.to_numpy(dtype=float)
        known = e[~np.isnan(e)]
        edges = np.unique(np.quantile(known, np.linspace(0, 1, bins + 1))[1:-1]) if len(known) else np.array([])
        n = len(edges) + 2  # values bins, then missing

        def code(x):
            out = np.searchsorted(edges, x, side="right")
            return np.where(np.isnan(x), n - 1, out)
        return code(e), code(a), n
    levels = list(pd.unique(expected.dropna().astype(str)))
    n = len(levels) + 2  # levels, then "other" (unseen in expected), then missing

    def code(x: pd.Series):
        # coded against the levels in one vectorised pass (a million logged decisions, a handful of levels)
        known = pd.Index(levels, dtype=object)
        if isinstance(x.dtype, pd.CategoricalDtype):
            # a trailing -1 answers the missing code (-1) too
            by_category = np.append(known.get_indexer(x.cat.categories.astype(str)), -1)
            codes = by_category[x.cat.codes.to_numpy()]
        else:
            codes = known.get_indexer(x.astype(object).where(x.isna(), x.astype(str)))
        out = np.where(codes >= 0, codes, n - 2)
        return np.where(x.isna().to_numpy(), n - 1, out)
    return code(expected), code(actual), n


def psi(expected, actual, bins: int = 10) -> float:
    """Population stability index of `actual` against `expected` (see the module docstring)."""
    expected, actual = pd.Series(expected), pd.Series(actual)
    if len(expected) == 0 or len(actual) == 0:
        return float("nan")
    e_codes, a_codes, n = _codes(expected, actual, bins)
    return _psi(_shares(e_codes, n), _shares(a_codes, n))


def _psi(e: np.ndarray, a: np.ndarray) -> float:
    e, a = np.maximum(e, EPSILON), np.maximum(a, EPSILON)
    return float(np.sum((a - e) * np.log(a / e)))


def psi_by(expected, actual, groups, bins: int = 10):
    """PSI of each group of `actual` (e.g. each week of applications) against `expected`, bins fixed once by
    `expected` as in `psi`: a Series by group. `groups` may be a list of groupings (weeks, last seven days...): the
    samples are binned once and a list of Series comes back."""
    many = isinstance(groups, list)
    groupings = [pd.Series(np.asarray(g)) for g in (groups if many else [groups])]
    expected, actual = pd.Series(expected), pd.Series(actual).reset_index(drop=True)
    if len(expected) == 0:
        out = [pd.Series(np.nan, index=pd.unique(g)) for g in groupings]
    else:
        e_codes, a_codes, n = _codes(expected, actual, bins)
        e = _shares(e_codes, n)
        out = [pd.Series({key: _psi(e, _shares(a_codes[where], n))
                          for key, where in g.groupby(g, sort=True).indices.items()}, dtype=float)
               for g in groupings]
    return out if many else out[0]


def _ks(expected: pd.Series, actual: pd.Series) -> tuple[float, float]:
    from scipy.stats import ks_2samp

    if not (_is_numeric(expected) and _is_numeric(actual)):
        return float("nan"), float("nan")
    e, a = expected.dropna().to_numpy(float), actual.dropna().to_numpy(float)
    if len(e) == 0 or len(a) == 0:
        return float("nan"), float("nan")
    result = ks_2samp(e, a)
    return float(result.statistic), float(result.pvalue)


def flag(value: float) -> str:
    if not np.isfinite(value):
        return "n/a"
    return "large" if value > LARGE else "moderate" if value > MODERATE else "stable"


def drift_table(train_app: pd.DataFrame, test_app: pd.DataFrame, columns=None, bins: int = 10) -> pd.DataFrame:
    """Per column: PSI, KS statistic and p-value (numbers only), missing shares, and a flag; largest PSI first.

    `columns` defaults to the columns both frames share, except SK_ID_CURR and TARGET.
    """
    if columns is None:
        columns = [c for c in train_app.columns if c in test_app.columns and c not in ("SK_ID_CURR", "TARGET")]
    rows = []
    for column in columns:
        if column not in train_app.columns or column not in test_app.columns:
            raise KeyError(f"{column} is not in both samples")
        e, a = train_app[column], test_app[column]
        value = psi(e, a, bins)
        ks, p_value = _ks(e, a)
        rows.append({"column": column, "psi": value, "ks": ks, "ks_pvalue": p_value,
                     "missing_expected": float(e.isna().mean()) if len(e) else float("nan"),
                     "missing_actual": float(a.isna().mean()) if len(a) else float("nan"), "flag": flag(value)})
    table = pd.DataFrame(rows, columns=["column", "psi", "ks", "ks_pvalue", "missing_expected", "missing_actual",
                                        "flag"])
    return table.sort_values("psi", ascending=False, na_position="last", kind="stable").reset_index(drop=True)
