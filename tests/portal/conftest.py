"""Fixtures for the portal: a SQLite store with one user per role and two outlets, a Flask app on it."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from audit.department.store import open_store
from audit.portal.app import create_app
from audit.portal.users import add_user
from tests.probes.http.http_servers import Certificates, make_certificates

CHECKLIST = "tcvn11930-2017-l3"  # 49 questions: quicker pages than the default catalogue's 195
PASSWORD = "correct horse battery staple"
USERS = {"admin1": ("admin", None), "officer1": ("officer", None), "alice": ("outlet", "o1"), "bob": ("outlet", "o2")}


def csrf_of(html: str) -> str:
    """The CSRF token of the first form on a page."""
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert found, html[:500]
    return found.group(1)


def login(client: FlaskClient, username: str, password: str = PASSWORD) -> Any:
    """Log in through the form, as a browser would."""
    token = csrf_of(client.get("/login").text)
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


@pytest.fixture()
def store_path(tmp_path: Path) -> str:
    path = str(tmp_path / "portal.db")
    with open_store(path) as store:
        for name, (role, outlet) in USERS.items():
            add_user(store, name, PASSWORD, role, outlet)
        store.replace_inventory([("o1", "Báo Một", ()), ("o2", "Báo Hai", ())])
    return path


@pytest.fixture()
def app(store_path: str) -> Flask:
    return create_app(store_path, checklist=CHECKLIST, secret_key="test-" + "k" * 40)


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    return make_certificates(tmp_path_factory.mktemp("portal-certs"))


@pytest.fixture()
def served(store_path: str, certs: Certificates) -> Iterator[int]:
    """The portal under gunicorn (the command an operator runs), stopped with SIGTERM.

    Its log goes to a file beside the store: a pipe nobody reads fills up (64 KiB of access lines)
    and blocks gunicorn mid-write, so that it never exits on SIGTERM.
    """
    port = _free_port()
    log_path = Path(store_path).with_suffix(".serve.log")
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-c", "from audit.cli import main; main()", "serve", "--store", store_path,
             "--bind", f"127.0.0.1:{port}", "--tls-cert", str(certs.cert), "--tls-key", str(certs.key),
             "--checklist", CHECKLIST, "--workers", "1"],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert proc.poll() is None, log_path.read_text(encoding="utf-8", errors="replace")
            time.sleep(0.2)
        yield port
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            raise AssertionError("the portal did not stop on SIGTERM within 20 s; its log ends:\n"
                                 + log_path.read_text(encoding="utf-8", errors="replace")[-3000:]) from None
