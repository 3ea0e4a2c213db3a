"""Ports, process groups and the kernels a Jupyter/Voilà server starts, read with psutil (never /proc by hand)."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil

# Guards against a hung start only: a Voilà kernel running the notebook on two shared cores.
START_S = 180


def free_port() -> int:
    """A loopback port nobody listens on now (the kernel picks it; a server started next takes it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cmdline(pid: int) -> str:
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
    return sorted(c.pid for c in children if "ipykernel_launcher" in cmdline(c.pid))


def kernel_pid(server_pid: int, kernel_id: str) -> int | None:
    """The process of one of the server's kernels, found by its connection file's name."""
    for pid in kernel_pids(server_pid):
        if f"kernel-{kernel_id}.json" in cmdline(pid):
            return pid
    return None


def descendants(root: int) -> set[int]:
    """Every process under `root` (children, their children...)."""
    try:
        return {child.pid for child in psutil.Process(root).children(recursive=True)}
    except psutil.Error:
        return set()


def rss_mb(pid: int) -> float | None:
    try:
        return round(psutil.Process(pid).memory_info().rss / 2**20, 1)
    except psutil.Error:
        return None


def pss_mb(pid: int) -> float | None:
    """Proportional set size: private pages plus a share of the pages shared with other processes."""
    try:
        return round(psutil.Process(pid).memory_full_info().pss / 2**20, 1)
    except psutil.Error:
        return None


def cpu_s(pid: int) -> float | None:
    try:
        times = psutil.Process(pid).cpu_times()
    except psutil.Error:
        return None
    return times.user + times.system


def wait_quiet_kernel(server_pid: int, exclude: set[int], quiet_s: float = 1.5, limit_s: float = START_S) -> dict:
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


def wait_pool_full(server_pid: int, pool_size: int) -> list[dict]:
    """Until the pre-heated pool holds `pool_size` kernels that have run the notebook and gone quiet."""
    ready: list[dict] = []
    while len(ready) < pool_size:
        ready.append(wait_quiet_kernel(server_pid, exclude={r["pid"] for r in ready}))
    return ready


def wait_until_answering(server: subprocess.Popen, request: urllib.request.Request, log: Path, name: str,
                         limit_s: float = START_S) -> None:
    """Poll `request` until it answers 200; the server's log tail in the error if it exits or never answers."""
    deadline = time.monotonic() + limit_s
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


def stop_group(server: subprocess.Popen, timeout_s: float = 30) -> None:
    """SIGTERM a server started with `start_new_session=True` and everything in its group; SIGKILL if it lingers."""
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
    except ProcessLookupError:
        pass


def stop_with_kernels(server: subprocess.Popen) -> None:
    """Stop a Jupyter/Voilà server by its process group, then any kernel it left behind (kernels run in sessions of
    their own, outside the group)."""
    kernels = kernel_pids(server.pid)
    stop_group(server)
    for pid in kernels:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
