"""Set-Cookie parsing, the jar's acceptance rules, and the Observatory's cookie outcomes."""

from __future__ import annotations

import pytest

from probes.http.cookies import (
    CookieJar,
    analyse_cookies,
    has_invalid_same_site,
    parse_set_cookie,
)

URL = "https://news.example.vn/"


def outcome(*headers: str, hsts: bool = False) -> str:
    jar = CookieJar()
    for header in headers:
        jar.set_cookie(header, URL)
    return analyse_cookies(jar, list(headers), hsts).outcome


def test_parse() -> None:
    """Given a full Set-Cookie, then every attribute is read; a nameless cookie is ignored."""
    cookie = parse_set_cookie("SID=abc; Path=/; Domain=.Example.VN; Secure; HttpOnly; SameSite=Strict")
    assert cookie is not None
    assert (cookie.name, cookie.domain, cookie.secure, cookie.http_only, cookie.same_site, cookie.host_only) == (
        "SID", "example.vn", True, True, "strict", False)
    assert parse_set_cookie("novalue") is None
    assert parse_set_cookie("=x") is None
    assert parse_set_cookie("a=1; SameSite=maybe").same_site is None  # type: ignore[union-attr]


@pytest.mark.parametrize("header, kept", [
    ("a=1", True),
    ("a=1; Domain=example.vn", True),
    ("a=1; Domain=other.vn", False),
    ("a=1; Domain=vn", False),  # a public suffix
    ("__Secure-a=1", False),
    ("__Secure-a=1; Secure", True),
    ("__Host-a=1; Secure; Path=/", True),
    ("__Host-a=1; Secure; Path=/; Domain=news.example.vn", False),
    ("__Host-a=1; Secure; Path=/x", False),
])
def test_jar_rules(header: str, kept: bool) -> None:
    """Given a cookie from news.example.vn, then the jar keeps it only when a browser would."""
    assert (CookieJar().set_cookie(header, URL) is not None) is kept


@pytest.mark.parametrize("headers, hsts, expected", [
    ((), False, "cookies-not-found"),
    (("a=1; Secure; SameSite=Lax", "sessionid=2; Secure; HttpOnly; SameSite=Strict"), False,
     "cookies-secure-with-httponly-sessions-and-samesite"),
    (("a=1; Secure",), False, "cookies-secure-with-httponly-sessions"),
    (("a=1; SameSite=Lax",), True, "cookies-without-secure-flag-but-protected-by-hsts"),
    (("a=1; SameSite=Lax",), False, "cookies-without-secure-flag"),
    (("sess=1; HttpOnly; SameSite=Lax",), True, "cookies-session-without-secure-flag-but-protected-by-hsts"),
    (("a=1; Secure; SameSite=bogus",), False, "cookies-samesite-flag-invalid"),
    (("a=1; SameSite=None",), True, "cookies-samesite-flag-invalid"),
    (("csrftoken=1; Secure",), False, "cookies-anticsrf-without-samesite-flag"),
    (("LOGIN=1; Secure; SameSite=Lax",), False, "cookies-session-without-httponly-flag"),
    (("PHPSESSID=1; HttpOnly",), False, "cookies-session-without-secure-flag"),
    (("heroku-session-affinity=1",), False, "cookies-not-found"),
])
def test_outcomes(headers: tuple[str, ...], hsts: bool, expected: str) -> None:
    """Given cookies (and whether HSTS passed), then the worst problem is the outcome."""
    assert outcome(*headers, hsts=hsts) == expected


def test_invalid_same_site_on_raw_header() -> None:
    """Given raw headers, then an empty or unknown SameSite is invalid; case does not matter."""
    assert has_invalid_same_site("a=1; SameSite")
    assert has_invalid_same_site("a=1; samesite=")
    assert not has_invalid_same_site("a=1; SameSite=LAX")
