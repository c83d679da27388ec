"""How a response proves an exposure: a closed set of checks over one page, and soft-404 detection.

Every check needs positive content evidence (a git ref, `KEY=value` lines, archive magic bytes, an
"Index of" page...), never just a 200: many sites answer 200 to everything (a "soft 404"), and a
finding must survive that. The soft-404 baseline is what the site returns for a random path; a
page that looks like it proves nothing. All functions are pure.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass

from audit.phrases import said


@dataclass(frozen=True)
class Page:
    """One response, as the checks see it."""

    path: str
    status: int
    headers: dict[str, str]
    """Lower-case names."""
    body: bytes

    @property
    def text(self) -> str:
        """The body as text (UTF-8, undecodable bytes replaced)."""
        return self.body.decode("utf-8", errors="replace")

    @property
    def content_type(self) -> str:
        """The media type, lower case, without parameters."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def body_is_html(self) -> bool:
        """Whether the body itself starts like an HTML document."""
        return self.text[:512].lstrip().lower().startswith(("<!doctype html", "<html"))

    @property
    def is_html(self) -> bool:
        """Whether the page is HTML by its Content-Type or its body."""
        return "html" in self.content_type or self.body_is_html


_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.I | re.S)
_PASSWORD_FIELD = re.compile(r"<input[^>]+type\s*=\s*[\"']?password", re.I)


def _fingerprint(page: Page) -> str:
    """A hash of the body with the requested path removed (soft-404 pages often echo it)."""
    body = page.body.replace(page.path.encode("utf-8", "replace"), b"")
    body = re.sub(rb"\s+", b" ", body)
    return hashlib.sha256(body).hexdigest()


@dataclass(frozen=True)
class Baseline:
    """What the site answers for a path that cannot exist."""

    status: int
    length: int
    title: bytes
    fingerprint: str
    password_field: bool = False
    location: str = ""
    """Where the not-found answer redirects, if it is a redirect (soft 404 by redirect)."""

    @classmethod
    def of(cls, page: Page) -> Baseline:
        """The baseline from the response to a random path."""
        title = _TITLE.search(page.body)
        return cls(page.status, len(page.body), title.group(1).strip() if title else b"", _fingerprint(page),
                   bool(_PASSWORD_FIELD.search(page.text)), page.headers.get("location", ""))

    @property
    def soft_404(self) -> bool:
        """Whether the site answers 2xx to a path that cannot exist."""
        return 200 <= self.status < 300

    def resembles(self, page: Page) -> bool:
        """Whether `page` looks like the not-found page (same status, same body or title and size)."""
        if page.status != self.status:
            return False
        if _fingerprint(page) == self.fingerprint:
            return True
        title = _TITLE.search(page.body)
        same_title = bool(self.title) and bool(title) and title.group(1).strip() == self.title  # type: ignore[union-attr]
        return same_title and abs(len(page.body) - self.length) <= max(64, self.length // 10)


Check = Callable[[Page, Baseline | None], str | None]
"""A check returns the evidence (a short excerpt) when the page proves the exposure, else None."""


def _ok(page: Page) -> bool:
    return page.status == 200 and bool(page.body)


def _excerpt(text: str, limit: int = 80) -> str:
    return " ".join(text.split())[:limit]


def check_git_head(page: Page, baseline: Baseline | None) -> str | None:
    """`.git/HEAD` holds `ref: refs/heads/<branch>` or a 40-hex commit id (git's repository layout)."""
    if not _ok(page):
        return None
    match = re.match(r"\s*(ref: refs/[\w./-]+|[0-9a-f]{40})\s*$", page.text)
    return match.group(1) if match else None


def check_git_config(page: Page, baseline: Baseline | None) -> str | None:
    """`.git/config` is an INI file with a `[core]` section."""
    if not _ok(page) or page.is_html:
        return None
    return said("probe.exposure.evidence.git_core") if re.search(r"^\s*\[core\]", page.text, re.M) else None


_ENV_LINE = re.compile(r"^\s*(?:export\s+)?([A-Z][A-Z0-9_]{2,})\s*=", re.M)
_PHP_DEFINE = re.compile(r"define\(\s*['\"](DB_PASSWORD|DB_USER|AUTH_KEY|DB_NAME)['\"]")


def check_env(page: Page, baseline: Baseline | None) -> str | None:
    """A dotenv file (`KEY=value` lines) or a PHP config copy (`define('DB_PASSWORD', ...)`); names only."""
    if not _ok(page) or page.is_html:
        return None
    keys = _ENV_LINE.findall(page.text) or _PHP_DEFINE.findall(page.text)
    # Only variable names go into the evidence, never their values (they are secrets).
    return said("probe.exposure.evidence.variables", names=", ".join(sorted(set(keys))[:5])) if keys else None


def check_htpasswd(page: Page, baseline: Baseline | None) -> str | None:
    """`user:hash` lines with an Apache hash ($apr1$, {SHA}, bcrypt $2y$)."""
    if not _ok(page) or page.is_html:
        return None
    match = re.search(r"^[^:\s]+:(\$apr1\$|\{SHA\}|\$2[aby]\$|\$[156]\$)", page.text, re.M)
    return said("probe.exposure.evidence.password_hashes", kind=match.group(1)) if match else None


_LISTING = re.compile(
    r"<title>\s*(?:Index of|Directory listing for) /[^<]{0,60}|<h1>\s*Index of /[^<]{0,60}|\[To Parent Directory\]", re.I
)


def check_listing(page: Page, baseline: Baseline | None) -> str | None:
    """An autoindex page (Apache, nginx, IIS, Python's http.server) with links."""
    if not _ok(page):
        return None
    match = _LISTING.search(page.text)
    return _excerpt(re.sub(r"<[^>]+>", "", match.group(0))) if match and "<a " in page.text.lower() else None


def check_server_status(page: Page, baseline: Baseline | None) -> str | None:
    """Apache's mod_status page, or nginx's stub_status counters."""
    if not _ok(page):
        return None
    text = page.text
    if "Apache Server Status" in text or ("Server Version:" in text and "Total accesses" in text):
        return "Apache Server Status"
    if re.match(r"\s*Active connections:\s*\d+", text) and "server accepts handled requests" in text:
        return "nginx stub_status"
    return None


def check_phpinfo(page: Page, baseline: Baseline | None) -> str | None:
    """The output of PHP's phpinfo()."""
    if not _ok(page):
        return None
    match = re.search(r"<title>\s*(PHP [\d.]+ - phpinfo\(\)|phpinfo\(\))", page.text)
    return match.group(1) if match else None


_MAGIC = {b"PK\x03\x04": "zip", b"\x1f\x8b": "gzip", b"BZh": "bzip2", b"7z\xbc\xaf\x27\x1c": "7z", b"Rar!": "rar"}


def check_archive(page: Page, baseline: Baseline | None) -> str | None:
    """An archive, recognised by its magic bytes (not by the file name or Content-Type)."""
    if not _ok(page):
        return None
    for magic, kind in _MAGIC.items():
        if page.body.startswith(magic):
            return said("probe.exposure.evidence.archive", kind=kind, n=len(page.body))
    if page.body[257:262] == b"ustar":
        return said("probe.exposure.evidence.tar")
    return None


def check_sql_dump(page: Page, baseline: Baseline | None) -> str | None:
    """A SQL dump: mysqldump or pg_dump headers, or CREATE TABLE / INSERT INTO statements."""
    if not _ok(page) or page.is_html:
        return None
    match = re.search(r"-- MySQL dump|-- PostgreSQL database dump|CREATE TABLE|INSERT INTO", page.text, re.I)
    return match.group(0) if match else None


def check_json_config(page: Page, baseline: Baseline | None) -> str | None:
    """Spring Boot Actuator's /env JSON (`propertySources`, `activeProfiles`)."""
    if not _ok(page) or page.is_html:
        return None
    return "Actuator env" if '"propertySources"' in page.text or '"activeProfiles"' in page.text else None


def login_evidence(page: Page, baseline: Baseline | None, markers: tuple[str, ...]) -> str | None:
    """An admin interface answers: HTTP auth (401), or a login page (a product marker or a password field).

    A 403 is a refusal (the path is protected) and proves nothing; a page like the soft-404 page
    proves nothing either.
    """
    if page.status == 401:
        realm = page.headers.get("www-authenticate", "")
        return _excerpt(f"HTTP 401 {realm}")
    if page.status != 200 or (baseline is not None and baseline.resembles(page)):
        return None
    text = page.text
    for marker in markers:
        if marker.lower() in text.lower():
            return said("probe.exposure.evidence.marker", marker=marker)
    # A password field counts only if the not-found page has none (news sites often show a reader
    # login box on every page).
    if _PASSWORD_FIELD.search(text) and not (baseline is not None and baseline.soft_404 and baseline.password_field):
        return said("probe.exposure.evidence.password_field")
    return None


CHECKS: dict[str, Check] = {
    "git_head": check_git_head,
    "git_config": check_git_config,
    "env": check_env,
    "htpasswd": check_htpasswd,
    "listing": check_listing,
    "server_status": check_server_status,
    "phpinfo": check_phpinfo,
    "archive": check_archive,
    "sql_dump": check_sql_dump,
    "json_config": check_json_config,
}
"""Content checks by name; `login` is separate because it takes the entry's markers."""
CHECK_NAMES = frozenset(CHECKS) | {"login"}


_STACK_TRACES = (
    ("python", re.compile(r"Traceback \(most recent call last\)")),
    ("php", re.compile(r"<b>(?:Fatal error|Parse error|Warning)</b>:|PHP (?:Fatal error|Warning):|Stack trace:\s*#0")),
    ("java", re.compile(r"\bat (?:java|javax|org\.springframework|org\.apache)\.[\w.$]+\(\w+\.java:\d+\)|Exception in thread \"")),
    ("dotnet", re.compile(r"Server Error in '/' Application|\[\w*Exception: .*\]\s+System\.|ASP\.NET is configured to show verbose error")),
    ("django", re.compile(r"You're seeing this error because you have <code>DEBUG = True</code>")),
    ("laravel", re.compile(r"Whoops! There was an error|Illuminate\\[A-Za-z\\]+Exception")),
    ("sql", re.compile(r"SQLSTATE\[\w+\]|You have an error in your SQL syntax|ORA-\d{5}:")),
)
_ERROR_PAGE_VERSION = re.compile(
    r"<center>(nginx/[\d.]+)</center>|<address>(Apache/[\d.]+[^<]*) Server at|(Microsoft-IIS/[\d.]+)|(Apache Tomcat/[\d.]+)"
)


def stack_trace(page: Page) -> str | None:
    """The kind of a stack trace or verbose error shown in a page ('php', 'java'...), or None."""
    if page.status < 400 and page.status != 200:
        return None
    text = page.text
    for kind, pattern in _STACK_TRACES:
        if pattern.search(text):
            return kind
    return None


def error_page_version(page: Page) -> str | None:
    """A server version printed in a default error page (nginx's `<center>nginx/1.18.0</center>`)."""
    if page.status < 400:
        return None
    match = _ERROR_PAGE_VERSION.search(page.text)
    return next((g for g in match.groups() if g), None) if match else None
