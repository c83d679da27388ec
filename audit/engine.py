"""The audit engine: run the probes a checklist needs, once per target, and judge each outlet.

asyncio throughout. Each (probe, key) pair runs once per run, shared by every site that maps to it
(the `ports` probe keys on the host address, so two sites of one host are scanned once). A global
semaphore bounds open work, a per-host one keeps us polite to each server, and every probe has a
wall-clock budget. A probe that cannot measure becomes an `error` attempt; one dead outlet never
stops the run. Each outlet's result is handed to `on_result` as soon as it is judged, so a caller
can write it before the next one finishes.
"""

from __future__ import annotations

import asyncio
import socket
from collections import defaultdict
from typing import Callable, Sequence

from audit import __version__
from audit.catalogue.loader import Checklist
from audit.crossfacts import complete_site
from audit.evaluation import judge_outlet, summarise
from audit.landing import LANDING_PROBES, landing_site
from audit.scope import Scope
from audit.models import ChecklistRef, Outlet, OutletResult, ProbeAttempt, Target
from audit.runner import AuditOptions, ProbeRunner, now_iso

__all__ = ["AuditOptions", "ProbeRunner", "checklist_ref", "now_iso", "run_audit"]


def checklist_ref(checklist: Checklist) -> ChecklistRef:
    """The pinned reference to a checklist stored with every result."""
    return ChecklistRef(
        id=checklist.id,
        title=checklist.title.en,
        standard=checklist.standard,
        level=checklist.level,
        version=checklist.version,
        content_hash=checklist.content_hash,
    )


async def audit_outlet(checklist: Checklist, outlet: Outlet, runner: ProbeRunner) -> OutletResult:
    """Run every needed probe on every site of one outlet, then judge each requirement."""
    started_at = now_iso()
    probe_names = list(runner.options.probes or checklist.probes)
    settings = dict(outlet.settings)
    per_site: dict[str, dict[str, ProbeAttempt]] = defaultdict(dict)
    jobs = [(site, name) for site in outlet.sites for name in probe_names]
    attempts = await asyncio.gather(*(runner.attempt(name, site, settings) for site, name in jobs))
    for (site, name), attempt in zip(jobs, attempts):
        per_site[site.url][name] = attempt
    landing = await _landing_sites(outlet, probe_names, per_site, runner, settings)
    for site_attempts in per_site.values():
        complete_site(site_attempts, runner.combined)
    results = judge_outlet(checklist, outlet.id, per_site, runner.options.self_assessment, landing)
    unique: dict[tuple[str, str], ProbeAttempt] = {
        (a.probe, a.target): a for site_attempts in per_site.values() for a in site_attempts.values()}
    return OutletResult(
        outlet=outlet,
        checklist=checklist_ref(checklist),
        started_at=started_at,
        finished_at=now_iso(),
        tool_version=__version__,
        attempts=tuple(unique.values()),
        requirements=results,
        summary=summarise(checklist, results),
        auditor=runner.options.auditor,
        origin=socket.gethostname(),
    )


async def _landing_sites(outlet: Outlet, probe_names: list[str], per_site: dict[str, dict[str, ProbeAttempt]],
                         runner: ProbeRunner, settings: dict) -> dict[str, frozenset[str]]:
    """Run the transport probes on each host a listed site's chain lands on (`audit.landing`).

    Adds each landing site to `per_site` with its own attempts and the listed site's http attempt;
    returns landing site URL -> the probes run on it, for the judge.
    """
    own = tuple(name for name in LANDING_PROBES if name in probe_names)
    if not own or "http" not in probe_names:
        return {}
    derived: dict[str, Target] = {}
    for site in outlet.sites:
        http = per_site[site.url].get("http")
        found = landing_site(site, http, outlet.sites)
        if found is not None and http is not None and found.url not in derived:
            derived[found.url] = found
            per_site[found.url]["http"] = http
    jobs = [(site, name) for site in derived.values() for name in own]
    attempts = await asyncio.gather(*(runner.attempt(name, site, settings) for site, name in jobs))
    for (site, name), attempt in zip(jobs, attempts):
        per_site[site.url][name] = attempt
    return {url: frozenset(own) for url in derived}


async def run_audit(
    checklist: Checklist,
    outlets: Sequence[Outlet],
    options: AuditOptions,
    on_result: Callable[[OutletResult], None] = lambda r: None,
    on_start: Callable[[Outlet], None] = lambda o: None,
    keep: bool = True,
) -> list[OutletResult]:
    """Audit outlets concurrently (at most `options.concurrency` at once); return results in order.

    `on_result` is called for each outlet as soon as it is judged (write it to disk there). If it
    raises, the run stops with that error, after the results already handed over. With
    `keep=False` results are only handed over, not collected (an empty list is returned), so a
    fleet run holds at most `concurrency` results in memory.
    """
    # The scope guard: every site must be one host, given by the inventory or the command line;
    # a range or a list is refused before any packet is sent.
    scope = Scope.of(site for outlet in outlets for site in outlet.sites)
    for outlet in outlets:
        for site in outlet.sites:
            scope.check_target(site)
    runner = ProbeRunner(options)
    gate = asyncio.Semaphore(options.concurrency)

    async def one(outlet: Outlet) -> OutletResult | None:
        async with gate:
            on_start(outlet)
            result = await audit_outlet(checklist, outlet, runner)
            on_result(result)
            runner.forget(outlet.sites)
            return result if keep else None

    done = await asyncio.gather(*(one(o) for o in outlets))
    return [r for r in done if r is not None]
