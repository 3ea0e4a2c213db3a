"""Kernels that share the client base: the memory of one page's process at 307,511 clients, alone and ten at once.

    .venv/bin/python -m credit_widgets.data.synth --clients 307511 --seed 7 --out /tmp/cwbank/base307k
    .venv/bin/python -m benchmarks.shared_base --base /tmp/cwbank/base307k [--kernels 10] [--answers 20]

The bundled model (models/, copied without its cache to a temporary folder) over the generated base. Each
measure is a fresh Python process, as a Voilà kernel is: it imports the package, loads the model
(`CreditModel.load`: the first one builds the client-base cache, the next ones map it), answers `--answers`
clients as the page does (score + reasons in French, position on the annuity/income ratio, similar clients), and
reports its memory with psutil `memory_full_info()`: USS (memory no other process shares: what one more page
costs), PSS (shared pages divided among the processes that map them) and RSS. Then `--kernels` such processes are
started together and held alive while their PSS and USS are summed. Writes benchmarks/results/shared_base.json
(`--out shared_base-23k.json --base data` for the bundled 23,170 clients).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import fresh

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"


def _memory(pid: int | None = None) -> dict:
    import psutil

    info = psutil.Process(pid).memory_full_info()
    return {"uss_mb": round(info.uss / 2**20, 1), "pss_mb": round(info.pss / 2**20, 1),
            "rss_mb": round(info.rss / 2**20, 1)}


def child(model_dir: str, data_dir: str, answers: int, hold: bool) -> None:
    started = time.perf_counter()
    from credit_widgets import CreditModel

    model = CreditModel.load(model_dir, data_dir)
    load_s = time.perf_counter() - started
    ids = model.client_ids()
    step = max(1, len(ids) // answers)
    times = []
    for client in ids[::step][:answers]:
        t = time.perf_counter()
        d = model.score_client(client)
        [r.text("fr") for r in d.reasons]
        model.position(d, "ANNUITY_INCOME_RATIO")
        model.similar(d)
        times.append(1000 * (time.perf_counter() - t))
    fresh.report({"import_plus_load_s": round(load_s, 2), "clients": len(ids),
                  "answer_ms_median": round(statistics.median(times), 1), "answer_ms_max": round(max(times), 1),
                  "first_answer_ms": round(times[0], 1), **_memory()})
    if hold:  # stay alive, memory mapped, until the parent has measured all of us
        sys.stdin.read()


def together(model_dir: Path, data_dir: Path, kernels: int, answers: int) -> dict:
    command = [sys.executable, "-m", "benchmarks.shared_base", "--child", str(model_dir), str(data_dir),
               str(answers), "--hold"]
    procs = [subprocess.Popen(command, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
             for _ in range(kernels)]
    try:
        reports = []
        for p in procs:
            for line in p.stdout:
                if line.startswith(fresh.PREFIX):
                    reports.append(json.loads(line[len(fresh.PREFIX):]))
                    break
            else:
                raise RuntimeError(f"a kernel process exited with {p.wait()}")
        held = [_memory(p.pid) for p in procs]  # all alive and mapped at this moment
    finally:
        for p in procs:
            p.stdin.close()
            p.wait()
    return {"kernels": kernels, "total_pss_mb": round(sum(m["pss_mb"] for m in held)),
            "total_uss_mb": round(sum(m["uss_mb"] for m in held)),
            "uss_mb_max": max(m["uss_mb"] for m in held), "pss_mb_max": max(m["pss_mb"] for m in held),
            "answer_ms_median_max": max(r["answer_ms_median"] for r in reports),
            "import_plus_load_s_max": max(r["import_plus_load_s"] for r in reports)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", type=Path)
    parser.add_argument("--kernels", type=int, default=10)
    parser.add_argument("--answers", type=int, default=20)
    parser.add_argument("--child", nargs=3, metavar=("MODEL_DIR", "DATA_DIR", "ANSWERS"))
    parser.add_argument("--hold", action="store_true")
    parser.add_argument("--out", default="shared_base.json", help="file name under benchmarks/results/")
    args = parser.parse_args(argv)
    if args.child:
        child(args.child[0], args.child[1], int(args.child[2]), args.hold)
        return 0
    scratch = Path(tempfile.mkdtemp(prefix="cw-shared-"))
    try:
        model_dir = scratch / "model"
        shutil.copytree(ROOT / "models", model_dir, ignore=shutil.ignore_patterns("cache"))
        first = fresh.run("benchmarks.shared_base", "--child", model_dir, args.base, args.answers)
        cache = next((model_dir / "cache").iterdir())
        cache_mb = sum(f.stat().st_size for f in cache.rglob("*") if f.is_file()) / 2**20
        warm = [fresh.run("benchmarks.shared_base", "--child", model_dir, args.base, args.answers)
                for _ in range(2)]
        ten = together(model_dir, args.base, args.kernels, args.answers)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    result = {"base": str(args.base), "clients": first["clients"], "cold_first_kernel": first,
              "cache_mb": round(cache_mb), "warm_kernel": warm, "together": ten,
              "machine": {"cpus": os.cpu_count(), "loadavg": os.getloadavg()},
              "targets": {"uss_mb": 400, "ten_kernels_total_pss_mb": 5000}}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / args.out).write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
