"""`l3audit demo`: start the built-in demo outlets on 127.0.0.x, audit them, and write reports."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import click

from audit.cli.clicklang import command
from audit.cli.common import audit_outlets, get_checklist, print_summary
from audit.cli.options import auditor_option, checklist_option, handle_errors, lang_option, nmap_option
from audit.demo.outlets import demo_fleet, inventory_yaml
from audit.engine import AuditOptions
from audit.errors import say
from audit.i18n import t
from audit.models import Outlet
from audit.output import RunOutput
from audit.result import write_text_atomic


@command(help="help.demo")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("l3audit-demo"),
              show_default=True, help="help.demo.out_dir")
@checklist_option
@lang_option
@nmap_option
@auditor_option
@click.option("--pdf/--no-pdf", default=True, show_default=True,
              help="help.demo.pdf")
@click.option("--serve", is_flag=True,
              help="help.demo.serve")
@click.option("--bind", default="127.0.0.1:8000", show_default=True, help="help.demo.bind")
@handle_errors
def demo(out_dir: Path, checklist_ref: str, lang: str, use_nmap: bool, auditor: str, pdf: bool, serve: bool,
         bind: str) -> None:
    """Audit three demo outlets (well configured, badly configured, offline) on loopback.

    Exits 0 when the demo ran; the outlets' own findings are in the reports. With --serve, the portal
    (`l3audit serve`) then runs on them until Ctrl-C.
    """
    if serve:
        from audit.demo.portal import check_loopback_bind

        check_loopback_bind(bind)  # before the audit, so a wrong address costs no waiting
    checklist = get_checklist(checklist_ref)
    start = time.monotonic()
    with demo_fleet(out_dir) as (outlets, ca_file):
        write_text_atomic(out_dir / "inventory.yaml", inventory_yaml(outlets))
        output = RunOutput(out_dir, checklist, ("vi", "en"))
        options = AuditOptions(auditor=auditor or "l3audit demo", timeout_seconds=3.0, ca_file=str(ca_file), use_nmap=use_nmap)
        results = audit_outlets(checklist, outlets, options, output, sys.stderr.isatty())
        output.write_summary()
    if pdf:
        output.write_pdfs()  # after the demo servers stopped: printing needs no network
        for note in output.notes:
            click.echo(t("cli.note", lang, text=say(note, lang)), err=True)
    print_summary(results, out_dir, lang)
    click.echo(f"{t('cli.demo_done', lang)} {out_dir.resolve()} ({time.monotonic() - start:.1f} s)")
    if serve:
        serve_demo(out_dir, output.finished(), outlets, checklist_ref, bind, lang)


def serve_demo(out_dir: Path, results: dict[str, dict[str, Any]], outlets: list[Outlet], checklist_ref: str,
               bind: str, lang: str) -> None:
    """Store the demo's results, print the demo accounts once, and serve the portal until Ctrl-C."""
    from audit.demo.portal import prepare_demo_portal
    from audit.portal.app import create_app
    from audit.portal.server import serve as run

    db, accounts = prepare_demo_portal(out_dir, results, outlets)
    app = create_app(db, checklist=checklist_ref)
    click.echo(f"{t('cli.demo_portal', lang)}: http://{bind}/")
    click.echo(t("cli.demo_accounts", lang))
    for a in accounts:
        click.echo(f"  {a.username} ({a.role}{': ' + a.outlet_id if a.outlet_id else ''}): {a.password}")
    click.echo(t("cli.demo_stop", lang), nl=True)
    sys.stdout.flush()
    try:
        run(app, bind, workers=2)
    except SystemExit as exc:  # gunicorn's master exits after a clean stop (SIGINT, SIGTERM)
        if exc.code not in (0, None):
            raise
    click.echo(t("cli.demo_stopped", lang))
