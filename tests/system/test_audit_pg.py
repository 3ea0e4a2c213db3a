"""The audit log shared by several servers in one PostgreSQL database, against a real throw-away server.

`make test` installs Debian's postgresql (`make postgres`); the cluster runs on a free loopback port as the
`postgres` user and is deleted afterwards. Each test gets its own database, so chains never mix.
"""
import itertools
import multiprocessing
import os
import pickle
import signal
import time

import pytest

psycopg = pytest.importorskip("psycopg")

from credit_widgets.audit import AuditError, AuditLog, open_log  # noqa: E402
from credit_widgets.audit.postgres import _LOCKS, PgAuditLog  # noqa: E402
from harness.audit_records import CLIENT, PROSPECT, write_many, write_until_stopped  # noqa: E402
from harness.postgres import server_bin, throwaway_cluster  # noqa: E402
from harness.processes import free_port  # noqa: E402

_names = itertools.count()


@pytest.fixture(scope="module")
def cluster():
    if server_bin() is None:
        pytest.skip("PostgreSQL's server is not installed (make postgres installs Debian's postgresql)")
    with throwaway_cluster() as running:
        yield running


@pytest.fixture
def url(cluster):
    return cluster.database(f"t{os.getpid()}_{next(_names)}")


@pytest.fixture
def log(url):
    log = PgAuditLog(url, timeout=5.0)
    yield log
    log.close()


def admin(cluster, url):
    return psycopg.connect(cluster.admin(url.rsplit("/", 1)[1]), autocommit=True)


def test_the_url_setting_makes_the_default_log_postgresql_and_round_trips(url, monkeypatch):
    monkeypatch.setenv("CREDIT_AUDIT_URL", url)
    log = open_log()
    assert isinstance(log, PgAuditLog) and "***" in str(log.path) and url.split(":")[2].split("@")[0] not in log.path
    client_id = log.record_decision(**CLIENT)
    prospect_id = log.record_decision(**PROSPECT)
    log.record_outcome(client_id, action="follows", officer="jdupont")
    log.record_outcome(prospect_id, action="overrides", reason="  guarantor added ", officer="mmartin")
    with pytest.raises(KeyError):
        log.record_outcome("0" * 32, action="follows")
    client, prospect = log.decisions()
    for row, given in ((client, CLIENT), (prospect, PROSPECT)):
        for field, value in given.items():
            assert row[field] == value, field
    assert [(o["action"], o["reason"], o["officer"]) for o in prospect["outcomes"]] == [
        ("overrides", "guarantor added", "mmartin")]
    assert [d["id"] for d in log.decisions(limit=1)] == [prospect_id]
    copy = pickle.loads(pickle.dumps(log))
    copy.record_decision(**CLIENT)
    assert isinstance(copy, PgAuditLog) and len(log.decisions()) == 3 and log.verify()
    assert isinstance(AuditLog(os.devnull + ".sqlite"), AuditLog) and not isinstance(
        AuditLog(os.devnull + ".sqlite"), PgAuditLog)  # an explicit path stays SQLite


def test_the_application_role_can_only_read_and_append(cluster, url, log):
    decision_id = log.record_decision(**CLIENT)
    log.record_outcome(decision_id, action="follows")
    with psycopg.connect(url, autocommit=True) as app:
        for statement in ("UPDATE decisions SET decision = 'unfavourable'", "DELETE FROM outcomes",
                          "TRUNCATE decisions CASCADE", "DROP TRIGGER decisions_append_only ON decisions",
                          "ALTER TABLE decisions DISABLE TRIGGER ALL"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                app.execute(statement)
    with admin(cluster, url) as owner:  # even the tables' owner meets the triggers
        for statement in ("UPDATE decisions SET decision = 'unfavourable'", "DELETE FROM outcomes",
                          "TRUNCATE outcomes"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
                owner.execute(statement)
    assert log.decisions()[0]["decision"] == "favourable" and log.verify()


@pytest.mark.parametrize("tamper", [
    "UPDATE decisions SET decision = 'unfavourable' WHERE seq = 2",
    "UPDATE decisions SET probability = 0.05 WHERE seq = 3",
    "DELETE FROM decisions WHERE seq = 2",
    "UPDATE outcomes SET reason = 'never said that' WHERE seq = 1",
])
def test_tampering_behind_the_triggers_is_detected(cluster, url, log, tamper):
    ids = [log.record_decision(**CLIENT) for _ in range(3)]
    log.record_outcome(ids[2], action="overrides", reason="documents missing")
    assert log.verify()
    with admin(cluster, url) as owner:
        owner.execute("SET session_replication_role = replica")  # a superuser going around the triggers
        owner.execute(tamper)
    assert not log.verify()


@pytest.mark.parametrize("used_before_fork", [False, True])
def test_four_servers_lose_nothing_and_keep_one_chain(url, used_before_fork):
    log = PgAuditLog(url, timeout=60.0)
    if used_before_fork:  # the parent's connection must not be shared with the children
        log.record_decision(**CLIENT)
    ctx = multiprocessing.get_context("fork")
    workers, count = 4, 50
    barrier = ctx.Barrier(workers)
    procs = [ctx.Process(target=write_many, args=(log, barrier, w, count)) for w in range(workers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    assert [p.exitcode for p in procs] == [0] * workers
    rows = log.decisions()
    written = [tuple(sorted(d["inputs"].items())) for d in rows if d["client_id"] is None]
    expected = {(("i", i), ("worker", w)) for w in range(workers) for i in range(count)}
    assert len(written) == workers * count and set(written) == expected
    assert len({d["id"] for d in rows}) == len(rows) == workers * count + used_before_fork
    assert sum(len(d["outcomes"]) for d in rows) == workers * count // 5
    chain = [d["prev_hash"] for d in rows] + [rows[-1]["row_hash"]]
    assert len(set(chain)) == len(chain)  # one chain: no two rows chained onto the same predecessor
    assert log.verify()
    log.record_decision(**CLIENT)  # the parent still writes after its children
    assert log.verify()


def test_writers_killed_mid_stream_leave_every_acknowledged_record_and_a_valid_chain(url, tmp_path):
    ctx = multiprocessing.get_context("fork")
    files = [tmp_path / f"acked-{w}.txt" for w in range(4)]
    procs = [ctx.Process(target=write_until_stopped, args=(PgAuditLog(url, timeout=60.0), files[w], w))
             for w in range(4)]
    for p in procs:
        p.start()
    log = PgAuditLog(url)
    deadline = time.monotonic() + 60
    while len(log.decisions(limit=200)) < 200 and time.monotonic() < deadline:
        time.sleep(0.05)
    for p in procs:
        os.kill(p.pid, signal.SIGKILL)  # mid-transaction for some of them
    for p in procs:
        p.join()
    acknowledged = {line for f in files if f.exists() for line in f.read_text().split()}
    stored = {d["id"] for d in log.decisions()}
    assert len(acknowledged) >= 200 - 4 and acknowledged <= stored
    assert log.verify()
    log.record_decision(**CLIENT)  # the chain goes on after the crash
    assert log.verify()


def _write_through_a_crash(url, acknowledged, failures, worker, restarted):
    """One page server: appends until the log fails, reports what it raised, and once the database is back appends
    again with the same log object (no restart of the page server)."""
    log = PgAuditLog(url, timeout=5.0)
    try:
        write_until_stopped(log, acknowledged, worker)
    except AuditError as error:
        failures.put((worker, error.reason, str(error), type(error.__cause__).__module__.split(".")[0]))
    if not restarted.wait(180):
        raise SystemExit(4)
    decision_id = log.record_decision(**{**CLIENT, "inputs": {"worker": worker, "after": "restart"}})
    with open(acknowledged, "a") as out:
        out.write(decision_id + "\n")


@pytest.mark.slow
def test_a_server_crash_is_a_clear_error_and_the_restarted_server_holds_every_acknowledged_record(tmp_path):
    """SIGKILL of the PostgreSQL server itself (its postmaster, as the OOM killer would), four servers' writers
    appending: each gets an AuditError saying the log is unreachable, not psycopg's own exception; the cluster
    restarted on the same data directory recovers from its write-ahead log with every acknowledged decision and a
    chain that verifies, and the same log objects go on appending."""
    if server_bin() is None:
        pytest.skip("PostgreSQL's server is not installed (make postgres installs Debian's postgresql)")
    ctx = multiprocessing.get_context("fork")
    failures, restarted = ctx.Queue(), ctx.Event()
    files = [tmp_path / f"acked-{w}.txt" for w in range(4)]
    with throwaway_cluster() as crashing:
        url = crashing.url()
        procs = [ctx.Process(target=_write_through_a_crash, args=(url, files[w], failures, w, restarted))
                 for w in range(4)]
        for p in procs:
            p.start()
        try:
            reader = PgAuditLog(url)
            deadline = time.monotonic() + 60
            while len(reader.decisions(limit=200)) < 200 and time.monotonic() < deadline:
                time.sleep(0.05)
            reader.close()
            crashing.crash()
            reported = sorted(failures.get(timeout=60) for _ in procs)
            before = {line for f in files if f.exists() for line in f.read_text().split()}
            crashing.start()
            restarted.set()
            for p in procs:
                p.join(120)
        finally:
            restarted.set()
            for p in procs:
                if p.is_alive():
                    p.kill()
        assert "not properly shut down" in crashing.log(), "the server was not crashed (no recovery at restart)"
        assert [p.exitcode for p in procs] == [0] * 4
        assert [worker for worker, *_ in reported] == [0, 1, 2, 3]
        for worker, reason, message, cause in reported:
            assert reason == "unreachable", (worker, reason, message)
            assert crashing.app_password not in message and "***" in message  # the URL named, its password not
            assert cause == "psycopg"  # psycopg's error is the cause, kept for the logs, not what the page sees
        log = PgAuditLog(url)
        rows = log.decisions()
        stored = {d["id"] for d in rows}
        after = {line for f in files for line in f.read_text().split()} - before
        assert len(before) >= 200 - 4 and before <= stored, f"{len(before - stored)} acknowledged records lost"
        assert len(after) == 4 and after <= stored
        assert len(stored) == len(rows) and log.verify()
        log.close()


def test_unreachable_server_and_refused_password_are_reported(cluster, url):
    for bad, reason in ((cluster.url(port=free_port()), "unreachable"), (cluster.url(password="wrong"), "refused")):
        log = PgAuditLog(bad, timeout=2.0)
        for call in (lambda: log.record_decision(**CLIENT), log.decisions, log.verify):
            with pytest.raises(AuditError) as caught:
                call()
            assert caught.value.reason == reason and str(caught.value.path) in str(caught.value)
            assert "wrong" not in str(caught.value)  # the password never reaches a message


def test_missing_tables_are_reported(cluster):
    with pytest.raises(AuditError) as caught:
        PgAuditLog(cluster.database(f"bare{next(_names)}", tables=False)).record_decision(**CLIENT)
    assert caught.value.reason == "no_schema" and "credit_widgets.audit.postgres setup" in str(caught.value)


def test_full_disk_is_reported_and_the_log_recovers(cluster, url, log):
    log.record_decision(**CLIENT)
    with admin(cluster, url) as owner:  # the server's own disk_full error (SQLSTATE 53100), raised on INSERT
        owner.execute("""CREATE FUNCTION full_disk() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
                         RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = 'disk_full';
                         END $$""")
        owner.execute("CREATE TRIGGER no_space BEFORE INSERT ON decisions FOR EACH ROW EXECUTE FUNCTION full_disk()")
        owner.execute("CREATE TRIGGER no_space BEFORE INSERT ON outcomes FOR EACH ROW EXECUTE FUNCTION full_disk()")
        with pytest.raises(AuditError) as caught:
            log.record_decision(**PROSPECT)
        assert caught.value.reason == "disk_full" and "disk is full" in str(caught.value)
        with pytest.raises(AuditError, match="disk is full"):
            log.record_outcome(log.decisions()[0]["id"], action="follows")
        owner.execute("DROP TRIGGER no_space ON decisions")
        owner.execute("DROP TRIGGER no_space ON outcomes")
    log.record_decision(**PROSPECT)
    assert [d["decision"] for d in log.decisions()] == ["favourable", "unfavourable"] and log.verify()


def test_append_lock_held_past_the_timeout_is_reported_and_nothing_is_lost(cluster, url, log):
    log.record_decision(**CLIENT)
    with psycopg.connect(url) as holder:  # another server stuck in the middle of an append
        holder.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCKS["decisions"],))
        with pytest.raises(AuditError) as caught:
            PgAuditLog(url, timeout=0.3).record_decision(**PROSPECT)
        assert caught.value.reason == "locked"
        holder.rollback()
    log.record_decision(**PROSPECT)
    assert len(log.decisions()) == 2 and log.verify()


def test_a_dropped_connection_is_reported_once_then_reopened(cluster, url, log):
    log.record_decision(**CLIENT)
    with admin(cluster, url) as owner:
        owner.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = "
                      "'credit-audit' AND pid <> pg_backend_pid()")
    with pytest.raises(AuditError) as caught:
        log.record_decision(**PROSPECT)
    assert caught.value.reason == "unreachable"
    log.record_decision(**PROSPECT)
    assert len(log.decisions()) == 2 and log.verify()
