"""credit-widgets: the credit-scoring core of Prêt à dépenser.

    from credit_widgets import CreditModel, InputError
    model = CreditModel.load()
    decision = model.score_client(100002)

Importing the package is cheap and imports neither MLflow nor ipywidgets; heavy work starts with `CreditModel.load()`.
"""
from .data import DataError, load_tables
from .model import CreditModel, Decision, ScoringModel, Suggestion
from .validate import InputError

__all__ = ["CreditModel", "Decision", "Suggestion", "InputError", "DataError", "ScoringModel", "load_tables"]
