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
from collections.abc import Mapping
from typing import Any

import httpx

from audit.errors import ProbeError
from audit.models import Target
from audit.phrases import said
from probes.exposure.catalogue import PathCheck, load_paths
from probes.exposure.checks import CHECKS, Baseline, Page, error_page_version, login_evidence, stack_trace
from probes.exposure.client import BudgetExhausted, PoliteClient
from probes.http.blocking import MAX_RETRY_AFTER_SECONDS, block_reason, retry_after_seconds
from probes.http.fetch import user_agent_for
from probes.exposure.securitytxt import (
    LEGACY_PATH,
    WELL_KNOWN_PATH,
    SecurityTxt,
    parse_security_txt,
    security_txt_facts,
)
from probes.interface import Measurement, Probe, ProbeOptions
from probes.netreason import reason_of

_ENV_IDS = frozenset({"env", "env-production", "wp-config-backup"})
_GIT_IDS = frozenset({"git-head", "git-config", "listing-git"})
_RETRY_STATUSES = frozenset({429, 503})
"""Rate limited or unavailable: the answer says nothing about the path, so it counts as no answer."""


class Unmeasured(Exception):
    """A catalogue path got no usable answer (throttled, blocked, timed out, budget used up); `args[0]` a phrase."""


class ExposureProbe(Probe):
    """GETs a fixed catalogue of sensitive paths on one site and reports what is exposed."""

    name = "exposure"
    tool = "l3audit-exposure (httpx)"
    uses_presence = True
    measuring_settings = ("timeout_seconds", "user_agent", "exposure_rate_per_second", "exposure_max_requests")

    def settings_key(self, target: Target, settings: Mapping[str, Any]) -> str:
        """The measuring settings, and the web presence redirects may follow (it changes the landing page)."""
        return f"{super().settings_key(target, settings)}|{','.join(target.presence)}|{target.resolves!r}"

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
            user_agent=user_agent_for(settings),
        )
        try:
            facts = await self._measure(client, target)
        finally:
            await client.aclose()
        return Measurement(facts, said("probe.exposure.method", n=facts["exposure.requests"], url=client.url("/"),
                                       rate=f"{client.rate_per_second:g}"))

    async def _measure(self, client: PoliteClient, target: Target) -> dict[str, Any]:
        root = await client.get(target.path)
        if root is None:
            raise ProbeError(said("probe.exposure.unanswered", url=client.url(target.path), reason=client.failures[-1]))
        blocked = block_reason(root.status, root.headers, root.body)
        if blocked:
            raise ProbeError(said("probe.exposure.blocked", url=client.url(target.path), reason=blocked))
        token = secrets.token_hex(8)
        try:
            file_page, dir_page = await client.get(f"/l3audit-{token}"), await client.get(f"/l3audit-{token}/")
        except BudgetExhausted as exc:
            raise ProbeError(said("probe.exposure.budget", n=client.max_requests)) from exc
        if file_page is None or dir_page is None:
            raise ProbeError(said("probe.exposure.baseline_failed", reason=client.failures[-1]))
        baselines = {False: Baseline.of(file_page), True: Baseline.of(dir_page)}
        pages: list[Page] = [root, file_page, dir_page]
        gate = asyncio.Semaphore(2)

        unmeasured: dict[str, str] = {}

        async def one(entry: PathCheck) -> tuple[PathCheck, Page | None]:
            async with gate:
                try:
                    return entry, await self._fetch(client, entry, target.host, baselines)
                except (Unmeasured, BudgetExhausted) as exc:
                    unmeasured[entry.path_for(target.host)] = reason_of(exc)
                    return entry, None

        results = await asyncio.gather(*(one(e) for e in load_paths()))
        findings = []
        missed: list[PathCheck] = []
        for entry, page in results:
            if page is None:
                missed.append(entry)
                continue
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
        try:
            if client.throttled is not None:
                raise Unmeasured(said("probe.exposure.not_fetched", reason=client.throttled))
            facts.update(await self._security_txt(client, target, baselines[False]))
        except (Unmeasured, BudgetExhausted) as exc:
            unmeasured[WELL_KNOWN_PATH] = reason_of(exc)
        if unmeasured:
            facts["exposure.unmeasured_paths"] = dict(list(unmeasured.items())[:100])
            errors = _unproven(facts, missed, WELL_KNOWN_PATH in unmeasured)
            reason = next(iter(unmeasured.values()))
            facts["exposure.errors"] = {fact: said("probe.exposure.paths_unmeasured", n=len(unmeasured), reason=reason)
                                        for fact in errors}
            for fact in errors:  # never published as "not exposed" without evidence
                facts.pop(fact, None)
        if "exposure.admin_paths" in facts:
            plain = await admin_over_plain_http(client, target, facts["exposure.admin_paths"])
        else:
            plain = {"exposure.errors": {"exposure.admin_over_plain_http": said("probe.exposure.admin_unmeasured")}}
        more_errors = plain.pop("exposure.errors", {})
        facts.update(plain)
        if more_errors:
            facts["exposure.errors"] = {**facts.get("exposure.errors", {}), **more_errors}
        facts["exposure.requests"] = client.requests
        facts.update(rate_limit_facts(client))
        facts["exposure.soft_404"] = baselines[False].soft_404 or baselines[True].soft_404
        return facts

    async def _fetch(self, client: PoliteClient, entry: PathCheck, host: str, baselines: dict[bool, Baseline]) -> Page:
        """GET one catalogue path, retried once (after `Retry-After` when throttled); for login checks,
        follow one redirect. Raises Unmeasured when no usable answer came: nothing is concluded then."""
        path = entry.path_for(host)
        if client.throttled is not None:
            raise Unmeasured(said("probe.exposure.not_tried", reason=client.throttled))
        page = await client.get(path)
        for attempt in range(2):
            blocked = block_reason(page.status, page.headers, page.body, strict=True) if page is not None else None
            if page is not None and page.status not in _RETRY_STATUSES and not blocked:
                break
            reason = client.failures[-1] if page is None else said(
                "probe.exposure.path_failed", path=path, reason=blocked or f"HTTP {page.status}")
            if attempt == 1:
                if page is not None:  # throttled or blocked twice: stop asking this site (politeness)
                    client.throttled = client.throttled or reason
                raise Unmeasured(said("probe.exposure.no_usable_answer", reason=reason))
            wait = retry_after_seconds(page.headers) if page is not None else None
            if wait is not None and wait > MAX_RETRY_AFTER_SECONDS:
                client.throttled = client.throttled or reason
                raise Unmeasured(said("probe.exposure.retry_after_too_long", reason=reason,
                                      seconds=f"{MAX_RETRY_AFTER_SECONDS:g}"))
            if wait is None and page is not None:
                wait = 1.0  # a throttle without Retry-After: back off a second before the one retry
            if wait:
                await asyncio.sleep(wait)
            page = await client.get(path)
        assert page is not None
        if entry.check == "login":
            following = client.same_site_redirect(page)
            baseline = baselines[path.endswith("/")]
            # A redirect to the home page (or wherever unknown paths go) says nothing about an admin page.
            soft = baseline.status == page.status and page.headers.get("location") == baseline.location
            if following and following not in ("/", "") and not soft:
                followed = await client.get(following)
                if followed is not None and followed.status not in _RETRY_STATUSES and not block_reason(
                        followed.status, followed.headers, followed.body, strict=True):
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
            "exposure.git_exposed": bool(ids & _GIT_IDS),
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


MAX_PLAIN_ADMIN_CHECKS = 5
"""Admin pages asked again over plain HTTP, at most (each one request)."""


async def admin_over_plain_http(client: PoliteClient, target: Target, admin_paths: list[str]) -> dict[str, Any]:
    """Whether an admin or log-in page found on the site is also served over plain HTTP (credentials in clear).

    On an HTTPS site each admin path found is asked once on the site's plain-HTTP port: an answer
    that is not a redirect (a log-in page, an auth prompt) means the password can travel in clear.
    A plain-HTTP site serves them so by itself. A path that got no answer leaves the fact unmeasured.
    """
    if target.scheme != "https":
        return {"exposure.admin_plain_http": list(admin_paths), "exposure.admin_over_plain_http": bool(admin_paths)}
    if not admin_paths or target.http_port is None:
        return {"exposure.admin_plain_http": [], "exposure.admin_over_plain_http": False}
    plain = PoliteClient(target, client.timeout_seconds, rate_per_second=client.rate_per_second,
                         max_requests=MAX_PLAIN_ADMIN_CHECKS, scheme="http", port=target.http_port,
                         user_agent=client.user_agent)
    served: list[str] = []
    try:
        for path in admin_paths[:MAX_PLAIN_ADMIN_CHECKS]:
            page = await plain.get(path)
            if page is None or page.status in _RETRY_STATUSES:
                why = plain.failures[-1] if page is None else said("probe.exposure.path_failed", path=path,
                                                                     reason=f"HTTP {page.status}")
                return {"exposure.errors": {"exposure.admin_over_plain_http": said("probe.exposure.plain_unmeasured",
                                                                                    why=why)}}
            if not 300 <= page.status < 400 and page.status != 404:
                served.append(str(plain.url(path)))
    finally:
        client.requests += plain.requests
        client.rate_limited += plain.rate_limited
        await plain.aclose()
    return {"exposure.admin_plain_http": served, "exposure.admin_over_plain_http": bool(served)}


def rate_limit_facts(client: PoliteClient) -> dict[str, Any]:
    """Whether the site throttled the probe's few, paced requests, and when (a supporting signal only).

    Seen: the site limits clients (or a CDN in front does). Not seen says only that
    `exposure.requests` requests at `exposure.rate_per_second` were not limited: a rate limit set
    higher stays invisible, by design of a polite probe.
    """
    seen = client.rate_limited
    return {
        "exposure.rate_limit.observed": bool(seen),
        "exposure.rate_limit.first_at_request": seen[0]["request"] if seen else None,
        "exposure.rate_limit.responses": seen[:10],
        "exposure.rate_per_second": client.rate_per_second,
    }


def _unproven(facts: dict[str, Any], missed: list[PathCheck], throttled: bool) -> list[str]:
    """Facts that paths without an answer could still change: the clean ones only.

    A finding already proven stays (a readable /.env is exposed whatever came after it), so a fact
    that is already true, or a list that already names a path, is kept as measured.
    """
    affected = {"exposure.finding_count", "exposure.verbose_error", "exposure.verbose_errors"}
    for entry in missed:
        affected.add({"admin": "exposure.admin_exposed", "secret": "exposure.secrets_exposed",
                      "backup": "exposure.backup_exposed", "listing": "exposure.directory_listing",
                      "info": "exposure.info_pages"}.get(entry.category, "exposure.finding_count"))
        if entry.category == "admin":
            affected.add("exposure.admin_paths")
        if entry.category == "listing":
            affected.add("exposure.listing_paths")
        if entry.id in _ENV_IDS:
            affected.add("exposure.env_exposed")
        if entry.id in _GIT_IDS:
            affected |= {"exposure.git_exposed", "exposure.secrets_exposed"}
    if throttled:
        affected.add("exposure.security_txt")
    return sorted(f for f in affected if facts.get(f) in (False, 0, [], None))
