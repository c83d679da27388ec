"""The outlet member's area: the questionnaire of the catalogue in force, answered row by row."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, g, redirect, render_template, request, url_for
from flask_login import current_user

from audit.portal.access import roles_required
from audit.portal.answers import load_portal_answers, save_portal_answer
from audit.portal.forms import AnswerForm
from audit.selfassess.questionnaire import questions

bp = Blueprint("outlet", __name__, url_prefix="/outlet")


@bp.route("/<outlet_id>/questionnaire", methods=["GET"])
@roles_required("outlet")
def questionnaire(outlet_id: str) -> str:
    """Every question, grouped as the catalogue groups them, with the saved answer and the evidence asked for."""
    checklist = current_app.extensions["l3audit_checklist"]
    answers = load_portal_answers(current_app.extensions["l3audit_store"], checklist, outlet_id)
    rows = []
    for q in questions(checklist):
        saved = answers.answers.get(q.requirement_id)
        form = AnswerForm(formdata=None, requirement_id=q.requirement_id,
                          answer=saved.answer.value if saved and saved.answer else "",
                          justification=saved.justification if saved else "", text=saved.text if saved else "")
        rows.append({"question": q, "form": form, "saved": saved})
    return render_template("questionnaire.html", outlet_id=outlet_id, checklist=checklist, rows=rows)


@bp.route("/<outlet_id>/answers", methods=["POST"])
@roles_required("outlet")
def save_answer(outlet_id: str) -> Response | tuple[str, int]:
    """Save one row; a requirement outside the questionnaire is refused (400)."""
    checklist = current_app.extensions["l3audit_checklist"]
    form = AnswerForm()
    known = {q.requirement_id for q in questions(checklist)}
    if not form.validate_on_submit() or form.requirement_id.data not in known:
        abort(400)
    if form.answer.data == "not_applicable" and not (form.justification.data or "").strip():
        return render_template("error.html", message="portal.answer.justification_needed"), 400
    save_portal_answer(current_app.extensions["l3audit_store"], checklist, outlet_id, form.requirement_id.data,
                       form.answer.data or None, (form.justification.data or "").strip(),
                       (form.text.data or "").strip(), current_user.username)
    g.audit_action = "answers.save"
    g.audit_detail = {"outlet_id": outlet_id, "requirement_id": form.requirement_id.data, "answer": form.answer.data}
    anchor = request.form.get("requirement_id", "")
    return redirect(url_for("outlet.questionnaire", outlet_id=outlet_id) + f"#r-{anchor}")  # type: ignore[return-value]
