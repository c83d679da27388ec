"""Serving the portal with gunicorn (a production server; Flask's own is for development only).

The application is built once in the master and shared by the forked workers, so they agree on
the session key even when it was generated at start.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication


class PortalServer(BaseApplication):  # type: ignore[misc]
    """gunicorn run from Python with our settings, not from a command line or a config file."""

    def __init__(self, app: Flask, options: dict[str, Any]) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        """Hand our options to gunicorn's settings."""
        for key, value in self.options.items():
            if value is not None:
                self.cfg.set(key, value)

    def load(self) -> Flask:
        """The WSGI application."""
        return self.application


def serve(app: Flask, bind: str, tls_cert: str | None = None, tls_key: str | None = None, workers: int = 2) -> None:
    """Serve until stopped (SIGTERM or Ctrl-C); TLS when a certificate and key are given."""

    def post_fork(_server: Any, _worker: Any) -> None:
        # The master opened the store (migrations); a forked worker must not reuse its pooled connections,
        # which the master and the other workers hold too (SQLAlchemy docs, "Using Connection Pools with
        # Multiprocessing or os.fork()"): drop them in the child without closing them for the others.
        app.extensions["l3audit_store"].engine.dispose(close=False)

    PortalServer(app, {
        "post_fork": post_fork,
        "bind": bind, "workers": workers, "certfile": tls_cert, "keyfile": tls_key,
        "accesslog": "-", "errorlog": "-", "timeout": 60, "graceful_timeout": 10,
        "forwarded_allow_ips": "127.0.0.1", "proc_name": "l3audit-portal",
    }).run()
