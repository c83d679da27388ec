"""`l3audit alerts list | ack`: the alerts the scheduled re-audits opened, and who has seen them."""

from __future__ import annotations

import json
import os

import click

from audit.cli.clicklang import group
from audit.cli.options import handle_errors, lang_option
from audit.cli.store_cmd import db_option
from audit.errors import AuditError


@group(help="help.alerts")
def alerts() -> None:
    """Alerts from scheduled re-audits: list, acknowledge. Cảnh báo từ các đợt đánh giá định kỳ."""


@alerts.command("list", help="help.alerts.list")
@click.option("--outlet", "outlet_id", default=None, help="help.alerts.list.outlet_id")
@click.option("--open/--all", "only_open", default=True, show_default=True,
              help="help.alerts.list.only_open")
@click.option("--json", "as_json", is_flag=True, help="help.option.as_json")
@db_option
@lang_option
@handle_errors
def list_(outlet_id: str | None, only_open: bool, as_json: bool, db: str, lang: str) -> None:
    """List alerts, oldest first: open (acknowledged or not), or with --all fixed ones too."""
    from audit.alerts.messages import describe
    from audit.alerts.register import list_alerts
    from audit.department.store.store import Store
    from audit.i18n import t

    with Store(db) as store:
        found = list_alerts(store, outlet_id, include_fixed=not only_open)
    if as_json:
        click.echo(json.dumps([{**vars(a), "state": a.state, "text": describe(a.detail, a.outlet_name, lang)}
                               for a in found], ensure_ascii=False, indent=2))
        return
    if not found:
        click.echo(t("alerts.none", lang))
        return
    for a in found:
        state = t(f"alerts.state.{a.state}", lang)
        if a.acked_at:
            state += " " + t("alerts.acked_by", lang, by=a.acked_by or "-", at=a.acked_at)
        line = f"{a.id}\t{a.outlet_id}\t{a.opened_at}\t{state}\t{describe(a.detail, a.outlet_name, lang)}"
        click.echo(line + (f"\t{a.ack_note}" if a.ack_note else ""))


@alerts.command("ack", help="help.alerts.ack")
@click.argument("alert_id", type=int)
@click.option("--by", "by", default=None, help="help.alerts.ack.by")
@click.option("--note", default="", help="help.alerts.ack.note")
@db_option
@lang_option
@handle_errors
def ack(alert_id: int, by: str | None, note: str, db: str, lang: str) -> None:
    """Acknowledge alert ALERT_ID: it stays open until a result shows it fixed, and is not e-mailed again."""
    from audit.alerts.register import ack_alert
    from audit.department.store.store import Store
    from audit.i18n import t

    who = by or os.environ.get("USER") or os.environ.get("LOGNAME") or "-"
    with Store(db) as store:
        alert = ack_alert(store, alert_id, who, note)
    if alert is None:
        raise AuditError(t("alerts.no_such", lang, id=alert_id))
    click.echo(t("alerts.acked", lang, id=alert.id, by=who))
