"""Reasons in words (`reasons`), the client base and where an applicant stands (`population`), what would change the
answer (`recourse`, `levers`).

The map of rooms and which way imports run: docs/architecture.md."""
from .._public import lazy

_HOMES = {
    "Reason": "reasons",
    "reasons": "reasons",
    "input_label": "reasons",
    "input_text": "reasons",
    "Population": "population",
    "Suggestion": "recourse",
    "suggest": "recourse",
}
__all__ = sorted(_HOMES)
__getattr__ = lazy(__name__, _HOMES)
