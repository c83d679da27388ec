"""The self-contained HTML report: one file, CSS inline, charts as inline SVG, no script and no
external request (a Content-Security-Policy meta tag forbids both, so even an escaping bug could not
load or run anything). Sections are `<details>`, open for failures; `open_all` opens every one,
which the PDF uses so that nothing is hidden on paper.
"""

from __future__ import annotations

import functools
from typing import Any

import jinja2

from audit.i18n import t
from audit.report.messages import REPORT_MESSAGES, msg

LABEL_KEYS = (
    "sites", "contact", "date", "auditor", "checklist", "catalogue_version", "tool", "missing", "toc", "verdict",
    "fix_first", "results_by_group", "appendix_facts", "appendix_method", "pass_percent", "coverage", "score",
    "chart", "points", "mandatory_failed", "name", "value", "fix_first_intro", "severity", "requirement", "reason",
    "fix_first_none", "how_assessed", "site", "fact", "test", "expected", "observed", "no_evidence", "details",
    "standard", "clause", "evidence_needed", "remediation", "snippets", "tls_protocols", "tls_suites",
    "certificate", "open_ports", "port", "service", "product", "headers", "all_facts", "method_intro",
    "method_when", "method_from", "method_what", "method_statuses", "status", "probe", "target", "references", "ratings", "signoff_auditor", "signoff_outlet",
    "signoff_hint", "redirect_chain",
)


def report_labels(lang: str) -> dict[str, str]:
    """Every label a report template uses, in `lang` (report vocabulary first, then shared `report.*`)."""
    return {key: msg(key, lang) if key in REPORT_MESSAGES else t(f"report.{key}", lang) for key in LABEL_KEYS}


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


def render_view_html(view: dict[str, Any], open_all: bool = False) -> str:
    """Render a built view-model as the full HTML report."""
    template = template_env().get_template("report.html.j2")
    return template.render(v=view, L=report_labels(view["lang"]), open_all=open_all)
