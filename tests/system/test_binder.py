"""The Binder launch path, as far as this machine goes without Docker or conda.

repo2docker builds the image from binder/: `pip install -r binder/requirements.txt`, then `binder/postBuild` from the
repository's root; at launch `binder/start` runs the Jupyter server, and mybinder.org opens
`?urlpath=voila/render/app.ipynb`, i.e. Voilà as a Jupyter Server extension. Here the same steps run on a fresh copy
of the repository (its tracked and unignored files, as a clone has them) with a fresh venv in a temporary folder
(this machine's python3 stands for runtime.txt's): the same install commands, the postBuild script itself with the
venv first on PATH, `binder/start jupyter server` with a token on a free loopback port, every Jupyter, IPython and
matplotlib folder and HOME in the temporary folder. Debian's Chromium then opens the page with the token, the
page tests' checks (harness.browser) say it is the `make app` page (template `credit`, sources stripped, nothing from
outside), and a known client gets a verdict. The venv (about 1.3 GB) and the copy are removed afterwards;
/work/main/.venv is never touched. Step timings go to test-artifacts/test_binder_timings.json.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from harness import ARTIFACTS, REPO
from harness.browser import (
    HEIGHT,
    PERCENT,
    WIDTH,
    check_offline_titled_and_sourceless,
    check_page_is_clean,
    first_client_id,
    full_page_screenshot,
    show_client,
)
from harness.processes import cmdline, free_port, kernel_pids, stop_with_kernels, wait_until_answering
from harness.voila import LOAD_MS, STEP_MS

pytestmark = pytest.mark.slow

INSTALL_TIMEOUT_S = 900   # guards only: the install took about 95 s here (wheels from PyPI and the local mirror)
TIMINGS = ARTIFACTS / "test_binder_timings.json"


def _run(command: list[str], log: Path, **kwargs) -> float:
    """Run a build step, its output to `log`; fail with the log's tail. Returns the seconds it took."""
    t0 = time.perf_counter()
    with open(log, "wb") as out:
        done = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, timeout=INSTALL_TIMEOUT_S, **kwargs)
    if done.returncode:
        pytest.fail(f"{' '.join(map(str, command))} exited {done.returncode}:\n{log.read_text()[-4000:]}")
    return round(time.perf_counter() - t0, 1)


def _clone_like_copy(target: Path) -> None:
    """The files a clone would have (tracked, and new ones not ignored: models/cache/, .venv/... stay out)."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():   # a tracked file deleted in the work tree is listed too
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)   # keeps the executable bit of binder/postBuild and binder/start


def _build_env(venv: Path, scratch: Path) -> dict[str, str]:
    """The fresh venv first on PATH, and nothing of the project's own .venv."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "JUPYTER_PATH", "JUPYTER_CONFIG_PATH")}
    main_venv = str(REPO / ".venv")
    path = [p for p in env.get("PATH", "").split(os.pathsep) if p and not p.startswith(main_venv)]
    env.update(PATH=os.pathsep.join([str(venv / "bin"), *path]), VIRTUAL_ENV=str(venv),
               MPLCONFIGDIR=str(scratch / "mpl"), MPLBACKEND="Agg", MLFLOW_DISABLE_TELEMETRY="true",
               PIP_NO_INPUT="1", PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_PROGRESS_BAR="off")
    return env


def _wait_until_up(server: subprocess.Popen, origin: str, token: str, log: Path) -> None:
    status = urllib.request.Request(origin + "api/status", headers={"Authorization": f"token {token}"})
    wait_until_answering(server, status, log, "the Jupyter server")


@pytest.fixture(scope="module")
def binder():
    """Build as repo2docker does, start as Binder does; everything removed afterwards."""
    scratch = Path(tempfile.mkdtemp(prefix="cw-binder-"))
    timings: dict[str, float] = {}
    server = None
    try:
        repo, venv, home = scratch / "repo", scratch / "venv", scratch / "home"
        for folder in (repo, home, scratch / "mpl"):
            folder.mkdir()
        t0 = time.perf_counter()
        _clone_like_copy(repo)
        timings["copy_s"] = round(time.perf_counter() - t0, 1)
        # python3 -m venv, from the interpreter running the tests (a venv's own python makes its base's venv)
        timings["venv_s"] = _run([sys.executable, "-m", "venv", str(venv)], scratch / "venv.log")
        env = _build_env(venv, scratch)
        # repo2docker: pip install --no-cache-dir -r binder/requirements.txt (the cache stays here: less to fetch)
        timings["pip_install_requirements_s"] = _run(
            [str(venv / "bin" / "python"), "-m", "pip", "install", "-r", "binder/requirements.txt"],
            scratch / "pip.log", cwd=repo, env=env)
        timings["postBuild_s"] = _run([str(repo / "binder" / "postBuild")], scratch / "postBuild.log", cwd=repo,
                                      env=env)
        timings["pip_check_s"] = _run([str(venv / "bin" / "python"), "-m", "pip", "check"], scratch / "check.log",
                                      cwd=repo, env=env)
        assert list((repo / "models" / "cache").iterdir()), "postBuild left no client-base cache in models/cache/"

        # launch: Binder's working directory is the repository; HOME and every Jupyter folder are throw-away
        env.update(HOME=str(home), JUPYTER_CONFIG_DIR=str(scratch / "jupyter-config"),
                   JUPYTER_DATA_DIR=str(scratch / "jupyter-data"), JUPYTER_RUNTIME_DIR=str(scratch / "runtime"),
                   IPYTHONDIR=str(scratch / "ipython"), XDG_CACHE_HOME=str(scratch / "cache"),
                   CREDIT_AUDIT_LOG=str(scratch / "audit.sqlite"))
        port, token = free_port(), secrets.token_hex(16)
        command = [str(repo / "binder" / "start"), "jupyter", "server", "--no-browser", "--ServerApp.ip=127.0.0.1",
                   f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}"]
        if os.geteuid() == 0:   # these machines run as root; Binder's user is not
            command.append("--allow-root")
        log = scratch / "jupyter-server.log"
        t0 = time.perf_counter()
        with open(log, "wb") as out:
            server = subprocess.Popen(command, cwd=repo, env=env, stdout=out, stderr=subprocess.STDOUT,
                                      start_new_session=True)
        origin = f"http://127.0.0.1:{port}/"
        _wait_until_up(server, origin, token, log)
        timings["server_up_s"] = round(time.perf_counter() - t0, 1)
        yield SimpleNamespace(origin=origin, page_url=f"{origin}voila/render/app.ipynb?token={token}",
                              pid=server.pid, log=log, venv=venv, timings=timings)
    finally:
        if server is not None:
            stop_with_kernels(server)
        shutil.rmtree(scratch, ignore_errors=True)


def test_binder_launch_serves_the_page_and_answers(binder, browser):
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(STEP_MS)
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith((binder.origin, "data:", "blob:", "about:")) else
            outside.append(r.url))
    try:
        t0 = time.perf_counter()
        answer = page.goto(binder.page_url)
        page.wait_for_selector(".cw-client-id input", state="visible", timeout=LOAD_MS)
        binder.timings["page_usable_s"] = round(time.perf_counter() - t0, 1)
        # the `make app` page: template `credit` (voila.json read by the extension), no sources, nothing outside
        check_offline_titled_and_sourceless(page, answer.text(), outside)
        t0 = time.perf_counter()
        show_client(page, first_client_id())
        binder.timings["first_verdict_s"] = round(time.perf_counter() - t0, 1)
        expect(page.locator(".cw-probability")).to_have_text(PERCENT)
        check_page_is_clean(page, outside)
        # the kernel is the fresh venv's, not the project's .venv
        kernels = kernel_pids(binder.pid)
        assert kernels and all(cmdline(pid).startswith(str(binder.venv)) for pid in kernels), kernels
    finally:
        full_page_screenshot(page, ARTIFACTS / "test_binder_launch_serves_the_page_and_answers.png")
        page.goto("about:blank")
        context.close()
        TIMINGS.parent.mkdir(exist_ok=True)
        TIMINGS.write_text(json.dumps(binder.timings, indent=2) + "\n")
        print("binder timings:", json.dumps(binder.timings))
