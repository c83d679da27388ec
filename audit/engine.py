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
import datetime as dt
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Awaitable, Callable, Iterable, Sequence

from audit import __version__
from audit.checklist import Checklist
from audit.errors import ProbeError
from audit.evaluation import judge_outlet, summarise
from audit.merge import SelfAssessment
from audit.scope import Scope
from audit.models import AttemptStatus, ChecklistRef, Outlet, OutletResult, ProbeAttempt, Target
from probes.interface import Probe, ProbeOptions
from probes.registry import get_probe


@dataclass(frozen=True)
class AuditOptions:
    """How an audit runs. Defaults are polite: a few connections per host, bounded time per probe."""

    timeout_seconds: float = 10.0
    """Per network operation (connect, handshake, read)."""
    probe_budget_seconds: float = 120.0
    """Wall-clock limit for one probe on one target, whatever it does."""
    concurrency: int = 32
    """Outlets audited at once (each outlet is a different host; `per_host` bounds each one's load)."""
    per_host: int = 2
    """Probes running against one host address at once."""
    global_probes: int = 32
    """Probes running at once across the whole run."""
    ca_file: str | None = None
    use_nmap: bool = True
    probes: Sequence[str] | None = None
    """Restrict to these probes (None: the ones the checklist needs)."""
    auditor: str = ""
    """Who runs the audit, recorded in every result."""
    self_assessment: SelfAssessment | None = None
    """Answers, reviewer decisions and waivers merged into each outlet's results (audit.merge)."""


def now_iso() -> str:
    """Current UTC time, ISO 8601 with seconds."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


@dataclass
class ProbeRunner:
    """Runs probes with shared concurrency limits and caches each (probe, key) attempt for the run."""

    options: AuditOptions
    _global: asyncio.Semaphore = field(init=False)
    _hosts: dict[str, asyncio.Semaphore] = field(default_factory=dict)
    _tasks: dict[tuple[str, str], asyncio.Task[ProbeAttempt]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._global = asyncio.Semaphore(self.options.global_probes)

    def attempt(self, probe_name: str, target: Target, settings: dict | None = None) -> Awaitable[ProbeAttempt]:
        """The attempt of `probe_name` on `target`, started once and shared by later callers."""
        probe = get_probe(probe_name)
        key = (probe_name, probe.key(target))
        if key not in self._tasks:
            self._tasks[key] = asyncio.ensure_future(self._run(probe, target, settings or {}))
        return asyncio.shield(self._tasks[key])

    def forget(self, targets: Iterable[Target]) -> None:
        """Drop cached attempts for finished targets, so memory stays bounded on long runs."""
        urls = {t.url for t in targets} | {t.connect_host for t in targets}
        for key in [k for k in self._tasks if k[1] in urls and self._tasks[k].done()]:
            del self._tasks[key]

    async def _run(self, probe: Probe, target: Target, settings: dict) -> ProbeAttempt:
        host = probe.host_key(target)
        gate = self._hosts.setdefault(host, asyncio.Semaphore(self.options.per_host))
        timeout = float(settings.get("timeout_seconds", self.options.timeout_seconds))
        probe_options = ProbeOptions(
            timeout_seconds=timeout,
            ca_file=self.options.ca_file,
            use_nmap=self.options.use_nmap,
            settings=settings,
        )
        async with self._global, gate:
            started_at = now_iso()
            start = time.monotonic()
            try:
                measurement = await asyncio.wait_for(
                    probe.measure(target, probe_options), self.options.probe_budget_seconds
                )
            except ProbeError as exc:
                return self._error(probe, target, started_at, start, str(exc))
            except asyncio.TimeoutError:
                reason = f"probe did not finish within {self.options.probe_budget_seconds:g} s"
                return self._error(probe, target, started_at, start, reason)
            except Exception as exc:  # noqa: BLE001 - a probe bug must not stop the run; it is recorded
                reason = f"internal error in probe {probe.name}: {type(exc).__name__}: {exc}"
                return self._error(probe, target, started_at, start, reason)
        return ProbeAttempt(
            probe=probe.name,
            target=probe.key(target),
            status=AttemptStatus.COMPLETED,
            started_at=started_at,
            duration_seconds=time.monotonic() - start,
            tool=probe.tool,
            tool_version=measurement.tool_version or probe.tool_version(),
            method=measurement.method,
            facts=dict(measurement.facts),
        )

    @staticmethod
    def _error(probe: Probe, target: Target, started_at: str, start: float, reason: str) -> ProbeAttempt:
        return ProbeAttempt(
            probe=probe.name,
            target=probe.key(target),
            status=AttemptStatus.ERROR,
            started_at=started_at,
            duration_seconds=time.monotonic() - start,
            tool=probe.tool,
            tool_version=probe.tool_version(),
            error_reason=reason,
        )


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
    results = judge_outlet(checklist, outlet.id, per_site, runner.options.self_assessment)
    unique: dict[tuple[str, str], ProbeAttempt] = {(a.probe, a.target): a for a in attempts}
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
