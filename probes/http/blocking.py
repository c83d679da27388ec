"""Block, challenge and rate-limit pages: answers that say nothing about the site being audited.

A WAF or CDN that refuses a scanner (403 with a block page), asks for a JavaScript or CAPTCHA
challenge, or throttles it (429, 503 with `Retry-After`) has not shown us the site. Grading such a
page (missing headers, "no /.env") would report what was not measured, so the facts that depend on
it become `error` with the reason this module gives. Markers are the public texts of common block
pages (Cloudflare, Akamai, Imperva, Sucuri, ModSecurity, AWS WAF, nginx limit_req) and the challenge
headers they send; a page merely unlike the site's home page is left to the caller's baseline.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from audit.phrases import said

__all__ = ["BLOCK_STATUSES", "MAX_RETRY_AFTER_SECONDS", "block_reason", "retry_after_seconds", "throttle_wait"]

BLOCK_STATUSES = frozenset({403, 429, 503})
"""Statuses a block, challenge or throttle comes with (RFC 6585 4 for 429; RFC 9110 15.6.4 for 503)."""

_WAF_MARKERS = re.compile(
    rb"(attention required|just a moment\.\.\.|cf-browser-verification|cf-chl-|challenge-platform|"
    rb"checking your browser|request blocked|the requested url was rejected|incapsula incident|"
    rb"sucuri website firewall|mod_security|modsecurity|web application firewall|captcha|"
    rb"you have been blocked|bot detection|are you a robot)",
    re.IGNORECASE,
)
"""Texts only a WAF, CDN or bot filter writes: a block whatever the path."""
_GENERIC_MARKERS = re.compile(rb"(access denied|too many requests|rate limit)", re.IGNORECASE)
"""Texts a site's own 403 page may carry too: a block only on the page a visitor lands on."""
_CHALLENGE_HEADERS = ("cf-mitigated", "x-sucuri-block", "x-amzn-waf-action", "x-datadome")


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """`Retry-After` in seconds when given as a number (RFC 9110 10.2.3); None otherwise."""
    value = (headers.get("retry-after") or "").strip()
    return float(value) if value.isdigit() else None


MAX_RETRY_AFTER_SECONDS = 10.0
"""The longest `Retry-After` a probe honours within its budget; a longer one leaves the answer unmeasured."""
DEFAULT_BACKOFF_SECONDS = 1.0
"""The wait before the one retry of a throttle that gave no `Retry-After`."""


def throttle_wait(status: int, headers: Mapping[str, str]) -> float | None:
    """Seconds to wait before retrying a throttled answer once (429, or 503 with `Retry-After`).

    None when the answer is not a throttle, or when the site asks for longer than
    `MAX_RETRY_AFTER_SECONDS` (the probe's budget would not allow it).
    """
    retry = retry_after_seconds(headers)
    if status != 429 and not (status == 503 and retry is not None):
        return None
    wait = DEFAULT_BACKOFF_SECONDS if retry is None else retry
    return wait if wait <= MAX_RETRY_AFTER_SECONDS else None


def block_reason(status: int, headers: Mapping[str, str], body: bytes, *, strict: bool = False) -> str | None:
    """Why this answer is a block, a challenge or a throttle ("rate limited ...", "blocked ..."), or None.

    `headers` are lower-case names. A 429 is always a throttle; a 503 with `Retry-After` too. A 403
    or 503 is a block only with a marker in its first 8 KiB or a challenge header, so a site's own
    "403 Forbidden" for /admin/ stays an answer about /admin/. `strict=True` (one path of a
    site, not its landing page) counts only WAF-specific texts: "Access denied" for /.git/ is the
    answer a careful site gives, not a block.
    """
    retry = retry_after_seconds(headers)
    if status == 429 or (status == 503 and retry is not None):
        if retry is not None:
            return said("probe.block.rate_limited_retry", status=status, seconds=f"{retry:g}")
        return said("probe.block.rate_limited", status=status)
    if status not in BLOCK_STATUSES:
        return None
    marker = _WAF_MARKERS.search(body[:8192]) or (None if strict else _GENERIC_MARKERS.search(body[:8192]))
    header = next((h for h in _CHALLENGE_HEADERS if h in headers), None)
    if header:
        return said("probe.block.challenge", status=status, header=header)
    if marker:
        return said("probe.block.page", status=status, marker=marker.group(0).decode('latin-1').lower()[:60])
    return None
