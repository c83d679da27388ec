"""SSL Labs grades as the guide gives them, on a real nginx: A+ needs the HSTS the http probe reads.

The `tls` probe alone grades a well-configured server A with the warning "A+ needs HSTS"; the
audit combines it with the http probe's measurement of the same site (audit.crossfacts). nginx on
127.13.5.1 serves a Mozilla-intermediate configuration (TLS 1.2 and 1.3, ECDHE AEAD suites).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from audit.cli import cli
from audit.demo.certs import make_leaf
from audit.demo.servers import free_port
from tests.reallab.nginx_lab import run_nginx

ADDRESS = "127.13.5.1"
SERVER = """
  server {{
    listen {address}:{https} ssl; ssl_certificate {cert}; ssl_certificate_key {key};
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305;
    ssl_prefer_server_ciphers off;
    {hsts}
    add_header X-Content-Type-Options nosniff always;
    location / {{ default_type text/html; return 200 "<!doctype html><title>Bao</title>tin tuc"; }}
  }}
  server {{ listen {address}:{http}; return 301 https://grade.test:{https}$request_uri; }}
"""


def _scan(tmp_path: Path, ca_file: str, name: str, address: str, http: int, https: int, body: str) -> dict:
    """`l3audit scan https://NAME:HTTPS` against nginx serving `body` on `address`: the result JSON."""
    out = tmp_path / "r.json"
    with run_nginx(tmp_path, body, [(address, https), (address, http)]):
        result = CliRunner().invoke(cli, [
            "scan", f"https://{name}:{https}", "--http-port", str(http), "--ca-file", ca_file,
            "--resolve", f"{name}:{https}:{address}", "--json", str(out), "--no-nmap", "--timeout", "3"])
    assert result.exit_code in (0, 1, 3), result.output
    return json.loads(out.read_text())


def _tls(data: dict) -> dict:
    return next(a for a in data["probe_attempts"] if a["probe"] == "tls")["facts"]


def _tls_facts(tmp_path: Path, ca, ca_file: str, hsts: str) -> dict:
    http, https = free_port(ADDRESS), free_port(ADDRESS)
    cert, key = make_leaf(["grade.test"], ca).write(tmp_path, "grade")
    body = SERVER.format(address=ADDRESS, http=http, https=https, cert=cert, key=key, hsts=hsts)
    return _tls(_scan(tmp_path, ca_file, "grade.test", ADDRESS, http, https, body))


@pytest.mark.parametrize("hsts, grade, warnings", [
    ('add_header Strict-Transport-Security "max-age=63072000" always;', "A+", []),
    ('add_header Strict-Transport-Security "max-age=86400" always;', "A", ["hsts_short"]),
    ("", "A", ["hsts_short"]),
])
def test_a_plus_exactly_when_the_site_sends_long_hsts(tmp_path: Path, ca, ca_file: str, hsts: str, grade: str,
                                                      warnings: list[str]) -> None:
    """Given a Mozilla-intermediate server, when scanned, then A+ with two years of HSTS, A with a day or none."""
    facts = _tls_facts(tmp_path, ca, ca_file, hsts)
    assert facts["tls.grade"] == grade and facts["tls.grade_if_trusted"] == grade
    assert [w["code"] for w in facts["tls.grade_warnings"]] == warnings


DUAL = """
  server {{
    listen {address}:{https} ssl;
    ssl_certificate {rsa_cert}; ssl_certificate_key {rsa_key};
    ssl_certificate {ec_cert}; ssl_certificate_key {ec_key};
    ssl_protocols TLSv1.2 TLSv1.3;
    add_header Strict-Transport-Security "max-age=63072000" always;
    location / {{ default_type text/html; return 200 "<!doctype html><title>Bao</title>tin tuc"; }}
  }}
  server {{ listen {address}:{http}; return 301 https://dual.test:{https}$request_uri; }}
"""


def test_an_rsa_certificate_expiring_beside_a_fresh_ecdsa_one_is_a_finding(tmp_path: Path, ca, ca_file: str) -> None:
    """Given RSA (9 days left) and ECDSA (90 days) certificates on one server, then the days-left row fails on RSA."""
    address = "127.13.5.2"
    http, https = free_port(address), free_port(address)
    rsa_cert, rsa_key = make_leaf(["dual.test"], ca, kind="rsa", days_valid=9).write(tmp_path, "rsa")
    ec_cert, ec_key = make_leaf(["dual.test"], ca, days_valid=90).write(tmp_path, "ec")
    body = DUAL.format(address=address, http=http, https=https, rsa_cert=rsa_cert, rsa_key=rsa_key,
                       ec_cert=ec_cert, ec_key=ec_key)
    data = _scan(tmp_path, ca_file, "dual.test", address, http, https, body)
    facts = _tls(data)
    assert sorted(c["key_type"] for c in facts["tls.certificates"]) == ["EC", "RSA"]
    row = next(r for r in data["requirements"] if r["requirement_id"] == "L3-CERT-03")
    assert row["status"] == "fail", row
    assert facts["tls.certificate.key_type"] == "RSA" and facts["tls.certificate.days_until_expiry"] <= 9
