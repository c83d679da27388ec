"""`l3audit history`, `l3audit diff` and `l3audit aggregate`: the department's view of stored results.

Thin commands: options in, one service call (audit.department.store, audit.department.diff, audit.department.aggregate.build), output and
exit code out. `--db` takes a SQLite file path or a postgresql:// URL (default: $L3AUDIT_DB, else
./l3audit.db).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.table import Table

from audit.department.aggregate.build import Filters, build_dashboard
from audit.department.aggregate.output import FORMATS, format_for, write_dashboard
from audit.userfiles.output import check_output
from audit.cli.common import err_console, out_console, plain, plain_row
from audit.cli.options import handle_errors, lang_option
from audit.department.diff import Diff, classify, diff_results
from audit.i18n import t
from audit.department.store import DEFAULT_DB, open_store
from audit.department.store.sources import load_side, stored_failing_since

db_option = click.option("--db", default=DEFAULT_DB, envvar="L3AUDIT_DB", show_default=True,
                         help="Results database: a SQLite file or a postgresql:// URL (env L3AUDIT_DB).")


@click.command()
@click.argument("outlet", required=False)
@db_option
@click.option("--rounds", "list_rounds", is_flag=True, help="List the stored rounds (ids for 'l3audit diff') instead.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@lang_option
@handle_errors
def history(outlet: str | None, db: str, list_rounds: bool, as_json: bool, lang: str) -> None:
    """Every stored audit of OUTLET, oldest first, with what changed each time.

    Lịch sử các lần đánh giá đã lưu của một cơ quan báo chí (--rounds: danh sách các đợt).
    """
    if list_rounds or outlet is None:
        _print_rounds(db, as_json)
        return
    with open_store(db, must_exist=True) as store:
        rows = store.results(outlet_id=outlet)
        statuses = store.statuses(r.id for r in rows)
    if not rows:
        err_console.print(f"no stored result for outlet {plain(repr(outlet))} (hint: check the id, or --db)", highlight=False)
        sys.exit(2)
    entries, before = [], None
    for row in rows:
        now = statuses.get(row.id, {})
        diff = {"regressed": 0, "fixed": 0}
        if before is not None:
            for req in set(before) | set(now):
                kind = classify(before.get(req), now.get(req))
                if kind in diff:
                    diff[kind] += 1
        entries.append({"result_id": row.id, "round": row.round_id, "finished_at": row.finished_at, "checklist": row.checklist_id,
                        "verdict": row.verdict, "pass_percent": row.pass_percent,
                        "coverage_percent": row.coverage_percent, "fail": row.counts["fail"],
                        "signer": row.signer, **diff})
        before = now
    if as_json:
        click.echo(json.dumps({"outlet": outlet, "audits": entries}, ensure_ascii=False, indent=2))
        return
    table = Table(title=plain(f"{rows[-1].outlet_name} ({outlet})"))
    for col in ("result", "round", "finished_at", "checklist", t("report.verdict", lang), "%", "coverage", "fail",
                "+fixed", "-regressed"):
        table.add_column(col)
    for e in entries:
        table.add_row(*plain_row(str(e["result_id"]), str(e["round"]), str(e["finished_at"]), str(e["checklist"]), t(f"verdict.{e['verdict']}", lang),
                      f"{e['pass_percent']}", f"{e['coverage_percent']}", str(e["fail"]), str(e["fixed"]), str(e["regressed"])))
    out_console.print(table)


def _print_rounds(db: str, as_json: bool) -> None:
    with open_store(db, must_exist=True) as store:
        rounds = store.rounds()
    if as_json:
        click.echo(json.dumps(rounds, ensure_ascii=False, indent=2))
        return
    table = Table(title="rounds")
    for col in ("id", "label", "source", "started_at", "finished_at", "results"):
        table.add_column(col)
    for r in rounds:
        table.add_row(*plain_row(str(r["id"]), r["label"], r["source"], r["started_at"], r["finished_at"] or "-", str(r["n"])))
    out_console.print(table)


@click.command()
@click.argument("old")
@click.argument("new")
@click.option("--db", default=None, envvar="L3AUDIT_DB",
              help="Database for round ids (7, round:7) and dates (@2026-11-01); gives first-seen dates from history "
                   f"(default: $L3AUDIT_DB, else ./{DEFAULT_DB} when it exists).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@handle_errors
def diff(old: str, new: str, db: str | None, as_json: bool) -> None:
    """Compare two audits: OLD and NEW are result files, run folders, round ids or @dates.

    So sánh hai đợt đánh giá. Exit 1 when something regressed, else 0.
    """
    if db is None and Path(DEFAULT_DB).is_file():  # the documented default, but two folders need no database
        db = DEFAULT_DB
    store = open_store(db, must_exist=True) if db else None
    try:
        old_docs, new_docs = load_side(old, store), load_side(new, store)
        since = stored_failing_since(store, new_docs) if store else None
    finally:
        if store:
            store.close()
    result = diff_results(old_docs, new_docs, old, new, since)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        _print_diff(result)
    sys.exit(1 if result.requirement_totals()["regressed"] or result.outlet_totals()["regressed"] else 0)


def _print_diff(result: Diff) -> None:
    out_console.print(plain(f"{result.old_label} -> {result.new_label}"), highlight=False)
    out_console.print("outlets: " + ", ".join(f"{k} {v}" for k, v in result.outlet_totals().items()), highlight=False)
    out_console.print("requirements: " + ", ".join(f"{k} {v}" for k, v in result.requirement_totals().items()),
                      highlight=False)
    table = Table(title="outlets")
    for col in ("outlet", "change", "verdict", "%", "fail"):
        table.add_column(col)
    for o in result.outlets:
        table.add_row(*plain_row(o.outlet_id, o.change, f"{o.old_verdict} -> {o.new_verdict}",
                      f"{o.old_pass_percent} -> {o.new_pass_percent}", f"{o.old_failed} -> {o.new_failed}"))
    out_console.print(table)
    whole = {o.outlet_id for o in result.outlets if o.change in ("new", "removed")}
    changed = [r for r in result.requirements
               if r.new == "fail" or (r.change != "unchanged" and r.outlet_id not in whole)]
    if changed:
        table = Table(title="requirements")
        for col in ("outlet", "requirement", "change", "status", "failing since"):
            table.add_column(col)
        for r in changed:
            table.add_row(*plain_row(r.outlet_id, r.requirement_id, r.change, f"{r.old} -> {r.new}", r.failing_since or ""))
        out_console.print(table)


@click.command()
@db_option
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="File to write (dashboard.html, .xlsx, .csv or .json).")
@click.option("--format", "fmt", type=click.Choice(sorted(FORMATS)), default=None,
              help="Output format (default: from the file extension; a suffix that is no format is refused).")
@click.option("--since", default=None,
              help="Only audits finished on or after this day (YYYY-MM-DD or dd/mm/yyyy, in L3AUDIT_TZ, "
                   "default Asia/Ho_Chi_Minh).")
@click.option("--until", default=None, help="Only audits finished on or before this day (YYYY-MM-DD or dd/mm/yyyy).")
@click.option("--tag", "tags", multiple=True, help="Only outlets with this tag (repeatable: any of them).")
@click.option("--checklist", default=None, help="Only this catalogue id.")
@click.option("--waiver-days", type=click.IntRange(0, 3650), default=30, show_default=True,
              help="List waivers expiring within this many days.")
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
    err_console.print(f"{plain(output)} ({chosen}): {view['totals']['outlets']} outlet(s), "
                      f"{view['totals']['compliant']} compliant", highlight=False)


def register(group: click.Group) -> None:
    """Add this module's commands to the l3audit group."""
    for command in (history, diff, aggregate):
        group.add_command(command)
