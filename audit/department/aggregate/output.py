"""Writing the dashboard in the format asked for (html, pdf, xlsx, csv, json), atomically."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from audit.department.aggregate.csv import render_dashboard_csv, render_dashboard_json
from audit.department.aggregate.html import render_dashboard_html
from audit.department.aggregate.xlsx import render_dashboard_xlsx
from audit.errors import AuditError
from audit.i18n import phrase
from audit.userfiles.output import write_bytes_atomic

def render_dashboard_pdf(view: dict[str, Any]) -> bytes:
    """The HTML dashboard printed by Chromium, as the portal's PDF export and the reports are (`audit.report.pdf`)."""
    from audit.report.pdf import html_to_pdf

    return html_to_pdf(render_dashboard_html(view))


FORMATS: dict[str, Callable[[dict[str, Any]], str | bytes]] = {
    "html": render_dashboard_html,
    "pdf": render_dashboard_pdf,
    "xlsx": render_dashboard_xlsx,
    "csv": render_dashboard_csv,
    "json": render_dashboard_json,
}


class OutputFormatError(AuditError):
    """The output file's suffix names no format we write, or another format than --format."""


def format_for(path: Path, explicit: str | None) -> str:
    """The format the file's suffix names (.htm counts as html), agreeing with --format when both are given.

    A suffix we do not write (`x.docx`) is refused rather than filled with HTML under a wrong name.
    """
    suffix = path.suffix.lower().lstrip(".")
    suffix = "html" if suffix == "htm" else suffix
    if suffix in FORMATS:
        if explicit and explicit != suffix:
            raise OutputFormatError(phrase("error.aggregate.mismatch", path=path, format=explicit, suffix=suffix))
        return suffix
    if explicit and not suffix:
        return explicit
    raise OutputFormatError(phrase("error.aggregate.suffix", path=path, formats=", ".join(sorted(FORMATS)),
                                   suffix=suffix))


def write_dashboard(view: dict[str, Any], path: Path, fmt: str) -> None:
    """Render `view` as `fmt` and write it to `path` through a temporary file and a rename."""
    rendered = FORMATS[fmt](view)
    data = rendered.encode("utf-8") if isinstance(rendered, str) else rendered
    write_bytes_atomic(path, data)
