"""A user's own account: the sessions open in their name, and "log out everywhere".

Every role has this page, and each user sees only their own sessions (the query is by the logged-in
user's id; there is no id in the URL to change). Ending them all is a POST with the CSRF token, like
logging out, so another site cannot do it; the session of this browser ends too, so the user logs
in again (OWASP Session Management Cheat Sheet, "Manual Session Expiration").
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, g, redirect, render_template, session, url_for
from flask_login import current_user, login_required, logout_user

from audit.portal.forms import ActionForm
from audit.portal.sessions import end_sessions_of, is_current, live_sessions

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.route("/sessions")
@login_required
def sessions_page() -> str:
    """The user's live sessions, this one marked, with the "log out everywhere" button."""
    rows = live_sessions(current_app.extensions["l3audit_store"], current_user.id)
    sid = session.get("sid")
    return render_template("account_sessions.html", rows=[r | {"current": is_current(r, sid)} for r in rows],
                           form=ActionForm())


@bp.route("/sessions/end", methods=["POST"])
@login_required
def end_all() -> Response:
    """End every session of this user, this one included, then back to the login page."""
    ActionForm()  # CSRFProtect has checked the token already
    ended = end_sessions_of(current_app.extensions["l3audit_store"], current_user.id)
    g.audit_action, g.audit_detail = "sessions.end_all", {"ended": ended}
    g.audit_target = current_user.username  # logged out below: the audit log still names who did it
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))  # type: ignore[return-value]
