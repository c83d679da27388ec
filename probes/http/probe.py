"""The `http` probe: redirects to HTTPS, security headers, cookies, CSP and an Observatory grade.

It fetches the plain-HTTP root and the HTTPS root of a site at the same time, each as a session
that follows redirects itself (`http_fetch`), only on the audited host: a redirect to another host
is recorded, not followed (the scope guard: we never contact a name we were not given). With
`--resolve`, requests go to the given address while the Host header and TLS SNI carry the audited
name, as curl does. Certificates are verified (with `--ca-file` when given) and, on failure, the
session is fetched again without verification and marked, as the MDN HTTP Observatory does.

Turning responses into facts is `http_analysis`, over pure modules: `http_csp`, `http_cookies`,
`http_html` (SRI, mixed content, meta tags), `http_observatory` (the other tests, score and
grade), `http_owasp`, `http_disclosure`. Facts are flat and declared in `facts.yaml`; every
Observatory modifier is listed with its reason in Vietnamese and English.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import httpx

from audit.errors import ProbeError
from audit.models import Target
from audit.phrases import said
from probes.http import observatory as obs
from probes.http.analysis import (
    CONTENT_FACTS,
    View,
    analyse,
    blocked_facts,
    unread_facts,
    error_facts,
    https_facts,
    parse_hsts,
    plain_facts,
    preload_checker,
)
from probes.http.baseline import uniform_refusal
from probes.http.blocking import throttle_wait
from probes.http.edge import date_skew, edge_facts
from probes.http.fetch import (
    CORS_ORIGIN,
    MAX_BODY_BYTES,
    USER_AGENT,
    Chain,
    Fetcher,
    FetchError,
    Response,
    user_agent_for,
)
from probes.interface import Measurement, Probe, ProbeOptions

__all__ = ["USER_AGENT", "HttpProbe", "parse_hsts"]


def _usable(chain: Chain | None) -> Chain | None:
    """The Observatory loses a whole session when any request in it fails (session.js init)."""
    if chain is None or not chain.hops or chain.stop in ("error", "non_http_scheme", "invalid_location"):
        return None
    return chain


class HttpProbe(Probe):
    """Fetches the plain-HTTP and HTTPS roots of a site, records redirects and headers, and grades them."""

    name = "http"
    tool = "l3audit-http (httpx)"
    uses_presence = True
    measuring_settings = ("timeout_seconds", "user_agent", "http_max_body_bytes", "http_hsts_preload_file")

    def settings_key(self, target: Target, settings: Mapping[str, Any]) -> str:
        """The measuring settings, and the web presence redirects may follow (it changes the landing page)."""
        return f"{super().settings_key(target, settings)}|{','.join(target.presence)}|{target.resolves!r}"

    def tool_version(self) -> str:
        """Our version and httpx's, and the Observatory algorithm reproduced."""
        return f"{super().tool_version()}; httpx {httpx.__version__}; observatory v{obs.ALGORITHM_VERSION}"

    async def measure(self, target: Target, options: ProbeOptions) -> Measurement:
        """Fetch both roots, then derive every fact from what was received."""
        settings = options.settings or {}
        fetcher = Fetcher(target, options.timeout_seconds, options.ca_file,
                          int(settings.get("http_max_body_bytes", MAX_BODY_BYTES)), user_agent_for(settings))
        try:
            plain_url = f"http://{_netloc(target.host, target.http_port or 80, 80)}{target.path}"
            http_task = fetcher.chain(plain_url) if target.http_port else _none()
            https_task = fetcher.chain(target.url) if target.scheme == "https" else _none()
            http_chain, https_chain = await asyncio.gather(http_task, https_task)
            retried: list[str] = []
            http_chain, https_chain = await asyncio.gather(
                _once_more_if_throttled(fetcher, http_chain, plain_url, retried),
                _once_more_if_throttled(fetcher, https_chain, target.url, retried))
            view = View(_usable(http_chain), _usable(https_chain), None, None)
            view.auto = view.https or view.http
            if not any(c is not None and c.hops for c in (http_chain, https_chain)):
                where = target.url if target.scheme == "https" else plain_url
                errors = [c.error for c in (https_chain, http_chain) if c is not None and c.error]
                reasons = (said("probe.http.both", first=errors[0], second=errors[1]) if len(errors) == 2
                           else errors[0] if errors else said("probe.http.nothing"))
                raise ProbeError(said("probe.http.unanswered", url=where, address=target.connect_host, reasons=reasons))
            if view.auto is not None and view.auto.final is not None:
                view.cors = await self._preflight(fetcher, view.auto)
            landing = https_chain if https_chain is not None and https_chain.hops else view.auto
            refused = None if blocked_facts(None, landing, None) else await uniform_refusal(fetcher, landing)
        finally:
            await fetcher.aclose()
        facts: dict[str, Any] = {}
        facts.update(error_facts(http_chain, https_chain))
        unmeasured = blocked_facts(http_chain, https_chain, view.auto)
        if refused:
            unmeasured.update({prefix: refused for prefix in CONTENT_FACTS if prefix not in unmeasured})
        if target.http_port:
            facts.update(plain_facts(target, http_chain))
        if target.scheme == "https":
            facts.update(https_facts(https_chain))
        if not any(key == "http.headers" for key in unmeasured):
            facts.update(analyse(target, view, preload_checker(settings)))
        unmeasured.update(unread_facts(view, (http_chain, https_chain), facts, unmeasured))
        answers = [h for c in (http_chain, https_chain) if c is not None for h in c.hops]
        # Measured even when the page was a block: a Cloudflare block page proves Cloudflare.
        facts.update(edge_facts(answers, any(r.startswith("blocked") for r in unmeasured.values())))
        facts.update(date_skew(view.auto.final if view.auto is not None else None))
        facts["http.retried_after_throttle"] = sorted(retried)
        if unmeasured:
            for name in [f for f in facts if any(f == k or f.startswith(k + ".") for k in unmeasured)]:
                del facts[name]  # a block page's headers are not the site's: never published as measured
            facts["http.unmeasured"] = unmeasured
        return Measurement(facts, said("probe.http.method"))

    async def _preflight(self, fetcher: Fetcher, chain: Chain) -> Response | None:
        """The Observatory's CORS preflight: OPTIONS to the final URL with a foreign Origin."""
        final = chain.final
        assert final is not None
        try:
            return await fetcher.get(httpx.URL(final.url), verify=chain.verified, method="OPTIONS",
                                     headers={"Origin": CORS_ORIGIN, "Access-Control-Request-Method": "GET"})
        except FetchError:  # no answer to OPTIONS is "not implemented", never an error of the probe
            return None


async def _once_more_if_throttled(fetcher: Fetcher, chain: Chain | None, url: str, retried: list[str]) -> Chain | None:
    """The chain fetched once more when it ended on a throttle, after `Retry-After` (or a second's back-off).

    A throttle asking for longer than the probe's budget allows, or a second throttle, is kept:
    its facts are then unmeasured ("rate limited"), never graded.
    """
    final = chain.final if chain is not None else None
    wait = throttle_wait(final.status, final.headers) if final is not None else None
    if chain is None or wait is None:
        return chain
    await asyncio.sleep(wait)
    retried.append(final.url if final is not None else url)
    again = await fetcher.chain(url)
    return again if again.hops else chain


async def _none() -> None:
    return None


def _netloc(host: str, port: int, default: int) -> str:
    host = f"[{host}]" if ":" in host else host
    return host if port == default else f"{host}:{port}"
