"""Scoring model `l3audit-score/1`, the verdict gate, and re-scoring of stored results.

Everything here works on plain result data (the requirement dicts of a result file) plus the
catalogue, so that a live audit and `rescore()` of an old result run the very same code and give the
same numbers. The model (documented in docs/scoring.md):

- a requirement is worth points by severity (critical 10, high 7, medium 4, low 2, info 1);
- it earns them all when `pass`, half when `fail` from a 'partly' answer a reviewer accepted
  (credit 'partial'), none when `fail` or `waived` (a waiver excuses, it does not implement);
- only *determined* requirements (pass, fail, waived) enter a percentage; `manual` and `error` are
  left out and lower the coverage instead, `not_applicable` is left out of both;
- percentages are pooled points (earned / possible) per group and overall, and every percentage
  comes with its coverage: determined requirements / applicable requirements.

The verdict gate ignores points: compliant only if every mandatory requirement is pass (by probe or
accepted evidence), waived by a valid waiver, or not applicable.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from audit.catalogue.loader import Checklist
from audit.errors import ResultError
from audit.i18n import phrase
from audit.models import Status

SCORING_MODEL = "l3audit-score/1"
SEVERITY_POINTS: Mapping[str, int] = {"critical": 10, "high": 7, "medium": 4, "low": 2, "info": 1}
DETERMINED = (Status.PASS.value, Status.FAIL.value, Status.WAIVED.value)


def _percent(part: float, whole: float) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def requirement_points(severity: str, status: str, credit: str = "") -> tuple[float, int, bool]:
    """(points earned, points possible, counted) for one requirement under this model."""
    possible = SEVERITY_POINTS[severity]
    if status == Status.PASS.value:
        return float(possible), possible, True
    if status == Status.FAIL.value:
        return (possible / 2 if credit == "partial" else 0.0), possible, True
    if status == Status.WAIVED.value:
        return 0.0, possible, True
    return 0.0, possible if status != Status.NOT_APPLICABLE.value else 0, False


def score(checklist: Checklist, requirements: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Points per requirement and per group, the overall percentage, and coverage next to each."""
    per_req: dict[str, dict[str, Any]] = {}
    groups: dict[str, dict[str, Any]] = {}
    for data in requirements:
        req = checklist.requirement(data["requirement_id"])
        status = data["status"]
        earned, possible, counted = requirement_points(req.severity.value, status, data.get("credit", ""))
        per_req[req.id] = {"group": req.group, "status": status, "points": earned, "max_points": possible,
                           "counted": counted}
        g = groups.setdefault(req.group, {"points": 0.0, "max_points": 0, "determined": 0, "applicable": 0})
        if status != Status.NOT_APPLICABLE.value:
            g["applicable"] += 1
        if counted:
            g["points"] += earned
            g["max_points"] += possible
            g["determined"] += 1
    for g in groups.values():
        g["percent"] = _percent(g["points"], g["max_points"])
        g["coverage_percent"] = _percent(g["determined"], g["applicable"])
    points = sum(g["points"] for g in groups.values())
    possible_total = sum(g["max_points"] for g in groups.values())
    determined = sum(g["determined"] for g in groups.values())
    applicable = sum(g["applicable"] for g in groups.values())
    return {
        "model": SCORING_MODEL,
        "checklist_hash": checklist.content_hash,
        "points": points,
        "max_points": possible_total,
        "percent": _percent(points, possible_total),
        "determined": determined,
        "applicable": applicable,
        "coverage_percent": _percent(determined, applicable),
        "groups": groups,
        "requirements": per_req,
    }


def summarise_data(checklist: Checklist, requirements: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The result summary from requirement dicts: counts, verdict gate, pass rate, coverage, score.

    Verdict: 'compliant' only if every mandatory requirement is pass, waived or not applicable;
    'not_compliant' if a mandatory one fails; otherwise 'incomplete' (errors or manual items remain).
    """
    results = list(requirements)
    mandatory = {r.id for r in checklist.requirements if r.mandatory}
    counts = Counter(r["status"] for r in results)
    mandatory_results = [r for r in results if r["requirement_id"] in mandatory]
    if any(r["status"] == Status.FAIL.value for r in mandatory_results):
        verdict = "not_compliant"
    elif all(r["status"] in (Status.PASS.value, Status.WAIVED.value, Status.NOT_APPLICABLE.value)
             for r in mandatory_results):
        verdict = "compliant"
    else:
        verdict = "incomplete"
    decided = sum(counts[s] for s in DETERMINED)
    applicable = len(results) - counts[Status.NOT_APPLICABLE.value]
    return {
        "counts": {s.value: counts.get(s.value, 0) for s in Status},
        "total": len(results),
        "mandatory_failed": sorted(r["requirement_id"] for r in mandatory_results if r["status"] == Status.FAIL.value),
        "mandatory_open": sorted(r["requirement_id"] for r in mandatory_results
                                 if r["status"] in (Status.MANUAL.value, Status.ERROR.value)),
        "verdict": verdict,
        "pass_percent": _percent(counts[Status.PASS.value], decided),
        "coverage_percent": _percent(decided, applicable),
        "conflicts": sorted(r["requirement_id"] for r in results if r.get("conflict")),
        "evidence_flagged": sorted(r["requirement_id"] for r in results if r.get("evidence_flags")),
        "waived": sorted(r["requirement_id"] for r in results if r["status"] == Status.WAIVED.value),
        "expired_waivers": sorted({w["id"] for r in results for w in r.get("expired_waivers", [])}),
        "scoring_model": SCORING_MODEL,
        "score": score(checklist, results),
    }


def rescore(result: Mapping[str, Any], checklist: Checklist) -> dict[str, Any]:
    """Recompute a stored result's summary under this model; same statuses give the same numbers.

    The result must have been judged against this very catalogue (same content hash), and, if it
    records a scoring model, against this one.
    """
    pinned = result.get("checklist", {}).get("content_hash")
    if pinned != checklist.content_hash:
        raise ResultError(
            f"result was judged against checklist {result.get('checklist', {}).get('id')} {pinned}, "
            f"not {checklist.id} {checklist.content_hash}; load the catalogue version the result names"
        )
    model = result.get("summary", {}).get("scoring_model")
    if model not in (None, SCORING_MODEL):
        raise ResultError(phrase("error.scoring.model", model=model, current=SCORING_MODEL))
    return summarise_data(checklist, result["requirements"])
