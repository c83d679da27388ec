"""A catalogue of test sites whose headers cover every MDN HTTP Observatory outcome.

Each site is the baseline of a well-configured site with a few things changed, so that the
outcome being exercised is the only surprise. The differential test scores all of them with the
Observatory's own code and with ours; `test_catalogue_covers_every_outcome` checks the coverage.
"""

from __future__ import annotations

from tests.probes.http.http_servers import HTML, Reply, Site

GOOD_CSP = "default-src 'none'; img-src 'self'; script-src 'self'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
GOOD = (
    ("Content-Type", HTML),
    ("Strict-Transport-Security", "max-age=63072000; includeSubDomains"),
    ("Content-Security-Policy", GOOD_CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
)
REDIRECT = {"/": Reply(status=301, headers=(("Location", "{https}/"),), body=b"")}
SRI = "sha384-oqVuAfXRKap7fdgcCY5uykM6+R9GqQ8K/uxy9rx7HNQlGYl1kPzQho1wx4JwY8wC"


def headers(*, drop: tuple[str, ...] = (), **extra: str | list[str]) -> tuple[tuple[str, str], ...]:
    """The baseline headers without `drop`, plus `extra` (underscores become dashes; a list repeats)."""
    names = {n.lower() for n in drop} | {k.replace("_", "-").lower() for k in extra}
    out = [(n, v) for n, v in GOOD if n.lower() not in names]
    for key, value in extra.items():
        for item in value if isinstance(value, list) else [value]:
            out.append((key.replace("_", "-"), item))
    return tuple(out)


def page(*, body: bytes | None = None, status: int = 200, drop: tuple[str, ...] = (), **extra: str | list[str]) -> dict[str, Reply]:
    """The HTTPS root with the baseline headers changed as asked."""
    reply = Reply(status=status, headers=headers(drop=drop, **extra))
    if body is not None:
        reply = Reply(status=status, headers=reply.headers, body=body)
    return {"/": reply}


def html(head: str = "", body: str = "") -> bytes:
    """A small HTML document."""
    return f"<!doctype html><html><head><title>t</title>{head}</head><body>{body}<p>ok</p></body></html>".encode()


def catalogue() -> list[Site]:
    """Every site of the differential test; names are unique."""
    sites = [
        Site("baseline", page(), REDIRECT),
        # Content-Security-Policy
        Site("csp-no-unsafe", page(content_security_policy="default-src 'self'; frame-ancestors 'self'"), REDIRECT),
        Site("csp-style-inline", page(content_security_policy="default-src 'self'; style-src 'self' 'unsafe-inline'"), REDIRECT),
        Site("csp-duplicate-report", page(content_security_policy="default-src 'self'; report-uri /a; report-uri /b"), REDIRECT),
        Site("csp-passive-http", page(content_security_policy="default-src 'self'; img-src 'self' http://img.example.com"), REDIRECT),
        Site("csp-unsafe-eval", page(content_security_policy="default-src 'self'; script-src 'self' 'unsafe-eval'"), REDIRECT),
        Site("csp-unsafe-inline", page(content_security_policy="script-src 'self' 'unsafe-inline'; object-src 'none'"), REDIRECT),
        Site("csp-no-object-src", page(content_security_policy="script-src 'self'"), REDIRECT),
        Site("csp-data-script", page(content_security_policy="default-src 'self'; script-src 'self' data:"), REDIRECT),
        Site("csp-insecure", page(content_security_policy="default-src 'self' http://cdn.example.com"), REDIRECT),
        Site("csp-invalid-duplicate", page(content_security_policy="default-src 'self'; default-src 'none'"), REDIRECT),
        Site("csp-strict-dynamic-no-nonce", page(content_security_policy="default-src 'self'; script-src 'strict-dynamic'"), REDIRECT),
        Site("csp-nonce-strict-dynamic", page(content_security_policy="default-src 'none'; script-src 'nonce-abc' 'strict-dynamic' 'unsafe-inline' https:; form-action 'none'"), REDIRECT),
        Site("csp-missing", page(drop=("Content-Security-Policy",)), REDIRECT),
        Site("csp-report-only", page(drop=("Content-Security-Policy",), content_security_policy_report_only=GOOD_CSP), REDIRECT),
        Site("csp-two-headers", page(content_security_policy=["default-src 'self'", "script-src 'none'"]), REDIRECT),
        Site("csp-meta", page(drop=("Content-Security-Policy",), body=html(
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; frame-ancestors 'none'\">")), REDIRECT),
        Site("csp-meta-and-header", page(content_security_policy="default-src 'self'", body=html(
            "<meta http-equiv=\"content-security-policy\" content=\"default-src 'self'; script-src 'self' 'unsafe-inline'\">")), REDIRECT),
        Site("csp-empty", page(content_security_policy=""), REDIRECT),
        # Cookies
        Site("cookie-good", page(set_cookie=["SESSIONID=1; Path=/; Secure; HttpOnly; SameSite=Lax", "__Host-pref=1; Path=/; Secure; SameSite=Strict"]), REDIRECT),
        Site("cookie-no-samesite", page(set_cookie="sessionid=1; Secure; HttpOnly"), REDIRECT),
        Site("cookie-insecure-hsts", page(set_cookie="theme=dark; SameSite=Lax"), REDIRECT),
        Site("cookie-session-insecure-hsts", page(set_cookie="PHPSESSID=1; HttpOnly; SameSite=Lax"), REDIRECT),
        Site("cookie-insecure-no-hsts", page(drop=("Strict-Transport-Security",), set_cookie="theme=dark; SameSite=Lax"), REDIRECT),
        Site("cookie-samesite-invalid", page(set_cookie="theme=dark; Secure; SameSite=sometimes"), REDIRECT),
        Site("cookie-samesite-none-insecure", page(set_cookie="track=1; SameSite=None"), REDIRECT),
        Site("cookie-csrf-no-samesite", page(set_cookie="csrftoken=abc; Secure"), REDIRECT),
        Site("cookie-session-no-httponly", page(set_cookie="login_token=1; Secure; SameSite=Lax"), REDIRECT),
        Site("cookie-session-insecure", page(drop=("Strict-Transport-Security",), set_cookie="sessid=1; HttpOnly"), REDIRECT),
        Site("cookie-host-prefix-broken", page(set_cookie="__Host-sess=1; Path=/"), REDIRECT),
        Site("cookie-on-redirect", {"/": Reply(status=302, headers=(("Location", "/home"), ("Set-Cookie", "sessionid=1; Path=/")), body=b""),
                                    "/home": page()["/"]}, REDIRECT),
        # CORS (the preflight answer)
        Site("cors-public", page(), REDIRECT, options=Reply(status=204, headers=(("Access-Control-Allow-Origin", "*"),), body=b"")),
        Site("cors-restricted", page(), REDIRECT, options=Reply(status=204, headers=(("Access-Control-Allow-Origin", "https://news.example.vn"),), body=b"")),
        Site("cors-reflect-credentials", page(), REDIRECT, options=Reply(status=204, headers=(
            ("Access-Control-Allow-Origin", "https://http-observatory.security.mozilla.org"),
            ("Access-Control-Allow-Credentials", "true")), body=b"")),
        # Redirection
        Site("redirect-none-no-http", page(), None),
        Site("redirect-missing", page(), {"/": page()["/"]}),
        Site("redirect-http-first", page(), {"/": Reply(status=301, headers=(("Location", "/next"),), body=b""),
                                             "/next": Reply(status=301, headers=(("Location", "{https}/"),), body=b"")}),
        Site("redirect-not-to-https", page(), {"/": Reply(status=302, headers=(("Location", "/landing"),), body=b""),
                                               "/landing": page()["/"]}),
        Site("redirect-invalid-cert", page(), REDIRECT, self_signed=True),
        # {other} is filled in with OFFHOST_TARGET's HTTPS root by the test that starts it.
        Site("redirect-off-host", page(), {"/": Reply(status=301, headers=(("Location", "{other}/"),), body=b"")}),
        # Apex to www: plain HTTP to HTTPS on the same host, whose root (no headers at all) sends the
        # visitor to {other}; the lab declares both addresses as the outlet's presence, so we follow.
        Site("redirect-apex-to-www", {"/": Reply(status=301, headers=(("Location", "{other}/"),), body=b"")}, REDIRECT),
        # Referrer-Policy
        Site("referrer-missing", page(drop=("Referrer-Policy",)), REDIRECT),
        Site("referrer-unsafe", page(referrer_policy="unsafe-url"), REDIRECT),
        Site("referrer-invalid", page(referrer_policy="everything"), REDIRECT),
        Site("referrer-list", page(referrer_policy="no-referrer, unsafe-url, bogus"), REDIRECT),
        Site("referrer-meta", page(drop=("Referrer-Policy",), body=html('<meta name="referrer" content="origin">')), REDIRECT),
        # Strict-Transport-Security
        Site("hsts-short", page(strict_transport_security="max-age=300"), REDIRECT),
        Site("hsts-missing", page(drop=("Strict-Transport-Security",)), REDIRECT),
        Site("hsts-no-max-age", page(strict_transport_security="includeSubDomains"), REDIRECT),
        Site("hsts-twice", page(strict_transport_security=["max-age=63072000", "max-age=63072000"]), REDIRECT),
        Site("hsts-nan", page(strict_transport_security="max-age=forever"), REDIRECT),
        Site("hsts-no-https", None, {"/": page()["/"]}),
        # Subresource integrity
        Site("sri-same-origin-integrity", page(body=html(body=f'<script src="/app.js" integrity="{SRI}"></script>')), REDIRECT),
        Site("sri-external-integrity", page(body=html(body=f'<script src="https://cdn.example.com/a.js" integrity="{SRI}" crossorigin="anonymous"></script>')), REDIRECT),
        Site("sri-not-html", page(content_type="application/json", body=b'{"ok": true}'), REDIRECT),
        Site("sri-same-origin", page(body=html(body='<script src="/app.js"></script><script>var x = 1;</script>')), REDIRECT),
        Site("sri-external-https", page(body=html(body='<script src="https://cdn.example.com/a.js"></script>')), REDIRECT),
        Site("sri-external-http-integrity", page(body=html(body=f'<script src="http://cdn.example.com/a.js" integrity="{SRI}"></script>')), REDIRECT),
        Site("sri-external-http", page(body=html(body='<script src="http://cdn.example.com/a.js"></script><img src="http://cdn.example.com/i.png">')), REDIRECT),
        Site("sri-protocol-relative", page(body=html(body='<script src="//cdn.example.com/a.js"></script>')), REDIRECT),
        Site("sri-bad-utf8", page(body=b"<!doctype html><title>\xff\xfe</title><script src='https://cdn.example.com/a.js'></script>"), REDIRECT),
        # X-Content-Type-Options, X-Frame-Options, Cross-Origin-Resource-Policy
        Site("xcto-missing", page(drop=("X-Content-Type-Options",)), REDIRECT),
        Site("xcto-invalid", page(x_content_type_options="sniff"), REDIRECT),
        Site("xfo-only", page(content_security_policy="default-src 'self'", x_frame_options="SAMEORIGIN"), REDIRECT),
        Site("xfo-allow-from", page(content_security_policy="default-src 'self'", x_frame_options="ALLOW-FROM https://a.example"), REDIRECT),
        Site("xfo-missing", page(content_security_policy="default-src 'self'", drop=("X-Frame-Options",)), REDIRECT),
        Site("xfo-invalid", page(content_security_policy="default-src 'self'", x_frame_options="ALLOWALL"), REDIRECT),
        Site("xfo-twice", page(content_security_policy="default-src 'self'", x_frame_options=["DENY", "DENY"]), REDIRECT),
        Site("corp-same-site", page(cross_origin_resource_policy="same-site"), REDIRECT),
        Site("corp-cross-origin", page(cross_origin_resource_policy="cross-origin"), REDIRECT),
        Site("corp-missing", page(drop=("Cross-Origin-Resource-Policy",)), REDIRECT),
        Site("corp-invalid", page(cross_origin_resource_policy="nobody"), REDIRECT),
        # Everything wrong at once: the score floors at 0 and the bonus rule withholds bonuses
        Site("worst", {"/": Reply(headers=(("Content-Type", HTML), ("Set-Cookie", "sessid=1"),
                                           ("Cross-Origin-Resource-Policy", "same-origin")),
                                  body=html(body='<script src="http://cdn.example.com/a.js"></script>'))},
             {"/": Reply(headers=(("Content-Type", HTML),), body=html())}),
        Site("status-401", page(status=401), REDIRECT),
        Site("status-403", page(status=403), REDIRECT),
        # Quirks both tools must share
        Site("https-redirect-loop", {"/": Reply(status=302, headers=headers(location="/a"), body=b""),
                                     "/a": Reply(status=302, headers=headers(location="/"), body=b"")}, REDIRECT),
        Site("plain-only", None, {"/": Reply(headers=headers(
            set_cookie="sessionid=1; HttpOnly", content_security_policy="default-src 'self' http://cdn.example.com"))}),
        Site("csp-two-metas", page(drop=("Content-Security-Policy",), body=html(
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self' https://a.example.com\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'; object-src 'none'\">")), REDIRECT),
        Site("csp-with-report-only", page(content_security_policy_report_only="default-src 'none'"), REDIRECT),
        Site("sri-base-href", page(body=html('<base href="https://cdn.example.com/">', '<script src="/a.js"></script>')), REDIRECT),
        Site("sri-ip-script", page(body=html(body='<script src="http://127.0.0.1/a.js"></script>')), REDIRECT),
        Site("sri-data-script", page(body=html(body='<script src="data:text/javascript,1"></script>')), REDIRECT),
        Site("content-type-case", page(content_type="Text/HTML", body=html(body='<script src="http://cdn.example.com/a.js"></script>')), REDIRECT),
        Site("xhtml", page(content_type="application/xhtml+xml", body=html(body='<script src="https://cdn.example.com/a.js"></script>')), REDIRECT),
        Site("cookie-ip-domain", page(set_cookie="sessionid=1; Domain=127.0.0.1"), REDIRECT),
        Site("cookie-replaced", page(set_cookie=["sessionid=1", "sessionid=2; Secure; HttpOnly; SameSite=Lax"]), REDIRECT),
        Site("cookie-rejected-invalid-samesite", page(set_cookie="__Secure-x=1; SameSite=often"), REDIRECT),
        Site("cookie-self-signed", page(set_cookie="theme=1; Secure; SameSite=Lax"), REDIRECT, self_signed=True),
        Site("empty-values", page(x_content_type_options="", referrer_policy="", x_frame_options=""), REDIRECT),
        Site("hsts-on-plain-only", None, {"/": page()["/"]}),
        Site("http2", page(set_cookie="sessionid=1; Secure; HttpOnly; SameSite=Lax"), REDIRECT, http2=True),
        Site("status-500", page(status=500), REDIRECT),
    ]
    return sites


OFFHOST_TARGET = Site("offhost-target", page(), REDIRECT)
"""The host that `redirect-off-host` sends plain HTTP to."""
