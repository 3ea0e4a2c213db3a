"""The rows of a decision: applicants read from what the API, batch jobs and the page send, and the features each
model scores them on.

`RowBuilder` holds the two models' feature spaces and the client base; the scoring service (`service.CreditModel`)
and the scorers (`scorer.BoosterScorer`, `remote.ApiScorer`) use it, and it calls back into neither. `read_rows`
reads and checks rows one by one; `features_of` builds every feature in at most two batched passes; `records`
writes applicants back as such rows, for the scoring API.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..data.tables import means_nothing
from ..decision.applicant import Applicant
from ..decision.rules import deciding_model
from ..decision.validate import InputError, validate_application, validate_change
from ..features.grouping import Grouping
from ..features.history import TABLE_COUNTS


def _missing(value) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and np.isnan(value)


def _plain(value):
    """numpy scalars to Python ones (validation checks Python types)."""
    return value.item() if isinstance(value, np.generic) else value


class RowBuilder:
    """Applicants and their features, for the client model (known clients, their variants) and the application
    model (prospects)."""

    def __init__(self, scoring, population, application=None):
        self.scoring, self.population, self.application = scoring, population, application
        self.grouping = Grouping.from_sources(scoring.feature_names, scoring.builder.feature_sources())
        self.feature_index = {name: j for j, name in enumerate(scoring.feature_names)}
        if application is not None:
            self.app_grouping = Grouping.from_sources(application.feature_names,
                                                      application.builder.feature_sources())
            self.app_index = {name: j for j, name in enumerate(application.feature_names)}
        # the history tables' row counts: a file with none of them is a thin file
        self.count_index = [self.feature_index[c] for c in TABLE_COUNTS.values() if c in self.feature_index]

    def known_row(self, client_id) -> int:
        """The client's row in the client base; InputError for what is not an id or an unknown client."""
        if isinstance(client_id, bool) or not isinstance(client_id, (int, np.integer)):
            if isinstance(client_id, str) and client_id.strip().isdigit():
                client_id = int(client_id.strip())
            else:
                raise InputError("SK_ID_CURR", "type_number")
        row = self.population.row(int(client_id))
        if row is None:
            raise InputError("SK_ID_CURR", "unknown_client", value=client_id)
        return row

    def application_row(self, row: int) -> dict:
        """A known client's application as stored in the client base (Python values, None where missing)."""
        record = self.population.applications.iloc[row]
        return {k: (None if (isinstance(v, float) and np.isnan(v)) or v is pd.NA else
                    (v.item() if isinstance(v, np.generic) else v))
                for k, v in record.items() if k not in ("TARGET",)}

    def routes(self, applicants: list[Applicant]) -> np.ndarray:
        """True where the application model decides: a prospect (no row in the client base), when there is one."""
        return np.array([deciding_model(a.row is None, self.application is not None) == "application"
                         for a in applicants], dtype=bool)

    def model_named(self, name: str):
        """The model a decision names (`Decision.model`): the application model, or the client model."""
        return self.application if name == "application" and self.application is not None else self.scoring

    def application_features(self, rows: list[dict]) -> np.ndarray:
        """The application model's features of prospects: only the form's columns are read."""
        frame = pd.DataFrame(rows)
        frame["SK_ID_CURR"] = 0
        return self.application.builder.transform({"application_test": frame}).to_numpy(np.float32)

    def prospect_features(self, rows: list[dict]) -> np.ndarray:
        """The client model's features of prospects (the client base's space: flags, positions)."""
        frame = pd.DataFrame(rows)
        frame["SK_ID_CURR"] = 0     # no history: an id no client has
        return self.scoring.builder.transform({"application_test": frame}).to_numpy(np.float32)

    def variant_features(self, applicants: list[Applicant]) -> np.ndarray:
        """Known clients with changed application inputs: their own history aggregates, new application part."""
        rows = {a.client_id: a.row for a in applicants}
        history = self.scoring.builder.history_frame(self.population.features[list(rows.values())], list(rows))
        frame = pd.DataFrame([a.inputs for a in applicants])
        frame["SK_ID_CURR"] = [a.client_id for a in applicants]
        return self.scoring.builder.transform({"application_test": frame}, history=history).to_numpy(np.float32)

    def read_rows(self, records) -> list[Applicant]:
        """Rows as the API takes them, checked one by one: `SK_ID_CURR` alone is a known client; a known
        `SK_ID_CURR` with application columns is that client with those inputs changed (history kept, as
        `rescore`); application columns alone (or with an unknown id, echoed back) are a prospect. Missing values
        (None, NaN, and Home Credit's codes for nothing, as the loader reads them) are left out. A bad row raises
        InputError with `.row` set to its position."""
        applicants = []
        for i, record in enumerate(records):
            try:
                given = {k: _plain(v) for k, v in record.items() if not _missing(v) and not means_nothing(k, v)}
                client_id = given.pop("SK_ID_CURR", None)
                if isinstance(client_id, float) and client_id.is_integer():
                    client_id = int(client_id)   # an id column with nulls arrives as floats
                if not given:
                    if client_id is None:
                        raise InputError(None, "empty_row")
                    row = self.known_row(client_id)
                    applicants.append(Applicant(int(client_id), row, self.application_row(row), changed=False))
                    continue
                row = (self.population.row(client_id) if isinstance(client_id, (int, np.integer))
                       and not isinstance(client_id, bool) else None)
                if row is not None:
                    # only what differs from the client's file is checked: the file's own values are in the base
                    # already, including the few outside the officer's ranges (e.g. a credit above 5 million)
                    stored = self.application_row(row)
                    changes = validate_change(stored, {k: v for k, v in given.items() if stored.get(k) != v})
                    applicants.append(Applicant(int(client_id), row, {**stored, **changes}, changed=bool(changes)))
                else:
                    inputs = {k: v for k, v in validate_application(given).items() if k != "SK_ID_CURR"}
                    applicants.append(Applicant(client_id, None, inputs, changed=False))
            except InputError as error:
                error.row = i
                raise
        return applicants

    def features_of(self, applicants: list[Applicant]) -> np.ndarray:
        """The model's features of every applicant, built in at most two batched passes."""
        features = np.empty((len(applicants), len(self.scoring.feature_names)), dtype=np.float32)
        known = [i for i, a in enumerate(applicants) if a.row is not None and not a.changed]
        if known:
            features[known] = self.population.features[[applicants[i].row for i in known]]
        variants = [i for i, a in enumerate(applicants) if a.changed]
        if variants:
            features[variants] = self.variant_features([applicants[i] for i in variants])
        prospects = [i for i, a in enumerate(applicants) if a.row is None]
        if prospects:
            features[prospects] = self.prospect_features([applicants[i].inputs for i in prospects])
        return features

    def records(self, applicants: list[Applicant]) -> list[dict]:
        """The rows `read_rows` reads as these applicants: a known client by the id and what differs from the
        client's file (the reader keeps the rest, and the history; the file, not the inputs a decision started
        from, since a suggestion already applied is a difference too), a prospect by the inputs given."""
        records = []
        for a in applicants:
            if a.row is None:
                record = {k: v for k, v in a.inputs.items() if v is not None}
                records.append(record if a.client_id is None else {"SK_ID_CURR": a.client_id, **record})
            elif not a.changed:
                records.append({"SK_ID_CURR": a.client_id})
            else:
                stored = self.application_row(a.row)
                records.append({"SK_ID_CURR": a.client_id,
                                **{k: v for k, v in a.inputs.items() if v != stored.get(k)}})
        return records

    def models_of(self, applicants: list[Applicant]) -> list[str]:
        """Which model decides each applicant: "application" for a prospect, "client" for a known client."""
        return ["application" if r else "client" for r in self.routes(applicants)]

    def thresholds_of(self, applicants: list[Applicant]) -> np.ndarray:
        """Each applicant's threshold: that of the model that decides it."""
        return np.array([self.model_named(m).threshold for m in self.models_of(applicants)])
