"""The data every part of l3audit passes around, as frozen dataclasses.

Models import nothing else of ours, so that probes, the engine, reports and storage can all depend on
them without cycles. A probe *attempt* ("did it run": status, error reason, tool, duration) is kept
apart from what the probe *found* (its facts), following sslyze's scan-command attempts: an
unreachable server is a result, never an abort.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Mapping


class Status(str, enum.Enum):
    """Outcome of a requirement (or of one check inside it).

    Who may set each value:
    """

    PASS = "pass"
    """Set by a condition whose facts were measured and meet the requirement, or by accepted evidence."""
    FAIL = "fail"
    """Set only from measured facts (or a self-declared 'not implemented'); never for a missing measurement."""
    ERROR = "error"
    """No evidence: the probe timed out, was refused, or a tool was missing. Never shown as fail."""
    NOT_APPLICABLE = "not_applicable"
    """Set with a reason: a tailoring mark, or an `applies_if` condition that does not hold."""
    MANUAL = "manual"
    """Needs a person: no automated check, or the automated part cannot decide alone."""
    WAIVED = "waived"
    """Set only by the engine, from a waiver that has an expiry date and has not expired."""


# When several statuses combine (checks of one requirement, or sites of one outlet), the first
# of this list that occurs wins: an error hides nothing, a fail beats a pass (STYLE.md, Status).
STATUS_PRECEDENCE: tuple[Status, ...] = (
    Status.FAIL,  # proven on one site, so the outlet fails whatever the other sites gave
    Status.ERROR,  # not measured somewhere: neither pass nor fail
    Status.MANUAL,  # a person still has to decide for some site
    Status.PASS,
    Status.NOT_APPLICABLE,
)


def combine_statuses(statuses: list[Status]) -> Status:
    """Combine several statuses into one by the house precedence (fail > error > manual > pass > n/a).

    A fail proven on one site stands even when another site could not be measured (a finding
    already proven is never thrown away); a site a person must still decide keeps the row open.

    `waived` never enters here: waivers are applied after combination. An empty list is `manual`,
    since nothing automated decided it.
    """
    present = set(statuses)
    for status in STATUS_PRECEDENCE:
        if status in present:
            return status
    return Status.MANUAL


class Severity(str, enum.Enum):
    """How much a failed requirement matters; ordered from worst to least."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for critical up to 4 for info, for sorting worst first."""
        return list(Severity).index(self)


class Assessment(str, enum.Enum):
    """How a requirement is assessed (ComplianceAsCode's 'automated / manual / partial')."""

    AUTOMATED = "automated"
    MANUAL = "manual"
    BOTH = "both"


class AttemptStatus(str, enum.Enum):
    """Whether a probe ran to completion: the 'did it run' half of a probe attempt."""

    COMPLETED = "completed"
    ERROR = "error"


@dataclass(frozen=True)
class Text:
    """A user-facing text in Vietnamese and English; both are required by the house rules."""

    vi: str
    en: str

    def get(self, lang: str) -> str:
        """The text in `lang` ('vi' or 'en'), falling back to Vietnamese."""
        return self.en if lang == "en" else self.vi


@dataclass(frozen=True)
class Target:
    """One site of an outlet, as the probes address it.

    `host` is the name used for SNI, the Host header and certificate matching; `address`, when set,
    is where packets actually go (curl's `--resolve`). Without it, `host` is resolved normally.
    """

    host: str
    port: int
    scheme: str = "https"
    """'https' for a TLS site, 'http' for a plain one."""
    http_port: int | None = 80
    """Where the plain-HTTP side of the site listens (to check the redirect to HTTPS); None if none."""
    address: str | None = None
    path: str = "/"
    domains: tuple[str, ...] = ()
    """The outlet's web presence: redirects may be followed to names within these (empty: this host only)."""
    resolves: tuple[tuple[str, int, str], ...] = ()
    """Other names of the presence and where to connect for them: (host, port, address), like curl --resolve."""

    @property
    def connect_host(self) -> str:
        """The address to open sockets to."""
        return self.address or self.host

    @property
    def presence(self) -> tuple[str, ...]:
        """The domains redirects may follow: `domains`, or the host alone when none were given."""
        return self.domains or (self.host.strip("[]").rstrip(".").lower(),)

    def address_for(self, host: str, port: int) -> str | None:
        """Where to connect for `host`:`port` of the presence: this site's address, or a --resolve entry.

        curl's rule: an entry for the same host and port wins; then one for the same host on any port.
        None means "resolve the name normally".
        """
        name = host.strip("[]").rstrip(".").lower()
        if name == self.host.strip("[]").rstrip(".").lower() and self.address:
            return self.address
        exact = [a for h, p, a in self.resolves if h == name and p == port]
        loose = [a for h, _, a in self.resolves if h == name]
        found = exact or loose
        return found[0] if found else None

    @property
    def url(self) -> str:
        """The site's canonical URL, for reports and as the key of per-site results."""
        default = 443 if self.scheme == "https" else 80
        host = f"[{self.host}]" if ":" in self.host else self.host
        netloc = host if self.port == default else f"{host}:{self.port}"
        return f"{self.scheme}://{netloc}{self.path}"

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form for the result JSON."""
        return {
            "url": self.url,
            "host": self.host,
            "port": self.port,
            "scheme": self.scheme,
            "http_port": self.http_port,
            "address": self.address,
        }


@dataclass(frozen=True)
class Contact:
    """Who to reach at an outlet about its audit."""

    name: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Outlet:
    """A press outlet (cơ quan báo chí) from an inventory: what is audited, and who answers for it."""

    id: str
    name: str
    sites: tuple[Target, ...]
    contact: Contact = field(default_factory=Contact)
    tags: tuple[str, ...] = ()
    settings: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ProbeAttempt:
    """One run of one probe against one target: whether it ran, and separately what it found.

    `facts` is a flat mapping from dotted fact names (for example `tls.protocols.TLSv1.0`) to plain
    JSON values; it is empty when the attempt failed. `error_reason` says why a measurement could not
    be made, in words a user can act on.
    """

    probe: str
    target: str
    status: AttemptStatus
    started_at: str
    duration_seconds: float
    tool: str
    tool_version: str
    method: str = ""
    """How it measured (for example 'nmap -sT' or 'asyncio connect'), shown in reports."""
    error_reason: str = ""
    facts: Mapping[str, Any] = field(default_factory=dict)
    phrases: Mapping[str, Any] = field(default_factory=dict)
    """{English text of this attempt (method, reason): its catalogue phrase}, for reports in other
    languages (`audit.phrases`); empty for attempts whose texts have none, and then not stored."""

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form for the result JSON (`phrases` only when there are some, as older results)."""
        data = {
            "probe": self.probe,
            "target": self.target,
            "status": self.status.value,
            "started_at": self.started_at,
            "duration_seconds": round(self.duration_seconds, 4),
            "tool": self.tool,
            "tool_version": self.tool_version,
            "method": self.method,
            "error_reason": self.error_reason,
            "facts": dict(self.facts),
        }
        if self.phrases:
            data["phrases"] = dict(self.phrases)
        return data


@dataclass(frozen=True)
class Evidence:
    """One fact that a check looked at: its name, the value seen (None if absent), and the test."""

    fact: str
    op: str
    expected: Any
    observed: Any
    present: bool
    satisfied: bool
    signal: str = ""
    """The supporting check that read this fact ('' for a deciding check): it informs, never fails."""

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form for the result JSON (`signal` only when set, so older results read the same)."""
        data = {
            "fact": self.fact,
            "op": self.op,
            "expected": self.expected,
            "observed": self.observed,
            "present": self.present,
            "satisfied": self.satisfied,
        }
        if self.signal:
            data["signal"] = self.signal
        return data


@dataclass(frozen=True)
class SiteResult:
    """A requirement's outcome on one site of an outlet."""

    target: str
    status: Status
    reason: str
    evidence: tuple[Evidence, ...] = ()
    signals: tuple[str, ...] = ()
    """Supporting checks that did not hold: told to the person deciding, never a fail by themselves."""

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form for the result JSON (`signals` only when there are some)."""
        data: dict[str, Any] = {
            "target": self.target,
            "status": self.status.value,
            "reason": self.reason,
            "evidence": [e.to_dict() for e in self.evidence],
        }
        if self.signals:
            data["signals"] = list(self.signals)
        return data


@dataclass(frozen=True)
class RequirementResult:
    """A requirement's outcome for a whole outlet: the sites combined by status precedence."""

    requirement_id: str
    status: Status
    reason: str
    sites: tuple[SiteResult, ...] = ()
    source: str = "probe"
    """What decided the status: 'probe', 'manual' (nobody yet), 'tailoring', later 'answer', 'waiver'."""

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form for the result JSON."""
        return {
            "requirement_id": self.requirement_id,
            "status": self.status.value,
            "reason": self.reason,
            "source": self.source,
            "sites": [s.to_dict() for s in self.sites],
        }


@dataclass(frozen=True)
class ChecklistRef:
    """Which catalogue a result was judged against, pinned by content hash for re-scoring."""

    id: str
    title: str
    standard: str
    level: int
    version: str
    content_hash: str

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form for the result JSON."""
        return {
            "id": self.id,
            "title": self.title,
            "standard": self.standard,
            "level": self.level,
            "version": self.version,
            "content_hash": self.content_hash,
        }


@dataclass(frozen=True)
class OutletResult:
    """The audit of one outlet: every probe attempt, every requirement result, and a summary."""

    outlet: Outlet
    checklist: ChecklistRef
    started_at: str
    finished_at: str
    tool_version: str
    attempts: tuple[ProbeAttempt, ...]
    requirements: tuple[RequirementResult, ...]
    summary: Mapping[str, Any]
    auditor: str = ""
    """Who ran the audit (officer or unit), as given with --auditor; shown on the report's cover."""
    origin: str = ""
    """Where the probes ran from (host name of the auditing machine), for the report's method."""

