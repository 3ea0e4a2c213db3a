"""The MLflow face of the model: a thin pyfunc whose `predict` calls the package.

Rows are application rows (any subset of the application columns, SK_ID_CURR included); the answer has, per row,
the default probability, the decision and the threshold.
"""
from __future__ import annotations

import pandas as pd
import mlflow.pyfunc
from mlflow.models.signature import ModelSignature
from mlflow.types.schema import ColSpec, Schema

from .model import ScoringModel
from .schema import TABLES

_TYPES = {"id": "long", "int": "double", "float": "double", "category": "string"}


class CreditPyfunc(mlflow.pyfunc.PythonModel):
    def load_context(self, context):
        from pathlib import Path

        self.model = ScoringModel.load(Path(context.artifacts["meta"]).parent)

    def predict(self, context, model_input: pd.DataFrame, params=None) -> pd.DataFrame:
        frame = pd.DataFrame(model_input).reset_index(drop=True)
        if "SK_ID_CURR" not in frame.columns:
            frame["SK_ID_CURR"] = range(len(frame))
        scored = self.model.score_tables({"application_test": frame})
        scored["threshold"] = self.model.threshold
        return scored[["SK_ID_CURR", "probability", "decision", "threshold"]]


def signature() -> ModelSignature:
    """Every application column, each optional: a prospect gives only what it knows."""
    columns = [ColSpec(_TYPES[kind], name, required=False)
               for name, kind in TABLES["application_test"].columns.items()]
    outputs = [ColSpec("long", "SK_ID_CURR"), ColSpec("double", "probability"), ColSpec("string", "decision"),
               ColSpec("double", "threshold")]
    return ModelSignature(inputs=Schema(columns), outputs=Schema(outputs))
