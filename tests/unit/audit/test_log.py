"""The audit log: what was decided, on which inputs, with which model, and what the officer did with it."""
import datetime as dt
import errno
import json
import multiprocessing
import pickle
import sqlite3
import threading
from pathlib import Path

import numpy as np
import pytest

from credit_widgets.audit import log as audit
from credit_widgets.audit import open_log
from credit_widgets.audit.log import AuditError, AuditLog, default_log_path, prospect_key
from harness.audit_records import CLIENT, PROSPECT, write_many


@pytest.fixture
def log(tmp_path) -> AuditLog:
    return AuditLog(tmp_path / "audit" / "decisions.sqlite", timeout=10.0)


def raw(path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def test_client_and_prospect_decisions_round_trip_with_their_outcomes(log):
    client_id = log.record_decision(**CLIENT)
    prospect_id = log.record_decision(**PROSPECT)
    log.record_outcome(client_id, action="follows", officer="jdupont")
    log.record_outcome(prospect_id, action="overrides", reason="  guarantor added ", officer="mmartin")
    client, prospect = log.decisions()  # oldest first
    assert len(client["id"]) == 32 and client["id"] == client_id and prospect["id"] == prospect_id
    for row, given in ((client, CLIENT), (prospect, PROSPECT)):
        for field, value in given.items():
            assert row[field] == value, field
        when = dt.datetime.fromisoformat(row["time"])
        assert when.utcoffset() == dt.timedelta(0) and len(row["time"].split(".")[1]) == 6 + len("+00:00")
    assert client["prospect_key"] is None
    assert prospect["lang"] == "fr" and prospect["officer"] is None
    assert prospect["prospect_key"] == prospect_key(PROSPECT["inputs"])
    assert [(o["action"], o["reason"], o["officer"]) for o in client["outcomes"]] == [("follows", "", "jdupont")]
    assert [(o["action"], o["reason"], o["officer"]) for o in prospect["outcomes"]] == [
        ("overrides", "guarantor added", "mmartin")]
    assert prospect["outcomes"][0]["decision_id"] == prospect_id
    assert log.verify()
    conn = log._conn()  # durability settings are per connection: check the one the log writes with
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_refused_outcomes_leave_nothing_behind(log):
    decision_id = log.record_decision(**CLIENT)
    for reason in ("", "   "):
        with pytest.raises(ValueError, match="reason"):
            log.record_outcome(decision_id, action="overrides", reason=reason)
    with pytest.raises(ValueError, match="action"):
        log.record_outcome(decision_id, action="ignores")
    with pytest.raises(KeyError):
        log.record_outcome("0" * 32, action="follows")
    assert log.decisions()[0]["outcomes"] == []
    log.record_outcome(decision_id, action="follows")  # the connection survived the refusals
    assert len(log.decisions()[0]["outcomes"]) == 1 and log.verify()


def test_limit_keeps_the_most_recent_decisions_oldest_first(log):
    ids = [log.record_decision(**{**CLIENT, "client_id": n}) for n in range(5)]
    assert [d["id"] for d in log.decisions(limit=2)] == ids[3:]
    assert [d["id"] for d in log.decisions()] == ids


def test_prospect_key_is_stable_and_sensitive_to_every_input():
    inputs = {"AMT_CREDIT": 120000.0, "EXT_SOURCE_1": 0.1, "FLAG": True, "NAME": "Café"}
    key = prospect_key(inputs)
    assert len(key) == 64 and key == prospect_key(dict(reversed(list(inputs.items()))))
    assert key == prospect_key({**inputs, "EXT_SOURCE_1": np.float64(0.1), "FLAG": np.bool_(True)})
    for field, other in [("AMT_CREDIT", 120000.01), ("EXT_SOURCE_1", 0.1000000001), ("FLAG", False), ("NAME", "Cafe")]:
        assert prospect_key({**inputs, field: other}) != key, field
    assert prospect_key({**inputs, "EXTRA": None}) != key


def test_raw_update_and_delete_are_refused(log):
    decision_id = log.record_decision(**CLIENT)
    log.record_outcome(decision_id, action="follows")
    conn = raw(log.path)
    for sql in ("UPDATE decisions SET decision = 'unfavourable'", "DELETE FROM decisions",
                "UPDATE outcomes SET action = 'overrides'", "DELETE FROM outcomes"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute(sql)
    conn.close()
    assert log.decisions()[0]["decision"] == "favourable" and log.verify()


@pytest.mark.parametrize("trigger, tamper", [
    ("decisions_no_update", "UPDATE decisions SET decision = 'unfavourable' WHERE rowid = 2"),
    ("decisions_no_update", "UPDATE decisions SET probability = 0.05 WHERE rowid = 3"),
    ("decisions_no_delete", "DELETE FROM decisions WHERE rowid = 2"),
    ("outcomes_no_update", "UPDATE outcomes SET reason = 'never said that' WHERE rowid = 1"),
])
def test_tampering_behind_the_triggers_is_detected(log, trigger, tamper):
    ids = [log.record_decision(**CLIENT) for _ in range(3)]
    log.record_outcome(ids[0], action="overrides", reason="documents missing")
    assert log.verify()
    conn = raw(log.path)
    conn.execute(f"DROP TRIGGER {trigger}")
    conn.execute(tamper)
    conn.close()
    assert not log.verify()


@pytest.mark.parametrize("used_before_fork", [False, True])
def test_concurrent_processes_lose_nothing_and_keep_the_chain(tmp_path, used_before_fork):
    log = AuditLog(tmp_path / "decisions.sqlite", timeout=60.0)
    if used_before_fork:  # the parent's cached connection must not be reused by the children
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
    conn = raw(log.path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    assert log.verify()
    log.record_decision(**CLIENT)  # the parent still writes after its children
    assert log.verify()


def _child_writes(log, inherited):
    log.record_decision(**PROSPECT)
    raise SystemExit(0 if log._conn() is not inherited else 3)  # 3: the parent's connection was reused


def test_forked_child_opens_its_own_connection(log):
    log.record_decision(**CLIENT)
    inherited = log._conn()
    child = multiprocessing.get_context("fork").Process(target=_child_writes, args=(log, inherited))
    child.start()
    child.join()
    assert child.exitcode == 0
    assert log._conn() is inherited  # the parent keeps its own
    assert len(log.decisions()) == 2 and log.verify()


def test_log_is_usable_from_another_thread_and_after_pickling(log):
    log.record_decision(**CLIENT)
    errors = []
    thread = threading.Thread(target=lambda: errors.append(log.record_decision(**PROSPECT)))
    thread.start()
    thread.join()
    copy = pickle.loads(pickle.dumps(log))
    copy.record_decision(**CLIENT)
    assert len(errors) == 1 and len(log.decisions()) == 3 and copy.verify()


def test_lock_held_past_the_timeout_is_reported_and_nothing_is_lost(log):
    log.record_decision(**CLIENT)
    holder = raw(log.path)
    holder.execute("BEGIN EXCLUSIVE")
    with pytest.raises(AuditError) as caught:
        AuditLog(log.path, timeout=0.2).record_decision(**PROSPECT)
    assert caught.value.reason == "locked" and str(log.path) in str(caught.value)
    holder.execute("ROLLBACK")
    holder.close()
    log.record_decision(**PROSPECT)
    assert len(log.decisions()) == 2 and log.verify()


def test_read_only_directory_is_unwritable(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        try:
            (folder / "probe").write_text("x")
        except PermissionError:
            pass
        else:
            pytest.skip("chmod does not stop this user from writing (root?)")
        path = folder / "decisions.sqlite"
        with pytest.raises(AuditError) as caught:
            AuditLog(path).record_decision(**CLIENT)
        assert caught.value.reason == "unwritable" and str(path) in str(caught.value)
    finally:
        folder.chmod(0o700)


@pytest.mark.parametrize("where", ["parent_is_file", "grandparent_is_file", "path_is_directory"])
def test_non_creatable_location_is_unwritable(tmp_path, where):
    (tmp_path / "file").write_text("not a folder")
    path = {"parent_is_file": tmp_path / "file" / "decisions.sqlite",
            "grandparent_is_file": tmp_path / "file" / "sub" / "decisions.sqlite",
            "path_is_directory": tmp_path}[where]
    for call in (lambda log: log.record_decision(**CLIENT), lambda log: log.decisions()):
        with pytest.raises(AuditError) as caught:
            call(AuditLog(path))
        assert caught.value.reason == "unwritable" and str(path) in str(caught.value)


def test_garbage_file_is_corrupt_and_left_untouched(tmp_path):
    path = tmp_path / "decisions.sqlite"
    garbage = b"these are not the decisions you are looking for\n" * 100
    path.write_bytes(garbage)
    for call in (lambda log: log.record_decision(**CLIENT), lambda log: log.decisions(), lambda log: log.verify()):
        with pytest.raises(AuditError) as caught:
            call(AuditLog(path))
        assert caught.value.reason == "corrupt" and str(path) in str(caught.value)
    assert path.read_bytes() == garbage


def test_full_disk_is_reported_and_the_log_recovers(log, monkeypatch):
    log.record_decision(**CLIENT)
    log.close()
    real_connect = sqlite3.connect

    class FullDisk(sqlite3.Connection):
        def execute(self, sql, *args):
            if sql.lstrip().upper().startswith("INSERT"):
                raise sqlite3.OperationalError("database or disk is full")
            return super().execute(sql, *args)

    monkeypatch.setattr(audit.sqlite3, "connect", lambda *a, **k: real_connect(*a, factory=FullDisk, **k))
    with pytest.raises(AuditError) as caught:
        log.record_decision(**PROSPECT)
    assert caught.value.reason == "disk_full" and str(log.path) in str(caught.value)
    with pytest.raises(AuditError, match="disk is full"):
        log.record_outcome(log.decisions()[0]["id"], action="follows")
    monkeypatch.undo()
    log.record_decision(**PROSPECT)  # same object: the failed connection was dropped, not reused
    assert [d["decision"] for d in log.decisions()] == ["favourable", "unfavourable"] and log.verify()


def test_no_space_to_create_the_folder_is_disk_full(tmp_path, monkeypatch):
    def no_space(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(self))

    monkeypatch.setattr(audit.Path, "mkdir", no_space)
    with pytest.raises(AuditError) as caught:
        AuditLog(tmp_path / "new" / "decisions.sqlite").record_decision(**CLIENT)
    assert caught.value.reason == "disk_full"


def test_nan_inf_and_numpy_inputs_are_stored_as_strict_json(log):
    inputs = {"nan": float("nan"), "inf": np.inf, "minus_inf": -np.inf, "np_nan": np.float64("nan"),
              "f32": np.float32(0.5), "i64": np.int64(7), "flag": np.bool_(False), "none": None,
              "array": np.array([1.5, np.nan]), "nested": {"x": np.int32(2), 3: "three"}, "text": np.str_("a")}
    decision_id = log.record_decision(**{**PROSPECT, "inputs": inputs, "probability": np.float32(0.25),
                                         "threshold": np.float64(0.4)})
    conn = raw(log.path)
    text = conn.execute("SELECT inputs FROM decisions WHERE id = ?", (decision_id,)).fetchone()[0]
    conn.close()

    def refuse(constant):
        raise AssertionError(f"non-standard JSON constant {constant}")

    stored = json.loads(text, parse_constant=refuse)
    assert stored == log.decisions()[0]["inputs"] == {
        "nan": "nan", "inf": "inf", "minus_inf": "-inf", "np_nan": "nan", "f32": 0.5, "i64": 7, "flag": False,
        "none": None, "array": [1.5, "nan"], "nested": {"x": 2, "3": "three"}, "text": "a"}
    assert log.decisions()[0]["probability"] == 0.25 and log.verify()
    with pytest.raises(ValueError, match="finite"):
        log.record_decision(**{**PROSPECT, "probability": float("nan")})


def test_env_variable_chooses_the_log_and_nothing_is_created_before_use(tmp_path, monkeypatch):
    target = tmp_path / "elsewhere" / "log.sqlite"
    monkeypatch.setenv("CREDIT_AUDIT_LOG", str(target))
    assert default_log_path() == target
    log = open_log()
    assert log.path == target and not target.parent.exists()
    log.record_decision(**CLIENT)
    assert target.exists() and len(AuditLog(target).decisions()) == 1
    monkeypatch.delenv("CREDIT_AUDIT_LOG")
    assert default_log_path() == Path(audit.__file__).resolve().parents[2] / "audit" / "decisions.sqlite"
