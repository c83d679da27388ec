"""The officer's review: submissions waiting, each row accepted or rejected, conflicts with the probes shown.

A review is saved as often as the officer likes and finished once; the form carries the version
it was rendered from, so a second officer's save on a stale page is refused with 409 and nothing
of it is written (audit.portal.submissions). Finishing stores a new result for the outlet in which
accepted answers count and rejected ones do not (audit.portal.judgement).
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, abort, current_app, g, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from audit.catalogue.loader import Checklist
from audit.portal.access import roles_required
from audit.department.store.store import now_iso
from audit.portal.judgement import conflict_of, judged_document, portal_round, probe_document, probe_results
from audit.portal.locale import current_lang
from audit.portal.submissions import (
    ACCEPTED,
    REJECTED,
    RowDecision,
    Submission,
    VersionConflict,
    decisions_of,
    get_submission,
    reviewed_answers,
    save_review,
    waiting_submissions,
)
from audit.report.messages import msg
from audit.report.reasons import site_sentence

bp = Blueprint("officer_review", __name__, url_prefix="/officer")
MAX_REASON = 5000
_SHA256 = re.compile(r"[0-9a-f]{64}")


def _names() -> dict[str, str]:
    return {e["id"]: e["name"] for e in current_app.extensions["l3audit_store"].inventory()}


@bp.route("/submissions")
@roles_required("officer", "admin")
def queue() -> str:
    """Submissions waiting for review, oldest first."""
    items = waiting_submissions(current_app.extensions["l3audit_store"])
    return render_template("review_queue.html", items=items, names=_names())


def _conflict_lines(probe: Any, lang: str) -> list[str]:
    answer = msg("answer.implemented", lang)
    lines = [msg("reason.conflict", lang, answer=answer, status=msg(f"status.{probe.status.value}", lang))]
    lines += [site_sentence(s.to_dict(), lang) for s in probe.sites if s.status.value in ("fail", "error")]
    return lines


def _evidence(outlet_id: str, item: dict[str, Any]) -> dict[str, Any]:
    """A file of a snapshot row: its name, size, short hash, and the download link (the outlet's evidence route,
    which serves it as an attachment with nosniff) when the hash is a SHA-256."""
    sha256 = str(item.get("sha256", "")).lower()
    url = url_for("evidence.download", outlet_id=outlet_id, sha256=sha256) if _SHA256.fullmatch(sha256) else ""
    return {"filename": item.get("filename", ""), "sha256": sha256[:12], "size": item.get("size"), "url": url}


def _rows(checklist: Checklist, sub: Submission, posted: dict[str, tuple[str, str]] | None) -> list[dict[str, Any]]:
    """The review page's view-model: each snapshot row with its decision, and its conflict if any."""
    store = current_app.extensions["l3audit_store"]
    lang = current_lang()
    saved = decisions_of(store, sub.id)
    answers = reviewed_answers(checklist, sub, {})
    probes = probe_results(checklist, probe_document(store, sub.outlet_id))
    reqs = {r.id: r for r in checklist.requirements}
    rows = []
    for row in sub.rows:
        rid = str(row["requirement_id"])
        req, answer = reqs.get(rid), answers.answers.get(rid)
        conflict = bool(req and answer and answer.answer and conflict_of(req, probes[rid], answer))
        decision, reason = posted.get(rid, ("", "")) if posted is not None else \
            ((saved[rid].decision, saved[rid].reason) if rid in saved else ("", ""))
        rows.append({
            "id": rid, "title": req.title.get(lang) if req else rid, "answer": row.get("answer") or "",
            "justification": row.get("justification") or "", "text": row.get("text") or "",
            "answered_by": row.get("answered_by") or "", "answered_at": row.get("answered_at") or "",
            "evidence": [_evidence(sub.outlet_id, e) for e in row.get("evidence") or [] if isinstance(e, dict)],
            "conflict": conflict, "conflict_lines": _conflict_lines(probes[rid], lang) if conflict else [],
            "no_probe_result": conflict and not probes[rid].sites,  # nothing measured, or the row is missing
            "decision": decision, "reason": reason, "saved": saved.get(rid),
        })
    return rows


def _page(sub: Submission, posted: dict[str, tuple[str, str]] | None = None, errors: list[str] | None = None,
          status: int = 200) -> tuple[str, int]:
    checklist = current_app.extensions["l3audit_checklist"]
    same_catalogue = sub.checklist_id == checklist.id and sub.content_hash == checklist.content_hash
    return render_template("review.html", sub=sub, name=_names().get(sub.outlet_id, sub.outlet_id),
                           rows=_rows(checklist, sub, posted), errors=errors or [], form=FlaskForm(),
                           same_catalogue=same_catalogue), status


@bp.route("/submissions/<int:submission_id>")
@roles_required("officer", "admin")
def review_page(submission_id: int) -> tuple[str, int]:
    """One submission, every row with its answer, evidence, conflict and the decision form."""
    sub = get_submission(current_app.extensions["l3audit_store"], submission_id)
    if sub is None:
        abort(404)
    return _page(sub)


def _posted(sub: Submission) -> tuple[dict[str, tuple[str, str]], list[str]]:
    """The decisions of the form, and what is wrong with them (message keys)."""
    posted: dict[str, tuple[str, str]] = {}
    errors: list[str] = []
    for row in sub.rows:
        rid = str(row["requirement_id"])
        decision = request.form.get(f"decision-{rid}", "")
        reason = request.form.get(f"reason-{rid}", "").strip()
        if decision not in ("", ACCEPTED, REJECTED) or len(reason) > MAX_REASON:
            abort(400)
        posted[rid] = (decision, reason)
        if decision == REJECTED and not reason:
            errors.append("portal.review.reason_needed")
    return posted, sorted(set(errors))


@bp.route("/submissions/<int:submission_id>", methods=["POST"])
@roles_required("officer", "admin")
def save(submission_id: int) -> Response | tuple[str, int]:
    """Save the decisions (and, with action=finish, end the review and store the new result)."""
    store = current_app.extensions["l3audit_store"]
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400)
    sub = get_submission(store, submission_id)
    if sub is None:
        abort(404)
    try:
        seen = int(request.form.get("version", ""))
    except ValueError:
        abort(400)
    finish = request.form.get("action") == "finish"
    g.audit_detail = {"submission": submission_id, "outlet_id": sub.outlet_id, "version": seen, "finish": finish}
    if sub.state != "waiting" or sub.version != seen:
        return _stale()
    posted, errors = _posted(sub)
    if finish and any(row.get("answer") and not posted[str(row["requirement_id"])][0] for row in sub.rows):
        errors.append("portal.review.undecided")
    if errors:
        g.audit_action = "review.refused"
        return _page(sub, posted, errors, 400)
    officer, stamp = current_user.username, now_iso()
    decisions = [RowDecision(rid, d, r, officer, stamp) for rid, (d, r) in posted.items() if d]
    result = None
    if finish:  # judged now with these decisions, stored in the transaction that ends the review
        every = {**decisions_of(store, submission_id), **{d.requirement_id: d for d in decisions}}
        checklist = current_app.extensions["l3audit_checklist"]
        result = (judged_document(store, checklist, sub.outlet_id, officer, reviewed=(sub, every)), portal_round(store))
    try:
        _version, result_id = save_review(store, submission_id, seen, decisions, officer, finish, stamp, result)
    except VersionConflict:
        return _stale()
    g.audit_action = "review.finish" if finish else "review.save"
    g.audit_detail["decisions"] = {d.requirement_id: d.decision for d in decisions}
    if finish:
        g.audit_detail["result_id"] = result_id
        return redirect(url_for("officer_review.queue"))  # type: ignore[return-value]
    return redirect(url_for("officer_review.review_page", submission_id=submission_id))  # type: ignore[return-value]


def _stale() -> tuple[str, int]:
    """Another officer saved first (or finished the review): say so, write nothing."""
    g.audit_action = "review.conflict"
    return render_template("error.html", message="portal.review.stale"), 409
