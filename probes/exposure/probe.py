"""The `exposure` probe: admin interfaces, secrets, backups, listings and error pages a site exposes.

Light and polite by design (TCVN 14423 N3-DEV-08, N3-NET-32, N3-NET-34, N3-MON-05, N3-DEV-07,
N3-DEV-05): about forty GETs per site from a fixed catalogue, spaced by a rate limit, no payloads,
no guessing of credentials, bodies cut at 64 KiB. Two random paths first tell whether the site
answers 200 to everything (a soft 404), so that such a site produces no false findings. A path
that got no answer is retried once; if it still gets none the probe raises ProbeError rather than
report "not exposed" without evidence.

Per-outlet settings (optional): `exposure_rate_per_second` (default 4), `exposure_max_requests`
(default 50), `timeout_seconds`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import secrets
from collections.abc import Coroutine
from typing import Any, TypeVar

import httpx

from audit.errors import ProbeError
from audit.models import Target
from probes.exposure.catalogue import PathCheck, load_paths
from probes.exposure.checks import CHECKS, Baseline, Page, error_page_version, login_evidence, stack_trace
from probes.exposure.client import BudgetExhausted, PoliteClient
from probes.exposure.securitytxt import (
    LEGACY_PATH,
    WELL_KNOWN_PATH,
    SecurityTxt,
    parse_security_txt,
    security_txt_facts,
)
from probes.interface import Measurement, Probe, ProbeOptions

_T = TypeVar("_T")
_ENV_IDS = frozenset({"env", "env-production", "wp-config-backup"})
_RETRY_STATUSES = frozenset({429, 503})
"""Rate limited or unavailable: the answer says nothing about the path, so it counts as no answer."""


async def _all_or_first_error(jobs: list[Coroutine[Any, Any, _T]]) -> list[_T]:
    """Run `jobs` concurrently; on the first exception cancel the rest (no requests after a failure) and raise it."""
    tasks = [asyncio.ensure_future(job) for job in jobs]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        for task in tasks:
            error = task.exception() if task in done and not task.cancelled() else None
            if error is not None:
                raise error
        return [t.result() for t in tasks]
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


class ExposureProbe(Probe):
    """GETs a fixed catalogue of sensitive paths on one site and reports what is exposed."""

    name = "exposure"
    tool = "l3audit-exposure (httpx)"

    def tool_version(self) -> str:
        """Our version and httpx's."""
        return f"{super().tool_version()}; httpx {httpx.__version__}"

    async def measure(self, target: Target, options: ProbeOptions) -> Measurement:
        """Check the catalogue's paths, soft 404 and security.txt on the site."""
        settings = options.settings
        client = PoliteClient(
            target, options.timeout_seconds,
            rate_per_second=float(settings.get("exposure_rate_per_second", 4.0)),
            max_requests=int(settings.get("exposure_max_requests", 50)),
        )
        try:
            facts = await self._measure(client, target)
        except BudgetExhausted as exc:
            raise ProbeError(f"{exc} before every path was checked; raise exposure_max_requests") from exc
        finally:
            await client.aclose()
        return Measurement(facts, f"httpx GET of {facts['exposure.requests']} paths on {client.url('/')}, "
                                  f"at most {client.rate_per_second:g} per second")

    async def _measure(self, client: PoliteClient, target: Target) -> dict[str, Any]:
        root = await client.get(target.path)
        if root is None:
            raise ProbeError(f"{client.url(target.path)} did not answer: {client.failures[-1]}")
        token = secrets.token_hex(8)
        file_page, dir_page = await client.get(f"/l3audit-{token}"), await client.get(f"/l3audit-{token}/")
        if file_page is None or dir_page is None:
            raise ProbeError(f"random-path requests failed ({client.failures[-1]}); cannot tell a soft 404 apart")
        baselines = {False: Baseline.of(file_page), True: Baseline.of(dir_page)}
        pages: list[Page] = [root, file_page, dir_page]
        gate = asyncio.Semaphore(2)

        async def one(entry: PathCheck) -> tuple[PathCheck, Page]:
            async with gate:
                return entry, await self._fetch(client, entry, target.host, baselines)

        results = await _all_or_first_error([one(e) for e in load_paths()])
        findings = []
        for entry, page in results:
            pages.append(page)
            evidence = self._evidence(entry, page, baselines[entry.path.endswith("/")])
            if evidence:
                findings.append({
                    "id": entry.id, "category": entry.category, "severity": entry.severity,
                    "path": entry.path_for(target.host), "status": page.status, "evidence": evidence,
                    "title": {"vi": entry.title_vi, "en": entry.title_en},
                    "remediation": {"vi": entry.remediation_vi, "en": entry.remediation_en},
                })
        root_listing = CHECKS["listing"](root, None)
        facts = self._facts(findings, pages, root_listing, target.path)
        facts.update(await self._security_txt(client, target, baselines[False]))
        facts["exposure.requests"] = client.requests
        facts["exposure.soft_404"] = baselines[False].soft_404 or baselines[True].soft_404
        return facts

    async def _fetch(self, client: PoliteClient, entry: PathCheck, host: str, baselines: dict[bool, Baseline]) -> Page:
        """GET one catalogue path (retried once without an answer); for login checks, follow one redirect."""
        path = entry.path_for(host)
        page = await client.get(path)
        if page is None or page.status in _RETRY_STATUSES:
            page = await client.get(path)
        if page is None or page.status in _RETRY_STATUSES:
            reason = client.failures[-1] if page is None else f"{path}: HTTP {page.status}"
            raise ProbeError(f"no usable answer for {path} after a retry ({reason}); try again later or lower the rate")
        if entry.check == "login":
            following = client.same_site_redirect(page)
            baseline = baselines[path.endswith("/")]
            # A redirect to the home page (or wherever unknown paths go) says nothing about an admin page.
            soft = baseline.status == page.status and page.headers.get("location") == baseline.location
            if following and following not in ("/", "") and not soft:
                followed = await client.get(following)
                if followed is not None and followed.status not in _RETRY_STATUSES:
                    return Page(path, followed.status, followed.headers, followed.body)
        return page

    @staticmethod
    def _evidence(entry: PathCheck, page: Page, baseline: Baseline) -> str | None:
        """The evidence that `page` proves `entry`'s exposure, or None."""
        if entry.check == "login":
            return login_evidence(page, baseline, entry.markers)
        if baseline.soft_404 and baseline.resembles(page):
            return None
        return CHECKS[entry.check](page, baseline)

    @staticmethod
    def _facts(findings: list[dict[str, Any]], pages: list[Page], root_listing: str | None, root_path: str) -> dict[str, Any]:
        """Summary facts from the findings and every page seen."""
        ids = {f["id"] for f in findings}
        by_category = {c: [f["path"] for f in findings if f["category"] == c] for c in ("admin", "secret", "info", "backup", "listing")}
        listing_paths = ([root_path] if root_listing else []) + by_category["listing"]
        verbose: list[dict[str, str]] = []
        # pages[0] is the site's home page: a news article may quote a stack trace, so it is skipped
        # unless it is itself an error response.
        for page in pages[1:] if pages[0].status < 400 else pages:
            kind = stack_trace(page)
            if kind and not any(v["path"] == page.path for v in verbose):
                verbose.append({"path": page.path, "kind": kind})
        for item in verbose:
            findings.append({
                "id": "verbose-error", "category": "info", "severity": "medium", "path": item["path"],
                "status": next(p.status for p in pages if p.path == item["path"]), "evidence": item["kind"],
                "title": {"vi": "Trang lỗi hiển thị chi tiết lỗi hoặc stack trace",
                          "en": "Error page shows a verbose error or stack trace"},
                "remediation": {"vi": "Tắt chế độ gỡ lỗi và dùng trang lỗi chung trên môi trường vận hành.",
                                "en": "Turn debug mode off and use generic error pages in production."},
            })
        facts: dict[str, Any] = {
            "exposure.findings": findings,
            "exposure.finding_count": len(findings),
            "exposure.git_exposed": bool(ids & {"git-head", "git-config", "listing-git"}),
            "exposure.env_exposed": bool(ids & _ENV_IDS),
            "exposure.secrets_exposed": bool(by_category["secret"]) or "listing-git" in ids,
            "exposure.backup_exposed": bool(by_category["backup"]),
            "exposure.admin_paths": by_category["admin"],
            "exposure.admin_exposed": bool(by_category["admin"]),
            "exposure.info_pages": by_category["info"],
            "exposure.directory_listing": bool(listing_paths),
            "exposure.listing_paths": listing_paths,
            "exposure.verbose_errors": verbose,
            "exposure.verbose_error": bool(verbose),
        }
        version = next((v for v in map(error_page_version, pages) if v), None)
        if version:
            facts["exposure.error_page_version"] = version
        return facts

    async def _security_txt(self, client: PoliteClient, target: Target, baseline: Baseline) -> dict[str, Any]:
        """Fetch security.txt (the well-known path, then the legacy one) and judge it by RFC 9116."""
        now = dt.datetime.now(dt.timezone.utc)
        for path in (WELL_KNOWN_PATH, LEGACY_PATH):
            page = await client.get(path)
            following = client.same_site_redirect(page) if page is not None else None
            if following:
                page = await client.get(following)
            if page is None or page.status != 200 or page.body_is_html or baseline.resembles(page):
                continue
            found: SecurityTxt = parse_security_txt(
                page.text, https=client.scheme == "https", content_type=page.content_type, now=now
            )
            if found.fields:
                return security_txt_facts(found, str(client.url(path)), now)
        return security_txt_facts(None, "", now)
