"""From fetched responses to facts: redirects, headers, CSP, cookies, SRI, disclosure, the score.

Pure functions over what `http_fetch` received (no I/O but reading an optional preload-list file):
`View` holds what the MDN HTTP Observatory's retriever would hold for the site, and `analyse`
turns it into flat facts, with the Observatory's outcome for each of its ten tests and the score.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from audit.models import Target
from audit.phrases import said
from probes.http import observatory as obs
from probes.http.blocking import block_reason
from probes.http.cookies import CookieJar, analyse_cookies
from probes.http.csp import analyse_csp
from probes.http.disclosure import disclosures
from probes.http.domain import registrable_domain, within
from probes.http.fetch import CORS_ORIGIN, Chain, Response
from probes.http.forms import form_facts
from probes.http.html import HTML_TYPES, Page, analyse_sri, parse_page
from probes.http.owasp import owasp_check

MAX_HEADER_FACTS = 100
MAX_VALUE_CHARS = 4096
"""Header values are hostile text: stored capped (and reports must escape them)."""
_HEADER_FACT_NAME = re.compile(r"^[a-z0-9_\-]{1,100}$")


def parse_hsts(value: str | None) -> dict[str, Any]:
    """Parse a Strict-Transport-Security value by RFC 6797 section 6.1 into `http.hsts.*` facts.

    This is the standard's reading (quoted max-age allowed); the Observatory's stricter reading
    decides `http.hsts.outcome`.
    """
    if value is None:
        return {"http.hsts.present": False}
    facts: dict[str, Any] = {"http.hsts.present": True, "http.hsts.include_subdomains": False,
                             "http.hsts.preload": False}
    for directive in value.split(";"):
        name, _, arg = directive.strip().partition("=")
        name = name.strip().lower()
        if name == "max-age":
            arg = arg.strip().strip('"')
            if arg.isdigit():
                facts["http.hsts.max_age_seconds"] = int(arg)
        elif name == "includesubdomains":
            facts["http.hsts.include_subdomains"] = True
        elif name == "preload":
            facts["http.hsts.preload"] = True
    return facts


@dataclass
class View:
    """What the Observatory's retriever would hold for this site."""

    http: Chain | None
    https: Chain | None
    auto: Chain | None
    cors: Response | None


def _hops(chain: Chain) -> list[dict[str, Any]]:
    return [{"url": h.url[:2048], "status": h.status, "location": h.location[:2048]} for h in chain.hops]


def error_facts(*chains: Chain | None) -> dict[str, Any]:
    errors = [{"url": c.final_url[:2048], "reason": c.error} for c in chains if c is not None and c.error]
    return {"http.errors": errors} if errors else {}


CONTENT_FACTS = (
    "http.headers", "http.hsts", "http.csp", "http.cookies", "http.cors", "http.referrer_policy", "http.sri",
    "http.mixed_content", "http.x_content_type_options", "http.x_frame_options", "http.corp",
    "http.permissions_policy", "http.coop", "http.coep", "http.owasp", "http.disclosure",
    "http.server_version_disclosed", "http.server", "http.observatory", "http.html", "http.forms",
)
"""Facts read from the page a visitor lands on: unmeasured when that page is a block or a throttle."""
TRANSPORT_FACTS = ("http.redirect", "http.plain.status", "http.plain.served_without_redirect")
"""Facts read from the plain-HTTP chain: unmeasured when a hop of it is a block or a throttle."""


def blocked_facts(http: Chain | None, https: Chain | None, auto: Chain | None) -> dict[str, str]:
    """Fact prefixes that block, challenge or rate-limit answers leave unmeasured, with the reason.

    The reason reads "blocked (...)" or "rate limited (...)" and names the URL; evaluation turns
    every row that reads these facts into `error` (STYLE: a 429 or a block page is no evidence).
    """
    out: dict[str, str] = {}

    def reason(chain: Chain | None) -> str | None:
        final = chain.final if chain is not None else None
        why = block_reason(final.status, final.headers, final.body) if final is not None else None
        return said("probe.http.at_url", reason=why, url=final.url[:200]) if why and final is not None else None

    page = reason(https if https is not None and https.hops else auto)
    if page:
        out.update({prefix: page for prefix in CONTENT_FACTS})
    plain = reason(http)
    if plain:
        out.update({prefix: plain for prefix in TRANSPORT_FACTS})
    if http is not None and not http.hops and http.timed_out:
        # A filtered port (no answer, no refusal) says nothing about plain HTTP: not "not applicable".
        out.update({prefix: said("probe.http.no_answer", reason=http.error)
                    for prefix in (*TRANSPORT_FACTS, "http.plain.reachable")})
    return out


BODY_FACTS = ("http.mixed_content", "http.sri", "http.forms")
"""Facts read from the page body: partial when the body was cut short (size cap, stall, bad encoding)."""


def unread_facts(view: View, chains: tuple[Chain | None, ...], facts: dict[str, Any],
                 already: dict[str, str]) -> dict[str, str]:
    """Prefixes that answers we could not read leave unmeasured (STYLE: unreadable is error, never fail).

    No usable landing page (a header bomb, a 1 MiB Set-Cookie, a malformed answer) leaves every
    content fact unmeasured; a body cut short leaves the body facts unmeasured unless they already
    prove a finding (mixed content seen in the part that was read stays proven).
    """
    out: dict[str, str] = {}
    if view.auto is None:
        errors = [c.error for c in chains if c is not None and c.error]
        if errors:
            unread = said("probe.http.unreadable", reason=errors[0] if len(errors[0]) <= 200 else errors[0][:200])
            out.update({p: unread for p in CONTENT_FACTS if p not in already})
        return out
    final = view.auto.final
    if final is not None and (final.body_truncated or final.body_error):
        why = final.body_error or said("probe.http.body_capped")
        if facts.get("http.mixed_content.present") is not True:
            out["http.mixed_content"] = said("probe.http.partial_body", reason=why)
        if not facts.get("http.sri.external_without_integrity"):
            out["http.sri"] = said("probe.http.partial_body", reason=why)
        if not facts.get("http.forms.insecure_targets") and facts.get("http.forms.password_over_http") is not True:
            out["http.forms"] = said("probe.http.partial_body", reason=why)
    return out


def plain_facts(target: Target, chain: Chain | None) -> dict[str, Any]:
    if chain is None or not chain.hops:
        return {"http.plain.reachable": False}
    first = chain.hops[0]
    next_url = httpx.URL(first.url).join(first.location) if first.is_redirect else None
    final = httpx.URL(chain.final_url) if chain.final_url else None
    host = target.host.lower().strip("[]")
    redirects = len(chain.hops) - 1 + (1 if chain.next_url else 0)
    # Ending on HTTPS counts only within the outlet's presence (apex -> www is the outlet's own site)
    # and only if no HTTPS hop sent the visitor back to plain HTTP on the way.
    to_https = bool(final and final.scheme == "https" and within(final.host, target.presence)) and not downgrades(chain)
    return {
        "http.plain.reachable": True,
        "http.plain.status": first.status,
        "http.plain.served_without_redirect": 200 <= first.status < 300,
        "http.redirect.to_https": to_https,
        "http.redirect.downgrade": bool(downgrades(chain)),
        "http.redirect.final_https": bool(final and final.scheme == "https"),
        "http.redirect.same_host_first": bool(next_url and next_url.scheme == "https" and next_url.host == host),
        "http.redirect.chain": _hops(chain),
        "http.redirect.chain_length": redirects,
        "http.redirect.final_url": chain.final_url[:2048],
        "http.redirect.off_host": chain.stop == "off_host",
        "http.redirect.stop": chain.stop,
        "http.redirect.loop": chain.loop,
    }


def downgrades(chain: Chain) -> list[str]:
    """URLs of HTTPS hops that redirected to plain HTTP (transport must hold on every hop)."""
    found = []
    urls = [h.url for h in chain.hops] + ([chain.next_url] if chain.next_url else [])
    for here, there in zip(urls, urls[1:]):
        if here.startswith("https://") and there.startswith("http://"):
            found.append(here[:2048])
    return found


def https_facts(chain: Chain | None) -> dict[str, Any]:
    if chain is None or not chain.hops:
        return {"http.https.reachable": False}
    last = chain.hops[-1]
    secure_hops = [h for h in chain.hops if h.url.startswith("https://")]
    return {
        "http.https.reachable": True,
        "http.https.every_hop_https": not downgrades(chain),
        "http.https.landing_host": httpx.URL(last.url).host[:253],
        "http.hsts.missing_on": [h.url[:2048] for h in secure_hops
                                 if h.header("strict-transport-security") is None][:20],
        "http.https.status": last.status,
        "http.https.certificate_valid": chain.verified,
        "http.https.http_version": last.http_version,
        "http.https.final_url": last.url[:2048],
        "http.https.chain": _hops(chain),
    }


def preload_checker(settings: Any) -> Callable[[str], bool]:
    """A test of "is this host on the HSTS preload list", from a list named in the settings.

    The list is a JSON file in the Observatory's format (`conf/hsts-preload.json`: host ->
    {mode, includeSubDomains}); a host matches itself, or a parent with includeSubDomains
    (src/analyzer/hsts.js). Without a list, or with an unreadable one, nothing is preloaded.
    """
    path = settings.get("http_hsts_preload_file") if hasattr(settings, "get") else None
    table: dict[str, Any] = {}
    if path:
        try:
            with open(path, encoding="utf-8") as handle:
                loaded = json.load(handle)
            table = loaded if isinstance(loaded, dict) else {}
        except (OSError, ValueError):
            table = {}

    def is_preloaded(host: str) -> bool:
        entry = table.get(host)
        if isinstance(entry, dict) and entry.get("mode") == "force-https":
            return True
        labels = host.split(".")
        for i in range(1, len(labels)):
            entry = table.get(".".join(labels[i:]))
            if isinstance(entry, dict) and entry.get("mode") == "force-https" and entry.get("includeSubDomains"):
                return True
        return False

    return is_preloaded


def _decode(body: bytes) -> tuple[str, bool]:
    """UTF-8 with replacement, as axios decodes (and strips a byte-order mark)."""
    try:
        text, invalid = body.decode("utf-8"), False
    except UnicodeDecodeError:
        text, invalid = body.decode("utf-8", "replace"), True
    return text.removeprefix("\ufeff"), invalid


@dataclass
class FinalPage:
    """The final page as the tests read it: response, headers, parsed HTML, session scheme."""

    response: Response
    headers: dict[str, str]
    html: Page | None
    """Parsed when the Content-Type is HTML; the meta tags count only for a non-empty body."""
    text: str
    session_https: bool
    """Whether the session started on HTTPS (the Observatory's `session.url.protocol`)."""

    @property
    def meta(self) -> Page | None:
        """The parsed page when its meta tags count (HTML with a non-empty body, retriever.js)."""
        return self.html if self.html is not None and self.text else None


def analyse(target: Target, view: View, is_preloaded: Callable[[str], bool]) -> dict[str, Any]:
    """Every analysis of the final page, each Observatory outcome, and the score."""
    if view.auto is None or view.auto.final is None:
        return {}
    auto = view.auto.final
    headers = auto.headers
    mime = (headers.get("content-type") or "").split(";")[0]  # compared exactly, as the Observatory does
    text, invalid_utf8 = _decode(auto.body)
    page = FinalPage(auto, headers, parse_page(text) if mime in HTML_TYPES else None, text,
                 httpx.URL(view.auto.start_url).scheme == "https")
    facts: dict[str, Any] = {
        "http.html.is_html": page.html is not None, "http.html.size_bytes": len(auto.body),
        "http.html.truncated": auto.body_truncated or bool(auto.body_error), "http.html.invalid_utf8": invalid_utf8,
        "http.html.excerpt": text[:MAX_VALUE_CHARS],
    }
    facts.update(_header_facts(headers))
    keys: dict[str, str] = {}
    csp_directives = _csp(page, keys, facts)
    _hsts(target, view, is_preloaded(target.host), keys, facts)
    _cookies(view, auto, keys, facts)
    _cors(view, keys, facts)
    _redirection(view, is_preloaded, keys, facts)
    _referrer(page, keys, facts)
    _sri(target, page, keys, facts)
    plain_url, plain_page = _plain_page(view.http)
    facts.update(form_facts(page.response.url, page.html, plain_url, plain_page))
    _other_headers(headers, csp_directives, keys, facts)
    _disclosure(page, facts)
    _score(view, auto, keys, facts)
    return facts


def _plain_page(chain: Chain | None) -> tuple[str | None, Page | None]:
    """The page plain HTTP serves itself (its first answer a 2xx HTML page), parsed; else (None, None)."""
    first = chain.hops[0] if chain is not None and chain.hops else None
    if first is None or not 200 <= first.status < 300:
        return None, None
    if (first.headers.get("content-type") or "").split(";")[0] not in HTML_TYPES:
        return None, None
    return first.url, parse_page(_decode(first.body)[0])


def _header_facts(headers: dict[str, str]) -> dict[str, Any]:
    """`http.headers.<name>` for well-formed names, capped in number and length."""
    names = [n for n in headers if _HEADER_FACT_NAME.match(n)][:MAX_HEADER_FACTS]
    return {f"http.headers.{n}": headers[n][:MAX_VALUE_CHARS] for n in names}


def _csp(page: FinalPage, keys: dict[str, str], facts: dict[str, Any]) -> set[str]:
    """CSP from header and meta (csp.js); returns the directives, which X-Frame-Options reads."""
    headers = page.headers
    csp = analyse_csp(headers.get("content-security-policy"), page.meta.csp_meta if page.meta else [],
                      headers.get("content-security-policy-report-only"), page.session_https)
    keys["content-security-policy"] = csp.outcome
    facts.update({
        "http.csp.present": csp.present, "http.csp.outcome": csp.outcome,
        "http.csp.report_only": bool(headers.get("content-security-policy-report-only")),
        "http.csp.failing": csp.failing[:50], "http.csp.directives": sorted(csp.directives)[:50],
        "http.csp.unsafe_inline": bool(csp.flags.get("unsafe_inline")),
        "http.csp.unsafe_eval": bool(csp.flags.get("unsafe_eval")),
        "http.csp.default_src_none": bool(csp.flags.get("default_none")),
        "http.csp.frame_ancestors": bool(csp.flags.get("anti_clickjacking")),
        "http.csp.form_action_restricted": csp.present and not csp.flags.get("insecure_form_action", True),
        "http.csp.object_src_restricted": csp.present and not csp.flags.get("unsafe_objects", True),
        "http.csp.insecure_scheme": bool(csp.flags.get("insecure_scheme_active") or csp.flags.get("insecure_scheme_passive")),
    })
    if csp.source:
        facts["http.csp.source"] = csp.source
    return set(csp.directives)


def _hsts(target: Target, view: View, preloaded: bool, keys: dict[str, str], facts: dict[str, Any]) -> None:
    """HSTS counts only over HTTPS with a valid certificate (RFC 6797 8.1; strict-transport-security.js)."""
    final = view.https.final if view.https else None
    verified = view.https.verified if view.https else False
    header = final.header("strict-transport-security") if final else None
    keys["strict-transport-security"], _ = obs.hsts_outcome(header, final is not None, verified, preloaded)
    # RFC 6797 6.1: a browser processes only the first header; the Observatory sees them joined.
    first = next(iter(final.header_list("strict-transport-security")), None) if final else None
    hsts = parse_hsts(first) if target.scheme == "https" else {"http.hsts.present": False}
    facts.update(hsts)
    facts["http.hsts.effective"] = bool(hsts.get("http.hsts.max_age_seconds")) and verified
    facts["http.hsts.preloaded"] = preloaded
    facts["http.hsts.outcome"] = keys["strict-transport-security"]


def _cookies(view: View, auto: Response, keys: dict[str, str], facts: dict[str, Any]) -> None:
    """The jar of the final page's session (every hop of it), graded as cookies.js does."""
    assert view.auto is not None
    jar = CookieJar()
    for hop in view.auto.hops:
        for header in hop.header_list("set-cookie"):
            jar.set_cookie(header, hop.url)
    result = analyse_cookies(jar, auto.header_list("set-cookie"), obs.hsts_passed(keys["strict-transport-security"]))
    keys["cookies"] = result.outcome
    cookies = result.cookies

    def names(selected: list[Any]) -> list[str]:
        return [c.name[:100] for c in selected][:100]

    facts.update({
        "http.cookies.outcome": result.outcome, "http.cookies.count": len(cookies), "http.cookies.names": names(cookies),
        "http.cookies.details": [
            {"name": c.name[:100], "domain": c.domain[:255], "path": c.path[:255], "secure": c.secure,
             "http_only": c.http_only, "same_site": c.same_site, "session": c.session, "anticsrf": c.anticsrf}
            for c in cookies[:100]],
        "http.cookies.insecure": names([c for c in cookies if not c.secure]),
        "http.cookies.insecure_count": sum(1 for c in cookies if not c.secure),
        "http.cookies.without_httponly": names([c for c in cookies if c.session and not c.http_only]),
        "http.cookies.without_samesite": names([c for c in cookies if not c.same_site]),
        "http.cookies.invalid_samesite": sorted(set(result.invalid_same_site) | set(
            names([c for c in cookies if c.same_site == "none" and not c.secure]))),
        "http.cookies.session": names([c for c in cookies if c.session]),
        "http.cookies.anticsrf": names([c for c in cookies if c.anticsrf]),
        "http.cookies.prefixed": names([c for c in cookies if c.name.startswith(("__Host-", "__Secure-"))]),
    })


def _cors(view: View, keys: dict[str, str], facts: dict[str, Any]) -> None:
    """CORS from the preflight answer (cors.js)."""
    acao = view.cors.header("access-control-allow-origin") if view.cors else None
    acac = view.cors.header("access-control-allow-credentials") if view.cors else None
    keys["cross-origin-resource-sharing"] = obs.cors_outcome(acao)
    facts["http.cors.outcome"] = keys["cross-origin-resource-sharing"]
    facts["http.cors.allow_credentials"] = (acac or "").strip().lower() == "true"
    facts["http.cors.universal_with_credentials"] = obs.universal_cors(acao, acac, CORS_ORIGIN)
    if acao is not None:
        facts["http.cors.allow_origin"] = acao[:256]


def _redirection(view: View, is_preloaded: Callable[[str], bool], keys: dict[str, str],
                 facts: dict[str, Any]) -> None:
    """redirection.js over the plain-HTTP route; an unfollowed off-host hop counts as its end."""
    route = None
    if view.http is not None:
        route = [h.url for h in view.http.hops] + ([view.http.next_url] if view.http.stop == "off_host" else [])
    keys["redirection"] = obs.redirection_outcome(route, view.http.verified if view.http else True, is_preloaded)
    facts["http.redirect.outcome"] = keys["redirection"]


def _referrer(page: FinalPage, keys: dict[str, str], facts: dict[str, Any]) -> None:
    """Referrer-Policy header, then <meta name=referrer> (referrer-policy.js)."""
    meta = page.meta.referrer_meta if page.meta else None
    keys["referrer-policy"], policy = obs.referrer_outcome(page.headers.get("referrer-policy"), meta)
    facts["http.referrer_policy.outcome"] = keys["referrer-policy"]
    if policy:
        facts["http.referrer_policy.value"] = policy


def _sri(target: Target, page: FinalPage, keys: dict[str, str], facts: dict[str, Any]) -> None:
    """Subresource integrity (subresource-integrity.js) and mixed content on an HTTPS page."""
    sri = analyse_sri(page.html, registrable_domain(target.host), page.session_https)
    keys["subresource-integrity"] = sri.outcome
    facts.update({"http.sri.outcome": sri.outcome, "http.sri.script_count": sri.script_count,
                  "http.sri.external_scripts": sri.external,
                  "http.sri.external_without_integrity": [s["src"] for s in sri.external if not s["integrity"]]})
    if page.html is not None:
        secure = page.response.url.startswith("https://")
        active = page.html.mixed_active if secure else []
        passive = page.html.mixed_passive if secure else []
        facts.update({"http.mixed_content.present": bool(active or passive),
                      "http.mixed_content.active": active, "http.mixed_content.passive": passive})


def _other_headers(headers: dict[str, str], csp_directives: set[str], keys: dict[str, str],
                   facts: dict[str, Any]) -> None:
    """X-Content-Type-Options, X-Frame-Options, CORP (graded); Permissions-Policy, COOP, COEP."""
    keys["x-content-type-options"] = obs.xcto_outcome(headers.get("x-content-type-options"))
    keys["x-frame-options"] = obs.xfo_outcome(headers.get("x-frame-options"), "frame-ancestors" in csp_directives)
    keys["cross-origin-resource-policy"] = obs.corp_outcome(headers.get("cross-origin-resource-policy"))
    facts["http.x_content_type_options.outcome"] = keys["x-content-type-options"]
    facts["http.x_frame_options.outcome"] = keys["x-frame-options"]
    facts["http.corp.outcome"] = keys["cross-origin-resource-policy"]
    facts["http.permissions_policy.present"] = bool(headers.get("permissions-policy"))
    for fact, name in (("http.coop.value", "cross-origin-opener-policy"), ("http.coep.value", "cross-origin-embedder-policy")):
        if headers.get(name):
            facts[fact] = headers[name][:256]
    for key, value in owasp_check(headers).items():
        facts[f"http.owasp.{key}"] = value


def _disclosure(page: FinalPage, facts: dict[str, Any]) -> None:
    """Software and versions named by headers or the generator meta tag."""
    generators = page.html.generator if page.html is not None else []
    items = disclosures(page.headers, generators)
    facts["http.disclosure.items"] = items[:50]
    facts["http.server_version_disclosed"] = any(i["version"] for i in items)
    if page.headers.get("server") is not None:
        facts["http.server"] = page.headers["server"][:MAX_VALUE_CHARS]
    if generators:
        facts["http.disclosure.generator"] = generators[0]


def _score(view: View, auto: Response, keys: dict[str, str], facts: dict[str, Any]) -> None:
    """The score, grade and every modifier; or why the Observatory would give none."""
    result = obs.compute_score([keys[t] for t in obs.TEST_ORDER])
    facts["http.observatory.algorithm_version"] = obs.ALGORITHM_VERSION
    facts["http.observatory.modifiers"] = [o.to_fact() for o in result.outcomes]
    if obs.allowed_status(auto.status):
        facts["http.observatory.score"] = result.score
        facts["http.observatory.grade"] = result.grade
        facts["http.observatory.uncurved_score"] = result.uncurved_score
    else:
        facts["http.observatory.error"] = (f"the final page answered {auto.status}; the Observatory scores only "
                                           "2xx, 3xx, 401 and 403")
    unfollowed = [c for c in (view.http, view.https) if c is not None and c.stop == "off_host"]
    if unfollowed:
        facts["http.observatory.partial"] = (
            f"a redirect to another host ({unfollowed[-1].next_url[:200]}) was recorded but not followed; "
            "the Observatory would follow it")
