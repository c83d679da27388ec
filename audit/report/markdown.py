"""The Markdown report: the same view-model as the HTML, for tickets, wikis and e-mail.

Markdown renderers pass raw HTML through, so every value is escaped twice over: HTML's `<`, `>`
and `&` become entities, and Markdown's own punctuation gets a backslash. The escaping is jinja2's
`finalize` hook, applied to every `{{ }}` whatever the template says; only our own configuration
snippets are marked `raw` (they go inside fenced code blocks, where nothing is interpreted).
"""

from __future__ import annotations

import functools
import re
from typing import Any

import jinja2

from audit.report.html import report_labels

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~!])")
_MD_LINE_START = re.compile(r"^(\s*)([#+\-=>])")


class Raw(str):
    """A string written as is (only our own snippets, inside fenced code blocks)."""


def md_escape(value: Any) -> str:
    """Escape a value for Markdown: HTML entities for < > &, backslashes before Markdown punctuation,
    and line breaks turned into spaces so a value cannot start a new block."""
    if isinstance(value, Raw):
        return str(value).replace("```", "` ` `")
    text = "" if value is None else str(value)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace("\r", " ").replace("\n", " ")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _MD_LINE_START.sub(_escape_line_start, text)


def _escape_line_start(match: re.Match[str]) -> str:
    """`# x` -> `\\# x`: a value must never open a heading, a list or a quote."""
    return match.group(1) + "\\" + match.group(2)


@functools.lru_cache(maxsize=1)
def markdown_env() -> jinja2.Environment:
    """The environment of the Markdown template: every output goes through `md_escape`."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("report_templates", ""),
        autoescape=False,  # HTML escaping would be wrong here; md_escape does both jobs instead
        finalize=md_escape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["raw"] = Raw
    return env


def render_view_markdown(view: dict[str, Any]) -> str:
    """Render a built view-model as the Markdown report."""
    template = markdown_env().get_template("report.md.j2")
    return template.render(v=view, L=report_labels(view["lang"]))
