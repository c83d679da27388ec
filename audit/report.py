"""The outlet report's entry point for the rest of the tool (`audit.output`, `scan`).

The report itself lives in `audit.reportview` (view-model, HTML, PDF, Markdown, OSCAL); this module
keeps the call the run loop and `scan` use, `render_html(result, checklist, lang)`, and the
`build_view`/`short` names earlier code imported. Templates see only the view-model; jinja2
autoescapes everything, because facts and headers come from servers we do not trust.
"""

from __future__ import annotations

from typing import Any

from audit.checklist import Checklist
from audit.reportview.html import render_view_html
from audit.reportview.model import build_view
from audit.reportview.pdf import PdfError, find_chromium, html_to_pdf
from audit.reportview.text import MAX_VALUE_CHARS, short

__all__ = ["MAX_VALUE_CHARS", "PdfError", "build_view", "find_chromium", "render_html", "render_pdf", "short"]


def render_html(result: dict[str, Any], checklist: Checklist | None, lang: str = "vi") -> str:
    """The full, self-contained HTML report of one outlet's result, in `lang` ('vi' or 'en')."""
    return render_view_html(build_view(result, checklist, lang))


def render_pdf(result: dict[str, Any], checklist: Checklist | None, lang: str = "vi") -> bytes:
    """The PDF report (the HTML with every section open, printed by headless Chromium); PdfError if
    Chromium is missing or fails."""
    return html_to_pdf(render_view_html(build_view(result, checklist, lang), open_all=True))
