"""credit-widgets: the credit-scoring core of Prêt à dépenser.

    from credit_widgets import CreditModel, InputError
    model = CreditModel.load()
    decision = model.score_client(100002)

Importing the package is cheap and imports neither MLflow nor ipywidgets; heavy work starts with `CreditModel.load()`.
"""
from .data.tables import DataError, load_tables
from .decision.rules import Decision
from .decision.validate import InputError
from .model.artifacts import ScoringModel
from .scoring.service import CreditModel, Suggestion

__all__ = ["CreditModel", "Decision", "Suggestion", "InputError", "DataError", "ScoringModel", "load_tables"]
