"""The outlet member's area: the questionnaire (saved row by row, or as one types), submitting for review,
and the overview of the outlet's latest report and history.

The questionnaire is paged by requirement group (audit.portal.questionnaire_pages). Every page works
without script: each row has its own save button. `static/autosave.js` only posts
the same form in the background (`Accept: application/json`) after a pause in typing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import (Blueprint, Response, abort, current_app, flash, g, jsonify, redirect, render_template, request,
                   url_for)
from flask_login import current_user

from audit.i18n import t
from audit.portal.access import roles_required
from audit.portal.answers import load_portal_answers, save_portal_answer
from audit.portal.evidence import evidence_rows
from audit.portal.forms import ActionForm, AnswerForm
from audit.portal.locale import current_lang
from audit.portal.overview import outlet_overview
from audit.portal.questionnaire_pages import group_index, question_groups, row_url
from audit.portal.submit import NothingAnsweredError, outlet_submissions, submit_for_review

bp = Blueprint("outlet", __name__, url_prefix="/outlet")


def wants_json() -> bool:
    """Whether the client asked for JSON (the autosave script) rather than a page."""
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"


@bp.route("/<outlet_id>", methods=["GET"])
@roles_required("outlet", "officer", "admin")
def overview(outlet_id: str) -> str:
    """The latest report of the outlet's sites (verdict, score, fix first) and its history, newest first."""
    view = outlet_overview(current_app.extensions["l3audit_store"], current_app.extensions["l3audit_checklist"],
                           outlet_id, current_lang())
    return render_template("outlet_overview.html", outlet_id=outlet_id, **view)


@bp.route("/<outlet_id>/questionnaire", methods=["GET"], defaults={"group_id": None})
@bp.route("/<outlet_id>/questionnaire/<group_id>", methods=["GET"])
@roles_required("outlet")
def questionnaire(outlet_id: str, group_id: str | None) -> str:
    """One group's questions (the first group when none is named), in catalogue order, with the saved
    answer, its evidence files and the evidence asked for; the index of every group with its progress,
    previous / next, and the submission waiting for review (if any)."""
    store = current_app.extensions["l3audit_store"]
    checklist = current_app.extensions["l3audit_checklist"]
    groups = question_groups(checklist)
    at = 0 if group_id is None else next((n for n, grp in enumerate(groups) if grp.id == group_id), -1)
    if at < 0:
        abort(404)
    group = groups[at] if groups else None  # a catalogue with nothing to ask (every row automated)
    answers = load_portal_answers(store, checklist, outlet_id)
    files: dict[str, list[dict[str, Any]]] = {}
    for e in evidence_rows(store, outlet_id):
        files.setdefault(str(e["requirement_id"]), []).append(e)
    rows = []
    for q in group.questions if group else ():
        saved = answers.answers.get(q.requirement_id)
        form = AnswerForm(formdata=None, requirement_id=q.requirement_id,
                          answer=saved.answer.value if saved and saved.answer else "",
                          justification=saved.justification if saved else "", text=saved.text if saved else "")
        rows.append({"question": q, "form": form, "saved": saved, "files": files.get(q.requirement_id, [])})
    waiting = next((s for s in outlet_submissions(store, outlet_id) if s["state"] == "waiting"), None)
    return render_template("questionnaire.html", outlet_id=outlet_id, checklist=checklist, rows=rows,
                           group=group, position=at + 1, index=group_index(groups, answers),
                           previous=groups[at - 1] if at > 0 else None,
                           next=groups[at + 1] if at + 1 < len(groups) else None,
                           waiting=waiting, action_form=ActionForm())


@bp.route("/<outlet_id>/answers", methods=["POST"])
@roles_required("outlet")
def save_answer(outlet_id: str) -> Response | tuple[Any, int]:
    """Save one row; a requirement outside the questionnaire is refused (400). JSON when asked for."""
    checklist = current_app.extensions["l3audit_checklist"]
    form = AnswerForm()
    known = {q.requirement_id for grp in question_groups(checklist) for q in grp.questions}  # cached per catalogue
    if not form.validate_on_submit() or form.requirement_id.data not in known:
        if wants_json():
            return jsonify(saved=False, message=t("portal.autosave.not_saved", current_lang())), 400
        abort(400)
    if form.answer.data == "not_applicable" and not (form.justification.data or "").strip():
        if wants_json():
            return jsonify(saved=False, message=t("portal.answer.justification_needed", current_lang())), 400
        return render_template("error.html", message="portal.answer.justification_needed"), 400
    saved = save_portal_answer(current_app.extensions["l3audit_store"], checklist, outlet_id,
                               form.requirement_id.data, form.answer.data or None,
                               (form.justification.data or "").strip(), (form.text.data or "").strip(),
                               current_user.username)
    g.audit_action = "answers.save"
    g.audit_detail = {"outlet_id": outlet_id, "requirement_id": form.requirement_id.data, "answer": form.answer.data}
    if wants_json():
        return jsonify(saved=True, requirement_id=saved.requirement_id, answered_by=saved.answered_by,
                       answered_at=saved.answered_at), 200
    return redirect(row_url(checklist, outlet_id, form.requirement_id.data))  # type: ignore[return-value]


@bp.route("/<outlet_id>/submit", methods=["POST"])
@roles_required("outlet")
def submit(outlet_id: str) -> Response | tuple[str, int]:
    """Submit the saved answers for review: a snapshot, and a bundle signed by the server and imported."""
    ActionForm()  # CSRFProtect has checked the token already
    try:
        done = submit_for_review(current_app.extensions["l3audit_store"], current_app.extensions["l3audit_checklist"],
                                 outlet_id, current_user.username, Path(current_app.extensions["l3audit_data"]),
                                 current_app.extensions["l3audit_signer"])
    except NothingAnsweredError:
        g.audit_action = "submit.refused_empty"
        return render_template("error.html", message="portal.submit.nothing_answered"), 400
    g.audit_action = "submit"
    g.audit_detail = {"outlet_id": outlet_id, "portal_submission_id": done.portal_submission_id,
                      "submission_id": done.submission_id, "result_id": done.result_id,
                      "superseded": done.superseded}
    flash("portal.submit.superseded" if done.superseded else "portal.submit.done")
    return redirect(url_for("outlet.overview", outlet_id=outlet_id))  # type: ignore[return-value]
