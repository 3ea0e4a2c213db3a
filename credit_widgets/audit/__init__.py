"""The decision and outcome records every door writes: the embedded SQLite log (`log`) and the PostgreSQL log that
several page servers share (`postgres`), both hash-chained and append-only.

The map of rooms and which way imports run: docs/architecture.md."""
from __future__ import annotations

from .._public import lazy

_HOMES = {
    "AuditLog": "log",
    "AuditError": "log",
    "audit_url": "log",
    "default_log_path": "log",
    "prospect_key": "log",
    "ACTIONS": "log",
}
__all__ = sorted(_HOMES) + ["open_log"]
__getattr__ = lazy(__name__, _HOMES)


def open_log(timeout: float = 10.0):
    """The log this server writes to: the shared PostgreSQL database when CREDIT_AUDIT_URL is set, else the SQLite
    file CREDIT_AUDIT_LOG names (audit/decisions.sqlite by default). Nothing is created before the first record."""
    from .log import AuditLog, audit_url

    if not audit_url():
        return AuditLog(timeout=timeout)
    try:
        from .postgres import PgAuditLog  # psycopg is only needed by servers that share a database
    except ImportError as exc:
        raise RuntimeError("CREDIT_AUDIT_URL names a PostgreSQL database, which needs psycopg: "
                           "pip install -e '.[postgres]'") from exc
    return PgAuditLog(timeout=timeout)
