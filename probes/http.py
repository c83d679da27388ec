"""The `http` probe: does plain HTTP lead to HTTPS, and which security headers does the site send.

Fetches with httpx and follows redirects itself, so that the whole chain is recorded, and only on
the audited host: a redirect to another host is recorded but not followed (the scope guard: we never
contact a name we were not given). With `--resolve`, requests go to the given address while the Host
header and TLS SNI carry the audited name, as curl does. TLS validity is the `tls` probe's business;
here certificates are not verified, so headers are measured even on a site with a bad certificate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import httpx

from audit.errors import ProbeError
from audit.models import Target
from probes.interface import FactSpec, Measurement, Probe, ProbeOptions

MAX_REDIRECTS = 10
USER_AGENT = "l3audit (level-3 security audit; +https://l3audit.invalid)"


@dataclass(frozen=True)
class Hop:
    """One response in a redirect chain."""

    url: str
    status: int
    location: str
    headers: dict[str, str]


def parse_hsts(value: str | None) -> dict[str, Any]:
    """Parse a Strict-Transport-Security value (RFC 6797 section 6.1) into facts."""
    if value is None:
        return {"http.hsts.present": False}
    facts: dict[str, Any] = {"http.hsts.present": True, "http.hsts.include_subdomains": False, "http.hsts.preload": False}
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


class HttpProbe(Probe):
    """Fetches the plain-HTTP and HTTPS roots of a site and records redirects and headers."""

    name = "http"
    tool = "l3audit-http (httpx)"
    facts = (
        FactSpec("http.plain.reachable", "bool", "The plain-HTTP port answered an HTTP request."),
        FactSpec("http.plain.status", "int", "Status of the first plain-HTTP response."),
        FactSpec("http.plain.served_without_redirect", "bool", "Plain HTTP serves content (2xx) instead of redirecting."),
        FactSpec("http.redirect.to_https", "bool", "Plain HTTP ends on an HTTPS URL of the audited host."),
        FactSpec("http.redirect.same_host_first", "bool", "The first redirect goes to HTTPS on the same host."),
        FactSpec("http.redirect.chain", "list", "Each hop of the plain-HTTP chain: url, status, location."),
        FactSpec("http.redirect.final_url", "str", "Where the plain-HTTP chain ended."),
        FactSpec("http.https.reachable", "bool", "The HTTPS root answered."),
        FactSpec("http.https.status", "int", "Final status of the HTTPS root after same-host redirects."),
        FactSpec("http.headers.*", "str", "A response header of the final HTTPS page (lower-case name)."),
        FactSpec("http.hsts.present", "bool", "Strict-Transport-Security is sent over HTTPS."),
        FactSpec("http.hsts.max_age_seconds", "int", "HSTS max-age in seconds."),
        FactSpec("http.hsts.include_subdomains", "bool", "HSTS has includeSubDomains."),
        FactSpec("http.hsts.preload", "bool", "HSTS has preload."),
        FactSpec("http.server", "str", "The Server header, if any."),
        FactSpec("http.server_version_disclosed", "bool", "Server or X-Powered-By carries a version number."),
    )

    def tool_version(self) -> str:
        """Our version and httpx's."""
        return f"{super().tool_version()}; httpx {httpx.__version__}"

    async def measure(self, target: Target, options: ProbeOptions) -> Measurement:
        """Follow the plain-HTTP chain and the HTTPS chain of the site's root."""
        timeout = httpx.Timeout(options.timeout_seconds)
        limits = httpx.Limits(max_connections=2)
        async with httpx.AsyncClient(verify=False, timeout=timeout, limits=limits, http2=False,
                                     headers={"User-Agent": USER_AGENT}) as client:
            facts: dict[str, Any] = {}
            if target.http_port:
                plain = await self._chain(client, target, f"http://{_netloc(target.host, target.http_port, 80)}{target.path}")
                facts.update(self._plain_facts(target, plain))
            if target.scheme == "https":
                secure = await self._chain(client, target, target.url)
                if not secure:
                    raise ProbeError(f"HTTPS on {target.connect_host}:{target.port} did not answer an HTTP request")
                facts.update(self._https_facts(secure))
            elif not facts.get("http.plain.reachable"):
                raise ProbeError(f"HTTP on {target.connect_host}:{target.port} did not answer")
        return Measurement(facts, "httpx GET of / over http and https, redirects followed on the same host")

    async def _chain(self, client: httpx.AsyncClient, target: Target, url: str) -> list[Hop]:
        """GET `url` and follow redirects on the audited host; [] when nothing answered."""
        hops: list[Hop] = []
        seen: set[str] = set()
        while len(hops) <= MAX_REDIRECTS and url not in seen:
            seen.add(url)
            parsed = httpx.URL(url)
            if parsed.host != target.host.lower() or parsed.scheme not in ("http", "https"):
                break
            try:
                response = await self._get(client, target, parsed)
            except (httpx.TransportError, httpx.InvalidURL, httpx.DecodingError) as exc:
                if hops:
                    raise ProbeError(f"redirect target {url} failed: {_reason(exc)}") from exc
                if parsed.scheme == "http":
                    return []
                raise ProbeError(f"GET {url} failed: {_reason(exc)}") from exc
            location = response.headers.get("location", "")
            hops.append(Hop(url, response.status_code, location, {k.lower(): v for k, v in response.headers.items()}))
            if not (300 <= response.status_code < 400 and location):
                break
            url = str(parsed.join(location))
        return hops

    async def _get(self, client: httpx.AsyncClient, target: Target, url: httpx.URL) -> httpx.Response:
        """One GET, sent to the target's address with the audited name in Host and SNI."""
        connect = url.copy_with(host=target.connect_host) if target.address else url
        extensions = {"sni_hostname": target.host} if url.scheme == "https" else {}
        request = client.build_request("GET", connect, headers={"Host": url.netloc.decode()}, extensions=extensions)
        response = await client.send(request, stream=True)
        try:
            await response.aread()  # bodies are small roots; httpx bounds reading by the timeout
        finally:
            await response.aclose()
        return response

    def _plain_facts(self, target: Target, hops: list[Hop]) -> dict[str, Any]:
        if not hops:
            return {"http.plain.reachable": False}
        first = hops[0]
        next_url = httpx.URL(first.url).join(first.location) if first.location else None
        final = str(httpx.URL(hops[-1].url).join(hops[-1].location)) if hops[-1].location else hops[-1].url
        final_url = httpx.URL(final)
        return {
            "http.plain.reachable": True,
            "http.plain.status": first.status,
            "http.plain.served_without_redirect": 200 <= first.status < 300,
            "http.redirect.to_https": final_url.scheme == "https" and final_url.host == target.host.lower(),
            "http.redirect.same_host_first": bool(
                next_url and next_url.scheme == "https" and next_url.host == target.host.lower()
            ),
            "http.redirect.chain": [{"url": h.url, "status": h.status, "location": h.location} for h in hops],
            "http.redirect.final_url": final,
        }

    def _https_facts(self, hops: list[Hop]) -> dict[str, Any]:
        last = hops[-1]
        facts: dict[str, Any] = {"http.https.reachable": True, "http.https.status": last.status}
        for name, value in last.headers.items():
            facts[f"http.headers.{name}"] = value
        facts.update(parse_hsts(last.headers.get("strict-transport-security")))
        server = last.headers.get("server")
        if server is not None:
            facts["http.server"] = server
        banner = " ".join(v for v in (server, last.headers.get("x-powered-by")) if v)
        facts["http.server_version_disclosed"] = bool(re.search(r"/\s*\d", banner))
        return facts


def _netloc(host: str, port: int, default: int) -> str:
    host = f"[{host}]" if ":" in host else host
    return host if port == default else f"{host}:{port}"


def _reason(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:200]
