"""The client base, computed once per (model, data) and cached beside the model: every client's features and
probability, what reasons compare with, where an applicant stands, similar clients, and how unusual a profile is.

Nothing here is recomputed per request: a request reads sorted arrays (percentiles), precomputed histograms, and
does one vectorised distance computation on a few standardised inputs (similar clients, rare profile).

The cache is one uncompressed .npy file per array and per application column, which every kernel maps read-only
(np.load(mmap_mode="r"), a DataFrame over the mapped columns without copying them): the operating system keeps one
copy of the client base for all the pages of a server, instead of one per kernel (issue #18: 1.4 GB a kernel at
307,511 clients).
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..data.schema import APPLICATION_TABLES, FIELDS
from ..data.tables import load_tables
from ..features.grouping import Grouping
from .reasons import BaseStats

# 4: no yes / no among the positions; 3: defaulted clients' medians; 2: .npy files mapped by every kernel
# (1: one arrays.npz)
CACHE_VERSION = 4
COMPLETE = "meta.json"   # written last into the staging folder: a cache folder that has it is whole
SIMILAR_K = 50
RARE_K = 10
RARE_SHARE = 0.01          # share of the clients themselves flagged as rare
IMPORTANCE_SAMPLE = 5000   # clients used for the global mean |SHAP| (exact on them)
HISTOGRAM_BINS = 30
# Standardised inputs for "similar clients" and "rare profile": what a credit officer compares first.
SIMILARITY = ["EXT_SOURCE_MEAN", "ANNUITY_INCOME_RATIO", "CREDIT_INCOME_RATIO", "CREDIT_TERM", "DAYS_BIRTH",
              "DAYS_EMPLOYED", "AMT_INCOME_TOTAL", "AMT_CREDIT"]
_LOG_SCALED = {"AMT_INCOME_TOTAL", "AMT_CREDIT"}
SUMMARY = ["AMT_INCOME_TOTAL", "AMT_CREDIT", "AMT_ANNUITY", "DAYS_BIRTH", "DAYS_EMPLOYED", "EXT_SOURCE_MEAN",
           "ANNUITY_INCOME_RATIO"]


def display_values(column: str, values: np.ndarray) -> np.ndarray:
    """Values of a column in the units a person reads (years, not days), for a whole array at once."""
    field = FIELDS.get(column)
    return values * field.display_scale + 0.0 if field is not None and field.display_scale != 1.0 else values


def position_columns(feature_names: list[str]) -> list[str]:
    """Numeric inputs an officer may ask about: the form's numbers and the main ratios. A yes / no is no position
    ("No: higher than 72 % of clients" read as a rank where 72 % of clients simply said no too)."""
    numeric = [c for c, f in FIELDS.items() if f.kind not in ("choice", "flag") and not f.yes_no and c in feature_names]
    ratios = [c for c in ("ANNUITY_INCOME_RATIO", "CREDIT_INCOME_RATIO", "CREDIT_TERM", "EXT_SOURCE_MEAN",
                          "BUREAU_ACTIVE_COUNT", "INST_LATE_SHARE") if c in feature_names]
    return numeric + ratios


def category_columns() -> list[str]:
    return [c for c, f in FIELDS.items() if f.kind in ("choice", "flag")]


def data_fingerprint(data_dir: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(Path(data_dir).iterdir()):
        if path.is_file() and path.suffix in (".csv", ".gz", ".parquet"):
            stat = path.stat()
            digest.update(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


@dataclass
class Population:
    ids: np.ndarray                 # SK_ID_CURR, sorted
    target: np.ndarray              # 1 defaulted, 0 repaid, NaN unknown (test clients)
    probability: np.ndarray
    features: np.ndarray            # (n, n_features) float32, the model's inputs
    applications: pd.DataFrame      # normalised application rows, same order as ids
    stats: BaseStats
    importance: dict                # input -> mean |SHAP| (log-odds)
    positions: dict                 # column -> {"all"/"repaid"/"defaulted": sorted values, "edges", counts}
    categories: dict                # column -> {level: {"repaid": n, "defaulted": n}}
    similarity_center: np.ndarray
    similarity_scale: np.ndarray
    similarity_index: list[int]     # feature indices used
    z: np.ndarray                   # (n, len(SIMILARITY)) standardised, float32
    rare_threshold: float
    feature_names: list[str]

    def __post_init__(self):
        self.feature_index = {name: j for j, name in enumerate(self.feature_names)}

    # ---- building ------------------------------------------------------------------------------------------
    @classmethod
    def build(cls, scoring, data_dir: Path, grouping: Grouping) -> Population:
        import xgboost as xgb

        wanted = list(APPLICATION_TABLES) + list(scoring.builder.history_tables_)
        tables = load_tables(data_dir, tables=[t for t in wanted if _exists(data_dir, t)])
        apps = [tables[t] for t in APPLICATION_TABLES if t in tables]
        applications = pd.concat(apps, ignore_index=True) if len(apps) > 1 else apps[0].copy()
        if "TARGET" not in applications.columns:
            applications["TARGET"] = np.nan
        applications = applications.sort_values("SK_ID_CURR", kind="stable").reset_index(drop=True)
        frame = scoring.builder.transform({"application_test": applications.drop(columns="TARGET")},
                                          history=None if len(scoring.builder.history_tables_) == 0 else
                                          _history(tables, scoring))
        features = np.ascontiguousarray(frame.to_numpy(np.float32))
        probability = scoring.predict_proba(features).astype(np.float32)
        target = applications["TARGET"].to_numpy(dtype=float)
        names = scoring.feature_names
        repaid, defaulted = target == 0, target == 1
        if repaid.sum() == 0:
            raise ValueError(f"no client with TARGET = 0 in {data_dir}: the client base needs application_train")
        medians = np.nanmedian(np.where(repaid[:, None], features, np.nan), axis=0)
        bad_medians = (np.nanmedian(np.where(defaulted[:, None], features, np.nan), axis=0) if defaulted.any()
                       else np.full(len(names), np.nan))
        category_rates, categories = {}, {}
        known = ~np.isnan(target)
        for column in category_columns():
            levels = applications.loc[known, column].astype(object)
            outcome = pd.Series(target[known], index=levels.index)
            table = outcome.groupby(levels).agg(["sum", "count"])
            category_rates[column] = {str(k): float(r["sum"] / r["count"]) for k, r in table.iterrows()}
            categories[column] = {str(k): {"repaid": int(r["count"] - r["sum"]), "defaulted": int(r["sum"])}
                                  for k, r in table.iterrows()}
        stats = BaseStats({n: float(m) for n, m in zip(names, medians) if not np.isnan(m)}, category_rates,
                          float(np.nanmean(target)),
                          {n: float(m) for n, m in zip(names, bad_medians) if not np.isnan(m)})

        ids = applications["SK_ID_CURR"].to_numpy("int64")
        rng = np.random.default_rng(0)
        sample = rng.choice(len(ids), min(IMPORTANCE_SAMPLE, len(ids)), replace=False)
        contributions = scoring.booster.predict(xgb.DMatrix(features[sample], feature_names=names),
                                                pred_contribs=True)
        grouped = np.abs(contributions[:, :-1] @ grouping.matrix).mean(axis=0)
        importance = dict(sorted(zip(grouping.inputs, map(float, grouped)), key=lambda kv: -kv[1]))

        positions = {}
        for column in position_columns(names):
            values = display_values(column, features[:, names.index(column)].astype(float))
            finite = ~np.isnan(values)
            low, high = np.nanpercentile(values, [1, 99]) if finite.any() else (0.0, 1.0)
            edges = np.linspace(low, high if high > low else low + 1, HISTOGRAM_BINS + 1)
            positions[column] = {
                "all": np.sort(values[finite]), "repaid": np.sort(values[finite & repaid]),
                "defaulted": np.sort(values[finite & defaulted]), "edges": edges,
                "repaid_counts": np.histogram(np.clip(values[finite & repaid], low, high), edges)[0],
                "defaulted_counts": np.histogram(np.clip(values[finite & defaulted], low, high), edges)[0],
            }

        index = [names.index(c) for c in SIMILARITY]
        raw = _similarity_inputs(features[:, index])
        center = np.nanmedian(raw, axis=0)
        q75, q25 = np.nanpercentile(raw, [75, 25], axis=0)
        scale = np.where(q75 - q25 > 0, q75 - q25, 1.0)
        z = _standardise(raw, center, scale)
        population = cls(ids, target, probability, features, applications, stats, importance, positions,
                         categories, center, scale, index, z, 0.0, list(names))
        probe = rng.choice(len(z), min(2000, len(z)), replace=False)
        distances = [population.kth_distance(z[i], RARE_K, exclude=int(i)) for i in probe]
        population.rare_threshold = float(np.quantile(distances, 1 - RARE_SHARE))
        return population

    # ---- cache ---------------------------------------------------------------------------------------------
    def save(self, folder: Path) -> None:
        """Written whole in a private folder, then renamed into place: kernels that start together on a fresh
        machine may all build the same cache, and none may read another's half-written files."""
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
        try:
            arrays = {"ids": self.ids, "target": self.target, "probability": self.probability,
                      "features": self.features, "z": self.z, "similarity_center": self.similarity_center,
                      "similarity_scale": self.similarity_scale}
            for column, spec in self.positions.items():
                for key, values in spec.items():
                    arrays[f"pos|{column}|{key}"] = values
            (staging / "arrays").mkdir()
            for i, values in enumerate(arrays.values()):
                np.save(staging / "arrays" / f"{i}.npy", np.ascontiguousarray(values))
            meta = {"version": CACHE_VERSION, "stats": self.stats.__dict__, "importance": self.importance,
                    "categories": self.categories, "similarity_index": self.similarity_index,
                    "rare_threshold": self.rare_threshold, "feature_names": self.feature_names,
                    "arrays": list(arrays), "applications": _save_columns(self.applications, staging / "columns")}
            (staging / COMPLETE).write_text(json.dumps(meta))
            if folder.exists() and not (folder / COMPLETE).exists():
                shutil.rmtree(folder, ignore_errors=True)   # left incomplete by an interrupted build
            try:
                os.rename(staging, folder)
            except OSError:
                if not (folder / COMPLETE).exists():
                    raise
                # another process built the same (model, data) cache first: same content, keep theirs
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path) -> Population:
        meta = json.loads((folder / COMPLETE).read_text())
        arrays = {name: np.load(folder / "arrays" / f"{i}.npy", mmap_mode="r") for i, name in enumerate(meta["arrays"])}
        positions: dict = {}
        for key in [k for k in arrays if k.startswith("pos|")]:
            _, column, part = key.split("|")
            positions.setdefault(column, {})[part] = arrays.pop(key)
        applications = _load_columns(meta["applications"], folder / "columns")
        return cls(arrays["ids"], arrays["target"], arrays["probability"], arrays["features"],
                   applications, BaseStats(**meta["stats"]),
                   meta["importance"], positions, meta["categories"], arrays["similarity_center"],
                   arrays["similarity_scale"], meta["similarity_index"], arrays["z"], meta["rare_threshold"],
                   meta["feature_names"])

    @classmethod
    def cached(cls, scoring, data_dir: Path, grouping: Grouping, model_dir: Path) -> Population:
        key = hashlib.sha256(f"{CACHE_VERSION}:{scoring.meta['artifact_hash']}:{data_fingerprint(data_dir)}:"
                             f"{Path(data_dir).resolve()}".encode()).hexdigest()[:16]
        roots = (Path(model_dir) / "cache", Path.home() / ".cache" / "credit_widgets")
        for root in roots:
            if (root / key / COMPLETE).exists():
                return cls.load(root / key)
        population = cls.build(scoring, data_dir, grouping)
        for root in roots:
            try:
                population.save(root / key)
            except OSError:
                continue   # read-only model folder: fall back to the user's cache, or none
            # the mapped files, not the arrays just built: the first kernel shares them with the next ones too
            return cls.load(root / key)
        return population

    # ---- requests ------------------------------------------------------------------------------------------
    def row(self, client_id: int) -> int | None:
        i = int(np.searchsorted(self.ids, client_id))
        return i if i < len(self.ids) and self.ids[i] == client_id else None

    def close_ids(self, client_id: int, count: int = 5) -> list[int]:
        i = int(np.clip(np.searchsorted(self.ids, client_id), 0, len(self.ids)))
        window = self.ids[max(0, i - count):i + count]
        return [int(v) for v in sorted(window, key=lambda v: (abs(int(v) - client_id), v))[:count]]

    def position(self, column: str, value) -> dict:
        spec = self.positions[column]
        shown = None if value is None or np.isnan(value) else float(display_values(column, np.array([value]))[0])

        def percentile(values):
            if shown is None or len(values) == 0:
                return None
            return float(100.0 * np.searchsorted(values, shown, side="right") / len(values))

        return {"column": column, "value": shown, "percentile_all": percentile(spec["all"]),
                "percentile_repaid": percentile(spec["repaid"]),
                "percentile_defaulted": percentile(spec["defaulted"]),
                "edges": spec["edges"].tolist(), "repaid_counts": spec["repaid_counts"].tolist(),
                "defaulted_counts": spec["defaulted_counts"].tolist(),
                "repaid_median": float(np.median(spec["repaid"])) if len(spec["repaid"]) else None,
                "defaulted_median": float(np.median(spec["defaulted"])) if len(spec["defaulted"]) else None}

    def standardise(self, features: np.ndarray) -> np.ndarray:
        raw = _similarity_inputs(features[None, self.similarity_index].astype(float))
        return _standardise(raw, self.similarity_center, self.similarity_scale)[0]

    def neighbours(self, z: np.ndarray, k: int, exclude: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The k nearest clients (row indices, distances, nearest first), leaving out row `exclude` (the client
        itself). An exact search over every client in NumPy: a few inputs, so ~2 ms for 356k clients, and nothing
        to build or import in the page's kernel (a KD-tree meant scikit-learn)."""
        diff = self.z - np.asarray(z, dtype=np.float64)
        squared = np.einsum("ij,ij->i", diff, diff)
        if exclude is not None and 0 <= exclude < len(squared):
            squared[exclude] = np.inf
        k = min(k, len(squared) - (exclude is not None))
        chosen = np.argpartition(squared, k - 1)[:k] if k < len(squared) else np.arange(len(squared))
        chosen = chosen[np.lexsort((chosen, squared[chosen]))]   # nearest first, ties by row
        return chosen, np.sqrt(squared[chosen])

    def kth_distance(self, z: np.ndarray, k: int, exclude: int | None = None) -> float:
        return float(self.neighbours(z, k, exclude)[1][-1])

    def rare(self, z: np.ndarray, exclude: int | None = None) -> bool:
        return self.kth_distance(z, RARE_K, exclude) > self.rare_threshold

    def similar(self, z: np.ndarray, exclude: int | None = None, k: int = SIMILAR_K) -> dict:
        """Counts, rates and medians of the nearest clients: never an ID or a row."""
        nearest, _ = self.neighbours(z, k, exclude)
        outcome = self.target[nearest]
        known = ~np.isnan(outcome)
        summary = {}
        for column in SUMMARY:
            j = self.feature_index.get(column)
            if j is not None:
                values = display_values(column, self.features[nearest, j].astype(float))
                summary[column] = float(np.nanmedian(values)) if not np.isnan(values).all() else None
        return {"count": int(len(nearest)), "with_outcome": int(known.sum()),
                "default_rate": float(outcome[known].mean()) if known.any() else None,
                "mean_probability": float(self.probability[nearest].mean()), "medians": summary}


def _save_columns(frame: pd.DataFrame, folder: Path) -> list[dict]:
    """One .npy per column: numbers as they are, anything else as categorical codes (text as categories: a
    fraction of the memory of Python strings, and mappable). Returns the columns' description for meta.json."""
    folder.mkdir()
    described = []
    for i, name in enumerate(frame.columns):
        column = frame[name]
        entry = {"name": str(name)}
        if isinstance(column.dtype, np.dtype) and column.dtype.kind in "biuf":
            values = column.to_numpy()
        elif pd.api.types.is_numeric_dtype(column.dtype) and not pd.api.types.is_bool_dtype(column.dtype):
            values = column.to_numpy(dtype=float, na_value=np.nan)   # nullable Int64/Float64: NaN for missing
        else:
            categorical = pd.Categorical(column.astype(object).where(column.notna(), None))
            values, entry["categories"] = categorical.codes, [str(c) for c in categorical.categories]
        np.save(folder / f"{i}.npy", np.ascontiguousarray(values))
        described.append(entry)
    return described


def _load_columns(described: list[dict], folder: Path) -> pd.DataFrame:
    columns = {}
    for i, entry in enumerate(described):
        values = np.load(folder / f"{i}.npy", mmap_mode="r")
        if "categories" in entry:
            values = pd.Categorical.from_codes(values, categories=pd.Index(entry["categories"], dtype=str))
        columns[entry["name"]] = values
    # copy=False: one block per column over the mapped file (pandas would otherwise consolidate them into a copy)
    return pd.DataFrame(columns, copy=False)


def _exists(data_dir: Path, table: str) -> bool:
    from ..data.tables import find_table

    return find_table(data_dir, table) is not None


def _history(tables, scoring):
    from ..features.history import history_features

    return history_features(tables, tuple(scoring.builder.history_tables_))


def _similarity_inputs(raw: np.ndarray) -> np.ndarray:
    out = raw.astype(float).copy()
    for j, name in enumerate(SIMILARITY):
        if name in _LOG_SCALED:
            out[:, j] = np.log1p(np.clip(out[:, j], 0, None))
        if name == "DAYS_EMPLOYED":
            out[:, j] = np.nan_to_num(out[:, j], nan=0.0)   # not employed: no time in a job
    return out


def _standardise(raw: np.ndarray, center: np.ndarray, scale: np.ndarray) -> np.ndarray:
    return np.nan_to_num((raw - center) / scale, nan=0.0).astype(np.float32)


