"""The scoring API as `make api` serves it: the real `mlflow models serve` on a free loopback port."""
from __future__ import annotations

import http.client
import os
import subprocess
import time
from pathlib import Path

from . import REPO
from .processes import free_port, stop_group

BIN = REPO / ".venv" / "bin"
STARTUP_POLLS = 600   # 0.25 s apart


def start_server(scratch: Path, model_uri: str | None = None, env: dict | None = None
                 ) -> tuple[subprocess.Popen, int, float]:
    """`mlflow models serve` of `model_uri` (default: the bundled models/; `models:/name@alias` for the registry,
    with MLFLOW_TRACKING_URI in `env`) on a free loopback port: (process, port, seconds until /ping answers).
    Decisions go to `scratch`/audit.sqlite; stop it with `stop_server`."""
    port = free_port()
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
           "MLFLOW_DISABLE_TELEMETRY": "true", "CREDIT_AUDIT_LOG": str(scratch / "audit.sqlite"), **(env or {})}
    started = time.perf_counter()
    with open(scratch / "server.log", "wb") as log:
        process = subprocess.Popen([str(BIN / "mlflow"), "models", "serve", "-m", model_uri or str(REPO / "models"),
                                    "--env-manager", "local", "-h", "127.0.0.1", "-p", str(port)],
                                   env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    for _ in range(STARTUP_POLLS):
        if process.poll() is not None:
            raise RuntimeError((scratch / "server.log").read_text()[-3000:])
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/ping")
            if connection.getresponse().status == 200:
                connection.close()
                return process, port, time.perf_counter() - started
        except OSError:
            time.sleep(0.25)
    stop_server(process)
    raise RuntimeError("the server did not answer /ping")


def stop_server(process: subprocess.Popen) -> None:
    stop_group(process)
