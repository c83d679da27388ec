"""`l3audit report RESULT.json`: re-render a stored result as HTML, PDF, Markdown, JSON or OSCAL.

Nothing is scanned. The catalogue named in the result is loaded for its texts; if it cannot be, the
report still renders and says what is missing. A result of another schema version is refused in one
line (exit 2), as is a file that is not JSON; a result with missing parts renders what exists.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from audit.cli.clicklang import command
from audit.catalogue.loader import Checklist, load_checklist
from audit.cli.options import handle_errors, lang_option
from audit.errors import AuditError, ResultError
from audit.i18n import phrase
from audit.report.formats import FORMATS, render
from audit.report.migrate import read_result_for_report
from audit.report.formats import SUFFIXES
from audit.userfiles.output import check_output, write_bytes_atomic


def _format_for(out_file: Path | None, fmt: str | None) -> str:
    """--format, else the output file's suffix (html on standard output); a mismatch is refused."""
    if out_file is None:
        return fmt or "html"
    name = out_file.name.lower()
    named = next((f for f in ("oscal", "html", "pdf", "md", "json") if name.endswith(SUFFIXES[f])), None)
    named = named or ("html" if name.endswith(".htm") else None)
    if fmt is None and named is None:
        raise ResultError(phrase("error.report.suffix", file=out_file))
    if fmt is not None and named is not None and named != fmt and not (fmt == "json" and named == "oscal"):
        raise ResultError(phrase("error.report.mismatch", file=out_file, format=fmt, named=named, suffix=SUFFIXES[fmt]))
    return fmt or named or "html"


def _checklist_for(data: dict[str, Any], ref: str | None) -> Checklist | None:
    """The catalogue given with --checklist, else the one the result names; None when neither loads."""
    name = ref or (data.get("checklist") or {}).get("id")
    if not isinstance(name, str) or not name:
        return None
    try:
        return load_checklist(name)
    except AuditError:
        if ref:  # asked for explicitly: a usage error
            raise
        return None


@command(help="help.report")
@click.argument("result_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="help.report.fmt")
@lang_option
@click.option("-o", "--output", "out_file", type=click.Path(dir_okay=False, path_type=Path),
              help="help.report.out_file")
@click.option("--checklist", "checklist_ref", default=None,
              help="help.report.checklist_ref")
@handle_errors
def report(result_file: Path, fmt: str, lang: str, out_file: Path | None, checklist_ref: str | None) -> None:
    """Re-render a stored RESULT_FILE without scanning again."""
    fmt = _format_for(out_file, fmt)
    if out_file is not None:
        check_output(out_file)
    data = read_result_for_report(result_file)
    checklist = _checklist_for(data, checklist_ref)
    if fmt == "pdf" and out_file is None:
        raise ResultError(phrase("error.report.pdf_out"))
    body = render(data, checklist, fmt, lang)
    if out_file is None:
        sys.stdout.buffer.write(body)
        return
    write_bytes_atomic(out_file, body)
    click.echo(f"{out_file}", err=True)


__all__ = ["report"]
