"""The model's life outside the page: training tracked in MLflow (`train`), the registry (`governance`), the MLflow
pyfunc (`pyfunc`), batch scoring (`batch`), Spark (`spark`).

The map of rooms and which way imports run: docs/architecture.md."""
from .._public import lazy

_HOMES = {
    "register_candidate": "governance",
    "current_champion": "governance",
    "promote": "governance",
    "CreditPyfunc": "pyfunc",
    "score_folder": "batch",
    "write_artifacts": "train",
}
__all__ = sorted(_HOMES)
__getattr__ = lazy(__name__, _HOMES)
