"""`l3audit serve`: the portal (audit.portal) on the store, served by gunicorn."""

from __future__ import annotations

import click

from audit.cli.clicklang import command
from audit.cli.options import handle_errors
from audit.department.store import DEFAULT_DB
from audit.i18n import phrase


@command(help="help.serve")
@click.option("--store", "store_url", default=DEFAULT_DB, envvar="L3AUDIT_DB", show_default=True,
              help="help.option.db")
@click.option("--bind", default="127.0.0.1:8080", show_default=True, help="help.serve.bind")
@click.option("--tls-cert", type=click.Path(exists=True, dir_okay=False), help="help.serve.tls_cert")
@click.option("--tls-key", type=click.Path(exists=True, dir_okay=False), help="help.serve.tls_key")
@click.option("--checklist", "checklist_ref", default="tcvn14423-2026-l3", show_default=True,
              help="help.serve.checklist_ref")
@click.option("--workers", type=click.IntRange(1, 32), default=2, show_default=True, help="help.serve.workers")
@click.option("--data", "data_dir", type=click.Path(file_okay=False), default=None,
              help="help.serve.data_dir")
@click.option("--signing-key", type=click.Path(exists=True, dir_okay=False), default=None,
              help="help.serve.signing_key")
@click.option("--evidence-max-mb", type=click.FloatRange(0.01, 1024), default=10, show_default=True,
              help="help.serve.evidence_max_mb")
@click.option("--redis", "redis_url", envvar="L3AUDIT_REDIS", default=None,
              help="help.serve.redis_url")
@handle_errors
def serve(store_url: str, bind: str, tls_cert: str | None, tls_key: str | None, checklist_ref: str,
          workers: int, data_dir: str | None, signing_key: str | None, evidence_max_mb: float,
          redis_url: str | None) -> None:
    """Serve the portal for outlets, officers and the department (gunicorn; HTTPS with --tls-cert)."""
    from audit.errors import AuditError
    from audit.portal.app import create_app
    from audit.portal.server import serve as run

    if bool(tls_cert) != bool(tls_key):
        raise AuditError(phrase("error.serve.tls_pair"))
    app = create_app(store_url, checklist=checklist_ref, tls=bool(tls_cert), data_dir=data_dir, signing_key=signing_key,
                     config={"L3AUDIT_EVIDENCE_MAX_BYTES": int(evidence_max_mb * 1024 * 1024),
                             **({"L3AUDIT_REDIS_URL": redis_url} if redis_url else {})})
    run(app, bind, tls_cert, tls_key, workers)
