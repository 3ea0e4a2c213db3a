"""The MLflow face of the model: a thin pyfunc whose `predict` calls the decision core (`CreditModel`).

A row is either a known client (only `SK_ID_CURR`; every other column missing, null or NaN) or a prospect (any
subset of the application columns; a given `SK_ID_CURR` is kept in the answer but not used). The answer has, per
row, the default probability, the decision, the threshold and the reasons (JSON); with the parameter
`{"explain": true}` also the contributions grouped by input (JSON, log-odds, with "base_value").

Bad input raises an `MlflowException` with INVALID_PARAMETER_VALUE (HTTP 400 from `mlflow models serve`) whose
message names the row and the field. Only this module imports MLflow; the core never does.
"""
from __future__ import annotations

import json
import math
import os
import threading
from pathlib import Path

import pandas as pd
import mlflow.pyfunc
from mlflow.exceptions import MlflowException
from mlflow.models.signature import ModelSignature
from mlflow.protos.databricks_pb2 import INVALID_PARAMETER_VALUE
from mlflow.types.schema import ColSpec, ParamSchema, ParamSpec, Schema

from .schema import TABLES

APPLICATION_COLUMNS = tuple(TABLES["application_test"].columns)
# One request is scored row by row (reasons and SHAP for each): past this many rows, use credit_widgets.score.
MAX_ROWS = int(os.environ.get("CREDIT_API_MAX_ROWS", "1000"))
OUTPUT_COLUMNS = ["SK_ID_CURR", "probability", "decision", "threshold", "reasons"]


def _bad(message: str) -> MlflowException:
    return MlflowException(message, error_code=INVALID_PARAMETER_VALUE)


def _missing(value) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _plain(value):
    """numpy scalars to Python ones (the validator checks Python types)."""
    return value.item() if hasattr(value, "item") and not isinstance(value, (str, bytes)) else value


def _truthy(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value)


class CreditPyfunc(mlflow.pyfunc.PythonModel):
    def load_context(self, context):
        from .data import default_data_dir
        from .model import CreditModel

        folder = Path(context.artifacts["meta"]).resolve().parent
        model_dir = folder.parent if folder.name == "artifacts" else folder   # where `make app` caches the base
        self.model = CreditModel.load(model_dir, default_data_dir())
        self._lock = threading.Lock()   # the server scores in worker threads; the core is not made thread-safe

    def predict(self, context, model_input, params=None) -> pd.DataFrame:
        from .validate import InputError

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
                       "score whole files with python -m credit_widgets.score).")
        explain = _truthy((params or {}).get("explain", False))
        rows = []
        for i, record in enumerate(frame.to_dict(orient="records")):
            given = {k: _plain(v) for k, v in record.items() if not _missing(v)}
            client_id = given.pop("SK_ID_CURR", None)
            if isinstance(client_id, float) and client_id.is_integer():
                client_id = int(client_id)   # a column with nulls arrives as floats
            try:
                if not given and client_id is None:
                    raise _bad(f"Row {i}: empty (give SK_ID_CURR for a known client, or application columns "
                               "for a prospect).")
                with self._lock:
                    decision = (self.model.score_client(client_id) if not given
                                else self.model.score_prospect(given))
            except InputError as error:
                field = error.field or "row"
                raise _bad(f"Row {i}, field {field}: {error.message('en')}") from None
            rows.append(self._answer(decision, client_id, explain))
        columns = OUTPUT_COLUMNS + (["contributions"] if explain else [])
        out = pd.DataFrame(rows, columns=columns)
        # ids stay integers (JSON 100002, not 100002.0) even beside prospects without one
        out["SK_ID_CURR"] = pd.Series([row["SK_ID_CURR"] for row in rows], dtype=object)
        return out

    @staticmethod
    def _answer(decision, client_id, explain: bool) -> dict:
        reasons = [{"input": r.input, "direction": r.direction, "contribution": float(r.contribution),
                    "text_fr": r.text("fr"), "text_en": r.text("en")} for r in decision.reasons]
        answer = {"SK_ID_CURR": client_id, "probability": float(decision.probability),
                  "decision": "favourable" if decision.favourable else "unfavourable",
                  "threshold": float(decision.threshold), "reasons": json.dumps(reasons, ensure_ascii=False)}
        if explain:
            contributions = {k: float(v) for k, v in decision.contributions.items()}
            contributions["base_value"] = float(decision.base_value)
            answer["contributions"] = json.dumps(contributions)
        return answer


def signature() -> ModelSignature:
    """Outputs and the `explain` parameter. No input schema on purpose: MLflow (3.17) silently drops columns the
    schema does not know and answers its own type errors, so the rows go unchanged to `predict`, which names the
    wrong field (unknown column, text in a number, value out of range) in a 400. Every application column is
    accepted and each is optional (`APPLICATION_COLUMNS`; the input example shows a prospect)."""
    outputs = [ColSpec("long", "SK_ID_CURR", required=False), ColSpec("double", "probability"),
               ColSpec("string", "decision"), ColSpec("double", "threshold"), ColSpec("string", "reasons"),
               ColSpec("string", "contributions", required=False)]
    return ModelSignature(inputs=None, outputs=Schema(outputs),
                          params=ParamSchema([ParamSpec("explain", "boolean", False)]))
