"""Judging requirements from probe attempts: pure functions, no I/O (Prowler: checks read data).

A requirement is evaluated per site from the facts of the probe attempts for that site, then the
sites are combined by status precedence. A probe that could not measure makes the requirements
that need it `error`, never `fail`.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Iterable, Mapping

from audit.checklist import Checklist, Requirement
from audit.conditions import evaluate
from audit.models import (
    Assessment,
    AttemptStatus,
    Evidence,
    ProbeAttempt,
    RequirementResult,
    SiteResult,
    Status,
    combine_statuses,
)


def evaluate_site(requirement: Requirement, site: str, attempts: Mapping[str, ProbeAttempt]) -> SiteResult:
    """Judge one requirement on one site, given the site's attempts keyed by probe name."""
    failed = [attempts[p] for p in requirement.probes if p in attempts and attempts[p].status is AttemptStatus.ERROR]
    missing = [p for p in requirement.probes if p not in attempts]
    if failed or missing:
        reasons = [f"{a.probe}: {a.error_reason}" for a in failed] + [f"{p}: probe did not run" for p in missing]
        return SiteResult(site, Status.ERROR, "could not measure (" + "; ".join(reasons) + ")")
    facts: dict[str, Any] = {}
    for attempt in attempts.values():
        facts.update(attempt.facts)
    evidence: list[Evidence] = []
    if requirement.applies_if is not None:
        applies, seen = evaluate(requirement.applies_if, facts)
        if not applies:
            return SiteResult(site, Status.NOT_APPLICABLE, "does not apply to this site", tuple(seen))
    failed_checks = []
    for check in requirement.checks:
        satisfied, seen = evaluate(check.expect, facts)
        evidence.extend(seen)
        if not satisfied:
            failed_checks.append(check.id)
    if failed_checks:
        return SiteResult(site, Status.FAIL, "failed check(s): " + ", ".join(failed_checks), tuple(evidence))
    if requirement.assessment is Assessment.BOTH:
        return SiteResult(site, Status.MANUAL, "automated part passed; the rest needs a person", tuple(evidence))
    return SiteResult(site, Status.PASS, "all checks passed", tuple(evidence))


def evaluate_requirement(
    requirement: Requirement, sites: Mapping[str, Mapping[str, ProbeAttempt]]
) -> RequirementResult:
    """Judge one requirement for an outlet whose sites' attempts are given as site -> probe -> attempt."""
    if requirement.assessment is Assessment.MANUAL:
        return RequirementResult(requirement.id, Status.MANUAL, "needs a person (no automated check)", (), "manual")
    per_site = tuple(evaluate_site(requirement, site, attempts) for site, attempts in sites.items())
    status = combine_statuses([s.status for s in per_site])
    reasons = sorted({f"{s.target}: {s.reason}" for s in per_site if s.status is status})
    return RequirementResult(requirement.id, status, "; ".join(reasons), per_site, "probe")


def summarise(checklist: Checklist, results: Iterable[RequirementResult]) -> dict[str, Any]:
    """Counts per status, the verdict gate, a pass share and coverage.

    Verdict: 'compliant' only if every mandatory requirement passes (or is waived / not applicable);
    'not_compliant' if a mandatory one fails; otherwise 'incomplete' (errors or manual items remain).
    """
    results = list(results)
    mandatory = {r.id for r in checklist.requirements if r.mandatory}
    counts = Counter(r.status.value for r in results)
    mandatory_statuses = [r.status for r in results if r.requirement_id in mandatory]
    if any(s is Status.FAIL for s in mandatory_statuses):
        verdict = "not_compliant"
    elif all(s in (Status.PASS, Status.WAIVED, Status.NOT_APPLICABLE) for s in mandatory_statuses):
        verdict = "compliant"
    else:
        verdict = "incomplete"
    decided = counts[Status.PASS.value] + counts[Status.FAIL.value] + counts[Status.WAIVED.value]
    applicable = len(results) - counts[Status.NOT_APPLICABLE.value]
    return {
        "counts": {s.value: counts.get(s.value, 0) for s in Status},
        "total": len(results),
        "mandatory_failed": sorted(r.requirement_id for r in results
                                   if r.requirement_id in mandatory and r.status is Status.FAIL),
        "verdict": verdict,
        "pass_percent": round(100.0 * counts[Status.PASS.value] / decided, 1) if decided else None,
        "coverage_percent": round(100.0 * decided / applicable, 1) if applicable else None,
    }
