"""Candidate and champion in the MLflow model registry: register a candidate, find the current champion, promote
only through one explicit, logged step.

    version = register_candidate(result, card, reason="won the comparison on ...")
    champion, source = current_champion()           # the registry's champion, else the repository's models/
    promote(version, who="A. Validator", why="better AUC on the test rows, same fairness verdict")

Registering never moves `champion`; promoting never writes a folder unless `export_to` is given in that call.
Imports MLflow (like train.py and pyfunc.py, not the scoring core); MLflow's progress bars and the pickling
warnings of `log_model` are silenced here so that a notebook's output stays readable.
"""
from __future__ import annotations

import contextlib
import io
import logging
import os
import tempfile
import warnings
from datetime import UTC, datetime
from pathlib import Path

from ..model.artifacts import MODEL_NAME
from ..model.fitting import TrainResult
from .train import model_card, write_artifacts

CANDIDATE, CHAMPION = "candidate", "champion"
PROMOTION_EXPERIMENT = "credit-widgets-promotions"


@contextlib.contextmanager
def quiet_mlflow():
    """No progress bars, no logged warnings from MLflow, no pickling / type-hint warnings while logging models."""
    os.environ["MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR"] = "false"
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    loggers = [logging.getLogger(name) for name in ("mlflow", "alembic", "urllib3")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
            warnings.simplefilter("ignore")
            import mlflow.pyfunc  # noqa: F401
            warnings.simplefilter("ignore")  # again: importing MLflow adds warning filters of its own
            from . import pyfunc  # noqa: F401  (its class definition warns about type hints)
            # log_model resets the filters to "once" for its own call: drop what it shows instead
            warnings.showwarning = lambda *args, **kwargs: None
            yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)


def _client(tracking_uri: str | None):
    import mlflow

    if tracking_uri:
        mlflow.set_tracking_uri(tracking_uri)
    return mlflow.MlflowClient()


def register_candidate(result: TrainResult, data_dir, *, reason: str, card_section: str = "",
                       metrics: dict | None = None, name: str = MODEL_NAME, tracking_uri: str | None = None,
                       experiment: str = "credit-widgets-explore", tables: dict | None = None) -> str:
    """Log `result` as an MLflow model (with its model card, `card_section` appended, and test metrics), register
    it under `name` and point the alias `candidate` at it. Returns the new version. `champion` does not move.

    A served model decides prospects with its application model: a client model without one gets it trained here on
    `tables` (the same rows), with the options `credit_widgets.lifecycle.train` uses."""
    import mlflow
    import mlflow.pyfunc

    from ..data.schema import PROSPECT_COLUMNS
    from ..model.fitting import APPLICATION_OPTIONS, fit
    from .train import _pyfunc_args

    if result.application is None:
        if tables is None:
            raise ValueError("a candidate needs its application model for prospects: pass the training tables")
        result.application = fit(tables, **{**APPLICATION_OPTIONS, "columns": PROSPECT_COLUMNS, "quiet": True,
                                            "seed": result.params.get("seed", 0)})

    with quiet_mlflow():
        client = _client(tracking_uri)
        mlflow.set_experiment(experiment)
        with tempfile.TemporaryDirectory() as tmp, mlflow.start_run(run_name="candidate") as run:
            created = datetime.now(UTC)
            result.meta.update({"version": f"{created:%Y%m%d}-{run.info.run_id[:8]}", "run_id": run.info.run_id,
                                "created": created.isoformat(timespec="seconds"), "model_name": name})
            mlflow.log_params({"n_rounds": result.n_rounds, "reason": reason[:500],
                               **{k: v for k, v in result.params.items() if k not in ("nthread",)}})
            mlflow.log_metrics({**result.metrics, **(metrics or {})})
            result.meta.setdefault("data", str(data_dir))
            mlflow.log_text(model_card(result, Path(data_dir)) + "\n" + card_section, "MODEL_CARD.md")
            artifacts = write_artifacts(result, Path(tmp) / "artifacts")
            info = mlflow.pyfunc.log_model(name="model", registered_model_name=name, **_pyfunc_args(artifacts))
        version = str(info.registered_model_version)
        client.set_registered_model_alias(name, CANDIDATE, version)
        client.set_model_version_tag(name, version, "registered_as", CANDIDATE)
        client.set_model_version_tag(name, version, "reason", reason[:5000])
    return version


def current_champion(name: str = MODEL_NAME, tracking_uri: str | None = None, fallback_dir=None):
    """(ScoringModel, where it came from) of the registry's `champion`; without one, of `fallback_dir` (the
    repository's models/ by default), read only. (None, reason) when there is neither."""
    import mlflow

    from ..model.artifacts import ScoringModel, default_model_dir

    with quiet_mlflow():
        client = _client(tracking_uri)
        try:
            version = client.get_model_version_by_alias(name, CHAMPION)
        except mlflow.exceptions.MlflowException:
            version = None
        if version is not None:
            folder = Path(tempfile.mkdtemp(prefix="cw-champion-"))
            mlflow.artifacts.download_artifacts(f"models:/{name}@{CHAMPION}", dst_path=str(folder))
            return ScoringModel.load(folder), f"registry: {name} version {version.version} (@{CHAMPION})"
    folder = Path(fallback_dir) if fallback_dir else default_model_dir()
    try:
        return ScoringModel.load(folder), f"folder {folder} (no @{CHAMPION} in the registry)"
    except FileNotFoundError:
        return None, f"no @{CHAMPION} in the registry and no model in {folder}"


def promote(version: str, *, who: str, why: str, name: str = MODEL_NAME, tracking_uri: str | None = None,
            export_to=None) -> dict:
    """Move the alias `champion` to `version`, recording who, when and why on the model version and in a run of
    the experiment `credit-widgets-promotions` (with the version it replaces). Writes the model to `export_to`
    only when that folder is given here. Refuses without a name and a reason."""
    import mlflow

    if not str(who).strip() or not str(why).strip():
        raise ValueError("a promotion needs who decides it and why")
    with quiet_mlflow():
        client = _client(tracking_uri)
        try:
            previous = str(client.get_model_version_by_alias(name, CHAMPION).version)
        except mlflow.exceptions.MlflowException:
            previous = "none"
        when = datetime.now(UTC).isoformat(timespec="seconds")
        client.set_registered_model_alias(name, CHAMPION, str(version))
        for key, value in (("promoted_by", who), ("promoted_at", when), ("promotion_reason", why),
                           ("replaces", previous)):
            client.set_model_version_tag(name, str(version), key, value)
        mlflow.set_experiment(PROMOTION_EXPERIMENT)
        with mlflow.start_run(run_name=f"promote-{name}-v{version}"):
            mlflow.log_params({"model": name, "version": str(version), "replaces": previous, "who": who,
                               "when": when, "why": why[:500], "exported_to": str(export_to or "")})
        if export_to:
            mlflow.artifacts.download_artifacts(f"models:/{name}/{version}", dst_path=str(export_to))
    return {"name": name, "version": str(version), "replaces": previous, "who": who, "when": when, "why": why,
            "exported_to": str(export_to) if export_to else None}
