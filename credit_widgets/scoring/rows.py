"""Rows as the API (`pyfunc`) and Spark jobs send them: read and checked one by one, then scored in batches.

`RowReader` is mixed into `model.CreditModel` (which is what callers use: `model.read_rows(records)`,
`model.decide_all(applicants)`...). It relies on the model's client base (`population`), its two models (`scoring`,
`application`), its scorer, and the model's own helpers `_known_row`, `_application_row`, `routes`,
`_prospect_features`, `application_features`, `_variant_features` and `_decide_many`. `records` writes applicants
back as such rows, for the scoring API (`remote.ApiScorer`).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..data.tables import means_nothing
from ..decision.applicant import Applicant
from ..decision.validate import InputError, validate_prospect

if TYPE_CHECKING:
    from ..decision.rules import Decision


def _missing(value) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and np.isnan(value)


def _plain(value):
    """numpy scalars to Python ones (validation checks Python types)."""
    return value.item() if isinstance(value, np.generic) else value


class RowReader:
    """Many applicants at once: what the API and batch jobs call on a `CreditModel`."""

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
                    row = self._known_row(client_id)
                    applicants.append(Applicant(int(client_id), row, self._application_row(row), changed=False))
                    continue
                row = (self.population.row(client_id) if isinstance(client_id, (int, np.integer))
                       and not isinstance(client_id, bool) else None)
                if row is not None:
                    # only what differs from the client's file is checked: the file's own values are in the base
                    # already, including the few outside the officer's ranges (e.g. a credit above 5 million)
                    stored = self._application_row(row)
                    changes = validate_prospect({k: v for k, v in given.items() if stored.get(k) != v})
                    applicants.append(Applicant(int(client_id), row, {**stored, **changes}, changed=bool(changes)))
                else:
                    inputs = {k: v for k, v in validate_prospect(given).items() if k != "SK_ID_CURR"}
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
            features[variants] = self._variant_features([applicants[i] for i in variants])
        prospects = [i for i, a in enumerate(applicants) if a.row is None]
        if prospects:
            features[prospects] = self._prospect_features([applicants[i].inputs for i in prospects])
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
                stored = self._application_row(a.row)
                records.append({"SK_ID_CURR": a.client_id,
                                **{k: v for k, v in a.inputs.items() if v != stored.get(k)}})
        return records

    def probabilities(self, applicants: list[Applicant]) -> np.ndarray:
        """Default probabilities, each from the model that decides it (`models_of`)."""
        return self.scorer.probabilities(self, applicants)

    def models_of(self, applicants: list[Applicant]) -> list[str]:
        """Which model decides each applicant: "application" for a prospect, "client" for a known client."""
        return ["application" if r else "client" for r in self.routes(applicants)]

    def thresholds_of(self, applicants: list[Applicant]) -> np.ndarray:
        """Each applicant's threshold: that of the model that decides it."""
        application = self.application.threshold if self.application is not None else self.threshold
        return np.array([application if m == "application" else self.threshold for m in self.models_of(applicants)])

    def decide_all(self, applicants: list[Applicant]) -> list[Decision]:
        return self._decide_many(self.features_of(applicants), applicants)
