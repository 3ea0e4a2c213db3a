"""The MLflow face of the model: a thin pyfunc whose `predict` calls the decision core (`CreditModel`).

A row is a known client (only `SK_ID_CURR`; every other column missing, null or NaN), a known client with some
application inputs changed (`SK_ID_CURR` and those columns: the rest of the file and the credit history are the
client's own, as on the page), or a prospect (any subset of the application columns, without an id or with one no
client has, echoed back). The answer has, per row, the default probability, the decision, the threshold and the
reasons (JSON); with the parameter `{"explain": true}` also the contributions grouped by input (JSON, log-odds, with
"base_value"); with `{"reasons": false}` only the probability, decision and threshold, computed as one batch (the
fast path for batch jobs). A known client is decided by the client model (whole row and history), a prospect by the
application model (only what the prospect form asks); `model` says which, `threshold` is that model's.

Bad input raises an `MlflowException` with INVALID_PARAMETER_VALUE (HTTP 400 from `mlflow models serve`) whose
message names the row and the field. Only this module imports MLflow; the core never does.
"""
from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import mlflow.pyfunc
import pandas as pd
from mlflow.exceptions import MlflowException
from mlflow.models.signature import ModelSignature
from mlflow.protos.databricks_pb2 import BAD_REQUEST, INVALID_PARAMETER_VALUE
from mlflow.types.schema import ColSpec, ParamSchema, ParamSpec, Schema

from ..data.schema import APPLICATION_COLUMNS
from ..decision.rules import decide

# One request is scored row by row (reasons and SHAP for each): past this many rows, use credit_widgets.lifecycle.batch.
MAX_ROWS = int(os.environ.get("CREDIT_API_MAX_ROWS", "1000"))
OUTPUT_COLUMNS = ["SK_ID_CURR", "probability", "decision", "threshold", "reasons", "model"]


def _bad(message: str) -> MlflowException:
    return MlflowException(message, error_code=INVALID_PARAMETER_VALUE)


def _plain_id(value):
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _truthy(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value)


def guard_scoring_server() -> None:
    """Make MLflow's scoring server answer 4xx to every malformed request, as it does for most.

    Its FastAPI route hands the body to `scoring_server.invocations`, which parses JSON with `json.loads` and lets
    RecursionError through (a body of 100,000 `[`: HTTP 500), and splits the Content-Type header without checking
    that there is one (AttributeError: 500). The route looks `invocations` up at each request, so wrapping it here,
    when the server loads the model, covers every request. Idempotent."""
    from mlflow.pyfunc import scoring_server

    original = scoring_server.invocations
    if getattr(original, "credit_guard", False):
        return

    def invocations(data, content_type, model, input_schema):
        if not content_type:
            return scoring_server.InvocationsResponse(
                response=f"A Content-Type header is required; this server takes {scoring_server.CONTENT_TYPES}.",
                status=415, mimetype="text/plain")
        try:
            return original(data, content_type, model, input_schema)
        except RecursionError:
            raise MlflowException("Ensure that input is a valid JSON formatted string: it is nested too deeply.",
                                  error_code=BAD_REQUEST) from None

    invocations.credit_guard = True
    scoring_server.invocations = invocations


class CreditPyfunc(mlflow.pyfunc.PythonModel):
    def load_context(self, context):
        from ..data.tables import default_data_dir
        from ..scoring.service import CreditModel

        guard_scoring_server()  # load_context runs in the serving process, before its first request

        folder = Path(context.artifacts["meta"]).resolve().parent
        model_dir = folder.parent if folder.name == "artifacts" else folder   # where `make app` caches the base
        self.model = CreditModel.load(model_dir, default_data_dir())
        self._lock = threading.Lock()   # the server scores in worker threads; the core is not made thread-safe

    def predict(self, context, model_input, params=None) -> pd.DataFrame:
        from ..decision.validate import InputError

        frame = model_input if isinstance(model_input, pd.DataFrame) else pd.DataFrame(model_input)
        frame = frame.reset_index(drop=True)
        unknown = [str(c) for c in frame.columns if c not in APPLICATION_COLUMNS]
        if unknown:
            raise _bad(f"Unknown column(s) {unknown}: not a field of the credit application "
                       "(give SK_ID_CURR for a known client, or application columns for a prospect).")
        if len(frame) == 0:
            raise _bad("No rows to score.")
        if len(frame) > MAX_ROWS:
            raise _bad(f"Too many rows: {len(frame)} (at most {MAX_ROWS} per request; "
                       "score whole files with python -m credit_widgets.lifecycle.batch).")
        params = params or {}
        explain = _truthy(params.get("explain", False))
        with_reasons = _truthy(params.get("reasons", True)) or explain
        try:
            with self._lock:
                applicants = self.model.read_rows(frame.to_dict(orient="records"))
                if with_reasons:
                    decisions = self.model.decide_all(applicants)
                else:
                    probabilities = self.model.probabilities(applicants)
                    thresholds = self.model.thresholds_of(applicants)
                    models = self.model.models_of(applicants)
        except InputError as error:
            row = getattr(error, "row", None)
            where = "Input" if row is None else f"Row {row}"
            if row is not None and "SK_ID_CURR" in frame and not pd.isna(frame["SK_ID_CURR"].iloc[row]):
                where += f" (SK_ID_CURR {_plain_id(frame['SK_ID_CURR'].iloc[row])})"   # rows of a big job
            field = f", field {error.field}" if error.field else ""
            raise _bad(f"{where}{field}: {error.message('en')}") from None
        ids = [a.client_id for a in applicants]
        if with_reasons:
            rows = [self._answer(d, i, explain) for d, i in zip(decisions, ids)]
            out = pd.DataFrame(rows, columns=OUTPUT_COLUMNS + (["contributions"] if explain else []))
        else:
            out = pd.DataFrame({"SK_ID_CURR": None, "probability": probabilities.astype(float),
                                "decision": decide(probabilities, thresholds),
                                "threshold": thresholds.astype(float), "model": models})
        # ids stay integers (JSON 100002, not 100002.0) even beside prospects without one
        out["SK_ID_CURR"] = pd.Series(ids, dtype=object)
        return out

    @staticmethod
    def _answer(decision, client_id, explain: bool) -> dict:
        reasons = [{"input": r.input, "direction": r.direction, "contribution": float(r.contribution),
                    "text_fr": r.text("fr"), "text_en": r.text("en"), "missing": r.missing} for r in decision.reasons]
        answer = {"SK_ID_CURR": client_id, "probability": float(decision.probability),
                  "decision": "favourable" if decision.favourable else "unfavourable",
                  "threshold": float(decision.threshold), "reasons": json.dumps(reasons, ensure_ascii=False),
                  "model": decision.model}
        if explain:
            contributions = {k: float(v) for k, v in decision.contributions.items()}
            contributions["base_value"] = float(decision.base_value)
            answer["contributions"] = json.dumps(contributions)
        return answer


def signature() -> ModelSignature:
    """Outputs and the `explain` and `reasons` parameters. No input schema on purpose: MLflow (3.17) silently drops
    columns the schema does not know and answers its own type errors, so the rows go unchanged to `predict`, which
    names the wrong field (unknown column, text in a number, value out of range) in a 400. Every application column is
    accepted and each is optional (`APPLICATION_COLUMNS`; the input example shows a prospect)."""
    outputs = [ColSpec("long", "SK_ID_CURR", required=False), ColSpec("double", "probability"),
               ColSpec("string", "decision"), ColSpec("double", "threshold"),
               ColSpec("string", "reasons", required=False),
               ColSpec("string", "contributions", required=False), ColSpec("string", "model", required=False)]
    return ModelSignature(inputs=None, outputs=Schema(outputs),
                          params=ParamSchema([ParamSpec("explain", "boolean", False),
                                              ParamSpec("reasons", "boolean", True)]))
