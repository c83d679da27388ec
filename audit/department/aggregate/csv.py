"""The dashboard as CSV (one row per outlet and catalogue) and as JSON (the whole view-model)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from audit.department.aggregate.text import label

OUTLET_COLUMNS = ("id", "name", "tags", "catalogue", "verdict", "pass_percent", "coverage_percent", "fail",
                  "error", "manual", "trend", "delta", "audits", "finished_at", "signer")


def safe_cell(value: Any) -> Any:
    """A value that a spreadsheet will not run as a formula (OWASP CSV injection guidance)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


BOM = "\ufeff"
"""UTF-8 byte-order mark: without it Excel on Windows reads the file as ANSI and garbles Vietnamese."""


def render_dashboard_csv(view: dict[str, Any]) -> str:
    """One row per outlet, headers in the dashboard's language, the verdict in words in the last column.

    Starts with a byte-order mark (see BOM); codes (verdict, trend) stay as codes beside the words
    so that a script can still filter on them.
    """
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180 line ends, as Excel writes them
    writer.writerow([label(f"csv.{c}", view["lang"]) for c in (*OUTLET_COLUMNS, "verdict_text")])
    for o in view["outlets"]:
        row = [";".join(o[c]) if c == "tags" else ("" if o[c] is None else o[c]) for c in OUTLET_COLUMNS]
        writer.writerow([safe_cell(v) for v in [*row, label(f"verdict.{o['verdict']}", view["lang"])]])
    return buffer.getvalue()


def render_dashboard_json(view: dict[str, Any]) -> str:
    """The view-model itself, for other tools (stable keys; see docs/department.md)."""
    return json.dumps(view, ensure_ascii=False, indent=2) + "\n"
