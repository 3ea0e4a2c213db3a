"""The audit log as a table (`journal`), the model-risk view's figures (`review`) and sentences (`text`), the shadow
challenger (`shadow`), the demo month (`activity`).

The map of rooms and which way imports run: docs/architecture.md."""
from .._public import lazy

_HOMES = {
    "Review": "review",
    "read_log": "journal",
    "read_outcomes": "journal",
    "reference": "journal",
    "Shadow": "shadow",
}
__all__ = sorted(_HOMES)
__getattr__ = lazy(__name__, _HOMES)
