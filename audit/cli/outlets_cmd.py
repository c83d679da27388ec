"""`l3audit outlets import FILE | list | remove ID`: the department's inventory, the denominator of the dashboard.

Times are shown in the department's zone (`L3AUDIT_TZ`, default Asia/Ho_Chi_Minh); JSON keeps UTC
beside the local time.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from audit.cli.clicklang import group
from audit.cli.common import out_console, plain_row
from audit.cli.options import current_lang, handle_errors
from audit.cli.store_cmd import db_option
from audit.i18n import t


@group(help="help.outlets")
def outlets() -> None:
    """The department's inventory of outlets: every one counts on the dashboard, results or not."""


@outlets.command("import", help="help.outlets.import")
@click.argument("inventory", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@db_option
@handle_errors
def import_inventory(inventory: Path, db: str) -> None:
    """Store INVENTORY (the YAML of `l3audit run`) as the department's list of outlets, replacing the last one."""
    from audit.department.store import open_store
    from audit.inventory import load_inventory
    from audit.schedule.outlets import outlet_to_json

    entries = load_inventory(inventory)  # validated whole before the store is touched
    with open_store(db) as store:
        count = store.replace_inventory(((o.id, o.name, o.tags) for o in entries),
                                        {o.id: outlet_to_json(o) for o in entries})
    click.echo(f"{t('outlets.imported', current_lang())}: {count}")


@outlets.command("list", help="help.outlets.list")
@db_option
@click.option("--json", "as_json", is_flag=True, help="help.history.as_json")
@handle_errors
def list_inventory(db: str, as_json: bool) -> None:
    """The stored inventory, with each outlet's latest stored verdict ('-' when it has none)."""
    from rich.table import Table

    from audit.department.dates import display_zone, local
    from audit.department.store import open_store

    zone = display_zone()
    with open_store(db, must_exist=True) as store:
        entries = store.inventory()
        latest = {r.outlet_id: r for r in store.results()}  # oldest first: the last one wins
    rows = [{**e, "latest_verdict": latest[e["id"]].verdict if e["id"] in latest else None,
             "latest_finished_at": latest[e["id"]].finished_at if e["id"] in latest else None,
             "latest_finished_at_local": local(latest[e["id"]].finished_at, zone) if e["id"] in latest else None}
            for e in entries]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    lang = current_lang()
    table = Table(title=t("outlets.title", lang))
    for col in ("id", "name", "tags", "latest_verdict"):
        table.add_column(t(f"outlets.column.{col}", lang))
    table.add_column(t("outlets.column.finished_at", lang, zone=zone.key))
    for r in rows:
        verdict = t(f"verdict.{r['latest_verdict']}", lang) if r["latest_verdict"] else "-"
        table.add_row(*plain_row(r["id"], r["name"], ", ".join(r["tags"]), verdict, r["latest_finished_at_local"] or "-"))
    out_console.print(table)


@outlets.command("remove", help="help.outlets.remove")
@click.argument("outlet_id")
@db_option
@handle_errors
def remove_outlet(outlet_id: str, db: str) -> None:
    """Take OUTLET_ID out of the inventory (it stops counting on the dashboard); its stored results stay."""
    import sys

    from audit.cli.common import err_console, plain
    from audit.department.store import open_store

    with open_store(db, must_exist=True) as store:
        removed = store.remove_outlet(outlet_id)
    if not removed:
        err_console.print(t("outlets.not_found_line", current_lang(), id=plain(outlet_id)), highlight=False)
        sys.exit(2)
    click.echo(f"{t('outlets.removed', current_lang())}: {outlet_id}")
