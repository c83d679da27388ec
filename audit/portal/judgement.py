"""Judging an outlet again in the portal: its stored probe result, its reviewed answers, its waivers.

No probe runs here. The outlet's probe evidence is its latest stored result with site evidence
(a `run`, a scheduled job, a scan launched from the portal, or an earlier re-judgement, which keeps
the probe status of every row in `probe_status`). Each requirement's probe-level result is read
back from it, then `audit.evaluation.merge_outlet` merges the answers of the latest reviewed
submission and the active portal waivers, exactly as `l3audit run --answers --waivers` would
(`audit.selfassess.merge`). The new result is stored like any other, so the dashboard's "latest
result per outlet" shows it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from audit import __version__
from audit.catalogue.loader import Checklist, Requirement
from audit.department.store import Store
from audit.engine import checklist_ref
from audit.evaluation import evaluate_requirement, merge_outlet, summarise
from audit.models import Assessment, Evidence, RequirementResult, SiteResult, Status
from audit.portal.submissions import RowDecision, Submission, latest_reviewed, reviewed_answers
from audit.portal.waivers import waiver_set
from audit.result import SCHEMA_VERSION
from audit.selfassess.answers import Answer, AnswerSet, AnswerValue
from audit.selfassess.merge import SelfAssessment, merge_requirement

ROUND_SOURCE = "portal"
NO_PROBE_RESULT = "no probe result stored for this outlet yet"


def probe_document(store: Store, outlet_id: str) -> dict[str, Any] | None:
    """The outlet's latest stored result with site evidence (else its latest result; None without any)."""
    rows = store.results(outlet_id=outlet_id, include_withdrawn=False)
    newest = None
    for row in reversed(rows):
        doc = store.documents([row.id])[row.id]
        newest = newest or doc
        if any(isinstance(r, dict) and r.get("sites") for r in doc.get("requirements") or []):
            return doc
    return newest


def _site(data: Mapping[str, Any]) -> SiteResult:
    evidence = tuple(Evidence(str(e.get("fact", "")), str(e.get("op", "")), e.get("expected"), e.get("observed"),
                              bool(e.get("present", True)), bool(e.get("satisfied")), str(e.get("signal", "")))
                     for e in data.get("evidence") or [] if isinstance(e, dict))
    return SiteResult(str(data.get("target", "")), Status(data.get("status", "error")), str(data.get("reason", "")),
                      evidence, tuple(data.get("signals") or ()))


def probe_result(req: Requirement, stored: Mapping[str, Any] | None, have_document: bool) -> RequirementResult:
    """One requirement's probe-level result, read back from a stored row (answers and waivers taken off)."""
    if req.not_applicable_reason is not None or req.assessment is Assessment.MANUAL:
        return evaluate_requirement(req, {})  # tailoring and manual rows need no probe
    if stored is None:
        why = NO_PROBE_RESULT if not have_document else "the stored probe result has no row for this requirement"
        return RequirementResult(req.id, Status.ERROR, why, (), "probe")
    try:
        status = Status(stored.get("probe_status") or stored.get("status"))
        sites = tuple(_site(s) for s in stored.get("sites") or [] if isinstance(s, dict))
    except ValueError:
        return RequirementResult(req.id, Status.ERROR, "the stored probe result cannot be read", (), "probe")
    # The reason evaluate_requirement gives, rebuilt from the sites (the stored one may carry merge notes).
    reason = "; ".join(sorted({f"{s.target}: {s.reason}" for s in sites if s.status is status}))
    return RequirementResult(req.id, status, reason or str(stored.get("reason", "")), sites, "probe")


def probe_results(checklist: Checklist, document: Mapping[str, Any] | None) -> dict[str, RequirementResult]:
    """Every requirement of `checklist`'s probe-level result from a stored document, by id."""
    rows = {str(r.get("requirement_id")): r for r in (document or {}).get("requirements") or [] if isinstance(r, dict)}
    return {req.id: probe_result(req, rows.get(req.id), document is not None) for req in checklist.requirements}


def conflict_of(req: Requirement, probe: RequirementResult, answer: Answer) -> bool:
    """Whether the answer contradicts the probe: the merge's own test, plus 'implemented' where the check errs.

    An error is no evidence either way, but an officer accepting 'implemented' should know that the
    probe could not confirm it.
    """
    merged = merge_requirement(req, probe, answer, (), (), dt.date.today())
    if "conflict" in getattr(merged, "detail", {}):
        return True
    return answer.answer is AnswerValue.IMPLEMENTED and probe.status is Status.ERROR and probe.source == "probe"


Reviewed = tuple[Submission, Mapping[str, RowDecision]]
"""A submission and the decisions on its rows."""


def self_assessment(store: Store, checklist: Checklist, outlet_id: str, today: dt.date,
                    reviewed: Reviewed | None = None) -> SelfAssessment:
    """The outlet's reviewed answers (`reviewed`, else its latest finished review) and portal waivers."""
    reviewed = reviewed or latest_reviewed(store, checklist, outlet_id)
    answers: dict[str | None, AnswerSet] = {outlet_id: reviewed_answers(checklist, *reviewed)} if reviewed else {}
    return SelfAssessment(answers, waiver_set(store, checklist, outlet_id), {}, today)


def _skeleton(store: Store, outlet_id: str) -> dict[str, Any]:
    name = next((e["name"] for e in store.inventory() if e["id"] == outlet_id), outlet_id)
    return {"outlet": {"id": outlet_id, "name": name, "contact": {"name": "", "email": "", "phone": ""},
                       "tags": [], "sites": []}, "probe_attempts": []}


def judged_document(store: Store, checklist: Checklist, outlet_id: str, officer: str,
                    today: dt.date | None = None, reviewed: Reviewed | None = None) -> dict[str, Any]:
    """A new result for the outlet: its probe evidence, reviewed answers and active waivers merged.

    `reviewed` is the review being finished (not stored yet); by default the latest finished one counts.
    """
    today = today or dt.date.today()
    base = probe_document(store, outlet_id)
    probes = probe_results(checklist, base)
    merged = merge_outlet(checklist, outlet_id, [probes[r.id] for r in checklist.requirements],
                          self_assessment(store, checklist, outlet_id, today, reviewed))
    stamp = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    source = base or _skeleton(store, outlet_id)
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "l3audit", "version": __version__},
        "outlet": source["outlet"],
        "checklist": checklist_ref(checklist).to_dict(),
        "started_at": str(base["started_at"]) if base else stamp,
        "finished_at": stamp,
        "probe_attempts": list(source.get("probe_attempts") or []),
        "requirements": [r.to_dict() for r in merged],
        "summary": summarise(checklist, merged),
        "auditor": {"name": officer},
        "run": {"origin": "l3audit portal"},
    }


def store_judgement(store: Store, checklist: Checklist, outlet_id: str, officer: str,
                    today: dt.date | None = None) -> int:
    """Judge the outlet again and store the result in today's portal round; returns the result id."""
    data = judged_document(store, checklist, outlet_id, officer, today)
    result_id, _created = store.add_result(data, portal_round(store))
    return result_id


def portal_round(store: Store) -> int:
    """Today's round of results judged in the portal."""
    return store.round_by_label(f"portal {dt.date.today().isoformat()}", ROUND_SOURCE)
