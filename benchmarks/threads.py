"""How many XGBoost threads to use on these 2-core machines: training and one-row scoring, 1 vs 2 threads, on an
idle machine and with one busy process beside it (as when a server, a browser or a test runs alongside).

    .venv/bin/python -m benchmarks.threads
"""
from __future__ import annotations

import json
import multiprocessing as mp
import time

import numpy as np

from credit_widgets.data import synth
from credit_widgets.features.builder import FeatureBuilder

from .scale import RESULTS


def _spin(stop):
    x = 0
    while not stop.is_set():
        x += 1


def measure(nthread: int, x: np.ndarray, y: np.ndarray) -> dict:
    import xgboost as xgb

    params = {"objective": "binary:logistic", "tree_method": "hist", "max_depth": 4, "eta": 0.05,
              "nthread": nthread, "max_bin": 128}
    t0 = time.perf_counter()
    booster = xgb.train(params, xgb.QuantileDMatrix(x, y, nthread=nthread, max_bin=128), num_boost_round=100)
    train_s = time.perf_counter() - t0
    row = np.ascontiguousarray(x[:1])
    booster.inplace_predict(row)
    times = []
    for _ in range(300):
        t0 = time.perf_counter()
        booster.inplace_predict(row)
        times.append(time.perf_counter() - t0)
    return {"train_100_trees_s": round(train_s, 2), "one_row_ms_median": round(1000 * float(np.median(times)), 3)}


def main() -> int:
    tables, _ = synth.generate(20_000, seed=1, test_clients=0)
    builder = FeatureBuilder().fit(tables)
    x = builder.transform(tables).to_numpy(np.float32)
    y = tables["application_train"]["TARGET"].to_numpy()
    report = {}
    for load in ("idle", "one_busy_process"):
        stop = mp.Event()
        busy = mp.Process(target=_spin, args=(stop,)) if load != "idle" else None
        if busy:
            busy.start()
        for nthread in (1, 2):
            report[f"{load}_{nthread}_threads"] = measure(nthread, x, y)
            print(load, nthread, report[f"{load}_{nthread}_threads"], flush=True)
        if busy:
            stop.set()
            busy.join()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "threads.json").write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
