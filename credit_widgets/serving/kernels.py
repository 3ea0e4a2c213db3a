"""Voilà's kernel manager for the page, so that a flood of page requests cannot take the server down.

voila.json names it (`VoilaConfiguration.multi_kernel_manager_class`); Voilà 0.5.13 derives its pre-heating manager
(voila_kernel_manager.py) from it. Three rules:

- At most `max_kernels` kernels live at once, pre-heated ones included (default: what the machine's memory holds at
  `kernel_mb` each, after `reserve_mb` for the server and the system). A visitor over the cap gets the `Busy`
  error, an HTTP 503 page in both languages (templates/credit/503.html), before any kernel starts: Voilà starts an
  on-request kernel before it writes a byte of the page, so the status can still be 503.
- The pre-heated pool is only refilled while there is room (Voilà refills it on every visit otherwise), and
  refilled again when a kernel ends.
- A kernel no page ever connected to is shut down once it has been idle `unclaimed_timeout` seconds (a script
  fetching the page, a browser closed at once), through jupyter_server's culler: idle, not merely handed out, so a
  page still being rendered on a loaded server keeps its kernel. A page that connected, however idle, keeps its
  kernel until the usual idle cull (`cull_connected` stays false). Pre-heated kernels waiting in the pool are never
  culled (Voilà spares them).
"""
from __future__ import annotations

from pathlib import Path

from jupyter_server._tz import utcnow
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado.web import HTTPError
from traitlets import Integer

from ..text import i18n


class Busy(HTTPError):
    """Every kernel the server may hold is in use: 503, with the page's sentence in both languages."""

    def __init__(self, limit: int):
        self.fr, self.en = (i18n.t("ui:busy", lang) for lang in ("fr", "en"))
        super().__init__(503, f"kernel limit reached ({limit})", reason="Service Unavailable")


def memory_budget_mb() -> int:
    """The machine's memory, or the container's limit when that is lower (cgroup v2, then v1)."""
    total = next(int(line.split()[1]) // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                 if line.startswith("MemTotal:"))
    for limit in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            text = Path(limit).read_text().strip()
        except OSError:
            continue
        if text.isdigit():
            total = min(total, int(text) // 2**20)
    return total


def default_max_kernels(kernel_mb: int, reserve_mb: int) -> int:
    return max(1, (memory_budget_mb() - reserve_mb) // max(1, kernel_mb))


class CappedKernelManager(AsyncMappingKernelManager):
    max_kernels = Integer(0, config=True, help="Kernels alive at once, pre-heated ones included; 0: from memory.")
    kernel_mb = Integer(400, config=True, help="Memory of one page's kernel (355 MB measured on the bundled "
                                               "23,170 clients, benchmarks/results/page.json; more on a bank's "
                                               "client base: docs/deploy.md).")
    reserve_mb = Integer(1536, config=True, help="Memory kept for the Voilà server and the system.")
    unclaimed_timeout = Integer(60, config=True, help="Seconds a kernel no page ever connected to may stay idle "
                                                      "before it is shut down.")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._starting = 0  # on-request starts in progress (not yet in list_kernel_ids)
        self._reserved = 0  # pool kernels let in by fill_if_needed and not started yet (popped from the pool or not)
        self._connected: set[str] = set()  # kernels a page ever connected to
        self._refill_later: set = set()  # pools left short for want of room
        self._closing = False  # the server is stopping: start nothing more
        self.limit = self.max_kernels or default_max_kernels(self.kernel_mb, self.reserve_mb)
        self.log.info("At most %d kernels (%s)", self.limit,
                      "max_kernels" if self.max_kernels else f"{memory_budget_mb()} MB, {self.kernel_mb} MB each")

    def __init_subclass__(cls, **kwargs):
        """Voilà's pre-heating manager is derived from this class and refills its pool on every visit: let it refill
        only while there is room (its fill_if_needed is the one place that starts pool kernels)."""
        super().__init_subclass__(**kwargs)
        fill = cls.__dict__.get("fill_if_needed")
        if fill is None:
            return

        def fill_if_needed(self, *args, **kw):
            notebook = kw.get("notebook_name", args[1] if len(args) > 1 else None)
            missing = self._pool_target(notebook) - len(self._pools.get(notebook, ()))
            if self._closing:
                return
            if missing > 0 and self.room() >= missing:
                self._reserved += missing
                fill(self, *args, **kw)
            elif missing > 0:
                self._refill_later.add(notebook)

        cls.fill_if_needed = fill_if_needed

    # ---- counting ------------------------------------------------------------------------------------------------
    def _pool_target(self, notebook) -> int:
        pools = getattr(self, "kernel_pools_config", {}) or {}
        default = pools.get("default", {})
        return pools.get(notebook, default).get("pool_size", default.get("pool_size", 1))

    def alive(self) -> int:
        return len(self.list_kernel_ids()) + self._starting + self._reserved

    def room(self) -> int:
        return self.limit - self.alive()

    # ---- admission -----------------------------------------------------------------------------------------------
    async def start_kernel(self, *args, **kwargs):
        pooled = (kwargs.get("env") or {}).get("VOILA_PREHEAT") == "True"
        if pooled:  # counted since fill_if_needed let it in
            try:
                return await super().start_kernel(*args, **kwargs)
            finally:
                self._reserved -= 1
        if self.room() <= 0:
            self.log.warning("Refusing a page: %d kernels alive, the limit is %d", self.alive(), self.limit)
            raise Busy(self.limit)
        self._starting += 1
        try:
            return await super().start_kernel(*args, **kwargs)
        finally:
            self._starting -= 1

    async def shutdown_kernel(self, kernel_id, *args, **kwargs):
        try:
            return await super().shutdown_kernel(kernel_id, *args, **kwargs)
        finally:
            self._connected.discard(kernel_id)
            self._refill()

    async def shutdown_all(self, *args, **kwargs):
        self._closing = True  # each kernel's shutdown would otherwise refill the pool it leaves room for
        return await super().shutdown_all(*args, **kwargs)

    def _refill(self) -> None:
        if self._closing:
            return
        for notebook in list(self._refill_later):
            self._refill_later.discard(notebook)
            self.fill_if_needed(delay=0, notebook_name=notebook)  # puts it back in waiting if still no room

    # ---- kernels nobody claimed ----------------------------------------------------------------------------------
    def notify_connect(self, kernel_id):
        self._connected.add(kernel_id)
        super().notify_connect(kernel_id)

    async def cull_kernel_if_idle(self, kernel_id):
        # Voilà's manager calls this only for kernels out of its pool, i.e. handed to a page.
        kernel = self._kernels.get(kernel_id)
        if kernel is not None and kernel_id not in self._connected and hasattr(kernel, "last_activity"):
            idle = (utcnow() - kernel.last_activity).total_seconds()
            if getattr(kernel, "execution_state", None) != "busy" and idle > self.unclaimed_timeout:
                self.log.warning("Shutting down kernel %s: no page connected to it, idle for %d s", kernel_id, idle)
                await self.shutdown_kernel(kernel_id)
                return
        return await super().cull_kernel_if_idle(kernel_id)

