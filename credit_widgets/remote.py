"""The page's decisions from the scoring API instead of the in-process model (`CREDIT_API_URL`).

The served model (`make api`, MLflow) gives the probability, the decision, the threshold, the reasons and the
contributions, and scores the candidate changes behind "what would change the answer"; the local copy of the
model only places the applicant among the client base (positions, similar clients, charts) and checks what the
officer types, so that a typing mistake gets its message in the officer's language without a round trip.
Plain HTTP (urllib): no MLflow import in the page's kernel.
"""
from __future__ import annotations

import dataclasses
import json
import os
import urllib.error
import urllib.request

import numpy as np

from .explain import Reason
from .model import CreditModel, Decision
from .rows import Applicant
from .validate import InputError, validate_prospect

API_URL_VARIABLE = "CREDIT_API_URL"
TIMEOUT_SECONDS = float(os.environ.get("CREDIT_API_TIMEOUT", "20"))


def load_model(model_dir=None, data_dir=None) -> CreditModel:
    """The page's model: through the scoring API when CREDIT_API_URL is set, in process otherwise."""
    url = os.environ.get(API_URL_VARIABLE, "").strip()
    if url:
        return ApiCreditModel.load(model_dir, data_dir, url=url)
    return CreditModel.load(model_dir, data_dir)


class ScoringServiceError(InputError):
    """The scoring API could not answer: shown to the officer like any input problem, nothing typed is lost."""

    def __init__(self, key: str, **params):
        super().__init__(None, key, **params)


class ApiCreditModel(CreditModel):
    url: str = ""
    # The served model takes application rows only: a change of the client's history could not be verified by it,
    # so "what would change the answer" keeps to the loan's terms here.
    history_levers = False

    @classmethod
    def load(cls, model_dir=None, data_dir=None, url: str | None = None) -> ApiCreditModel:
        model = super().load(model_dir, data_dir)
        model.url = (url or os.environ[API_URL_VARIABLE]).rstrip("/")
        return model

    # ---- what the API decides -----------------------------------------------------------------------------
    def score_client(self, client_id) -> Decision:
        row = self._known_row(client_id)
        (answer,) = self._post([{"SK_ID_CURR": int(client_id)}], explain=True)
        return self._from_api(answer, self.population.features[row], self._application_row(row), int(client_id),
                              row)

    def score_prospect(self, inputs) -> Decision:
        clean = {k: v for k, v in validate_prospect(inputs).items() if k != "SK_ID_CURR"}
        (answer,) = self._post([{k: v for k, v in clean.items() if v is not None}], explain=True)
        return self._from_api(answer, self._prospect_features([clean])[0], clean, None, None)

    def rescore(self, decision: Decision, changes: dict) -> Decision:
        if decision.client_id is None:
            return self.score_prospect({**decision.inputs, **changes})
        variant = {**decision.inputs, **validate_prospect(changes)}
        (answer,) = self._post([self._client_changes(decision, variant)], explain=True)
        features = self._variant_features([Applicant(decision.client_id, decision.row, variant, changed=True)])[0]
        return self._from_api(answer, features, variant, decision.client_id, decision.row)

    def _score_variants(self, decision: Decision, rows: list[dict]) -> np.ndarray:
        """The candidates of `suggest`, scored by the API in one request (probabilities only). The API routes a
        prospect's candidates to the application model, as it routed the prospect."""
        if decision.client_id is None:
            sent = [{k: v for k, v in row.items() if v is not None} for row in rows]
        else:
            sent = [self._client_changes(decision, row) for row in rows]
        answers = self._post(sent, reasons=False)
        return np.array([a["probability"] for a in answers], dtype=float)

    # ---- plumbing -----------------------------------------------------------------------------------------
    def _client_changes(self, decision: Decision, inputs: dict) -> dict:
        """A known client's row for the API: what differs from the client's file (the API keeps the rest, and the
        history). The file, not `decision.inputs`, since a suggestion already applied is a difference too."""
        stored = self._application_row(decision.row)
        return {"SK_ID_CURR": decision.client_id, **{k: v for k, v in inputs.items() if v != stored.get(k)}}

    def _from_api(self, answer: dict, features: np.ndarray, inputs: dict, client_id, row) -> Decision:
        contributions = json.loads(answer["contributions"])
        base_value = float(contributions.pop("base_value"))
        reasons = [Reason(r["input"], r["contribution"], None, {"fr": r["text_fr"], "en": r["text_en"]})
                   for r in json.loads(answer["reasons"])]
        decision = self._decision(float(answer["probability"]), float(answer["threshold"]), base_value,
                                  contributions, reasons, np.asarray(features, dtype=np.float32), inputs,
                                  client_id, row, model=answer.get("model") or "client")
        # the served model's word, not recomputed
        return dataclasses.replace(decision, favourable=answer["decision"] == "favourable")

    def _post(self, rows: list[dict], **params) -> list[dict]:
        columns = sorted({column for row in rows for column in row})
        body = {"dataframe_split": {"columns": columns, "data": [[row.get(c) for c in columns] for row in rows]},
                "params": params}
        request = urllib.request.Request(self.url + "/invocations", data=json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                predictions = json.loads(response.read())["predictions"]
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace")
            try:
                detail = json.loads(detail).get("message", detail)
            except ValueError:
                pass
            # MLflow prefixes our message with a dump of the rows: keep the part that names the field
            raise ScoringServiceError("service_refused", detail=detail.rsplit("': ", 1)[-1][:300]) from None
        except (OSError, ValueError, KeyError):
            raise ScoringServiceError("service_down", url=self.url) from None
        if len(predictions) != len(rows):
            raise ScoringServiceError("service_down", url=self.url)
        return predictions
