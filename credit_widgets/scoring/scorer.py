"""Where a decision's probability and explanation come from: the boosters in process (`BoosterScorer`), or the
scoring API over HTTP (`remote.ApiScorer`).

`CreditModel` reads and checks the rows, builds every feature once and turns what its scorer answers into a
`Decision` (flags, positions, client base); a scorer only scores. Both kinds answer for a batch of applicants
(`rows.Applicant`) with the model as context: the boosters read its features and client base, the API sends the
rows the model writes for it (`model.records`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np

from ..explain.reasons import reasons

if TYPE_CHECKING:
    from ..decision.applicant import Applicant
    from .service import CreditModel


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

    def explain(self, model: CreditModel, applicants: list[Applicant], features: np.ndarray) -> list[Scored]:
        """Probability, threshold and explanation of each applicant; `features` are the client model's."""

    def probabilities(self, model: CreditModel, applicants: list[Applicant]) -> np.ndarray:
        """Default probabilities only (the candidates of "what would change the answer", batch scoring)."""


class BoosterScorer:
    """The model's own boosters: exact TreeSHAP, one call per model for the whole batch."""

    history_levers = True

    def explain(self, model: CreditModel, applicants: list[Applicant], features: np.ndarray) -> list[Scored]:
        """Prospects are decided by the application model on its own features and explained by them only; every
        other applicant by the client model on `features`."""
        import xgboost as xgb  # not at the top: `import credit_widgets` stays cheap until a model is loaded

        features = np.ascontiguousarray(features, dtype=np.float32)
        routes = model.routes(applicants)
        scored: list = [None] * len(features)
        parts = [(np.flatnonzero(~routes), "client", model.scoring, model.grouping, model.feature_index)]
        if routes.any():
            parts.append((np.flatnonzero(routes), "application", model.application, model.app_grouping,
                          model.app_index))
        for chosen, name, scoring, grouping, index in parts:
            if not len(chosen):
                continue
            own = (features[chosen] if name == "client" else
                   model.application_features([applicants[i].inputs for i in chosen]))
            probabilities = scoring.predict_proba(own)
            contributions = scoring.booster.predict(xgb.DMatrix(own, feature_names=scoring.feature_names),
                                                    pred_contribs=True)
            for k, i in enumerate(chosen):
                base_value, grouped = grouping.group(contributions[k])
                why = reasons(grouped, own[k], contributions[k, :-1], index, applicants[i].inputs, grouping,
                              scoring.feature_names, model.population.stats)
                scored[i] = Scored(float(probabilities[k]), scoring.threshold, base_value, grouped, why, name, own[k])
        return scored

    def probabilities(self, model: CreditModel, applicants: list[Applicant]) -> np.ndarray:
        routes = model.routes(applicants)
        probabilities = np.empty(len(applicants))
        if (~routes).any():
            chosen = [applicants[i] for i in np.flatnonzero(~routes)]
            probabilities[~routes] = model.scoring.predict_proba(model.features_of(chosen))
        if routes.any():
            chosen = [applicants[i].inputs for i in np.flatnonzero(routes)]
            probabilities[routes] = model.application.predict_proba(model.application_features(chosen))
        return probabilities
