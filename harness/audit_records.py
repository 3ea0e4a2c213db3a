"""Audit records and writers shared by the embedded (SQLite) and the shared (PostgreSQL) audit log's tests: both
backends must hold the same records and survive the same crashes, so they are fed the same way."""
from __future__ import annotations

import itertools

CLIENT = dict(client_id=100002, inputs={"AMT_CREDIT": 406597.5, "EXT_SOURCE_3": 0.139, "CODE_GENDER": "M"},
              model_version="7", artifact_hash="ab" * 32, probability=0.312, threshold=0.42,
              decision="favourable", reasons=["EXT_SOURCE_3", "AMT_CREDIT"], officer="jdupont", lang="en")
PROSPECT = dict(client_id=None, inputs={"AMT_CREDIT": 120000.0, "AMT_INCOME_TOTAL": 54000, "OWN_CAR": None},
                model_version="7", artifact_hash="ab" * 32, probability=0.58, threshold=0.42,
                decision="unfavourable", reasons=["AMT_INCOME_TOTAL"])


def write_many(log, barrier, worker: int, count: int) -> None:
    """One server's share of a concurrent run: `count` prospect decisions tagged (worker, i), an outcome every fifth;
    all workers start together at `barrier`."""
    barrier.wait()
    for i in range(count):
        decision_id = log.record_decision(**{**PROSPECT, "inputs": {"worker": worker, "i": i}})
        if i % 5 == 0:
            log.record_outcome(decision_id, action="follows", officer=f"w{worker}")


def write_until_stopped(log, acknowledged, worker: int) -> None:
    """Append until the process is killed or the log raises: every decision the log acknowledged (returned from
    `record_decision`) is written to the `acknowledged` file at once, so a crash can be checked against it."""
    with open(acknowledged, "a") as out:
        for i in itertools.count():
            decision_id = log.record_decision(**{**PROSPECT, "inputs": {"worker": worker, "i": i}})
            out.write(decision_id + "\n")
            out.flush()
            if i % 3 == 0:
                log.record_outcome(decision_id, action="follows", officer=f"w{worker}")
