"""A path WAF: nginx answering /.git and /.env with an F5-style "request rejected" page, the site otherwise open.

A careful auditor reads the WAF's page as "not seen", never as "not exposed": the secrets row is
`error` (blocked), the rest of the site is judged, and the WAF's block page is a WAF seen.
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

ADDRESS = "127.13.6.1"
GUARDED = """
  server {{
    listen {address}:{port} ssl; ssl_certificate {cert}; ssl_certificate_key {key};
    root {root}; default_type text/plain;
    location ~ ^/\\.(git|env) {{
      default_type text/html;
      return 403 "<html><title>Request Rejected</title>The requested URL was rejected. Please consult with your administrator. Your support ID is: 1234</html>";
    }}
  }}
"""
FILES = {".env": "APP_ENV=production\nDB_PASSWORD=hunter2\n", ".git/HEAD": "ref: refs/heads/main\n",
         "index.html": "<!doctype html><title>Bao</title>tin tuc"}


def test_paths_a_waf_rejects_are_unmeasured_not_clean(tmp_path: Path, ca, ca_file: str) -> None:
    """Given /.env and /.git rejected by a WAF page, then no 'secrets not exposed': N3-DEV-08 is error, blocked."""
    port = free_port(ADDRESS)
    cert, key = make_leaf(["baomau.vn"], ca).write(tmp_path, "pathwaf")
    root = write_site(tmp_path / "www", FILES)
    site = Target("baomau.vn", port, http_port=None, address=ADDRESS, domains=("baomau.vn",))
    outlet = Outlet("baomau", "Báo Mẫu", (site,), settings={"exposure_rate_per_second": 50})
    body = GUARDED.format(address=ADDRESS, port=port, cert=cert, key=key, root=root)
    with run_nginx(tmp_path, body, [(ADDRESS, port)]):
        options = AuditOptions(timeout_seconds=3, ca_file=ca_file, use_nmap=False, probes=["http", "exposure"])
        result = asyncio.run(run_audit(get_checklist("tcvn14423-2026-l3", None), [outlet], options))[0]
    rows = {r.requirement_id: r for r in result.requirements}
    exposure = next(a for a in result.attempts if a.probe == "exposure")
    facts = exposure.facts
    assert exposure.status.value == "completed", exposure.error_reason
    assert "exposure.secrets_exposed" not in facts and "exposure.env_exposed" not in facts, facts
    blocked = [path for path, why in facts["exposure.unmeasured_paths"].items() if "blocked" in why]
    assert "/.env" in blocked and "/.git/HEAD" in blocked, facts["exposure.unmeasured_paths"]
    assert rows["N3-DEV-08"].status.value == "error", rows["N3-DEV-08"].reason
    # The home page was answered: the http probe judged it (no block there).
    http = next(a for a in result.attempts if a.probe == "http").facts
    assert "http.unmeasured" not in http and http["http.https.status"] == 200
