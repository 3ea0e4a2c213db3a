"""Scale benchmark: the whole path (generate all tables, write them, load, build features, cross-validate and
train, log to MLflow, write the model) at 20k, 100k and 307,511 clients, each in a fresh process.

    .venv/bin/python -m benchmarks.scale [--sizes 20000 100000 307511] [--threads 1]

Reports wall time per step and the peak resident memory of the process (target at full size: 20 min, 12 GB).
"""
from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path

from . import fresh

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


def one(clients: int, threads: int) -> dict:
    from credit_widgets import synth, train
    from credit_widgets.data import load_tables
    from credit_widgets.features import HISTORY_TABLES, history_features

    times = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        t0 = time.perf_counter()
        tables, truth = synth.generate(clients, seed=7)
        rows = {name: len(frame) for name, frame in tables.items()}
        synth.write(tables, truth, tmp / "data")
        del tables, truth
        times["generate_and_write_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        loaded = load_tables(tmp / "data")
        times["load_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        history_features(loaded, HISTORY_TABLES)
        times["history_features_s"] = time.perf_counter() - t0
        del loaded
        t0 = time.perf_counter()
        result = train.train(tmp / "data", tmp / "model", nthread=threads,
                             tracking_uri=f"sqlite:///{tmp / 'mlflow.db'}", quiet=False)
        times["train_total_s"] = time.perf_counter() - t0   # includes its own load and feature build
    total = times["generate_and_write_s"] + times["train_total_s"]
    return {"clients": clients, "rows": rows, **{k: round(v, 1) for k, v in times.items()},
            "whole_path_s": round(total, 1), "n_trees": result.n_rounds, "cv_auc": result.metrics["cv_auc"],
            "peak_rss_gb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2, 2)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 100_000, 307_511])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        fresh.report(one(args.one, args.threads))
        return 0
    report = []
    for clients in args.sizes:
        print(f"== {clients:,} clients", flush=True)
        try:
            report.append(fresh.run("benchmarks.scale", "--one", clients, "--threads", args.threads,
                                    echo_stderr=True))
        except RuntimeError as error:
            print(error, flush=True)
            return 1
        print(json.dumps(report[-1]), flush=True)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "scale.json").write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
