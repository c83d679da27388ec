"""What every probe provides: a name, declared facts, and an async `measure` of one target.

A probe publishes facts under stable dotted names that start with its own name (`tls.`, `http.`,
`ports.`). Checklists may only refer to declared facts; that is checked when a checklist loads, so
a typo is caught before any packet is sent. A probe that cannot measure raises `ProbeError` with a
reason; the engine records that as an `error` attempt, never as a failed requirement.
"""

from __future__ import annotations

import abc
import re
from dataclasses import dataclass, field
from typing import Any, ClassVar, Mapping

from audit.models import Target

FACT_TYPES = ("bool", "int", "float", "str", "list", "object", "any")
"""Types a fact may declare. 'list' holds plain values or objects; 'any' is for mixed facts."""


@dataclass(frozen=True)
class FactSpec:
    """A fact a probe may publish.

    `name` is dotted; a final `*` segment declares a family (for example `http.headers.*`), where
    the last segment is chosen at run time (a header name, a protocol name).
    """

    name: str
    type: str
    description: str

    def matches(self, fact: str) -> bool:
        """Whether the fact name `fact` is this spec, or a member of this family."""
        if not self.name.endswith(".*"):
            return fact == self.name
        prefix = self.name[:-1]
        return fact.startswith(prefix) and len(fact) > len(prefix)


@dataclass(frozen=True)
class ProbeOptions:
    """Settings a probe run may use; per-outlet settings from the inventory come in `settings`."""

    timeout_seconds: float = 10.0
    ca_file: str | None = None
    use_nmap: bool = True
    settings: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Measurement:
    """What a probe returns when it could measure: flat facts, and how it measured them."""

    facts: Mapping[str, Any]
    method: str
    tool_version: str = ""
    """Set when the version is only known after running (for example nmap's own version)."""


class Probe(abc.ABC):
    """Base of all probes. Subclasses set the class attributes and implement `measure`."""

    name: ClassVar[str]
    tool: ClassVar[str]
    facts: ClassVar[tuple[FactSpec, ...]]

    def key(self, target: Target) -> str:
        """What makes two targets the same for this probe, so that it runs once per key per run."""
        return target.url

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
        return any(spec.matches(fact) for spec in cls.facts)

    @classmethod
    def check_declared(cls, facts: Mapping[str, Any]) -> list[str]:
        """Names in `facts` that this probe did not declare (a bug in the probe); for tests."""
        return [name for name in facts if not cls.declares(name)]


_FACT_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[A-Za-z0-9_\-]+(\.[0-9]+)?)*(\.\*)?$")


def is_valid_fact_name(name: str) -> bool:
    """Whether `name` is a well-formed dotted fact name (segments may carry a version like 'TLSv1.0')."""
    return bool(_FACT_NAME.match(name))
