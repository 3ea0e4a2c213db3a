"""Debian's Chromium driving the served page: what every browser test and benchmark shares.

The page is reached through the CSS classes the widgets carry (`add_class`): `.cw-client-id input`, `.cw-verdict`,
`.cw-field-<COLUMN> input`... Playwright is imported inside the functions: a benchmark's --help needs none of it.
"""
from __future__ import annotations

import re
from pathlib import Path

from . import REPO
from .processes import kernel_pid

CHROMIUM = "/usr/bin/chromium"   # never `playwright install`: it downloads a browser of its own
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
WIDTH, HEIGHT = 1320, 900

VERDICT_FR = re.compile(r"\b(Favorable|Défavorable)\b")
VERDICT_EN = re.compile(r"\b(Favourable|Unfavourable)\b")
PERCENT = re.compile(r"\d+([,.]\d+)?\s*%")

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
KERNEL_ID = "() => JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId"
# Every shown bqplot figure has its plot area.
CHARTS_DRAWN = """() => [...document.querySelectorAll('.bqplot.figure')]
    .filter(figure => figure.offsetParent !== null)
    .every(figure => { const area = figure.querySelector('rect.plotarea_background');
                       return area !== null && area.getBBox().width > 0; })"""
# The page's height as laid out by Voilà's lab template (it scrolls inside #rendered_cells, not the document).
CONTENT_HEIGHT = """() => {
    const cells = document.getElementById('rendered_cells');
    return cells ? cells.getBoundingClientRect().top + cells.scrollHeight : document.documentElement.scrollHeight;
}"""


def page_kernel(page, server_pid: int) -> int | None:
    """The process of the kernel serving an open (sync Playwright) page."""
    return kernel_pid(server_pid, page.evaluate(KERNEL_ID))


def full_page_screenshot(page, path: Path, step_ms: float = 60_000) -> None:
    """Voilà's lab layout scrolls inside #rendered_cells, not the document: grow the viewport to its content first."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    height = page.evaluate(CONTENT_HEIGHT)
    page.set_viewport_size({"width": WIDTH, "height": max(HEIGHT, min(int(height) + 16, 12_000))})
    try:   # bqplot draws a moment after the verdict's text: let the shown charts get their plot area first
        page.wait_for_function(CHARTS_DRAWN, timeout=step_ms / 4)
    except PlaywrightTimeout:
        pass   # an artefact, not a check: take the picture as it is
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    path.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(path), full_page=True)


def first_client_id(position: int = 0) -> str:
    """A client of the bundled base, read from the table (CreditModel would load the whole model)."""
    import pandas as pd

    ids = pd.read_parquet(REPO / "data" / "application_train.parquet", columns=["SK_ID_CURR"])["SK_ID_CURR"]
    return str(int(ids.iloc[position]))


def show_client(page, client: str) -> None:
    from playwright.sync_api import expect

    page.fill(".cw-client-id input", client)
    page.keyboard.press("Enter")
    expect(page.locator(".cw-verdict")).to_have_text(VERDICT_FR)


def check_page_is_clean(page, outside_requests: list[str]) -> None:
    """No traceback or Python error text anywhere (hidden parts included), nothing fetched from outside."""
    assert page.get_by_text("Traceback").count() == 0
    assert page.get_by_text("Error:").count() == 0
    assert "Traceback" not in page.locator("body").inner_text()
    assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count() == 0
    assert outside_requests == []


def check_offline_titled_and_sourceless(page, html: str, outside_requests: list[str]) -> None:
    """The page as `make app` serves it: nothing linked from outside, the repository's `credit` template, its
    title, the notebook's sources stripped."""
    assert not re.search(r"""(href|src)\s*=\s*["']?(https?:)?//""", html), "the page links something outside"
    assert not re.search(r"""@import|url\(\s*["']?(https?:)?//""", html)
    assert "cdn.jsdelivr.net" not in html and "cdnjs" not in html
    assert "/voila/templates/credit/" in html, "the repository's `credit` template is not the one served"
    assert page.title() == "Prêt à dépenser – scoring"
    assert "CreditApp()" not in page.locator("body").inner_text()   # sources stripped
    assert page.locator(".jp-InputArea").count() == 0
    check_page_is_clean(page, outside_requests)
