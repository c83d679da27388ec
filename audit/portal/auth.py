"""Logging in and out: Flask-Login sessions, throttled, with an optional TOTP second step.

The session is emptied and given a new random id (`sid`) at every login and logout, so a session
planted before login is never the logged-in one (OWASP Session Management Cheat Sheet, "Renew the
Session ID After Any Privilege Level Change"). The id is kept server-side (audit.portal.sessions): the
cookie counts only while its session is live, so logging out ends it wherever a copy of the cookie is.
"""

from __future__ import annotations

import secrets

import pyotp
from flask import Blueprint, Response, current_app, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from audit.portal import throttle
from audit.portal.forms import ActionForm, LoginForm, TotpForm
from audit.portal.sessions import end_session, start_session
from audit.portal.users import User, user_by_id, verify_login

bp = Blueprint("auth", __name__)
PENDING = "pending_totp_user"


def home_for(user: User) -> str:
    """The first page of a role's area."""
    if user.role == "outlet":
        return url_for("outlet.questionnaire", outlet_id=user.outlet_id)
    return url_for("admin.users_page") if user.role == "admin" else url_for("officer.outlets")


def _start_session(user: User) -> None:
    session.clear()
    session["sid"] = start_session(current_app.extensions["l3audit_store"], user.id,
                                   current_app.permanent_session_lifetime, _ip())
    login_user(user)
    session.permanent = True


def _ip() -> str:
    return request.remote_addr or ""


@bp.route("/")
def index() -> Response:
    """The user's own area, or the login page."""
    target = home_for(current_user) if current_user.is_authenticated else url_for("auth.login")
    return redirect(target)  # type: ignore[return-value]


@bp.route("/favicon.ico")
def favicon() -> tuple[str, int]:
    """No icon (browsers ask for one on every site; an answer keeps their consoles free of 404s)."""
    return "", 204


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | tuple[str, int] | str:
    """Password step; too many failures for this account from this address are refused (429)."""
    store = current_app.extensions["l3audit_store"]
    form = LoginForm()
    message = ""
    if form.validate_on_submit():
        username = form.username.data or ""
        g.audit_target = username
        if throttle.is_throttled(store, username, _ip()):
            g.audit_action = "login.throttled"
            return render_template("login.html", form=form, message="portal.login.throttled"), 429
        user = verify_login(store, username, form.password.data or "")
        if user is None:
            throttle.add_failure(store, username, _ip())
            g.audit_action = "login.failed"
            message = "portal.login.failed"
        elif user.totp_secret and user.role in ("admin", "officer"):
            session.clear()
            session["sid"] = secrets.token_urlsafe(24)
            session[PENDING] = user.id
            g.audit_action = "login.password_ok"
            return redirect(url_for("auth.totp"))  # type: ignore[return-value]
        else:
            throttle.clear_failures(store, username, _ip())
            _start_session(user)
            g.audit_action = "login.ok"
            return redirect(home_for(user))  # type: ignore[return-value]
    return render_template("login.html", form=form, message=message), (401 if message else 400 if form.errors else 200)


@bp.route("/login/totp", methods=["GET", "POST"])
def totp() -> Response | tuple[str, int] | str:
    """Second step for officers and admins who have a TOTP secret."""
    store = current_app.extensions["l3audit_store"]
    user = user_by_id(store, int(session.get(PENDING, 0)))
    if user is None or not user.is_active or not user.totp_secret:
        return redirect(url_for("auth.login"))  # type: ignore[return-value]
    g.audit_target = user.username
    form = TotpForm()
    message = ""
    if form.validate_on_submit():
        if throttle.is_throttled(store, user.username, _ip()):
            g.audit_action = "login.throttled"
            return render_template("totp.html", form=form, message="portal.login.throttled"), 429
        if pyotp.TOTP(user.totp_secret).verify(form.code.data or "", valid_window=1):
            throttle.clear_failures(store, user.username, _ip())
            _start_session(user)
            g.audit_action = "login.ok"
            return redirect(home_for(user))  # type: ignore[return-value]
        throttle.add_failure(store, user.username, _ip())
        g.audit_action = "login.totp_failed"
        message = "portal.login.totp_failed"
    return render_template("totp.html", form=form, message=message), (401 if message else 400 if form.errors else 200)


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    """End the session (a POST with its CSRF token, so another site cannot log a user out)."""
    ActionForm()  # CSRFProtect has checked the token already
    g.audit_action = "logout"
    end_session(current_app.extensions["l3audit_store"], session.get("sid"))  # a copy of the cookie is refused too
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))  # type: ignore[return-value]
