"""The view of each requirement: status, how it was assessed, the evidence that decided it, the
clauses of both standards, and what to do about it (the catalogue's advice and, for web-server
findings, concrete nginx and Apache snippets from `report_templates/snippets.yaml`).
"""

from __future__ import annotations

import fnmatch
import functools
from collections.abc import Mapping
from importlib import resources
from typing import Any

import yaml

from audit.catalogue.loader import Requirement
from audit.report.fact_texts import fact_in_language
from audit.report.messages import msg
from audit.report.reasons import STRUCTURED_KEYS, reason_sentences, site_sentence
from audit.report.text import short

KNOWN_RESULT_KEYS = frozenset({"requirement_id", "status", "reason", "source", "sites"})
"""Keys of a requirement result the view shows in place; any other (answers, reviewer decisions,
waivers) is written out in sentences (`audit.report.reasons`); any other, added by later versions, is
listed under 'further details' rather than dropped."""

STATUSES = ("pass", "fail", "error", "not_applicable", "manual", "waived")
SEVERITIES = ("critical", "high", "medium", "low", "info")


@functools.lru_cache(maxsize=1)
def load_snippets() -> tuple[dict[str, Any], ...]:
    """The configuration snippets shipped in `report_templates/snippets.yaml`."""
    text = (resources.files("report_templates") / "snippets.yaml").read_text(encoding="utf-8")
    return tuple(yaml.safe_load(text)["snippets"])


def snippets_for(failed_facts: list[str], lang: str) -> list[dict[str, str]]:
    """The snippets whose fact patterns match a fact of a failed check, in file order."""
    chosen = []
    for snippet in load_snippets():
        if any(fnmatch.fnmatchcase(f, pattern) for f in failed_facts for pattern in snippet["facts"]):
            chosen.append({"id": snippet["id"], "title": snippet["title"].get(lang) or snippet["title"]["vi"],
                           "nginx": _in_language(snippet["nginx"], lang), "apache": _in_language(snippet["apache"], lang)})
    return chosen


def _in_language(config: str, lang: str) -> str:
    """A snippet's configuration with the comment lines of `lang` (`#vi: ...`) as `# ...`, other languages' left out."""
    lines = []
    for line in config.rstrip("\n").splitlines():
        body = line.lstrip()
        tag = body[1:3] if body.startswith("#") and body[3:4] == ":" else ""
        if tag in ("vi", "en"):
            if tag == lang:
                lines.append(line[:len(line) - len(body)] + "# " + body[4:].lstrip())
            continue
        lines.append(line)
    return "\n".join(lines)


def flatten(value: Any, prefix: str = "", limit: int = 200) -> list[dict[str, str]]:
    """Nested data as `path: value` rows (evidence hashes, reviewer names...), at most `limit` rows."""
    rows: list[dict[str, str]] = []

    def walk(item: Any, path: str) -> None:
        if len(rows) >= limit:
            return
        if isinstance(item, dict):
            for key in item:
                walk(item[key], f"{path}.{key}" if path else str(key))
        elif isinstance(item, list) and item and any(isinstance(i, (dict, list)) for i in item):
            for i, sub in enumerate(item):
                walk(sub, f"{path}[{i}]")
        elif item is not None and item != []:  # unset optional fields say nothing
            rows.append({"name": short(path, 120), "value": short(item)})

    walk(value, prefix)
    return rows


def _evidence(site: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    rows = []
    for ev in site.get("evidence") or []:
        if not isinstance(ev, dict):
            continue
        fact = str(ev.get("fact", "?"))  # weakness labels and bilingual values said in `lang`, on both sides alike
        rows.append({
            "fact": short(ev.get("fact", "?"), 120),
            "op": short(ev.get("op", ""), 20),
            "expected": short(fact_in_language(fact, ev.get("expected"), lang)),
            "observed": short(fact_in_language(fact, ev.get("observed"), lang)) if ev.get("present", True)
            else msg("report.absent", lang),
            "ok": bool(ev.get("satisfied")),
        })
    return rows


def requirement_view(req: Requirement | None, data: dict[str, Any], lang: str,
                     phrases: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Everything the report says about one requirement, as strings, booleans and lists.

    `phrases` (`audit.report.reasons.result_phrases`) say the probes' stored reasons in `lang`.
    """
    status = data.get("status") if data.get("status") in STATUSES else "error"
    source = str(data.get("source") or "probe")
    sites = []
    failed_facts: list[str] = []
    for site in data.get("sites") or []:
        if not isinstance(site, dict):
            continue
        evidence = _evidence(site, lang)
        failed_facts += [e["fact"] for e in evidence if not e["ok"]]
        site_status = site.get("status") if site.get("status") in STATUSES else "error"
        sites.append({"target": short(site.get("target", "?"), 200), "status": site_status,
                      "status_text": msg(f"status.{site_status}", lang), "reason": site_sentence(site, lang, phrases),
                      "evidence": evidence})
    severity = req.severity.value if req else ""
    req_id = short(data.get("requirement_id", "?"), 80)
    reasons = reason_sentences(data, lang, phrases)
    return {
        "id": req_id,
        "anchor": "req-" + "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in req_id),
        "known": req is not None,
        "title": req.title.get(lang) if req else msg("unknown_requirement", lang),
        "description": req.description.get(lang) if req else "",
        "group": req.group if req else "",
        "status": status,
        "status_text": msg(f"status.{status}", lang),
        "severity": severity,
        "severity_text": msg(f"severity.{severity}", lang) if severity else "",
        "mandatory": bool(req.mandatory) if req else False,
        "mandatory_text": (msg("mandatory", lang) if req.mandatory else msg("optional", lang)) if req else "",
        "source": source,
        "source_text": msg(f"source.{source}", lang) if f"source.{source}" in _SOURCES else short(source, 40),
        "assessment_text": msg(f"assessment.{req.assessment.value}", lang) if req else "",
        "reason": " ".join(reasons),
        "reason_short": reasons[0],
        "sites": sites,
        "references": [{"standard": r.standard, "clause": r.clause, "id": r.id} for r in req.references] if req else [],
        "confidence_text": msg(f"report.confidence.{req.confidence}", lang) if req else "",
        "remediation": req.remediation.get(lang) if req and status in ("fail", "error", "manual") else "",
        "evidence_needed": [e.get(lang) for e in req.evidence] if req else [],
        "snippets": snippets_for(failed_facts, lang) if status == "fail" else [],
        "details": flatten({k: v for k, v in data.items() if k not in KNOWN_RESULT_KEYS and k not in STRUCTURED_KEYS}),
    }


_SOURCES = {f"source.{s}" for s in ("probe", "manual", "answer", "review", "reviewer", "waiver", "tailoring")}
