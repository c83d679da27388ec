"""A polite HTTP client for the `exposure` probe: a request budget, a rate limit, small bodies.

Built on the `http` probe's `Fetcher` (same `--resolve` handling: packets go to `target.address`,
the audited name goes in Host and SNI; bodies capped), with certificates not verified (validity is
the `tls` probe's business). Requests are spaced by `1 / rate_per_second` and there are never more
than `max_requests` per site, so an audit cannot turn into a crawl or a brute force.
"""

from __future__ import annotations

import asyncio
import time

import httpx

from audit.models import Target
from audit.phrases import said
from probes.exposure.checks import Page
from probes.http.fetch import USER_AGENT, Fetcher, FetchError

MAX_BODY_BYTES = 64 * 1024
"""Enough to recognise any exposure; a backup archive is never downloaded whole."""


class BudgetExhausted(Exception):
    """The per-site request budget is used up; `args[0]` says so as a phrase."""


class PoliteClient:
    """GETs on one site, rate limited, within a fixed budget; the site's base URL is `target`'s."""

    def __init__(self, target: Target, timeout_seconds: float, *, rate_per_second: float = 4.0,
                 max_requests: int = 45, scheme: str | None = None, port: int | None = None,
                 user_agent: str = USER_AGENT) -> None:
        self.target = target
        self.timeout_seconds = timeout_seconds
        self.user_agent = user_agent
        self.scheme = scheme or target.scheme
        self.port = port or target.port
        self.rate_per_second = rate_per_second
        self.max_requests = max_requests
        self.requests = 0
        self.failures: list[str] = []
        self.throttled: str | None = None
        """Why the site stopped giving usable answers (rate limited, blocked); no more requests then."""
        self.rate_limited: list[dict[str, object]] = []
        """Each throttle the site sent (429, or 503 with Retry-After): request number, path, status, Retry-After."""
        self._fetcher = Fetcher(target, timeout_seconds, max_body_bytes=MAX_BODY_BYTES, user_agent=user_agent)
        self._lock = asyncio.Lock()
        self._next_start = 0.0

    async def aclose(self) -> None:
        """Close the connections."""
        await self._fetcher.aclose()

    def url(self, path: str) -> httpx.URL:
        """The URL of `path` on the audited site."""
        host = f"[{self.target.host}]" if ":" in self.target.host else self.target.host
        default = 443 if self.scheme == "https" else 80
        netloc = host if self.port == default else f"{host}:{self.port}"
        return httpx.URL(f"{self.scheme}://{netloc}{path}")

    async def _pace(self) -> None:
        async with self._lock:
            if self.requests >= self.max_requests:
                raise BudgetExhausted(said("probe.exposure.budget_used", n=self.max_requests))
            self.requests += 1
            now = time.monotonic()
            wait = self._next_start - now
            self._next_start = max(now, self._next_start) + (1.0 / self.rate_per_second if self.rate_per_second > 0 else 0.0)
        if wait > 0:
            await asyncio.sleep(wait)

    async def get(self, path: str) -> Page | None:
        """One GET of `path`; None (and the reason kept in `failures`) when nothing answered."""
        await self._pace()
        try:
            response = await self._fetcher.get(self.url(path), verify=False)
        except FetchError as exc:
            self.failures.append(said("probe.exposure.path_failed", path=path, reason=exc.reason))
            return None
        page = Page(path, response.status, dict(response.headers), response.body)
        if page.status == 429 or (page.status == 503 and "retry-after" in page.headers):
            self.rate_limited.append({"request": self.requests, "path": path[:256], "status": page.status,
                                      "retry_after": str(page.headers.get("retry-after", ""))[:64] or None})
        return page

    def same_site_redirect(self, page: Page) -> str | None:
        """The path a redirect points to on this same site (scheme, host and port), else None.

        The scope guard: a redirect to another host, or another port of the host, is not followed.
        """
        if page.status not in (301, 302, 303, 307, 308):
            return None
        try:
            following = self.url(page.path).join(page.headers.get("location", ""))
        except (httpx.InvalidURL, ValueError):
            return None
        port = following.port or (443 if following.scheme == "https" else 80)
        if following.host != self.target.host.lower() or following.scheme != self.scheme or port != self.port:
            return None
        return following.raw_path.decode("ascii", "replace")
