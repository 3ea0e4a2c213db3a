"""The shared PostgreSQL audit log: how many records four servers append per second together, and how long
`verify()` takes over 100,000 records.

    .venv/bin/python -m benchmarks.audit_pg [--per-writer 500] [--verify-records 100000]

Starts a throw-away cluster (harness/postgres.py; Debian's postgresql, fsync and synchronous_commit on, as a bank
would run it) on a free loopback port. Writers: four processes, each its own connection as four page servers
would, append decisions (one outcome per five, like the SQLite figure of issue #18) through PgAuditLog; the rate
counts decisions and outcomes. Verify: 100,000 decisions chained exactly as PgAuditLog chains them, loaded with COPY
by the tables' owner (how they got there does not matter to verify), then `verify()` over them, timed.
Writes benchmarks/results/audit_pg.json.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
DECISION = dict(client_id=None, model_version="7", artifact_hash="ab" * 32, probability=0.58, threshold=0.42,
                decision="unfavourable", reasons=["AMT_INCOME_TOTAL", "EXT_SOURCE_3"], lang="fr")


def _writer(url, barrier, worker, count, out):
    from credit_widgets.audit.postgres import PgAuditLog

    log = PgAuditLog(url, timeout=60.0)
    log.verify()  # connected before the clock starts
    barrier.wait()
    written = 0
    for i in range(count):
        decision_id = log.record_decision(**DECISION, inputs={"worker": worker, "i": i, "AMT_CREDIT": 1000.0 * i},
                                          officer=f"officer{worker}")
        written += 1
        if i % 5 == 0:
            log.record_outcome(decision_id, action="follows", officer=f"officer{worker}")
            written += 1
    out.put((worker, written, time.monotonic()))


def writers(url: str, per_writer: int, workers: int = 4) -> dict:
    ctx = multiprocessing.get_context("fork")
    barrier, out = ctx.Barrier(workers + 1), ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(url, barrier, w, per_writer, out)) for w in range(workers)]
    for p in procs:
        p.start()
    barrier.wait()
    start = time.monotonic()
    done = [out.get() for _ in procs]
    for p in procs:
        p.join()
    seconds = max(end for _, _, end in done) - start
    records = sum(n for _, n, _ in done)
    return {"writers": workers, "records": records, "seconds": round(seconds, 2),
            "records_per_second": round(records / seconds)}


def load_chain(admin_url: str, count: int) -> None:
    import datetime as dt
    import uuid

    import psycopg

    from credit_widgets.audit.log import DECISION_COLS, GENESIS, canonical, row_hash

    prev = GENESIS
    with psycopg.connect(admin_url) as conn, conn.cursor() as cur:
        last = cur.execute("SELECT row_hash FROM decisions ORDER BY seq DESC LIMIT 1").fetchone()
        prev = last[0] if last else GENESIS
        now = dt.datetime.now(dt.UTC)
        with cur.copy(f"COPY decisions ({', '.join(DECISION_COLS)}, prev_hash, row_hash) FROM STDIN") as copy:
            for i in range(count):
                values = (uuid.uuid4().hex, (now + dt.timedelta(microseconds=i)).isoformat(), 100000 + i, None,
                          canonical({"SK_ID_CURR": 100000 + i, "AMT_CREDIT": 1000.0 * i}), "7", "ab" * 32,
                          (i % 997) / 997, 0.42, "favourable" if i % 3 else "unfavourable",
                          canonical(["EXT_SOURCE_3", "AMT_CREDIT"]), f"officer{i % 10}", "fr")
                row_hash = row_hash(prev, DECISION_COLS, values)
                copy.write_row((*values, prev, row_hash))
                prev = row_hash


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-writer", type=int, default=500)
    parser.add_argument("--verify-records", type=int, default=100_000)
    args = parser.parse_args()

    from credit_widgets.audit.postgres import PgAuditLog
    from harness.postgres import throwaway_cluster

    with throwaway_cluster() as cluster:
        rate = writers(cluster.app_url, args.per_writer)
        log = PgAuditLog(cluster.app_url)
        assert log.verify(), "the writers' chain does not verify"
        url = cluster.database("verify_bench")
        load_chain(cluster.admin("verify_bench"), args.verify_records)
        log = PgAuditLog(url)
        start = time.perf_counter()
        ok = log.verify()
        verify_s = time.perf_counter() - start
        assert ok, "the loaded chain does not verify"
    result = {"four_writers": rate, "verify": {"records": args.verify_records, "seconds": round(verify_s, 2)},
              "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
              "note": "loopback server, fsync and synchronous_commit on; the machine's 2 cores are shared"}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "audit_pg.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
