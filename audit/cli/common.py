"""The run loop shared by `scan`, `run` and `demo`: checklist loading, progress, summary and exit code.

Options and error handling, which every command needs, live in `audit.cli.options`."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any, Sequence

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from audit.catalogue.loader import Checklist, load_checklist
from audit.engine import AuditOptions, run_audit
from audit.exitcodes import exit_code_for
from audit.cli.options import current_lang
from audit.i18n import t
from audit.models import Outlet, OutletResult
from audit.output import RunOutput, slim

err_console = Console(stderr=True)
out_console = Console()


def plain(value: Any) -> str:
    """Text from a file or the network, escaped for rich: an outlet id `[/b]` is shown, never parsed as markup."""
    return escape(str(value))


def plain_row(*values: Any) -> list[str]:
    """A table row of escaped cells."""
    return [plain(v) for v in values]


def get_checklist(ref: str, tailoring_file: str | None = None) -> Checklist:
    """Load the checklist named on the command line, or the one a tailoring file selects and tailors."""
    if tailoring_file:
        from audit.catalogue.tailoring import tailor_checklist

        return tailor_checklist(tailoring_file)
    return load_checklist(ref)


def audit_outlets(
    checklist: Checklist,
    outlets: Sequence[Outlet],
    options: AuditOptions,
    output: RunOutput,
    show_progress: bool,
) -> list[dict[str, Any]]:
    """Audit outlets, writing each result as it finishes; show a progress bar on a terminal."""
    results: list[dict[str, Any]] = []
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        console=err_console, disable=not show_progress, transient=False)
    with progress:
        task = progress.add_task(t("run.progress", current_lang()), total=len(outlets))

        def on_result(result: OutletResult) -> None:
            results.append(slim(output.write(result)))
            output.write_summary()
            progress.advance(task)
            if not show_progress:
                verdict = t(f"verdict.{result.summary['verdict']}", current_lang())
                err_console.print(f"[{len(results)}/{len(outlets)}] {plain(result.outlet.id)}: {verdict}", highlight=False)

        asyncio.run(run_audit(checklist, outlets, options, on_result=on_result, keep=False))
    return results


def print_summary(results: Sequence[dict[str, Any]], folder: Path | None, lang: str) -> None:
    """A one-screen table: outlet, verdict, counts per status, report file."""
    table = Table(title=t("report.summary", lang))
    table.add_column(t("report.outlet", lang))
    table.add_column(t("report.verdict", lang))
    for status in ("pass", "fail", "error", "manual", "not_applicable"):
        table.add_column(t(f"status.{status}", lang), justify="right")
    for data in sorted(results, key=lambda d: d["outlet"]["id"]):
        counts = data["summary"]["counts"]
        row = [data["outlet"]["name"], t(f"verdict.{data['summary']['verdict']}", lang)]
        row += [str(counts.get(s, 0)) for s in ("pass", "fail", "error", "manual", "not_applicable")]
        table.add_row(*plain_row(*row))
    out_console.print(table)
    if folder is not None:  # full paths on their own lines, never cut by the table's width
        for data in sorted(results, key=lambda d: d["outlet"]["id"]):
            out_console.print(f"  {plain(folder / (data['outlet']['id'] + '.' + lang + '.html'))}", highlight=False,
                              soft_wrap=True)


def final_exit(results: Sequence[dict[str, Any]]) -> None:
    """Exit with the code the results call for."""
    sys.exit(exit_code_for(results))
