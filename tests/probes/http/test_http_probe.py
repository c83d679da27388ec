"""The `http` probe against real local servers: facts, hostile input, the scope guard.

Servers are stdlib `http.server` in threads on 127.0.0.x (tests/probes/http_servers.py); the
catalogue of sites (tests/probes/http_sites.py) is shared with the differential test.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from audit.errors import ProbeError
from audit.models import Target
from probes.http.probe import HttpProbe
from probes.http.observatory import score_table
from probes.interface import ProbeOptions
from tests.probes.http.http_lab import closed_port, lab, probe_all
from tests.probes.http.http_servers import (
    HTML,
    Certificates,
    Reply,
    Site,
    make_certificates,
    serve,
)
from tests.probes.http.http_sites import REDIRECT, page

UNREACHABLE_HERE = {
    "cross-origin-resource-sharing-implemented-with-universal-access",  # unreachable in Observatory 1.4.8
    "hsts-preloaded", "redirection-all-redirects-preloaded",  # need a preload list: test_hsts_preload_list
    "html-not-parseable",  # neither jsdom nor html.parser fails on any input
}
_hosts = itertools.count(200)


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    return make_certificates(tmp_path_factory.mktemp("http-certs"))


@pytest.fixture(scope="module")
def catalogue_facts(certs: Certificates) -> Iterator[dict[str, dict[str, Any]]]:
    with lab(certs) as sites:
        yield probe_all(sites, str(certs.ca))


def measure(target: Target, certs: Certificates, timeout: float = 5, **settings: Any) -> dict[str, Any]:
    options = ProbeOptions(timeout_seconds=timeout, ca_file=str(certs.ca), settings=settings)
    return dict(asyncio.run(HttpProbe().measure(target, options)).facts)


def start(site: Site, certs: Certificates) -> Any:
    return serve(site, f"127.0.0.{next(_hosts)}", certs)


def target_of(running: Any) -> Target:
    return Target(host=running.host, port=running.https_port or closed_port(running.host), http_port=running.http_port)


def test_catalogue_covers_every_outcome(catalogue_facts: dict[str, dict[str, Any]]) -> None:
    """Given the catalogue, then every reachable Observatory outcome occurs, each with its reasons."""
    seen = set()
    for facts in catalogue_facts.values():
        for modifier in facts["http.observatory.modifiers"]:
            seen.add(modifier["key"])
            assert modifier["reason"]["vi"] and modifier["reason"]["en"]
    assert set(score_table()) - UNREACHABLE_HERE - seen == set()


def test_every_fact_is_declared(catalogue_facts: dict[str, dict[str, Any]]) -> None:
    """Given every site's facts, then each name is declared by the probe (checklists can rely on them)."""
    for name, facts in catalogue_facts.items():
        assert HttpProbe.check_declared(facts) == [], name


def test_good_site_facts(catalogue_facts: dict[str, dict[str, Any]]) -> None:
    """Given the baseline site, then redirect, HSTS, headers and score read as a developer expects."""
    facts = catalogue_facts["baseline"]
    assert facts["http.redirect.to_https"] and facts["http.redirect.same_host_first"]
    assert facts["http.redirect.chain_length"] == 1
    assert facts["http.hsts.max_age_seconds"] == 63072000 and facts["http.hsts.effective"]
    assert facts["http.headers.x-content-type-options"] == "nosniff"
    assert facts["http.https.certificate_valid"] is True
    assert facts["http.csp.failing"] == []
    assert (facts["http.observatory.score"], facts["http.observatory.grade"]) == (130, "A+")


def test_weak_site_facts(catalogue_facts: dict[str, dict[str, Any]]) -> None:
    """Given the worst site, then the failing items are named for the developer."""
    facts = catalogue_facts["worst"]
    assert facts["http.redirect.to_https"] is False and facts["http.plain.served_without_redirect"]
    assert facts["http.cookies.insecure"] == ["sessid"] and facts["http.cookies.insecure_count"] == 1
    assert facts["http.cookies.without_httponly"] == ["sessid"]
    assert facts["http.cookies.details"][0] == {"name": "sessid", "domain": facts["http.cookies.details"][0]["domain"],
                                                "path": "/", "secure": False, "http_only": False, "same_site": None,
                                                "session": True, "anticsrf": False}
    assert facts["http.html.excerpt"].startswith("<!doctype html>")
    assert facts["http.sri.external_without_integrity"] == ["http://cdn.example.com/a.js"]
    assert facts["http.mixed_content.active"] == ["http://cdn.example.com/a.js"]
    assert {"directive": "content-security-policy", "problem": "missing"} in facts["http.csp.failing"]
    assert facts["http.observatory.grade"] == "F"


def test_http2(catalogue_facts: dict[str, dict[str, Any]]) -> None:
    """Given a site that offers HTTP/2, then the probe speaks it and grades the same headers."""
    facts = catalogue_facts["http2"]
    assert facts["http.https.http_version"] == "HTTP/2"
    assert facts["http.cookies.outcome"] == "cookies-secure-with-httponly-sessions-and-samesite"
    assert catalogue_facts["baseline"]["http.https.http_version"] == "HTTP/1.1"


def test_invalid_cert_and_status_500(catalogue_facts: dict[str, dict[str, Any]]) -> None:
    """Given a self-signed site and a 500 page, then the certificate is flagged and no score is given."""
    invalid = catalogue_facts["redirect-invalid-cert"]
    assert invalid["http.https.certificate_valid"] is False and invalid["http.hsts.effective"] is False
    assert invalid["http.hsts.outcome"] == "hsts-invalid-cert"
    broken = catalogue_facts["status-500"]
    assert broken["http.https.status"] == 500 and "http.observatory.score" not in broken
    assert "500" in broken["http.observatory.error"]
    assert catalogue_facts["sri-bad-utf8"]["http.html.invalid_utf8"] is True
    assert catalogue_facts["cors-reflect-credentials"]["http.cors.universal_with_credentials"] is True


def test_redirect_to_another_host_is_recorded_not_followed(certs: Certificates) -> None:
    """Given HTTP that redirects to another host, then the hop is recorded and that host gets nothing."""
    with start(Site("other", page(), REDIRECT), certs) as other:
        site = Site("redirector", page(), {"/": Reply(status=301, headers=(("Location", "{other}/x"),), body=b"")},
                    links={"other": other.https_root})
        with start(site, certs) as running:
            facts = measure(target_of(running), certs)
    assert other.hits == []
    assert facts["http.redirect.off_host"] is True and facts["http.redirect.stop"] == "off_host"
    assert facts["http.redirect.final_url"] == f"{other.https_root}/x"
    assert facts["http.redirect.to_https"] is False and facts["http.redirect.final_https"] is True
    assert "not followed" in facts["http.observatory.partial"]


def test_redirect_loop_is_bounded(certs: Certificates) -> None:
    """Given a plain-HTTP redirect loop, then at most 10 redirects are followed and the loop is flagged."""
    loop = {"/": Reply(status=302, headers=(("Location", "/a"),), body=b""),
            "/a": Reply(status=302, headers=(("Location", "/"),), body=b"")}
    with start(Site("loop", page(), loop), certs) as running:
        facts = measure(target_of(running), certs)
    assert facts["http.redirect.loop"] is True
    assert facts["http.redirect.stop"] == "too_many_redirects"
    assert len(facts["http.redirect.chain"]) == 11
    assert facts["http.redirect.outcome"] == "redirection-not-to-https"


@pytest.mark.parametrize("location, stop", [("ftp://files.example.vn/", "non_http_scheme"),
                                            ("javascript:alert(1)", "non_http_scheme"),
                                            ("http://[bad", "invalid_location")])
def test_redirect_to_a_non_http_scheme(certs: Certificates, location: str, stop: str) -> None:
    """Given a redirect to a non-HTTP scheme or a broken URL, then it is recorded and not followed."""
    site = Site("scheme", page(), {"/": Reply(status=301, headers=(("Location", location),), body=b"")})
    with start(site, certs) as running:
        facts = measure(target_of(running), certs)
    assert facts["http.redirect.stop"] == stop
    assert facts["http.redirect.to_https"] is False


def _raw(headers: bytes) -> Reply:
    return Reply(mode="raw", raw=b"HTTP/1.1 200 OK\r\n" + headers + b"Content-Length: 2\r\nConnection: close\r\n\r\nok")


@pytest.mark.parametrize("reply", [
    _raw(b"X-Big: " + b"a" * (5 * 1024 * 1024) + b"\r\n"),
    _raw(b"X-Bad\x01Name: v\r\n"),
    _raw(b"X-Bad: \x00\x7f\r\n"),
    Reply(mode="raw", raw=b"\x16\x03\x01garbage that is not HTTP\r\n\r\n"),
], ids=["5MB-headers", "bad-name-byte", "bad-value-byte", "not-http"])
def test_hostile_responses_are_recorded(certs: Certificates, reply: Reply) -> None:
    """Given an HTTPS root that sends unusable headers, then the failure is recorded, never raised."""
    with start(Site("hostile", {"/": reply}, REDIRECT), certs) as running:
        facts = measure(target_of(running), certs)
    assert facts["http.https.reachable"] is False
    assert facts["http.errors"] and all(len(e["reason"]) < 400 for e in facts["http.errors"])
    # Nothing was read: the content rows are error ("unreadable"), never a fail on absent headers.
    assert "unreadable" in facts["http.unmeasured"]["http.headers"]


def test_hostile_everywhere_is_a_probe_error(certs: Certificates) -> None:
    """Given both roots unusable, then the probe raises ProbeError with a bounded reason."""
    bad = _raw(b"X-Big: " + b"a" * (5 * 1024 * 1024) + b"\r\n")
    with start(Site("hostile", {"/": bad}, {"/": bad}), certs) as running, pytest.raises(ProbeError) as error:
        measure(target_of(running), certs)
    assert len(str(error.value)) < 1000 and "hint" in str(error.value)


def test_unreachable_is_a_probe_error(certs: Certificates) -> None:
    """Given nothing listening, then ProbeError says so."""
    host = f"127.0.0.{next(_hosts)}"
    with pytest.raises(ProbeError, match="did not answer"):
        measure(Target(host=host, port=closed_port(host), http_port=closed_port(host)), certs, timeout=2)


def test_never_ending_body_is_capped(certs: Certificates) -> None:
    """Given a body that never ends, then reading stops at the cap and the headers are graded."""
    endless = Reply(mode="endless", headers=(("Content-Type", HTML), ("X-Frame-Options", "DENY")))
    with start(Site("endless", {"/": endless}, REDIRECT), certs) as running:
        facts = measure(target_of(running), certs, http_max_body_bytes=256 * 1024)
    assert facts["http.html.truncated"] is True
    assert facts["http.html.size_bytes"] <= 256 * 1024
    assert facts["http.x_frame_options.outcome"] == "x-frame-options-sameorigin-or-deny"
    assert "http.observatory.score" in facts
    # What the body would show past the cap is unknown: body facts are partial, so unmeasured.
    assert "partial body" in facts["http.unmeasured"]["http.mixed_content"]
    assert "http.mixed_content.present" not in facts


def test_body_that_never_comes(certs: Certificates) -> None:
    """Given headers and then silence, then the headers are kept and the body is marked incomplete."""
    silent = Reply(mode="silent", headers=(("Content-Type", HTML), ("X-Content-Type-Options", "nosniff")))
    with start(Site("silent", {"/": silent}, REDIRECT), certs) as running:
        facts = measure(target_of(running), certs, timeout=1)
    assert facts["http.html.truncated"] is True
    assert facts["http.x_content_type_options.outcome"] == "x-content-type-options-nosniff"


def test_hostile_header_values_are_capped(certs: Certificates) -> None:
    """Given a 50 KB header value with markup, then the fact is capped (reports escape it)."""
    value = "<script>alert(1)</script>" * 2000
    with start(Site("long", page(x_custom=value, server="Apache/2.4.41 (Ubuntu)"), REDIRECT), certs) as running:
        facts = measure(target_of(running), certs)
    assert len(facts["http.headers.x-custom"]) == 4096
    assert facts["http.server_version_disclosed"] is True
    assert {"source": "header server", "product": "Apache", "version": "2.4.41"} in facts["http.disclosure.items"]


def test_generator_meta_is_a_disclosure(certs: Certificates) -> None:
    """Given a CMS generator tag, then the version counts as disclosed."""
    body = b'<html><head><meta name="generator" content="WordPress 6.4.2"></head></html>'
    with start(Site("wp", page(body=body), REDIRECT), certs) as running:
        facts = measure(target_of(running), certs)
    assert facts["http.disclosure.generator"] == "WordPress 6.4.2"
    assert facts["http.server_version_disclosed"] is True


def test_resolve_sends_the_audited_name(certs: Certificates) -> None:
    """Given a name and an address (curl --resolve), then requests reach the address; the certificate,
    which does not name it, is flagged invalid and the headers are still measured."""
    with start(Site("named", page(), REDIRECT), certs) as running:
        target = Target(host="news.example.vn", port=running.https_port, http_port=running.http_port,
                        address=running.host)
        facts = measure(target, certs)
    assert facts["http.https.certificate_valid"] is False
    assert facts["http.https.final_url"].startswith("https://news.example.vn:")
    assert facts["http.redirect.to_https"] is False  # {https} points at the IP: another name, not followed
    assert ("https", "GET", "/") in running.hits


def test_plain_http_site(certs: Certificates) -> None:
    """Given a plain-HTTP target, then HTTPS is not fetched and HSTS cannot be had."""
    with start(Site("plain", None, {"/": page()["/"]}), certs) as running:
        target = Target(host=running.host, port=running.http_port, scheme="http", http_port=running.http_port)
        facts = measure(target, certs)
    assert facts["http.plain.served_without_redirect"] is True
    assert facts["http.hsts.outcome"] == "hsts-not-implemented-no-https"
    assert all(scheme == "http" for scheme, _, _ in running.hits)


def test_https_redirect_to_another_host_is_partial(certs: Certificates) -> None:
    """Given HTTPS that redirects to www-like other host, then the 3xx is graded and the gap is said."""
    with start(Site("other", page(), REDIRECT), certs) as other:
        site = Site("apex", {"/": Reply(status=301, headers=(("Location", "{other}/"),), body=b"")}, REDIRECT,
                    links={"other": other.https_root})
        with start(site, certs) as running:
            facts = measure(target_of(running), certs)
    assert other.hits == []
    assert facts["http.https.status"] == 301
    assert facts["http.https.chain"][-1]["location"] == f"{other.https_root}/"
    assert "not followed" in facts["http.observatory.partial"]


def test_hsts_preload_list_from_settings(certs: Certificates, tmp_path: Path) -> None:
    """Given a preload list naming the host, then HSTS is 'preloaded' (+5) and the redirect counts too."""
    with start(Site("preloaded", page(), REDIRECT), certs) as running:
        preload = tmp_path / "hsts-preload.json"
        preload.write_text(f'{{"{running.host}": {{"mode": "force-https", "includeSubDomains": false}}}}')
        facts = measure(target_of(running), certs, http_hsts_preload_file=str(preload))
    assert facts["http.hsts.preloaded"] is True
    assert facts["http.hsts.outcome"] == "hsts-preloaded"
    assert facts["http.redirect.outcome"] == "redirection-all-redirects-preloaded"
    assert facts["http.observatory.score"] == 135


@pytest.mark.parametrize("markup", [
    '<base href="https://[bad/"><script src="x.js"></script><form action="y"></form>',
    '<script src="https://[bad/x.js"></script><form action="https://[f/"><input type="password"></form>'
    '<img src="http://[i/">',
])
def test_urls_python_cannot_read_in_a_page_do_not_cost_the_sites_facts(certs: Certificates, markup: str) -> None:
    # urljoin / urlsplit raise "Invalid IPv6 URL" on these; a page's text must never stop the probe.
    site = Site("hostile-urls", https=page(body=f"<!doctype html><title>t</title>{markup}".encode()), http=REDIRECT)
    with start(site, certs) as running:
        facts = measure(Target(host=running.host, port=running.https_port, http_port=running.http_port), certs)
    assert facts["http.redirect.to_https"] is True and facts["http.forms.count"] == 1
    assert facts["http.sri.script_count"] == 1
