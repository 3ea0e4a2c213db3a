"""The loan officer's page in a real browser: how long until it is usable, how fast it answers, what a kernel costs.

    .venv/bin/python -m benchmarks.page [--load-runs 5] [--answer-runs 20]

Starts Voilà as `make app` does (repository `voila.json`, `credit` template through JUPYTER_PATH) on a free loopback
port, twice: kernels started on request, then pre-heated (`--preheat_kernel=True --pool_size=1`), and drives
Debian's Chromium (/usr/bin/chromium) with Playwright:

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
import signal
import socket
import statistics
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "results"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
LOAD_MS = 180_000
STEP_MS = 60_000

# In-page clocks: armed before an action, started by the first `input` (or Enter keydown) event, stopped by the
# check that sees the expected change (run on each animation frame by wait_for_function(polling="raf")).
PAGE_CLOCK = """() => {
    window.__cw = {arm: null, start: null, end: null};
    const mark = kind => event => {
        if (window.__cw.arm === kind && window.__cw.start === null &&
            (kind === 'input' || event.key === 'Enter')) window.__cw.start = performance.now();
    };
    document.addEventListener('input', mark('input'), true);
    document.addEventListener('keydown', mark('enter'), true);
}"""
CHANGED = """([selector, before]) => {
    const text = document.querySelector(selector).innerText.trim();
    if (text === before || !/\\S/.test(text)) return false;
    if (window.__cw.end === null) window.__cw.end = performance.now();
    return true;
}"""


# ---- processes ----------------------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cmdline(pid: int) -> str:
    """A live process's command line; "" once it has ended (a zombie has none either)."""
    try:
        return " ".join(psutil.Process(pid).cmdline())
    except psutil.Error:
        return ""


def kernel_pids(server_pid: int) -> list[int]:
    """The server's `ipykernel_launcher` children (they run in sessions of their own)."""
    try:
        children = psutil.Process(server_pid).children()
    except psutil.Error:
        return []
    return sorted(c.pid for c in children if "ipykernel_launcher" in _cmdline(c.pid))


def rss_mb(pid: int) -> float | None:
    try:
        return round(psutil.Process(pid).memory_info().rss / 2**20, 1)
    except psutil.Error:
        return None


def cpu_s(pid: int) -> float | None:
    try:
        times = psutil.Process(pid).cpu_times()
    except psutil.Error:
        return None
    return times.user + times.system


def wait_quiet_kernel(server_pid: int, exclude: set[int], quiet_s: float = 1.5, limit_s: float = 180) -> dict:
    """Wait for a kernel not serving a page to be started, to have run the notebook and to have gone quiet (its
    CPU time unchanged for `quiet_s`): the pre-heated pool is full again. Returns how long that took."""
    t0 = time.perf_counter()
    last: dict[int, tuple[float, float]] = {}
    while time.perf_counter() - t0 < limit_s:
        now = time.perf_counter()
        for pid in kernel_pids(server_pid):
            if pid in exclude:
                continue
            cpu = cpu_s(pid)
            if cpu is None:
                continue
            seen_cpu, since = last.get(pid, (None, now))
            if cpu != seen_cpu:
                last[pid] = (cpu, now)
            elif cpu > 1.0 and now - since >= quiet_s:
                return {"pid": pid, "waited_s": round(now - t0, 2), "cpu_s": round(cpu, 2), "rss_mb": rss_mb(pid)}
        time.sleep(0.1)
    raise RuntimeError(f"no pre-heated kernel went quiet within {limit_s} s")


@contextmanager
def voila_server(scratch: Path, preheat: bool = False, pool_size: int = 1, extra_args: tuple[str, ...] = (),
                 env: dict | None = None):
    """Voilà as `make app` starts it, on a free loopback port, with a throw-away audit log; stopped on exit by its
    own process group (the browser tests use it too). `extra_args` go last on the command line, where they override
    voila.json (as `make app`'s POOL_SIZE does); `env` adds to the server's environment (APP_USER_HEADER...)."""
    env = dict(os.environ, **(env or {}),
               JUPYTER_PATH=str(REPO / "share" / "jupyter"),
               JUPYTER_RUNTIME_DIR=str(scratch / "runtime"),
               IPYTHONDIR=str(scratch / "ipython"),
               MPLCONFIGDIR=str(scratch / "mpl"),
               CREDIT_AUDIT_LOG=str(scratch / "audit.sqlite"),
               MLFLOW_DISABLE_TELEMETRY="true")
    port = _free_port()
    command = [str(REPO / ".venv" / "bin" / "voila"), "app.ipynb", "--no-browser", f"--port={port}",
               "--Voila.ip=127.0.0.1"]
    # voila.json pre-heats one kernel; the cold case turns that off to measure a kernel started on request
    command += ["--preheat_kernel=True", f"--pool_size={pool_size}"] if preheat else ["--preheat_kernel=False"]
    command += list(extra_args)
    log_path = scratch / f"voila-{'preheat' if preheat else 'on-demand'}.log"
    with open(log_path, "wb") as log:
        server = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        # a static file: fetching the page itself would start a kernel
        wait_until_answering(server, urllib.request.Request(url + "voila/static/voila.js"), log_path, "voila")
        yield {"url": url, "pid": server.pid, "log": log_path}
    finally:
        stop_with_kernels(server)


def wait_until_answering(server: subprocess.Popen, request: urllib.request.Request, log: Path, name: str) -> None:
    """Poll `request` until it answers 200; the server's log tail in the error if it exits or never answers."""
    deadline = time.monotonic() + LOAD_MS / 1000
    while True:
        if server.poll() is not None:
            raise RuntimeError(f"{name} exited:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(request, timeout=5) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{name} did not answer:\n{log.read_text()[-3000:]}")
        time.sleep(0.2)


def stop_with_kernels(server: subprocess.Popen) -> None:
    """Stop a Jupyter/Voilà server by its process group, then any kernel it left behind."""
    kernels = kernel_pids(server.pid)
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
    except ProcessLookupError:
        pass
    for pid in kernels:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


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


KERNEL_ID = "() => JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId"


def kernel_pid(server_pid: int, kernel_id: str) -> int | None:
    """The process of one of the server's kernels, found by its connection file's name."""
    for pid in kernel_pids(server_pid):
        if f"kernel-{kernel_id}.json" in _cmdline(pid):
            return pid
    return None


def page_kernel(page, server_pid: int) -> int | None:
    return kernel_pid(server_pid, page.evaluate(KERNEL_ID))


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
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, max(0, int(round(0.9 * len(ordered))) - 1))]
    digits = 3 if unit == "s" else 1
    return {f"runs_{unit}": [round(v, digits) for v in values], f"median_{unit}": round(statistics.median(values),
                                                                                         digits),
            f"p90_{unit}": round(p90, digits), f"max_{unit}": round(max(values), digits)}


# ---- what to type -------------------------------------------------------------------------------------------------
def alternating_clients(model, count: int) -> list[str]:
    """Distinct clients, favourable and unfavourable in turn, so that the verdict's text changes at every step."""
    favourable, unfavourable = [], []
    for client in model.client_ids():
        (favourable if model.score_client(client).favourable else unfavourable).append(str(client))
        if len(favourable) >= count and len(unfavourable) >= count:
            break
    return [(favourable, unfavourable)[i % 2][i // 2] for i in range(count)]


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
