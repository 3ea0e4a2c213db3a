"""The loan officer's page in a real browser: how long until it is usable, how fast it answers, what a kernel costs.

    .venv/bin/python -m benchmarks.page [--load-runs 5] [--answer-runs 20]

Starts Voilà as `make app` does (`harness.voila`: repository `voila.json`, `credit` template through JUPYTER_PATH)
on a free loopback port, twice: kernels started on request, then pre-heated (`--preheat_kernel=True --pool_size=1`),
and drives Debian's Chromium (/usr/bin/chromium) with Playwright:

- page load: `page.goto` to the first `.cw-client-id input` visible, in a fresh browser context each time (no HTTP
  cache). "cold": the kernel starts and runs the notebook on request. "warm": a pre-heated kernel is waiting (the
  pool is let refill, i.e. its kernel has gone quiet, before each run).
- answers, timed inside the page (performance.now(), checked on every animation frame): from the client ID landing
  in its box (the box updates as typed, so the kernel starts on the ID itself; Enter follows at once) to the
  `.cw-verdict` text changing, alternating favourable and unfavourable clients so that it changes every time;
  from Enter in a prospect field (AMT_CREDIT, alternating two amounts) to the `.cw-probability` text changing.
- memory: resident size (RSS, from psutil) of the server's `ipykernel_launcher` children: a page's kernel after
  loading and after the answers, an idle pre-heated kernel, and the Voilà server itself.

Writes benchmarks/results/page.json. Decisions go to a throw-away audit log, not the repository's.
"""
from __future__ import annotations

import argparse
import json
import os
import select
import statistics
import tempfile
import time
from pathlib import Path

from harness import REPO
from harness.browser import CHANGED, CHROMIUM, CHROMIUM_ARGS, PAGE_CLOCK, page_kernel
from harness.officers import alternating_clients
from harness.processes import cpu_s, kernel_pids, rss_mb, wait_quiet_kernel
from harness.voila import LOAD_MS, STEP_MS, voila_server

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


# ---- browser ------------------------------------------------------------------------------------------------------
def open_page(browser, url: str):
    """A fresh context and the page in it; returns (context, page, seconds from goto to the ID box visible)."""
    context = browser.new_context(viewport={"width": 1320, "height": 900}, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(STEP_MS)
    t0 = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(".cw-client-id input", state="visible", timeout=LOAD_MS)
    return context, page, time.perf_counter() - t0


def close_page(context, page, server_pid: int) -> bool:
    """Leave the page (its unload beacon asks Voilà to shut its kernel down); True once that kernel has ended."""
    kernel = page_kernel(page, server_pid)
    exited = os.pidfd_open(kernel) if kernel else None
    try:
        page.goto("about:blank")
        context.close()
        return exited is None or bool(select.select([exited], [], [], 30)[0])
    finally:
        if exited is not None:
            os.close(exited)


def timed_change(page, arm: str, action, selector: str) -> float:
    """Milliseconds from the armed event to `selector`'s text changing, measured in the page."""
    before = page.locator(selector).inner_text().strip()
    page.evaluate(f"() => {{ window.__cw = {{arm: '{arm}', start: null, end: null}}; }}")
    action()
    page.wait_for_function(CHANGED, arg=[selector, before], polling="raf", timeout=STEP_MS)
    clock = page.evaluate("window.__cw")
    if clock["start"] is None:
        raise RuntimeError(f"no {arm} event seen")
    return clock["end"] - clock["start"]


def summary(values: list[float], unit: str) -> dict:
    """Runs, median, p90, p95 (nearest rank: with ten runs p95 is the largest) and max."""
    ordered = sorted(values)
    rank = lambda q: ordered[min(len(ordered) - 1, max(0, int(round(q * len(ordered))) - 1))]  # noqa: E731
    digits = 3 if unit == "s" else 1
    return {f"runs_{unit}": [round(v, digits) for v in values],
            f"median_{unit}": round(statistics.median(values), digits), f"p90_{unit}": round(rank(0.9), digits),
            f"p95_{unit}": round(rank(0.95), digits), f"max_{unit}": round(max(values), digits)}


# ---- what to type -------------------------------------------------------------------------------------------------
def alternating_amounts(model) -> list[str]:
    """Two credit amounts whose probabilities (shown to 0.1 point) differ from each other and from the example's,
    for the example prospect (the form's "example" button)."""
    prospect = {}
    for field in model.prospect_fields():
        if field.default in (None, ""):
            continue
        numeric = field.kind in ("amount", "number", "integer", "score")
        prospect[field.name] = float(field.from_display(field.default)) if numeric else field.default

    def shown(amount: float) -> int:   # tenths of a point
        return round(1000 * model.score_prospect(dict(prospect, AMT_CREDIT=amount)).probability)

    default = shown(prospect["AMT_CREDIT"])
    candidates = [150_000, 250_000, 400_000, 800_000, 1_200_000, 1_600_000, 2_000_000]
    for a in candidates:
        for b in candidates:
            if abs(shown(a) - default) >= 2 and abs(shown(b) - shown(a)) >= 2 and abs(shown(b) - default) >= 2:
                return [str(a), str(b)]
    raise RuntimeError("no two credit amounts give different probabilities: pick other candidates")


# ---- the measures -------------------------------------------------------------------------------------------------
def measure_loads(browser, server: dict, runs: int, preheat: bool) -> dict:
    seconds, refills, closed = [], [], []
    for _ in range(runs):
        if preheat:
            refills.append(wait_quiet_kernel(server["pid"], exclude=set()))
        context, page, took = open_page(browser, server["url"])
        seconds.append(took)
        closed.append(close_page(context, page, server["pid"]))
    out = summary(seconds, "s")
    out["kernel_shut_down_when_page_closed"] = all(closed)
    if refills:
        out["pool_refill_waited_s"] = [r["waited_s"] for r in refills]
        out["idle_preheated_kernel_rss_mb"] = [r["rss_mb"] for r in refills]
        out["idle_preheated_kernel_cpu_s"] = [r["cpu_s"] for r in refills]
    return out


def measure_answers(browser, server: dict, runs: int, clients: list[str], amounts: list[str]) -> dict:
    context, page, took = open_page(browser, server["url"])
    try:
        kernel = page_kernel(page, server["pid"])
        report = {"page_load_s": round(took, 3), "kernel_rss_after_load_mb": rss_mb(kernel)}
        page.evaluate(PAGE_CLOCK)
        box = page.locator(".cw-client-id input")

        def enter_client(client):
            box.fill(client)
            box.press("Enter")

        enter_client(clients[0])   # the first answer (cold caches in the kernel) is measured apart
        page.wait_for_function("() => /avorable/.test(document.querySelector('.cw-verdict').innerText)",
                               polling="raf")
        report["first_client_note"] = "first answer of the kernel, not in the runs below"
        client_ms = [timed_change(page, "input", lambda c=c: enter_client(c), ".cw-verdict")
                     for c in clients[1:runs + 1]]
        report["client_id_to_verdict"] = summary(client_ms, "ms")

        page.locator(".cw-mode button").nth(1).click()
        page.wait_for_selector(".cw-prospect-form", state="visible")
        page.locator(".cw-example").click()   # the form starts empty: the example is the prospect timed here
        page.wait_for_function("() => /%/.test(document.querySelector('.cw-probability').innerText)",
                               polling="raf")
        field = page.locator(".cw-field-AMT_CREDIT input")

        def enter_amount(amount):
            field.fill(amount)
            field.press("Enter")

        prospect_ms = []
        for i in range(runs + 1):
            ms = timed_change(page, "enter", lambda a=amounts[i % 2]: enter_amount(a), ".cw-probability")
            if i:   # the first change is measured apart, as for clients
                prospect_ms.append(ms)
        report["prospect_field_to_probability"] = summary(prospect_ms, "ms")
        report["kernel_rss_after_answers_mb"] = rss_mb(kernel)
        report["kernel_cpu_s_after_answers"] = cpu_s(kernel)
        return report
    finally:
        close_page(context, page, server["pid"])


def measure(args) -> dict:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is missing: `make browser` installs it")
    if not (REPO / "credit_widgets" / "widgets" / "__init__.py").exists():
        raise SystemExit("the page (credit_widgets/widgets/) has not landed yet")
    from credit_widgets import CreditModel

    model = CreditModel.load()
    clients = alternating_clients(model, args.answer_runs + 1)
    amounts = alternating_amounts(model)
    del model
    report: dict = {"machine": {"cpus": os.cpu_count(), "loadavg_before": [round(x, 2) for x in os.getloadavg()]},
                    "method": {"load": "goto -> first .cw-client-id input visible, fresh context each run",
                               "client": "ID in its box (input event) -> .cw-verdict text changed, in-page clock",
                               "prospect": "Enter in AMT_CREDIT -> .cw-probability text changed, in-page clock"}}
    with tempfile.TemporaryDirectory(prefix="cw-bench-page-") as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for preheat in (False, True):
                name = "warm_preheated" if preheat else "cold_on_demand"
                scratch = Path(tmp) / name
                scratch.mkdir()
                with voila_server(scratch, preheat) as server:
                    report[name] = {"page_load": measure_loads(browser, server, args.load_runs, preheat)}
                    if not preheat:
                        report[name]["answers"] = measure_answers(browser, server, args.answer_runs, clients, amounts)
                    report[name]["voila_server_rss_mb"] = rss_mb(server["pid"])
                    report[name]["kernels_running_at_end"] = len(kernel_pids(server["pid"]))
                print(name, json.dumps(report[name]), flush=True)
        finally:
            browser.close()
    report["machine"]["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    return report


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--load-runs", type=int, default=5)
    parser.add_argument("--answer-runs", type=int, default=20)
    parser.add_argument("--out", default=str(RESULTS / "page.json"))
    args = parser.parse_args(argv)
    report = measure(args)
    print(json.dumps(report, indent=2))
    out = Path(args.out)
    out.parent.mkdir(exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(report, indent=2) + "\n")
    os.replace(tmp, out)
    print(f"written {out}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
