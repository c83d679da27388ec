"""Audit reports: a view-model built from a stored result, and the formats rendered from it.

`build_view` turns a result (the JSON document of one outlet) into plain data; `render` writes that
data as HTML, PDF, Markdown, JSON or OSCAL. Every format is rendered from the stored result alone, so
`l3audit report` re-renders any result without scanning again. See docs/reports.md.
"""

from __future__ import annotations

from audit.report.formats import FORMATS, render, render_html, render_pdf
from audit.report.html import render_view_html
from audit.report.model import build_view

__all__ = ["FORMATS", "build_view", "render", "render_html", "render_pdf", "render_view_html"]
