"""Scale benchmark: the whole path (generate all tables, write them, load, build features, cross-validate and
train, log to MLflow, write the model, build the client-base cache a page reads) at 20k, 100k and 307,511 clients,
each in a fresh process.

    .venv/bin/python -m benchmarks.scale [--sizes 20000 100000 307511] [--threads 1] [--history real]

Reports wall time per step, the process's peak resident memory after each step, and the machine's load average
(the timings are only comparable at a similar load). Target at full size: 20 min, 12 GB. `--history real` (the
default) generates as many history rows per client as the real tables; `--history bundled` the shorter histories
of the committed data/, whose figures are kept in results/scale-bundled-history.json for comparison.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time
from pathlib import Path

from . import fresh

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
OUTPUT = {"real": "scale.json", "bundled": "scale-bundled-history.json"}
GENERATE_ONLY = "scale-generate.json"   # --generate-only: the first step alone (the generator's time and memory)


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _peak_gb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2, 2)


def one(clients: int, threads: int, history: str, generate_only: bool = False) -> dict:
    from credit_widgets import CreditModel
    from credit_widgets.data import synth
    from credit_widgets.data.tables import load_tables
    from credit_widgets.features.builder import HISTORY_TABLES, history_features
    from credit_widgets.lifecycle import train

    load_before = [round(x, 2) for x in os.getloadavg()]
    started_at = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    times, cpu, peaks = {}, {}, {}
    cpu_mark = [_cpu_s()]

    def step(name, started):
        times[name] = time.perf_counter() - started
        # processor time: one thread (XGBoost nthread=1), so on a machine of its own the wall time would be about
        # this; on a loaded one the wall time is longer by the share of the cores the others take
        now = _cpu_s()
        cpu[name] = round(now - cpu_mark[0], 1)
        cpu_mark[0] = now
        peaks[name] = _peak_gb()   # the peak so far: the step that raised it is the first whose figure jumps

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        t0 = time.perf_counter()
        tables, truth = synth.generate(clients, seed=7, history=history)
        rows = {name: len(frame) for name, frame in tables.items()}
        synth.write(tables, truth, tmp / "data")
        del tables, truth
        step("generate_and_write_s", t0)
        if generate_only:
            return {"clients": clients, "history": history, "started_at": started_at, "rows": rows,
                    "generate_and_write_s": round(times["generate_and_write_s"], 1), "cpu_s": cpu,
                    "peak_rss_gb": _peak_gb(),
                    "load_average_1_5_15": {"before": load_before, "after": [round(x, 2) for x in os.getloadavg()]}}
        t0 = time.perf_counter()
        loaded = load_tables(tmp / "data")
        step("load_s", t0)
        t0 = time.perf_counter()
        history_features(loaded, HISTORY_TABLES)
        step("history_features_s", t0)
        del loaded
        t0 = time.perf_counter()
        result = train.train(tmp / "data", tmp / "model", nthread=threads,
                             tracking_uri=f"sqlite:///{tmp / 'mlflow.db'}", quiet=False)
        step("train_total_s", t0)   # includes its own load and feature build
        t0 = time.perf_counter()
        CreditModel.load(tmp / "model", tmp / "data")
        step("cache_build_s", t0)   # a page's first load: scores, positions and neighbours of every client
        t0 = time.perf_counter()
        CreditModel.load(tmp / "model", tmp / "data")
        step("cache_reload_s", t0)
    total = times["generate_and_write_s"] + times["train_total_s"] + times["cache_build_s"]
    return {"clients": clients, "history": history, "started_at": started_at, "rows": rows,
            **{k: round(v, 1) for k, v in times.items()},
            "whole_path_s": round(total, 1), "cpu_s": cpu,
            "whole_path_cpu_s": round(cpu["generate_and_write_s"] + cpu["train_total_s"] + cpu["cache_build_s"], 1),
            "n_trees": result.n_rounds, "cv_auc": result.metrics["cv_auc"],
            "peak_rss_gb": _peak_gb(), "peak_rss_gb_after": peaks,
            "load_average_1_5_15": {"before": load_before, "after": [round(x, 2) for x in os.getloadavg()]}}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 100_000, 307_511])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--history", choices=sorted(OUTPUT), default="real")
    parser.add_argument("--generate-only", action="store_true",
                        help=f"only generate and write the tables (figures in results/{GENERATE_ONLY})")
    parser.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        fresh.report(one(args.one, args.threads, args.history, args.generate_only))
        return 0
    report = []
    for clients in args.sizes:
        print(f"== {clients:,} clients, {args.history} history", flush=True)
        try:
            report.append(fresh.run("benchmarks.scale", "--one", clients, "--threads", args.threads,
                                    "--history", args.history, *(["--generate-only"] if args.generate_only else []),
                                    echo_stderr=True))
        except RuntimeError as error:
            print(error, flush=True)
            return 1
        print(json.dumps(report[-1]), flush=True)
    # sizes not run this time keep their earlier figures (each with its own load average and date)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / (GENERATE_ONLY if args.generate_only else OUTPUT[args.history])
    kept = {r["clients"]: r for r in (json.loads(path.read_text()) if path.exists() else [])}
    kept.update({r["clients"]: r for r in report})
    path.write_text(json.dumps([kept[c] for c in sorted(kept)], indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
