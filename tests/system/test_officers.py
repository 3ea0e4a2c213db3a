"""Serving the page to a whole branch: the production Voilà configuration (voila.json, `make app`), what the server
lets a browser reach, idle kernels culled, and ten officers at once, each answered correctly and alone.

Servers start through `harness.voila.voila_server` (as `make app` starts Voilà); the ten officers are driven by
`harness.officers` (async Playwright, one Chromium, one context each), the same sessions benchmarks/officers.py times.
"""
from __future__ import annotations

import asyncio
import json
import re
import time
import urllib.error
import urllib.request
import uuid

import pytest

from harness import ARTIFACTS, REPO
from harness import officers as bench
from harness.browser import CHROMIUM, CHROMIUM_ARGS
from harness.processes import kernel_pid, kernel_pids, wait_quiet_kernel
from harness.voila import STEP_MS, voila_server

# `voila` is conftest's server, configured as `make app` configures it. No sync-Playwright `browser` fixture here:
# one thread holds one sync Playwright (conftest's, for the page tests). Browsers here are async Playwright's, in a
# thread of their own (harness.officers.run).

CONFIG = json.loads((REPO / "voila.json").read_text())


# ---- configuration ------------------------------------------------------------------------------------------------
def test_voila_json_is_the_production_configuration():
    page = CONFIG["VoilaConfiguration"]
    assert page["template"] == "credit"
    assert page["strip_sources"] is True and page["show_tracebacks"] is False
    assert page["preheat_kernel"] is True and 1 <= page["default_pool_size"] <= 2
    assert page["file_allowlist"] == [], "Voilà would serve every image under the repository (MLflow plots...)"
    kernels = CONFIG["MappingKernelManager"]
    assert kernels["cull_idle_timeout"] > 0 and 0 < kernels["cull_interval"] <= kernels["cull_idle_timeout"]
    assert kernels["cull_connected"] is False, "an officer's open page must keep its kernel"
    makefile = (REPO / "Makefile").read_text()
    assert re.search(r"^APP_HOST \?= 127\.0\.0\.1$", makefile, re.M)
    assert "--Voila.ip=$(APP_HOST)" in makefile
    assert "--VoilaConfiguration.default_pool_size=$(POOL_SIZE)" in makefile


# ---- what the server exposes --------------------------------------------------------------------------------------
def _get(url: str) -> tuple[int, str]:
    """Status and body after redirects (Voilà sends unknown paths to /voila/files/...)."""
    try:
        with urllib.request.urlopen(url, timeout=60) as answer:
            return answer.status, answer.read(20_000).decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read(20_000).decode(errors="replace")


def _page_kernel_id(html: str) -> str:
    return re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', html).group(1)


@pytest.fixture(scope="module")
def http_page(voila):
    """The page fetched without a browser: its kernel runs the notebook and nobody ever connects to it. Shut down
    afterwards through the page's own way out (voila/api/shutdown with the `_xsrf` double-submit cookie)."""
    with urllib.request.urlopen(voila.url, timeout=bench.MANY_LOAD_MS / 1000) as answer:
        html = answer.read().decode()
    kernel_id = _page_kernel_id(html)
    yield kernel_id
    token = uuid.uuid4().hex
    request = urllib.request.Request(f"{voila.url}voila/api/shutdown/{kernel_id}", method="POST", data=b"",
                                     headers={"Cookie": f"_xsrf={token}", "X-XSRFToken": token})
    try:
        urllib.request.urlopen(request, timeout=60).close()
    except urllib.error.HTTPError:
        pass   # the server fixture kills what is left at the end of the session


@pytest.mark.parametrize("path", ["api/kernels", "api/contents", "api/sessions", "api/terminals", "api/kernelspecs",
                                  "api/status", "api/me", "api/contents/app.ipynb", "lab", "tree", "voila/tree",
                                  "voila/render/app.ipynb", "voila/api/contents", "voila/files/app.ipynb",
                                  "voila/files/voila.json", "app.ipynb"])
def test_no_jupyter_api_nor_file_is_served(voila, http_page, path):
    status, body = _get(voila.url + path)
    assert status in (403, 404, 405), f"/{path} answered {status}: {body[:300]}"
    assert http_page not in body and "kernelId" not in body and '"name": "python3"' not in body
    assert "CreditApp" not in body


def test_no_image_of_the_repository_is_served(voila):
    """Voilà's default allow-list serves every .png under the folder it serves (MLflow's plots in mlruns/, test
    screenshots of client pages): voila.json's empty `file_allowlist` closes it."""
    probe = ARTIFACTS / f"served-probe-{uuid.uuid4().hex[:8]}.png"
    probe.parent.mkdir(exist_ok=True)
    probe.write_bytes(b"\x89PNG\r\n\x1a\n")
    try:
        status, _ = _get(f"{voila.url}voila/files/test-artifacts/{probe.name}")
        assert status == 403
    finally:
        probe.unlink()


def test_an_unknown_kernel_is_not_found(voila):
    assert _get(f"{voila.url}api/kernels/{uuid.uuid4()}")[0] == 404


def _message(kind: str, content: dict, session: str) -> dict:
    return {"header": {"msg_id": uuid.uuid4().hex, "msg_type": kind, "username": "", "session": session, "date": "",
                       "version": "5.3"}, "parent_header": {}, "metadata": {}, "content": content,
            "channel": "shell", "buffers": []}


async def _execute_then_ask_info(url: str, kernel_id: str, code: str) -> tuple[list[tuple[str, bool]], str]:
    """On the page's own kernel websocket: an execute_request, then a kernel_info_request. The kernel handles its
    shell messages in order, so once the info reply is in, an accepted execute_request would have been answered."""
    from tornado.websocket import websocket_connect

    socket = await websocket_connect(url.replace("http://", "ws://") + f"api/kernels/{kernel_id}/channels")
    session = uuid.uuid4().hex
    execute = _message("execute_request", {"code": code, "silent": False, "store_history": False,
                                           "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
                       session)
    socket.write_message(json.dumps(execute))
    socket.write_message(json.dumps(_message("kernel_info_request", {}, session)))
    seen = []
    try:
        while True:
            raw = await asyncio.wait_for(socket.read_message(), STEP_MS / 1000)
            assert raw is not None, "the websocket closed"
            message = json.loads(raw)
            seen.append((message["msg_type"], message["parent_header"].get("msg_id") == execute["header"]["msg_id"]))
            if message["msg_type"] == "kernel_info_reply":
                return seen, execute["header"]["msg_id"]
    finally:
        socket.close()


def test_the_kernel_websocket_refuses_code(voila, http_page, tmp_path):
    marker = tmp_path / "executed"
    seen, _ = bench.run(_execute_then_ask_info(voila.url, http_page,
                                               f"open({str(marker)!r}, 'w').write('run')"))
    assert ("kernel_info_reply", False) in seen
    assert not [kind for kind, answers_execute in seen if answers_execute], f"the kernel ran it: {seen}"
    assert not marker.exists()
    assert 'Received message of type "execute_request", which is not allowed' in voila.log.read_text()


def test_the_repository_culling_settings_reach_the_kernel_manager(voila, http_page):
    """voila.json's MappingKernelManager section is read by `voila` itself (its config file, not only
    VoilaConfiguration): the culler says so once the first kernel has started."""
    kernels = CONFIG["MappingKernelManager"]
    assert (f"Culling kernels with idle durations > {kernels['cull_idle_timeout']} seconds at "
            f"{kernels['cull_interval']} second intervals") in voila.log.read_text()


# ---- culling ------------------------------------------------------------------------------------------------------
CULL_TIMEOUT_S, CULL_INTERVAL_S = 4, 1


async def _culling_scenario(server: dict, officer: bench.Officer) -> dict:
    """An officer's page open and used; a page fetched and never connected; the pool. Which kernels live on?"""
    from playwright.async_api import async_playwright

    pid, out = server["pid"], {}
    async with async_playwright() as p:
        chromium = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            session = await bench.open_and_answer(chromium, server["url"], pid, officer)
            assert session.failure is None, session.failure

            def fetch() -> str:
                with urllib.request.urlopen(server["url"], timeout=bench.MANY_LOAD_MS / 1000) as answer:
                    return answer.read().decode()

            out["lost_id"] = _page_kernel_id(await asyncio.to_thread(fetch))
            lost = kernel_pid(pid, out["lost_id"])
            assert lost and lost != session.kernel_pid
            deadline = time.monotonic() + bench.MANY_LOAD_MS / 1000
            while kernel_pid(pid, out["lost_id"]) is not None and time.monotonic() < deadline:
                await asyncio.sleep(0.2)
            out["lost_culled"] = kernel_pid(pid, out["lost_id"]) is None

            # the pool has refilled: let its kernel, and the open page's, sit idle past several culler rounds
            pooled = (await asyncio.to_thread(wait_quiet_kernel, pid, {session.kernel_pid}))["pid"]
            await asyncio.sleep(CULL_TIMEOUT_S + 3 * CULL_INTERVAL_S)
            alive = kernel_pids(pid)
            out["open_page_kept"], out["pool_kept"] = session.kernel_pid in alive, pooled in alive
            await bench.barrier(session.page)   # the open page still answers
            out["shown"] = await session.page.evaluate(bench.SHOWN)
            await bench.screenshot(session.page, ARTIFACTS / "test_culling_keeps_the_open_page.png")
            await bench.close_session(session, pid)
        finally:
            await chromium.close()
    return out


@pytest.mark.slow
def test_abandoned_kernels_are_culled_open_pages_and_the_pool_are_kept(tmp_path):
    """The repository's voila.json with a 4 s idle timeout: a page fetched and never connected (a tab lost without
    its unload beacon) loses its kernel; an officer's open page and the pre-heated kernel keep theirs."""
    from credit_widgets import CreditModel

    officer = bench.plan_officers(CreditModel.load(), 1)[0]
    folder = tmp_path / "config"
    folder.mkdir()
    config = json.loads(json.dumps(CONFIG))
    config["MappingKernelManager"].update(cull_idle_timeout=CULL_TIMEOUT_S, cull_interval=CULL_INTERVAL_S)
    (folder / "voila.json").write_text(json.dumps(config))
    with voila_server(tmp_path, preheat=True, pool_size=1,
                      extra_args=(f"--Voila.config_file_paths=['{folder}']",)) as server:
        out = bench.run(_culling_scenario(server, officer))
        log = server["log"].read_text()
    assert out["lost_culled"], f"the abandoned kernel was not culled:\n{log[-3000:]}"
    assert f"Culling kernels with idle durations > {CULL_TIMEOUT_S} seconds" in log
    assert re.search(rf"Culling '\w+' kernel '\w+' \({out['lost_id']}\) with 0 connections", log)
    assert out["open_page_kept"], "the open page's kernel was culled"
    assert out["pool_kept"], "the pre-heated kernel was culled"
    assert out["shown"]["probability"] == officer.prospect_probability
    assert "Traceback" not in out["shown"]["body"] and not out["shown"]["error"]


# ---- ten officers at once -----------------------------------------------------------------------------------------
@pytest.mark.slow
def test_ten_officers_at_once_each_get_their_own_correct_answers(tmp_path):
    """One Chromium, ten contexts started at the same moment on one server (a pool of 2 pre-heated kernels, the
    other 8 started on demand), each officer typing a different client and a different prospect. Every page shows
    the in-process CreditModel's answer for its own inputs and nothing of the other nine; every page has its own
    kernel; the shared audit log has every decision, its hash chain intact. No time is asserted."""
    from credit_widgets import CreditModel
    from credit_widgets.audit.log import AuditLog

    model = CreditModel.load()   # builds the client base's cache before ten kernels look for it (as `make app`)
    officers = bench.plan_officers(model, bench.OFFICERS)
    del model
    shots = {0: ARTIFACTS / "test_officers_officer_0.png", 9: ARTIFACTS / "test_officers_officer_9.png"}
    with voila_server(tmp_path, preheat=True, pool_size=2) as server:
        result = bench.run(bench.officers_at_once(server["url"], server["pid"], officers, shots))
        log = server["log"].read_text()
    sessions = result["sessions"]
    failures = [s["failure"] for s in sessions if s["failure"]]
    assert not failures, "\n".join(failures) + f"\nserver log:\n{log[-3000:]}"

    kernels = [s["kernel_id"] for s in sessions]
    assert len(set(kernels)) == len(officers) and all(s["kernel_pid"] for s in sessions), "a kernel was shared"
    assert len({s["kernel_pid"] for s in sessions}) == len(officers)
    assert "Using pre-heated kernel" in log   # the pool served some, the rest were started on demand
    ids = [o.client for o in officers]
    for s in sessions:
        o, client, prospect = bench.Officer(**s["officer"]), s["client_shown"], s["prospect_shown"]
        where = f"officer {o.index}"
        assert client["probability"] == o.client_probability, f"{where}: {client['probability']}"
        assert o.client_verdict in client["verdict"], f"{where}: {client['verdict']}"
        assert f"Le dossier {o.client}" in client["body"], f"{where} does not show its client's file"
        assert o.prospect_between in prospect["between"], f"{where}: {prospect['between']}"
        assert prospect["probability"] == o.prospect_probability, f"{where}: {prospect['probability']}"
        assert o.prospect_verdict in prospect["verdict"], f"{where}: {prospect['verdict']}"
        for column, text in {**o.prospect_first, "AMT_CREDIT": o.prospect_credit}.items():
            assert prospect["form"][column] == text, f"{where}'s form shows {column}={prospect['form'][column]}"
        for other in ids:
            if other != o.client:
                for shown in (client["body"], prospect["body"]):
                    assert not re.search(rf"\b{other}\b", shown), f"{where}'s page shows client {other}"
        assert not client["error"] and not prospect["error"], f"{where}: {client['error']} {prospect['error']}"
        assert "Traceback" not in client["body"] + prospect["body"]
        assert s["kernel_shut_down"], f"{where}: its kernel still runs after its page closed"

    audit = AuditLog(tmp_path / "audit.sqlite")
    assert audit.verify(), "concurrent appends broke the audit log's hash chain"
    logged = {d["client_id"] for d in audit.decisions()}
    assert {int(c) for c in ids} <= logged
    for path in shots.values():
        assert path.stat().st_size > 10_000
