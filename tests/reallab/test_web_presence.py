"""An outlet's web presence: the bare domain redirects to `www`, as nearly every news site does.

nginx on two loopback addresses plays `baomau.vn` (127.13.0.1: plain HTTP to HTTPS, then HTTPS to
`https://www.baomau.vn/`, with no headers on the redirects) and `www.baomau.vn` (127.13.0.2: the
well-configured landing page). A careful auditor passes this site: every hop is HTTPS after the
first, and the page a visitor lands on sends HSTS and the security headers.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from click.testing import CliRunner

from audit.cli import cli
from audit.cli.common import get_checklist
from audit.engine import AuditOptions, run_audit
from audit.inventory import load_inventory
from audit.demo.certs import make_leaf
from audit.demo.servers import free_port
from tests.reallab.nginx_lab import run_nginx

APEX, WWW = "127.13.0.1", "127.13.0.2"

SERVERS = """
  server {{ listen {apex}:{http}; return 301 https://baomau.vn:{https}$request_uri; }}
  server {{
    listen {apex}:{https} ssl; ssl_certificate {cert}; ssl_certificate_key {key};
    return 301 https://www.baomau.vn:{https}$request_uri;
  }}
  server {{ listen {www}:{http}; return 301 https://www.baomau.vn:{https}$request_uri; }}
  server {{
    listen {www}:{https} ssl; ssl_certificate {cert}; ssl_certificate_key {key};
    add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;
    add_header X-Content-Type-Options nosniff always;
    add_header X-Frame-Options DENY always;
    location / {{ {landing} }}
  }}
"""
GOOD_PAGE = 'default_type text/html; return 200 "<!doctype html><title>Bao Mau</title>tin tuc";'


def _scan(tmp_path: Path, ca, ca_file: str, landing: str = GOOD_PAGE, *extra: str) -> dict:
    http, https, body = _start(tmp_path, ca, landing)
    out = tmp_path / "r.json"
    with run_nginx(tmp_path, body, [(APEX, https), (WWW, https)]):
        result = CliRunner().invoke(cli, [
            "scan", f"https://baomau.vn:{https}", "--http-port", str(http), "--ca-file", ca_file,
            "--resolve", f"baomau.vn:{https}:{APEX}", "--resolve", f"www.baomau.vn:{https}:{WWW}",
            "--json", str(out), "--no-nmap", "--timeout", "3", *extra])
    assert result.exit_code in (0, 1, 3), result.output
    return json.loads(out.read_text())


def _start(tmp_path: Path, ca, landing: str = GOOD_PAGE) -> tuple[int, int, str]:
    http, https = free_port(APEX), free_port(APEX)
    cert, key = make_leaf(["baomau.vn", "www.baomau.vn"], ca).write(tmp_path, "baomau")
    return http, https, SERVERS.format(apex=APEX, www=WWW, http=http, https=https, cert=cert, key=key,
                                       landing=landing)


def test_an_inventory_listing_apex_and_www_is_compliant(tmp_path: Path, ca, ca_file: str) -> None:
    """Given an inventory with both sites of one outlet (each with its address), then the outlet passes."""
    http, https, body = _start(tmp_path, ca)
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text(f"""
outlets:
  - id: baomau
    name: Báo Mẫu
    sites:
      - {{url: "https://baomau.vn:{https}", address: "{APEX}", http_port: {http}}}
      - {{url: "https://www.baomau.vn:{https}", address: "{WWW}", http_port: {http}}}
""", encoding="utf-8")
    outlets = load_inventory(inventory)
    assert outlets[0].sites[0].domains == ("baomau.vn",)
    with run_nginx(tmp_path, body, [(APEX, https), (WWW, https)]):
        options = AuditOptions(timeout_seconds=3, ca_file=ca_file, use_nmap=False)
        result = asyncio.run(run_audit(get_checklist("l3-starter", None), outlets, options))[0]
    statuses = {r.requirement_id: r.status.value for r in result.requirements}
    assert result.summary["verdict"] == "compliant", statuses
    # SSL Labs grades the host it is given: the apex's redirect sends no HSTS (no A+ there), www does.
    warnings = {a.target.split("//")[1].split(":")[0]: [w["code"] for w in a.facts["tls.grade_warnings"]]
                for a in result.attempts if a.probe == "tls"}
    assert "hsts_short" in warnings["baomau.vn"] and "hsts_short" not in warnings["www.baomau.vn"], warnings
    assert "hsts_unknown" not in warnings["baomau.vn"] + warnings["www.baomau.vn"]


def _http_facts(data: dict) -> dict:
    return next(a for a in data["probe_attempts"] if a["probe"] == "http")["facts"]


def test_apex_to_www_is_judged_on_the_landing_page(tmp_path: Path, ca, ca_file: str) -> None:
    """Given apex -> www with a good landing page, when scanned, then the site is compliant."""
    data = _scan(tmp_path, ca, ca_file)
    statuses = {r["requirement_id"]: r["status"] for r in data["requirements"]}
    assert statuses["L3-WEB-01"] == statuses["L3-WEB-02"] == statuses["L3-WEB-03"] == "pass", statuses
    assert data["summary"]["verdict"] == "compliant", statuses
    facts = _http_facts(data)
    assert facts["http.https.landing_host"] == "www.baomau.vn"
    assert [hop["url"] for hop in facts["http.redirect.chain"]][-1].startswith("https://www.baomau.vn:")
    assert facts["http.redirect.to_https"] is True and facts["http.redirect.off_host"] is False
    # The apex's own HTTPS answer carries no HSTS: recorded (preload needs it), not failed.
    assert any(url.startswith("https://baomau.vn:") for url in facts["http.hsts.missing_on"])
    assert "http.observatory.partial" not in facts
    assert facts["http.observatory.grade"].startswith(("A", "B"))


def test_a_landing_page_without_headers_fails_the_content_rows(tmp_path: Path, ca, ca_file: str) -> None:
    """Given www serving a page that drops its headers, then WEB-03 fails on that page, WEB-01 still passes."""
    landing = ('add_header X-Powered-By none; default_type text/html; '
               'return 200 "<!doctype html><title>Bao Mau</title>tin tuc";')
    data = _scan(tmp_path, ca, ca_file, landing)
    statuses = {r["requirement_id"]: r["status"] for r in data["requirements"]}
    # nginx drops server-level add_header lines in a location that has its own.
    assert statuses["L3-WEB-03"] == "fail" and statuses["L3-WEB-02"] == "fail"
    assert statuses["L3-WEB-01"] == "pass"


def test_resolve_outside_the_domains_is_refused(tmp_path: Path) -> None:
    """Given --resolve for a name outside the outlet's domains, then one clear line and exit 2."""
    result = CliRunner().invoke(cli, ["scan", "https://baomau.vn", "--resolve", "evil.vn:443:127.13.0.9",
                                      "--no-nmap"])
    assert result.exit_code == 2
    assert "evil.vn" in result.output and "baomau.vn" in result.output and "Traceback" not in result.output


def test_domains_that_are_not_the_outlets_are_refused() -> None:
    """Given --domain naming another domain or a public suffix, then one clear line and exit 2, no packet."""
    result = CliRunner().invoke(cli, ["scan", "https://baomau.vn", "--domain", "khac.vn", "--no-nmap"])
    assert result.exit_code == 2 and "không thuộc các tên miền đã cho" in result.output
    result = CliRunner().invoke(cli, ["scan", "https://baomau.vn", "--domain", "com.vn", "--no-nmap"])
    assert result.exit_code == 2 and "hậu tố công cộng" in result.output
