"""`l3audit scan` against servers users run: `openssl s_server` and nginx on loopback."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from audit.cli import cli
from audit.demo.certs import make_leaf
from audit.demo.servers import free_port
from tests.conftest import next_address
from tests.reallab.nginx_lab import run_nginx, wait_for_port


def scan_json(tmp_path: Path, *args: str) -> dict:
    out = tmp_path / "r.json"
    result = CliRunner().invoke(cli, ["scan", *args, "--json", str(out), "--no-nmap", "--timeout", "3"])
    assert result.exit_code in (0, 1, 3), result.output
    return json.loads(out.read_text())


def statuses(data: dict) -> dict[str, str]:
    return {r["requirement_id"]: r["status"] for r in data["requirements"]}


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed")
def test_scan_of_openssl_s_server_tls12_only(tmp_path: Path, ca, ca_file) -> None:
    address, port = next_address(), free_port()
    cert, key = make_leaf(["ossl.test"], ca).write(tmp_path, "ossl")
    proc = subprocess.Popen(
        ["openssl", "s_server", "-accept", f"{address}:{port}", "-cert", str(cert), "-key", str(key),
         "-tls1_2", "-www", "-quiet"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        wait_for_port(address, port, proc)
        data = scan_json(tmp_path, f"ossl.test:{port}", "--resolve", f"ossl.test:{port}:{address}",
                         "--ca-file", ca_file)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    tls = next(a for a in data["probe_attempts"] if a["probe"] == "tls")["facts"]
    assert tls["tls.protocols.TLSv1.2"] is True
    assert tls["tls.protocols.TLSv1.3"] is False
    assert tls["tls.certificate.trusted"] is True
    s = statuses(data)
    assert s["L3-TLS-01"] == s["L3-TLS-02"] == s["L3-CERT-01"] == "pass"
    assert s["L3-WEB-02"] == "fail"  # s_server -www sends no HSTS header


NGINX_SERVERS = """
  server {{
    listen {address}:{http_port};
    return 301 https://nginx.test:{https_port}$request_uri;
  }}
  server {{
    listen {address}:{https_port} ssl;
    server_name nginx.test;
    ssl_certificate {cert}; ssl_certificate_key {key};
    ssl_protocols TLSv1.2 TLSv1.3;
    add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;
    add_header X-Content-Type-Options nosniff always;
    add_header X-Frame-Options DENY always;
    location / {{ return 200 "tin tuc\\n"; }}
    location = /.well-known/security.txt {{
      default_type text/plain; return 200 "Contact: mailto:atttt@nginx.test\\nExpires: {expires}\\n";
    }}
  }}
"""


def test_scan_of_a_well_configured_nginx(tmp_path: Path, ca, ca_file) -> None:
    address, http_port, https_port = next_address(), free_port(), free_port()
    cert, key = make_leaf(["nginx.test"], ca).write(tmp_path, "nginx")
    expires = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=90)).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = NGINX_SERVERS.format(address=address, http_port=http_port, https_port=https_port, cert=cert, key=key,
                                expires=expires)
    with run_nginx(tmp_path, body, [(address, https_port)]):
        data = scan_json(tmp_path, f"nginx.test:{https_port}", "--resolve", f"nginx.test:{https_port}:{address}",
                         "--http-port", str(http_port), "--ca-file", ca_file)
    s = statuses(data)
    assert all(v == "pass" for v in s.values()), s
    assert data["summary"]["verdict"] == "compliant"
