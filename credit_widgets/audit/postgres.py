"""The audit log in one PostgreSQL database shared by several page servers (CREDIT_AUDIT_URL=postgresql://...).

Same records, same hash chains, same `verify()` and the same AuditError reasons as the embedded SQLite log
(audit.py). Several servers append concurrently, so each append takes a transaction-scoped advisory lock per table
before reading the chain's last hash: the lock is held until COMMIT, so no two writers ever chain onto the same row
and `seq` order is chain order. The application's role only has SELECT and INSERT (an administrator creates the
tables with `python -m credit_widgets.audit.postgres setup`), and triggers refuse UPDATE, DELETE and TRUNCATE even to
roles that were granted more.
"""
from __future__ import annotations

import argparse
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

from .log import DECISION_COLS, GENESIS, OUTCOME_COLS, AuditError, AuditLog, Connections, audit_url, row_hash

# pg_advisory_xact_lock keys, one per chain; any constant no other application of the database uses.
_LOCKS = {"decisions": 0x43570001, "outcomes": 0x43570002}

SCHEMA = """
CREATE TABLE IF NOT EXISTS decisions (seq bigserial PRIMARY KEY, id text NOT NULL UNIQUE, time text NOT NULL,
    client_id bigint, prospect_key text, inputs text NOT NULL, model_version text NOT NULL,
    artifact_hash text NOT NULL, probability double precision NOT NULL, threshold double precision NOT NULL,
    decision text NOT NULL, reasons text NOT NULL, officer text, lang text NOT NULL, prev_hash text NOT NULL,
    row_hash text NOT NULL);
CREATE TABLE IF NOT EXISTS outcomes (seq bigserial PRIMARY KEY, decision_id text NOT NULL REFERENCES decisions(id),
    time text NOT NULL, action text NOT NULL, reason text NOT NULL, officer text, prev_hash text NOT NULL,
    row_hash text NOT NULL);
CREATE INDEX IF NOT EXISTS outcomes_decision ON outcomes(decision_id);
CREATE INDEX IF NOT EXISTS decisions_client ON decisions(client_id);
CREATE INDEX IF NOT EXISTS decisions_prospect ON decisions(prospect_key);
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END $$;
DO $$ DECLARE t text; BEGIN
    FOREACH t IN ARRAY ARRAY['decisions', 'outcomes'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = t || '_append_only') THEN
            EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON %I FOR EACH ROW
                            EXECUTE FUNCTION audit_append_only()', t || '_append_only', t);
            EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT
                            EXECUTE FUNCTION audit_append_only()', t || '_no_truncate', t);
        END IF;
    END LOOP;
END $$;
REVOKE ALL ON decisions, outcomes FROM PUBLIC;
"""

# SQLSTATE classes and codes -> AuditError reason; the message is the fallback for libpq's connection errors,
# which carry no SQLSTATE.
_STATES = {"53100": "disk_full", "53000": "disk_full", "55P03": "locked", "57014": "locked", "28P01": "refused",
           "28000": "refused", "3D000": "refused", "42P01": "no_schema", "42501": "no_schema",
           "57P01": "unreachable", "57P02": "unreachable", "57P03": "unreachable"}
_MESSAGES = [("password authentication failed", "refused"), ("no pg_hba.conf entry", "refused"),
             ("does not exist", "refused"), ("no space left", "disk_full"), ("could not extend", "disk_full"),
             ("timeout", "unreachable"), ("connection refused", "unreachable"), ("could not connect", "unreachable"),
             ("server closed", "unreachable"), ("connection is lost", "unreachable"),
             ("connection failed", "unreachable"), ("the connection is closed", "unreachable"),
             ("could not translate host", "unreachable"), ("consuming input failed", "unreachable")]


def _reason(exc: BaseException) -> str | None:
    if isinstance(exc, OSError):
        return "unreachable"
    if not isinstance(exc, psycopg.Error):
        return None
    state = getattr(exc, "sqlstate", None)
    if state in _STATES:  # checked first: a missing table or grant is a ProgrammingError to psycopg
        return _STATES[state]
    if isinstance(exc, (psycopg.ProgrammingError, psycopg.IntegrityError)):
        return None  # a bug of ours or of the caller: let it through unchanged
    text = str(exc).lower()
    found = next((reason for needle, reason in _MESSAGES if needle in text), None)
    return found or ("unreachable" if isinstance(exc, psycopg.OperationalError) else None)


def redacted(url: str) -> str:
    """The URL without its password, fit for an error message or a log."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{netloc[1]}"))


class PgAuditLog(AuditLog):
    _MARK, _ORDER = "%s", "seq"

    def __init__(self, url: str | None = None, timeout: float = 10.0):
        url = url or audit_url()
        if not url or not url.startswith(("postgresql://", "postgres://")):
            raise ValueError(f"a postgresql:// URL is needed (CREDIT_AUDIT_URL), got {url!r}")
        self.url, self.timeout = url, float(timeout)
        self.path = redacted(url)  # what AuditError messages name
        # a connection the server dropped is closed: open another rather than fail every later call
        self._connections = Connections(self._open, usable=lambda conn: not conn.closed)

    def __reduce__(self):
        return PgAuditLog, (self.url, self.timeout)

    def _open(self) -> psycopg.Connection:
        millis = int(self.timeout * 1000)
        # synchronous_commit is forced on: an acknowledged decision is on the server's disk whatever its defaults.
        return psycopg.connect(self.url, autocommit=True, connect_timeout=max(1, round(self.timeout)),
                               application_name="credit-audit",
                               options=f"-c lock_timeout={millis} -c synchronous_commit=on")

    def _run(self, work, write: bool):
        conn = None
        try:
            conn = self._conn()
            with conn.transaction():
                return work(conn)
        except BaseException as exc:
            reason = _reason(exc)
            if reason is not None:
                if conn is not None:
                    self._connections.drop(conn)  # reconnect on the next call: the server may be back
                raise AuditError(reason, self.path, str(exc).strip()) from exc
            raise

    @staticmethod
    def _append(conn, table: str, cols: tuple[str, ...], values: tuple) -> None:
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCKS[table],))
        prev = conn.execute(sql.SQL("SELECT row_hash FROM {} ORDER BY seq DESC LIMIT 1").format(
            sql.Identifier(table))).fetchone()
        prev = prev[0] if prev else GENESIS
        conn.execute(sql.SQL("INSERT INTO {} ({}, prev_hash, row_hash) VALUES ({})").format(
            sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, cols)),
            sql.SQL(", ").join(sql.Placeholder() * (len(cols) + 2))), (*values, prev, row_hash(prev, cols, values)))

    @staticmethod
    def _has_decision(conn, decision_id: str) -> bool:
        return conn.execute("SELECT 1 FROM decisions WHERE id = %s", (decision_id,)).fetchone() is not None

    def decisions(self, limit: int | None = None) -> list[dict]:
        import json

        dcols, ocols = (*DECISION_COLS, "prev_hash", "row_hash"), ("decision_id", *OUTCOME_COLS[1:], "prev_hash",
                                                                     "row_hash")

        def read(conn):
            rows = conn.execute(f"SELECT seq, {', '.join(dcols)} FROM (SELECT * FROM decisions ORDER BY seq DESC "
                                f"{'' if limit is None else 'LIMIT %s'}) recent ORDER BY seq",
                                () if limit is None else (int(limit),)).fetchall()
            first = rows[0][0] if rows else 0
            by_id: dict[str, list] = {}
            for row in conn.execute(f"SELECT {', '.join(ocols)} FROM outcomes WHERE decision_id IN "
                                    "(SELECT id FROM decisions WHERE seq >= %s) ORDER BY seq", (first,)):
                by_id.setdefault(row[0], []).append(dict(zip(ocols, row)))
            out = []
            for row in rows:
                d = dict(zip(dcols, row[1:]))
                out.append({**d, "inputs": json.loads(d["inputs"]), "reasons": json.loads(d["reasons"]),
                            "outcomes": by_id.get(d["id"], [])})
            return out

        return self._run(read, write=False)

    def verify(self) -> bool:
        def check(conn):
            for table, cols in (("decisions", DECISION_COLS), ("outcomes", OUTCOME_COLS)):
                prev = GENESIS
                # A server-side cursor streams the chain: 100,000 records never sit in memory at once.
                with conn.cursor(name=f"verify_{table}") as cur:
                    cur.itersize = 5000
                    cur.execute(sql.SQL("SELECT {}, prev_hash, row_hash FROM {} ORDER BY seq").format(
                        sql.SQL(", ").join(map(sql.Identifier, cols)), sql.Identifier(table)))
                    for row in cur:
                        values, stored_prev, stored_hash = row[:-2], row[-2], row[-1]
                        if stored_prev != prev or row_hash(prev, cols, values) != stored_hash:
                            return False
                        prev = stored_hash
            return True

        return self._run(check, write=False)


def setup(admin_url: str, app_role: str) -> None:
    """Create the tables and triggers (idempotent) as their owner, and let `app_role` read and append, nothing more."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(SCHEMA)
        role = sql.Identifier(app_role)
        conn.execute(sql.SQL("GRANT SELECT, INSERT ON decisions, outcomes TO {}").format(role))
        conn.execute(sql.SQL("GRANT USAGE ON SEQUENCE decisions_seq_seq, outcomes_seq_seq TO {}").format(role))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Create the shared audit tables (run once, as their owner).")
    parser.add_argument("command", choices=["setup"])
    parser.add_argument("--admin-url", required=True, help="postgresql:// URL of the role that will own the tables")
    parser.add_argument("--app-role", required=True, help="the role the page servers connect as (SELECT, INSERT)")
    args = parser.parse_args()
    setup(args.admin_url, args.app_role)
    print(f"audit tables ready in {redacted(args.admin_url)}; {args.app_role} may read and append")
