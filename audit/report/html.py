"""The self-contained HTML report: one file, CSS inline, charts as inline SVG, no script and no
external request (a Content-Security-Policy meta tag forbids both, so even an escaping bug could not
load or run anything). Sections are `<details>`, open for failures; `open_all` opens every one,
which the PDF uses so that nothing is hidden on paper.
"""

from __future__ import annotations

import collections
import functools
from typing import Any

import jinja2

from audit.i18n import t
from audit.report.messages import is_report_word, msg

LABEL_KEYS = (
    "sites", "contact", "date", "auditor", "checklist", "catalogue_version", "tool", "missing", "toc", "verdict",
    "fix_first", "results_by_group", "appendix_facts", "appendix_method", "pass_percent", "coverage", "score",
    "chart", "points", "mandatory_failed", "name", "value", "fix_first_intro", "severity", "requirement", "reason",
    "fix_first_none", "how_assessed", "site", "fact", "test", "expected", "observed", "no_evidence", "details",
    "standard", "clause", "evidence_needed", "remediation", "snippets", "tls_protocols", "tls_suites",
    "certificate", "open_ports", "port", "service", "product", "headers", "all_facts", "method_intro",
    "method_when", "method_from", "method_what", "method_statuses", "status", "probe", "target", "references", "ratings", "signoff_auditor", "signoff_outlet",
    "signoff_hint", "appendix_snippets", "all_facts_in_json", "paper_note", "paper_confidence", "redirect_chain",
)


def report_labels(lang: str) -> dict[str, str]:
    """Every label a report template uses, in `lang` (report vocabulary first, then shared `report.*`)."""
    return {key: msg(key, lang) if is_report_word(key) else t(f"report.{key}", lang) for key in LABEL_KEYS}


@functools.lru_cache(maxsize=1)
def template_env() -> jinja2.Environment:
    """The jinja2 environment of all report templates; autoescape on for every template, always."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("report_templates", ""),
        autoescape=True,  # always, whatever the file name: reports carry text from scanned servers
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_view_html(view: dict[str, Any], open_all: bool = False, paper: bool = False) -> str:
    """Render a built view-model as the full HTML report.

    `paper` is the layout for print (the PDF): each requirement in a few lines (the reason sentence
    already names the failing facts, so no evidence tables), clauses on one line, configuration
    examples once in an appendix instead of under every row, and the raw facts left to the JSON.
    """
    template = template_env().get_template("report.html.j2")
    return template.render(v=view, L=report_labels(view["lang"]), open_all=open_all, paper=paper,
                           snippets=unique_snippets(view) if paper else [], common_confidence=common_confidence(view))


def common_confidence(view: dict[str, Any]) -> str:
    """The source-confidence text most requirements share, said once on paper instead of on every row."""
    texts = [r.get("confidence_text") for g in view.get("groups") or [] for r in g.get("requirements") or []]
    counts = collections.Counter(t for t in texts if t)
    return counts.most_common(1)[0][0] if counts else ""


def unique_snippets(view: dict[str, Any]) -> list[dict[str, str]]:
    """Every configuration example the requirements point to, once each, in order of first use."""
    seen: dict[str, dict[str, str]] = {}
    for group in view.get("groups") or []:
        for req in group.get("requirements") or []:
            for snippet in req.get("snippets") or []:
                seen.setdefault(snippet["id"], snippet)
    return list(seen.values())
