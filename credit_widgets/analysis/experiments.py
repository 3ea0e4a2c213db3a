"""The data scientist's experiments, as functions `explore.ipynb` calls: sampling, data facts, AUC by feature family,
models compared as MLflow runs (dummy, logistic regression, XGBoost, a small random search), and a CreditModel
over a fitted result for explanations and fairness checks. No widget import; matplotlib stays in the notebook.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..data.schema import NO_DATE
from ..data.tables import find_table
from ..decision.rules import favourable
from ..features.builder import FeatureBuilder
from ..features.history import history_features
from ..model.fitting import Costs, TrainResult, best_threshold, cv_folds, fit

# bureau_balance only means something with bureau: they form one family
FAMILIES = {"bureau": ("bureau", "bureau_balance"), "previous_application": ("previous_application",),
            "POS_CASH_balance": ("POS_CASH_balance",), "installments_payments": ("installments_payments",),
            "credit_card_balance": ("credit_card_balance",)}


def sample_tables(tables: dict[str, pd.DataFrame], size: int | None, seed: int = 0) -> dict[str, pd.DataFrame]:
    """`size` training clients drawn at random (stratified on TARGET) with their history rows only; the
    application_test table is left out. All of them when `size` is None or larger than the table."""
    app = tables["application_train"]
    if size is not None and size < len(app):
        from sklearn.model_selection import train_test_split

        app, _ = train_test_split(app, train_size=size, stratify=app["TARGET"], random_state=seed)
        app = app.sort_values("SK_ID_CURR").reset_index(drop=True)
    return _with_history(tables, app)


def _with_history(tables: dict[str, pd.DataFrame], app: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """These applications and the history rows of their clients only."""
    ids = set(app["SK_ID_CURR"].tolist())
    out = {"application_train": app}
    for name, frame in tables.items():
        if name in ("application_train", "application_test"):
            continue
        if "SK_ID_CURR" in frame.columns:
            out[name] = frame[frame["SK_ID_CURR"].isin(ids)].reset_index(drop=True)
        elif name == "bureau_balance" and "bureau" in out:
            out[name] = frame[frame["SK_ID_BUREAU"].isin(out["bureau"]["SK_ID_BUREAU"])].reset_index(drop=True)
    return out


def split_clients(tables: dict[str, pd.DataFrame], test_share: float = 0.25,
                  seed: int = 0) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    """(development, test): the training clients split by SK_ID_CURR (stratified on TARGET), each with its own
    history rows. The test part is for reporting only: no choice (model, parameters, threshold) may look at it."""
    from sklearn.model_selection import train_test_split

    app = tables["application_train"]
    ids = app["SK_ID_CURR"].drop_duplicates()
    outcome = app.drop_duplicates("SK_ID_CURR").set_index("SK_ID_CURR").loc[ids, "TARGET"]
    dev_ids, test_ids = train_test_split(ids.to_numpy(), test_size=test_share, stratify=outcome.to_numpy(),
                                         random_state=seed)
    parts = [app[app["SK_ID_CURR"].isin(part)].sort_values("SK_ID_CURR").reset_index(drop=True)
             for part in (dev_ids, test_ids)]
    return _with_history(tables, parts[0]), _with_history(tables, parts[1])


@dataclass
class SklearnResult:
    """A scikit-learn model over the package's features: its out-of-fold predictions and the model refitted on
    every development row (what `predict` uses)."""
    estimator: object
    builder: FeatureBuilder
    keep: np.ndarray            # feature columns with at least one value in development
    oof: np.ndarray


def _design(builder: FeatureBuilder, tables: dict[str, pd.DataFrame], app: pd.DataFrame) -> pd.DataFrame:
    history = history_features(tables, tuple(builder.history_tables_)) if builder.history_tables_ else None
    return builder.transform({"application_train": app}, history=history)


def predict(fitted, tables: dict[str, pd.DataFrame], table: str = "application_train") -> np.ndarray:
    """Default probabilities of the rows of `tables[table]` (their history from the same `tables`) by a fitted
    `TrainResult` (its final model), a `SklearnResult` or a loaded `ScoringModel`."""
    from ..model.artifacts import ScoringModel

    app = tables[table].drop(columns=["TARGET"], errors="ignore").reset_index(drop=True)
    if isinstance(fitted, SklearnResult):
        x = _design(fitted.builder, tables, app).to_numpy(np.float64)[:, fitted.keep]
        return fitted.estimator.predict_proba(x)[:, 1]
    scoring = fitted if isinstance(fitted, ScoringModel) else ScoringModel(fitted.booster, fitted.builder,
                                                                            fitted.meta)
    return scoring.predict_proba(_design(scoring.builder, tables, app))


def model_inputs(fitted, tables: dict[str, pd.DataFrame], table: str = "application_train") -> pd.DataFrame:
    """The model's own input columns for the rows of `tables[table]` (for drift checks on what the model reads)."""
    app = tables[table].drop(columns=["TARGET"], errors="ignore").reset_index(drop=True)
    return _design(fitted.builder, tables, app).reset_index(drop=True)


def missingness(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Per table: rows, columns, share of empty cells, the emptiest column and its share."""
    rows = []
    for name, frame in tables.items():
        share = frame.isna().mean()
        rows.append({"table": name, "rows": len(frame), "columns": frame.shape[1],
                     "missing_cells": float(share.mean()) if len(share) else 0.0,
                     "columns_with_missing": int((share > 0).sum()),
                     "emptiest_column": share.idxmax() if len(share) else None,
                     "emptiest_share": float(share.max()) if len(share) else 0.0})
    return pd.DataFrame(rows)


def raw_column(folder, table: str, column: str) -> pd.Series:
    """One column as the file holds it, before the loader's normalisation (365243 is still 365243)."""
    path = find_table(Path(folder), table)
    if path is None:
        raise FileNotFoundError(f"no {table} table in {folder}")
    if path.name.lower().endswith(".parquet"):
        return pd.read_parquet(path, columns=[column])[column]
    return pd.read_csv(path, usecols=[column])[column]


def anomaly_count(folder, table: str = "application_train", column: str = "DAYS_EMPLOYED") -> int:
    """How many rows hold Home Credit's 'no date' code 365243 in the raw file."""
    return int((pd.to_numeric(raw_column(folder, table, column), errors="coerce") == NO_DATE).sum())


# ---- what each feature family adds -------------------------------------------------------------------------------

def family_results(tables: dict[str, pd.DataFrame], folds: int = 3, seed: int = 0,
                   everything: TrainResult | None = None) -> dict[str, TrainResult]:
    """XGBoost (`fitting.fit`) on the application columns with ratios, then + each history family alone, then with
    everything (`everything`, when already fitted, is reused rather than fitted again), for a comparison on rows
    none of them saw."""
    out = {"application + ratios": fit(tables, folds=folds, seed=seed, history_tables=(), quiet=True)}
    for family, members in FAMILIES.items():
        if any(m in tables for m in members):
            out[f"+ {family}"] = fit(tables, folds=folds, seed=seed, history_tables=members, quiet=True)
    out["everything"] = everything if everything is not None else fit(tables, folds=folds, seed=seed, quiet=True)
    return out


# ---- models compared as MLflow runs -------------------------------------------------------------------------------

def _scores(y: np.ndarray, p: np.ndarray, costs: Costs) -> dict:
    from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score

    threshold, cost = best_threshold(y, p, costs)
    return {"cv_auc": float(roc_auc_score(y, p)), "cv_brier": float(brier_score_loss(y, p)),
            "cv_logloss": float(log_loss(y, np.clip(p, 1e-6, 1 - 1e-6))), "threshold": threshold,
            "cost_per_application": cost, "approval_rate": float(np.mean(favourable(p, threshold)))}


def out_of_fold(estimator, x: np.ndarray, y: np.ndarray, folds: int, seed: int) -> np.ndarray:
    """A scikit-learn estimator's out-of-fold probabilities, on the folds `fitting.fit` uses for the same seed."""
    from sklearn.model_selection import cross_val_predict

    return cross_val_predict(estimator, x, y, cv=cv_folds(folds, seed), method="predict_proba")[:, 1]


def compare_models(tables: dict[str, pd.DataFrame], *, tracking_uri: str | None = None,
                   experiment: str = "credit-widgets-explore", trials: int = 4, folds: int = 3, seed: int = 0,
                   costs: Costs | None = None) -> tuple[pd.DataFrame, dict]:
    """Dummy, logistic regression (numeric features, median imputation, scaling), XGBoost (`fitting.fit`) and a tuned
    XGBoost (random search over depth, learning rate and min_child_weight, one child run per trial), each an MLflow
    run with the same out-of-fold metrics. Returns (metrics side by side, {name: TrainResult or SklearnResult}),
    each with its out-of-fold predictions (`.oof`) and a model refitted on every row (`predict`)."""
    import mlflow
    from sklearn.dummy import DummyClassifier
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    costs = costs or Costs()
    if tracking_uri:
        mlflow.set_tracking_uri(tracking_uri)
    mlflow.set_experiment(experiment)
    app = tables["application_train"].reset_index(drop=True)
    y = app["TARGET"].to_numpy(float)
    clients = len(y)
    builder = FeatureBuilder().fit(tables, y)  # category order from the targets: only for the linear baseline
    history = history_features(tables, tuple(builder.history_tables_))
    x = builder.transform({"application_train": app}, history=history).to_numpy(np.float64)
    keep = ~np.all(np.isnan(x), axis=0)
    x = x[:, keep]
    rows, outputs = [], {}

    def log(name: str, p: np.ndarray, params: dict, nested: bool = False) -> dict:
        metrics = _scores(y, p, costs)
        with mlflow.start_run(run_name=name, nested=nested):
            mlflow.log_params({**params, "clients": clients, "folds": folds})
            mlflow.log_metrics(metrics)
        return metrics

    p = out_of_fold(DummyClassifier(strategy="prior"), x, y, folds, seed)
    rows.append({"model": "dummy (prior)", **log("dummy", p, {"model": "dummy"})})
    outputs["dummy (prior)"] = SklearnResult(DummyClassifier(strategy="prior").fit(x, y), builder, keep, p)
    logistic = make_pipeline(SimpleImputer(strategy="median"), StandardScaler(),
                             LogisticRegression(C=0.1, max_iter=2000))
    p = out_of_fold(logistic, x, y, folds, seed)
    rows.append({"model": "logistic regression", **log("logistic", p, {"model": "logistic", "C": 0.1})})
    outputs["logistic regression"] = SklearnResult(logistic.fit(x, y), builder, keep, p)

    result = fit(tables, folds=folds, seed=seed, costs=costs, quiet=True)
    rows.append({"model": "xgboost", **log("xgboost", result.oof, {"model": "xgboost",
                                                                  "n_rounds": result.n_rounds})})
    outputs["xgboost"] = result

    rng = np.random.default_rng(seed)
    best = None
    with mlflow.start_run(run_name="xgboost-tuned"):
        for trial in range(trials):
            params = {"max_depth": int(rng.choice([3, 4, 5, 6])), "eta": float(rng.choice([0.03, 0.05, 0.1])),
                      "min_child_weight": float(rng.choice([1, 5, 10, 30]))}
            tried = fit(tables, folds=folds, seed=seed, costs=costs, params=params, quiet=True)
            log(f"trial-{trial}", tried.oof, {"model": "xgboost", **params, "n_rounds": tried.n_rounds},
                nested=True)
            if best is None or tried.metrics["cv_auc"] > best[1].metrics["cv_auc"]:
                best = (params, tried)
        if best is not None:
            params, tried = best
            metrics = _scores(y, tried.oof, costs)
            mlflow.log_params({f"best_{k}": v for k, v in params.items()})
            mlflow.log_metrics(metrics)
            rows.append({"model": "xgboost tuned", **metrics, "params": params})
            outputs["xgboost tuned"] = tried
    return pd.DataFrame(rows).set_index("model"), outputs


def credit_model_from(result: TrainResult, data_dir, folder=None):
    """A CreditModel over a fitted (not registered) result and the clients of `data_dir`, written to `folder`
    (a fresh temporary folder by default), for explanations and fairness checks of a candidate model."""
    from ..lifecycle.train import write_artifacts
    from ..scoring.service import CreditModel

    folder = Path(folder) if folder else Path(tempfile.mkdtemp(prefix="cw-candidate-"))
    write_artifacts(result, folder)
    return CreditModel.load(folder, data_dir)


def shap_values(model, rows: np.ndarray | None = None, sample: int = 2000, seed: int = 0) -> pd.DataFrame:
    """Exact TreeSHAP contributions (log-odds) per model feature for a sample of the client base."""
    import xgboost as xgb

    features = model.population.features
    if rows is None:
        rows = np.random.default_rng(seed).choice(len(features), min(sample, len(features)), replace=False)
    names = model.scoring.feature_names
    contributions = model.scoring.booster.predict(xgb.DMatrix(features[rows], feature_names=names),
                                                  pred_contribs=True)
    return pd.DataFrame(contributions[:, :-1], columns=names, index=rows)


def explanation(fitted: TrainResult, tables: dict[str, pd.DataFrame], sample: int = 2000, seed: int = 0):
    """A `shap.Explanation` of the XGBoost model's exact contributions (log-odds, `pred_contribs`) for a sample of
    the rows of `tables`, with the feature values (for the `shap` library's beeswarm and dependence plots)."""
    import shap
    import xgboost as xgb

    x = model_inputs(fitted, tables)
    if len(x) > sample:
        x = x.sample(sample, random_state=seed)
    contributions = fitted.booster.predict(xgb.DMatrix(x.to_numpy(np.float32), feature_names=list(x.columns)),
                                           pred_contribs=True)
    return shap.Explanation(values=contributions[:, :-1], base_values=contributions[:, -1],
                            data=x.to_numpy(np.float64), feature_names=list(x.columns))


def monotonicity(explained, top: int = 6) -> pd.DataFrame:
    """For the `top` drivers (mean |SHAP|): Spearman correlation between the value and its contribution over the
    rows with a value, the direction it implies, and the share of rows without a value."""
    from scipy.stats import spearmanr

    strength = np.abs(explained.values).mean(axis=0)
    rows = []
    for j in np.argsort(-strength)[:top]:
        values, contribution = explained.data[:, j], explained.values[:, j]
        known = ~np.isnan(values)
        rho = float(spearmanr(values[known], contribution[known]).statistic) if known.sum() > 2 and \
            np.ptp(values[known]) > 0 else float("nan")
        rows.append({"feature": explained.feature_names[j], "mean_abs_shap": float(strength[j]), "spearman": rho,
                     "direction": "n/a" if not np.isfinite(rho) else "raises risk" if rho > 0 else "lowers risk",
                     "monotone": bool(np.isfinite(rho) and abs(rho) >= 0.9), "missing": float(1 - known.mean())})
    return pd.DataFrame(rows).set_index("feature")
