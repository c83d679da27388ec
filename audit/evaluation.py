"""Judging requirements from probe attempts: pure functions, no I/O (Prowler: checks read data).

A requirement is evaluated per site from the facts of the probe attempts for that site, then the
sites are combined by status precedence. A probe that could not measure makes the requirements
that need it `error`, never `fail`. `judge_outlet` then merges self-assessment answers, reviewer
decisions and waivers (`audit.selfassess.merge`), and `summarise` applies the verdict gate and the scoring
model (`audit.scoring`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from audit.catalogue.loader import Checklist, Requirement
from audit.catalogue.conditions import evaluate, leaves
from audit.landing import judged_on
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
    """Judge one requirement on one site, given the site's attempts keyed by probe name.

    Facts come only from attempts that measured. A check whose facts were all measured and that
    fails is a proven fail even when other facts of the row were not measured; a row with an
    unmeasured decisive check and no proven fail is `error`. Supporting checks never fail a row:
    when they do not hold they are `signals` for the person who decides the (`both`) row.
    """
    facts: dict[str, Any] = {}
    for attempt in attempts.values():
        if attempt.status is not AttemptStatus.ERROR:
            facts.update(attempt.facts)
    unmeasured = _unmeasured_probes(requirement, attempts) + _unmeasured(requirement, facts)
    keys = [u.split(":", 1)[0] for u in unmeasured]

    def blind(names: Iterable[str]) -> bool:
        """Whether any of these facts was not measured (absent facts count only when something was not)."""
        return bool(keys) and any(f not in facts or any(f == k or f.startswith(f"{k}.") for k in keys) for f in names)

    not_measured = "could not measure (" + "; ".join(unmeasured) + ")"
    if requirement.applies_if is not None:
        if blind(leaf.fact for leaf in leaves(requirement.applies_if)):
            return SiteResult(site, Status.ERROR, not_measured)
        applies, seen = evaluate(requirement.applies_if, facts)
        if not applies:
            return SiteResult(site, Status.NOT_APPLICABLE, "does not apply to this site", tuple(seen))
    evidence: list[Evidence] = []
    failed: list[str] = []
    signals: list[str] = []
    blind_decisive: list[str] = []
    blind_supporting: list[str] = []
    for check in requirement.checks:
        if blind(check.facts):
            (blind_supporting if check.supporting else blind_decisive).append(check.id)
            continue
        satisfied, seen = evaluate(check.expect, facts)
        evidence.extend(replace(e, signal=check.id) if check.supporting else e for e in seen)
        if not satisfied:
            (signals if check.supporting else failed).append(check.id)
    if failed:
        reason = "failed check(s): " + ", ".join(failed)
        if unmeasured:
            reason += " (proven; other facts not measured: " + "; ".join(unmeasured) + ")"
        return SiteResult(site, Status.FAIL, reason, tuple(evidence), tuple(signals))
    if blind_decisive:
        return SiteResult(site, Status.ERROR, not_measured)
    if requirement.assessment is Assessment.BOTH:
        reason = "automated part passed; the rest needs a person"
        if signals:
            reason = "supporting signal(s) for the person deciding: " + ", ".join(signals)
        if blind_supporting:
            reason += f"; supporting signal(s) not measured: {', '.join(blind_supporting)} ({'; '.join(unmeasured)})"
        return SiteResult(site, Status.MANUAL, reason, tuple(evidence), tuple(signals))
    return SiteResult(site, Status.PASS, "all checks passed", tuple(evidence))


def _unmeasured_probes(requirement: Requirement, attempts: Mapping[str, ProbeAttempt]) -> list[str]:
    """`probe: reason` for each probe the requirement needs that failed or did not run."""
    reasons = []
    for probe in requirement.probes:
        attempt = attempts.get(probe)
        if attempt is None:
            reasons.append(f"{probe}: probe did not run")
        elif attempt.status is AttemptStatus.ERROR:
            reasons.append(f"{probe}: {attempt.error_reason}")
    return reasons


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
    requirement: Requirement, sites: Mapping[str, Mapping[str, ProbeAttempt]],
    landing: Mapping[str, frozenset[str]] | None = None,
) -> RequirementResult:
    """Judge one requirement for an outlet whose sites' attempts are given as site -> probe -> attempt.

    `landing` names the sites derived from a redirect to another host of the outlet (site -> the
    probes run on it, `audit.landing`): they are judged only for rows reading those probes.
    """
    if requirement.not_applicable_reason is not None:
        reason = f"not applicable (tailoring): {requirement.not_applicable_reason.en}"
        return RequirementResult(requirement.id, Status.NOT_APPLICABLE, reason, (), "tailoring")
    if requirement.assessment is Assessment.MANUAL:
        return RequirementResult(requirement.id, Status.MANUAL, "needs a person (no automated check)", (), "manual")
    landing = landing or {}
    per_site = tuple(evaluate_site(requirement, site, attempts) for site, attempts in sites.items()
                     if site not in landing or judged_on(requirement.probes, landing[site], attempts))
    status = combine_statuses([s.status for s in per_site])
    reasons = sorted({f"{s.target}: {s.reason}" for s in per_site if s.status is status})
    return RequirementResult(requirement.id, status, "; ".join(reasons), per_site, "probe")


def judge_outlet(
    checklist: Checklist,
    outlet_id: str,
    sites: Mapping[str, Mapping[str, ProbeAttempt]],
    self_assessment: SelfAssessment | None = None,
    landing: Mapping[str, frozenset[str]] | None = None,
) -> tuple[RequirementResult, ...]:
    """Judge every requirement for one outlet, then merge its answers and waivers (if any)."""
    results = tuple(evaluate_requirement(req, sites, landing) for req in checklist.requirements)
    return merge_outlet(checklist, outlet_id, results, self_assessment)


def merge_outlet(
    checklist: Checklist,
    outlet_id: str,
    results: Iterable[RequirementResult],
    self_assessment: SelfAssessment | None,
) -> tuple[RequirementResult, ...]:
    """Merge an outlet's answers, reviews and waivers into its probe results (one per requirement, in order).

    Shared by the engine and by the portal, which re-judges a stored probe result after a review.
    """
    results = tuple(results)
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
