"""One feature pipeline (`builder`), per-client history summaries (`history`), features summed back to inputs
(`grouping`).

The map of rooms and which way imports run: docs/architecture.md."""
from .._public import lazy

_HOMES = {
    "FeatureBuilder": "builder",
    "application_ratios": "builder",
    "history_features": "history",
    "safe_ratio": "history",
    "Grouping": "grouping",
}
__all__ = sorted(_HOMES)
__getattr__ = lazy(__name__, _HOMES)
