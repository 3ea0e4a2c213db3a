"""A challenger model scoring every application in the shadow of the champion, never shown to the officer.

    shadow = Shadow.load("models:/credit-widgets@challenger", champion_features=model.scoring.feature_names)
    inputs = {**inputs, **shadow.fields(decision)}     # stored in the decision's audit record, under "shadow"

The challenger scores the champion's own feature row (`decision.features`): no second feature build, one
`inplace_predict` on a NumPy row (a fraction of a millisecond, `benchmarks/monitor.py` measures it). Its features
are picked from the champion's by name, so a challenger trained on the same builder, or on a subset of its features,
works; one needing a feature the champion does not build is refused at load time rather than scored wrongly.
A shadow must never cost the officer an answer: `fields` turns any failure into {"shadow": {"error": ...}}.

The challenger is a model directory (`CreditModel`'s artefacts) or a registry URI `models:/NAME@ALIAS`; MLflow is
imported here only for the registry (the core never imports it). `CREDIT_CHALLENGER` names it for the page.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path

import numpy as np

from ..decision.rules import decide
from ..model.artifacts import ScoringModel, artifacts_dir

log = logging.getLogger(__name__)
ENV = "CREDIT_CHALLENGER"
KEY = "shadow"   # the key of the decision's `inputs` JSON holding the challenger's answer


def _download(uri: str) -> Path:
    """A registry URI (models:/credit-widgets@challenger) to a local MLflow model directory."""
    import mlflow

    return Path(mlflow.artifacts.download_artifacts(artifact_uri=uri))


def _positions(names: list[str], champion_features: list[str] | None, source: str):
    """Where each of the challenger's features sits in the champion's row (None: the same row as it is)."""
    if champion_features is None or list(champion_features) == list(names):
        return None
    position = {name: j for j, name in enumerate(champion_features)}
    missing = [n for n in names if n not in position]
    if missing:
        raise ValueError(f"the challenger {source} needs features the champion does not build: "
                         f"{', '.join(missing[:5])}{'...' if len(missing) > 5 else ''}")
    return np.array([position[n] for n in names])


class Shadow:
    """A challenger scoring every decision beside the champion: known clients by its client model, prospects by its
    application model (when it has one), each on the champion's own feature row for that kind of applicant."""

    def __init__(self, scoring: ScoringModel, champion_features: list[str] | None = None, source: str = "",
                 application: ScoringModel | None = None, champion_app_features: list[str] | None = None):
        self.scoring, self.source, self.application = scoring, str(source), application
        self._index = _positions(scoring.feature_names, champion_features, source)
        self._app_index = (_positions(application.feature_names, champion_app_features, source)
                           if application is not None else None)

    @classmethod
    def load(cls, source: str | Path, champion_features: list[str] | None = None,
             champion_app_features: list[str] | None = None) -> Shadow:
        source = str(source)
        folder = _download(source) if source.startswith("models:/") else Path(source)
        return cls(ScoringModel.load(artifacts_dir(folder)), champion_features, source,
                   ScoringModel.load_application(folder), champion_app_features)

    @property
    def version(self) -> str:
        return self.scoring.version

    def score(self, decision) -> dict:
        """{"version", "probability", "decision"} of the challenger on the champion's feature row."""
        prospect = getattr(decision, "model", "client") == "application" and self.application is not None \
            and getattr(decision, "model_features", None) is not None
        scoring, index = (self.application, self._app_index) if prospect else (self.scoring, self._index)
        row = np.asarray(decision.model_features if prospect else decision.features, dtype=np.float32)
        if index is not None:
            row = row[index]
        probability = float(scoring.predict_proba(row[None, :])[0])
        return {"version": self.version, "probability": probability,
                "decision": str(decide(probability, scoring.threshold))}

    def fields(self, decision) -> dict:
        """What the page adds to the decision's audit inputs; a failure is logged and recorded, never raised."""
        try:
            return {KEY: self.score(decision)}
        except Exception as exc:   # the officer's answer must not depend on the challenger
            log.warning("shadow scoring failed", exc_info=True)
            return {KEY: {"version": self.version, "error": type(exc).__name__}}


_configured: dict = {}


def from_env(champion_features: list[str] | None = None,
             champion_app_features: list[str] | None = None) -> Shadow | None:
    """The challenger named by CREDIT_CHALLENGER, loaded once per kernel; None when none is configured."""
    source = os.environ.get(ENV, "").strip()
    if not source:
        return None
    if source not in _configured:
        try:
            _configured[source] = Shadow.load(source, champion_features, champion_app_features)
        except Exception:   # a missing challenger is the data scientist's problem, not the officer's
            log.error("challenger %s could not be loaded: no shadow scoring", source, exc_info=True)
            _configured[source] = None
    return _configured[source]


def shadow_fields(decision, shadow: Shadow | None = None) -> dict:
    """{"shadow": {...}} to merge into the decision's audit `inputs` ({} without a challenger). Never shown."""
    shadow = shadow if shadow is not None else from_env()
    return {} if shadow is None else shadow.fields(decision)


def promote(challenger: str, to: Path | str | None = None, tracking_uri: str | None = None) -> Path:
    """Make the challenger the champion: in the registry (models:/NAME@challenger) the alias `champion` moves to
    its version and `challenger` is removed; in every case its model directory replaces the page's (`to`,
    default models/), the previous one kept beside it as <to>.previous for a rollback."""
    import shutil

    from ..model.artifacts import default_model_dir

    to = Path(to) if to else default_model_dir()
    if challenger.startswith("models:/"):
        import mlflow

        if tracking_uri:
            mlflow.set_tracking_uri(tracking_uri)
        name, _, alias = challenger[len("models:/"):].partition("@")
        client = mlflow.MlflowClient()
        version = client.get_model_version_by_alias(name, alias or "challenger").version
        source = _download(challenger)
        client.set_registered_model_alias(name, "champion", version)
        client.delete_registered_model_alias(name, alias or "challenger")
    else:
        source = Path(challenger)
    ScoringModel.load(artifacts_dir(source))   # refuse anything the page could not load, before touching it
    previous = to.with_name(to.name + ".previous")
    if previous.exists():
        shutil.rmtree(previous)
    if to.exists():
        to.rename(previous)
    shutil.copytree(source, to, ignore=shutil.ignore_patterns("cache"))
    return to


def main(argv=None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="Promote the challenger to champion (registry alias and models/).")
    parser.add_argument("command", choices=["promote"])
    parser.add_argument("--challenger", default=os.environ.get(ENV) or "models:/credit-widgets@challenger")
    parser.add_argument("--to", type=Path, help="the page's model directory (default: models/ or CREDIT_MODEL_DIR)")
    parser.add_argument("--tracking-uri", help="MLflow store (default: MLFLOW_TRACKING_URI or sqlite:///mlflow.db)")
    args = parser.parse_args(argv)
    print(f"champion is now {args.challenger}, in {promote(args.challenger, args.to, args.tracking_uri)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
