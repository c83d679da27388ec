"""Re-judging a submitted result: its summary must follow from its own requirement statuses.

A signed result is the outlet's word. Before it is counted, the department recomputes what the
statuses give. With the catalogue the result names (a shipped one with the same content hash, or
one given with `--checklist`), the whole summary is recomputed by `audit.scoring.rescore`. Without
it, everything that does not need the catalogue is recomputed (counts, total, pass share,
coverage, the mandatory failures the result itself names) and a 'compliant' verdict with failures
is refused, since only the catalogue can say they are optional. Any difference refuses the import.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Mapping

from audit.catalogue.loader import Checklist
from audit.models import Status
from audit.phrases import said
from audit.scoring import DETERMINED, rescore

CHECKED = ("counts", "total", "verdict", "mandatory_failed", "mandatory_open", "pass_percent", "coverage_percent")
"""Summary keys that must equal their recomputed value (the score's details follow from the same data)."""


def catalogue_for(result: Mapping[str, Any], given: Checklist | None = None) -> Checklist | None:
    """The catalogue the result was judged against, when known here (given, or shipped with the same hash)."""
    pin = result.get("checklist") or {}
    if given is not None and given.content_hash == pin.get("content_hash"):
        return given
    from audit.catalogue.loader import builtin_checklists, load_checklist

    if pin.get("id") in builtin_checklists():
        shipped = load_checklist(str(pin["id"]))
        if shipped.content_hash == pin.get("content_hash"):
            return shipped
    return None


def _without_catalogue(result: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    statuses = {r["requirement_id"]: r["status"] for r in result["requirements"]}
    counts = Counter(statuses.values())
    decided = sum(counts[s] for s in DETERMINED)
    applicable = len(statuses) - counts[Status.NOT_APPLICABLE.value]
    expected: dict[str, Any] = {
        "counts": {s.value: counts.get(s.value, 0) for s in Status},
        "total": len(statuses),
        "pass_percent": round(100.0 * counts[Status.PASS.value] / decided, 1) if decided else None,
        "coverage_percent": round(100.0 * decided / applicable, 1) if applicable else None,
    }
    summary = result["summary"]
    problems: list[str] = [said("rejudge.mandatory_status", id=rid, status=statuses.get(rid, "absent"))
                for rid in summary.get("mandatory_failed") or [] if statuses.get(rid) != Status.FAIL.value]
    verdict = summary.get("verdict")
    if summary.get("mandatory_failed") and verdict != "not_compliant":
        problems.append(said("rejudge.verdict_with_failures", verdict=repr(verdict), ids=str(summary["mandatory_failed"])))
    if verdict == "compliant" and (counts[Status.FAIL.value] or summary.get("mandatory_open")):
        problems.append(said("rejudge.compliant_with_failures", failed=counts[Status.FAIL.value],
                             open=len(summary.get("mandatory_open") or [])))
    return expected, problems


def summary_differences(result: Mapping[str, Any], checklist: Checklist | None = None) -> list[str]:
    """What in the stored summary does not follow from the statuses ([] when it all does).

    ResultError (from `rescore`) when the result names a scoring model this l3audit does not have.
    """
    stored = result["summary"]
    catalogue = catalogue_for(result, checklist)
    problems: list[str] = []
    if catalogue is not None:
        expected = rescore(result, catalogue)
    else:
        expected, problems = _without_catalogue(result)
    for key in CHECKED:
        if key not in expected or (key not in stored and key == "mandatory_open"):
            continue
        have, want = stored.get(key), expected[key]
        if key == "counts":
            have = {s.value: (have or {}).get(s.value, 0) for s in Status}
        if have != want:
            problems.append(said("rejudge.differs", key=key, have=repr(have), want=repr(want)))
    return problems
