"""What a decision is and the rules it obeys, whatever model gave the probability: favourable strictly below the
threshold, borderline within the band around it."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..text import i18n

# |probability - threshold| below this is shown as borderline; written into each model's metadata by `fitting`
BORDERLINE_BAND = 0.02


def favourable(probability, threshold):
    """The one rule: favourable when the default probability is strictly below the threshold (arrays elementwise)."""
    if np.ndim(probability) == 0 and np.ndim(threshold) == 0:
        return bool(probability < threshold)
    return np.asarray(probability) < np.asarray(threshold)


def borderline(probability: float, threshold: float, band: float = BORDERLINE_BAND) -> bool:
    """Within the band around the threshold: the answer a small change of the inputs or a retraining could flip."""
    return bool(abs(probability - threshold) < band)


def deciding_model(prospect: bool, application_model: bool) -> str:
    """Which model decides: the application model for a prospect (what the form asks), when there is one; the
    client model (the whole file and its history) otherwise."""
    return "application" if prospect and application_model else "client"


def decide(probability, threshold: float) -> np.ndarray:
    """Favourable when the default probability is strictly below the threshold."""
    return np.where(favourable(np.asarray(probability), threshold), "favourable", "unfavourable")


@dataclass(frozen=True)
class Decision:
    """One credit decision, with everything needed to show and explain it. Frozen: what was decided stays as it was
    shown and logged; a changed answer is a new Decision (`dataclasses.replace`)."""

    probability: float
    threshold: float
    favourable: bool
    margin: float                  # threshold - probability: positive when favourable
    model_version: str
    artifact_hash: str
    borderline: bool               # within the model card's band around the threshold
    rare_profile: bool             # unlike the client base
    thin_file: bool                # no credit history of any kind
    base_value: float              # log-odds of the average applicant
    contributions: dict            # input -> log-odds; base_value + sum == logit(probability)
    reasons: list                  # explain.Reason, against first
    client_id: int | None
    inputs: dict                   # application values (data units), None where missing
    features: np.ndarray = field(repr=False, default=None)   # the client model's features (the client base's space)
    row: int | None = field(repr=False, default=None)     # index in the client base, for a known client
    model: str = "client"          # which model decided: "client" (known client) or "application" (prospect)
    model_features: np.ndarray = field(repr=False, default=None)   # the deciding model's own features

    def verdict(self, lang: str = "fr") -> str:
        return i18n.t("favourable" if self.favourable else "unfavourable", lang)
