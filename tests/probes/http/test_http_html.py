"""Page parsing (meta tags, scripts, mixed content), SRI grading, version disclosure, OWASP values."""

from __future__ import annotations

import pytest

from probes.http.disclosure import disclosures, parse_products
from probes.http.html import analyse_sri, parse_page
from probes.http.owasp import owasp_check

SRI = "sha384-abc"


def sri(body: str, site: str | None = "example.vn", https: bool = True) -> str:
    return analyse_sri(parse_page(body), site, https).outcome


def test_meta_tags() -> None:
    """Given meta CSP, referrer and generator tags, then each is read as the Observatory reads it."""
    page = parse_page(
        '<meta http-equiv="Content-Security-Policy" content="default-src \'self\'">'
        '<meta http-equiv="content-security-policy" content="">'
        '<meta name="referrer" content="no-referrer"><meta name="Referrer" content="origin">'
        '<meta name="generator" content="WordPress 6.4.2">')
    assert page.csp_meta == ["default-src 'self'"]
    assert page.referrer_meta == "origin"  # the last one wins
    assert page.generator == ["WordPress 6.4.2"]


@pytest.mark.parametrize("body, expected", [
    ("<p>no scripts</p>", "sri-not-implemented-but-no-scripts-loaded"),
    ("<script>inline()</script><script src='/a.js'></script>", "sri-not-implemented-but-all-scripts-loaded-from-secure-origin"),
    (f"<script src='/a.js' integrity='{SRI}'></script>", "sri-implemented-and-all-scripts-loaded-securely"),
    ("<script src='https://static.example.vn/a.js'></script>", "sri-not-implemented-but-all-scripts-loaded-from-secure-origin"),
    (f"<script src='https://cdn.other.com/a.js' integrity='{SRI}'></script>", "sri-implemented-and-external-scripts-loaded-securely"),
    ("<script src='https://cdn.other.com/a.js'></script>", "sri-not-implemented-but-external-scripts-loaded-securely"),
    (f"<script src='http://cdn.other.com/a.js' integrity='{SRI}'></script>", "sri-implemented-but-external-scripts-not-loaded-securely"),
    ("<script src='http://cdn.other.com/a.js'></script>", "sri-not-implemented-and-external-scripts-not-loaded-securely"),
    ("<script src='//cdn.other.com/a.js'></script>", "sri-not-implemented-and-external-scripts-not-loaded-securely"),
    ("<script src='HTTPS://CDN.OTHER.COM/a.js'></script>", "sri-not-implemented-but-external-scripts-loaded-securely"),
])
def test_sri(body: str, expected: str) -> None:
    """Given scripts on a page of example.vn, then the SRI outcome is the Observatory's."""
    assert sri(body) == expected


def test_sri_vietnamese_second_level_domains() -> None:
    """Given a .com.vn site, then another .com.vn site is foreign (the public suffix list is used)."""
    assert sri("<script src='https://cdn.tuoitre.com.vn/a.js'></script>", "tuoitre.com.vn") == \
        "sri-not-implemented-but-all-scripts-loaded-from-secure-origin"
    assert sri("<script src='https://cdn.thanhnien.com.vn/a.js'></script>", "tuoitre.com.vn") == \
        "sri-not-implemented-but-external-scripts-loaded-securely"


def test_sri_not_html() -> None:
    """Given no HTML page, then SRI does not apply."""
    assert analyse_sri(None, "example.vn", True).outcome == "sri-not-implemented-response-not-html"


def test_mixed_content() -> None:
    """Given http:// subresources, then scripts/styles/frames are active and images passive."""
    page = parse_page("<link rel=stylesheet href='http://a.vn/s.css'><script src='http://a.vn/a.js'></script>"
                      "<iframe src='http://a.vn/f'></iframe><img src='http://a.vn/i.png'><img src='https://a.vn/ok.png'>")
    assert page.mixed_active == ["http://a.vn/s.css", "http://a.vn/a.js", "http://a.vn/f"]
    assert page.mixed_passive == ["http://a.vn/i.png"]


def test_hostile_markup_is_bounded() -> None:
    """Given broken, truncated and binary-laden markup, then parsing returns without raising."""
    page = parse_page("<script src='/a.js'<<<>\x00\ufffd<meta name=generator content='Joomla! 4.2'><div " * 200 + "<scr")
    assert page.scripts


@pytest.mark.parametrize("value, expected", [
    ("nginx/1.18.0 (Ubuntu)", [("nginx", "1.18.0")]),
    ("Apache/2.4.41 (Ubuntu) OpenSSL/1.1.1f", [("Apache", "2.4.41"), ("OpenSSL", "1.1.1f")]),
    ("Microsoft-IIS/10.0", [("Microsoft-IIS", "10.0")]),
    ("WordPress 6.4.2", [("WordPress", "6.4.2")]),
    ("nginx", [("nginx", "")]),
    ("4.0.30319", [("", "4.0.30319")]),
])
def test_products(value: str, expected: list[tuple[str, str]]) -> None:
    """Given a banner, then the products and versions it names."""
    assert [(p["product"], p["version"]) for p in parse_products(value)] == expected


def test_disclosures() -> None:
    """Given Server, X-Powered-By and a generator tag, then each is an item with its source."""
    items = disclosures({"server": "nginx/1.24.0", "x-powered-by": "PHP/8.1.2"}, ["Drupal 10 (https://www.drupal.org)"])
    assert [(i["source"], i["product"], i["version"]) for i in items] == [
        ("header server", "nginx", "1.24.0"), ("header x-powered-by", "PHP", "8.1.2"), ("meta generator", "Drupal", "10")]


def test_owasp_check() -> None:
    """Given some headers, then each recommended header is recommended, differs or missing."""
    result = owasp_check({"strict-transport-security": "max-age=63072000; includeSubDomains",
                          "x-frame-options": "SAMEORIGIN", "x-content-type-options": "nosniff", "server": "nginx"})
    statuses = {k: v["status"] for k, v in result["headers"].items()}
    assert statuses["strict-transport-security"] == "recommended"
    assert statuses["x-content-type-options"] == "recommended"
    assert statuses["x-frame-options"] == "differs"
    assert statuses["referrer-policy"] == "missing"
    assert result["present_to_remove"] == ["server"]
