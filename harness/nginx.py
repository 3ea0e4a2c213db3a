"""Debian's nginx in front of a page server, configured by the shipped deploy/nginx/credit-page.conf, for tests and
the ten-officer benchmark (`--behind-nginx`).

The shipped file is used as it is, with three substitutions: the port it listens on (a free loopback port), the
upstream (the test's Voilà) and the password file (officers and passwords given by the test, stored as salted
SHA-1, a scheme nginx reads without apache2-utils). A minimal main configuration around it keeps every file nginx
writes in a temporary folder; nginx runs in the foreground and is stopped on exit.
"""
from __future__ import annotations

import base64
import hashlib
import os
import re
import secrets
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from . import REPO
from .processes import free_port

SITE = REPO / "deploy" / "nginx" / "credit-page.conf"


def nginx_bin() -> str | None:
    return shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)


def password_line(user: str, password: str) -> str:
    salt = secrets.token_bytes(8)
    digest = hashlib.sha1(password.encode() + salt).digest()
    return f"{user}:{{SSHA}}{base64.b64encode(digest + salt).decode()}"


def site_config(listen_port: int, upstream_port: int, passwords: Path) -> str:
    text = SITE.read_text()
    text, n1 = re.subn(r"^(\s*)listen \S+;", rf"\1listen 127.0.0.1:{listen_port};", text, flags=re.M)
    text, n2 = re.subn(r"server 127\.0\.0\.1:\d+;", f"server 127.0.0.1:{upstream_port};", text)
    text, n3 = re.subn(r"auth_basic_user_file \S+;", f"auth_basic_user_file {passwords};", text)
    assert (n1, n2, n3) == (1, 1, 1), "deploy/nginx/credit-page.conf changed shape: update harness/nginx.py"
    return text


@contextmanager
def nginx_proxy(upstream_port: int, officers: dict[str, str]):
    """Yield the proxy's URL (http://127.0.0.1:PORT/) in front of 127.0.0.1:upstream_port."""
    binary = nginx_bin()
    if binary is None:
        raise FileNotFoundError("nginx is not installed (make nginx, or apt-get install nginx-light)")
    folder = Path(tempfile.mkdtemp(prefix="cw-nginx-"))
    port = free_port()
    try:
        passwords = folder / "officers.htpasswd"
        passwords.write_text("".join(password_line(u, p) + "\n" for u, p in officers.items()))
        (folder / "credit-page.conf").write_text(site_config(port, upstream_port, passwords))
        temp = "\n".join(f"    {kind}_temp_path {folder}/{kind};" for kind in ("client_body", "proxy", "fastcgi",
                                                                               "uwsgi", "scgi"))
        (folder / "nginx.conf").write_text(f"""{'user root;' if os.geteuid() == 0 else ''}
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log info;
daemon off;
events {{ worker_connections 512; }}
http {{
    access_log {folder}/access.log;
{temp}
    include {folder}/credit-page.conf;
}}
""")
        log = open(folder / "stderr.log", "wb")
        server = subprocess.Popen([binary, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e",
                                   str(folder / "error.log")], stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}/"
        try:
            deadline = time.monotonic() + 30
            while True:  # up once it answers anything (401: it asks for credentials)
                if server.poll() is not None:
                    raise RuntimeError(f"nginx exited: {(folder / 'error.log').read_text()[-2000:]}")
                try:
                    urllib.request.urlopen(url + "voila/static/voila.js", timeout=2).close()
                    break
                except urllib.error.HTTPError:
                    break
                except (urllib.error.URLError, ConnectionError):
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.1)
            yield url
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            log.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
