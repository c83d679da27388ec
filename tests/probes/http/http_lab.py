"""Starts the whole test-site catalogue and scores it with our probe and with the Observatory.

Shared by the differential test and the coverage test, so the servers start once per test module.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from audit.errors import ProbeError
from audit.models import Target
from probes.http.probe import HttpProbe
from probes.interface import ProbeOptions
from tests.probes.http.http_servers import Certificates, Running, serve
from tests.probes.http.http_sites import OFFHOST_TARGET, catalogue

HARNESS = Path(__file__).resolve().parents[2] / "observatory"
PRESENCE_SITES = ("redirect-off-host", "redirect-apex-to-www")
"""Sites whose redirects lead to the other host: outside the presence, and (apex to www) within it."""
FIRST_HOST = 10
"""Sites listen on 127.0.0.10 onwards (the shared conftest uses 127.0.1.x)."""


@dataclass
class LabSite:
    """A started site and how both tools address it."""

    name: str
    running: Running
    target: Target
    http_port: int
    https_port: int


def closed_port(host: str) -> int:
    """A port on `host` where nothing listens (bound, then released)."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def lab(certs: Certificates) -> Iterator[dict[str, LabSite]]:
    """Start every catalogue site on its own 127.0.0.x address."""
    with contextlib.ExitStack() as stack:
        other = stack.enter_context(serve(OFFHOST_TARGET, f"127.0.0.{FIRST_HOST - 1}", certs))
        sites: dict[str, LabSite] = {}
        for index, site in enumerate(catalogue()):
            host = f"127.0.0.{FIRST_HOST + index}"
            if site.name in PRESENCE_SITES:
                site.links["other"] = other.https_root
            running = stack.enter_context(serve(site, host, certs))
            https_port = running.https_port or closed_port(host)
            http_port = running.http_port or closed_port(host)
            target = Target(host=host, port=https_port, http_port=running.http_port,
                            domains=(host, other.host) if site.name == "redirect-apex-to-www" else ())
            sites[site.name] = LabSite(site.name, running, target, http_port, https_port)
        sites["offhost-target"] = LabSite("offhost-target", other, Target(host=other.host, port=other.https_port or 0,
                                          http_port=other.http_port), other.http_port or 0, other.https_port or 0)
        yield sites


def probe_all(sites: dict[str, LabSite], ca_file: str) -> dict[str, dict[str, Any]]:
    """Our probe's facts for every site (a ProbeError becomes {'error': reason})."""
    options = ProbeOptions(timeout_seconds=5, ca_file=ca_file)

    async def run() -> dict[str, dict[str, Any]]:
        limit = asyncio.Semaphore(6)

        async def one(site: LabSite) -> tuple[str, dict[str, Any]]:
            async with limit:
                try:
                    measurement = await HttpProbe().measure(site.target, options)
                except ProbeError as exc:
                    return site.name, {"error": str(exc)}
                return site.name, dict(measurement.facts)

        return dict(await asyncio.gather(*(one(s) for s in sites.values())))

    return asyncio.run(run())


def observatory_available() -> str:
    """'' when the Observatory harness can run, else why not."""
    if shutil.which("node") is None:
        return "node is not installed (the differential test needs Node 20+)"
    return ""


def observatory_all(sites: dict[str, LabSite], ca_file: str) -> dict[str, dict[str, Any]]:
    """The Observatory's score, grade and outcomes for every site, from tests/observatory/score.mjs."""
    package = HARNESS / "node_modules" / "@mdn" / "mdn-http-observatory"
    if not package.is_dir():
        raise RuntimeError(f"{package} is missing: run `npm ci --ignore-scripts --prefix {HARNESS}` first")
    names = list(sites)
    request = [{"hostname": sites[n].target.host, "httpPort": sites[n].http_port, "httpsPort": sites[n].https_port}
               for n in names]
    env = {**os.environ, "NODE_EXTRA_CA_CERTS": ca_file}
    done = subprocess.run(["node", str(HARNESS / "score.mjs")], input=json.dumps(request), capture_output=True,
                          text=True, env=env, timeout=300, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"score.mjs failed ({done.returncode}): {done.stderr[-2000:]}")
    return dict(zip(names, json.loads(done.stdout)))
