"""Forms: log-in forms posting over HTTPS or not, password fields on plain HTTP, insecure form targets.

Real HTTP/HTTPS servers (tests/probes/http/http_servers.py) on 127.0.0.240-247, the http probe as
an audit runs it. L3-APP-AUTH-02 (credentials only over encrypted channels) reads these facts.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from audit.models import Target
from probes.http.html import parse_page
from probes.http.probe import HttpProbe
from probes.interface import ProbeOptions
from tests.probes.http.http_servers import Certificates, Reply, Site, make_certificates, serve
from tests.probes.http.http_sites import REDIRECT, headers, html, page

LOGIN_HTTPS = html(body='<form method="post" action="/dang-nhap"><input name="u"><input type="password" name="p"></form>')
LOGIN_HTTP = html(body='<form method="post" action="http://{host}/dang-nhap"><input type="password" name="p"></form>')
SEARCH_HTTP = html(body='<form action="http://tim-kiem.example/q"><input name="q"></form>')


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    return make_certificates(tmp_path_factory.mktemp("forms-certs"))


def _facts(site: Site, address: str, certs: Certificates) -> dict[str, Any]:
    with serve(site, address, certs) as running:
        target = Target(host=running.host, port=running.https_port, http_port=running.http_port)
        options = ProbeOptions(timeout_seconds=5, ca_file=str(certs.ca))
        return dict(asyncio.run(HttpProbe().measure(target, options)).facts)


def test_a_login_form_posting_over_https_is_secure(certs: Certificates) -> None:
    facts = _facts(Site("login-ok", page(body=LOGIN_HTTPS), REDIRECT), "127.0.0.240", certs)
    assert facts["http.forms.count"] == 1 and facts["http.forms.login_count"] == 1
    assert facts["http.forms.login_forms"][0]["secure"] is True
    assert facts["http.forms.login_forms"][0]["action"].startswith("https://127.0.0.240:")
    assert facts["http.forms.password_over_http"] is False and facts["http.forms.insecure_targets"] == []


def test_a_login_form_posting_to_http_sends_the_password_in_clear(certs: Certificates) -> None:
    body = LOGIN_HTTP.replace(b"{host}", b"127.0.0.241")
    facts = _facts(Site("login-http", page(body=body), REDIRECT), "127.0.0.241", certs)
    assert facts["http.forms.password_over_http"] is True
    assert facts["http.forms.insecure_targets"] == ["http://127.0.0.241/dang-nhap"]
    assert facts["http.forms.insecure_target_count"] == 1


def test_a_password_page_served_over_plain_http_is_found(certs: Certificates) -> None:
    """Given plain HTTP serving a log-in page itself (no redirect) beside a good HTTPS page."""
    plain = {"/": Reply(status=200, headers=headers(), body=LOGIN_HTTPS)}
    facts = _facts(Site("plain-login", page(), plain), "127.0.0.242", certs)
    assert facts["http.forms.login_count"] == 0  # the HTTPS landing page asks no password
    assert facts["http.forms.password_over_http"] is True
    assert facts["http.forms.password_over_http_on"][0].startswith("http://127.0.0.242:")


def test_a_page_that_is_not_html_has_no_forms(certs: Certificates) -> None:
    site = Site("json", {"/": Reply(status=200, headers=headers(content_type="application/json"), body=b"{}")}, REDIRECT)
    facts = _facts(site, "127.0.0.244", certs)
    assert facts["http.forms.count"] == 0 and facts["http.forms.password_over_http"] is False


def test_a_search_form_to_http_is_an_insecure_target_but_no_password(certs: Certificates) -> None:
    facts = _facts(Site("search", page(body=SEARCH_HTTP), REDIRECT), "127.0.0.243", certs)
    assert facts["http.forms.insecure_targets"] == ["http://tim-kiem.example/q"]
    assert facts["http.forms.password_over_http"] is False and facts["http.forms.login_count"] == 0


@pytest.mark.parametrize("markup, forms, loose", [
    (b"<form action='/a'><input type=PASSWORD></form><form><input></form>", [("/a", True), (None, False)], 0),
    (b"<input type=password>", [], 1),
    (b"<form action='/x'><input type=password>", [("/x", True)], 0),  # cut short: the open form still counts
    # A form inside a form is ignored, as browsers do: the password belongs to the outer one.
    (b"<form action='/x'><form action='/y'><input type=password></form>", [("/x", True)], 0),
])
def test_forms_are_read_from_hostile_markup(markup: bytes, forms: list[tuple[str | None, bool]], loose: int) -> None:
    page_ = parse_page(markup.decode())
    assert [(f.action, f.password) for f in page_.forms] == forms and page_.loose_passwords == loose


@pytest.mark.parametrize("body, address, status", [(LOGIN_HTTPS, "127.0.0.245", "pass"), (LOGIN_HTTP, "127.0.0.246", "fail")])
def test_the_credentials_row_reads_the_login_form(certs: Certificates, body: bytes, address: str, status: str) -> None:
    """Given a log-in page posting over HTTPS or to http://, then L3-APP-AUTH-02 passes or fails on the form."""
    from audit.cli.common import get_checklist
    from audit.engine import AuditOptions, run_audit
    from audit.models import Outlet

    site = Site("auth", page(body=body.replace(b"{host}", address.encode())), REDIRECT)
    with serve(site, address, certs) as running:
        target = Target(host=running.host, port=running.https_port, http_port=running.http_port)
        options = AuditOptions(timeout_seconds=5, ca_file=str(certs.ca), use_nmap=False,
                               probes=["tls", "http", "exposure"])
        outlet = Outlet("bao", "Báo", (target,), settings={"exposure_rate_per_second": 100})
        result = asyncio.run(run_audit(get_checklist("tcvn11930-2017-l3", None), [outlet], options))[0]
    row = next(r for r in result.requirements if r.requirement_id == "L3-APP-AUTH-02")
    assert row.status.value == status, row.reason
    if status == "fail":
        assert "no-password-over-http" in row.reason and "form-targets-https" in row.reason
