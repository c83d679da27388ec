"""Bounded HTTP fetching for the `http` probe: one GET, a redirect chain, a CORS preflight.

Why our own redirect following: the whole chain is evidence (does plain HTTP go to HTTPS on the same
host first? is every hop HTTPS?), and the scope guard forbids contacting a name we were not given:
redirects are followed within the outlet's web presence (`Target.presence`: `baomau.vn` to
`www.baomau.vn`), connecting where `--resolve` or the inventory says, and a redirect leaving it is
recorded and not followed. Everything a server sends is hostile input: bodies are
capped in size and time, oversized or malformed headers end the request with a recorded reason
(h11 refuses header blocks over 100 KiB and invalid header bytes), and nothing here raises except
`FetchError`.

Certificates are verified first, then, on a verification failure only, the chain is fetched again
without verification and marked `verified=False`: that is what the MDN HTTP Observatory's retriever
does (`src/retriever/session.js`, `Session.init`), and its HSTS and redirection tests depend on it.
"""

from __future__ import annotations

import asyncio
import functools
import os
import importlib.util
import ssl
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

from audit.domains import within
from audit.models import Target
from audit.phrases import said
from probes.netreason import exception_reason

MAX_REDIRECTS = 10
"""As the Observatory (`session.js` MAX_REDIRECTS): at most 10 redirects, so 11 responses."""
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
"""Statuses the Observatory follows (`session.js` REDIRECT_STATUS_CODES); 300 and 304 are final."""
MAX_BODY_BYTES = 2 * 1024 * 1024
"""The page is kept up to this size; the rest is not read (a never-ending body stops here)."""
USER_AGENT = "l3audit (level-3 security audit; +https://l3audit.invalid)"
"""By default every request says who sends it and where to read why (a contact URL), as a polite scanner does."""
BROWSER_USER_AGENT = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                      "Chrome/124.0 Safari/537.36 l3audit")
"""Presented only when the inventory allows it (`user_agent: browser`), for outlets whose bot filter
blocks the audit: the page a reader sees is then what gets judged."""


def user_agent_for(settings: object) -> str:
    """The User-Agent a probe sends, from the outlet's settings (`user_agent`: identify | browser)."""
    choice = settings.get("user_agent", "identify") if hasattr(settings, "get") else "identify"
    return BROWSER_USER_AGENT if choice == "browser" else USER_AGENT
ACCEPT_HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
CORS_ORIGIN = "https://http-observatory.security.mozilla.org"
"""The Origin the Observatory's preflight sends (`src/config.js` retriever.corsOrigin)."""

# Node's HTTP parser (lib/_http_incoming.js, matchKnownFields) keeps only the first of these when a
# response repeats them, keeps every Set-Cookie, and joins any other repeated header with ", ".
# The Observatory reads headers through Node, so we join the same way to see the same values
# (a repeated HSTS header becomes "a, b", which the Observatory calls invalid).
_NODE_FIRST_ONLY = frozenset({
    "content-type", "content-length", "user-agent", "referer", "host", "authorization",
    "proxy-authorization", "if-modified-since", "if-unmodified-since", "from", "location",
    "max-forwards", "retry-after", "etag", "last-modified", "server", "age", "expires",
})


class FetchError(Exception):
    """A request got no HTTP response (refused, reset, TLS failure, malformed response, timeout)."""

    def __init__(self, reason: str, *, cert_error: bool = False, timed_out: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.cert_error = cert_error
        self.timed_out = timed_out
        """No answer in time (a filtered port, a stalled server): unmeasured, never "not listening"."""


@dataclass(frozen=True)
class Response:
    """One HTTP response as received: status, raw header lines, and a capped body."""

    url: str
    status: int
    raw_headers: tuple[tuple[str, str], ...]
    """(lower-case name, value) in the order received, repeats kept."""
    body: bytes = b""
    body_truncated: bool = False
    body_error: str = ""
    http_version: str = ""
    method: str = "GET"

    @functools.cached_property
    def headers(self) -> dict[str, str]:
        """Headers as Node (and so the Observatory) sees them; Set-Cookie joined with ', ' here."""
        joined: dict[str, str] = {}
        for name, value in self.raw_headers:
            if name not in joined:
                joined[name] = value
            elif name not in _NODE_FIRST_ONLY:
                joined[name] = f"{joined[name]}, {value}"
        return joined

    def header(self, name: str) -> str | None:
        """The Node-joined value of header `name`, or None."""
        return self.headers.get(name.lower())

    def header_list(self, name: str) -> list[str]:
        """Every value of header `name`, one per header line (for Set-Cookie)."""
        name = name.lower()
        return [v for n, v in self.raw_headers if n == name]

    @property
    def location(self) -> str:
        """The Location header (first one only, as Node keeps)."""
        return self.header("location") or ""

    @property
    def is_redirect(self) -> bool:
        """Whether the Observatory would follow this response."""
        return self.status in REDIRECT_STATUSES and bool(self.location)


@dataclass
class Chain:
    """A redirect chain from `start_url`, with why it stopped."""

    start_url: str
    hops: list[Response] = field(default_factory=list)
    verified: bool = True
    """False when a certificate on the chain failed verification (then fetched without it)."""
    stop: str = "final"
    """'final', 'off_host', 'non_http_scheme', 'invalid_location', 'too_many_redirects', 'error'."""
    next_url: str = ""
    """Where the last redirect pointed, when it was not followed."""
    error: str = ""
    timed_out: bool = False
    """The request that ended the chain got no answer in time (a filtered port, not a closed one)."""
    loop: bool = False

    @property
    def final(self) -> Response | None:
        """The last response received, if any."""
        return self.hops[-1] if self.hops else None

    @property
    def final_url(self) -> str:
        """Where the chain ends: the unfollowed redirect target, or the last URL fetched."""
        if self.next_url:
            return self.next_url
        return self.hops[-1].url if self.hops else self.start_url


def verifying_context(ca_file: str | None) -> ssl.SSLContext:
    """The certificate-verifying TLS context for `ca_file` (or the system's CAs), built once per file version.

    Loading the system's CA store costs about 60 ms of CPU; a context per site made it a quarter of a
    fleet audit's CPU time. The context is only read once built (httpcore sets the same ALPN
    protocols on it for every connection), so every fetcher can share it. A CA file that changes
    (another size or modification time) gets a new context.
    """
    version = None
    if ca_file:
        try:
            info = os.stat(ca_file)
            version = (info.st_mtime_ns, info.st_size)
        except OSError:
            version = None  # load_verify_locations then gives the error, as before
    return _context(ca_file, version)


@functools.lru_cache(maxsize=8)
def _context(ca_file: str | None, version: tuple[int, int] | None) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if ca_file:
        context.load_verify_locations(ca_file)
    return context


class Fetcher:
    """Two httpx transports (verifying and not) sending every request to the target's address."""

    def __init__(self, target: Target, timeout_seconds: float, ca_file: str | None = None,
                 max_body_bytes: int = MAX_BODY_BYTES, user_agent: str = USER_AGENT) -> None:
        self.target = target
        self.timeout_seconds = timeout_seconds
        self.max_body_bytes = max_body_bytes
        self._timeout = httpx.Timeout(timeout_seconds).as_dict()
        self._headers = {"User-Agent": user_agent, "Accept": ACCEPT_HTML, "Accept-Encoding": "identity"}
        context = verifying_context(ca_file)
        # Transports, not clients: httpx's client builds the next request from every Location
        # header even when it does not follow redirects, and raises on a hostile one before we
        # can see the response.
        limits = httpx.Limits(max_connections=4)
        http2 = importlib.util.find_spec("h2") is not None  # httpx[http2]; HTTP/1.1 only without it
        self._transports = {
            verify: httpx.AsyncHTTPTransport(verify=context if verify else False, http2=http2, limits=limits,
                                             trust_env=False)
            for verify in (True, False)
        }

    async def aclose(self) -> None:
        """Close both transports."""
        for transport in self._transports.values():
            await transport.aclose()

    def in_scope(self, url: httpx.URL) -> bool:
        """Whether `url` is within the outlet's web presence (any port): the only names we may contact."""
        return within(url.host, self.target.presence)

    async def chain(self, url: str) -> Chain:
        """Follow redirects from `url` on the audited host; a chain without hops when nothing answered.

        Like the Observatory, a certificate failure anywhere restarts the chain unverified.
        """
        result = await self._chain(url, verify=True)
        if result.stop == "error" and result.error.startswith("cert:"):
            retry = await self._chain(url, verify=False)
            retry.verified = False
            return retry
        return result

    async def _chain(self, url: str, verify: bool) -> Chain:
        chain = Chain(start_url=url)
        seen: set[str] = set()
        current = httpx.URL(url)
        while True:
            try:
                response = await self.get(current, verify=verify)
            except FetchError as exc:
                chain.stop, chain.error = "error", said("probe.http.cert", reason=exc.reason) if exc.cert_error else exc.reason
                chain.timed_out = exc.timed_out
                return chain
            chain.loop = chain.loop or str(current) in seen
            seen.add(str(current))
            chain.hops.append(response)
            if not response.is_redirect:
                return chain
            try:
                _ = urlsplit(response.location).port  # raises on a malformed authority ("http://[bad")
                following = current.join(response.location)
            except (httpx.InvalidURL, ValueError):
                chain.stop, chain.next_url = "invalid_location", response.location[:2048]
                return chain
            if following.scheme not in ("http", "https"):
                chain.stop, chain.next_url = "non_http_scheme", str(following)[:2048]
                return chain
            if not self.in_scope(following):
                chain.stop, chain.next_url = "off_host", str(following)[:2048]
                return chain
            if len(chain.hops) > MAX_REDIRECTS:
                chain.stop, chain.next_url = "too_many_redirects", str(following)[:2048]
                return chain
            current = following

    async def get(self, url: httpx.URL, *, verify: bool = True, method: str = "GET",
                  headers: dict[str, str] | None = None) -> Response:
        """One request to the target's address with the audited name in Host and SNI (curl --resolve)."""
        transport = self._transports[verify]
        address = self.target.address_for(url.host, url.port or (443 if url.scheme == "https" else 80))
        connect = url.copy_with(host=address) if address else url
        extensions: dict[str, object] = {"timeout": self._timeout}
        if url.scheme == "https":
            extensions["sni_hostname"] = url.host
        request_headers = {**self._headers, "Host": url.netloc.decode("ascii", "replace"), **(headers or {})}
        try:
            request = httpx.Request(method, connect, headers=request_headers, extensions=extensions)
            response = await asyncio.wait_for(transport.handle_async_request(request), self.timeout_seconds)
            response.request = request
        except (TimeoutError, httpx.TimeoutException) as exc:
            raise FetchError(said("probe.http.timed_out", method=method, url=str(url), seconds=f"{self.timeout_seconds:g}"),
                             timed_out=True) from exc
        except (httpx.HTTPError, httpx.InvalidURL, ssl.SSLError, OSError, ValueError) as exc:
            raise FetchError(said("probe.http.failed", method=method, url=str(url), reason=_reason(exc)),
                             cert_error=_is_cert_error(exc)) from exc
        chunks: list[bytes] = []
        truncated, body_error = False, ""
        try:
            truncated = await asyncio.wait_for(self._read(response, chunks), self.timeout_seconds)
        except TimeoutError:
            body_error = said("probe.http.body_stalled", seconds=f"{self.timeout_seconds:g}")
        except (httpx.HTTPError, OSError, ValueError) as exc:
            body_error = said("probe.http.body_unreadable", reason=_reason(exc))
        finally:
            await response.aclose()
        raw = tuple((k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in response.headers.raw)
        return Response(
            url=str(url), status=response.status_code, raw_headers=raw, body=b"".join(chunks)[: self.max_body_bytes],
            body_truncated=truncated, body_error=body_error, http_version=response.http_version, method=method,
        )

    async def _read(self, response: httpx.Response, chunks: list[bytes]) -> bool:
        """Read the body into `chunks` up to the cap; True if the cap cut it short."""
        size = 0
        async for chunk in response.aiter_bytes():
            chunks.append(chunk)
            size += len(chunk)
            if size > self.max_body_bytes:
                return True
        return False


def _is_cert_error(exc: BaseException) -> bool:
    """Whether a failure is a certificate verification failure (anywhere in the cause chain)."""
    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None:
            break
        if isinstance(seen, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _reason(exc: BaseException) -> str:
    """A one-line, bounded description of an exception, a phrase when it is a usual one (probes.netreason)."""
    return exception_reason(exc)
