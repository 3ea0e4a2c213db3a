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

from .model import ScoringModel, artifacts_dir, decide

log = logging.getLogger(__name__)
ENV = "CREDIT_CHALLENGER"
KEY = "shadow"   # the key of the decision's `inputs` JSON holding the challenger's answer


def _download(uri: str) -> Path:
    """A registry URI (models:/credit-widgets@challenger) to a local MLflow model directory."""
    import mlflow

    return Path(mlflow.artifacts.download_artifacts(artifact_uri=uri))


class Shadow:
    def __init__(self, scoring: ScoringModel, champion_features: list[str] | None = None, source: str = ""):
        self.scoring, self.source = scoring, str(source)
        names = scoring.feature_names
        if champion_features is None or list(champion_features) == list(names):
            self._index = None      # same builder: the champion's row as it is
        else:
            position = {name: j for j, name in enumerate(champion_features)}
            missing = [n for n in names if n not in position]
            if missing:
                raise ValueError(f"the challenger {source} needs features the champion does not build: "
                                 f"{', '.join(missing[:5])}{'...' if len(missing) > 5 else ''}")
            self._index = np.array([position[n] for n in names])

    @classmethod
    def load(cls, source: str | Path, champion_features: list[str] | None = None) -> "Shadow":
        source = str(source)
        folder = _download(source) if source.startswith("models:/") else Path(source)
        return cls(ScoringModel.load(artifacts_dir(folder)), champion_features, source)

    @property
    def version(self) -> str:
        return self.scoring.version

    def score(self, decision) -> dict:
        """{"version", "probability", "decision"} of the challenger on the champion's feature row."""
        row = np.asarray(decision.features, dtype=np.float32)
        if self._index is not None:
            row = row[self._index]
        probability = float(self.scoring.predict_proba(row[None, :])[0])
        return {"version": self.version, "probability": probability,
                "decision": str(decide(probability, self.scoring.threshold))}

    def fields(self, decision) -> dict:
        """What the page adds to the decision's audit inputs; a failure is logged and recorded, never raised."""
        try:
            return {KEY: self.score(decision)}
        except Exception as exc:   # the officer's answer must not depend on the challenger
            log.warning("shadow scoring failed", exc_info=True)
            return {KEY: {"version": self.version, "error": type(exc).__name__}}


_configured: dict = {}


def from_env(champion_features: list[str] | None = None) -> Shadow | None:
    """The challenger named by CREDIT_CHALLENGER, loaded once per kernel; None when none is configured."""
    source = os.environ.get(ENV, "").strip()
    if not source:
        return None
    if source not in _configured:
        try:
            _configured[source] = Shadow.load(source, champion_features)
        except Exception:   # a missing challenger is the data scientist's problem, not the officer's
            log.error("challenger %s could not be loaded: no shadow scoring", source, exc_info=True)
            _configured[source] = None
    return _configured[source]


def shadow_fields(decision, shadow: Shadow | None = None) -> dict:
    """{"shadow": {...}} to merge into the decision's audit `inputs` ({} without a challenger). Never shown."""
    shadow = shadow if shadow is not None else from_env()
    return {} if shadow is None else shadow.fields(decision)
