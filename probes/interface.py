"""What every probe provides: a name, declared facts, and an async `measure` of one target.

A probe publishes facts under stable dotted names that start with its own name (`tls.`, `http.`,
`ports.`). Checklists may only refer to declared facts; that is checked when a checklist loads, so
a typo is caught before any packet is sent. A probe that cannot measure raises `ProbeError` with a
reason; the engine records that as an `error` attempt, never as a failed requirement.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from typing import Any, ClassVar, Mapping

from audit.models import Target
from probes.facts import FactSpec, declared_facts


@dataclass(frozen=True)
class ProbeOptions:
    """Settings a probe run may use; per-outlet settings from the inventory come in `settings`."""

    timeout_seconds: float = 10.0
    ca_file: str | None = None
    use_nmap: bool = True
    resolver: str | None = None
    """DNS server (ADDR[:PORT]) for the dns and mail probes; None: the system resolver."""
    trust_anchors: tuple[str, ...] | None = None
    """DNSSEC trust anchors for the run (`--trust-anchor`); an outlet's `dnssec_trust_anchors` setting wins."""
    settings: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Measurement:
    """What a probe returns when it could measure: flat facts, and how it measured them."""

    facts: Mapping[str, Any]
    method: str
    tool_version: str = ""
    """Set when the version is only known after running (for example nmap's own version)."""


class Probe(abc.ABC):
    """Base of all probes. Subclasses set the class attributes and implement `measure`.

    The facts a probe publishes are declared as data in `probes/<name>/facts.yaml` (`facts()`).
    """

    name: ClassVar[str]
    tool: ClassVar[str]
    uses_presence: ClassVar[bool] = False
    """Whether the probe follows redirects within the outlet's web presence (`Target.domains`)."""
    measuring_settings: ClassVar[tuple[str, ...]] = ("timeout_seconds",)
    """Outlet settings that change what this probe measures: they belong in the run's cache key."""

    @classmethod
    def facts(cls) -> tuple[FactSpec, ...]:
        """The facts this probe declares (from its facts.yaml)."""
        return declared_facts(cls.name)

    def key(self, target: Target) -> str:
        """What makes two targets the same for this probe, so that it runs once per key per run."""
        return target.url

    def settings_key(self, target: Target, settings: Mapping[str, Any]) -> str:
        """What else must match for two requests of this probe to share one attempt in a run.

        Two outlets naming one site with different settings (another user agent, port list or
        Mozilla version) measure different things, so each gets its own attempt.
        """
        import json

        chosen = {k: settings[k] for k in self.measuring_settings if k in settings}
        return json.dumps(chosen, sort_keys=True, default=str)

    def host_key(self, target: Target) -> str:
        """The host the per-host concurrency limit counts against."""
        return target.connect_host

    def tool_version(self) -> str:
        """The version of whatever does the measuring, recorded with every attempt."""
        from audit import __version__

        return f"l3audit {__version__}"

    @abc.abstractmethod
    async def measure(self, target: Target, options: ProbeOptions) -> Measurement:
        """Measure one target; raise `ProbeError` with a reason when that is not possible."""

    @classmethod
    def declares(cls, fact: str) -> bool:
        """Whether `fact` is one of this probe's declared facts."""
        return any(spec.matches(fact) for spec in cls.facts())

    @classmethod
    def check_declared(cls, facts: Mapping[str, Any]) -> list[str]:
        """Names in `facts` that this probe did not declare (a bug in the probe); for tests."""
        return [name for name in facts if not cls.declares(name)]
