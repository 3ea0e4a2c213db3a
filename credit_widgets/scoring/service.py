"""The trained model as plain Python: load it from an MLflow model directory, build features, score, decide.

This module does not import MLflow (slow to import, and the page starts one kernel per officer): it reads the
artefacts that `train` wrote inside the MLflow model directory. `pyfunc.py` wraps the same object for MLflow.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..data.schema import FIELDS
from ..data.tables import default_data_dir
from ..decision.applicant import Applicant
from ..decision.rules import BORDERLINE_BAND, Decision
from ..decision.validate import InputError, validate_prospect
from ..explain.population import Population, _display
from ..explain.recourse import MAX_ANNUITY_SHARE, MAX_TERM, Suggestion, suggest  # noqa: F401  (their home was here)
from ..features.grouping import Grouping
from ..features.history import TABLE_COUNTS
from ..model.artifacts import ScoringModel, default_model_dir
from .rows import RowReader
from .scorer import BoosterScorer, Scored, Scorer


class CreditModel(RowReader):
    """The trained model with its client base: score, explain, position and suggest (many rows at once: `rows`).
    The probabilities and explanations come from `scorer`: the boosters in process unless another is given (the
    scoring API: `remote.load_model`)."""

    def __init__(self, scoring: ScoringModel, population, model_dir: Path, data_dir: Path,
                 application: ScoringModel | None = None, scorer: Scorer | None = None):
        self.scoring = scoring
        self.scorer = scorer if scorer is not None else BoosterScorer()
        # prospects are decided by the application model (what the form asks); without one, by the client model
        self.application = application
        if application is not None:
            self.app_grouping = Grouping.from_sources(application.feature_names,
                                                      application.builder.feature_sources())
            self.app_index = {name: j for j, name in enumerate(application.feature_names)}
        self.population = population
        self.model_dir, self.data_dir = Path(model_dir), Path(data_dir)
        self.grouping = Grouping.from_sources(scoring.feature_names, scoring.builder.feature_sources())
        self.feature_index = {name: j for j, name in enumerate(scoring.feature_names)}
        self._client_ids = None
        self._count_index = [self.feature_index[c] for c in TABLE_COUNTS.values() if c in self.feature_index]

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
        row = self._known_row(client_id)
        return self.decide_all([Applicant(int(client_id), row, self._application_row(row), changed=False)])[0]

    def _known_row(self, client_id) -> int:
        if isinstance(client_id, bool) or not isinstance(client_id, (int, np.integer)):
            if isinstance(client_id, str) and client_id.strip().isdigit():
                client_id = int(client_id.strip())
            else:
                raise InputError("SK_ID_CURR", "type_number")
        row = self.population.row(int(client_id))
        if row is None:
            raise InputError("SK_ID_CURR", "unknown_client", value=client_id)
        return row

    def score_prospect(self, inputs) -> Decision:
        clean = {k: v for k, v in validate_prospect(inputs).items() if k != "SK_ID_CURR"}
        return self.decide_all([Applicant(None, None, clean, changed=False)])[0]

    def application_features(self, rows: list[dict]) -> np.ndarray:
        """The application model's features of prospects: only the form's columns are read."""
        frame = pd.DataFrame(rows)
        frame["SK_ID_CURR"] = 0
        return self.application.builder.transform({"application_test": frame}).to_numpy(np.float32)

    def routes(self, applicants: list[Applicant]) -> np.ndarray:
        """True where the application model decides: a prospect (no row in the client base), when there is one."""
        return np.array([a.row is None and self.application is not None for a in applicants], dtype=bool)

    def _application_row(self, row: int) -> dict:
        record = self.population.applications.iloc[row]
        return {k: (None if (isinstance(v, float) and np.isnan(v)) or v is pd.NA else
                    (v.item() if isinstance(v, np.generic) else v))
                for k, v in record.items() if k not in ("TARGET",)}

    def _prospect_features(self, rows: list[dict]) -> np.ndarray:
        frame = pd.DataFrame(rows)
        frame["SK_ID_CURR"] = 0     # no history: an id no client has
        return self.scoring.builder.transform({"application_test": frame}).to_numpy(np.float32)

    def _decide_many(self, features: np.ndarray, applicants: list[Applicant]) -> list[Decision]:
        """The scorer's answers as Decisions. `features` are the client model's (the client base's space: flags,
        positions), given rather than rebuilt since a history lever changes them (`recourse.apply`)."""
        features = np.asarray(features, dtype=np.float32)
        scored = self.scorer.explain(self, applicants, features)
        return [self._decision(s, features[i], a) for i, (s, a) in enumerate(zip(scored, applicants))]

    def _decision(self, scored: Scored, features: np.ndarray, applicant: Applicant) -> Decision:
        """A Decision from what the scorer said, with the flags the client base gives."""
        model = scored.model
        scoring = self.application if model == "application" and self.application is not None else self.scoring
        band = float(scoring.meta.get("borderline_band", BORDERLINE_BAND))
        probability, threshold, row = scored.probability, scored.threshold, applicant.row
        return Decision(
            probability=probability, threshold=threshold,
            favourable=probability < threshold if scored.favourable is None else scored.favourable,
            margin=threshold - probability, model_version=scoring.version,
            artifact_hash=scoring.meta.get("artifact_hash", ""),
            borderline=abs(probability - threshold) < band,
            rare_profile=self.population.rare(self.population.standardise(features), exclude=row),
            thin_file=not any(features[j] > 0 for j in self._count_index),
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
        values = {axis: _display(name, self.population.features[chosen, self.feature_index[name]].astype(float))
                  for axis, name in (("x", x), ("y", y))}
        return {**values, "defaulted": self.population.target[chosen] == 1}

    def rescore(self, decision: Decision, changes: dict) -> Decision:
        """The same applicant with some application inputs changed (a suggestion applied); history unchanged."""
        if decision.client_id is None:
            return self.score_prospect({**decision.inputs, **changes})
        variant = {**decision.inputs, **validate_prospect(changes)}
        return self.decide_all([Applicant(decision.client_id, decision.row, variant, changed=True)])[0]

    # ---- what would change the answer ---------------------------------------------------------------------
    def suggest(self, decision: Decision, limit: int = 3) -> list[Suggestion]:
        """Unfavourable: up to `limit` smallest realistic changes that make it favourable, or the best partial steps
        when none does. Favourable: how much more credit would still be favourable (kind "headroom").
        The search lives in `recourse`."""
        return suggest(self, decision, limit)

    def _variant_features(self, applicants: list[Applicant]) -> np.ndarray:
        """Known clients with changed application inputs: their own history aggregates, new application part."""
        history = None
        if self.scoring.builder.history_tables_:
            names = self.scoring.builder._history_names()
            columns = [self.feature_index[n] for n in names]
            rows = {a.client_id: a.row for a in applicants}
            history = pd.DataFrame(self.population.features[np.ix_(list(rows.values()), columns)], columns=names,
                                   index=pd.Index(list(rows), name="SK_ID_CURR"))
        frame = pd.DataFrame([a.inputs for a in applicants])
        frame["SK_ID_CURR"] = [a.client_id for a in applicants]
        return self.scoring.builder.transform({"application_test": frame}, history=history).to_numpy(np.float32)

    def _score_variants(self, decision: Decision, rows: list[dict]) -> np.ndarray:
        """The one place that scores candidate rows (suggestions), by the scorer: a prospect's as a prospect (the
        model that decided it), a known client's as that client with changed inputs."""
        if decision.client_id is None:
            applicants = [Applicant(None, None, row, changed=False) for row in rows]
        else:
            applicants = [Applicant(decision.client_id, decision.row, row, changed=True) for row in rows]
        return self.scorer.probabilities(self, applicants)
