"""Append-only log of every credit decision shown to a loan officer, and of what the officer did with it.

A bank must be able to show later what was decided, on which inputs and with which model: SQLite in WAL mode with
synchronous=FULL (an acknowledged decision is on disk), triggers refusing UPDATE and DELETE, and a sha256 chain per
table so an edit made behind the triggers' back shows in `verify()`. Failures raise AuditError, never pass silently:
a decision that could not be logged must not be shown as if it had been.
"""
from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import math
import os
import random
import sqlite3
import threading
import time
import uuid
from pathlib import Path

GENESIS = "0" * 64  # prev_hash of the first row of each table
SCHEMA_VERSION = 2   # 2: indexes to find a decision shown again (`find_decision`)
DECISION_COLS = ("id", "time", "client_id", "prospect_key", "inputs", "model_version", "artifact_hash",
                 "probability", "threshold", "decision", "reasons", "officer", "lang")
OUTCOME_COLS = ("decision_id", "time", "action", "reason", "officer")
ACTIONS = ("follows", "overrides")

_SCHEMA = [
    """CREATE TABLE IF NOT EXISTS decisions (id TEXT PRIMARY KEY, time TEXT NOT NULL, client_id INTEGER,
       prospect_key TEXT, inputs TEXT NOT NULL, model_version TEXT NOT NULL, artifact_hash TEXT NOT NULL,
       probability REAL NOT NULL, threshold REAL NOT NULL, decision TEXT NOT NULL, reasons TEXT NOT NULL,
       officer TEXT, lang TEXT NOT NULL, prev_hash TEXT NOT NULL, row_hash TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS outcomes (decision_id TEXT NOT NULL REFERENCES decisions(id), time TEXT NOT NULL,
       action TEXT NOT NULL, reason TEXT NOT NULL, officer TEXT, prev_hash TEXT NOT NULL, row_hash TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS outcomes_decision ON outcomes(decision_id)",
    "CREATE INDEX IF NOT EXISTS decisions_client ON decisions(client_id)",
    "CREATE INDEX IF NOT EXISTS decisions_prospect ON decisions(prospect_key)",
] + [f"""CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON {table}
         BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: {op} on {table} refused'); END"""
     for table in ("decisions", "outcomes") for op in ("UPDATE", "DELETE")]

# Primary SQLite result codes (exc.sqlite_errorcode & 0xFF); the message is the fallback for errors without one.
_CODES = {13: "disk_full", 5: "locked", 6: "locked", 8: "unwritable", 10: "unwritable", 14: "unwritable",
          11: "corrupt", 26: "corrupt"}
_MESSAGES = [("disk is full", "disk_full"), ("is locked", "locked"), ("readonly", "unwritable"),
             ("unable to open", "unwritable"), ("not a database", "corrupt"), ("malformed", "corrupt")]
_SENTENCES = {
    "disk_full": "The audit log {path} could not be written because the disk is full ({detail}).",
    "unreachable": "The audit database {path} cannot be reached: is the server running and reachable? ({detail})",
    "refused": "The audit database {path} refused the connection: check the role and its password ({detail}).",
    "no_schema": "The audit database {path} has no audit tables or does not let this role write them: an "
                 "administrator creates them with `python -m credit_widgets.audit.postgres setup` ({detail}).",
    "locked": "The audit log {path} stayed locked by another process for longer than the timeout ({detail}).",
    "unwritable": "The audit log {path} cannot be created or written at this location ({detail}).",
    "corrupt": "The file {path} is not a readable audit log: it is not a valid SQLite database ({detail}).",
}


class AuditError(RuntimeError):
    """The audit log could not be written or read; `.reason` is disk_full, locked, unwritable or corrupt, and on
    PostgreSQL also unreachable, refused or no_schema. `.path` is the file, or the database URL without password."""

    def __init__(self, reason: str, path: Path | str, detail: str = ""):
        self.reason, self.detail = reason, detail
        self.path = path if isinstance(path, str) and "://" in path else Path(path)
        super().__init__(_SENTENCES[reason].format(path=path, detail=detail or reason))


def _reason(exc: BaseException) -> str | None:
    if isinstance(exc, OSError):
        return "disk_full" if exc.errno in (errno.ENOSPC, errno.EDQUOT) else "unwritable"
    if not isinstance(exc, (sqlite3.OperationalError, sqlite3.DatabaseError)) or isinstance(
            exc, (sqlite3.IntegrityError, sqlite3.ProgrammingError)):
        return None  # a bug of ours or of the caller: let it through unchanged
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None and (code & 0xFF) in _CODES:
        return _CODES[code & 0xFF]
    text = str(exc).lower()
    return next((reason for needle, reason in _MESSAGES if needle in text), None)


def audit_url() -> str | None:
    """CREDIT_AUDIT_URL=postgresql://... puts every server's records in one PostgreSQL database (audit/postgres.py)."""
    return os.environ.get("CREDIT_AUDIT_URL") or None


def default_log_path() -> Path:
    env = os.environ.get("CREDIT_AUDIT_LOG")
    return Path(env).expanduser() if env else Path(__file__).resolve().parents[2] / "audit" / "decisions.sqlite"


def _jsonable(obj):
    """Plain JSON types; NaN/inf become "nan"/"inf"/"-inf" so the stored text stays strict JSON and keeps them apart."""
    if obj is None or isinstance(obj, bool):
        return obj
    if isinstance(obj, str):  # also numpy str_
        return str(obj)
    if isinstance(obj, float):  # numpy float64 is a float subclass
        return float(obj) if math.isfinite(obj) else repr(float(obj))
    if isinstance(obj, int):
        return int(obj)
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset)):
        items = [_jsonable(v) for v in obj]
        return sorted(items, key=canonical) if isinstance(obj, (set, frozenset)) else items
    if hasattr(obj, "tolist"):  # numpy scalars and arrays, pandas Series, without importing either
        return _jsonable(obj.tolist())
    if isinstance(obj, (dt.date, dt.time)):
        return obj.isoformat()
    return str(obj)  # pd.NA, Decimal, ...: a readable trace beats a crash in front of the officer


def canonical(obj) -> str:
    # json writes floats with float.__repr__, the shortest text that round-trips, so equal inputs hash equally.
    return json.dumps(_jsonable(obj), sort_keys=True, separators=(",", ":"), allow_nan=False)


def prospect_key(inputs: dict) -> str:
    return hashlib.sha256(canonical(inputs).encode()).hexdigest()


def row_hash(prev_hash: str, cols: tuple[str, ...], values) -> str:
    return hashlib.sha256((prev_hash + canonical(dict(zip(cols, values)))).encode()).hexdigest()


def _append(conn: sqlite3.Connection, table: str, cols: tuple[str, ...], values: tuple) -> None:
    """Chain onto the table's last row; the caller holds the write lock, so no other writer can chain there too."""
    prev = conn.execute(f"SELECT row_hash FROM {table} ORDER BY rowid DESC LIMIT 1").fetchone()
    prev = prev[0] if prev else GENESIS
    marks = ", ".join("?" * (len(cols) + 2))
    conn.execute(f"INSERT INTO {table} ({', '.join(cols)}, prev_hash, row_hash) VALUES ({marks})",
                 (*values, prev, row_hash(prev, cols, values)))


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


class Connections:
    """One connection per thread and per process, opened by `opener` on first use; both backends keep theirs here.

    A page server answers officers from several threads, and SQLite and psycopg connections must not be shared
    between threads mid-transaction. A connection inherited through fork is never used by the child (two processes
    on one connection corrupt it) nor closed by it (that would end the parent's session): it is kept in _ORPHANS."""

    def __init__(self, opener, usable=lambda conn: True):
        self._opener, self._usable = opener, usable
        self._local = threading.local()

    def get(self):
        conn, pid = getattr(self._local, "conn", None), getattr(self._local, "pid", None)
        if conn is not None and pid == os.getpid() and self._usable(conn):
            return conn
        if conn is not None and pid != os.getpid():
            _ORPHANS.append(conn)
        self._local.conn = None
        conn = self._opener()
        self._local.conn, self._local.pid = conn, os.getpid()
        return conn

    def drop(self, conn) -> None:
        """After a storage failure: close this thread's connection; the next call opens (and re-checks) a new one."""
        self._local.conn = None
        conn.close()

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None and getattr(self._local, "pid", None) == os.getpid():
            conn.close()
        self._local.conn = None


class AuditLog:
    """The embedded SQLite log (`open_log()` gives the shared PostgreSQL log instead when CREDIT_AUDIT_URL is set)."""

    def __init__(self, path: str | Path | None = None, timeout: float = 10.0):
        # Absolute, so error messages still point at the file when the page's working folder is unknown.
        self.path = Path(os.path.abspath(Path(path).expanduser() if path is not None else default_log_path()))
        self.timeout = float(timeout)
        self._connections = Connections(self._open)

    def __reduce__(self):  # threading.local does not pickle; a spawned process opens its own connection anyway
        return AuditLog, (self.path, self.timeout)

    def _conn(self) -> sqlite3.Connection:
        return self._connections.get()

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            # Switching a new file to WAL upgrades a shared lock, and SQLite answers BUSY at once instead of waiting
            # when several processes create the log together: wait here, up to the same timeout.
            deadline = time.monotonic() + self.timeout
            while True:
                try:
                    conn.execute("PRAGMA journal_mode = WAL")
                    break
                except sqlite3.OperationalError as exc:
                    if _reason(exc) != "locked" or time.monotonic() > deadline:
                        raise
                    time.sleep(random.uniform(0.005, 0.05))
            if conn.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
                conn.execute("BEGIN IMMEDIATE")  # IMMEDIATE waits on the busy timeout; creation is idempotent
                for statement in _SCHEMA:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                conn.execute("COMMIT")
        except BaseException:
            conn.close()
            raise
        return conn

    def _run(self, work, write: bool):
        """One short transaction; any storage failure becomes an AuditError and drops the connection."""
        conn = None
        try:
            conn = self._conn()
            conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            result = work(conn)
            conn.execute("COMMIT")
            return result
        except BaseException as exc:
            reason = _reason(exc)
            if conn is not None and reason is None and conn.in_transaction:
                conn.execute("ROLLBACK")  # e.g. KeyError: the connection itself is fine
            elif conn is not None and reason is not None:
                self._connections.drop(conn)  # a storage failure: reopen (and re-check the file) on the next call
            if reason is None:
                raise
            raise AuditError(reason, self.path, str(exc)) from exc

    def close(self) -> None:
        """Close the calling thread's connection (others close with their threads)."""
        self._connections.close()

    # The two steps a backend writes differently (postgres.PgAuditLog overrides them, and _run, decisions, verify).
    @staticmethod
    def _append(conn, table: str, cols: tuple[str, ...], values: tuple) -> None:
        _append(conn, table, cols, values)

    @staticmethod
    def _has_decision(conn, decision_id: str) -> bool:
        return conn.execute("SELECT 1 FROM decisions WHERE id = ?", (decision_id,)).fetchone() is not None

    def record_decision(self, *, client_id: int | None, inputs: dict, model_version: str, artifact_hash: str,
                        probability: float, threshold: float, decision: str, reasons: list[str],
                        officer: str | None = None, lang: str = "fr") -> str:
        probability, threshold = float(probability), float(threshold)
        if not (math.isfinite(probability) and math.isfinite(threshold)):
            raise ValueError(f"probability and threshold must be finite numbers, got {probability}, {threshold}")
        if not decision:
            raise ValueError("decision must be a non-empty string")
        decision_id = uuid.uuid4().hex
        fixed = (None if client_id is None else int(client_id), None if client_id is not None else prospect_key(inputs),
                 canonical(inputs), str(model_version), str(artifact_hash), probability, threshold, str(decision),
                 canonical([str(r) for r in reasons]), None if officer is None else str(officer), str(lang))

        # The time is taken under the write lock, so time order is chain order.
        self._run(lambda conn: self._append(conn, "decisions", DECISION_COLS, (decision_id, _now(), *fixed)),
                  write=True)
        return decision_id

    # the two dialects' parameter mark and chain order (PgAuditLog sets its own)
    _MARK, _ORDER = "?", "rowid"

    def find_decision(self, *, client_id: int | None, inputs: dict, model_version: str,
                      artifact_hash: str) -> str | None:
        """The id of the latest record of the same decision (the same applicant, inputs and model), or None: a
        decision shown again is not logged again, and every page on it shares its outcome."""
        mark = self._MARK
        who, value = (("client_id", int(client_id)) if client_id is not None else
                      ("prospect_key", prospect_key(inputs)))
        query = (f"SELECT id FROM decisions WHERE {who} = {mark} AND model_version = {mark} AND artifact_hash = "
                 f"{mark} AND inputs = {mark} ORDER BY {self._ORDER} DESC LIMIT 1")
        values = (value, str(model_version), str(artifact_hash), canonical(inputs))
        row = self._run(lambda conn: conn.execute(query, values).fetchone(), write=False)
        return None if row is None else row[0]

    def outcomes_of(self, decision_id: str) -> list[dict]:
        """The outcomes recorded for one decision, oldest first (the last one stands)."""
        query = (f"SELECT time, action, reason, officer FROM outcomes WHERE decision_id = {self._MARK} "
                 f"ORDER BY {self._ORDER}")
        rows = self._run(lambda conn: conn.execute(query, (str(decision_id),)).fetchall(), write=False)
        return [dict(zip(("time", "action", "reason", "officer"), row)) for row in rows]

    def record_outcome(self, decision_id: str, *, action: str, reason: str = "", officer: str | None = None) -> None:
        if action not in ACTIONS:
            raise ValueError(f"action must be one of {ACTIONS}, got {action!r}")
        reason = (reason or "").strip()
        if action == "overrides" and not reason:
            raise ValueError("overriding the model's decision requires a reason")

        def insert(conn):
            if not self._has_decision(conn, str(decision_id)):
                raise KeyError(decision_id)
            self._append(conn, "outcomes", OUTCOME_COLS,
                    (str(decision_id), _now(), action, reason, None if officer is None else str(officer)))

        self._run(insert, write=True)

    def decisions(self, limit: int | None = None) -> list[dict]:
        """The `limit` most recent decisions (all when None), oldest first, each with its `outcomes` list."""

        def read(conn):
            cur = conn.cursor()
            cur.row_factory = sqlite3.Row
            rows = cur.execute("SELECT * FROM (SELECT rowid AS seq, * FROM decisions ORDER BY rowid DESC "
                               "LIMIT ?) ORDER BY seq", (-1 if limit is None else int(limit),)).fetchall()
            first = rows[0]["seq"] if rows else 0
            outcomes = cur.execute("SELECT * FROM outcomes WHERE decision_id IN (SELECT id FROM decisions "
                                   "WHERE rowid >= ?) ORDER BY rowid", (first,)).fetchall()
            by_id = {}
            for row in outcomes:
                by_id.setdefault(row["decision_id"], []).append(dict(row))
            return [{**{k: row[k] for k in row.keys() if k != "seq"}, "inputs": json.loads(row["inputs"]),
                     "reasons": json.loads(row["reasons"]), "outcomes": by_id.get(row["id"], [])} for row in rows]

        return self._run(read, write=False)

    def verify(self) -> bool:
        """Recompute both hash chains; False if any row was edited, inserted out of chain or removed mid-chain."""

        def check(conn):
            for table, cols in (("decisions", DECISION_COLS), ("outcomes", OUTCOME_COLS)):
                prev = GENESIS
                for row in conn.execute(f"SELECT {', '.join(cols)}, prev_hash, row_hash FROM {table} ORDER BY rowid"):
                    values, stored_prev, stored_hash = row[:-2], row[-2], row[-1]
                    if stored_prev != prev or row_hash(prev, cols, values) != stored_hash:
                        return False
                    prev = stored_hash
            return True

        return self._run(check, write=False)


_ORPHANS: list = []  # connections inherited through fork (either backend), kept alive so they are never closed
