"""`l3audit diff OLD NEW`: what changed between two audits (result files, run folders, rounds, dates)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from rich.table import Table

from audit.cli.clicklang import command
from audit.cli.common import out_console, plain, plain_row
from audit.cli.options import handle_errors, lang_option
from audit.department.diff import Diff, diff_results
from audit.department.store import DEFAULT_DB, Store, open_store
from audit.department.store.sources import load_side, stored_failing_since
from audit.i18n import t
from audit.report.text import format_datetime, format_number


@command(help="help.diff")
@click.argument("old")
@click.argument("new")
@click.option("--db", default=None, envvar="L3AUDIT_DB",
              help="help.diff.db")
@click.option("--json", "as_json", is_flag=True, help="help.diff.as_json")
@lang_option
@handle_errors
def diff(old: str, new: str, db: str | None, as_json: bool, lang: str) -> None:
    """Compare two audits: OLD and NEW are result files, run folders, round ids or @dates.

    So sánh hai đợt đánh giá. Exit 1 when something regressed, else 0.
    """
    if db is None and Path(DEFAULT_DB).is_file():  # the documented default, but two folders need no database
        db = DEFAULT_DB
    store = open_store(db, must_exist=True) if db else None
    try:
        old_docs, new_docs = load_side(old, store), load_side(new, store)
        since = stored_failing_since(store, new_docs) if store else None
        withdrawn = _withdrawn(store, old_docs, new_docs) if store else []
    finally:
        if store:
            store.close()
    result = diff_results(old_docs, new_docs, old, new, since)
    if as_json:
        click.echo(json.dumps(result.to_dict() | {"withdrawn": withdrawn}, ensure_ascii=False, indent=2))
    else:
        _print_diff(result, lang)
        for w in withdrawn:
            out_console.print(plain(f"{t('store.col.withdrawn', lang)}: {w['outlet_id']} ({w['side']}): {w['reason']}"),
                              highlight=False)
    sys.exit(1 if result.requirement_totals()["regressed"] or result.outlet_totals()["regressed"] else 0)


def _withdrawn(store: Store, old_docs: dict[str, Any], new_docs: dict[str, Any]) -> list[dict[str, str]]:
    """The compared results that were withdrawn (kept and compared, but marked, with the reason)."""
    from audit.department.store.store import document_digest

    reasons = store.withdrawn_digests()
    marks = []
    for side, docs in (("old", old_docs), ("new", new_docs)):
        for outlet_id, doc in sorted(docs.items()):
            reason = reasons.get(document_digest(doc))
            if reason is not None:
                marks.append({"side": side, "outlet_id": outlet_id, "reason": reason})
    return marks


def _change(kind: str, lang: str) -> str:
    return t(f"store.change.{kind}", lang)


def _verdict(code: str | None, lang: str) -> str:
    return t(f"verdict.{code}", lang) if code else "-"


def _status(code: str | None, lang: str) -> str:
    return t(f"status.{code}", lang) if code else "-"


def _print_diff(result: Diff, lang: str) -> None:
    out_console.print(plain(f"{result.old_label} -> {result.new_label}"), highlight=False)
    for part, totals in (("outlets", result.outlet_totals()), ("requirements", result.requirement_totals())):
        out_console.print(t(f"store.{part}", lang) + ": " + ", ".join(f"{_change(k, lang)} {v}" for k, v in totals.items()),
                          highlight=False)
    table = Table(title=t("store.outlets", lang))
    for col in ("outlet", "change", "verdict", "pass_percent", "fail"):
        table.add_column(t(f"store.col.{col}", lang))
    for o in result.outlets:
        table.add_row(*plain_row(o.outlet_id, _change(o.change, lang),
                                 f"{_verdict(o.old_verdict, lang)} -> {_verdict(o.new_verdict, lang)}",
                                 f"{format_number(o.old_pass_percent, lang)} -> {format_number(o.new_pass_percent, lang)}",
                                 f"{o.old_failed} -> {o.new_failed}"))
    out_console.print(table)
    whole = {o.outlet_id for o in result.outlets if o.change in ("new", "removed")}
    changed = [r for r in result.requirements
               if r.new == "fail" or (r.change != "unchanged" and r.outlet_id not in whole)]
    if changed:
        table = Table(title=t("store.requirements", lang))
        for col in ("outlet", "requirement", "change", "status", "failing_since"):
            table.add_column(t(f"store.col.{col}", lang))
        for r in changed:
            table.add_row(*plain_row(r.outlet_id, r.requirement_id, _change(r.change, lang),
                                     f"{_status(r.old, lang)} -> {_status(r.new, lang)}",
                                     format_datetime(r.failing_since, lang) if r.failing_since else ""))
        out_console.print(table)
