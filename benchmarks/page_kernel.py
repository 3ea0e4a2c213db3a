"""What a real page kernel costs: Voilà as `make app` starts it, over a client base, after answering clients.

    .venv/bin/python -m credit_widgets.data.synth --clients 307511 --seed 7 --out /tmp/cwbank/base307k-real
    .venv/bin/python -m benchmarks.page_kernel --base /tmp/cwbank/base307k-real --out page_kernel-307k.json
    .venv/bin/python -m benchmarks.page_kernel --base data --out page_kernel-23k.json

benchmarks/shared_base.py measures processes that hold the model as a kernel does; this one measures the kernels
themselves (ipykernel, ipywidgets, the page's widgets included). The bundled model (models/, copied without its
cache) over `--base`; the client-base cache is built first, as `make app` does; Voilà serves app.ipynb with
kernels started on request. Chromium opens `--pages` pages one after another; in each, an officer enters
`--answers` client IDs, each answered (verdict, reasons, position, similar clients) before the next. With every
page still open, each page kernel's USS (memory no other process shares: what one more page costs), PSS and RSS
from psutil `memory_full_info()`. Target at 307,511 clients: USS at most 400 MB.
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

import pandas as pd
import psutil

from .page import CHROMIUM, CHROMIUM_ARGS, cpu_s, kernel_pids, open_page, page_kernel, voila_server

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"


def _memory(pid: int) -> dict:
    info = psutil.Process(pid).memory_full_info()
    return {"uss_mb": round(info.uss / 2**20, 1), "pss_mb": round(info.pss / 2**20, 1),
            "rss_mb": round(info.rss / 2**20, 1)}


def _wait_quiet(pid: int, since_cpu: float, quiet_s: float = 2.0, limit_s: float = 180) -> float:
    """Wait until the kernel has worked (CPU time above `since_cpu`) and then stayed idle for `quiet_s`."""
    t0 = last_change = time.monotonic()
    last = cpu_s(pid)
    while time.monotonic() - t0 < limit_s:
        time.sleep(0.2)
        now, cpu = time.monotonic(), cpu_s(pid)
        if cpu != last:
            last, last_change = cpu, now
        elif cpu is not None and cpu > since_cpu and now - last_change >= quiet_s:
            return round(last_change - t0, 2)
    raise RuntimeError(f"kernel {pid} did not go quiet within {limit_s} s")


def answer_clients(page, kernel: int, clients: list[str]) -> list[float]:
    """Each client ID typed and entered; seconds until the kernel has finished answering it."""
    box = page.locator(".cw-client-id input")
    took = []
    for client in clients:
        before = cpu_s(kernel)
        box.fill(client)
        box.press("Enter")
        took.append(_wait_quiet(kernel, before))
    page.wait_for_function("() => /avorable/.test(document.querySelector('.cw-verdict').innerText)")
    return took


def measure(base: Path, pages: int, answers: int) -> dict:
    from playwright.sync_api import sync_playwright

    ids = pd.read_parquet(base / "application_train.parquet", columns=["SK_ID_CURR"])["SK_ID_CURR"]
    step = max(1, len(ids) // (pages * answers + 1))
    clients = [str(x) for x in ids.iloc[::step].head(pages * answers)]
    report: dict = {"base": str(base), "clients_in_base": None, "pages": pages, "answers_per_page": answers,
                    "machine": {"cpus": os.cpu_count(), "loadavg_before": [round(x, 2) for x in os.getloadavg()]}}
    with tempfile.TemporaryDirectory(prefix="cw-bench-kernel-") as tmp:
        scratch = Path(tmp)
        model_dir = scratch / "model"
        shutil.copytree(ROOT / "models", model_dir, ignore=shutil.ignore_patterns("cache"))
        env = {"CREDIT_MODEL_DIR": str(model_dir), "CREDIT_DATA_DIR": str(base.resolve())}
        t0 = time.perf_counter()
        warm = ("from credit_widgets import CreditModel; m = CreditModel.load(); print(len(m.client_ids()))")
        done = subprocess.run([sys.executable, "-c", warm], env=dict(os.environ, **env), cwd=ROOT,
                              capture_output=True, text=True, check=True)
        report["clients_in_base"] = int(done.stdout.split()[-1])
        report["cache_build_s"] = round(time.perf_counter() - t0, 1)   # `make app`'s first step
        with sync_playwright() as p, voila_server(scratch, preheat=False, env=env) as server:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                opened, kernels = [], []
                for i in range(pages):
                    context, page, load_s = open_page(browser, server["url"])
                    kernel = page_kernel(page, server["pid"])
                    took = answer_clients(page, kernel, clients[i * answers:(i + 1) * answers])
                    opened.append((context, page))
                    kernels.append({"pid": kernel, "page_load_s": round(load_s, 2), "answers_s": took,
                                    "after_its_answers": _memory(kernel)})
                    print(json.dumps(kernels[-1]), flush=True)
                for k in kernels:   # every page still open: the mapped client base is shared by all of them
                    k["all_pages_open"] = _memory(k["pid"])
                report["server_rss_mb"] = round(psutil.Process(server["pid"]).memory_info().rss / 2**20, 1)
                report["kernels_running"] = len(kernel_pids(server["pid"]))
                for context, _ in opened:
                    context.close()
            finally:
                browser.close()
    together = [k["all_pages_open"] for k in kernels]
    report["kernels"] = kernels
    report["all_pages_open"] = {"uss_mb_max": max(m["uss_mb"] for m in together),
                                "pss_mb_total": round(sum(m["pss_mb"] for m in together)),
                                "rss_mb_max": max(m["rss_mb"] for m in together)}
    report["target"] = {"uss_mb": 400}
    report["machine"]["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    return report


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, required=True, help="a folder of the Kaggle tables (parquet)")
    parser.add_argument("--pages", type=int, default=3)
    parser.add_argument("--answers", type=int, default=3)
    parser.add_argument("--out", default="page_kernel.json", help="file name under benchmarks/results/")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is missing: `make browser` installs it")
    report = measure(args.base, args.pages, args.answers)
    print(json.dumps(report["all_pages_open"]), flush=True)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / args.out).write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
