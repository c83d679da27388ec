"""Unmeasured stays unmeasured: a filtered plain-HTTP port is `error`, not "not applicable".

nginx serves a well-configured HTTPS site on 127.13.3.1; the plain-HTTP port is a listener whose
backlog is full and that never accepts, so connections there time out as behind a filtering
firewall. A careful auditor cannot say whether port 80 redirects: L3-WEB-01 is error and the site
is not "compliant".
"""

from __future__ import annotations

import json
import socket
from pathlib import Path

from click.testing import CliRunner

from audit.cli import cli
from audit.demo.certs import make_leaf
from audit.demo.servers import free_port
from tests.reallab.nginx_lab import run_nginx

ADDRESS = "127.13.3.1"
GOOD = """
  server {{
    listen {address}:{port} ssl; ssl_certificate {cert}; ssl_certificate_key {key};
    add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;
    add_header X-Content-Type-Options nosniff always;
    add_header X-Frame-Options DENY always;
    location / {{ return 200 "tin tuc\\n"; }}
  }}
"""


def test_a_filtered_plain_http_port_is_error_not_not_applicable(tmp_path: Path, ca, ca_file: str) -> None:
    port = free_port(ADDRESS)
    cert, key = make_leaf(["baomau.vn"], ca).write(tmp_path, "f")
    with socket.socket() as filtered:
        filtered.bind((ADDRESS, 0))
        filtered.listen(0)
        http_port = filtered.getsockname()[1]
        fillers = []
        for _ in range(3):  # fill the accept queue: later connections are not answered at all
            s = socket.socket()
            s.setblocking(False)
            s.connect_ex((ADDRESS, http_port))
            fillers.append(s)
        out = tmp_path / "r.json"
        with run_nginx(tmp_path, GOOD.format(address=ADDRESS, port=port, cert=cert, key=key), [(ADDRESS, port)]):
            result = CliRunner().invoke(cli, ["scan", f"https://baomau.vn:{port}", "--resolve",
                                              f"baomau.vn:{port}:{ADDRESS}", "--http-port", str(http_port),
                                              "--ca-file", ca_file, "--json", str(out), "--no-nmap",
                                              "--timeout", "1.5", "--checklist", "l3-starter"])
        for s in fillers:
            s.close()
    assert result.exit_code in (1, 3), result.output
    data = json.loads(out.read_text())
    rows = {r["requirement_id"]: r for r in data["requirements"]}
    assert rows["L3-WEB-01"]["status"] == "error", rows["L3-WEB-01"]
    assert "timed out" in rows["L3-WEB-01"]["reason"]
    assert rows["L3-WEB-02"]["status"] == rows["L3-WEB-03"]["status"] == "pass"
    assert data["summary"]["verdict"] != "compliant"


def test_a_headers_bomb_is_unreadable_so_content_rows_are_error(tmp_path: Path, ca, ca_file: str) -> None:
    """Given nginx sending 10,000 headers, then the answer is unreadable: WEB-02/03 error, never fail."""
    port = free_port(ADDRESS)
    cert, key = make_leaf(["baomau.vn"], ca).write(tmp_path, "b")
    bomb = "\n".join(f"    add_header X-Bomb-{i} v always;" for i in range(10_000))
    body = GOOD.format(address=ADDRESS, port=port, cert=cert, key=key).replace("    location /", bomb + "\n    location /")
    out = tmp_path / "r.json"
    with run_nginx(tmp_path, body, [(ADDRESS, port)]):
        CliRunner().invoke(cli, ["scan", f"https://baomau.vn:{port}", "--resolve", f"baomau.vn:{port}:{ADDRESS}",
                                 "--ca-file", ca_file, "--json", str(out), "--no-nmap", "--timeout", "3",
                                 "--http-port", str(free_port(ADDRESS))])
    rows = {r["requirement_id"]: r for r in json.loads(out.read_text())["requirements"]}
    assert rows["L3-WEB-03"]["status"] == "error", rows["L3-WEB-03"]
    assert rows["L3-WEB-02"]["status"] == "error"


def test_https_refused_and_plain_http_served_fails_the_transit_row_on_what_was_measured() -> None:
    """Port 443 refuses, port 80 serves the site without a redirect: the TLS probe cannot measure, but
    the plain-HTTP answer proves N3-DAT-10's redirect check fails, so the row fails (it used to be error)."""
    import asyncio

    from audit.catalogue.loader import load_checklist
    from audit.demo.servers import SiteConfig, WebServer
    from audit.evaluation import evaluate_site
    from audit.models import AttemptStatus, Status, Target
    from audit.runner import AuditOptions, ProbeRunner

    address = "127.13.3.2"
    plain = WebServer(address, 0, SiteConfig()).start()
    try:
        target = Target("baomau.vn", free_port(address), http_port=plain.port, address=address)

        async def go() -> dict:
            runner = ProbeRunner(AuditOptions(timeout_seconds=2.0, probe_budget_seconds=30))
            return {name: await runner.attempt(name, target) for name in ("tls", "http")}

        attempts = asyncio.run(go())
    finally:
        plain.stop()
    assert attempts["tls"].status is AttemptStatus.ERROR, attempts["tls"]
    assert attempts["http"].facts.get("http.plain.reachable") is True
    assert attempts["http"].facts.get("http.redirect.to_https") is False
    result = evaluate_site(load_checklist("tcvn14423-2026-l3").requirement("N3-DAT-10"), target.url, attempts)
    assert result.status is Status.FAIL, result
    assert result.reason.startswith("failed check(s): http-to-https (proven; other facts not measured: ")
    assert "tls: cannot connect" in result.reason and "mail: probe did not run" in result.reason
