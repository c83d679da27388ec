"""Ports as an allowlist: "only needed ports" rows fail on any port nobody declared, not only on risky ones.

nginx answers plain HTTP on an extra port of 127.13.4.1 (as a forgotten 8080 would); the outlet
declares 80, 443 and its site's ports only. A careful auditor fails L3-NET-01's allowlist check.
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

ADDRESS = "127.13.4.1"
BODY = """
  server {{ listen {address}:{https} ssl; ssl_certificate {cert}; ssl_certificate_key {key}; return 200 "ok"; }}
  server {{ listen {address}:{extra}; return 200 "dev"; }}
"""


def _run(tmp_path: Path, ca, ca_file: str, **settings: object) -> dict:
    https, extra = free_port(ADDRESS), free_port(ADDRESS)
    cert, key = make_leaf(["baomau.vn"], ca).write(tmp_path, "a")
    site = Target("baomau.vn", https, http_port=None, address=ADDRESS, domains=("baomau.vn",))
    resolved = {k: (extra if v == "EXTRA" else [extra] if v == ["EXTRA"] else v) for k, v in settings.items()}
    outlet = Outlet("baomau", "Báo Mẫu", (site,), settings={"ports": [extra], **resolved})
    with run_nginx(tmp_path, BODY.format(address=ADDRESS, https=https, extra=extra, cert=cert, key=key),
                   [(ADDRESS, https), (ADDRESS, extra)]):
        options = AuditOptions(timeout_seconds=2, ca_file=ca_file, use_nmap=False, probes=["ports"])
        result = asyncio.run(run_audit(get_checklist("l3-starter", None), [outlet], options))[0]
    return {r.requirement_id: r for r in result.requirements}


def test_an_undeclared_open_port_fails_the_allowlist_row(tmp_path: Path, ca, ca_file: str) -> None:
    rows = _run(tmp_path, ca, ca_file)
    assert rows["L3-NET-01"].status.value == "fail" and "only-needed-ports" in rows["L3-NET-01"].reason


def test_a_declared_port_passes(tmp_path: Path, ca, ca_file: str) -> None:
    rows = _run(tmp_path, ca, ca_file, allowed_ports=["EXTRA"])
    assert rows["L3-NET-01"].status.value == "pass", rows["L3-NET-01"].reason
