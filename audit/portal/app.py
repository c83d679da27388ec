"""The application factory: `create_app(store_url)` wires the store, the catalogue, the extensions and the areas."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask, Response, g, render_template, request, session
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

from audit.catalogue.loader import load_checklist, resolve_checklist
from audit.department.store import open_store
from audit.errors import StoreError
from audit.portal import (
    account, admin, auditlog, auth, department, officer, outlet, outlet_evidence, review, scan_views, waiver_views,
)
from audit.portal.datadir import resolve_data_dir
from audit.portal.submit import load_signer
from audit.portal.locale import install_locale
from audit.portal.security import cookie_config, install_headers
from audit.portal.unavailable import install_unavailable, store_unavailable
from audit.portal.users import session_user

SECRET_ENV = "L3AUDIT_PORTAL_SECRET"


ERROR_PAGES = (400, 401, 403, 404, 405, 413, 415, 429, 500, 503)
"""HTTP errors with a message of their own (`portal.error.<code>`); any other says its code."""


def create_app(store_url: str, *, checklist: str = "tcvn14423-2026-l3", tls: bool = False, secret_key: str | None = None,
               config: dict[str, Any] | None = None, data_dir: str | Path | None = None,
               signing_key: str | Path | None = None) -> Flask:
    """The portal on the store at `store_url`, asking the questions of `checklist`.

    `data_dir` holds evidence files and signed submissions (default: beside the SQLite file,
    `audit.portal.datadir`); submissions are signed with `signing_key`, else a key made once there.

    `tls` turns on Secure cookies and HSTS. The session key comes from `secret_key`, else
    $L3AUDIT_PORTAL_SECRET, else a random one (sessions then end when the server restarts).
    """
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=secret_key or os.environ.get(SECRET_ENV) or secrets.token_hex(32),
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        WTF_CSRF_SSL_STRICT=True,
        MAX_CONTENT_LENGTH=1024 * 1024,
        **cookie_config(tls),
    )
    app.config.update(config or {})
    folder = resolve_data_dir(store_url, data_dir)  # before the store: a missing --data is said at once
    store = open_store(store_url)
    app.extensions["l3audit_store"] = store
    app.extensions["l3audit_checklist"] = load_checklist(resolve_checklist(checklist))
    app.extensions["l3audit_data"] = folder
    app.extensions["l3audit_signer"] = load_signer(folder, Path(signing_key) if signing_key else None)

    CSRFProtect(app)
    login = LoginManager(app)
    login.login_view = "auth.login"
    # "basic", not "strong": strong mode only compares a hash of address and User-Agent, and on every
    # anonymous request it sends a cookie deletion without HttpOnly/Secure (our probe marks that down).
    # Fixation is prevented by renewing the session at login (audit.portal.auth); the user and the session
    # are read from the store on every request, so a logout or a disabled account ends the session at once.
    login.session_protection = "basic"

    @login.user_loader
    def _load(user_id: str) -> Any:
        # Only a live server-side session counts (audit.portal.sessions): not one ended by a logout or a disabling.
        user = session_user(store, int(user_id), session.get("sid")) if user_id.isdigit() else None
        return user if user is not None and user.is_active else None

    # Autoescape every template, whatever its suffix: Flask's default escapes only *.html and the like, and the
    # dashboard's sections shared with `aggregate` are report_templates/*.html.j2 (see audit.portal.department).
    app.jinja_env.autoescape = True
    install_locale(app)
    install_headers(app, tls)
    install_unavailable(app)
    for bp in (auth.bp, outlet.bp, outlet_evidence.bp, officer.bp, admin.bp, review.bp, waiver_views.bp,
               scan_views.bp, department.bp, account.bp):
        app.register_blueprint(bp)

    @app.errorhandler(CSRFError)
    def _csrf(_exc: CSRFError) -> tuple[str, int]:
        g.audit_action = "csrf.refused"
        return render_template("error.html", message="portal.error.csrf"), 400

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Any:
        if exc.code == 403:
            g.audit_action = "access.denied"
        if exc.code is None or exc.code < 400:  # a redirect werkzeug raises (a missing slash), not an error
            return exc.get_response()
        # Every error page in the page's language, never werkzeug's English one.
        if exc.code in ERROR_PAGES:
            return render_template("error.html", message=f"portal.error.{exc.code}", values={}), exc.code
        return render_template("error.html", message="portal.error.other", values={"code": exc.code}), exc.code

    @app.after_request
    def _log(response: Response) -> Response:
        # One row per request that changes something or is refused, and per page a logged-in user opens.
        if request.endpoint in ("static", "auth.favicon") or store_unavailable():
            return response
        action = g.get("audit_action")
        try:  # the store may have gone away since the page was made (loading the user reads it too)
            user = current_user.username if current_user and current_user.is_authenticated else ""
            if action is None and (user or request.method != "GET"):
                action = f"{request.method} {request.endpoint or '-'}"
            if action is not None:
                auditlog.record(store, action, username=user or g.get("audit_target", ""), ip=request.remote_addr or "",
                                target=request.path, status=response.status_code, detail=g.get("audit_detail"))
        except StoreError as exc:  # keep the answer (what it did is committed or refused whole), say so in the log
            app.logger.warning("audit log not written (%s %s): %s", action, request.path, exc)
        return response

    return app
