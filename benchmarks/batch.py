"""Batch benchmark: rows per second for scoring files, plain and with explanations, in process and on local Spark.

    .venv/bin/python -m benchmarks.batch [--clients 307511] [--seed 7] [--scratch /tmp/cw-batch]
                                         [--explain-rows 20000] [--modes ...]

A synthetic portfolio of --clients clients (credit_widgets.data.synth, seed 7, written once into --scratch, outside the
repository; the generator adds the test clients of Kaggle's ratio, so 307,511 clients are 356,255 application rows)
is scored by the bundled model (a copy of models/ in --scratch, whose client-base cache for that portfolio is built
once first: that is the "prepare" step, timed apart). Every application row goes in whole, with its SK_ID_CURR: a
known client with their history, which scores exactly as credit_widgets.lifecycle.batch does.

Modes, each in a fresh process (so that peak memory is its own):
- in_process_score: credit_widgets.lifecycle.batch.score_folder (load the tables, history features, vectorised scoring);
- in_process_pyfunc: the MLflow pyfunc's predict on chunks of 1000 rows with {"reasons": false} (the per-row API
  path, no explanation);
- in_process_explain: the same with {"explain": true} (reasons and grouped contributions);
- spark / spark_explain: credit_widgets.lifecycle.spark on a local[2] session (read, score, write parquet),
  without and with
  --explain; spark_batch10000 is `spark` with 10,000-row Arrow batches (CREDIT_API_MAX_ROWS raised to match)
  instead of 1,000.
The explain modes score the first --explain-rows rows (a sample file written once; 0 = every row).

Each measure: rows, seconds, rows/s, peak RSS (sum over the process and all its children: the Spark JVM and its
Python workers; shared pages count once per process) and of the largest single process, the CPU seconds of the
whole measuring process tree (start-up and imports included), and the load average before and after (2 shared
cores: others' work shows there). Results: results/batch.json.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from . import fresh

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
MODES = ("in_process_score", "in_process_pyfunc", "in_process_explain", "spark", "spark_explain",
         "spark_batch10000")
CHUNK = 1000


class PeakRss:
    """Samples this process and all its descendants every 0.2 s: peak RSS of the sum and of the largest process,
    and the CPU seconds they used (last sample of each process; a short-lived one may be missed by < 0.2 s)."""

    def __init__(self):
        import psutil

        self.me = psutil.Process()
        self.total = self.largest = self.processes = 0
        self.cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _sample(self):
        import psutil

        sizes = []
        for process in [self.me] + self.me.children(recursive=True):
            try:
                with process.oneshot():
                    sizes.append(process.memory_info().rss)
                    times = process.cpu_times()
                    self.cpu[process.pid] = times.user + times.system
            except psutil.Error:
                pass
        self.total, self.largest = max(self.total, sum(sizes)), max(self.largest, max(sizes))
        self.processes = max(self.processes, len(sizes))

    def _run(self):
        while not self._stop.wait(0.2):
            self._sample()

    def stop(self) -> dict:
        self._sample()
        self._stop.set()
        self._thread.join()
        return {"peak_rss_mb": round(self.total / 2 ** 20),
                "peak_rss_largest_process_mb": round(self.largest / 2 ** 20),
                "processes": self.processes, "cpu_s_whole_process": round(sum(self.cpu.values()), 1)}


def _load() -> list[float]:
    return [round(v, 2) for v in os.getloadavg()]


def _application_frame(path: Path):
    """Every application row of a folder (train then test) or a sample file, with the schema's columns only."""
    import pandas as pd

    from credit_widgets.lifecycle.spark import APPLICATION_COLUMNS, _application_files

    frames = [pd.read_parquet(f) for f in _application_files(path)]
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return frame[[c for c in frame.columns if c in APPLICATION_COLUMNS]]


def _pyfunc_chunks(model_dir: Path, source: Path, params: dict) -> tuple[int, dict]:
    import mlflow.pyfunc
    import pandas as pd

    t0 = time.perf_counter()
    model = mlflow.pyfunc.load_model(str(model_dir))
    frame = _application_frame(source)
    setup = time.perf_counter() - t0
    t0 = time.perf_counter()
    parts = [model.predict(frame.iloc[start:start + CHUNK], params=params) for start in range(0, len(frame), CHUNK)]
    answers = pd.concat(parts, ignore_index=True)
    seconds = time.perf_counter() - t0
    assert len(answers) == len(frame)
    return len(frame), {"seconds": seconds, "setup_s (load model + client base, read file)": round(setup, 2),
                        "chunk_rows": CHUNK, "params": params}


def _spark(model_dir: Path, source: Path, scratch: Path, mode: str, explain: bool, batch_rows: int
           ) -> tuple[int, dict]:
    from credit_widgets.lifecycle import spark as cs

    out = scratch / f"out-{mode}.parquet"
    shutil.rmtree(out, ignore_errors=True)
    t0 = time.perf_counter()
    session = cs.session("local[2]", batch_rows=batch_rows)
    started = time.perf_counter() - t0
    try:
        t0 = time.perf_counter()
        applications = cs.read_applications(session, source)
        cs.write(cs.score(session, applications, str(model_dir), explain=explain), out)
        seconds = time.perf_counter() - t0
        rows = session.read.parquet(str(out)).count()
    finally:
        session.stop()
        shutil.rmtree(out, ignore_errors=True)
    return rows, {"seconds": seconds, "session_start_s": round(started, 2), "master": "local[2]",
                  "arrow_batch_rows": batch_rows, "explain": explain,
                  "includes": "read, model copy and warm-up row, score, write parquet (not the session start)"}


def one(mode: str, data: Path, sample: Path, model_dir: Path, scratch: Path) -> dict:
    os.environ["CREDIT_DATA_DIR"] = str(data)   # the client base: the synthetic portfolio
    os.environ["SPARK_LOCAL_DIRS"] = str(scratch / "spark-local")
    (scratch / "spark-local").mkdir(exist_ok=True)
    peak = PeakRss()
    load_before = _load()
    if mode == "in_process_score":
        from credit_widgets.lifecycle.batch import score_folder
        from credit_widgets.model.artifacts import ScoringModel

        t0 = time.perf_counter()
        scores = score_folder(ScoringModel.load(model_dir), data)
        rows, extra = len(scores), {"seconds": time.perf_counter() - t0,
                                    "includes": "load model and every table, history features, score, decide"}
    elif mode == "in_process_pyfunc":
        rows, extra = _pyfunc_chunks(model_dir, data, {"reasons": False})
    elif mode == "in_process_explain":
        rows, extra = _pyfunc_chunks(model_dir, sample, {"explain": True})
    elif mode == "spark":
        rows, extra = _spark(model_dir, data, scratch, mode, False, 1000)
    elif mode == "spark_explain":
        rows, extra = _spark(model_dir, sample, scratch, mode, True, 1000)
    elif mode == "spark_batch10000":
        rows, extra = _spark(model_dir, data, scratch, mode, False, 10_000)
    else:
        raise ValueError(mode)
    seconds = extra.pop("seconds")
    return {"mode": mode, "rows": rows, "seconds": round(seconds, 2), "rows_per_s": round(rows / seconds, 1),
            **extra, **peak.stop(), "loadavg_before": load_before, "loadavg_after": _load()}


def prepare(clients: int, seed: int, scratch: Path, explain_rows: int) -> tuple[Path, Path, Path, dict]:
    """The portfolio (generated once), a copy of the bundled model with the portfolio's client base cached beside
    it (built once), and the explain sample file."""
    import pandas as pd

    info: dict = {"clients": clients, "seed": seed, "folder": None}
    data = scratch / f"synth-{clients}-s{seed}"
    info["folder"] = str(data)
    if not (data / "truth.csv").exists():
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "credit_widgets.data.synth", "--clients", str(clients),
                        "--seed", str(seed),
                        "--out", str(data)], check=True, cwd=ROOT)
        info["generate_s"] = round(time.perf_counter() - t0, 1)
    model_dir = scratch / "model"
    if not (model_dir / "MLmodel").exists():
        shutil.copytree(ROOT / "models", model_dir, ignore=shutil.ignore_patterns("cache"))
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", "import sys; from credit_widgets import CreditModel; "
                           "CreditModel.load(sys.argv[1], sys.argv[2])", str(model_dir), str(data)],
                          cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(done.stderr[-3000:])
    info["client_base_load_s (cold the first time, then cached)"] = round(time.perf_counter() - t0, 1)
    info["client_base_cache_mb"] = round(sum(f.stat().st_size for f in (model_dir / "cache").rglob("*")
                                             if f.is_file()) / 2 ** 20)
    frame = _application_frame(data)
    info["application_rows"] = len(frame)
    sample = scratch / f"sample-{clients}-s{seed}-{explain_rows or 'all'}" / "application_test.parquet"
    if not sample.exists():
        sample.parent.mkdir(parents=True, exist_ok=True)
        (frame.iloc[:explain_rows] if explain_rows else frame).to_parquet(sample, index=False)
    info["explain_sample_rows"] = len(pd.read_parquet(sample, columns=["SK_ID_CURR"]))
    return data, sample.parent, model_dir, info


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.batch", description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=307_511)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--scratch", type=Path, default=Path("/tmp/cw-batch"))
    parser.add_argument("--explain-rows", type=int, default=20_000, help="rows of the explain sample (0: all)")
    parser.add_argument("--modes", nargs="+", default=list(MODES), choices=MODES)
    parser.add_argument("--out", type=Path, default=RESULTS / "batch.json")
    parser.add_argument("--add", action="store_true",
                        help="append these measures to those already in --out (e.g. explain on every row)")
    parser.add_argument("--one", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--paths", nargs=4, type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    if args.one:
        fresh.report(one(args.one, *args.paths))
        return 0
    args.scratch.mkdir(parents=True, exist_ok=True)
    load_before = _load()
    data, sample, model_dir, info = prepare(args.clients, args.seed, args.scratch, args.explain_rows)
    print(json.dumps(info), flush=True)
    measures = []
    for mode in args.modes:
        print(f"== {mode}", flush=True)
        try:
            measures.append(fresh.run("benchmarks.batch", "--one", mode, "--paths", data, sample, model_dir,
                                      args.scratch))
        except RuntimeError as error:
            print(error, flush=True)
            return 1
        print(json.dumps(measures[-1]), flush=True)
    import pyspark

    result = {"machine": {"cpus": os.cpu_count(), "loadavg_before": load_before, "loadavg_after": _load(),
                          "python": sys.version.split()[0], "pyspark": pyspark.__version__,
                          "xgboost_threads": 1},
              "portfolio": info, "measures": measures}
    if args.add and args.out.exists():
        earlier = json.loads(args.out.read_text())
        earlier.setdefault("added_runs", []).append({"machine": result["machine"], "portfolio": info,
                                                     "modes": args.modes})
        earlier["measures"] += [{**m, "explain_sample_rows": info["explain_sample_rows"]} for m in measures]
        result = earlier
    args.out.parent.mkdir(exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
