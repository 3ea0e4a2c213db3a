"""What would change the answer, for every refusal: how many refusals get an indication, how many a flip within the
levers' bounds, and how long `suggest` takes.

    .venv/bin/python -m benchmarks.recourse [--count 200] [--skip-real]

1. The bundled model (models/, copied without its cache to a temporary folder) on the bundled client base (data/):
   the first `--count` unfavourable clients in the base's order.
2. The 5,000 real joined clients (/work/shared/data/homecredit-real-joined/, or CREDIT_REAL_DATA): a model trained
   on them by `python -m credit_widgets.lifecycle.train` into a temporary folder (MLflow tracking in a temporary
   sqlite file),
   then the first `--count` unfavourable clients, as above. Skipped when the folder is absent.

For each: share of refusals with an indication (a flip or a partial step; target 100 %), share with a flip within
bounds with every lever and with the loan's terms only (down payment, cheaper purchase, longer term, co-applicant:
what the previous search had, 29 % on the bundled base), and the wall time of `suggest` with every lever (median,
p99; target median < 150 ms on the bundled base), after a few warm-up calls, one XGBoost thread. The machine has
2 cores shared with other work: the load average is recorded with the figures. Written to results/recourse.json.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .decision import summary

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
REAL = Path(os.environ.get("CREDIT_REAL_DATA", ROOT.parent.parent / "shared" / "data")) / "homecredit-real-joined"
if not REAL.exists():
    REAL = Path("/work/shared/data/homecredit-real-joined")
WARMUP = 3
TARGET_MEDIAN_MS = 150.0


def measure(model, count: int) -> dict:
    refused = []
    for client in model.client_ids():
        d = model.score_client(client)
        if not d.favourable:
            refused.append(d)
            if len(refused) == count + WARMUP:
                break
    for d in refused[:WARMUP]:
        model.suggest(d)
    refused = refused[WARMUP:]
    times, found = [], []
    for d in refused:
        t0 = time.perf_counter()
        found.append(model.suggest(d))
        times.append(time.perf_counter() - t0)
    model.scorer.history_levers = False     # as through the scoring API: the loan's levers only
    loan_only = [model.suggest(d) for d in refused]
    del model.scorer.history_levers
    n = len(refused)
    kinds: dict[str, int] = {}
    for suggestions in found:
        if suggestions:
            key = "+".join(suggestions[0].levers)
            kinds[key] = kinds.get(key, 0) + 1
    partial_gain = [d.probability - s[0].probability for d, s in zip(refused, found) if s and s[0].partial]
    return {
        "refusals": n,
        "with_indication": round(sum(1 for s in found if s) / n, 4),
        "with_flip": round(sum(1 for s in found if any(x.favourable for x in s)) / n, 4),
        "with_flip_loan_terms_only": round(sum(1 for s in loan_only if any(x.favourable for x in s)) / n, 4),
        "with_history_suggestion": round(sum(1 for s in found if any(x.history for x in s)) / n, 4),
        "median_partial_gain_points": (round(100 * sorted(partial_gain)[len(partial_gain) // 2], 2)
                                       if partial_gain else None),
        "first_suggestion_levers": dict(sorted(kinds.items(), key=lambda kv: -kv[1])),
        "suggest": summary(times),
    }


def bundled(count: int) -> dict:
    from credit_widgets.scoring.service import CreditModel

    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(ROOT / "models", Path(tmp) / "models", ignore=shutil.ignore_patterns("cache"))
        model = CreditModel.load(Path(tmp) / "models", ROOT / "data")
        return {"model_version": model.version, **measure(model, count)}


def real(count: int) -> dict:
    from credit_widgets.scoring.service import CreditModel

    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "MLFLOW_TRACKING_URI": f"sqlite:///{tmp}/mlflow.db", "MLFLOW_DISABLE_TELEMETRY": "true",
               "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "credit_widgets.lifecycle.train", "--data", str(REAL),
                        "--out", f"{tmp}/model",
                        "--register-as", ""], check=True, env=env, cwd=ROOT, capture_output=True)
        trained_s = time.perf_counter() - t0
        model = CreditModel.load(Path(tmp) / "model", REAL)
        return {"model_version": model.version, "clients": len(model.client_ids()),
                "train_seconds": round(trained_s, 1), **measure(model, count)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--skip-real", action="store_true")
    args = parser.parse_args(argv)
    result = {"load_average_before": os.getloadavg(), "count": args.count, "bundled": bundled(args.count)}
    if not args.skip_real and (REAL / "application_train.csv").exists():
        result["real_joined"] = real(args.count)
    result["load_average_after"] = os.getloadavg()
    result["target_median_ms"] = TARGET_MEDIAN_MS
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "recourse.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
