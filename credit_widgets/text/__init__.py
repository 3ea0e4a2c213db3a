"""Language and number formats (`i18n`), the catalogue of every sentence a person reads (`catalogue`).

The map of rooms and which way imports run: docs/architecture.md."""
from .._public import lazy

_HOMES = {
    "t": "i18n",
    "number": "i18n",
    "amount": "i18n",
    "percent": "i18n",
    "parse_number": "i18n",
    "check_lang": "i18n",
    "AmbiguousNumber": "i18n",
    "TEXTS": "catalogue",
}
__all__ = sorted(_HOMES)
__getattr__ = lazy(__name__, _HOMES)
