"""Where a decision's probability and explanation come from: the boosters in process (`BoosterScorer`), or the
scoring API over HTTP (`remote.ApiScorer`).

`CreditModel` reads and checks the rows, builds every feature once and turns what its scorer answers into a
`Decision` (flags, positions, client base); a scorer only scores. Both kinds answer for a batch of applicants
(`Applicant`) with the row builder as context: the boosters read its features and client base, the API sends the
rows it writes (`RowBuilder.records`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from ..decision.applicant import Applicant
from ..explain.reasons import reasons
from .rows import RowBuilder


@dataclass(frozen=True)
class Scored:
    """What a scorer says of one applicant, by the model that decides it."""

    probability: float
    threshold: float
    base_value: float                       # log-odds of the average applicant
    contributions: dict                     # input -> log-odds
    reasons: list                           # explain.Reason, against first
    model: str = "client"                   # "client" or "application"
    model_features: np.ndarray | None = None   # the deciding model's own features, when the scorer has them
    favourable: bool | None = None          # the served model's own word; None: probability below threshold


class Scorer(Protocol):
    # Whether a change of a known client's history can be verified: "what would change the answer" searches the
    # history levers only then (the served model takes application rows and keeps the history it has).
    history_levers: bool

    def explain(self, rows: RowBuilder, applicants: list[Applicant], features: np.ndarray) -> list[Scored]:
        """Probability, threshold and explanation of each applicant; `features` are the client model's."""

    def probabilities(self, rows: RowBuilder, applicants: list[Applicant]) -> np.ndarray:
        """Default probabilities only (the candidates of "what would change the answer", batch scoring)."""


class BoosterScorer:
    """The model's own boosters: exact TreeSHAP, one call per model for the whole batch."""

    history_levers = True

    def explain(self, rows: RowBuilder, applicants: list[Applicant], features: np.ndarray) -> list[Scored]:
        """Prospects are decided by the application model on its own features and explained by them only; every
        other applicant by the client model on `features`."""
        import xgboost as xgb  # not at the top: `import credit_widgets` stays cheap until a model is loaded

        features = np.ascontiguousarray(features, dtype=np.float32)
        routes = rows.routes(applicants)
        scored: list = [None] * len(features)
        parts = [(np.flatnonzero(~routes), "client", rows.scoring, rows.grouping, rows.feature_index)]
        if routes.any():
            parts.append((np.flatnonzero(routes), "application", rows.application, rows.app_grouping,
                          rows.app_index))
        for chosen, name, scoring, grouping, index in parts:
            if not len(chosen):
                continue
            own = (features[chosen] if name == "client" else
                   rows.application_features([applicants[i].inputs for i in chosen]))
            probabilities = scoring.predict_proba(own)
            contributions = scoring.booster.predict(xgb.DMatrix(own, feature_names=scoring.feature_names),
                                                    pred_contribs=True)
            for k, i in enumerate(chosen):
                base_value, grouped = grouping.group(contributions[k])
                why = reasons(grouped, own[k], contributions[k, :-1], index, applicants[i].inputs, grouping,
                              scoring.feature_names, rows.population.stats)
                scored[i] = Scored(float(probabilities[k]), scoring.threshold, base_value, grouped, why, name, own[k])
        return scored

    def probabilities(self, rows: RowBuilder, applicants: list[Applicant]) -> np.ndarray:
        routes = rows.routes(applicants)
        probabilities = np.empty(len(applicants))
        if (~routes).any():
            chosen = [applicants[i] for i in np.flatnonzero(~routes)]
            probabilities[~routes] = rows.scoring.predict_proba(rows.features_of(chosen))
        if routes.any():
            chosen = [applicants[i].inputs for i in np.flatnonzero(routes)]
            probabilities[routes] = rows.application.predict_proba(rows.application_features(chosen))
        return probabilities
