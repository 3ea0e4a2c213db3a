"""Voilà as `make app` starts it, on a free loopback port, with a throw-away audit log."""
from __future__ import annotations

import os
import subprocess
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from . import REPO
from .processes import free_port, stop_with_kernels, wait_until_answering

# Guards against a hung run only (nothing is asserted on time): a page's kernel starting, one answer.
LOAD_MS = 180_000
STEP_MS = 60_000

# The header the proxy sets and Voilà hands to the kernel (deploy/nginx/credit-page.conf, `make app`'s
# APP_USER_HEADER): the server arguments that turn it on.
USER_HEADER = "X-Forwarded-User"
SIGNED_IN = {"env": {"APP_USER_HEADER": USER_HEADER},
             "extra_args": (f"--VoilaConfiguration.http_header_envs=['{USER_HEADER}']",)}


@contextmanager
def voila_server(scratch: Path, preheat: bool = False, pool_size: int = 1, extra_args: tuple[str, ...] = (),
                 env: dict | None = None):
    """Yield {"url", "port", "pid", "log"}; stopped on exit by its own process group, kernels included.

    `extra_args` go last on the command line, where they override voila.json (as `make app`'s POOL_SIZE does); `env`
    adds to the server's environment (APP_USER_HEADER...). Decisions go to `scratch`/audit.sqlite."""
    env = dict(os.environ, **(env or {}),
               JUPYTER_PATH=str(REPO / "share" / "jupyter"),
               JUPYTER_RUNTIME_DIR=str(scratch / "runtime"),
               IPYTHONDIR=str(scratch / "ipython"),
               MPLCONFIGDIR=str(scratch / "mpl"),
               CREDIT_AUDIT_LOG=str(scratch / "audit.sqlite"),
               MLFLOW_DISABLE_TELEMETRY="true")
    port = free_port()
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
        wait_until_answering(server, urllib.request.Request(url + "voila/static/voila.js"), log_path, "voila",
                             LOAD_MS / 1000)
        yield {"url": url, "port": port, "pid": server.pid, "log": log_path}
    finally:
        stop_with_kernels(server)
