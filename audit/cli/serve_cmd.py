"""`l3audit serve`: the portal (audit.portal) on the store, served by gunicorn."""

from __future__ import annotations

import click

from audit.cli.options import handle_errors
from audit.department.store import DEFAULT_DB


@click.command()
@click.option("--store", "store_url", default=DEFAULT_DB, envvar="L3AUDIT_DB", show_default=True,
              help="Results database: a SQLite file or a postgresql:// URL (env L3AUDIT_DB).")
@click.option("--bind", default="127.0.0.1:8080", show_default=True, help="HOST:PORT to listen on.")
@click.option("--tls-cert", type=click.Path(exists=True, dir_okay=False), help="Serve HTTPS with this certificate (PEM).")
@click.option("--tls-key", type=click.Path(exists=True, dir_okay=False), help="The certificate's private key (PEM).")
@click.option("--checklist", "checklist_ref", default="tcvn14423-2026-l3", show_default=True,
              help="The catalogue in force: its questions are the outlets' questionnaire.")
@click.option("--workers", type=click.IntRange(1, 32), default=2, show_default=True, help="gunicorn worker processes.")
@click.option("--data", "data_dir", type=click.Path(file_okay=False), default=None,
              help="Folder for evidence files, signed submissions and the server's key (default: next to the "
                   "SQLite file; required with PostgreSQL).")
@click.option("--signing-key", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Ed25519 key (from 'l3audit keys generate') that signs submissions (default: one made once "
                   "in the data folder).")
@click.option("--evidence-max-mb", type=click.FloatRange(0.01, 1024), default=10, show_default=True,
              help="Largest evidence file an outlet may upload, in MiB.")
@click.option("--redis", "redis_url", envvar="L3AUDIT_REDIS", default=None,
              help="Send scans launched by officers to this task queue (redis://...; `l3audit worker` runs them). "
                   "Without it they run in the portal's own process.")
@handle_errors
def serve(store_url: str, bind: str, tls_cert: str | None, tls_key: str | None, checklist_ref: str,
          workers: int, data_dir: str | None, signing_key: str | None, evidence_max_mb: float,
          redis_url: str | None) -> None:
    """Serve the portal for outlets, officers and the department (gunicorn; HTTPS with --tls-cert)."""
    from audit.errors import AuditError
    from audit.portal.app import create_app
    from audit.portal.server import serve as run

    if bool(tls_cert) != bool(tls_key):
        raise AuditError("--tls-cert and --tls-key go together (hint: give both, or neither for plain HTTP on loopback)")
    app = create_app(store_url, checklist=checklist_ref, tls=bool(tls_cert), data_dir=data_dir, signing_key=signing_key,
                     config={"L3AUDIT_EVIDENCE_MAX_BYTES": int(evidence_max_mb * 1024 * 1024),
                             **({"L3AUDIT_REDIS_URL": redis_url} if redis_url else {})})
    run(app, bind, tls_cert, tls_key, workers)
