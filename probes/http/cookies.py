"""Set-Cookie parsing, a minimal cookie jar, and the Observatory's cookie grading.

Ports `src/analyzer/tests/cookies.js` of @mdn/mdn-http-observatory 1.4.8, and the parts of
tough-cookie 5 (`Cookie.parse`, `CookieJar.setCookie`) that decide which cookies the Observatory's
jar keeps: a cookie needs a name, a Domain attribute must match the host and not be a public
suffix, `__Secure-` needs Secure and `__Host-` needs Secure, no Domain and Path=/ (RFC 6265bis
4.1.3), and a cookie replaces an earlier one with the same name, domain and path.

A session cookie is one whose name contains "login" or "sess", an anti-CSRF cookie one whose name
contains "csrf" (the Observatory's heuristics). Pure functions: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from probes.http.domain import is_ip, registrable_domain

IGNORED_COOKIES = ("heroku-session-affinity",)
"""The Observatory drops these (mozilla/http-observatory issue 282)."""
SPECIAL_USE_DOMAINS = ("local", "example", "invalid", "localhost", "test")
"""tough-cookie 5 accepts these as cookie domains (getPublicSuffix.js, allowSpecialUseDomain)."""
_CONTROL = re.compile(r"[\x00-\x1f]")

# Order from least to most serious (cookies.js `goodness`); the worst one seen is the outcome.
SEVERITY = (
    "cookies-without-secure-flag-but-protected-by-hsts",
    "cookies-without-secure-flag",
    "cookies-session-without-secure-flag-but-protected-by-hsts",
    "cookies-samesite-flag-invalid",
    "cookies-anticsrf-without-samesite-flag",
    "cookies-session-without-httponly-flag",
    "cookies-session-without-secure-flag",
)


@dataclass
class Cookie:
    """One cookie as the jar keeps it."""

    name: str
    domain: str = ""
    path: str = ""
    secure: bool = False
    http_only: bool = False
    same_site: str | None = None
    """'strict', 'lax', 'none', or None when absent or not one of those."""
    host_only: bool = True

    @property
    def session(self) -> bool:
        """A login or session identifier, by the Observatory's name heuristic."""
        return any(word in self.name.lower() for word in ("login", "sess"))

    @property
    def anticsrf(self) -> bool:
        """An anti-CSRF token, by the Observatory's name heuristic."""
        return "csrf" in self.name.lower()


def parse_set_cookie(header: str) -> Cookie | None:
    """Parse one Set-Cookie value (RFC 6265 5.2, tough-cookie's strict mode); None if it is ignored."""
    text = header.strip()
    pair, _, rest = text.partition(";")
    for terminator in ("\n", "\r", "\0"):
        pair = pair.split(terminator, 1)[0]
    eq = pair.find("=")
    if eq <= 0:
        return None
    name, value = pair[:eq].strip(), pair[eq + 1:].strip()
    if _CONTROL.search(name) or _CONTROL.search(value):
        return None
    cookie = Cookie(name=name)
    domain_attr: str | None = None
    for av in rest.split(";"):
        av = av.strip()
        if not av:
            continue
        key, sep, arg = av.partition("=")
        key, arg = key.strip().lower(), arg.strip() if sep else ""
        if key == "domain" and arg:
            domain_attr = arg.lstrip(".").lower() or domain_attr
        elif key == "path":
            cookie.path = arg if arg.startswith("/") else ""
        elif key == "secure":
            cookie.secure = True
        elif key == "httponly":
            cookie.http_only = True
        elif key == "samesite":
            cookie.same_site = arg.lower() if arg.lower() in ("strict", "lax", "none") else None
    if domain_attr:
        cookie.domain, cookie.host_only = domain_attr, False
    return cookie


def _default_path(path: str) -> str:
    """RFC 6265 5.1.4: the request path up to its last '/'."""
    if not path.startswith("/") or path.count("/") == 1:
        return "/"
    return path[: path.rindex("/")]


@dataclass
class CookieJar:
    """The cookies a session collected, keyed like a browser's store (name, domain, path)."""

    cookies: dict[tuple[str, str, str], Cookie] = field(default_factory=dict)

    def set_cookie(self, header: str, request_url: str) -> Cookie | None:
        """Store a Set-Cookie received from `request_url`; None when a browser would ignore it."""
        cookie = parse_set_cookie(header)
        if cookie is None:
            return None
        parts = urlsplit(request_url)
        host = (parts.hostname or "").lower()
        if not cookie.host_only:
            special = cookie.domain.rsplit(".", 1)[-1] in SPECIAL_USE_DOMAINS
            if registrable_domain(cookie.domain, private=True) is None and ":" not in cookie.domain and not special:
                return None  # Domain is a public suffix (or an IP, which tldts cannot place)
            if not (host == cookie.domain or (host.endswith("." + cookie.domain) and not is_ip(host))):
                return None
        else:
            cookie.domain = host
        if not cookie.path:
            cookie.path = _default_path(parts.path or "/")
        if cookie.name.startswith("__Secure-") and not cookie.secure:
            return None
        if cookie.name.startswith("__Host-") and not (cookie.secure and cookie.host_only and cookie.path == "/"):
            return None
        self.cookies[(cookie.name, cookie.domain, cookie.path)] = cookie
        return cookie


def has_invalid_same_site(header: str) -> bool:
    """Whether a raw Set-Cookie has a SameSite attribute with no value or an unknown one (cookies.js)."""
    for part in header.strip().split(";"):
        pieces = part.strip().split("=")
        if pieces[0].strip().lower() == "samesite":
            value = pieces[1] if len(pieces) > 1 else ""
            if not value or value.strip().lower() not in ("lax", "strict", "none"):
                return True
    return False


@dataclass
class CookieResult:
    """The Observatory outcome for a site's cookies, and which cookies cause it."""

    outcome: str
    passed: bool
    cookies: list[Cookie]
    invalid_same_site: list[str] = field(default_factory=list)


def _worse(new: str, old: str | None) -> str:
    if old is None or SEVERITY.index(new) > SEVERITY.index(old):
        return new
    return old


def analyse_cookies(jar: CookieJar, final_set_cookies: list[str], hsts_passed: bool) -> CookieResult:
    """Grade the jar as cookies.js does; `final_set_cookies` are the raw headers of the final page."""
    outcome: str | None = None
    invalid = [h.split("=", 1)[0].strip()[:100] for h in final_set_cookies if has_invalid_same_site(h)]
    if invalid:
        outcome = _worse("cookies-samesite-flag-invalid", outcome)
    cookies = [c for c in jar.cookies.values() if c.name and c.name not in IGNORED_COOKIES]
    if not cookies:
        return CookieResult("cookies-not-found", True, [], invalid)
    missing_same_site = False
    for c in cookies:
        if not c.secure and c.same_site == "none":
            outcome = _worse("cookies-samesite-flag-invalid", outcome)
        if not c.secure:
            outcome = _worse("cookies-without-secure-flag-but-protected-by-hsts" if hsts_passed
                             else "cookies-without-secure-flag", outcome)
        if c.anticsrf and not c.same_site:
            outcome = _worse("cookies-anticsrf-without-samesite-flag", outcome)
        if c.session and not c.secure:
            outcome = _worse("cookies-session-without-secure-flag-but-protected-by-hsts" if hsts_passed
                             else "cookies-session-without-secure-flag", outcome)
        if c.session and not c.http_only:
            outcome = _worse("cookies-session-without-httponly-flag", outcome)
        missing_same_site = missing_same_site or not c.same_site
    if outcome is None:
        outcome = ("cookies-secure-with-httponly-sessions" if missing_same_site
                   else "cookies-secure-with-httponly-sessions-and-samesite")
    passed = outcome in ("cookies-not-found", "cookies-secure-with-httponly-sessions-and-samesite",
                         "cookies-secure-with-httponly-sessions")
    return CookieResult(outcome, passed, cookies, invalid)
