"""Rate limits and bot filters: nginx `limit_req` and a user-agent filter in front of a leaky site.

A careful auditor keeps what was proven before the site started refusing (a readable /.git/HEAD
and /.env make the outlet not compliant), and never reads a 429 or a block page as the site.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from audit.cli.common import get_checklist
from audit.demo.certs import make_leaf
from audit.demo.servers import free_port
from audit.engine import AuditOptions, run_audit
from audit.models import Outlet, Target
from tests.reallab.nginx_lab import run_nginx, write_site

ADDRESS = "127.13.1.1"
LEAKY = """
  limit_req_zone $binary_remote_addr zone=scan:1m rate=1r/m;
  server {{
    listen {address}:{port} ssl; server_name baomau.vn; ssl_certificate {cert}; ssl_certificate_key {key};
    root {root}; default_type text/plain;
    {guard}
  }}
"""
FILES = {".git/HEAD": "ref: refs/heads/main\n", ".git/config": "[core]\n\trepositoryformatversion = 0\n",
         ".env": "APP_ENV=production\nDB_PASSWORD=hunter2\n",
         "index.html": "<!doctype html><title>Bao Mau</title>tin tuc"}
"""Served as static files: nginx's `return` runs before `limit_req`, files after it."""


def _audit(tmp_path: Path, ca, ca_file: str, guard: str) -> tuple[dict, dict]:
    port = free_port(ADDRESS)
    cert, key = make_leaf(["baomau.vn"], ca).write(tmp_path, "leaky")
    root = write_site(tmp_path / "www", FILES)
    body = LEAKY.format(address=ADDRESS, port=port, cert=cert, key=key, guard=guard, root=root)
    site = Target("baomau.vn", port, http_port=None, address=ADDRESS, domains=("baomau.vn",))
    outlet = Outlet("baomau", "Báo Mẫu", (site,), settings={"exposure_rate_per_second": 20})
    with run_nginx(tmp_path, body, [(ADDRESS, port)]):
        options = AuditOptions(timeout_seconds=3, ca_file=ca_file, use_nmap=False, probes=["exposure"])
        result = asyncio.run(run_audit(get_checklist("tcvn14423-2026-l3", None), [outlet], options))[0]
    statuses = {r.requirement_id: r for r in result.requirements}
    facts = dict(result.attempts[0].facts)
    return statuses, facts


def test_findings_made_before_the_429_are_kept(tmp_path: Path, ca, ca_file: str) -> None:
    """Given limit_req (burst 5, then 429 for a minute), then /.git and /.env found first still fail N3-DEV-08."""
    rows, facts = _audit(tmp_path, ca, ca_file, "limit_req zone=scan burst=5 nodelay; limit_req_status 429;")
    assert facts.get("exposure.git_exposed") is True and facts["exposure.env_exposed"] is True, facts
    assert any("rate limited" in why for why in facts["exposure.unmeasured_paths"].values())
    assert "exposure.backup_exposed" not in facts  # never "no backups" after the site stopped answering
    assert rows["N3-DEV-08"].status.value == "fail", rows["N3-DEV-08"].reason
    assert "proven" in rows["N3-DEV-08"].reason
    # The limit itself is a fact: a supporting signal for the anti-DDoS row, never its pass.
    assert facts["exposure.rate_limit.observed"] is True
    assert isinstance(facts["exposure.rate_limit.first_at_request"], int) and facts["exposure.rate_limit.first_at_request"] > 5
    assert facts["exposure.rate_limit.responses"][0]["status"] == 429
    assert rows["N3-NET-16"].status.value == "manual", rows["N3-NET-16"].reason


def test_a_throttled_clean_site_is_unmeasured_not_compliant(tmp_path: Path, ca, ca_file: str) -> None:
    """Given the same limit on a site without leaks, then the secrets row is error, never pass."""
    rows, facts = _audit(tmp_path, ca, ca_file, "limit_req zone=scan burst=2 nodelay; limit_req_status 429; "
                                                "location ~ ^/\\.(git|env) { return 404; }")
    assert "exposure.secrets_exposed" not in facts
    assert rows["N3-DEV-08"].status.value == "error", rows["N3-DEV-08"].reason


SHARED = """
  limit_req_zone $binary_remote_addr zone=shared:1m rate=1r/m;
  server {{
    listen {address}:{port} ssl; server_name baomau.vn tinmoi.vn; ssl_certificate {cert}; ssl_certificate_key {key};
    root {root}; default_type text/html;
    add_header Strict-Transport-Security "max-age=31536000";
    add_header X-Content-Type-Options nosniff;
    limit_req zone=shared burst=3 nodelay; limit_req_status 429;
  }}
"""


def test_a_second_site_after_the_limit_is_spent_is_rate_limited_not_graded(tmp_path: Path, ca, ca_file: str) -> None:
    """Given the address's limit spent by a first site, then the second site's header rows are error, never fail."""
    import httpx

    port = free_port("127.13.1.2")
    cert, key = make_leaf(["baomau.vn", "tinmoi.vn"], ca).write(tmp_path, "shared")
    root = tmp_path / "www"
    root.mkdir()
    (root / "index.html").write_text("<!doctype html><title>Tin</title>tin tuc")
    body = SHARED.format(address="127.13.1.2", port=port, cert=cert, key=key, root=root)
    second = Target("tinmoi.vn", port, http_port=None, address="127.13.1.2", domains=("tinmoi.vn",))
    with run_nginx(tmp_path, body, [("127.13.1.2", port)]):
        with httpx.Client(verify=False) as client:  # the first site's audit spends the address's limit
            statuses = [client.get(f"https://127.13.1.2:{port}/", headers={"Host": "baomau.vn"}).status_code
                        for _ in range(6)]
        assert 429 in statuses, statuses
        options = AuditOptions(timeout_seconds=3, ca_file=ca_file, use_nmap=False, probes=["http"])
        result = asyncio.run(run_audit(get_checklist("l3-starter", None), [Outlet("tinmoi", "Tin Mới", (second,))],
                                       options))[0]
    http = result.attempts[0].facts
    assert http["http.retried_after_throttle"], http  # backed off once before giving up
    assert "rate limited" in http["http.unmeasured"]["http.hsts"]
    rows = {r.requirement_id: r for r in result.requirements}
    for rid in ("L3-WEB-02", "L3-WEB-03"):
        assert rows[rid].status.value == "error", (rid, rows[rid].reason)
        assert "rate limited" in rows[rid].reason
