"""The data scientist's experiments (`experiments`), the validation pack (`validation`), fairness (`fairness`), drift
(`drift`).

The map of rooms and which way imports run: docs/architecture.md."""
from .._public import lazy

_HOMES = {
    "compare_models": "experiments",
    "out_of_fold": "experiments",
    "sample_tables": "experiments",
    "split_clients": "experiments",
    "metric_intervals": "validation",
    "paired_difference": "validation",
    "gains_table": "validation",
    "reliability_table": "validation",
    "fairness_checks": "fairness",
    "verdict": "fairness",
    "psi": "drift",
    "drift_table": "drift",
}
__all__ = sorted(_HOMES)
__getattr__ = lazy(__name__, _HOMES)
