"""Comparing two audit rounds: what changed per requirement and per outlet, and since when it fails.

Pure functions on result documents (the JSON `l3audit run` writes), so results from files, from the
database or from imported bundles compare the same way.

Per requirement (status in OLD -> status in NEW; "ok" is pass, waived or not_applicable):
- `fixed`: fail -> ok;  `regressed`: anything else -> fail;  `improved`: error/manual -> ok;
- `unmeasured`: ok or fail -> error/manual (the new audit could not show either way);
- `unchanged`: same status, or ok -> another ok;  `new` / `removed`: absent on one side.
Per outlet (verdict rank not_compliant < incomplete < compliant, then the number of failures):
`fixed` (became compliant), `improved`, `regressed`, `unchanged`, `new`, `removed`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

OK = frozenset({"pass", "waived", "not_applicable"})
UNSURE = frozenset({"error", "manual"})
CHANGES = ("regressed", "fixed", "improved", "unmeasured", "unchanged", "new", "removed")
VERDICT_RANK = {"not_compliant": 0, "incomplete": 1, "compliant": 2}


def classify(old: str | None, new: str | None) -> str:
    """The change of one requirement's status between two audits (see the module docstring)."""
    if old is None:
        return "new" if new is not None else "unchanged"
    if new is None:
        return "removed"
    if old == new or (old in OK and new in OK):
        return "unchanged"
    if new == "fail":
        return "regressed"
    if new in OK:
        return "fixed" if old == "fail" else "improved"
    return "unmeasured"


@dataclass(frozen=True)
class RequirementChange:
    """One requirement of one outlet across the two audits."""

    outlet_id: str
    requirement_id: str
    old: str | None
    new: str | None
    change: str
    failing_since: str | None = None
    """For a failure still open in NEW: when this run of failures began (earliest known audit)."""


@dataclass(frozen=True)
class OutletChange:
    """One outlet across the two audits."""

    outlet_id: str
    name: str
    change: str
    old_verdict: str | None
    new_verdict: str | None
    old_pass_percent: float | None
    new_pass_percent: float | None
    old_failed: int
    new_failed: int
    counts: Mapping[str, int] = field(default_factory=dict)
    """Requirement changes of this outlet, by kind."""


@dataclass(frozen=True)
class Diff:
    """Everything that changed between OLD and NEW."""

    old_label: str
    new_label: str
    outlets: tuple[OutletChange, ...]
    requirements: tuple[RequirementChange, ...]

    def requirement_totals(self) -> dict[str, int]:
        """Requirement changes over all outlets, by kind (every kind present, maybe 0)."""
        counts = Counter(r.change for r in self.requirements)
        return {k: counts.get(k, 0) for k in CHANGES}

    def outlet_totals(self) -> dict[str, int]:
        """Outlets by kind of change."""
        counts = Counter(o.change for o in self.outlets)
        return {k: counts.get(k, 0) for k in CHANGES if k != "unmeasured"}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (for `diff --json`)."""
        return {
            "old": self.old_label, "new": self.new_label,
            "outlet_totals": self.outlet_totals(), "requirement_totals": self.requirement_totals(),
            "outlets": [o.__dict__ | {"counts": dict(o.counts)} for o in self.outlets],
            "requirements": [r.__dict__ for r in self.requirements if r.change != "unchanged"],
            "open_failures": [r.__dict__ for r in self.requirements if r.new == "fail"],
        }


def statuses_of(doc: Mapping[str, Any]) -> dict[str, str]:
    """{requirement id: status} of a result document."""
    return {r["requirement_id"]: r["status"] for r in doc.get("requirements", [])}


def failing_since(history: Sequence[tuple[str, Mapping[str, str]]]) -> dict[str, str]:
    """For each requirement failing in the last audit of `history` (oldest first: (finished_at,
    statuses)), the finished_at of the first audit of its current unbroken run of failures."""
    if not history:
        return {}
    since: dict[str, str] = {}
    for req, status in history[-1][1].items():
        if status != "fail":
            continue
        start = history[-1][0]
        for when, statuses in reversed(history[:-1]):
            if statuses.get(req) != "fail":
                break
            start = when
        since[req] = start
    return since


def _outlet_change(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> str:
    if old is None:
        return "new"
    if new is None:
        return "removed"
    o, n = VERDICT_RANK.get(old["summary"]["verdict"], 1), VERDICT_RANK.get(new["summary"]["verdict"], 1)
    if n > o:
        return "fixed" if new["summary"]["verdict"] == "compliant" else "improved"
    if n < o:
        return "regressed"
    of, nf = old["summary"]["counts"].get("fail", 0), new["summary"]["counts"].get("fail", 0)
    return "improved" if nf < of else "regressed" if nf > of else "unchanged"


def diff_results(old: Mapping[str, Mapping[str, Any]], new: Mapping[str, Mapping[str, Any]],
                 old_label: str = "OLD", new_label: str = "NEW",
                 since: Mapping[str, Mapping[str, str]] | None = None) -> Diff:
    """Compare two sets of results keyed by outlet id.

    `since` gives, per outlet, when each open failure began (from stored history); without it an
    open failure dates from OLD when it already failed there, else from NEW.
    """
    outlets: list[OutletChange] = []
    changes: list[RequirementChange] = []
    for outlet_id in sorted(set(old) | set(new)):
        o_doc, n_doc = old.get(outlet_id), new.get(outlet_id)
        o_st = statuses_of(o_doc) if o_doc else {}
        n_st = statuses_of(n_doc) if n_doc else {}
        known = (since or {}).get(outlet_id, {})
        mine: list[RequirementChange] = []
        for req in sorted(set(o_st) | set(n_st)):
            started = None
            if n_st.get(req) == "fail":
                started = known.get(req) or (o_doc["finished_at"] if o_st.get(req) == "fail" and o_doc else
                                             n_doc["finished_at"] if n_doc else None)
            mine.append(RequirementChange(outlet_id, req, o_st.get(req), n_st.get(req),
                                          classify(o_st.get(req), n_st.get(req)), started))
        changes.extend(mine)
        any_doc = n_doc or o_doc
        assert any_doc is not None
        outlets.append(OutletChange(
            outlet_id=outlet_id, name=any_doc["outlet"].get("name", outlet_id),
            change=_outlet_change(o_doc, n_doc),
            old_verdict=o_doc["summary"]["verdict"] if o_doc else None,
            new_verdict=n_doc["summary"]["verdict"] if n_doc else None,
            old_pass_percent=o_doc["summary"].get("pass_percent") if o_doc else None,
            new_pass_percent=n_doc["summary"].get("pass_percent") if n_doc else None,
            old_failed=sum(1 for s in o_st.values() if s == "fail"),
            new_failed=sum(1 for s in n_st.values() if s == "fail"),
            counts=dict(Counter(c.change for c in mine)),
        ))
    return Diff(old_label, new_label, tuple(outlets), tuple(changes))

