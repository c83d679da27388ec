"""The officer's waivers page: grant (validated), list active, expired and revoked, revoke.

Granting or revoking a waiver judges the outlet again (audit.portal.judgement) when it has a
stored result, so the dashboard's latest result applies the change at once; an expired waiver
stops applying at the next judgement (a review, a scan, another waiver change), as a waivers file does.
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, abort, current_app, g, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from audit.portal.access import roles_required
from audit.portal.forms import PortalForm
from audit.portal.judgement import probe_document, store_judgement
from audit.portal.waivers import PortalWaiverError, add_waiver, list_waivers, revoke_waiver

bp = Blueprint("officer_waivers", __name__, url_prefix="/officer")


class WaiverForm(PortalForm):
    """A new waiver; the fields are checked by `audit.portal.waivers.add_waiver`."""

    outlet_id = SelectField(validate_choice=False, validators=[Length(max=200)])
    requirement_id = SelectField(validate_choice=False, validators=[Length(max=200)])
    justification = TextAreaField(validators=[Length(max=5000)])
    approver = StringField(validators=[Length(max=200)])
    expires = DateField(validators=[Optional()])


def _outlets() -> dict[str, str]:
    store = current_app.extensions["l3audit_store"]
    names = {e["id"]: e["name"] for e in store.inventory()}
    for row in store.results():
        names.setdefault(row.outlet_id, row.outlet_name)
    return names


def _page(form: WaiverForm, message: str = "", status: int = 200) -> tuple[str, int]:
    store = current_app.extensions["l3audit_store"]
    checklist = current_app.extensions["l3audit_checklist"]
    names = _outlets()
    form.outlet_id.choices = [(o, f"{n} ({o})") for o, n in sorted(names.items())]
    form.requirement_id.choices = [r.id for r in checklist.requirements]
    today = dt.date.today()
    waivers = [{"w": w, "state": w.state(today), "name": names.get(w.outlet_id, w.outlet_id)} for w in list_waivers(store)]
    return render_template("waivers.html", form=form, waivers=waivers, message=message, action=FlaskForm(),
                           today=today.isoformat()), status


@bp.route("/waivers")
@roles_required("officer", "admin")
def waivers_page() -> tuple[str, int]:
    """Every portal waiver, and the form to grant one."""
    return _page(WaiverForm(formdata=None))


def _judge_again(outlet_id: str) -> int | None:
    store = current_app.extensions["l3audit_store"]
    if probe_document(store, outlet_id) is None:
        return None  # nothing stored yet: the first result will apply the waiver
    return store_judgement(store, current_app.extensions["l3audit_checklist"], outlet_id, current_user.username)


@bp.route("/waivers", methods=["POST"])
@roles_required("officer", "admin")
def add() -> Response | tuple[str, int]:
    """Grant a waiver (400 with the reason when a field is wrong)."""
    form = WaiverForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        form.expires.data = None  # not a date: refused below with the expiry message
    store = current_app.extensions["l3audit_store"]
    try:
        waiver = add_waiver(store, current_app.extensions["l3audit_checklist"], form.outlet_id.data or "",
                            set(_outlets()), form.requirement_id.data or "", form.justification.data or "",
                            form.approver.data or "", form.expires.data, current_user.username)
    except PortalWaiverError as exc:
        g.audit_action = "waiver.refused"
        return _page(form, exc.key, 400)
    g.audit_action = "waiver.add"
    g.audit_detail = {"waiver": waiver.id, "outlet_id": waiver.outlet_id, "requirement_id": waiver.requirement_id,
                      "expires": waiver.expires_at, "approver": waiver.approver,
                      "result_id": _judge_again(waiver.outlet_id)}
    return redirect(url_for("officer_waivers.waivers_page"))  # type: ignore[return-value]


@bp.route("/waivers/<int:waiver_id>/revoke", methods=["POST"])
@roles_required("officer", "admin")
def revoke(waiver_id: int) -> Response | tuple[str, int]:
    """Revoke a waiver now (404 when there is none to revoke)."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        waiver = revoke_waiver(current_app.extensions["l3audit_store"], waiver_id, current_user.username)
    except PortalWaiverError:
        abort(404)
    g.audit_action = "waiver.revoke"
    g.audit_detail = {"waiver": waiver_id, "outlet_id": waiver.outlet_id, "requirement_id": waiver.requirement_id,
                      "result_id": _judge_again(waiver.outlet_id)}
    return redirect(url_for("officer_waivers.waivers_page"))  # type: ignore[return-value]
