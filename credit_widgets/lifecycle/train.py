"""Train the credit model and track it: fit (`fitting`), log to MLflow, register as champion, write the model
directory the page and the API load.

    python -m credit_widgets.lifecycle.train --data data/ --out models/

The names callers know from here (`train.fit`, `train.Costs`...) live in `fitting` and stay importable from here.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from importlib.metadata import version as package_version
from pathlib import Path

import pandas as pd

from ..data.tables import DataError, load_tables
from ..features.history import HISTORY_TABLES
from ..model.artifacts import APPLICATION_DIR, BOOSTER_FILE, FEATURES_FILE, META_FILE
from ..model.fitting import (
    APPLICATION_OPTIONS,
    BORDERLINE_BAND,
    CLIENT_OPTIONS,
    DEFAULT_PARAMS,
    TRAIN_THREADS,
    Costs,
    TrainResult,
    best_threshold,
    calibration_table,
    cost_curve,
    cv_folds,
    expected_calibration_error,
    fit,
    fit_pair,
    log_progress,
)

__all__ = ["APPLICATION_OPTIONS", "BORDERLINE_BAND", "CLIENT_OPTIONS", "DEFAULT_PARAMS", "EXPERIMENT", "MODEL_NAME",
           "TRAIN_THREADS", "Costs", "TrainResult", "best_threshold", "calibration_table", "cost_curve", "cv_folds",
           "expected_calibration_error", "fit", "fit_pair", "main", "model_card", "train", "write_artifacts"]

MODEL_NAME = "credit-widgets"
EXPERIMENT = "credit-widgets"


def _plots(result: TrainResult, costs: Costs, folder: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import roc_curve

    paths = []
    fpr, tpr, _ = roc_curve(result.target, result.oof)
    fig, ax = plt.subplots(figsize=(5, 4))
    ax.plot(fpr, tpr, label=f"AUC {result.metrics['cv_auc']:.3f}")
    ax.plot([0, 1], [0, 1], ls=":", c="grey")
    ax.set(xlabel="false positive rate", ylabel="true positive rate", title="ROC (out of fold)")
    ax.legend()
    paths.append(folder / "roc.png")
    fig.savefig(paths[-1], dpi=90, bbox_inches="tight")
    curve = cost_curve(result.target, result.oof, costs)
    fig, ax = plt.subplots(figsize=(5, 4))
    ax.plot(curve["threshold"], curve["cost"])
    ax.axvline(result.threshold, ls="--", c="k", label=f"threshold {result.threshold:.3f}")
    ax.set(xlabel="threshold", ylabel="cost per application", title="Business cost (out of fold)")
    ax.legend()
    paths.append(folder / "cost_curve.png")
    fig.savefig(paths[-1], dpi=90, bbox_inches="tight")
    table = calibration_table(result.target, result.oof)
    fig, ax = plt.subplots(figsize=(5, 4))
    ax.plot(table["predicted"], table["observed"], "o-", label="model")
    top = float(max(table["predicted"].max(), table["observed"].max()))
    ax.plot([0, top], [0, top], ls=":", c="grey", label="perfect")
    ax.set(xlabel="predicted default probability", ylabel="observed default rate", title="Calibration")
    ax.legend()
    paths.append(folder / "calibration.png")
    fig.savefig(paths[-1], dpi=90, bbox_inches="tight")
    plt.close("all")
    return paths


def _pip_requirements() -> list[str]:
    names = ["numpy", "pandas", "pyarrow", "scipy", "scikit-learn", "xgboost-cpu", "mlflow"]
    return [f"{name}=={package_version(name)}" for name in names]


def _input_example() -> pd.DataFrame:
    return pd.DataFrame([{"SK_ID_CURR": 1, "AMT_INCOME_TOTAL": 180000.0, "AMT_CREDIT": 500000.0,
                          "AMT_ANNUITY": 25000.0, "AMT_GOODS_PRICE": 450000.0, "DAYS_BIRTH": -14000.0,
                          "NAME_CONTRACT_TYPE": "Cash loans", "EXT_SOURCE_2": 0.55}])


def _pyfunc_args(artifacts: dict[str, str]) -> dict:
    from .pyfunc import CreditPyfunc, signature

    return dict(python_model=CreditPyfunc(), artifacts=artifacts,
                code_paths=[str(Path(__file__).resolve().parents[1])], pip_requirements=_pip_requirements(),
                signature=signature(), input_example=_input_example())


def write_artifacts(result: TrainResult, folder: Path) -> dict[str, str]:
    """The client model's booster, features and meta in `folder`, the application model's in `folder/application`
    (one MLflow artefact each, so that both travel in the one model directory)."""
    folder.mkdir(parents=True, exist_ok=True)
    result.booster.save_model(str(folder / BOOSTER_FILE))
    (folder / FEATURES_FILE).write_text(json.dumps(result.builder.to_dict(), indent=1))
    (folder / META_FILE).write_text(json.dumps(result.meta, indent=1, default=float))
    artifacts = {"booster": str(folder / BOOSTER_FILE), "features": str(folder / FEATURES_FILE),
                 "meta": str(folder / META_FILE)}
    if result.application is not None:
        artifacts[APPLICATION_DIR] = str(folder / APPLICATION_DIR)
        write_artifacts(result.application, folder / APPLICATION_DIR)
    return artifacts


def model_card(result: TrainResult, data_dir: Path) -> str:
    from ..model.card import model_card as write

    return write(result, data_dir)


def train(data_dir: Path, out_dir: Path, *, folds: int = 5, costs: Costs | None = None, params: dict | None = None,
          nthread: int = TRAIN_THREADS, seed: int = 0, tracking_uri: str | None = None,
          experiment: str = EXPERIMENT, register_as: str | None = MODEL_NAME,
          history_tables: tuple[str, ...] = HISTORY_TABLES, quiet: bool = False) -> TrainResult:
    """Load, fit, log to MLflow, register as `champion`, and write an MLflow model directory to `out_dir`."""
    import mlflow
    import mlflow.pyfunc

    costs = costs or Costs()
    data_dir, out_dir = Path(data_dir), Path(out_dir)
    log_progress(f"loading tables from {data_dir}...", quiet)
    tables = load_tables(data_dir)
    log_progress("tables: " + ", ".join(f"{k} {len(v):,}" for k, v in tables.items()), quiet)
    result = fit_pair(tables, folds=folds, costs=costs, params=params, nthread=nthread, seed=seed,
                      history_tables=history_tables, quiet=quiet)
    application = result.application

    if tracking_uri:
        mlflow.set_tracking_uri(tracking_uri)
    mlflow.set_experiment(experiment)
    with tempfile.TemporaryDirectory() as tmp, mlflow.start_run(run_name=f"xgboost-{data_dir.name}") as run:
        tmp = Path(tmp)
        created = datetime.now(UTC)
        for part in (result, application):
            part.meta.update({"version": f"{created:%Y%m%d}-{run.info.run_id[:8]}", "run_id": run.info.run_id,
                              "created": created.isoformat(timespec="seconds"), "data": str(data_dir),
                              "model_name": register_as or MODEL_NAME})
        mlflow.log_params({**{k: v for k, v in result.params.items() if k not in ("nthread", "monotone_constraints")},
                           "monotone_decreasing": ",".join(result.meta["monotone_decreasing"]) or "none",
                           "application_monotone_decreasing":
                               ",".join(application.meta["monotone_decreasing"]) or "none",
                           "building_block": result.meta["building_block"], "folds": folds,
                           "n_rounds": result.n_rounds, "cost_fn": costs.false_negative,
                           "cost_fp": costs.false_positive, "data": str(data_dir),
                           "history_tables": ",".join(result.builder.history_tables_) or "none",
                           "n_features": len(result.builder.feature_names_),
                           "application_n_rounds": application.n_rounds,
                           "application_n_features": len(application.builder.feature_names_)})
        mlflow.log_metrics(result.metrics)
        mlflow.log_metrics({f"application_{k}": v for k, v in application.metrics.items()})
        for path in _plots(result, costs, tmp):
            mlflow.log_artifact(str(path), artifact_path="plots")
        (tmp / APPLICATION_DIR).mkdir()
        for path in _plots(application, costs, tmp / APPLICATION_DIR):
            mlflow.log_artifact(str(path), artifact_path=f"plots/{APPLICATION_DIR}")
        artifacts = write_artifacts(result, tmp / "artifacts")
        model_args = _pyfunc_args(artifacts)
        info = mlflow.pyfunc.log_model(name="model", registered_model_name=register_as, **model_args)
        if register_as:
            client = mlflow.MlflowClient()
            client.set_registered_model_alias(register_as, "champion", info.registered_model_version)
            result.meta["registered_version"] = info.registered_model_version
            log_progress(f"registered {register_as} version {info.registered_model_version} as champion", quiet)

        # The registered copy ships the package (code_paths) so that it loads anywhere; the local directory does
        # not, since it is used where the package is installed and a copy in git would only go stale.
        staging = tmp / "model"
        mlflow.pyfunc.save_model(path=str(staging), **{**model_args, "code_paths": None})
        (staging / "MODEL_CARD.md").write_text(model_card(result, data_dir))
        mlflow.log_text((staging / "MODEL_CARD.md").read_text(), "MODEL_CARD.md")
        if out_dir.exists():
            shutil.rmtree(out_dir)
        shutil.copytree(staging, out_dir)
    log_progress(f"model written to {out_dir} (tracking: {mlflow.get_tracking_uri()})", quiet)
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m credit_widgets.lifecycle.train",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="folder with the Home Credit tables")
    parser.add_argument("--out", type=Path, required=True, help="MLflow model directory to write")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--cost-fn", type=float, default=10.0, help="cost of accepting a client who defaults")
    parser.add_argument("--cost-fp", type=float, default=1.0, help="cost of refusing a client who would repay")
    parser.add_argument("--threads", type=int, default=TRAIN_THREADS)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--application-only", action="store_true", help="ignore the history tables")
    parser.add_argument("--tracking-uri", default=None, help="MLflow tracking URI (default: MLFLOW_TRACKING_URI "
                        "or MLflow's own default, sqlite:///mlflow.db)")
    parser.add_argument("--experiment", default=EXPERIMENT)
    parser.add_argument("--register-as", default=MODEL_NAME, help="registered model name ('' to skip)")
    args = parser.parse_args(argv)
    try:
        train(args.data, args.out, folds=args.folds, costs=Costs(args.cost_fn, args.cost_fp), nthread=args.threads,
              seed=args.seed, tracking_uri=args.tracking_uri, experiment=args.experiment,
              register_as=args.register_as or None,
              history_tables=() if args.application_only else HISTORY_TABLES)
    except DataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
