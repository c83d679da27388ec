"""Judging requirements from probe attempts: pure functions, no I/O (Prowler: checks read data).

A requirement is evaluated per site from the facts of the probe attempts for that site, then the
sites are combined by status precedence. A probe that could not measure makes the requirements
that need it `error`, never `fail`. `judge_outlet` then merges self-assessment answers, reviewer
decisions and waivers (`audit.selfassess.merge`), and `summarise` applies the verdict gate and the scoring
model (`audit.scoring`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from audit.catalogue.loader import Checklist, Requirement
from audit.catalogue.conditions import evaluate
from audit.selfassess.merge import SelfAssessment, merge_requirement
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
from audit.scoring import summarise_data


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
    unmeasured = _unmeasured(requirement, facts)
    if unmeasured:
        proven = _proven_failure(requirement, site, facts, unmeasured)
        if proven is not None:
            return proven
        return SiteResult(site, Status.ERROR, "could not measure (" + "; ".join(unmeasured) + ")")
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


def _proven_failure(requirement: Requirement, site: str, facts: Mapping[str, Any],
                    unmeasured: list[str]) -> SiteResult | None:
    """A fail already proven by measured facts alone, or None (STYLE: a proven finding stays a fail).

    A check fails on proven evidence when every fact it reads was measured: a readable /.env
    fails the secrets row even though later paths were rate limited.
    """
    keys = [u.split(":", 1)[0] for u in unmeasured]
    if requirement.applies_if is not None and not evaluate(requirement.applies_if, facts)[0]:
        return None
    proven, evidence = [], []
    for check in requirement.checks:
        if any(f == k or f.startswith(f"{k}.") for f in check.facts for k in keys):
            continue
        if any(f not in facts for f in check.facts):  # an absent fact proves nothing here
            continue
        satisfied, seen = evaluate(check.expect, facts)
        if not satisfied:
            proven.append(check.id)
            evidence.extend(seen)
    if not proven:
        return None
    return SiteResult(site, Status.FAIL, "failed check(s): " + ", ".join(proven) + " (proven; other facts not measured: "
                      + "; ".join(unmeasured) + ")", tuple(evidence))


def _unmeasured(requirement: Requirement, facts: Mapping[str, Any]) -> list[str]:
    """Facts the requirement reads that its probe could not measure, with the probe's reason.

    A probe that ran may still fail single checks; it lists them in `<probe>.errors` (or, for answers
    that were blocks or throttles, `<probe>.unmeasured`) as fact name (or prefix) -> reason and
    leaves those facts out. Reading such an absent fact as "false" would
    turn a missing measurement into a fail, so the requirement is `error` instead.
    """
    used = requirement.facts
    reasons = []
    for probe in requirement.probes:
        for name in (f"{probe}.errors", f"{probe}.unmeasured"):
            errors = facts.get(name)
            if isinstance(errors, Mapping):
                reasons += _reasons_for(used, errors)
    return reasons


def _reasons_for(used: set[str], errors: Mapping[str, Any]) -> list[str]:
    """`key: reason` for each unmeasured fact name or prefix that one of the `used` facts falls under."""
    return [f"{key}: {why}" for key, why in errors.items()
            if any(fact == key or fact.startswith(f"{key}.") for fact in used)]


def evaluate_requirement(
    requirement: Requirement, sites: Mapping[str, Mapping[str, ProbeAttempt]]
) -> RequirementResult:
    """Judge one requirement for an outlet whose sites' attempts are given as site -> probe -> attempt."""
    if requirement.not_applicable_reason is not None:
        reason = f"not applicable (tailoring): {requirement.not_applicable_reason.en}"
        return RequirementResult(requirement.id, Status.NOT_APPLICABLE, reason, (), "tailoring")
    if requirement.assessment is Assessment.MANUAL:
        return RequirementResult(requirement.id, Status.MANUAL, "needs a person (no automated check)", (), "manual")
    per_site = tuple(evaluate_site(requirement, site, attempts) for site, attempts in sites.items())
    status = combine_statuses([s.status for s in per_site])
    reasons = sorted({f"{s.target}: {s.reason}" for s in per_site if s.status is status})
    return RequirementResult(requirement.id, status, "; ".join(reasons), per_site, "probe")


def judge_outlet(
    checklist: Checklist,
    outlet_id: str,
    sites: Mapping[str, Mapping[str, ProbeAttempt]],
    self_assessment: SelfAssessment | None = None,
) -> tuple[RequirementResult, ...]:
    """Judge every requirement for one outlet, then merge its answers and waivers (if any)."""
    results = tuple(evaluate_requirement(req, sites) for req in checklist.requirements)
    if self_assessment is None:
        return results
    key, answers = self_assessment.answers_for(outlet_id)
    merged = []
    for req, result in zip(checklist.requirements, results):
        answer = answers.get(req.id) if answers else None
        flags = self_assessment.evidence_flags.get((key, req.id), ()) if answer else ()
        waivers = self_assessment.waivers.matching(req.id, outlet_id)
        merged.append(merge_requirement(req, result, answer, flags, waivers, self_assessment.today))
    return tuple(merged)


def summarise(checklist: Checklist, results: Iterable[RequirementResult]) -> dict[str, Any]:
    """Counts per status, the verdict gate, pass share, coverage and score (see `audit.scoring`).

    Verdict: 'compliant' only if every mandatory requirement passes (or is waived / not applicable);
    'not_compliant' if a mandatory one fails; otherwise 'incomplete' (errors or manual items remain).
    Computed from the same plain data a result file stores, so `audit.scoring.rescore` agrees.
    """
    return summarise_data(checklist, [r.to_dict() for r in results])
