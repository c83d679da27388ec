"""nginx on loopback, configured like real news sites (apex to www, ...), for the real-world lab.

Each case is an nginx `http { ... }` body written by the test; `run_nginx` adds the boilerplate
(no daemon, temp paths in the test's directory), starts the real binary, waits for every listener
and stops it afterwards. Addresses come from 127.13.0.0/16 (issue 13's range), ports from the
kernel (`free_port`).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
"""The nginx binary (Debian installs it in /usr/sbin, often not on a user's PATH)."""

HEAD = """
{user}
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log;
events {{ worker_connections 64; }}
http {{
  access_log off;
  client_body_temp_path {dir}/body; proxy_temp_path {dir}/proxy; fastcgi_temp_path {dir}/fcgi;
  uwsgi_temp_path {dir}/uwsgi; scgi_temp_path {dir}/scgi;
  server_tokens off;
{body}
}}
"""


def wait_for_port(address: str, port: int, proc: subprocess.Popen[str], seconds: float = 10.0) -> None:
    """Wait until `address:port` accepts connections; fail with the server's stderr if it exits first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited early: {proc.stderr.read() if proc.stderr else ''}")
        try:
            socket.create_connection((address, port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{address}:{port} did not open")


@contextlib.contextmanager
def run_nginx(directory: Path, body: str, listeners: list[tuple[str, int]]) -> Iterator[None]:
    """Run nginx with this `http` body until the block ends; fail loudly if nginx is missing."""
    if NGINX is None:
        raise RuntimeError("nginx is not installed (apt-get install nginx-light): the real-world lab needs it")
    conf = directory / "nginx.conf"
    # As root, workers would run as `nobody`, who cannot read pytest's private temp folders.
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};" if os.geteuid() == 0 else ""
    conf.write_text(HEAD.format(dir=directory, body=body, user=user))
    proc = subprocess.Popen([NGINX, "-p", str(directory), "-c", str(conf)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    try:
        for address, port in listeners:
            wait_for_port(address, port, proc)
        yield
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def write_site(root: Path, files: dict[str, str]) -> Path:
    """Write a static site's files (relative path -> text) under `root`; return `root` for nginx's `root`."""
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root
