"""The admin's area: accounts (the same rules as `l3audit users`)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, g, redirect, render_template, url_for
from flask_login import current_user

from audit.i18n import error_text
from audit.portal.access import roles_required
from audit.portal.forms import ActionForm, AddUserForm
from audit.portal.locale import current_lang
from audit.portal.users import UserError, add_user, list_users, set_disabled

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _page(form: AddUserForm, message: str = "", status: int = 200) -> tuple[str, int]:
    store = current_app.extensions["l3audit_store"]
    return render_template("users.html", users=list_users(store), form=form, action=ActionForm(),
                           message=message), status


@bp.route("/users", methods=["GET"])
@roles_required("admin")
def users_page() -> tuple[str, int]:
    """Every account, and the form to add one."""
    return _page(AddUserForm(formdata=None))


@bp.route("/users", methods=["POST"])
@roles_required("admin")
def add() -> Response | tuple[str, int]:
    """Add an account."""
    form = AddUserForm()
    if not form.validate_on_submit():
        return _page(form, status=400)  # each field's error shown in the page's language
    try:
        add_user(current_app.extensions["l3audit_store"], form.username.data or "", form.password.data or "",
                 form.role.data or "", (form.outlet_id.data or "").strip() or None)
    except UserError as exc:
        return _page(form, error_text(exc, current_lang()), 400)
    g.audit_action = "user.add"
    g.audit_detail = {"username": form.username.data, "role": form.role.data, "outlet_id": form.outlet_id.data}
    return redirect(url_for("admin.users_page"))  # type: ignore[return-value]


@bp.route("/users/<username>/disable", methods=["POST"])
@roles_required("admin")
def disable(username: str) -> Response | tuple[str, int]:
    """Disable an account (not one's own: an admin cannot lock the department out by mistake)."""
    if username == current_user.username:
        abort(400)
    try:
        set_disabled(current_app.extensions["l3audit_store"], username)
    except UserError:
        abort(404)
    g.audit_action = "user.disable"
    g.audit_detail = {"username": username}
    return redirect(url_for("admin.users_page"))  # type: ignore[return-value]
