"""Ten loan officers at once, each in a browser context of their own on one Chromium (async Playwright), each
typing a client of their own and a prospect of their own; what each page showed and how long each answer took.

The browser test (tests/system/test_officers.py), the proxy test (tests/system/test_proxy.py) and the benchmark
(benchmarks/officers.py) drive these same sessions: the tests check what the pages showed, the benchmark
summarises the timings and the memory. Answers are planned against the in-process CreditModel so that every
officer's shown probabilities differ from every other's: a page showing another officer's answer is seen.
"""
from __future__ import annotations

import asyncio
import os
import re
import statistics
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from .browser import (
    CHANGED,
    CHARTS_DRAWN,
    CHROMIUM,
    CHROMIUM_ARGS,
    CONTENT_HEIGHT,
    HEIGHT,
    KERNEL_ID,
    PAGE_CLOCK,
    VERDICT_EN,
    VERDICT_FR,
    WIDTH,
)
from .processes import cpu_s, descendants, kernel_pid, kernel_pids, pss_mb, rss_mb
from .voila import LOAD_MS, STEP_MS

OFFICERS = 10
# Guards against a hung run only (nothing is asserted on time): ten kernels starting together on two shared cores.
MANY_LOAD_MS = 3 * LOAD_MS
MANY_STEP_MS = 3 * STEP_MS
# ui:similar, the last line an answer draws
SIMILAR_FR, SIMILAR_EN = re.compile("Parmi les .* clients les plus proches"), re.compile("Among the .* closest clients")

# What one page shows, read in one go (hidden parts are not in innerText).
SHOWN = """() => {
    const text = selector => { const e = document.querySelector(selector); return e ? e.innerText.trim() : null; };
    const form = Object.fromEntries([...document.querySelectorAll(".cw-prospect-form [class*='cw-field-']")]
        .map(box => [[...box.classList].find(c => c.startsWith('cw-field-')).slice(9),
                     (box.querySelector('input, select, textarea') || {}).value]));
    return {verdict: text('.cw-verdict'), probability: text('.cw-probability b'), error: text('.cw-error'),
            body: document.body.innerText, form};
}"""


# ---- what each officer types, and what the page must answer ---------------------------------------------------------
def alternating_clients(model, count: int) -> list[str]:
    """Distinct clients, favourable and unfavourable in turn, so that the verdict's text changes at every step."""
    favourable, unfavourable = [], []
    for client in model.client_ids():
        (favourable if model.score_client(client).favourable else unfavourable).append(str(client))
        if len(favourable) >= count and len(unfavourable) >= count:
            break
    return [(favourable, unfavourable)[i % 2][i // 2] for i in range(count)]


@dataclass
class Officer:
    index: int
    client: str                   # an ID from the client base
    client_verdict: str           # as the page shows them in French (the in-process CreditModel's answer)
    client_probability: str
    prospect_first: dict          # prospect fields typed first, as the officer types them
    prospect_between: str         # the probability shown once they are in
    prospect_credit: str          # the credit amount typed last (the timed answer)
    prospect_verdict: str
    prospect_probability: str


def form_decision(model, typed: dict):
    """What the page answers for a prospect: the form's own parsing (a fresh ProspectForm, its defaults, the typed
    texts in French), then `score_prospect` on the values it would send, as `CreditApp._on_form` does."""
    from credit_widgets.widgets.form import ProspectForm

    form = ProspectForm(model.prospect_fields(), "fr")
    form.set_texts(typed)
    return model.score_prospect({k: v for k, v in form.values().items() if v is not None})


def plan_officers(model, count: int = OFFICERS) -> list[Officer]:
    """`count` officers: distinct clients (favourable and unfavourable in turn) and distinct prospects, such that
    the 2 x `count` probabilities shown (to 0.1 point) all differ: a page showing another officer's answer is seen."""
    from credit_widgets.text import i18n

    # as the page writes it: with the decimals that tell the probability from the threshold
    shown = lambda d: i18n.probability_texts(d.probability, d.threshold, "fr")["p"]  # noqa: E731
    used: set[str] = set()
    clients = []
    for client in alternating_clients(model, 4 * count):
        d = model.score_client(int(client))
        if shown(d) not in used:
            used.add(shown(d))
            clients.append((client, d))
        if len(clients) == count:
            break
    else:
        raise RuntimeError(f"fewer than {count} clients with distinct probabilities")
    officers = []
    for i, (client, d) in enumerate(clients):
        # external scores spread the answers (the amounts alone move this model little); French decimals
        # the credit comes first: the page answers only once income, credit and instalment are all given
        first = {"AMT_CREDIT": "250000", "AMT_INCOME_TOTAL": str(90_000 + 20_000 * i),
                 "AMT_ANNUITY": str(18_000 + 3_000 * i),
                 "EXT_SOURCE_2": f"0,{15 + 7 * i:02d}", "EXT_SOURCE_3": f"0,{80 - 6 * i:02d}"}
        between = form_decision(model, first)
        for step in range(60):
            credit = str(300_000 + 40_000 * ((i + 7 * step) % 45))
            after = form_decision(model, dict(first, AMT_CREDIT=credit))
            if shown(after) not in used and shown(after) != shown(between):
                break
        else:
            raise RuntimeError(f"no credit amount gives officer {i} a probability of its own")
        used.add(shown(after))
        officers.append(Officer(i, client, d.verdict("fr"), shown(d), first, shown(between), credit,
                                after.verdict("fr"), shown(after)))
    return officers


# ---- one officer's session --------------------------------------------------------------------------------------
@dataclass
class Session:
    officer: Officer
    context: object = None
    page: object = None
    kernel_id: str = ""
    kernel_pid: int | None = None
    load_s: float | None = None
    verdict_ms: float | None = None
    prospect_ms: float | None = None
    client_shown: dict = field(default_factory=dict)
    prospect_shown: dict = field(default_factory=dict)
    failure: str | None = None
    console: list = field(default_factory=list)   # the page's console errors and failed requests


async def barrier(page) -> None:
    """The kernel handles messages in order: once a language switch there and back has re-rendered the answer,
    everything typed before it has been answered (tests/system/test_page_e2e.py's barrier, for async Playwright). The
    re-rendering sets the verdict first and the standing panel's nearest-clients line last, each its own message:
    wait for that line too, or a page read at once may still show part of the answer in English. (The download,
    once the last thing drawn, appears only after an outcome is recorded.)"""
    from playwright.async_api import expect

    await page.locator(".cw-lang button", has_text="EN").click()
    await expect(page.locator(".cw-verdict")).to_have_text(VERDICT_EN, timeout=MANY_STEP_MS)
    await expect(page.locator(".cw-standing")).to_contain_text(SIMILAR_EN, timeout=MANY_STEP_MS)
    await page.locator(".cw-lang button", has_text="FR").click()
    await expect(page.locator(".cw-verdict")).to_have_text(VERDICT_FR, timeout=MANY_STEP_MS)
    await expect(page.locator(".cw-standing")).to_contain_text(SIMILAR_FR, timeout=MANY_STEP_MS)


async def _set_field(page, column: str, text: str) -> None:
    box = page.locator(f".cw-field-{column} input")
    await box.fill(text)
    await box.press("Enter")


async def _clocked(page, arm: str, action, selector: str, before: str) -> float:
    """Milliseconds from the armed event to `selector`'s text changing from `before`, on the page's own clock."""
    await page.evaluate(f"() => {{ window.__cw = {{arm: '{arm}', start: null, end: null}}; }}")
    await action()
    await page.wait_for_function(CHANGED, arg=[selector, before], polling="raf", timeout=MANY_STEP_MS)
    clock = await page.evaluate("window.__cw")
    if clock["start"] is None:
        raise RuntimeError(f"no {arm} event seen")
    return clock["end"] - clock["start"]


async def open_and_answer(browser, url: str, server_pid: int, officer: Officer,
                          failures: Path | None = None, credentials: dict | None = None) -> Session:
    """Open the page in a context of its own, score the officer's client, then its prospect; the page stays open.
    A step that fails leaves its message in `.failure` (and a picture in `failures`, when given)."""
    s = Session(officer)
    # credentials: {"username", "password"} when the page is behind the sign-in proxy (deploy/nginx/)
    s.context = await browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, locale="fr-FR",
                                          http_credentials=credentials)
    page = s.page = await s.context.new_page()
    page.set_default_timeout(MANY_STEP_MS)
    page.on("console", lambda m: s.console.append(f"{m.type}: {m.text[:300]}") if m.type in ("error", "warning")
            else None)
    page.on("requestfailed", lambda r: s.console.append(f"failed request: {r.url} {r.failure}"))
    try:
        t0 = time.perf_counter()
        await page.goto(url, timeout=MANY_LOAD_MS)
        await page.wait_for_selector(".cw-client-id input", state="visible", timeout=MANY_LOAD_MS)
        s.load_s = time.perf_counter() - t0
        s.kernel_id = await page.evaluate(KERNEL_ID)
        s.kernel_pid = kernel_pid(server_pid, s.kernel_id)
        await page.evaluate(PAGE_CLOCK)

        box = page.locator(".cw-client-id input")

        async def type_id():   # the box updates as typed: the ID itself starts the answer, Enter follows
            await box.fill(officer.client)
            await box.press("Enter")

        s.verdict_ms = await _clocked(page, "input", type_id, ".cw-verdict", "")
        await barrier(page)
        s.client_shown = await page.evaluate(SHOWN)

        await page.locator(".cw-mode button").nth(1).click()
        await page.wait_for_selector(".cw-prospect-form", state="visible")
        for column, text in officer.prospect_first.items():
            await _set_field(page, column, text)
        await barrier(page)
        between = (await page.locator(".cw-probability").inner_text()).strip()
        s.prospect_ms = await _clocked(page, "enter", lambda: _set_field(page, "AMT_CREDIT", officer.prospect_credit),
                                       ".cw-probability", between)
        await barrier(page)
        s.prospect_shown = await page.evaluate(SHOWN)
        s.prospect_shown["between"] = between
    except Exception as error:   # reported with the others: one slow page must not hide what the rest showed
        s.failure = (f"officer {officer.index} (kernel {s.kernel_id or '?'}): {type(error).__name__}: "
                     f"{str(error)[:600]}\n  console: {s.console[-15:]}")
        if failures is not None:
            try:
                await screenshot(page, failures / f"officer-{officer.index}-failed.png")
                (failures / f"officer-{officer.index}-failed.html").write_text(await page.content())
            except Exception:   # a picture of the failure is a bonus
                pass
    return s


async def screenshot(page, path: Path) -> None:
    """Full-page picture of a Voilà page (browser.full_page_screenshot, for async Playwright)."""
    height = await page.evaluate(CONTENT_HEIGHT)
    await page.set_viewport_size({"width": WIDTH, "height": max(HEIGHT, min(int(height) + 16, 12_000))})
    try:   # bqplot draws a moment after the text: let the shown charts get their plot area first
        await page.wait_for_function(CHARTS_DRAWN, timeout=MANY_STEP_MS / 4)
    except Exception:   # an artefact, not a check: take the picture as it is
        pass
    await page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    path.parent.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(path), full_page=True)


async def close_session(s: Session, server_pid: int) -> bool:
    """Leave the page (its unload beacon asks Voilà to shut its kernel down); True once that kernel has ended."""
    try:
        await s.page.goto("about:blank")
    finally:
        await s.context.close()
    deadline = time.monotonic() + MANY_STEP_MS / 1000
    while time.monotonic() < deadline:
        if kernel_pid(server_pid, s.kernel_id) is None:   # ended (its cmdline is gone even while a zombie)
            return True
        await asyncio.sleep(0.2)
    return False


# ---- memory and processor ---------------------------------------------------------------------------------------
def memory(server_pid: int, page_kernels: list[int]) -> dict:
    others = [pid for pid in kernel_pids(server_pid) if pid not in page_kernels]   # the pre-heated pool
    pages = [{"pid": pid, "rss_mb": rss_mb(pid), "pss_mb": pss_mb(pid), "cpu_s": cpu_s(pid)} for pid in page_kernels]
    pool = [{"pid": pid, "rss_mb": rss_mb(pid), "pss_mb": pss_mb(pid), "cpu_s": cpu_s(pid)} for pid in others]
    server = {"rss_mb": rss_mb(server_pid), "pss_mb": pss_mb(server_pid)}
    everything = pages + pool + [server]
    rss = [p["rss_mb"] for p in pages if p["rss_mb"] is not None]
    return {"page_kernels": pages, "pool_kernels": pool, "server": server,
            "page_kernel_rss_mb": {"median": round(statistics.median(rss), 1), "min": min(rss), "max": max(rss)}
            if rss else None,
            "total_rss_mb": round(sum(p["rss_mb"] or 0 for p in everything), 1),
            "total_pss_mb": round(sum(p["pss_mb"] or 0 for p in everything), 1)}


# ---- all of them at once ----------------------------------------------------------------------------------------
async def officers_at_once(url: str, server_pid: int, officers: list[Officer],
                           screenshots: dict[int, Path] | None = None, failures: Path | None = None,
                           credentials: list[dict] | None = None) -> dict:
    """One Chromium, one context per officer, every session started at the same moment and driven concurrently.
    With all pages still open: what each showed, the kernels' memory, pictures; then every page is closed."""
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            server_cpu = cpu_s(server_pid) or 0.0
            t0 = time.perf_counter()
            sessions = await asyncio.gather(*(open_and_answer(browser, url, server_pid, o, failures,
                                                              credentials[i] if credentials else None)
                                              for i, o in enumerate(officers)))
            all_answered_s = time.perf_counter() - t0
            kernels = [s.kernel_pid for s in sessions if s.kernel_pid]
            mem = memory(server_pid, kernels)
            # processor time spent on the burst; the browser (Playwright's driver and Chromium) runs on this machine
            # here, on the officers' own computers in a branch
            server_side = {server_pid} | descendants(server_pid)
            cpu = {"server_s": round((cpu_s(server_pid) or 0.0) - server_cpu, 2),
                   "page_kernels_s": round(sum(cpu_s(pid) or 0.0 for pid in kernels), 2),
                   "browser_s": round(sum(cpu_s(pid) or 0.0 for pid in descendants(os.getpid()) - server_side), 2),
                   "wall_s": round(all_answered_s, 2)}
            for index, path in (screenshots or {}).items():
                if sessions[index].failure is None:
                    await screenshot(sessions[index].page, path)
            closed = await asyncio.gather(*(close_session(s, server_pid) for s in sessions))
        finally:
            await browser.close()
    return {"sessions": [{"officer": s.officer.__dict__, "kernel_id": s.kernel_id, "kernel_pid": s.kernel_pid,
                          "load_s": s.load_s, "verdict_ms": s.verdict_ms, "prospect_ms": s.prospect_ms,
                          "client_shown": s.client_shown, "prospect_shown": s.prospect_shown, "failure": s.failure,
                          "kernel_shut_down": c} for s, c in zip(sessions, closed)],
            "all_answered_s": round(all_answered_s, 2), "memory_all_open": mem, "cpu": cpu}


# ---- who the audit log names ------------------------------------------------------------------------------------
def audit_names(audit_path: Path, sessions: list[dict], logins: list[str]) -> dict:
    """Who the audit log says took each decision and each outcome, against who was signed in on each page
    (`logins[i]` on `sessions[i]`'s page): each officer's client decisions must name that officer and no one else."""
    from credit_widgets.audit.log import AuditLog

    log = AuditLog(audit_path)
    decisions = log.decisions()
    outcomes = [o for d in decisions for o in d["outcomes"]]
    misnamed = []
    for s, login in zip(sessions, logins):
        theirs = [d for d in decisions if d["client_id"] == int(s["officer"]["client"])]
        if not theirs or {d["officer"] for d in theirs} != {login}:
            misnamed.append({"login": login, "client": s["officer"]["client"],
                             "recorded": sorted({str(d["officer"]) for d in theirs})})
    records = decisions + outcomes
    return {"decisions": len(decisions), "outcomes": len(outcomes),
            "records_without_officer": sum(r["officer"] in (None, "", "local") for r in records),
            "records_naming_no_signed_in_officer": sum(r["officer"] not in logins for r in records),
            "client_decisions_misnamed": misnamed,
            "officers_named": sorted({str(r["officer"]) for r in records}),
            "chain_verifies": log.verify()}


def run(coroutine):
    """Run a coroutine to its end in a thread of its own: callers may already drive a (sync) Playwright, whose
    event loop would otherwise be this thread's."""
    out: dict = {}

    def target():
        try:
            out["value"] = asyncio.run(coroutine)
        except BaseException as error:   # re-raised in the caller's thread
            out["error"] = error

    worker = threading.Thread(target=target, name="officers")
    worker.start()
    worker.join()
    if "error" in out:
        raise out["error"]
    return out["value"]
