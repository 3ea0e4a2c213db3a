"""What a decision is and the rules it obeys with no model behind them (`rules`), what a person typed checked
(`validate`), one applicant of a batch (`applicant`).

The map of rooms and which way imports run: docs/architecture.md."""
from .._public import lazy

_HOMES = {
    "Decision": "rules",
    "favourable": "rules",
    "borderline": "rules",
    "decide": "rules",
    "deciding_model": "rules",
    "BORDERLINE_BAND": "rules",
    "InputError": "validate",
    "validate_prospect": "validate",
    "Applicant": "applicant",
}
__all__ = sorted(_HOMES)
__getattr__ = lazy(__name__, _HOMES)
