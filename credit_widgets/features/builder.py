"""One feature pipeline for training, for a known client and for a typed-in prospect.

`FeatureBuilder.transform(tables)` turns the Home Credit tables into one row of numbers per applicant: the
application's own columns, ratios a credit analyst would compute, and per-client summaries of every history table the
builder was fitted with (`history.history_features`). Every summary is computed per client from that client's rows
only, so a client gets the same features in a batch of 300,000 or alone, and a prospect (an application row and no
history) gets the same features as a known client who has no history.

Categories become integer codes ordered by the default rate seen in training; levels never seen (or missing) become
missing, which the model handles. pandas was kept over DuckDB: the whole feature build for 307,511 clients is a small
part of the training time (see benchmarks/scale.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..data.schema import TABLES
from ..data.tables import normalise
from .history import _COUNT_COLUMNS, HISTORY_GROUPS, HISTORY_TABLES, history_columns, history_features, safe_ratio

APPLICATION = "application_train"
# The three copies of each building statistic are near-identical; the _AVG one is kept.
_DUPLICATE_SUFFIXES = ("_MODE", "_MEDI")
_KEEP_MODE = {"TOTALAREA_MODE"}
# No model decides on the applicant's sex (Directive 2004/113/EC): the column stays in the data for the fairness
# checks only. Nothing is derived from it.
NEVER_FEATURES = ("CODE_GENDER",)
_NOT_FEATURES = {"SK_ID_CURR", "TARGET", *NEVER_FEATURES}
SMOOTHING = 30.0  # prior weight when ordering category levels by default rate


# Application columns that mean little one by one are explained together, as an officer would name them.
_BUILDING = ("_AVG", "_MODE", "_MEDI")
_COLUMN_GROUPS = {
    "group:documents": lambda c: c.startswith("FLAG_DOCUMENT_"),
    "group:bureau_enquiries": lambda c: c.startswith("AMT_REQ_CREDIT_BUREAU_"),
    "group:social_circle": lambda c: c.endswith("_SOCIAL_CIRCLE"),
    "group:address": lambda c: c.startswith(("REG_REGION_", "REG_CITY_", "LIVE_REGION_", "LIVE_CITY_")),
    "group:contact": lambda c: c in ("FLAG_MOBIL", "FLAG_EMP_PHONE", "FLAG_WORK_PHONE", "FLAG_CONT_MOBILE",
                                     "FLAG_PHONE", "FLAG_EMAIL", "DAYS_LAST_PHONE_CHANGE"),
    "group:application_time": lambda c: c in ("WEEKDAY_APPR_PROCESS_START", "HOUR_APPR_PROCESS_START"),
    "group:building": lambda c: c.endswith(_BUILDING),
}


def application_group(column: str) -> str | None:
    for group, belongs in _COLUMN_GROUPS.items():
        if belongs(column):
            return group
    return None


def _app_columns() -> dict[str, str]:
    return {c: k for c, k in TABLES[APPLICATION].columns.items() if c not in _NOT_FEATURES}


# Derived application features and the inputs each one comes from (the explanations split them back).
RATIO_SOURCES = {
    "CREDIT_INCOME_RATIO": ("AMT_CREDIT", "AMT_INCOME_TOTAL"),
    "ANNUITY_INCOME_RATIO": ("AMT_ANNUITY", "AMT_INCOME_TOTAL"),
    "CREDIT_TERM": ("AMT_CREDIT", "AMT_ANNUITY"),
    "CREDIT_GOODS_RATIO": ("AMT_CREDIT", "AMT_GOODS_PRICE"),
    "EMPLOYED_AGE_RATIO": ("DAYS_EMPLOYED", "DAYS_BIRTH"),
    "INCOME_PER_PERSON": ("AMT_INCOME_TOTAL", "CNT_FAM_MEMBERS"),
    "EXT_SOURCE_MEAN": ("EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3"),
    "EXT_SOURCE_MIN": ("EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3"),
    "EXT_SOURCE_MAX": ("EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3"),
    "EXT_SOURCE_STD": ("EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3"),
    "EXT_SOURCE_PROD": ("EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3"),
    "EXT_SOURCE_COUNT": ("EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3"),
}


def application_ratios(app: pd.DataFrame) -> pd.DataFrame:
    ext = app[["EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3"]].to_numpy(dtype=float)
    known = ~np.isnan(ext)
    count = known.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        ext_sum = np.nansum(ext, axis=1)
        ext_mean = np.where(count > 0, ext_sum / np.maximum(count, 1), np.nan)
        ext_min = np.where(count > 0, np.nanmin(np.where(known, ext, np.inf), axis=1), np.nan)
        ext_max = np.where(count > 0, np.nanmax(np.where(known, ext, -np.inf), axis=1), np.nan)
        sq = np.nansum(np.where(known, (ext - ext_mean[:, None]) ** 2, 0.0), axis=1)
        ext_std = np.where(count > 1, np.sqrt(sq / np.maximum(count - 1, 1)), np.nan)
        ext_prod = np.where(count > 0, np.prod(np.where(known, ext, 1.0), axis=1), np.nan)
    credit, annuity = app["AMT_CREDIT"].to_numpy(float), app["AMT_ANNUITY"].to_numpy(float)
    income = app["AMT_INCOME_TOTAL"].to_numpy(float)
    return pd.DataFrame({
        "CREDIT_INCOME_RATIO": safe_ratio(credit, income),
        "ANNUITY_INCOME_RATIO": safe_ratio(annuity, income),
        "CREDIT_TERM": safe_ratio(credit, annuity),
        "CREDIT_GOODS_RATIO": safe_ratio(credit, app["AMT_GOODS_PRICE"]),
        "EMPLOYED_AGE_RATIO": safe_ratio(app["DAYS_EMPLOYED"], app["DAYS_BIRTH"]),
        "INCOME_PER_PERSON": safe_ratio(income, app["CNT_FAM_MEMBERS"]),
        "EXT_SOURCE_MEAN": ext_mean, "EXT_SOURCE_MIN": ext_min, "EXT_SOURCE_MAX": ext_max,
        "EXT_SOURCE_STD": ext_std, "EXT_SOURCE_PROD": ext_prod, "EXT_SOURCE_COUNT": count.astype(float),
    }, index=app.index)


@dataclass
class FeatureBuilder:
    """Fitted once on the training tables; the same object turns any applicant's tables into model inputs."""

    smoothing: float = SMOOTHING
    categories_: dict[str, list[str]] = field(default_factory=dict)   # levels per column, lowest default rate first
    history_tables_: list[str] = field(default_factory=list)
    feature_names_: list[str] = field(default_factory=list)
    # Only these application columns (schema order) and the ratios computed from them alone: the application model
    # sees exactly what a prospect's form holds. None: every application column (the client model).
    columns_: list[str] | None = None
    drop_building: bool = False   # leave out the ~40 statistics of the applicant's building (_AVG, _MODE, _MEDI)

    @property
    def application_columns(self) -> list[str]:
        if self.columns_ is not None:
            wanted = set(self.columns_)
            return [name for name in _app_columns() if name in wanted]
        cols = []
        for name, kind in _app_columns().items():
            if name.endswith(_DUPLICATE_SUFFIXES) and name not in _KEEP_MODE and kind != "category":
                continue
            if self.drop_building and (name.endswith(_BUILDING) or name in _KEEP_MODE):
                continue
            cols.append(name)
        return cols

    @property
    def ratio_columns(self) -> list[str]:
        own = set(self.application_columns)
        return [name for name, sources in RATIO_SOURCES.items() if set(sources) <= own]

    def fit(self, tables: dict[str, pd.DataFrame], target: pd.Series | None = None) -> FeatureBuilder:
        app = self._application(tables)
        if target is None:
            target = app["TARGET"]
        y = pd.Series(np.asarray(target, dtype=float), index=app.index)
        prior = float(y.mean())
        self.categories_ = {}
        for name in self.application_columns:
            if _app_columns()[name] != "category":
                continue
            stats = y.groupby(app[name].astype(object)).agg(["sum", "count"])
            rate = (stats["sum"] + self.smoothing * prior) / (stats["count"] + self.smoothing)
            self.categories_[name] = [str(level) for level in rate.sort_values(kind="stable").index]
        self.history_tables_ = [t for t in HISTORY_TABLES if t in tables and not
                                (t == "bureau_balance" and "bureau" not in tables)]
        self.feature_names_ = list(self.application_columns) + self.ratio_columns
        for table in self.history_tables_:
            self.feature_names_ += history_columns(table)
        self.feature_names_ += [f for f in self._cross_features() if f not in self.feature_names_]
        return self

    def _cross_features(self) -> list[str]:
        return ["BUREAU_DEBT_INCOME_RATIO"] if "bureau" in self.history_tables_ else []

    @staticmethod
    def _application(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
        frames = [tables[name] for name in ("application_train", "application_test") if name in tables]
        if not frames:
            raise ValueError("no application table among the tables given")
        return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)

    def encode_application(self, app: pd.DataFrame) -> pd.DataFrame:
        """Application columns as numbers (category codes, missing where unseen) plus the ratios."""
        app = normalise(APPLICATION, app)
        out = {}
        for name in self.application_columns:
            column = app[name] if name in app.columns else pd.Series(np.nan, index=app.index)
            if name in self.categories_:
                codes = {level: float(i) for i, level in enumerate(self.categories_[name])}
                out[name] = column.astype(object).map(codes).astype(float).to_numpy()
            else:
                out[name] = pd.to_numeric(column, errors="coerce").astype(float).to_numpy()
        frame = pd.DataFrame(out, index=app.index)
        sources = frame.reindex(columns=sorted({c for s in RATIO_SOURCES.values() for c in s}))
        return pd.concat([frame, application_ratios(sources)[self.ratio_columns]], axis=1)

    def transform(self, tables: dict[str, pd.DataFrame], history: pd.DataFrame | None = None) -> pd.DataFrame:
        """One row per application, indexed by SK_ID_CURR, columns `feature_names_` (float32).

        `history` may be passed when the history aggregates were already computed (training computes them once).
        """
        if not self.feature_names_:
            raise RuntimeError("FeatureBuilder is not fitted")
        app = self._application(tables)
        features = self.encode_application(app)
        features.index = pd.Index(app["SK_ID_CURR"].to_numpy(dtype="int64"), name="SK_ID_CURR")
        if self.history_tables_:
            if history is None:
                history = history_features(tables, tuple(self.history_tables_))
            history = history.reindex(index=features.index, columns=self.history_names())
            for name in _COUNT_COLUMNS:  # no rows in a table means zero of them, not unknown
                if name in history.columns:
                    history[name] = history[name].fillna(0.0)
            # positional: a batch of variants of one client repeats its SK_ID_CURR, which a join would multiply
            features = pd.concat([features, history.set_axis(features.index)], axis=1)
            if "BUREAU_DEBT_INCOME_RATIO" in self.feature_names_:
                features["BUREAU_DEBT_INCOME_RATIO"] = safe_ratio(
                    features["BUREAU_ACTIVE_DEBT_SUM"].fillna(0.0), features["AMT_INCOME_TOTAL"])
        return features.reindex(columns=self.feature_names_).astype("float32")

    def history_names(self) -> list[str]:
        """The features that come from the credit history tables (the rest come from the application row)."""
        own = set(self.application_columns) | set(RATIO_SOURCES) | set(self._cross_features())
        return [name for name in self.feature_names_ if name not in own]

    def history_frame(self, features: np.ndarray, ids, overrides: list[dict] | None = None) -> pd.DataFrame | None:
        """The history aggregates held in rows of this builder's own features (a client base, a decision), as
        `transform(history=...)` takes them, indexed by `ids`; `overrides[i]` replaces some aggregates of row i (a
        history lever). None when the model uses no history."""
        if not self.history_tables_:
            return None
        names = self.history_names()
        position = {name: j for j, name in enumerate(self.feature_names_)}
        history = np.array(np.atleast_2d(features)[:, [position[n] for n in names]], dtype=float)
        column = {name: j for j, name in enumerate(names)}
        for i, changes in enumerate(overrides or ()):
            for name, value in changes.items():
                history[i, column[name]] = value
        return pd.DataFrame(history, columns=names, index=pd.Index(np.asarray(ids, dtype="int64"), name="SK_ID_CURR"))

    def feature_sources(self) -> dict[str, tuple[str, ...]]:
        """Which input (application column, or a group of columns or history) each feature comes from."""
        sources = {}
        # the application model's columns are each a field of the form: each is its own input, never a group
        grouped = self.columns_ is None
        for name in self.feature_names_:
            group = application_group(name) if grouped else None
            if group is not None:
                sources[name] = (group,)
            elif name in RATIO_SOURCES:
                sources[name] = RATIO_SOURCES[name]
            elif name == "BUREAU_DEBT_INCOME_RATIO":
                sources[name] = ("history:bureau", "AMT_INCOME_TOTAL")
            elif name.split("_")[0] in HISTORY_GROUPS and name not in _app_columns():
                sources[name] = (HISTORY_GROUPS[name.split("_")[0]],)
            else:
                sources[name] = (name,)
        return sources

    def to_dict(self) -> dict:
        return {"smoothing": self.smoothing, "categories": self.categories_,
                "history_tables": self.history_tables_, "feature_names": self.feature_names_,
                "columns": self.columns_, "drop_building": self.drop_building}

    @classmethod
    def from_dict(cls, spec: dict) -> FeatureBuilder:
        return cls(smoothing=spec["smoothing"], categories_=spec["categories"],
                   history_tables_=spec["history_tables"], feature_names_=spec["feature_names"],
                   columns_=spec.get("columns"), drop_building=spec.get("drop_building", False))
