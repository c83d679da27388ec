"""When the store cannot be reached: a 503 page from the catalogue with Retry-After, never a traceback.

Every store access raises StoreError on a driver error (audit.department.store.connection.guarded),
whether the user loader, a page's query or a write failed; a write is one transaction, so a refused
answer left nothing half-written. PostgreSQL connections are checked before reuse (`pool_pre_ping`),
so once the server is back the next request works, without restarting the portal.
"""

from __future__ import annotations

from flask import Flask, Response, g, make_response, render_template

from audit.errors import StoreError

RETRY_AFTER_SECONDS = 30


def store_unavailable() -> bool:
    """Whether this request already found the store unreachable (the audit log is not written then)."""
    return bool(g.get("store_unavailable"))


def install_unavailable(app: Flask) -> None:
    """Answer StoreError with the 503 page (RFC 9110 section 15.6.4: Retry-After says when to come back)."""

    @app.errorhandler(StoreError)
    def _unavailable(exc: StoreError) -> Response:
        g.store_unavailable = True
        # The page must not ask the store who is logged in: show it as to an anonymous visitor.
        g._login_user = app.login_manager.anonymous_user()  # type: ignore[attr-defined]
        app.logger.warning("store unavailable: %s", exc)
        response = make_response(render_template("unavailable.html"), 503)
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
