"""Writing the dashboard in the format asked for (html, xlsx, csv, json), atomically."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from audit.department.aggregate.csv import render_dashboard_csv, render_dashboard_json
from audit.department.aggregate.html import render_dashboard_html
from audit.department.aggregate.xlsx import render_dashboard_xlsx

FORMATS: dict[str, Callable[[dict[str, Any]], str | bytes]] = {
    "html": render_dashboard_html,
    "xlsx": render_dashboard_xlsx,
    "csv": render_dashboard_csv,
    "json": render_dashboard_json,
}


def format_for(path: Path, explicit: str | None) -> str:
    """The format named by --format, else by the file's extension (html by default)."""
    if explicit:
        return explicit
    suffix = path.suffix.lower().lstrip(".")
    return suffix if suffix in FORMATS else "html"


def write_dashboard(view: dict[str, Any], path: Path, fmt: str) -> None:
    """Render `view` as `fmt` and write it to `path` through a temporary file and a rename."""
    rendered = FORMATS[fmt](view)
    data = rendered.encode("utf-8") if isinstance(rendered, str) else rendered
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
