"""One entry point for every report format: `render(result, checklist, fmt, lang) -> bytes`.

html and pdf share one rendering (the PDF prints the HTML with every section open); md uses the same
view-model; json is the stored result itself, unchanged; oscal is an OSCAL assessment-results
document built from the result.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from audit.catalogue.loader import Checklist
from audit.report.html import render_view_html
from audit.report.markdown import render_view_markdown
from audit.report.model import build_view
from audit.report.oscal import build_oscal
from audit.report.pdf import html_to_pdf

FORMATS = ("html", "pdf", "md", "json", "oscal")
"""Formats `l3audit report --format` accepts."""

SUFFIXES = {"html": ".html", "pdf": ".pdf", "md": ".md", "json": ".json", "oscal": ".oscal.json"}


def _html(result: dict[str, Any], checklist: Checklist | None, lang: str) -> bytes:
    return render_view_html(build_view(result, checklist, lang)).encode("utf-8")


def _pdf(result: dict[str, Any], checklist: Checklist | None, lang: str) -> bytes:
    return html_to_pdf(render_view_html(build_view(result, checklist, lang), open_all=True, paper=True))


def _md(result: dict[str, Any], checklist: Checklist | None, lang: str) -> bytes:
    return render_view_markdown(build_view(result, checklist, lang)).encode("utf-8")


def _json(result: dict[str, Any], checklist: Checklist | None, lang: str) -> bytes:
    return (json.dumps(result, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _oscal(result: dict[str, Any], checklist: Checklist | None, lang: str) -> bytes:
    return (json.dumps(build_oscal(result, checklist, lang), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


_RENDERERS: dict[str, Callable[[dict[str, Any], Checklist | None, str], bytes]] = {
    "html": _html, "pdf": _pdf, "md": _md, "json": _json, "oscal": _oscal,
}


def render(result: dict[str, Any], checklist: Checklist | None, fmt: str, lang: str = "vi") -> bytes:
    """The report of `result` in format `fmt` (one of FORMATS) and language `lang`, as bytes."""
    try:
        renderer = _RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}") from None
    return renderer(result, checklist, lang)


def render_html(result: dict[str, Any], checklist: Checklist | None, lang: str = "vi") -> str:
    """The full, self-contained HTML report of one outlet's result, in `lang` ('vi' or 'en')."""
    return render(result, checklist, "html", lang).decode("utf-8")


def render_pdf(result: dict[str, Any], checklist: Checklist | None, lang: str = "vi") -> bytes:
    """The PDF report (the HTML with every section open, printed by headless Chromium); PdfError if
    Chromium is missing or fails."""
    return render(result, checklist, "pdf", lang)
