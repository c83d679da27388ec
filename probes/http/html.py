"""What the final page's HTML says: meta policies, scripts, stylesheets, mixed content, forms, generator.

Parsed with the standard library's `html.parser`, which never raises on malformed markup, so a
hostile page is bounded by the fetcher's size cap alone. The Observatory parses with jsdom; the
parts it reads (meta http-equiv CSP and meta referrer in `src/retriever/utils.js`, script elements
in `src/analyzer/tests/subresource-integrity.js`) are reproduced here, including how jsdom's
`script.src` property reports a relative URL: unresolved, because its document URL is about:blank.
Mixed content follows the W3C Mixed Content spec's split into blockable (scripts, styles, frames)
and upgradeable (images, audio, video) requests.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
"""Content types the Observatory treats as HTML (`src/types.js` HTML_TYPES); compared exactly."""
MAX_LISTED = 50
"""Lists of URLs in facts stop here, so a page with thousands of scripts stays readable."""

_ACTIVE = {"script": "src", "iframe": "src", "frame": "src", "object": "data", "embed": "src"}
_PASSIVE = {"img": "src", "audio": "src", "video": "src", "source": "src", "track": "src"}
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):(.*)$", re.DOTALL)


@dataclass(frozen=True)
class Script:
    """A script element: its `src` as jsdom would report it, and its integrity attribute."""

    src: str | None
    integrity: str | None
    crossorigin: str | None


@dataclass(frozen=True)
class Form:
    """A form element: its action as written (None when absent), its method, whether it asks a password."""

    action: str | None
    method: str
    password: bool


@dataclass
class Page:
    """Facts drawn from one HTML document."""

    csp_meta: list[str] = field(default_factory=list)
    referrer_meta: str | None = None
    generator: list[str] = field(default_factory=list)
    scripts: list[Script] = field(default_factory=list)
    stylesheets: list[dict[str, str | None]] = field(default_factory=list)
    mixed_active: list[str] = field(default_factory=list)
    mixed_passive: list[str] = field(default_factory=list)
    base_href: str | None = None
    forms: list[Form] = field(default_factory=list)
    loose_passwords: int = 0
    """Password inputs outside any form (a script sends them; to where is not known from the markup)."""


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._raw: list[tuple[str, dict[str, str | None]]] = []
        self._form: dict[str, str | None] | None = None
        self._form_password = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        first: dict[str, str | None] = {}
        for name, value in attrs:  # HTML: the first of repeated attributes wins
            first.setdefault(name, value)
        if tag == "base" and self.page.base_href is None and first.get("href"):
            self.page.base_href = (first["href"] or "").strip()
        elif tag == "form" and self._form is None:  # HTML: forms do not nest; an inner start tag is ignored
            self._form, self._form_password = first, False
        elif tag == "input" and (first.get("type") or "").strip().lower() == "password":
            if self._form is not None:
                self._form_password = True
            else:
                self.page.loose_passwords += 1
        self._raw.append((tag, first))

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._close_form()

    def _close_form(self) -> None:
        if self._form is not None and len(self.page.forms) < MAX_LISTED:
            method = (self._form.get("method") or "get").strip().lower()
            self.page.forms.append(Form(self._form.get("action"), method, self._form_password))
        self._form = None

    def close(self) -> None:
        super().close()
        self._close_form()  # a form left open at the end of a (truncated) page still counts


def parse_page(text: str) -> Page:
    """Parse a (possibly truncated or malformed) HTML document into a `Page`."""
    parser = _PageParser()
    # html.parser is lenient by design and does not raise on malformed markup; should a version
    # still raise on a broken declaration, what was parsed so far is kept.
    with contextlib.suppress(AssertionError, ValueError):
        parser.feed(text)
    with contextlib.suppress(AssertionError, ValueError):
        parser.close()
    page = parser.page
    base = page.base_href if page.base_href and _SCHEME.match(page.base_href) else None
    for tag, attrs in parser._raw:
        if tag == "meta":
            _meta(page, attrs)
        elif tag == "script":
            raw = attrs.get("src")
            page.scripts.append(Script(_jsdom_url(raw, base), attrs.get("integrity"), attrs.get("crossorigin")))
        elif tag == "link" and "stylesheet" in (attrs.get("rel") or "").lower().split():
            page.stylesheets.append({"href": _jsdom_url(attrs.get("href"), base), "integrity": attrs.get("integrity")})
        _mixed(page, tag, attrs, base)
    return page


def _meta(page: Page, attrs: dict[str, str | None]) -> None:
    """retriever/utils.js parseHttpEquivHeaders, plus the generator meta tag."""
    if "http-equiv" in attrs and "content" in attrs:
        if attrs["content"] and (attrs["http-equiv"] or "").lower().strip() == "content-security-policy":
            page.csp_meta.append(attrs["content"])
        return
    name = (attrs.get("name") or "").lower().strip()
    if name == "referrer" and attrs.get("content"):
        page.referrer_meta = attrs["content"]
    elif name == "generator" and attrs.get("content"):
        page.generator.append((attrs["content"] or "")[:200])


def _jsdom_url(raw: str | None, base: str | None) -> str | None:
    """The value jsdom's URL-reflecting property returns for attribute value `raw`.

    Relative URLs cannot be resolved against about:blank, so jsdom returns them unchanged
    (HTML spec, reflecting USVString URL attributes), unless the page has a `<base href>`.
    """
    if raw is None:
        return None
    text = raw.strip(" \t\n\r\f")
    match = _SCHEME.match(text)
    if match:
        scheme, rest = match.group(1).lower(), match.group(2)
        if scheme in ("http", "https"):
            rest = rest.lstrip("/\\")
            host, sep, tail = rest.partition("/")
            return f"{scheme}://{host.lower()}{sep}{tail}" if sep else f"{scheme}://{host.lower()}/"
        return text
    if base and raw:
        return _join(base, text) or raw
    return raw


def _mixed(page: Page, tag: str, attrs: dict[str, str | None], base: str | None) -> None:
    """Record http:// subresources (W3C Mixed Content: blockable vs upgradeable)."""
    if tag == "link":
        rel = (attrs.get("rel") or "").lower().split()
        if not {"stylesheet", "preload", "modulepreload", "icon"} & set(rel):
            return
        url = attrs.get("href")
        target = page.mixed_active if ("stylesheet" in rel or "modulepreload" in rel) else page.mixed_passive
    elif tag in _ACTIVE:
        url, target = attrs.get(_ACTIVE[tag]), page.mixed_active
    elif tag in _PASSIVE:
        url, target = attrs.get(_PASSIVE[tag]), page.mixed_passive
    else:
        return
    resolved = _jsdom_url(url, base) if url else None
    if resolved and resolved.startswith("http://") and len(target) < MAX_LISTED:
        target.append(resolved[:500])


def form_target(action: str | None, page_url: str, base: str | None) -> str | None:
    """Where a form posts: its action resolved against `<base href>` or the page (None: not a web URL)."""
    text = (action or "").strip(" \t\n\r\f")
    resolved = _join(base or page_url, text) if text else page_url
    return resolved if resolved and resolved.lower().startswith(("http://", "https://")) else None


def _join(base: str, text: str) -> str | None:
    """`text` resolved against `base`; None when either is not a URL Python can read ("https://[bad/")."""
    try:
        return urljoin(base, text)
    except ValueError:
        return None


def _hostname(url: str) -> str | None:
    """The host of `url`; None when it has none or its authority cannot be read (a page's text is hostile)."""
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None


@dataclass
class SriResult:
    """The Observatory's subresource-integrity outcome and the scripts behind it."""

    outcome: str
    passed: bool
    external: list[dict[str, Any]] = field(default_factory=list)
    """Scripts from another site: src, integrity (None when missing), secure (scheme is https)."""
    script_count: int = 0


_SRI_SEVERITY = (
    "sri-implemented-and-all-scripts-loaded-securely",
    "sri-implemented-and-external-scripts-loaded-securely",
    "sri-implemented-but-external-scripts-not-loaded-securely",
    "sri-not-implemented-but-external-scripts-loaded-securely",
    "sri-not-implemented-and-external-scripts-not-loaded-securely",
    "sri-not-implemented-response-not-html",
)


def analyse_sri(page: Page | None, site_domain: str | None, session_https: bool) -> SriResult:
    """subresource-integrity.js: grade scripts by origin, scheme and integrity.

    `page` is None when the response is not HTML. `site_domain` is the registrable domain of
    the scanned host (None for an IP), `session_https` whether the scan session started on HTTPS.
    """
    from probes.http.domain import registrable_domain

    if page is None:
        return SriResult("sri-not-implemented-response-not-html", True)
    outcome: str | None = None
    foreign = False
    external: list[dict[str, Any]] = []

    def worse(new: str) -> None:
        nonlocal outcome
        if outcome is None or _SRI_SEVERITY.index(new) > _SRI_SEVERITY.index(outcome):
            outcome = new

    for script in page.scripts:
        if not script.src:
            continue
        src = script.src
        relative_protocol = bool(re.match(r"^//[^/]", src))
        full_url = bool(re.match(r"^https?://", src))
        relative_origin = not relative_protocol and not full_url
        same_site = relative_protocol or relative_origin or (
            _hostname(src) is not None and registrable_domain(_hostname(src)) == site_domain)
        secure_origin = relative_origin or (same_site and not relative_protocol)
        foreign = foreign or not secure_origin
        scheme = src.split(":", 1)[0] if full_url else None
        secure_scheme = scheme == "https" or (relative_origin and session_https)
        integrity = script.integrity
        if not secure_origin:
            if len(external) < MAX_LISTED:
                external.append({"src": src[:500], "integrity": integrity, "secure": secure_scheme})
            if integrity and not secure_scheme:
                worse("sri-implemented-but-external-scripts-not-loaded-securely")
            elif not integrity and secure_scheme:
                worse("sri-not-implemented-but-external-scripts-loaded-securely")
            elif not integrity:
                worse("sri-not-implemented-and-external-scripts-not-loaded-securely")
        elif integrity and secure_scheme and outcome is None:
            outcome = "sri-implemented-and-all-scripts-loaded-securely"  # a bonus even on the same origin
    if not page.scripts:
        outcome = "sri-not-implemented-but-no-scripts-loaded"
    elif outcome is None:
        outcome = ("sri-implemented-and-external-scripts-loaded-securely" if foreign
                   else "sri-not-implemented-but-all-scripts-loaded-from-secure-origin")
    passed = outcome in ("sri-implemented-and-all-scripts-loaded-securely",
                         "sri-implemented-and-external-scripts-loaded-securely",
                         "sri-not-implemented-response-not-html",
                         "sri-not-implemented-but-all-scripts-loaded-from-secure-origin",
                         "sri-not-implemented-but-no-scripts-loaded")
    return SriResult(outcome, passed, external, len(page.scripts))
