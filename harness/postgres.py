"""A throw-away PostgreSQL cluster on a free loopback port, for the audit tests and benchmark.

Uses Debian's server binaries (`make postgres` installs them). initdb and the server refuse to run as root, so as
root they run as the `postgres` user in a temporary folder it owns. Passwords are required over TCP (scram), so a
wrong password is refused as it would be on a bank's server. The application's role gets what
`credit_widgets.audit.postgres.setup` grants (SELECT, INSERT) and nothing else.
"""
from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .processes import free_port

APP_ROLE = "credit_app"
DATABASE = "credit_audit"


def server_bin() -> Path | None:
    """The newest installed PostgreSQL's bin folder, or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


@dataclass
class Cluster:
    port: int
    admin_url: str  # the tables' owner (a superuser of this throw-away cluster)
    app_url: str  # the page servers' role: SELECT and INSERT only
    app_password: str
    data: Path
    bindir: Path
    folder: Path  # the cluster's own: data/, its log, its socket
    prefix: tuple[str, ...] = ()  # runs the server's commands as `postgres` when the tests run as root

    def url(self, database: str = DATABASE, password: str | None = None, port: int | None = None) -> str:
        """The application role's URL (another password or port to provoke refusals)."""
        return (f"postgresql://{APP_ROLE}:{self.app_password if password is None else password}@127.0.0.1:"
                f"{port or self.port}/{database}")

    def admin(self, database: str = DATABASE) -> str:
        return self.admin_url.rsplit("/", 1)[0] + "/" + database

    def database(self, name: str, tables: bool = True) -> str:
        """A fresh database (with the audit tables unless `tables=False`); the application role's URL to it."""
        import psycopg

        from credit_widgets.audit.postgres import setup

        with psycopg.connect(self.admin("postgres"), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        if tables:
            setup(self.admin(name), APP_ROLE)
        return self.url(name)

    def _pg_ctl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run([*self.prefix, str(self.bindir / "pg_ctl"), "-D", str(self.data), *args],
                              check=check, capture_output=True, text=True)

    def start(self) -> None:
        """Start the server on this data directory (after a crash: it replays its write-ahead log first)."""
        self._pg_ctl("-l", str(self.folder / "server.log"), "-w", "-t", "120", "-o",
                     f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c shared_buffers=32MB "
                     "-c max_connections=60", "start")

    def stop(self) -> None:
        self._pg_ctl("-m", "fast", "-w", "stop", check=False)

    def postmaster_pid(self) -> int | None:
        try:
            return int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def crash(self, wait_s: float = 30) -> None:
        """SIGKILL the postmaster, as the OOM killer or a power cut would end it: no shutdown checkpoint. Its
        backends notice their parent is gone and end on their own (a new server cannot start while they hold the
        shared memory); any still there after `wait_s` are killed too."""
        import psutil

        postmaster = psutil.Process(self.postmaster_pid())
        children = postmaster.children(recursive=True)
        postmaster.kill()
        postmaster.wait(wait_s)
        _, alive = psutil.wait_procs(children, timeout=wait_s)
        for child in alive:
            child.kill()
        psutil.wait_procs(alive, timeout=wait_s)

    def log(self) -> str:
        path = self.folder / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""


@contextmanager
def throwaway_cluster():
    """Start a cluster, create the audit database, its tables and the application's role; stop and delete it."""
    import psycopg

    bindir = server_bin()
    if bindir is None:
        raise FileNotFoundError("PostgreSQL's server is not installed (make postgres, or apt-get install postgresql)")
    as_root = os.geteuid() == 0
    prefix = ("runuser", "-u", "postgres", "--") if as_root else ()
    folder = Path(tempfile.mkdtemp(prefix="cw-pg-"))
    data, admin_pw, app_pw, port = folder / "data", secrets.token_hex(12), secrets.token_hex(12), free_port()
    (folder / "pw").write_text(admin_pw + "\n")
    if as_root:
        user = pwd.getpwnam("postgres")
        for path in (folder, folder / "pw"):
            os.chown(path, user.pw_uid, user.pw_gid)
    admin = f"postgresql://postgres:{admin_pw}@127.0.0.1:{port}"
    cluster = Cluster(port, f"{admin}/{DATABASE}", f"postgresql://{APP_ROLE}:{app_pw}@127.0.0.1:{port}/{DATABASE}",
                      app_pw, data, bindir, folder, prefix)
    try:
        subprocess.run([*prefix, str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth-local=trust",
                        "--auth-host=scram-sha-256", f"--pwfile={folder / 'pw'}", "--encoding=UTF8",
                        "--no-instructions"], check=True, capture_output=True, text=True)
        cluster.start()
        try:
            with psycopg.connect(f"{admin}/postgres", autocommit=True) as conn:
                conn.execute(f"CREATE ROLE {APP_ROLE} LOGIN PASSWORD '{app_pw}'")
            cluster.database(DATABASE)
            yield cluster
        finally:
            cluster.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
