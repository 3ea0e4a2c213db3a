"""The page's decisions from the scoring API instead of the in-process model (`CREDIT_API_URL`).

The served model (`make api`, MLflow) gives the probability, the decision, the threshold, the reasons and the
contributions, and scores the candidate changes behind "what would change the answer"; the local copy of the
model only places the applicant among the client base (positions, similar clients, charts) and checks what the
officer types, so that a typing mistake gets its message in the officer's language without a round trip.
Plain HTTP (urllib): no MLflow import in the page's kernel.
"""
from __future__ import annotations

import json
import os
import urllib.error
import urllib.request

import numpy as np

from ..decision.validate import InputError
from ..explain.reasons import Reason
from .rows import RowBuilder
from .scorer import Scored
from .service import CreditModel

API_URL_VARIABLE = "CREDIT_API_URL"
TIMEOUT_SECONDS = float(os.environ.get("CREDIT_API_TIMEOUT", "20"))


def load_model(model_dir=None, data_dir=None, url: str | None = None) -> CreditModel:
    """The page's model: through the scoring API at `url` or CREDIT_API_URL when either is set, in process
    otherwise."""
    url = (url or os.environ.get(API_URL_VARIABLE, "")).strip()
    return CreditModel.load(model_dir, data_dir, scorer=ApiScorer(url) if url else None)


class ScoringServiceError(InputError):
    """The scoring API could not answer: shown to the officer like any input problem, nothing typed is lost."""

    def __init__(self, key: str, **params):
        super().__init__(None, key, **params)


class ApiScorer:
    """A `scorer.Scorer` that asks the served model: the rows go as `RowBuilder.records` writes them, the API
    routes a prospect to the application model itself."""

    # The served model takes application rows only: a change of the client's history could not be verified by it,
    # so "what would change the answer" keeps to the loan's terms here.
    history_levers = False

    def __init__(self, url: str):
        self.url = url.strip().rstrip("/")

    def explain(self, rows: RowBuilder, applicants: list, features: np.ndarray) -> list[Scored]:
        return [_scored(answer) for answer in self._post(rows.records(applicants), explain=True)]

    def probabilities(self, rows: RowBuilder, applicants: list) -> np.ndarray:
        answers = self._post(rows.records(applicants), reasons=False)
        return np.array([a["probability"] for a in answers], dtype=float)

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


def _scored(answer: dict) -> Scored:
    """One answer of the API: its probability, threshold, explanation and decision, not recomputed."""
    contributions = json.loads(answer["contributions"])
    base_value = float(contributions.pop("base_value"))
    reasons = [Reason(r["input"], r["contribution"], None, {"fr": r["text_fr"], "en": r["text_en"]},
                      missing=bool(r.get("missing", False)))
               for r in json.loads(answer["reasons"])]
    return Scored(float(answer["probability"]), float(answer["threshold"]), base_value, contributions, reasons,
                  answer.get("model") or "client", favourable=answer["decision"] == "favourable")
