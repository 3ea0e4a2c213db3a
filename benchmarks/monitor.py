"""Model-risk view benchmark: the view's computation on 100,000 and 1,000,000 logged decisions, and what shadow
scoring by a challenger adds to an officer's answer.

    .venv/bin/python -m benchmarks.monitor [--sizes 100000 1000000] [--runs 3]

For each size a synthetic month (`credit_widgets.monitor.activity`, bundled model and data, a pool of 1,500 scored
applications) is written once to /tmp/cw-monitor-bench/<N>.sqlite (reused when it is already there with N
decisions). The view's computation is what the notebook's kernel does: read the log (`monitor.read_log`), the
training reference (cached), the outcomes, every figure (`monitor.review`), the sentences and the bqplot view
(`widgets.monitor.view`). "cold" is the first run in the process with no parsed-log cache (imports, the whole log
parsed, the cache written); "uncached" parses the whole log again with warm imports; "warm" is the median of the
next `--runs`, as a pre-heated Voilà kernel opens the view on a log read before (only new decisions parsed, every
outcome read again). Targets: warm under 5 s at
100,000 decisions, under 30 s at 1,000,000.

Shadow overhead: the bundled model answers 300 known clients (score_client: probability, SHAP reasons, flags), and
the demo challenger scores each answer's own feature row (`shadow.Shadow.fields`); both are timed per call
(ms: median, p90, p99). Target: shadow median under 5 ms. `--voila N` (default 100,000; 0 skips) serves
monitor.ipynb with `make monitor`'s settings on the N-decision log and times opening the page. Results go to
results/monitor.json (sizes not measured in this run are kept).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
WORK = Path("/tmp/cw-monitor-bench")


def _count(path: Path) -> int:
    try:
        with sqlite3.connect(path) as conn:
            return conn.execute("SELECT count(*) FROM decisions").fetchone()[0]
    except sqlite3.Error:
        return -1


def _month(size: int, model) -> tuple[Path, Path, float | None]:
    from credit_widgets.monitor import activity

    log = WORK / f"{size}.sqlite"
    if log.exists() and _count(log) == size:
        return log, log.with_name(log.stem + "-outcomes.csv"), None
    for suffix in ("", "-wal", "-shm"):
        Path(str(log) + suffix).unlink(missing_ok=True)
    start = time.perf_counter()
    result = activity.generate(log, decisions=size, pool=1500, model=model, seed=1)
    return log, result["outcomes"], time.perf_counter() - start


def _view_once(log: Path, outcomes: Path, cache: bool = True) -> dict:
    from credit_widgets.monitor import review as monitor
    from credit_widgets.widgets.monitor import view

    times = {}
    start = time.perf_counter()
    frame = monitor.read_log(log, cache=cache)
    times["read_log"] = time.perf_counter() - start
    t = time.perf_counter()
    ref = monitor.reference()
    loans = monitor.read_outcomes(outcomes)
    times["reference_and_outcomes"] = time.perf_counter() - t
    t = time.perf_counter()
    review = monitor.review(frame, ref, loans)
    times["figures"] = time.perf_counter() - t
    t = time.perf_counter()
    view(review, "fr")
    times["sentences_and_view"] = time.perf_counter() - t
    times["total"] = time.perf_counter() - start
    flagged = sorted(review.stability.index[review.stability["flag"] != "stable"])
    return {"seconds": {k: round(v, 3) for k, v in times.items()}, "flagged": flagged, "rows": len(frame)}


def _quantiles(values: list[float]) -> dict:
    ordered = sorted(values)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {"median": round(statistics.median(ordered), 3), "p90": round(pick(0.9), 3), "p99": round(pick(0.99), 3)}


def shadow_overhead(model, challenger: str, clients: int = 300) -> dict:
    from credit_widgets.monitor.shadow import Shadow

    shadow = Shadow.load(challenger, model.scoring.feature_names)
    ids = model.client_ids()[:clients]
    for client in ids[:10]:                 # warm-up
        shadow.fields(model.score_client(client))
    answer, extra = [], []
    for client in ids:
        t = time.perf_counter()
        decision = model.score_client(client)
        answer.append(1000 * (time.perf_counter() - t))
        t = time.perf_counter()
        shadow.fields(decision)
        extra.append(1000 * (time.perf_counter() - t))
    return {"clients": len(ids), "answer_ms": _quantiles(answer), "shadow_ms": _quantiles(extra),
            "shadow_share_of_answer": round(statistics.median(extra) / statistics.median(answer), 4)}


def voila_open(log: Path, outcomes: Path, port: int = 8897, opens: int = 4) -> dict:
    """`make monitor`'s Voilà (voila.json, pre-heated kernel) on `log`: seconds to the page's HTML, the first open
    served by the pre-heated kernel, each next open by a kernel that must start and run the notebook, unless the
    pool refilled in between (the last open, after a pause). The HTML is what curl sees; the widgets then render
    in the browser from the kernel's state."""
    import subprocess
    import tempfile
    import urllib.request

    root = HERE.parent
    scratch = Path(tempfile.mkdtemp(prefix="cw-monitor-voila-"))
    env = {**os.environ, "CREDIT_AUDIT_LOG": str(log), "CREDIT_OUTCOMES": str(outcomes),
           "JUPYTER_PATH": str(root / "share" / "jupyter"), "JUPYTER_RUNTIME_DIR": str(scratch / "rt"),
           "IPYTHONDIR": str(scratch / "ipy")}
    server_log = scratch / "voila.log"
    with open(server_log, "w") as out:
        server = subprocess.Popen([str(Path(sys.executable).with_name("voila")), "monitor.ipynb", f"--port={port}",
                                   "--no-browser", "--Voila.ip=127.0.0.1"], cwd=root, env=env, stdout=out,
                                  stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 300
        while "is filled with" not in server_log.read_text() and time.monotonic() < deadline:
            time.sleep(0.5)
        times = []
        for i in range(opens):
            pause = 30 if i == opens - 1 else 0    # the last open after the pool had time to refill
            time.sleep(pause)
            start = time.perf_counter()
            with urllib.request.urlopen(url, timeout=300) as answer:
                body = answer.read()
            times.append({"pause_s": pause, "seconds": round(time.perf_counter() - start, 2),
                          "widget": b"widget-view" in body})
        return {"opens": times}
    finally:
        server.terminate()
        server.wait(timeout=30)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--voila", type=int, default=100_000, help="decisions of the log opened in Voilà (0: skip)")
    args = parser.parse_args(argv)
    WORK.mkdir(parents=True, exist_ok=True)
    os.environ["CREDIT_MONITOR_CACHE"] = str(WORK / "cache")
    from credit_widgets import CreditModel

    model = CreditModel.load()
    # sizes measured earlier stay in the file: `--sizes 100000` refreshes one without dropping the other
    previous = RESULTS / "monitor.json"
    results = json.loads(previous.read_text()) if previous.exists() else {"sizes": {}}
    results["load_before"] = os.getloadavg()
    challenger = None
    for size in args.sizes:
        log, outcomes, generated = _month(size, model)
        challenger = str(log.with_name(log.stem + "-challenger"))
        shutil.rmtree(WORK / "cache", ignore_errors=True)
        cold = _view_once(log, outcomes)        # first reading: parses the whole log and writes the cache
        uncached = _view_once(log, outcomes, cache=False)
        warm = [_view_once(log, outcomes) for _ in range(args.runs)]
        totals = [w["seconds"]["total"] for w in warm]
        entry = {"generated_s": None if generated is None else round(generated, 1), "cold": cold["seconds"],
                 "uncached_s": uncached["seconds"],
                 "warm_runs_s": totals, "warm_median_s": round(statistics.median(totals), 3),
                 "warm_parts_s": warm[len(warm) // 2]["seconds"], "flagged": cold["flagged"],
                 "log_mb": round(log.stat().st_size / 1e6, 1)}
        results["sizes"][str(size)] = entry
        print(f"{size:>9,} decisions: warm {entry['warm_median_s']:.2f} s (runs {totals}), cold "
              f"{cold['seconds']['total']:.2f} s, whole log parsed again {uncached['seconds']['total']:.2f} s; "
              f"parts {entry['warm_parts_s']}; flagged {cold['flagged']}",
              flush=True)
    if args.voila:
        log = WORK / f"{args.voila}.sqlite"
        results["voila"] = {"decisions": args.voila, **voila_open(log, log.with_name(log.stem + "-outcomes.csv"))}
        print(f"Voilà on {args.voila:,} decisions: {results['voila']['opens']}", flush=True)
    results["shadow"] = shadow_overhead(model, challenger)
    s = results["shadow"]
    print(f"shadow scoring: median {s['shadow_ms']['median']} ms (p99 {s['shadow_ms']['p99']}) on top of an answer "
          f"of {s['answer_ms']['median']} ms median", flush=True)
    results["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    results["load_after"] = os.getloadavg()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "monitor.json").write_text(json.dumps(results, indent=1, default=str))
    print(f"written to {RESULTS / 'monitor.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
