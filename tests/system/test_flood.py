"""A flood of page requests cannot take the page server down (credit_widgets.serving.kernels.CappedKernelManager).

A Voilà server as `make app` runs it (voila.json: pre-heated pool of one), with a cap of three kernels and short
clocks so the test is quick: an officer opens the page and scores a client, then a bounded flood of page
requests (no browser, nobody connects) arrives while the officer goes on scoring. Every request gets the page or
the bilingual 503; the server never holds more kernels, or more kernel memory, than the cap; the flood's kernels
are freed once nobody claims them, the officer's idle page keeps its own, and the next visitor is served again.
"""
from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request

import psutil
import pytest

from credit_widgets.serving import kernels
from credit_widgets.text import i18n
from harness import REPO
from harness.browser import page_kernel
from harness.processes import kernel_pids, rss_mb
from harness.voila import LOAD_MS, STEP_MS, voila_server

CAP, KERNEL_MB, UNCLAIMED_S, CULL_S = 3, 400, 20, 5
FLOOD = 12


def test_voila_json_caps_kernels_and_frees_unclaimed_ones_within_two_minutes():
    config = json.loads((REPO / "voila.json").read_text())
    manager = config["VoilaConfiguration"]["multi_kernel_manager_class"]
    assert manager == "credit_widgets.serving.kernels.CappedKernelManager"
    capped, culling = config["CappedKernelManager"], config["MappingKernelManager"]
    # idle since its page was rendered, culled at the first pass after the timeout: well within two minutes
    assert capped["unclaimed_timeout"] + culling["cull_interval"] <= 90
    assert capped["kernel_mb"] >= 355, "below the measured kernel on the bundled clients"
    assert culling["cull_connected"] is False


def test_default_cap_follows_the_memory_and_the_kernel_size(monkeypatch):
    monkeypatch.setattr(kernels, "memory_budget_mb", lambda: 24_000)
    assert kernels.default_max_kernels(400, 1536) == (24_000 - 1536) // 400
    assert kernels.default_max_kernels(1400, 1536) == (24_000 - 1536) // 1400
    monkeypatch.setattr(kernels, "memory_budget_mb", lambda: 1_000)
    assert kernels.default_max_kernels(400, 1536) == 1  # a small machine still serves one officer
    assert kernels.memory_budget_mb.__module__  # (the real one reads /proc/meminfo and the cgroup limit)


def test_the_real_memory_budget_is_the_machine_or_its_container():
    budget = kernels.memory_budget_mb()
    total = psutil.virtual_memory().total // 2**20
    assert 0 < budget <= total


@pytest.fixture(scope="module")
def capped(tmp_path_factory):
    args = (f"--CappedKernelManager.max_kernels={CAP}", f"--CappedKernelManager.kernel_mb={KERNEL_MB}",
            f"--CappedKernelManager.unclaimed_timeout={UNCLAIMED_S}", f"--MappingKernelManager.cull_interval={CULL_S}")
    with voila_server(tmp_path_factory.mktemp("capped"), preheat=True, pool_size=1, extra_args=args) as server:
        yield server


def _clients(count: int) -> list[str]:
    import pandas as pd

    ids = pd.read_parquet(REPO / "data" / "application_train.parquet", columns=["SK_ID_CURR"])["SK_ID_CURR"]
    return [str(int(i)) for i in ids.iloc[:count]]


def _score(page, client: str) -> None:
    page.fill(".cw-client-id input", "")
    page.fill(".cw-client-id input", client)
    page.keyboard.press("Enter")
    # the key-facts heading names the client once the answer is drawn (the typed ID is not innerText)
    page.wait_for_function("id => document.body.innerText.includes(id)", arg=client)


def _fetch(url: str, results: list) -> None:
    try:
        with urllib.request.urlopen(url, timeout=LOAD_MS / 1000) as answer:
            results.append((answer.status, answer.read().decode(errors="replace")))
    except urllib.error.HTTPError as error:
        results.append((error.code, error.read().decode(errors="replace")))
    except Exception as error:  # a dropped connection is exactly what must not happen
        results.append((None, repr(error)))


@pytest.mark.slow
def test_a_bounded_flood_gets_pages_or_503_while_an_officer_keeps_working(browser, capped):
    clients = _clients(4)
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(STEP_MS)
    try:
        page.goto(capped["url"])
        page.wait_for_selector(".cw-client-id input", state="visible", timeout=LOAD_MS)
        _score(page, clients[0])
        officer_kernel = page_kernel(page, capped["pid"])
        assert officer_kernel is not None

        samples, stop = [], threading.Event()

        def sample():
            while not stop.is_set():
                pids = kernel_pids(capped["pid"])
                samples.append((len(pids), sum(rss_mb(p) or 0 for p in pids)))
                time.sleep(0.25)

        sampler = threading.Thread(target=sample)
        sampler.start()
        results: list = []
        flood = [threading.Thread(target=_fetch, args=(capped["url"], results)) for _ in range(FLOOD)]
        try:
            for thread in flood:
                thread.start()
                time.sleep(0.2)
            _score(page, clients[1])  # the officer's page answers during the flood
            for thread in flood:
                thread.join()
        finally:
            stop.set()
            sampler.join()

        statuses = [status for status, _ in results]
        assert len(results) == FLOOD and set(statuses) <= {200, 503}, statuses
        assert statuses.count(503) >= FLOOD - CAP, statuses  # the officer's kernel is one of the three
        for status, body in results:
            if status == 200:
                assert '"kernelId"' in body
            else:
                assert i18n.t("ui:busy", "fr") in body and i18n.t("ui:busy", "en") in body
        assert max(n for n, _ in samples) <= CAP, samples
        assert max(mb for _, mb in samples) <= CAP * KERNEL_MB, samples

        # Nobody claims the flood's kernels: freed after UNCLAIMED_S; the officer's idle page keeps its own.
        deadline = time.monotonic() + UNCLAIMED_S + 4 * CULL_S + 60
        while time.monotonic() < deadline and (len(kernel_pids(capped["pid"])) > 2 or not _pool_ready(capped)):
            time.sleep(1)
        assert officer_kernel in kernel_pids(capped["pid"])
        assert len(kernel_pids(capped["pid"])) <= 2  # the officer's and the refilled pool's
        _score(page, clients[2])
        after: list = []
        _fetch(capped["url"], after)  # room again for the next visitor
        assert after[0][0] == 200
    finally:
        page.goto("about:blank")
        context.close()


def _pool_ready(server) -> bool:
    return len(kernel_pids(server["pid"])) >= 2
