"""`l3audit history` and `l3audit aggregate`: the department's view of stored results (`diff` in diff_cmd).

Thin commands: options in, one service call (audit.department.store, audit.department.aggregate.build),
output and exit code out. `--db` takes a SQLite file path or a postgresql:// URL (default: $L3AUDIT_DB, else
./l3audit.db).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from rich.table import Table

from audit.cli.clicklang import command
from audit.department.aggregate.build import Filters, build_dashboard
from audit.department.aggregate.output import FORMATS, format_for, write_dashboard
from audit.userfiles.output import check_output
from audit.cli.common import err_console, out_console, plain, plain_row
from audit.cli.options import handle_errors, lang_option
from audit.department.diff import classify
from audit.i18n import t
from audit.report.text import format_datetime, format_number
from audit.department.store import DEFAULT_DB, open_store

db_option = click.option("--db", default=DEFAULT_DB, envvar="L3AUDIT_DB", show_default=True,
                         help="help.option.db")


@command(help="help.history")
@click.argument("outlet", required=False)
@db_option
@click.option("--rounds", "list_rounds", is_flag=True, help="help.history.list_rounds")
@click.option("--json", "as_json", is_flag=True, help="help.history.as_json")
@lang_option
@handle_errors
def history(outlet: str | None, db: str, list_rounds: bool, as_json: bool, lang: str) -> None:
    """Every stored audit of OUTLET, oldest first, with what changed each time.

    Lịch sử các lần đánh giá đã lưu của một cơ quan báo chí (--rounds: danh sách các đợt).
    """
    if list_rounds or outlet is None:
        _print_rounds(db, as_json, lang)
        return
    from audit.department.dates import local

    with open_store(db, must_exist=True) as store:
        rows = store.results(outlet_id=outlet)
        statuses = store.statuses(r.id for r in rows)
        withdrawn = store.withdrawn()
        signers = {r.id: [str(s["signer_name"] or s["key_id"]) for s in store.submissions(r.id)] for r in rows}
    if not rows:
        err_console.print(t("store.no_result", lang, outlet=plain(repr(outlet))), highlight=False)
        sys.exit(2)
    entries: list[dict[str, Any]] = []
    before = None
    for row in rows:
        now = statuses.get(row.id, {})
        diff = {"regressed": 0, "fixed": 0}
        if before is not None:
            for req in set(before) | set(now):
                kind = classify(before.get(req), now.get(req))
                if kind in diff:
                    diff[kind] += 1
        entries.append({"result_id": row.id, "round": row.round_id, "finished_at": row.finished_at,
                        "finished_at_local": local(row.finished_at), "checklist": row.checklist_id,
                        "verdict": row.verdict, "pass_percent": row.pass_percent,
                        "coverage_percent": row.coverage_percent, "fail": row.counts["fail"],
                        "signer": row.signer, "signer_names": signers.get(row.id, []),
                        "withdrawn": withdrawn.get(row.id), **diff})
        before = now
    if as_json:
        click.echo(json.dumps({"outlet": outlet, "audits": entries}, ensure_ascii=False, indent=2))
        return
    table = Table(title=plain(f"{rows[-1].outlet_name} ({outlet})"))
    for col in ("result", "round", "finished_at", "checklist", "verdict", "pass_percent", "coverage", "fail", "fixed",
                "regressed", "signer", "withdrawn"):
        table.add_column(t(f"store.col.{col}", lang))
    for e in entries:
        table.add_row(*plain_row(str(e["result_id"]), str(e["round"]), format_datetime(e["finished_at_local"], lang),
                                 str(e["checklist"]), t(f"verdict.{e['verdict']}", lang),
                                 format_number(e["pass_percent"], lang), format_number(e["coverage_percent"], lang),
                                 str(e["fail"]), str(e["fixed"]), str(e["regressed"]),
                                 ", ".join(dict.fromkeys(e["signer_names"])) or "-", e["withdrawn"] or "-"))
    out_console.print(table)


def _print_rounds(db: str, as_json: bool, lang: str) -> None:
    from audit.department.dates import local

    with open_store(db, must_exist=True) as store:
        rounds = store.rounds()
    if as_json:
        click.echo(json.dumps(rounds, ensure_ascii=False, indent=2))
        return
    table = Table(title=t("store.rounds", lang))
    for col in ("id", "label", "source", "started_at", "finished_at", "results"):
        table.add_column(t(f"store.col.{col}", lang))
    for r in rounds:
        table.add_row(*plain_row(str(r["id"]), r["label"], r["source"], format_datetime(local(r["started_at"]), lang),
                                 format_datetime(local(r["finished_at"]), lang) if r["finished_at"] else "-",
                                 str(r["n"])))
    out_console.print(table)


@command(help="help.aggregate")
@db_option
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="help.aggregate.output")
@click.option("--format", "fmt", type=click.Choice(sorted(FORMATS)), default=None,
              help="help.aggregate.fmt")
@click.option("--since", default=None,
              help="help.aggregate.since")
@click.option("--until", default=None, help="help.aggregate.until")
@click.option("--tag", "tags", multiple=True, help="help.aggregate.tags")
@click.option("--checklist", default=None, help="help.aggregate.checklist")
@click.option("--waiver-days", type=click.IntRange(0, 3650), default=30, show_default=True,
              help="help.aggregate.waiver_days")
@lang_option
@handle_errors
def aggregate(db: str, output: Path, fmt: str | None, since: str | None, until: str | None, tags: tuple[str, ...],
              checklist: str | None, waiver_days: int, lang: str) -> None:
    """Dashboard across outlets: compliance share against the national target, heatmap, trends.

    Bảng tổng hợp toàn bộ cơ quan báo chí đã lưu trong cơ sở dữ liệu.
    """
    from audit.department.dates import window

    window(since, until)  # a bad day is a usage error before anything is opened
    chosen = format_for(output, fmt)
    check_output(output)
    with open_store(db, must_exist=True) as store:
        view = build_dashboard(store, Filters(since, until, tuple(tags), checklist, waiver_days), lang)
    write_dashboard(view, output, chosen)
    err_console.print(t("aggregate.written", lang, path=plain(output), format=chosen, outlets=view["totals"]["outlets"],
                        compliant=view["totals"]["compliant"]), highlight=False)

