"""Scoring-API load benchmark: the real `mlflow models serve` (models/, --env-manager local, started by `harness.api`)
on a free loopback port, single-row client scoring over kept-alive HTTP connections, with and without `explain`.

    .venv/bin/python -m benchmarks.api [--requests 300]

For each concurrency (1, 4, 16 threads, one connection each) and each mode (plain, explain), a bounded number of
requests (--requests in all, shared between the threads), each one client row (ids from data/, in turn), after a
few warm-up requests. Figures: throughput (requests/s over the wall time of the round), median and p99 latency in
ms (time.perf_counter around one request and its full answer), error count (any non-200 or exception). The server
is started once and stopped by its process group; its start time (until /ping answers) is recorded too. The machine
has 2 cores and may be shared: the load average before and after are recorded with the figures.
Then the page's own calls with CREDIT_API_URL (score_client with explanations, suggest) against the in-process
model, on the same clients. Results: results/api.json.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

from harness import REPO as ROOT
from harness.api import start_server, stop_server

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
CONCURRENCY = (1, 4, 16)
WARMUP = 10


def _body(client_id: int, explain: bool) -> bytes:
    body = {"dataframe_split": {"columns": ["SK_ID_CURR"], "data": [[client_id]]}}
    if explain:
        body["params"] = {"explain": True}
    return json.dumps(body).encode()


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def run_round(port: int, ids: list[int], concurrency: int, requests: int, explain: bool) -> dict:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    counter = iter(range(requests))

    def worker():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            t0 = time.perf_counter()
            try:
                connection.request("POST", "/invocations", body=_body(ids[i % len(ids)], explain),
                                   headers={"Content-Type": "application/json"})
                answer = connection.getresponse()
                answer.read()
                ok = answer.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            elapsed = time.perf_counter() - t0
            with lock:
                latencies.append(elapsed)
                errors[0] += not ok
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {"concurrency": concurrency, "explain": explain, "requests": requests, "wall_s": round(wall, 3),
            "throughput_rps": round(requests / wall, 1),
            "median_ms": round(1000 * _percentile(latencies, 0.5), 2),
            "p99_ms": round(1000 * _percentile(latencies, 0.99), 2), "errors": errors[0]}


def page_latency(port: int, count: int = 60) -> dict:
    """The page's calls with CREDIT_API_URL (decision and suggestions through HTTP) against the in-process model,
    same clients, alternating so that load changes hit both alike: median and p90 in ms."""
    from credit_widgets import CreditModel
    from credit_widgets.scoring.remote import ApiScorer

    local = CreditModel.load()
    remote = CreditModel(local.scoring, local.population, local.model_dir, local.data_dir,
                         scorer=ApiScorer(f"http://127.0.0.1:{port}"))
    timings = {f"{way}_{call}": [] for way in ("api", "in_process") for call in ("score_client", "suggest")}
    for client in local.client_ids()[:count]:
        for way, model in (("api", remote), ("in_process", local)):
            t0 = time.perf_counter()
            decision = model.score_client(client)
            t1 = time.perf_counter()
            model.suggest(decision)
            timings[f"{way}_score_client"].append(t1 - t0)
            timings[f"{way}_suggest"].append(time.perf_counter() - t1)
    return {name: {"median_ms": round(1000 * _percentile(values, 0.5), 1),
                   "p90_ms": round(1000 * _percentile(values, 0.9), 1)} for name, values in timings.items()} | {
        "clients": count}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.api", description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="requests per round (all threads together)")
    args = parser.parse_args(argv)
    import pandas as pd

    ids = [int(v) for v in pd.read_parquet(ROOT / "data" / "application_train.parquet",
                                           columns=["SK_ID_CURR"])["SK_ID_CURR"]]
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as scratch:
        process, port, startup = start_server(Path(scratch))
        try:
            warm = run_round(port, ids, 1, WARMUP, True)
            if warm["errors"]:
                raise RuntimeError(f"warm-up failed: {warm}")
            rounds = []
            for explain in (False, True):
                for concurrency in CONCURRENCY:
                    rounds.append(run_round(port, ids, concurrency, args.requests, explain))
                    print(json.dumps(rounds[-1]), flush=True)
            page = page_latency(port)
            print(json.dumps({"page_through_api": page}), flush=True)
        finally:
            stop_server(process)
    result = {"machine": {"cpus": os.cpu_count(), "loadavg_before": [round(v, 2) for v in load_before],
                          "loadavg_after": [round(v, 2) for v in os.getloadavg()],
                          "python": sys.version.split()[0]},
              "server_start_s": round(startup, 2), "rounds": rounds, "page_through_api": page}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "api.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"server start {startup:.1f} s; written to {RESULTS / 'api.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
