"""The facts the `http` probe publishes: names, types and what each means.

Checklists may refer only to these (checked when a checklist loads). Names are stable: rename one
and every catalogue row using it breaks, so add instead. Outcome facts (`*.outcome`) carry the MDN
HTTP Observatory's outcome keys; their reasons, in Vietnamese and English, are in
`probes/data/http_observatory.yaml`.
"""

from __future__ import annotations

from probes.interface import FactSpec


def _f(name: str, type_: str, description: str) -> FactSpec:
    return FactSpec(name, type_, description)


FACTS = (
    # Plain HTTP and redirects
    _f("http.plain.reachable", "bool", "The plain-HTTP port answered an HTTP request."),
    _f("http.plain.status", "int", "Status of the first plain-HTTP response."),
    _f("http.plain.served_without_redirect", "bool", "Plain HTTP serves content (2xx) instead of redirecting."),
    _f("http.redirect.to_https", "bool", "Plain HTTP ends on an HTTPS URL of the audited host."),
    _f("http.redirect.same_host_first", "bool", "The first redirect goes to HTTPS on the same host."),
    _f("http.redirect.final_https", "bool", "The plain-HTTP chain ends on an HTTPS URL (any host)."),
    _f("http.redirect.chain", "list", "Each hop of the plain-HTTP chain: url, status, location."),
    _f("http.redirect.chain_length", "int", "Number of redirects followed from plain HTTP."),
    _f("http.redirect.final_url", "str", "Where the plain-HTTP chain ended (or pointed, if not followed)."),
    _f("http.redirect.off_host", "bool", "A redirect pointed to another host (recorded, not followed)."),
    _f("http.redirect.stop", "str", "Why the plain-HTTP chain stopped: final, off_host, non_http_scheme, invalid_location, too_many_redirects, error."),
    _f("http.redirect.loop", "bool", "A redirect chain came back to a URL it had already visited."),
    _f("http.redirect.outcome", "str", "The Observatory's redirection outcome."),
    # HTTPS
    _f("http.https.reachable", "bool", "The HTTPS root answered."),
    _f("http.https.status", "int", "Final status of the HTTPS root after same-host redirects."),
    _f("http.https.certificate_valid", "bool", "The HTTPS chain passed certificate verification."),
    _f("http.https.http_version", "str", "HTTP version of the final HTTPS response (HTTP/1.1, HTTP/2)."),
    _f("http.https.final_url", "str", "URL of the final HTTPS page."),
    _f("http.https.chain", "list", "Each hop of the HTTPS chain: url, status, location."),
    _f("http.errors", "list", "Requests that got no usable answer: url and reason (bounded)."),
    # Headers
    _f("http.headers.*", "str", "A response header of the final page (lower-case name; repeats joined with ', ')."),
    _f("http.hsts.present", "bool", "Strict-Transport-Security is sent over HTTPS."),
    _f("http.hsts.max_age_seconds", "int", "HSTS max-age in seconds (RFC 6797 parsing)."),
    _f("http.hsts.include_subdomains", "bool", "HSTS has includeSubDomains."),
    _f("http.hsts.preload", "bool", "HSTS has the preload directive."),
    _f("http.hsts.effective", "bool", "HSTS is sent with max-age > 0 over HTTPS with a valid certificate (RFC 6797 8.1)."),
    _f("http.hsts.preloaded", "bool", "The host is on the configured HSTS preload list."),
    _f("http.hsts.outcome", "str", "The Observatory's HSTS outcome."),
    _f("http.server", "str", "The Server header, if any."),
    _f("http.server_version_disclosed", "bool", "Server, X-Powered-By (or similar) or a generator meta tag gives a version."),
    _f("http.disclosure.items", "list", "Software named by headers or the generator meta tag: source, product, version."),
    _f("http.disclosure.generator", "str", "The page's <meta name=generator> content (CMS), if any."),
    _f("http.csp.present", "bool", "A Content-Security-Policy is enforced (header or meta)."),
    _f("http.csp.source", "str", "Where the policy comes from: header, meta or header+meta."),
    _f("http.csp.report_only", "bool", "Content-Security-Policy-Report-Only is sent."),
    _f("http.csp.outcome", "str", "The Observatory's CSP outcome."),
    _f("http.csp.failing", "list", "Each failing directive: {directive, problem}."),
    _f("http.csp.directives", "list", "Names of the directives in the effective policy."),
    _f("http.csp.unsafe_inline", "bool", "script-src/object-src allow inline script, data: or a broad source."),
    _f("http.csp.unsafe_eval", "bool", "'unsafe-eval' is allowed."),
    _f("http.csp.default_src_none", "bool", "default-src is exactly 'none'."),
    _f("http.csp.frame_ancestors", "bool", "frame-ancestors (header) restricts framing."),
    _f("http.csp.form_action_restricted", "bool", "form-action is set and not broad."),
    _f("http.csp.object_src_restricted", "bool", "object-src (or default-src) is set and not broad."),
    _f("http.csp.insecure_scheme", "bool", "http: or ftp: sources are allowed on an HTTPS site."),
    _f("http.cookies.count", "int", "Cookies set by the final page's session."),
    _f("http.cookies.names", "list", "Names of those cookies."),
    _f("http.cookies.details", "list", "Each cookie: name, domain, path, secure, http_only, same_site, session, anticsrf."),
    _f("http.cookies.insecure", "list", "Names of cookies without Secure."),
    _f("http.cookies.insecure_count", "int", "How many cookies lack Secure."),
    _f("http.cookies.without_httponly", "list", "Session cookies without HttpOnly."),
    _f("http.cookies.without_samesite", "list", "Cookies without a valid SameSite."),
    _f("http.cookies.invalid_samesite", "list", "Cookies with an invalid SameSite value, or SameSite=None without Secure."),
    _f("http.cookies.session", "list", "Cookies taken as session identifiers (name has 'login' or 'sess')."),
    _f("http.cookies.anticsrf", "list", "Cookies taken as anti-CSRF tokens (name has 'csrf')."),
    _f("http.cookies.prefixed", "list", "Cookies using the __Host- or __Secure- prefix."),
    _f("http.cookies.outcome", "str", "The Observatory's cookies outcome."),
    _f("http.cors.allow_origin", "str", "Access-Control-Allow-Origin of the preflight answer."),
    _f("http.cors.allow_credentials", "bool", "Access-Control-Allow-Credentials: true."),
    _f("http.cors.universal_with_credentials", "bool", "Any Origin is reflected with credentials allowed."),
    _f("http.cors.outcome", "str", "The Observatory's CORS outcome."),
    _f("http.referrer_policy.value", "str", "Effective Referrer-Policy (header, then meta)."),
    _f("http.referrer_policy.outcome", "str", "The Observatory's Referrer-Policy outcome."),
    _f("http.x_frame_options.outcome", "str", "The Observatory's X-Frame-Options outcome."),
    _f("http.x_content_type_options.outcome", "str", "The Observatory's X-Content-Type-Options outcome."),
    _f("http.corp.outcome", "str", "The Observatory's Cross-Origin-Resource-Policy outcome."),
    _f("http.permissions_policy.present", "bool", "Permissions-Policy is sent."),
    _f("http.coop.value", "str", "Cross-Origin-Opener-Policy, if sent."),
    _f("http.coep.value", "str", "Cross-Origin-Embedder-Policy, if sent."),
    _f("http.sri.outcome", "str", "The Observatory's subresource-integrity outcome."),
    _f("http.sri.script_count", "int", "Script elements on the final page."),
    _f("http.sri.external_scripts", "list", "Scripts from other sites: src, integrity, secure."),
    _f("http.sri.external_without_integrity", "list", "src of external scripts without integrity."),
    _f("http.mixed_content.present", "bool", "An HTTPS page loads something over http://."),
    _f("http.mixed_content.active", "list", "Scripts, styles, frames, objects loaded over http://."),
    _f("http.mixed_content.passive", "list", "Images, audio, video loaded over http://."),
    _f("http.html.is_html", "bool", "The final page is HTML (Content-Type text/html or application/xhtml+xml)."),
    _f("http.html.size_bytes", "int", "Bytes of the final page read (capped)."),
    _f("http.html.truncated", "bool", "The page was longer than the cap, or its body did not complete."),
    _f("http.html.invalid_utf8", "bool", "The page is not valid UTF-8 (decoded with replacement)."),
    _f("http.html.excerpt", "str", "The first 4096 characters of the final page (hostile text: escape it)."),
    _f("http.owasp.headers", "object", "Per recommended header: status (recommended, differs, missing), observed, recommended."),
    _f("http.owasp.missing", "list", "OWASP-recommended headers not sent."),
    _f("http.owasp.differs", "list", "OWASP-recommended headers sent with another value."),
    _f("http.owasp.present_to_remove", "list", "Headers OWASP says to remove that are sent."),
    _f("http.observatory.score", "int", "MDN HTTP Observatory score (algorithm version 4)."),
    _f("http.observatory.grade", "str", "MDN HTTP Observatory grade (A+ to F)."),
    _f("http.observatory.uncurved_score", "int", "The score counting penalties only."),
    _f("http.observatory.modifiers", "list", "Each test's outcome: test, key, modifier, reason {vi, en}."),
    _f("http.observatory.algorithm_version", "int", "The Observatory algorithm reproduced."),
    _f("http.observatory.error", "str", "Why no score: the Observatory refuses pages with this status."),
    _f("http.observatory.partial", "str", "Why the score may differ from the Observatory's (a redirect we did not follow)."),
)
