"""Merging probe results with self-assessment answers, reviewer decisions and waivers.

Reviewer decisions come from a reviewer's signed reviews file (`audit.selfassess.reviews`, verified
in `load_for_outlets`) or from the portal's officers; never from the outlet's own answers file.

Each requirement's final status is decided in this order, and what decided it is recorded in
`source` ('probe', 'manual', 'tailoring', 'answer', 'review', 'waiver'):

1. The probe result (`audit.evaluation.evaluate_requirement`). A tailored-out row stays
   `not_applicable`; nothing below changes it.
2. The answer. Where a probe judged the requirement (pass or fail), the probe wins; an answer that
   contradicts it (declares 'implemented' while the probe fails, 'not_implemented' or
   'not_applicable' while it passes) is flagged as a `conflict`. Where only a person can decide
   (`manual`, or `both` with the automated part passed): 'not_implemented' and 'partly' fail;
   'implemented' passes only once a reviewer accepted it and its evidence files still match their
   recorded SHA-256; 'not_applicable' needs an accepted review too. A rejected 'implemented' fails.
3. Waivers that cover the requirement and outlet (and site) and have not expired turn a status other
   than pass / not_applicable into `waived`. Expired waivers stop applying and are listed.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from audit.selfassess.answers import (
    Answer,
    AnswersError,
    AnswerSet,
    AnswerValue,
    Decision,
    check_evidence,
    load_answers,
)
from audit.catalogue.loader import Checklist, Requirement
from audit.models import RequirementResult, SiteResult, Status, combine_statuses
from audit.i18n import phrase, said_by
from audit.selfassess.waivers import Waiver, WaiverError, WaiverSet, load_waivers


@dataclass(frozen=True)
class MergedResult(RequirementResult):
    """A requirement result with the detail of how it was merged (answer, conflict, waiver...)."""

    detail: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The base result form plus the optional merge keys of the result schema."""
        data = super().to_dict()
        data.update(self.detail)
        return data


@dataclass(frozen=True)
class SelfAssessment:
    """Answers (per outlet) and waivers for an audit, loaded and checked before it starts."""

    answers: Mapping[str | None, AnswerSet] = field(default_factory=dict)
    """Outlet id -> answers; the key None holds a file that names no outlet (used for any outlet)."""
    waivers: WaiverSet = field(default_factory=WaiverSet)
    evidence_flags: Mapping[tuple[str | None, str], tuple[str, ...]] = field(default_factory=dict)
    """(answers key, requirement id) -> evidence problems found when the files were loaded."""
    today: dt.date = field(default_factory=dt.date.today)
    """The day waiver expiry is judged against."""

    def answers_for(self, outlet_id: str) -> tuple[str | None, AnswerSet | None]:
        """The answers key and set that apply to an outlet (its own file, else an unnamed one)."""
        if outlet_id in self.answers:
            return outlet_id, self.answers[outlet_id]
        return None, self.answers.get(None)


def load_self_assessment(checklist: Checklist, answer_paths: Sequence[Path] = (), waivers_path: Path | None = None,
                         today: dt.date | None = None, reviews_files: Sequence[Path] = (),
                         trusted_keys: Path | None = None, outlet_ids: Sequence[str] = ()) -> SelfAssessment:
    """Load and validate answers, reviews and waivers files, and hash evidence files now (before any scan).

    Reviews files are verified against `trusted_keys` and applied only to the very answers reviewed;
    `outlet_ids` are the audited outlets (reviews for another one are refused).
    """
    answers: dict[str | None, AnswerSet] = {}
    flags: dict[tuple[str | None, str], tuple[str, ...]] = {}
    for path in answer_paths:
        answer_set = load_answers(path, checklist)
        if answer_set.outlet in answers:
            message = (phrase("error.answers.second_file", outlet=answer_set.outlet) if answer_set.outlet
                       else phrase("error.answers.second_file_unnamed"))
            raise AnswersError(message, path=str(path), line=1, hint=phrase("error.answers.second_file.hint"))
        answers[answer_set.outlet] = answer_set
        for req_id, answer in answer_set.answers.items():
            problems = check_evidence(answer, answer_set.base_dir)
            if problems:
                flags[(answer_set.outlet, req_id)] = tuple(problems)
    waivers = load_waivers(waivers_path, checklist) if waivers_path else WaiverSet()
    assessment = SelfAssessment(answers, waivers, flags, today or dt.date.today())
    if reviews_files:
        assessment = _with_reviews(assessment, checklist, reviews_files, trusted_keys, list(outlet_ids))
    return assessment


def _same_outlet(assessment: SelfAssessment, outlet_id: str, waivers_file: Path | None) -> None:
    """Answers and waivers given for one audited outlet must be that outlet's: refused naming both ids."""
    for key, answer_set in assessment.answers.items():
        if key is not None and key != outlet_id:
            raise AnswersError(phrase("error.answers.other_outlet", outlet=key, audited=outlet_id),
                               path=answer_set.path, line=1,
                               hint=phrase("error.answers.other_outlet.hint", outlet=key, audited=outlet_id))
    named = assessment.waivers.waivers
    if named and not any(fnmatch.fnmatchcase(outlet_id, w.outlet) for w in named):
        others = ", ".join(sorted({w.outlet for w in named}))
        raise WaiverError(phrase("error.waivers.other_outlet", outlet=outlet_id, others=others),
                          path=str(waivers_file or ""), hint=phrase("error.waivers.other_outlet.hint"))


def _with_reviews(assessment: SelfAssessment, checklist: Checklist, reviews_files: Sequence[Path],
                  trusted_keys: Path | None, outlet_ids: list[str]) -> SelfAssessment:
    """The answers with the decisions of verified reviews files (signer role reviewer) applied."""
    # Loaded only when used: reviews bring the signing code (cryptography).
    from audit.department.keys import KeyFileError, load_trusted_keys
    from audit.selfassess.reviews import ReviewsError, apply_reviews, read_reviews

    if trusted_keys is None:
        raise ReviewsError(phrase("error.reviews.no_trusted_keys"))
    if not assessment.answers:
        raise ReviewsError(phrase("error.reviews.no_answers"))
    try:
        trusted = load_trusted_keys(trusted_keys)
    except KeyFileError as exc:
        raise ReviewsError(said_by(exc)) from exc
    answers = dict(assessment.answers)
    done: dict[str | None, str] = {}
    for path in reviews_files:
        reviews = read_reviews(path, trusted, checklist)
        if len(outlet_ids) == 1 and reviews.outlet is not None and reviews.outlet != outlet_ids[0]:
            raise ReviewsError(phrase("error.reviews.other_outlet", path=path, outlet=reviews.outlet,
                                      audited=outlet_ids[0]))
        if reviews.outlet in done:
            raise ReviewsError(phrase("error.reviews.second_file", path=path, outlet=_outlet_name(reviews.outlet),
                                      first=done[reviews.outlet]))
        key = reviews.outlet if reviews.outlet in answers else (next(iter(answers)) if len(answers) == 1
                                                                 else reviews.outlet)
        if key not in answers:
            raise ReviewsError(phrase("error.reviews.no_answers_for", path=path, outlet=_outlet_name(reviews.outlet)))
        answers[key] = apply_reviews(answers[key], reviews)
        done[reviews.outlet] = str(path)
    return replace(assessment, answers=answers)


def _outlet_name(outlet: str | None) -> object:
    """An outlet id as said in a message: the id, or the phrase for none."""
    return outlet if outlet else phrase("reviews.no_outlet")


def load_for_outlets(checklist: Checklist, answers_files: tuple[Path, ...], waivers_file: Path | None,
                     outlet_ids: list[str], reviews_files: tuple[Path, ...] = (),
                     trusted_keys: Path | None = None) -> SelfAssessment | None:
    """Validate answers, reviews and waivers for these outlets before any scan; None when none is given."""
    if not answers_files and waivers_file is None and not reviews_files:
        return None
    assessment = load_self_assessment(checklist, answers_files, waivers_file, None, reviews_files, trusted_keys,
                                      outlet_ids)
    for key, answer_set in assessment.answers.items():
        if key is None and len(outlet_ids) > 1:
            raise AnswersError(phrase("error.answers.no_outlet"), path=answer_set.path, line=1,
                               hint=phrase("error.answers.no_outlet.hint"))
        if key is not None and len(outlet_ids) > 1 and key not in outlet_ids:
            raise AnswersError(phrase("error.answers.outlet_not_in_inventory", outlet=key), path=answer_set.path,
                               line=1, hint=phrase("error.answers.outlet_not_in_inventory.hint"))
    if len(outlet_ids) == 1:
        _same_outlet(assessment, outlet_ids[0], waivers_file)
    if len(outlet_ids) == 1 and len(assessment.answers) == 1:  # one site, one file: it answers for it
        (key, answer_set), = assessment.answers.items()
        flags: dict[tuple[str | None, str], tuple[str, ...]] = {
            (None, rid): f for (_k, rid), f in assessment.evidence_flags.items()}
        assessment = replace(assessment, answers={None: answer_set}, evidence_flags=flags)
    return assessment


def merge_requirement(req: Requirement, probe: RequirementResult, answer: Answer | None,
                      evidence_flags: Sequence[str], waivers: Sequence[Waiver], today: dt.date) -> RequirementResult:
    """The final result of one requirement from its probe result, answer, review and waivers."""
    if probe.source == "tailoring":
        return probe
    detail: dict[str, Any] = {"probe_status": probe.status.value}
    result = probe
    if answer is not None:
        detail["answer"] = answer.to_dict()
        if evidence_flags:
            detail["evidence_flags"] = list(evidence_flags)
        result = _apply_answer(probe, answer, list(evidence_flags), detail)
    return _apply_waivers(result, waivers, today, detail)


def _apply_answer(probe: RequirementResult, answer: Answer, flags: list[str], detail: dict[str, Any]) -> RequirementResult:
    value, review = answer.answer, answer.review
    declared = f"declared '{value.value}'" if value else "unanswered"
    if probe.status in (Status.PASS, Status.FAIL):
        contradicts = (
            (probe.status is Status.FAIL and value in (AnswerValue.IMPLEMENTED, AnswerValue.NOT_APPLICABLE))
            or (probe.status is Status.PASS and value in (AnswerValue.NOT_IMPLEMENTED, AnswerValue.NOT_APPLICABLE))
        )
        if contradicts:
            detail["conflict"] = f"self-assessment {declared}, but the probe found '{probe.status.value}'; the probe wins"
            return replace(probe, reason=f"{probe.reason} [conflict: {detail['conflict']}]")
        return probe
    if probe.status is not Status.MANUAL:  # error or not_applicable by applies_if: the answer cannot decide
        return replace(probe, reason=f"{probe.reason} (self-assessment {declared} recorded)")
    who = f"{review.reviewer}, {review.reviewed_at}" if review else ""
    if value is AnswerValue.NOT_IMPLEMENTED:
        return replace(probe, status=Status.FAIL, source="answer", reason="declared not implemented")
    if value is AnswerValue.PARTLY:
        accepted = review is not None and review.decision is Decision.ACCEPTED and not flags
        if accepted:
            detail["credit"] = "partial"
        note = f" (accepted by {who}: partial credit)" if accepted else ""
        return replace(probe, status=Status.FAIL, source="answer", reason="declared partly implemented" + note)
    if review is None:
        return replace(probe, source="answer", reason=f"{declared}; awaiting a reviewer's decision")
    if review.decision is Decision.REJECTED:
        if value is AnswerValue.NOT_APPLICABLE:
            return replace(probe, source="review",
                           reason=f"declared not applicable, rejected ({who}): {review.reason}; answer again")
        return replace(probe, status=Status.FAIL, source="review", reason=f"evidence rejected ({who}): {review.reason}")
    if flags:
        return replace(probe, source="answer",
                       reason=f"{declared} and accepted, but evidence changed: {'; '.join(flags)}; needs a new review")
    if value is AnswerValue.NOT_APPLICABLE:
        return replace(probe, status=Status.NOT_APPLICABLE, source="review",
                       reason=f"not applicable: {answer.justification} (accepted: {who})")
    return replace(probe, status=Status.PASS, source="review", reason=f"implemented, evidence accepted ({who})")


def _apply_waivers(result: RequirementResult, waivers: Sequence[Waiver], today: dt.date,
                   detail: dict[str, Any]) -> RequirementResult:
    expired = [w for w in waivers if w.expired(today)]
    valid = [w for w in waivers if not w.expired(today)]
    reason = result.reason
    if expired:
        detail["expired_waivers"] = [w.to_dict(today) for w in expired]
        reason += "; " + "; ".join(f"waiver {w.id} expired on {w.expires} and no longer applies" for w in expired)
    result = replace(result, reason=reason)
    whole = next((w for w in valid if not w.site), None)
    if whole is not None and result.status not in (Status.PASS, Status.NOT_APPLICABLE):
        detail["waiver"] = whole.to_dict(today)
        if not whole.check_still_runs:
            return _merged(replace(result, sites=()), Status.WAIVED, "waiver",
                           f"waived by {whole.id} until {whole.expires} ({whole.approver}): {whole.justification}; "
                           "not checked while waived", detail)
        return _merged(result, Status.WAIVED, "waiver",
                       f"waived by {whole.id} until {whole.expires} ({whole.approver}): {whole.justification}; "
                       f"the check still ran: {result.status.value} ({reason})", detail)
    per_site = [w for w in valid if w.site]
    if per_site and result.sites and result.source == "probe":
        return _waive_sites(result, per_site, today, detail)
    return _merged(result, result.status, result.source, result.reason, detail)


def _waive_sites(result: RequirementResult, waivers: Sequence[Waiver], today: dt.date,
                 detail: dict[str, Any]) -> RequirementResult:
    sites: list[SiteResult] = []
    used: list[Waiver] = []
    for site in result.sites:
        waiver = next((w for w in waivers if _same_site(w.site, site.target)), None)
        if waiver is None or site.status in (Status.PASS, Status.NOT_APPLICABLE):
            sites.append(site)
            continue
        used.append(waiver)
        sites.append(replace(site, status=Status.WAIVED, reason=f"waived by {waiver.id} until {waiver.expires}; "
                                                                   f"the check found {site.status.value}: {site.reason}"))
    if not used:
        return _merged(result, result.status, result.source, result.reason, detail)
    detail["waiver"] = used[0].to_dict(today)
    rest: list[Status] = [s.status for s in sites if s.status is not Status.WAIVED]
    status = combine_statuses(rest) if rest else Status.WAIVED
    if status in (Status.WAIVED, Status.PASS, Status.NOT_APPLICABLE):  # met only thanks to the waiver
        ids = ", ".join(sorted({w.id for w in used}))
        return _merged(replace(result, sites=tuple(sites)), Status.WAIVED, "waiver",
                       f"waived on {len(used)} site(s) ({ids}); the other sites: {status.value}", detail)
    reasons = sorted({f"{s.target}: {s.reason}" for s in sites if s.status is status})
    return _merged(replace(result, sites=tuple(sites)), status, result.source, "; ".join(reasons), detail)


def _same_site(pattern: str, url: str) -> bool:
    return pattern.rstrip("/") == url.rstrip("/")


def _merged(result: RequirementResult, status: Status, source: str, reason: str, detail: dict[str, Any]) -> MergedResult:
    return MergedResult(result.requirement_id, status, reason, result.sites, source, dict(detail))
