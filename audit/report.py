"""The outlet report's entry point for the rest of the tool (`audit.output`, `scan`).

The report itself lives in `audit.reportview` (view-model, HTML, PDF, Markdown, OSCAL); this module
gives the run loop and `scan` their two calls by name. Templates see only the view-model; jinja2
autoescapes everything, because facts and headers come from servers we do not trust.
"""

from __future__ import annotations

from typing import Any

from audit.checklist import Checklist
from audit.reportview.formats import render
from audit.reportview.pdf import PdfError

__all__ = ["PdfError", "render_html", "render_pdf"]


def render_html(result: dict[str, Any], checklist: Checklist | None, lang: str = "vi") -> str:
    """The full, self-contained HTML report of one outlet's result, in `lang` ('vi' or 'en')."""
    return render(result, checklist, "html", lang).decode("utf-8")


def render_pdf(result: dict[str, Any], checklist: Checklist | None, lang: str = "vi") -> bytes:
    """The PDF report (the HTML with every section open, printed by headless Chromium); PdfError if
    Chromium is missing or fails."""
    return render(result, checklist, "pdf", lang)
