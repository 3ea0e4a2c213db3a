"""What is handed over: the customer's letter (`letter`), the officer's summary (`summary`), the reason codes
(`reason_codes`).

The map of rooms and which way imports run: docs/architecture.md."""
from .._public import lazy

_HOMES = {
    "letter_html": "letter",
    "summary_html": "summary",
    "ReasonCode": "reason_codes",
    "letter_reasons": "reason_codes",
}
__all__ = sorted(_HOMES)
__getattr__ = lazy(__name__, _HOMES)
