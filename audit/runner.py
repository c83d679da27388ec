"""Running probes: the options of a run, and the runner that shares limits and attempts across a run.

`ProbeRunner` imports a probe's code only when that probe first runs (`probes.registry`), so
`l3audit probe tls` loads the TLS probe and nothing of the checklist, self-assessment or report code.
The audit engine (`audit.engine`) drives it for whole outlets.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Awaitable, Callable, Iterable, Sequence

from audit.errors import ProbeError
from audit.i18n import Phrase
from audit.models import AttemptStatus, ProbeAttempt, Target
from audit.phrases import PhraseText, collect, encode, said
from probes.interface import Probe, ProbeOptions
from probes.registry import get_probe

if TYPE_CHECKING:
    from audit.selfassess.merge import SelfAssessment


@dataclass(frozen=True)
class AuditOptions:
    """How an audit runs. Defaults are polite: a few connections per host, bounded time per probe."""

    timeout_seconds: float = 10.0
    """Per network operation (connect, handshake, read)."""
    probe_budget_seconds: float = 120.0
    """Wall-clock limit for one probe on one target, whatever it does."""
    concurrency: int = 64
    """Outlets audited at once (each outlet is a different host; `per_host` bounds each one's load)."""
    per_host: int = 2
    """Probes running against one host address at once."""
    global_probes: int | None = None
    """Probes running at once across the whole run; by default `concurrency` x `per_host` (every outlet
    audited at once may use its host's slots: the exposure probe spends most of its time waiting out its
    polite rate, so a smaller global cap would idle the run without sparing any host)."""
    ca_file: str | None = None
    use_nmap: bool = True
    resolver: str | None = None
    """DNS server (ADDR[:PORT]) for the dns and mail probes; None: the system resolver."""
    trust_anchors: tuple[str, ...] | None = None
    """DNSSEC trust anchors (DS/DNSKEY lines, `--trust-anchor`) for the dns probe; None: the root's."""
    probes: Sequence[str] | None = None
    """Restrict to these probes (None: the ones the checklist needs)."""
    auditor: str = ""
    """Who runs the audit, recorded in every result."""
    self_assessment: SelfAssessment | None = None
    """Answers, reviewer decisions and waivers merged into each outlet's results (audit.selfassess.merge)."""
    stop_requested: Callable[[], bool] | None = None
    """Asked before each probe starts (a cancelled job): when true, the probe is not run but recorded as
    an `error` attempt, so probes already running finish and no new one starts. The caller, who
    asked for the stop, must not store such a result."""


def now_iso() -> str:
    """Current UTC time, ISO 8601 with seconds."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


@dataclass
class ProbeRunner:
    """Runs probes with shared concurrency limits and caches each (probe, key, settings) attempt for the run."""

    options: AuditOptions
    _global: asyncio.Semaphore = field(init=False)
    _hosts: dict[str, asyncio.Semaphore] = field(default_factory=dict)
    _tasks: dict[tuple[str, str, str], asyncio.Task[ProbeAttempt]] = field(default_factory=dict)
    combined: dict[tuple[int, str], tuple[ProbeAttempt, ProbeAttempt]] = field(default_factory=dict)
    """Attempts completed with another probe's facts (audit.crossfacts), one per pair for the run."""

    def __post_init__(self) -> None:
        self._global = asyncio.Semaphore(self.options.global_probes or self.options.concurrency * self.options.per_host)

    def attempt(self, probe_name: str, target: Target, settings: dict | None = None) -> Awaitable[ProbeAttempt]:
        """The attempt of `probe_name` on `target`, started once and shared by later callers."""
        probe = get_probe(probe_name)
        key = (probe_name, probe.key(target), probe.settings_key(target, settings or {}))
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
            resolver=self.options.resolver,
            trust_anchors=self.options.trust_anchors,
            settings=settings,
        )
        async with self._global, gate:
            started_at = now_iso()
            start = time.monotonic()
            if self.options.stop_requested is not None and self.options.stop_requested():
                return self._error(probe, target, started_at, start, said("probe.run.cancelled"))
            try:
                measurement = await asyncio.wait_for(
                    probe.measure(target, probe_options), self.options.probe_budget_seconds
                )
            except ProbeError as exc:
                stated = exc.phrase if isinstance(exc.phrase, (PhraseText, Phrase)) else None
                return self._error(probe, target, started_at, start, str(exc), stated)
            except asyncio.TimeoutError:
                reason = said("probe.run.budget", seconds=f"{self.options.probe_budget_seconds:g}")
                return self._error(probe, target, started_at, start, reason)
            except Exception as exc:  # noqa: BLE001 - a probe bug must not stop the run; it is recorded
                reason = said("probe.run.internal", probe=probe.name, error=f"{type(exc).__name__}: {exc}")
                return self._error(probe, target, started_at, start, reason)
        return ProbeAttempt(
            probe=probe.name,
            target=probe.key(target),
            status=AttemptStatus.COMPLETED,
            started_at=started_at,
            duration_seconds=time.monotonic() - start,
            tool=probe.tool,
            tool_version=measurement.tool_version or probe.tool_version(),
            method=str(measurement.method),
            facts=dict(measurement.facts),
            phrases=collect([measurement.method, measurement.facts]),
        )

    @staticmethod
    def _error(probe: Probe, target: Target, started_at: str, start: float, reason: str,
               stated: PhraseText | Phrase | None = None) -> ProbeAttempt:
        """An `error` attempt; its reason's phrase kept (`audit.phrases`) when it has one."""
        if stated is None and isinstance(reason, PhraseText):
            stated = reason
        return ProbeAttempt(
            probe=probe.name,
            target=probe.key(target),
            status=AttemptStatus.ERROR,
            started_at=started_at,
            duration_seconds=time.monotonic() - start,
            tool=probe.tool,
            tool_version=probe.tool_version(),
            error_reason=str(reason),
            phrases={str(reason): encode(stated)} if stated is not None else {},
        )
