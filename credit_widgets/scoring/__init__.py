"""The scoring service `CreditModel` (`service`): rows read and built (`rows`), scored by the boosters (`scorer`) or
the API (`remote`).

The map of rooms and which way imports run: docs/architecture.md."""
from .._public import lazy

_HOMES = {
    "CreditModel": "service",
    "RowBuilder": "rows",
    "BoosterScorer": "scorer",
    "Scored": "scorer",
    "Scorer": "scorer",
    "ApiScorer": "remote",
    "load_model": "remote",
}
__all__ = sorted(_HOMES)
__getattr__ = lazy(__name__, _HOMES)
