"""Decision-core benchmark: how long `CreditModel.load()` takes (cold: client-base cache built; warm: cache read;
in a fresh process: import + load), the resident memory of a process holding the model, and the per-request
latency of what the page calls (score_client + reasons in French, position + similar, suggest, score_prospect).

    .venv/bin/python -m benchmarks.decision [--base-clients 307511]

Without --base-clients: the bundled model (models/) on the bundled client base (data/), written to
results/decision.json. With --base-clients N: the bundled model on a generated base of N training clients
(`python -m credit_widgets.data.synth --clients N --seed 5 --out /tmp/base<N/1000>k`, skipped when that folder already
holds application_train.parquet), written to results/decision-<N>.json.

models/ is copied (without its cache/) to a temporary folder and loaded from there, so the "cold" load builds the
client-base cache from scratch and nothing is written inside the repository. Latencies are wall times
(time.perf_counter) of single calls after a few warm-up calls, in ms (median, p90, p99). The machine has 2 cores and
may be shared: the load average before and after, and the mean number of cores other processes kept busy during
the run (machine busy time from psutil.cpu_times minus this process's and its children's), are recorded with the
figures.
Targets: score_client + reasons median < 10 ms, p99 < 30 ms; position + similar median < 20 ms; suggest median
< 300 ms; load < 2 s.
"""
# Only the standard library at module level: the --fresh-load child times `import credit_widgets` from nothing.
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import fresh

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
SEED = 0
WARMUP = 5
FRESH_RUNS = 3
TARGETS_MS = {"score_client_reasons": {"median": 10.0, "p99": 30.0}, "position_similar": {"median": 20.0},
              "suggest_unfavourable": {"median": 300.0}, "suggest_favourable": {"median": 300.0}}
TARGET_LOAD_S = 2.0


def rss_mb() -> dict:
    """Resident size now (VmRSS) and at its peak (VmHWM) of this process, in MB."""
    import psutil  # not at module level: see the note above the imports

    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss   # kB on Linux
    return {"VmRSS": round(psutil.Process().memory_info().rss / 2**20, 1), "VmHWM": round(peak_kb / 1024, 1)}


def cpu_ticks() -> tuple[float, float]:
    """(busy, total) seconds of processor time of the whole machine since boot."""
    import psutil

    times = psutil.cpu_times()
    total = times.user + times.nice + times.system + times.idle + times.iowait + times.irq + times.softirq + times.steal
    return total - times.idle - times.iowait, total


def other_load(start: tuple, started: float) -> float:
    """Mean number of cores kept busy by other processes since `start` (machine busy time minus ours)."""
    busy, _ = cpu_ticks()
    own = sum(os.times()[:4]) - start[2]
    return round(((busy - start[0]) - own) / (time.perf_counter() - started), 2)


def summary(seconds: list[float]) -> dict:
    import numpy as np

    ms = np.asarray(seconds) * 1000.0
    return {"n": int(len(ms)), "median_ms": round(float(np.median(ms)), 3),
            "p90_ms": round(float(np.percentile(ms, 90)), 3), "p99_ms": round(float(np.percentile(ms, 99)), 3),
            "mean_ms": round(float(ms.mean()), 3), "max_ms": round(float(ms.max()), 3)}


def timed(call, items, warmup: list | None = None) -> list[float]:
    for item in warmup or []:
        call(item)
    times = []
    for item in items:
        t0 = time.perf_counter()
        call(item)
        times.append(time.perf_counter() - t0)
    return times


# ---- a fresh process: import, load, memory ------------------------------------------------------------------------

def fresh_load(model_dir: str, data_dir: str) -> dict:
    t0 = time.perf_counter()
    import credit_widgets
    import_s = time.perf_counter() - t0
    before = rss_mb()
    t0 = time.perf_counter()
    model = credit_widgets.CreditModel.load(model_dir, data_dir)
    load_s = time.perf_counter() - t0
    after = rss_mb()
    first = model.client_ids()[0]
    t0 = time.perf_counter()
    decision = model.score_client(first)
    [reason.text("fr") for reason in decision.reasons]
    first_score_s = time.perf_counter() - t0
    return {"import_s": round(import_s, 3), "load_s": round(load_s, 3),
            "import_plus_load_s": round(import_s + load_s, 3),
            "first_score_client_ms": round(first_score_s * 1000, 1),
            "rss_after_import_mb": before["VmRSS"], "rss_after_load_mb": after["VmRSS"],
            "peak_rss_after_load_mb": after["VmHWM"], "rss_after_first_score_mb": rss_mb()["VmRSS"]}


def run_fresh(model_dir: Path, data_dir: Path) -> dict:
    return fresh.run("benchmarks.decision", "--fresh-load", model_dir, data_dir)


# ---- the client base ----------------------------------------------------------------------------------------------

def base_folder(clients: int) -> Path:
    return Path(f"/tmp/base{clients // 1000}k")


def ensure_base(clients: int) -> tuple[Path, float | None]:
    """The generated client base; its generation time in s, or None when it was already there."""
    folder = base_folder(clients)
    if (folder / "application_train.parquet").exists():
        print(f"client base {folder} already there: not regenerated", flush=True)
        return folder, None
    command = [sys.executable, "-m", "credit_widgets.data.synth", "--clients", str(clients), "--seed", "5",
               "--out", str(folder)]
    print("generating: " + " ".join(command), flush=True)
    t0 = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT)
    return folder, time.perf_counter() - t0


def copy_model(target: Path) -> Path:
    """models/ without cache/: loading from the copy builds the client-base cache afresh, outside the repository."""
    shutil.copytree(ROOT / "models", target, ignore=shutil.ignore_patterns("cache"))
    return target


def prospect_row(model, rng) -> tuple[dict, int]:
    """A real-looking prospect: a known client's application values for the fields a prospect form asks."""
    import numpy as np
    import pandas as pd

    from credit_widgets import InputError

    names = [f.name for f in model.prospect_fields()]
    applications = model.population.applications
    for row in rng.permutation(len(applications))[:1000]:
        record = applications.iloc[int(row)]
        inputs = {}
        for name in names:
            value = record[name]
            inputs[name] = None if pd.isna(value) else (value.item() if isinstance(value, np.generic) else value)
        try:
            model.score_prospect(inputs)
        except InputError:
            continue
        return inputs, int(model.population.ids[row])
    raise RuntimeError("no client row passes the prospect checks")


# ---- the benchmark ------------------------------------------------------------------------------------------------

def measure(args) -> dict:
    report: dict = {"machine": {"cpus": os.cpu_count(), "loadavg_before": [round(x, 2) for x in os.getloadavg()],
                                "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS"), "python": sys.version.split()[0]}}
    ticks = (*cpu_ticks(), sum(os.times()[:4]))
    started = time.perf_counter()
    data_dir = ROOT / "data"
    if args.base_clients:
        data_dir, generate_s = ensure_base(args.base_clients)
        report["base"] = {"clients_requested": args.base_clients, "folder": str(data_dir),
                          "generate_s": None if generate_s is None else round(generate_s, 1)}

    t0 = time.perf_counter()
    import numpy as np

    from credit_widgets import CreditModel
    report["in_process"] = {"import_credit_widgets_s": round(time.perf_counter() - t0, 3)}
    t0 = time.perf_counter()
    import pyarrow.parquet  # noqa: F401  (what load() imports lazily: timed apart so cold/warm compare load work)
    import xgboost
    report["in_process"]["lazy_imports_s"] = round(time.perf_counter() - t0, 3)
    report["machine"]["xgboost"] = xgboost.__version__
    home_cache = Path.home() / ".cache" / "credit_widgets"
    report["home_cache_present"] = home_cache.exists()   # a hit there would make the "cold" load warm

    with tempfile.TemporaryDirectory(prefix="decision-bench-") as tmp:
        model_dir = copy_model(Path(tmp) / "models")
        print(f"cold load: model copy {model_dir}, data {data_dir}", flush=True)
        t0 = time.perf_counter()
        CreditModel.load(model_dir, data_dir)
        cold_s = time.perf_counter() - t0
        caches = sorted(p.name for p in (model_dir / "cache").iterdir()) if (model_dir / "cache").exists() else []
        cache_mb = sum(f.stat().st_size for f in (model_dir / "cache").rglob("*") if f.is_file()) / 1024 ** 2
        warm = []
        for _ in range(3):
            t0 = time.perf_counter()
            model = CreditModel.load(model_dir, data_dir)
            warm.append(time.perf_counter() - t0)
        report["load"] = {"cold_s": round(cold_s, 3), "cache_built": caches, "cache_mb": round(cache_mb, 1),
                          "warm_s": round(float(np.median(warm)), 3), "warm_runs_s": [round(w, 3) for w in warm],
                          "peak_rss_after_cold_and_warm_mb": rss_mb()["VmHWM"]}
        print(f"  cold {cold_s:.2f} s, warm {np.median(warm):.2f} s", flush=True)

        print(f"fresh process: import + warm load, {FRESH_RUNS} runs", flush=True)
        runs = [run_fresh(model_dir, data_dir) for _ in range(FRESH_RUNS)]
        fresh = {key: float(np.median([r[key] for r in runs])) for key in runs[0]}
        report["fresh_process"] = {**fresh, "runs": runs}
        print(f"  import {fresh['import_s']:.2f} s, load {fresh['load_s']:.2f} s, "
              f"RSS {fresh['rss_after_import_mb']:.0f} -> {fresh['rss_after_load_mb']:.0f} MB", flush=True)

        ids = np.asarray(model.client_ids())
        population = model.population
        report["model"] = {"clients_in_base": int(len(ids)), "features": int(population.features.shape[1]),
                           "trees": int(model.scoring.booster.num_boosted_rounds()),
                           "threshold": model.threshold, "version": model.version}
        rng = np.random.default_rng(args.seed)
        latency = {}

        # 1. score_client + reasons in French
        chosen = [int(i) for i in rng.choice(ids, args.clients + WARMUP, replace=False)]

        def score(client_id):
            decision = model.score_client(client_id)
            return decision, [reason.text("fr") for reason in decision.reasons]

        latency["score_client_reasons"] = summary(timed(score, chosen[WARMUP:], chosen[:WARMUP]))
        print(f"  score_client + reasons: {latency['score_client_reasons']}", flush=True)

        # 2. position + similar
        decisions = [model.score_client(i) for i in chosen[WARMUP:WARMUP + args.position_clients]]
        latency["position_similar"] = summary(timed(
            lambda d: (model.position(d, "AMT_ANNUITY"), model.similar(d)), decisions, decisions[:WARMUP]))
        print(f"  position + similar: {latency['position_similar']}", flush=True)

        # 3. suggest, unfavourable and favourable clients
        unfavourable = np.flatnonzero(population.probability >= model.threshold)
        favourable = np.flatnonzero(population.probability < model.threshold)
        for label, rows, count in (("suggest_unfavourable", unfavourable, args.unfavourable),
                                   ("suggest_favourable", favourable, args.favourable)):
            picked = [model.score_client(int(population.ids[r]))
                      for r in rng.choice(rows, min(count + WARMUP, len(rows)), replace=False)]
            wanted = label == "suggest_favourable"
            picked = [d for d in picked if d.favourable == wanted]
            found = []
            times = timed(lambda d: found.append(model.suggest(d)), picked[WARMUP:], picked[:WARMUP])
            latency[label] = {**summary(times), "with_a_suggestion": sum(1 for s in found[WARMUP:] if s)}
            print(f"  {label}: {latency[label]}", flush=True)

        # 4. score_prospect with a real-looking row
        inputs, source = prospect_row(model, rng)
        latency["score_prospect"] = {**summary(timed(lambda _: model.score_prospect(inputs),
                                                     range(args.prospects), range(WARMUP))),
                                     "fields": len(inputs), "fields_given": sum(v is not None for v in inputs.values()),
                                     "from_client": source}
        print(f"  score_prospect: {latency['score_prospect']}", flush=True)
        report["latency"] = latency
        report["in_process"]["rss_holding_model_mb"] = rss_mb()["VmRSS"]

    met = {name: all(latency[name][f"{stat}_ms"] < limit for stat, limit in limits.items())
           for name, limits in TARGETS_MS.items()}
    met["load_warm_fresh_process"] = report["fresh_process"]["load_s"] < TARGET_LOAD_S
    met["load_cold"] = report["load"]["cold_s"] < TARGET_LOAD_S
    report["targets_met"] = met
    report["machine"]["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    report["machine"]["other_processes_busy_cores"] = other_load(ticks, started)
    return report


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-clients", type=int, default=None,
                        help="generate a client base of this many training clients (seed 5) and use it")
    parser.add_argument("--clients", type=int, default=500, help="clients for score_client + reasons")
    parser.add_argument("--position-clients", type=int, default=300)
    parser.add_argument("--unfavourable", type=int, default=100)
    parser.add_argument("--favourable", type=int, default=50)
    parser.add_argument("--prospects", type=int, default=300)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--fresh-load", nargs=2, metavar=("MODEL_DIR", "DATA_DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.fresh_load:
        fresh.report(fresh_load(*args.fresh_load))
        return 0
    started = time.perf_counter()
    report = measure(args)
    report["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(report, indent=2))
    RESULTS.mkdir(exist_ok=True)
    name = f"decision-{args.base_clients}.json" if args.base_clients else "decision.json"
    tmp = RESULTS / (name + ".tmp")
    tmp.write_text(json.dumps(report, indent=2))
    os.replace(tmp, RESULTS / name)
    print(f"written {RESULTS / name}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
