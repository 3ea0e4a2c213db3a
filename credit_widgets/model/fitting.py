"""Fit the credit model: cross-validated XGBoost, cost-based threshold, calibration check (`train` tracks the result
in MLflow and writes the model directory).

Class imbalance (about 8 % defaults) is handled without re-weighting, so that the probabilities stay calibrated
(checked and logged): folds are stratified, early stopping watches AUC, and the decision threshold is the one that
minimises the business cost of the out-of-fold predictions (a missed default costs `Costs.false_negative` times a
wrongly refused good client).
"""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from ..data.tables import DataError
from ..decision.rules import BORDERLINE_BAND, favourable
from ..features.builder import FeatureBuilder
from ..features.history import HISTORY_TABLES, history_features

DEFAULT_PARAMS = {
    "objective": "binary:logistic",
    # the last metric decides early stopping: log-loss keeps adding trees while the probabilities still improve,
    # where AUC stopped after a few dozen on small folds and left them squeezed towards the mean
    "eval_metric": ["auc", "logloss"],
    "tree_method": "hist",
    "eta": 0.03,
    "max_depth": 4,
    "min_child_weight": 10,
    "subsample": 0.8,
    "colsample_bytree": 0.5,
    "reg_lambda": 10.0,
    "max_bin": 128,
}
# One thread: on an idle 2-core machine two are ~1.4x faster, but as soon as anything else runs they are up to
# 10x slower (XGBoost threads spin waiting for each other). See the README, "Threads".
TRAIN_THREADS = 1
STOPPING_SHARE = 0.15   # of each training fold, kept aside to choose the number of trees
# Risk can only fall as an external score rises: constraining the trees so keeps noise from bending it on few rows.
DECREASING = ("EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3", "EXT_SOURCE_MEAN", "EXT_SOURCE_MIN", "EXT_SOURCE_MAX",
              "EXT_SOURCE_PROD")


def monotone_constraints(feature_names: list[str], decreasing=DECREASING) -> str:
    return "(" + ",".join("-1" if name in decreasing else "0" for name in feature_names) + ")"


@dataclass
class Costs:
    false_negative: float = 10.0   # a default we accepted
    false_positive: float = 1.0    # a good client we refused

    def per_application(self, y: np.ndarray, p: np.ndarray, threshold: float) -> float:
        refused = ~favourable(p, threshold)
        fn = np.sum((y == 1) & ~refused)
        fp = np.sum((y == 0) & refused)
        return float((self.false_negative * fn + self.false_positive * fp) / len(y))


def cost_curve(y: np.ndarray, p: np.ndarray, costs: Costs, grid: np.ndarray | None = None) -> pd.DataFrame:
    grid = np.round(np.arange(0.01, 0.80, 0.0025), 4) if grid is None else grid
    return pd.DataFrame({"threshold": grid, "cost": [costs.per_application(y, p, t) for t in grid],
                         "approval_rate": [float(np.mean(favourable(p, t))) for t in grid]})


def best_threshold(y: np.ndarray, p: np.ndarray, costs: Costs) -> tuple[float, float]:
    curve = cost_curve(y, p, costs)
    best = curve.loc[curve["cost"].idxmin()]
    return float(best["threshold"]), float(best["cost"])


def calibration_table(y: np.ndarray, p: np.ndarray, bins: int = 10) -> pd.DataFrame:
    edges = np.unique(np.quantile(p, np.linspace(0, 1, bins + 1)))
    which = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, len(edges) - 2)
    frame = pd.DataFrame({"bin": which, "p": p, "y": y}).groupby("bin")
    return pd.DataFrame({"predicted": frame["p"].mean(), "observed": frame["y"].mean(), "count": frame.size()})


def expected_calibration_error(table: pd.DataFrame) -> float:
    weights = table["count"] / table["count"].sum()
    return float(np.sum(weights * np.abs(table["predicted"] - table["observed"])))


@dataclass
class TrainResult:
    builder: FeatureBuilder
    booster: object
    threshold: float
    metrics: dict
    oof: np.ndarray
    target: np.ndarray
    params: dict
    n_rounds: int
    meta: dict = field(default_factory=dict)
    application: TrainResult | None = None   # the prospects' model trained beside this one (train.train)


def cv_folds(folds: int, seed: int):
    """The folds every cross-validation of the project uses (`fit`, the notebook's baselines): stratified on the
    outcome (about 8 % defaults), shuffled by `seed`."""
    from sklearn.model_selection import StratifiedKFold

    return StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)


def log_progress(message: str, quiet: bool) -> None:
    if not quiet:
        print(message, file=sys.stderr, flush=True)


def _matrix(builder: FeatureBuilder, app: pd.DataFrame, history: pd.DataFrame) -> np.ndarray:
    return builder.transform({"application_train": app}, history=history).to_numpy(dtype=np.float32)


def fit(tables: dict[str, pd.DataFrame], *, folds: int = 5, costs: Costs | None = None, params: dict | None = None,
        nthread: int = TRAIN_THREADS, seed: int = 0, max_rounds: int = 3000, early_stopping: int = 100,
        history_tables: tuple[str, ...] = HISTORY_TABLES, columns: tuple[str, ...] | None = None,
        monotone: bool = False, drop_building: bool = False, quiet: bool = False) -> TrainResult:
    """Cross-validate, choose the threshold on out-of-fold predictions, then train the final model on everything.

    Nested: in each fold the number of trees is chosen by early stopping on a part of the training rows, never on
    the rows the fold predicts, so the out-of-fold figures (and the threshold chosen on them) are those of new rows.
    `columns`: only these application columns (and ratios of them), no history: the application model.
    """
    import xgboost as xgb
    from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score
    from sklearn.model_selection import train_test_split

    costs = costs or Costs()
    params = {**DEFAULT_PARAMS, **(params or {}), "nthread": nthread, "seed": seed}
    if "application_train" not in tables:
        raise DataError("application_train", detail="is needed for training (with its TARGET column)")
    app = tables["application_train"].reset_index(drop=True)
    if app["TARGET"].isna().any() or not app["TARGET"].isin([0, 1]).all():
        raise DataError("application_train", column="TARGET", detail="must be 0 or 1 on every row")
    y = app["TARGET"].to_numpy(dtype=float)
    if y.sum() < folds or (len(y) - y.sum()) < folds:
        raise DataError("application_train", column="TARGET",
                        detail=f"needs at least {folds} defaults and {folds} repaid loans")
    if columns is not None:
        history_tables = ()
    tables = {name: frame for name, frame in tables.items()
              if name in ("application_train",) or name in history_tables}

    def new_builder() -> FeatureBuilder:
        return FeatureBuilder(columns_=None if columns is None else list(columns), drop_building=drop_building)

    if monotone:   # the feature names do not depend on the rows, only on the tables and columns
        params["monotone_constraints"] = monotone_constraints(new_builder().fit(tables, y).feature_names_)

    started = time.perf_counter()
    history = history_features(tables, history_tables)
    log_progress(f"history aggregates: {history.shape[1]} columns for {len(history):,} clients "
         f"({time.perf_counter() - started:.1f} s)", quiet)

    oof = np.zeros(len(y))
    best_rounds, fold_auc = [], []
    for k, (tr, va) in enumerate(cv_folds(folds, seed).split(np.zeros(len(y)), y), start=1):
        t0 = time.perf_counter()
        builder = new_builder().fit({**tables, "application_train": app.iloc[tr]}, y[tr])
        fit_rows, stop_rows = train_test_split(tr, test_size=STOPPING_SHARE, stratify=y[tr], random_state=seed + k)
        dtrain = xgb.QuantileDMatrix(_matrix(builder, app.iloc[fit_rows], history), y[fit_rows], nthread=nthread,
                                     max_bin=params["max_bin"])
        dstop = xgb.DMatrix(_matrix(builder, app.iloc[stop_rows], history), y[stop_rows], nthread=nthread)
        booster = xgb.train(params, dtrain, num_boost_round=max_rounds, evals=[(dstop, "stop")],
                            early_stopping_rounds=early_stopping, verbose_eval=False)
        dvalid = xgb.DMatrix(_matrix(builder, app.iloc[va], history), nthread=nthread)
        oof[va] = booster.predict(dvalid, iteration_range=(0, booster.best_iteration + 1))
        best_rounds.append((booster.best_iteration + 1) / len(fit_rows))
        fold_auc.append(roc_auc_score(y[va], oof[va]))
        log_progress(f"fold {k}/{folds}: AUC {fold_auc[-1]:.4f}, {booster.best_iteration + 1} trees, "
             f"{time.perf_counter() - t0:.1f} s", quiet)

    threshold, cost = best_threshold(y, oof, costs)
    calibration = calibration_table(y, oof)
    metrics = {
        "cv_auc": float(roc_auc_score(y, oof)),
        "cv_auc_fold_std": float(np.std(fold_auc)),
        "cv_brier": float(brier_score_loss(y, oof)),
        "cv_logloss": float(log_loss(y, oof)),
        "cv_calibration_error": expected_calibration_error(calibration),
        "threshold": threshold,
        "cost_per_application": cost,
        "cost_accept_all": costs.per_application(y, oof, 1.01),
        "approval_rate": float(np.mean(favourable(oof, threshold))),
        "defaults_caught": float(np.mean(~favourable(oof[y == 1], threshold))),
        "default_rate": float(y.mean()),
        "mean_predicted": float(oof.mean()),
        "clients": float(len(y)),
    }
    n_rounds = int(np.ceil(np.mean(best_rounds) * len(y)))  # trees per row seen, scaled to every row
    t0 = time.perf_counter()
    builder = new_builder().fit(tables, y)
    dall = xgb.QuantileDMatrix(_matrix(builder, app, history), y, nthread=nthread, max_bin=params["max_bin"],
                               feature_names=builder.feature_names_)
    booster = xgb.train(params, dall, num_boost_round=n_rounds, verbose_eval=False)
    log_progress(f"final model: {n_rounds} trees on {len(y):,} clients ({time.perf_counter() - t0:.1f} s); "
         f"CV AUC {metrics['cv_auc']:.4f}, Brier {metrics['cv_brier']:.4f}, threshold {threshold:.4f}", quiet)
    # only the sampled rows are built again: the whole matrix twice held a 307,511-row portfolio's memory twice
    effects = protected_effects(booster, builder, _matrix(builder, app.iloc[effect_sample(len(app))], history))
    meta = {"version": f"{datetime.now(UTC):%Y%m%d}-untracked", "threshold": threshold,
            "borderline_band": BORDERLINE_BAND, "metrics": metrics, "n_rounds": n_rounds,
            "params": {k: v for k, v in params.items() if k != "nthread"}, "folds": folds,
            "costs": {"false_negative": costs.false_negative, "false_positive": costs.false_positive},
            "calibration": calibration.reset_index(drop=True).to_dict(orient="list"),
            "history_tables": builder.history_tables_, "columns": builder.columns_, "protected_effects": effects,
            "monotone_decreasing": [f for f in DECREASING if f in builder.feature_names_] if monotone else [],
            "building_block": not drop_building}
    return TrainResult(builder, booster, threshold, metrics, oof, y, params, n_rounds, meta)


# A mean share over this many rows moves by well under a point (tests/unit/lifecycle/test_train.py); exact
# contributions over all 307,511 rows of a real portfolio took 40 % of the training time. The bundled base (20,000)
# is read whole.
EFFECT_ROWS = 20_000


def effect_sample(n: int, rows: int = EFFECT_ROWS) -> np.ndarray:
    """The rows the protected inputs' shares are read on: all of them up to `rows`, else a fixed random `rows`."""
    return np.arange(n) if n <= rows else np.sort(np.random.default_rng(0).choice(n, rows, replace=False))


def protected_effects(booster, builder: FeatureBuilder, matrix: np.ndarray, rows: int = EFFECT_ROWS) -> dict:
    """How much each protected input the model may use (age, family situation) weighs in its decisions: its share
    of the mean |contribution| (exact TreeSHAP, log-odds, grouped back to inputs) over the training rows, a fixed
    random `rows` of them when there are more."""
    import xgboost as xgb

    from ..data.schema import FIELDS
    from ..features.grouping import Grouping

    matrix = matrix[effect_sample(len(matrix), rows)]
    grouping = Grouping.from_sources(builder.feature_names_, builder.feature_sources())
    contributions = booster.predict(xgb.DMatrix(matrix, feature_names=builder.feature_names_), pred_contribs=True)
    weight = np.abs(contributions[:, :-1] @ grouping.matrix).mean(axis=0)
    share = weight / weight.sum()
    ranked = list(np.argsort(-weight))
    return {name: {"share": float(share[i]), "rank": ranked.index(i) + 1, "of": len(grouping.inputs)}
            for i, name in enumerate(grouping.inputs) if name in FIELDS and FIELDS[name].protected}


# Kept on three held-out halves of the real rows (benchmarks/prospect.py --variants, results/prospect-variants.json):
# client model +0.0025 AUC on average, better on all three halves; application model +0.0033, better on two and
# level (-0.0002) on the third. More regularised trees (depth 3, min_child_weight 30) won two halves, lost the third.
CLIENT_OPTIONS = {"monotone": True, "drop_building": True}
APPLICATION_OPTIONS = {"monotone": True}


def fit_pair(tables: dict[str, pd.DataFrame], **kwargs) -> TrainResult:
    """The client model (every column, history) and, attached as `.application`, the prospects' model trained on
    exactly the columns the form asks (schema.PROSPECT_COLUMNS)."""
    from ..data.schema import PROSPECT_COLUMNS

    quiet = kwargs.get("quiet", False)
    log_progress("client model (whole application row and history):", quiet)
    result = fit(tables, **{**CLIENT_OPTIONS, **kwargs})
    log_progress(f"application model ({len(PROSPECT_COLUMNS)} fields of the prospect form, no history):", quiet)
    result.application = fit(tables, **{**APPLICATION_OPTIONS, **kwargs, "columns": PROSPECT_COLUMNS})
    return result
