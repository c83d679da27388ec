"""The plain outlet report: a view-model of plain strings built from a result, and its HTML.

Templates do no computing and see only the view-model; jinja2 autoescapes everything, because facts
and headers come from servers we do not trust. Long hostile values are truncated before they reach
the page.
"""

from __future__ import annotations

import json
from typing import Any

import jinja2

from audit.checklist import Checklist, Requirement
from audit.i18n import t

MAX_VALUE_CHARS = 300


def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("report_templates", ""),
        autoescape=True,  # always: reports contain text from scanned servers
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def short(value: Any) -> str:
    """A fact value as one line of at most MAX_VALUE_CHARS, control characters made visible."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


def _requirement_view(req: Requirement | None, data: dict[str, Any], lang: str) -> dict[str, Any]:
    evidence = []
    for site in data["sites"]:
        for ev in site["evidence"]:
            evidence.append({
                "site": site["target"],
                "fact": ev["fact"],
                "op": ev["op"],
                "expected": short(ev["expected"]),
                "observed": short(ev["observed"]) if ev["present"] else t("report.absent", lang),
                "ok": ev["satisfied"],
            })
    return {
        "id": data["requirement_id"],
        "status": data["status"],
        "status_text": t(f"status.{data['status']}", lang),
        "reason": short(data["reason"]),
        "title": req.title.get(lang) if req else data["requirement_id"],
        "severity": t(f"severity.{req.severity.value}", lang) if req else "",
        "mandatory": req.mandatory if req else False,
        "references": [f"{r.standard} {r.clause}" for r in req.references] if req else [],
        "remediation": req.remediation.get(lang) if req else "",
        "confidence": t(f"report.confidence.{req.confidence}", lang) if req else "",
        "evidence": evidence,
    }


def build_view(result: dict[str, Any], checklist: Checklist | None, lang: str) -> dict[str, Any]:
    """The report's view-model: only strings, numbers, booleans and lists of those."""
    summary = result["summary"]

    def lookup(req_id: str) -> Requirement | None:
        try:
            return checklist.requirement(req_id) if checklist else None
        except KeyError:
            return None

    labels = {key: t(f"report.{key}", lang) for key in (
        "title", "outlet", "sites", "checklist", "date", "tool", "verdict", "summary", "requirement",
        "status", "reason", "severity", "references", "remediation", "evidence", "probes",
        "pass_percent", "coverage", "mandatory_failed", "observed", "expected", "method", "duration",
    )}
    return {
        "lang": lang,
        "labels": labels,
        "outlet": {"id": result["outlet"]["id"], "name": result["outlet"]["name"]},
        "sites": [s["url"] for s in result["outlet"]["sites"]],
        "checklist": f"{result['checklist']['id']} {result['checklist']['version']} ({result['checklist']['standard']})",
        "date": f"{result['started_at']} – {result['finished_at']}",
        "tool": f"l3audit {result['tool']['version']}",
        "verdict": summary["verdict"],
        "verdict_text": t(f"verdict.{summary['verdict']}", lang),
        "counts": [{"status": s, "text": t(f"status.{s}", lang), "n": n} for s, n in summary["counts"].items()],
        "pass_percent": "—" if summary.get("pass_percent") is None else f"{summary['pass_percent']}%",
        "coverage_percent": "—" if summary.get("coverage_percent") is None else f"{summary['coverage_percent']}%",
        "mandatory_failed": summary.get("mandatory_failed", []),
        "requirements": [_requirement_view(lookup(r["requirement_id"]), r, lang) for r in result["requirements"]],
        "attempts": [{
            "probe": a["probe"], "target": a["target"], "status": a["status"],
            "tool": f"{a['tool']} ({short(a['tool_version'])})", "method": short(a.get("method", "")),
            "duration": f"{a['duration_seconds']:.2f} s", "error": short(a["error_reason"]),
        } for a in result["probe_attempts"]],
    }


def render_html(result: dict[str, Any], checklist: Checklist | None, lang: str = "vi") -> str:
    """Render the plain HTML report of one outlet's result."""
    return _env().get_template("outlet.html.j2").render(view=build_view(result, checklist, lang))
