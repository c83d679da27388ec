"""What answers, not which port: a CDN edge serving HTTP on the hosting-panel ports 2082, 2083, 2087.

Cloudflare's edge answers plain HTTP on 2082 and HTTPS on 2083 and 2087, ports that cPanel and WHM
use. nginx plays that edge on 127.13.7.1; both nmap -sV and the built-in scanner (its `HEAD /` on
silent panel ports) identify nginx there, so no hosting panel is reported and L3-NET-01 passes when
the outlet declares those ports. A silent listener on 2087 identifies nothing: the port number then
decides, and the finding says so (`basis: port`).
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from audit.cli.common import get_checklist
from audit.demo.certs import make_leaf
from audit.engine import AuditOptions, run_audit
from audit.models import Outlet, Target
from tests.reallab.nginx_lab import run_nginx

ADDRESS = "127.13.7.1"
PANEL_PORTS = [2082, 2083, 2087]
EDGE = """
  server {{ listen {address}:8443 ssl; ssl_certificate {cert}; ssl_certificate_key {key}; return 200 "site"; }}
  server {{ listen {address}:2082; server_name edge.test; return 200 "edge"; }}
  server {{ listen {address}:2083 ssl; ssl_certificate {cert}; ssl_certificate_key {key}; return 200 "edge"; }}
  server {{ listen {address}:2087 ssl; ssl_certificate {cert}; ssl_certificate_key {key}; return 200 "edge"; }}
"""


def _ports_facts(tmp_path: Path, ca, ca_file: str, use_nmap: bool, body: str, listeners: list[int]) -> tuple[dict, dict]:
    cert, key = make_leaf(["edge.test"], ca).write(tmp_path, "edge")
    # The site itself is on 8443: the panel ports are other ports of its host, where -sV runs.
    site = Target("edge.test", 8443, http_port=None, address=ADDRESS, domains=("edge.test",))
    outlet = Outlet("edge", "Edge", (site,), settings={"ports": PANEL_PORTS, "allowed_ports": [80, 443, *PANEL_PORTS],
                                                       "top_ports": 0})
    with run_nginx(tmp_path, body.format(address=ADDRESS, cert=cert, key=key), [(ADDRESS, p) for p in [8443, *listeners]]):
        options = AuditOptions(timeout_seconds=3, ca_file=ca_file, use_nmap=use_nmap, probes=["ports"])
        result = asyncio.run(run_audit(get_checklist("l3-starter", None), [outlet], options))[0]
    attempt = next(a for a in result.attempts if a.probe == "ports")
    return dict(attempt.facts), {r.requirement_id: r for r in result.requirements}


@pytest.mark.parametrize("use_nmap", [True, False])
def test_an_edge_on_panel_ports_is_not_a_hosting_panel(tmp_path: Path, ca, ca_file: str, use_nmap: bool) -> None:
    """Given nginx on 2082/2083/2087, when scanned (nmap -sV or built-in), then no cPanel/WHM and NET-01 passes."""
    if use_nmap and shutil.which("nmap") is None:
        pytest.fail("nmap is not installed (.ci/run installs it): this test compares what nmap identifies")
    facts, rows = _ports_facts(tmp_path, ca, ca_file, use_nmap, EDGE, PANEL_PORTS)
    assert sorted(facts["ports.open_ports"]) == [*PANEL_PORTS, 8443]
    identified = {o["port"]: (o["service"], o["product"]) for o in facts["ports.open"]}
    assert all("nginx" in product.lower() or service.startswith("http") for service, product in identified.values()), identified
    assert facts["ports.risky_open"] == [] and facts["ports.risky_open_count"] == 0
    assert rows["L3-NET-01"].status.value == "pass", rows["L3-NET-01"].reason


@pytest.fixture()
def silent_2087() -> Iterator[None]:
    """A listener on 2087 that accepts and never says anything."""
    server = socket.create_server((ADDRESS, 2087))
    stop = threading.Event()
    held: list[socket.socket] = []

    def serve() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def test_a_silent_panel_port_is_reported_on_its_number_and_says_so(tmp_path: Path, ca, ca_file: str,
                                                                   silent_2087: None) -> None:
    """Given 2082/2083 served by nginx and a silent 2087, then only 2087 is WHM, on the port number alone."""
    body = "\n".join(line for line in EDGE.splitlines() if ":2087" not in line)
    facts, rows = _ports_facts(tmp_path, ca, ca_file, False, body, [2082, 2083])
    assert [(r["port"], r["service"], r["basis"]) for r in facts["ports.risky_open"]] == [(2087, "whm-ssl", "port")]
    assert rows["L3-NET-01"].status.value == "fail"
