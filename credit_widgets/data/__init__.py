"""What every Home Credit column means (`schema`), reading the tables (`tables`), the synthetic generator (`synth`).

The map of rooms and which way imports run: docs/architecture.md."""
from .._public import lazy

_HOMES = {
    "TABLES": "schema",
    "FIELDS": "schema",
    "Field": "schema",
    "label": "schema",
    "DataError": "tables",
    "load_tables": "tables",
    "read_table": "tables",
    "find_table": "tables",
    "default_data_dir": "tables",
    "normalise": "tables",
    "generate": "synth",
}
__all__ = sorted(_HOMES)
__getattr__ = lazy(__name__, _HOMES)
