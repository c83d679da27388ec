"""What a loaded checklist is: requirements, checks, parameters, groups (frozen dataclasses).

Kept apart from the loader (`audit.catalogue.loader`), which builds these from YAML and refuses bad files;
everything that only reads a catalogue (engine, evaluation, reports) needs no more than this.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from audit.catalogue.conditions import Condition, leaves
from audit.models import Assessment, Severity, Text


@dataclass(frozen=True)
class Reference:
    """A clause of a standard that a requirement implements."""

    standard: str
    clause: str
    id: str = ""


@dataclass(frozen=True)
class Check:
    """One automated test of a requirement: a condition over probe facts."""

    id: str
    expect: Condition
    title: Text | None = None
    supporting: bool = False
    """A supporting signal: when it does not hold the person deciding is told, but the row never fails on it."""

    @property
    def facts(self) -> list[str]:
        """The fact names the condition reads."""
        return [leaf.fact for leaf in leaves(self.expect)]


@dataclass(frozen=True)
class Parameter:
    """A tailorable threshold (log retention in months, minimum key size...)."""

    name: str
    value: Any
    description: Text
    min: float | None = None
    max: float | None = None
    unit: str = ""


@dataclass(frozen=True)
class Group:
    """A group of requirements (a clause family of the standard)."""

    id: str
    title: Text
    clause: str = ""


@dataclass(frozen=True)
class Requirement:
    """One requirement of a catalogue. It is not a check: it maps to zero or more checks (Prowler)."""

    id: str
    group: str
    title: Text
    description: Text
    remediation: Text
    severity: Severity
    assessment: Assessment
    references: tuple[Reference, ...]
    checks: tuple[Check, ...] = ()
    mandatory: bool = True
    confidence: str = "interpretation"
    evidence: tuple[Text, ...] = ()
    applies_if: Condition | None = None
    notes: Text | None = None
    origin: str = ""
    """The id of the catalogue the requirement was defined in (differs from the checklist's when inherited)."""
    parameters: tuple[str, ...] = ()
    """Names of the catalogue parameters the requirement's texts or checks use (its tailorable thresholds)."""
    not_applicable_reason: Text | None = None
    """Set only by tailoring: the row does not apply to this outlet, with the justification the
    department gave. The evaluation reports such a row as `not_applicable` with this reason."""

    @property
    def not_applicable(self) -> bool:
        """True when a tailoring marked this row not applicable."""
        return self.not_applicable_reason is not None

    @property
    def facts(self) -> set[str]:
        """Every fact name its checks and `applies_if` read."""
        conditions = [c.expect for c in self.checks] + ([self.applies_if] if self.applies_if else [])
        return {leaf.fact for cond in conditions for leaf in leaves(cond)}

    @property
    def probes(self) -> list[str]:
        """Names of the probes whose facts this requirement reads, in a stable order."""
        return sorted({fact.split(".", 1)[0] for fact in self.facts})


@dataclass(frozen=True)
class Checklist:
    """A loaded, validated catalogue: what an audit is judged against."""

    id: str
    title: Text
    standard: str
    level: int
    version: str
    path: str
    content_hash: str
    requirements: tuple[Requirement, ...]
    groups: tuple[Group, ...] = ()
    parameters: Mapping[str, Parameter] = field(default_factory=dict)
    extends: str = ""
    excluded: Mapping[str, Text] = field(default_factory=dict)
    """Parent rows that do not carry over to this level, with the reason."""
    tailoring: str = ""
    """The id of the tailoring applied to this catalogue ('' when none), see `audit.catalogue.tailoring`."""

    @property
    def probes(self) -> list[str]:
        """Every probe some requirement needs."""
        return sorted({p for r in self.requirements for p in r.probes})

    def requirement(self, requirement_id: str) -> Requirement:
        """The requirement with this id; KeyError if none."""
        for req in self.requirements:
            if req.id == requirement_id:
                return req
        raise KeyError(requirement_id)

    def group(self, group_id: str) -> Group | None:
        """The group with this id, if declared."""
        return next((g for g in self.groups if g.id == group_id), None)
