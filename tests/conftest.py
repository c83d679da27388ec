"""Shared fixtures: a CA, and real HTTPS/HTTP servers and listeners on 127.0.0.x.

Each test that needs servers gets its own loopback address and free ports, so tests never collide
with each other or with a running demo.
"""

from __future__ import annotations

import itertools
import logging
import os
import ssl
from pathlib import Path
from typing import Iterator

import pytest

from audit.demo.certs import KeyPair, make_ca, make_leaf
from audit.demo.servers import BannerListener, SiteConfig, WebServer, free_port, server_tls_context
from audit.models import Target

# No test may ask this machine's resolver (it is not on loopback): a dns or mail probe given no
# --resolver asks $L3AUDIT_RESOLVER, here a closed loopback port, so it reports `error` at once.
# Subprocesses inherit it. Tests that need DNS start Knot on loopback and pass its address.
os.environ["L3AUDIT_RESOLVER"] = "127.0.0.1:9"

_addresses = itertools.count(0)

# The language default follows L3AUDIT_LANG and the locale; tests pin it so that the machine's
# locale cannot change what they see (tests of the default pass their own environment).
os.environ["L3AUDIT_LANG"] = "vi"


class _MissingTranslations(logging.Handler):
    """Collects the run-time warnings of audit.i18n: a missing translation fails the test instead."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture(autouse=True)
def no_missing_translation() -> Iterator[None]:
    """Fail any test during which a message fell back to English for want of a translation."""
    handler = _MissingTranslations()
    logger = logging.getLogger("audit.i18n")
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
    assert not handler.messages, f"missing translations: {handler.messages}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    """Under CI (CI=true) a skipped test is a failure: CI installs everything, so a skip means it did not."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") == "true" and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"CI must run every test, but this one was skipped: {reason}"


def next_address() -> str:
    """A fresh loopback address (127.0.1.40 onwards) for one test's servers."""
    n = next(_addresses)
    return f"127.0.{n // 200 + 1}.{n % 200 + 40}"


@pytest.fixture(scope="session")
def ca() -> KeyPair:
    """A test CA that signs the 'good' certificates."""
    return make_ca("l3audit test CA")


@pytest.fixture(scope="session")
def ca_file(ca: KeyPair, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The test CA as a PEM file, for --ca-file."""
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    path.write_bytes(ca.cert_pem())
    return str(path)


class Sites:
    """Starts servers for a test and stops them afterwards."""

    def __init__(self, folder: Path, ca: KeyPair) -> None:
        self.folder = folder
        self.ca = ca
        self.started: list[WebServer | BannerListener] = []

    def https(
        self,
        name: str = "site.test",
        config: SiteConfig | None = None,
        cert: KeyPair | None = None,
        min_version: ssl.TLSVersion = ssl.TLSVersion.TLSv1_2,
        http: SiteConfig | None = None,
        http_redirect: bool = False,
    ) -> Target:
        """An HTTPS site (and optionally its plain-HTTP side) on a fresh address; returns its Target.

        `http_redirect=True` gives it a plain-HTTP side that redirects to the HTTPS one.
        """
        address = next_address()
        keypair = cert or make_leaf([name], self.ca)
        cert_file, key_file = keypair.write(self.folder, f"{name}-{address}")
        tls = server_tls_context(cert_file, key_file, min_version)
        server = WebServer(address, 0, config or SiteConfig(), tls).start()
        self.started.append(server)
        http_port = None
        if http_redirect:
            http = SiteConfig(redirect_to=f"https://{name}:{server.port}/")
        if http is not None:
            plain = WebServer(address, 0, http).start()
            self.started.append(plain)
            http_port = plain.port
        return Target(host=name, port=server.port, http_port=http_port, address=address)

    def listener(self, address: str | None = None, port: int = 0, banner: bytes = b"", stall: bool = False) -> BannerListener:
        """A bare TCP listener (a stand-in service, a stalling server, a non-TLS port)."""
        listener = BannerListener(address or next_address(), port, banner, stall).start()
        self.started.append(listener)
        return listener

    def close(self) -> None:
        for server in reversed(self.started):
            server.stop()


@pytest.fixture()
def sites(tmp_path: Path, ca: KeyPair) -> Iterator[Sites]:
    """Factory of real servers, stopped after the test."""
    s = Sites(tmp_path, ca)
    try:
        yield s
    finally:
        s.close()


__all__ = ["free_port", "next_address"]
