"""Language of the pages: Vietnamese by default, English one click away (a cookie), words from the catalogue.

Flask-Babel selects the locale; the texts themselves come from our message catalogue (`audit.i18n.t`),
the same one the CLI and reports use, so a word is translated once.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, redirect, request
from flask_babel import Babel, get_locale

from audit.i18n import DEFAULT_LANG, LANGS, t

LANG_COOKIE = "l3audit_lang"
bp = Blueprint("locale", __name__)


def select_locale() -> str:
    """The language cookie if it names one of ours, else Vietnamese."""
    chosen = request.cookies.get(LANG_COOKIE, "")
    return chosen if chosen in LANGS else DEFAULT_LANG


def current_lang() -> str:
    """The language of this request's page."""
    locale = get_locale()
    return str(locale.language) if locale is not None else DEFAULT_LANG


def safe_next(value: str | None) -> str:
    """A local path to go back to; anything else (another site, `//host`, `\\`) becomes '/' (no open redirect)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value or "\n" in value:
        return "/"
    return value


@bp.route("/lang/<code>")
def switch(code: str) -> Response:
    """Remember the chosen language and go back to the page."""
    response = redirect(safe_next(request.args.get("next")))
    if code in LANGS:
        response.set_cookie(LANG_COOKIE, code, max_age=365 * 86400, httponly=True, samesite="Lax",
                            secure=request.is_secure)
    return response  # type: ignore[return-value]


def install_locale(app: Flask) -> None:
    """Flask-Babel with our selector, `_t(key)` in templates, and the switch route."""
    Babel(app, locale_selector=select_locale)
    app.jinja_env.globals["_t"] = lambda key, **values: t(key, current_lang(), **values)
    app.jinja_env.globals["current_lang"] = current_lang
    app.register_blueprint(bp)
