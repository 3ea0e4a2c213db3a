"""The scoring service: what the page, the API and batch jobs all call to score, explain, position and suggest.

`CreditModel` is composed of a row builder (`rows.RowBuilder`: applicants and their features), a scorer (the
boosters in process, or the scoring API: `remote.load_model`) and the recourse search (`explain.recourse`, which
asks for scores through `score_variants` and `decide_features`). It does not import MLflow (slow to import, and the
page starts one kernel per officer): it reads the artefacts `train` wrote inside the MLflow model directory
(`model.artifacts`); `lifecycle.pyfunc` wraps the same object for MLflow.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ..data.schema import FIELDS
from ..data.tables import default_data_dir
from ..decision.applicant import Applicant
from ..decision.rules import BORDERLINE_BAND, Decision, borderline, favourable
from ..decision.validate import InputError, validate_application, validate_change
from ..explain.population import Population, display_values
from ..explain.recourse import MAX_ANNUITY_SHARE, MAX_TERM, Suggestion, suggest  # noqa: F401  (their home was here)
from ..explain.recourse import apply as apply_suggestion
from ..features.grouping import Grouping
from ..model.artifacts import ScoringModel, default_model_dir
from .rows import RowBuilder
from .scorer import BoosterScorer, Scored, Scorer


class CreditModel:
    """The trained model with its client base: score, explain, position and suggest (many rows at once: `rows`).
    The probabilities and explanations come from `scorer`: the boosters in process unless another is given (the
    scoring API: `remote.load_model`)."""

    def __init__(self, scoring: ScoringModel, population, model_dir: Path, data_dir: Path,
                 application: ScoringModel | None = None, scorer: Scorer | None = None):
        self.scorer = scorer if scorer is not None else BoosterScorer()
        # prospects are decided by the application model (what the form asks); without one, by the client model
        self.rows = RowBuilder(scoring, population, application)
        self.scoring, self.application, self.population = scoring, application, population
        self.grouping, self.feature_index = self.rows.grouping, self.rows.feature_index
        if application is not None:
            self.app_grouping, self.app_index = self.rows.app_grouping, self.rows.app_index
        self.model_dir, self.data_dir = Path(model_dir), Path(data_dir)
        self._client_ids = None

    @classmethod
    def load(cls, model_dir: Path | str | None = None, data_dir: Path | str | None = None,
             scorer: Scorer | None = None) -> CreditModel:
        model_dir = Path(model_dir) if model_dir else default_model_dir()
        data_dir = Path(data_dir) if data_dir else default_data_dir()
        scoring = ScoringModel.load(model_dir)
        grouping = Grouping.from_sources(scoring.feature_names, scoring.builder.feature_sources())
        population = Population.cached(scoring, data_dir, grouping, model_dir)
        return cls(scoring, population, model_dir, data_dir, ScoringModel.load_application(model_dir), scorer)

    # ---- facts --------------------------------------------------------------------------------------------
    @property
    def threshold(self) -> float:
        return self.scoring.threshold

    @property
    def version(self) -> str:
        return self.scoring.version

    def client_ids(self) -> list[int]:
        if self._client_ids is None:
            self._client_ids = self.population.ids.tolist()
        return self._client_ids

    def close_ids(self, client_id: int, count: int = 5) -> list[int]:
        return self.population.close_ids(int(client_id), count)

    def prospect_fields(self) -> list:
        """The schema's Field objects a prospect form asks for (name, kind, unit, min, max, default, choices,
        group, label(lang)), in schema order: exactly the application columns the application model uses, so the
        form asks everything that decides and nothing else. Values are in displayed units, `from_display` turns
        them into data units."""
        if self.application is None:
            return [f for f in FIELDS.values() if f.ask_prospect]
        used = set(self.application.builder.application_columns)
        return [f for f in FIELDS.values() if f.name in used]

    def global_importance(self) -> dict:
        return dict(self.population.importance)

    @property
    def history_levers(self) -> bool:
        """Whether "what would change the answer" may change a known client's history: only when the scorer can
        verify such a change."""
        return self.scorer.history_levers

    # ---- scoring ------------------------------------------------------------------------------------------
    def score_client(self, client_id) -> Decision:
        row = self.rows.known_row(client_id)
        return self.decide_all([Applicant(int(client_id), row, self.rows.application_row(row), changed=False)])[0]

    def score_prospect(self, inputs) -> Decision:
        clean = {k: v for k, v in validate_application(inputs).items() if k != "SK_ID_CURR"}
        return self.decide_all([Applicant(None, None, clean, changed=False)])[0]

    def decide_features(self, features: np.ndarray, applicants: list[Applicant]) -> list[Decision]:
        """The scorer's answers as Decisions. `features` are the client model's (the client base's space: flags,
        positions), given rather than rebuilt since a history lever changes them (`recourse.apply`)."""
        features = np.asarray(features, dtype=np.float32)
        scored = self.scorer.explain(self.rows, applicants, features)
        return [self._decision(s, features[i], a) for i, (s, a) in enumerate(zip(scored, applicants))]

    def _decision(self, scored: Scored, features: np.ndarray, applicant: Applicant) -> Decision:
        """A Decision from what the scorer said, with the flags the client base gives."""
        model = scored.model
        scoring = self.rows.model_named(model)
        band = float(scoring.meta.get("borderline_band", BORDERLINE_BAND))
        probability, threshold, row = scored.probability, scored.threshold, applicant.row
        return Decision(
            probability=probability, threshold=threshold,
            favourable=favourable(probability, threshold) if scored.favourable is None else scored.favourable,
            margin=threshold - probability, model_version=scoring.version,
            artifact_hash=scoring.meta.get("artifact_hash", ""),
            borderline=borderline(probability, threshold, band),
            rare_profile=self.population.rare(self.population.standardise(features), exclude=row),
            thin_file=not any(features[j] > 0 for j in self.rows.count_index),
            base_value=scored.base_value, contributions=scored.contributions, reasons=scored.reasons,
            client_id=applicant.client_id if row is not None else None, inputs=applicant.inputs,
            features=features, row=row, model=model,
            model_features=features if scored.model_features is None else scored.model_features)

    # ---- the client base ----------------------------------------------------------------------------------
    def position(self, decision: Decision, column: str) -> dict:
        if column not in self.population.positions:
            raise InputError(column, "unknown_column")
        return self.population.position(column, float(decision.features[self.feature_index[column]]))

    def similar(self, decision: Decision) -> dict:
        return self.population.similar(self.population.standardise(decision.features), exclude=decision.row)

    def position_columns(self) -> list[str]:
        return list(self.population.positions)

    def base_sample(self, x: str, y: str, count: int = 1500) -> dict:
        """A fixed random sample of clients with a known outcome, two inputs in displayed units (for a scatter)."""
        known = np.flatnonzero(~np.isnan(self.population.target))
        chosen = np.random.default_rng(0).choice(known, min(count, len(known)), replace=False)
        values = {axis: display_values(name, self.population.features[chosen, self.feature_index[name]].astype(float))
                  for axis, name in (("x", x), ("y", y))}
        return {**values, "defaulted": self.population.target[chosen] == 1}

    def rescore(self, decision: Decision, changes: dict) -> Decision:
        """The same applicant with some application inputs changed (a suggestion applied); history unchanged."""
        if decision.client_id is None:
            return self.score_prospect({**decision.inputs, **changes})
        variant = {**decision.inputs, **validate_change(decision.inputs, changes)}
        return self.decide_all([Applicant(decision.client_id, decision.row, variant, changed=True)])[0]

    # ---- what would change the answer ---------------------------------------------------------------------
    def suggest(self, decision: Decision, limit: int = 3) -> list[Suggestion]:
        """Unfavourable: up to `limit` smallest realistic changes that make it favourable, or the best partial steps
        when none does. Favourable: how much more credit would still be favourable (kind "headroom").
        The search lives in `recourse`."""
        return suggest(self, decision, limit)

    def apply(self, decision: Decision, suggestion: Suggestion) -> Decision:
        """The decision once `suggestion` (computed for `decision`) is applied, history changes included."""
        return apply_suggestion(self, decision, suggestion)

    def score_variants(self, decision: Decision, rows: list[dict]) -> np.ndarray:
        """The one place that scores candidate rows (suggestions), by the scorer: a prospect's as a prospect (the
        model that decided it), a known client's as that client with changed inputs."""
        if decision.client_id is None:
            applicants = [Applicant(None, None, row, changed=False) for row in rows]
        else:
            applicants = [Applicant(decision.client_id, decision.row, row, changed=True) for row in rows]
        return self.scorer.probabilities(self.rows, applicants)

    # ---- many applicants at once: the API and batch jobs ----------------------------------------------------
    def read_rows(self, records) -> list[Applicant]:
        return self.rows.read_rows(records)

    def records(self, applicants: list[Applicant]) -> list[dict]:
        return self.rows.records(applicants)

    def features_of(self, applicants: list[Applicant]) -> np.ndarray:
        return self.rows.features_of(applicants)

    def models_of(self, applicants: list[Applicant]) -> list[str]:
        return self.rows.models_of(applicants)

    def thresholds_of(self, applicants: list[Applicant]) -> np.ndarray:
        return self.rows.thresholds_of(applicants)

    def probabilities(self, applicants: list[Applicant]) -> np.ndarray:
        """Default probabilities, each from the model that decides it (`models_of`)."""
        return self.scorer.probabilities(self.rows, applicants)

    def decide_all(self, applicants: list[Applicant]) -> list[Decision]:
        return self.decide_features(self.rows.features_of(applicants), applicants)
