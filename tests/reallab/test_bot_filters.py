"""Bot filters: nginx refusing scanners by User-Agent with a block page, as WAFs and CDNs do.

A careful auditor does not grade the block page (no "missing headers", no "no /.env"): those rows
are `error` with the reason "blocked". When the outlet allows a browser-like user agent in its
inventory settings, the site a reader sees is judged, and its readable /.env fails the row.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from audit.cli.common import get_checklist
from audit.demo.certs import make_leaf
from audit.demo.servers import free_port
from audit.engine import AuditOptions, run_audit
from audit.models import Outlet, Target
from tests.reallab.nginx_lab import run_nginx

ADDRESS = "127.13.2.1"
FILTERED = """
  server {{
    listen {address}:{port} ssl; ssl_certificate {cert}; ssl_certificate_key {key};
    root {root}; default_type text/plain;
    add_header Strict-Transport-Security "max-age=31536000" always;
    add_header X-Content-Type-Options nosniff always;
    add_header X-Frame-Options DENY always;
    error_page 403 /blocked.html;
    location = /blocked.html {{ internal; default_type text/html; }}
    location / {{ if ($http_user_agent ~* "l3audit\\s\\(|curl|python") {{ return 403; }} }}
  }}
"""
FILES = {".env": "APP_ENV=production\nDB_PASSWORD=hunter2\n", "index.html": "<!doctype html><title>Bao</title>tin",
         "blocked.html": "<html><title>Access denied</title><h1>You have been blocked</h1>Ray ID: 1</html>"}


def _audit(tmp_path: Path, ca, ca_file: str, **settings: object) -> tuple[dict, dict]:
    port = free_port(ADDRESS)
    cert, key = make_leaf(["baomau.vn"], ca).write(tmp_path, "waf")
    root = tmp_path / "www"
    root.mkdir()
    for name, text in FILES.items():
        (root / name).write_text(text)
    site = Target("baomau.vn", port, http_port=None, address=ADDRESS, domains=("baomau.vn",))
    outlet = Outlet("baomau", "Báo Mẫu", (site,), settings={"exposure_rate_per_second": 50, **settings})
    body = FILTERED.format(address=ADDRESS, port=port, cert=cert, key=key, root=root)
    with run_nginx(tmp_path, body, [(ADDRESS, port)]):
        options = AuditOptions(timeout_seconds=3, ca_file=ca_file, use_nmap=False, probes=["http", "exposure"])
        result = asyncio.run(run_audit(get_checklist("tcvn14423-2026-l3", None), [outlet], options))[0]
    rows = {r.requirement_id: r for r in result.requirements}
    attempts = {a.probe: a for a in result.attempts}
    return rows, attempts


def test_a_block_page_is_not_graded(tmp_path: Path, ca, ca_file: str) -> None:
    """Given a user-agent filter answering our polite agent with a block page, then rows are error: blocked."""
    rows, attempts = _audit(tmp_path, ca, ca_file)
    http = attempts["http"].facts
    assert "http.observatory.grade" not in http and "http.headers.x-frame-options" not in http
    assert "blocked" in http["http.unmeasured"]["http.headers"]
    assert attempts["exposure"].status.value == "error" and "blocked" in attempts["exposure"].error_reason
    assert rows["N3-DEV-08"].status.value == "error"
    assert all(r.status.value != "fail" for r in rows.values() if "http" in r.reason or "blocked" in r.reason)


def test_a_browser_like_agent_when_allowed_sees_the_site(tmp_path: Path, ca, ca_file: str) -> None:
    """Given `user_agent: browser` in the outlet's settings, then the readable /.env fails N3-DEV-08."""
    rows, attempts = _audit(tmp_path, ca, ca_file, user_agent="browser")
    assert attempts["exposure"].facts["exposure.env_exposed"] is True
    assert rows["N3-DEV-08"].status.value == "fail"
    assert attempts["http"].facts["http.headers.x-frame-options"] == "DENY"
