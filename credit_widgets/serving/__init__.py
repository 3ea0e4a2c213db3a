"""Who the officer is (`officer`), the capped kernel manager Voilà uses (`kernels`).

The map of rooms and which way imports run: docs/architecture.md."""
from .._public import lazy

_HOMES = {
    "current_officer": "officer",
    "officer_html": "officer",
    "CappedKernelManager": "kernels",
}
__all__ = sorted(_HOMES)
__getattr__ = lazy(__name__, _HOMES)
