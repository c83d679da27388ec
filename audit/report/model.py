"""The report's view-model: one outlet's result turned into plain strings, numbers and lists.

Templates (HTML, Markdown) only place what is here; all choosing, sorting, counting and formatting
happens in this module, so every format says the same thing and the view can be tested as data
(golden files). A result with missing parts still gives a view: what exists is shown, and `missing`
lists, in the report's language, what was not there.
"""

from __future__ import annotations

from typing import Any

from audit.catalogue.loader import Checklist, Requirement
from audit.report.facts import attempt_view
from audit.report.messages import msg
from audit.report.reasons import result_phrases
from audit.report.requirements import SEVERITIES, STATUSES, requirement_view
from audit.report.scoring import group_score, requirement_score, score_block, score_rows, score_text, summary_flags
from audit.report.text import format_datetime, format_long_date, format_percent, short

TOP_PARTS = ("tool", "outlet", "checklist", "started_at", "finished_at", "probe_attempts", "requirements", "summary")
DECIDED = ("pass", "fail", "waived")
HEADLINE_RATINGS = ("tls.grade", "http.observatory.grade", "http.observatory.score")
"""Grades shown beside the verdict (details stay in the appendix)."""


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _lookup(checklist: Checklist | None, req_id: str) -> Requirement | None:
    if checklist is None:
        return None
    try:
        return checklist.requirement(req_id)
    except KeyError:
        return None


def _counts(requirements: list[dict[str, Any]], summary: dict[str, Any]) -> dict[str, int]:
    """Counts per status: the summary's when present, else counted from the requirement results."""
    given = _dict(summary.get("counts"))
    if given:
        return {s: given[s] if isinstance(given.get(s), int) and not isinstance(given[s], bool) else 0
                for s in STATUSES}
    return {s: sum(1 for r in requirements if r["status"] == s) for s in STATUSES}


def _bar(counts: dict[str, int], lang: str) -> list[dict[str, Any]]:
    """Segments of a 100-unit stacked bar (an inline SVG chart), one per status that occurs."""
    total = sum(counts.values()) or 1
    x = 0.0
    segments = []
    for status in STATUSES:
        n = counts.get(status, 0)
        if n:
            width = round(100 * n / total, 2)
            segments.append({"status": status, "text": msg(f"status.{status}", lang), "n": n,
                             "x": round(x, 2), "width": width})
            x += width
    return segments


def _verdict(summary: dict[str, Any], counts: dict[str, int], lang: str) -> dict[str, Any]:
    code = summary.get("verdict") if summary.get("verdict") in ("compliant", "not_compliant", "incomplete") else ""
    failed = [short(i, 80) for i in _list(summary.get("mandatory_failed"))]
    undecided = counts["error"] + counts["manual"]
    if code == "not_compliant":
        why = msg("why.not_compliant", lang, n=len(failed))
    elif code == "incomplete":
        why = msg("why.incomplete", lang, n=undecided)
    elif code == "compliant":
        why = msg("why.compliant", lang)
    else:
        why = msg("why.unknown", lang)
    applicable = sum(counts.values()) - counts["not_applicable"]
    block = score_block(summary)
    return {
        "code": code or "unknown",
        "text": msg(f"verdict.{code}", lang) if code else msg("verdict_unknown", lang),
        "why": why,
        "decided_line": msg("counts_line", lang, decided=sum(counts[s] for s in DECIDED), applicable=applicable),
        "pass_percent": format_percent(summary.get("pass_percent"), lang),
        "coverage_percent": format_percent(summary.get("coverage_percent"), lang),
        "score": score_text(block, lang),
        "score_model": short(summary.get("scoring_model") or (block or {}).get("model") or "", 60),
        "score_rows": score_rows(block, lang),
        "score_missing": msg("score_missing", lang) if block is None else "",
        "mandatory_failed": failed,
        "flags": summary_flags(summary, lang),
    }


def _groups(reqs: list[dict[str, Any]], checklist: Checklist | None, block: dict[str, Any] | None,
            lang: str) -> list[dict[str, Any]]:
    order = [g.id for g in checklist.groups] if checklist else []
    order += sorted({r["group"] for r in reqs} - set(order))
    groups = []
    for gid in order:
        members = [r for r in reqs if r["group"] == gid]
        if not members:
            continue
        group = checklist.group(gid) if checklist and gid else None
        counts = {s: sum(1 for r in members if r["status"] == s) for s in STATUSES}
        groups.append({
            "id": gid or "other",
            "anchor": f"group-{gid or 'other'}",
            "title": group.title.get(lang) if group else (gid or msg("group_other", lang)),
            "clause": group.clause if group else "",
            "counts": [{"status": s, "text": msg(f"status.{s}", lang), "n": n} for s, n in counts.items() if n],
            "bar": _bar(counts, lang),
            "score": group_score(block, gid, lang),
            "requirements": members,
        })
    return groups


def _missing(result: dict[str, Any], checklist: Checklist | None, lang: str) -> list[str]:
    notes = [msg("missing.part", lang, part=p) for p in TOP_PARTS if p not in result]
    wanted = _dict(result.get("checklist"))
    if checklist is None:
        notes.append(msg("missing.checklist", lang, id=short(wanted.get("id", "?"), 80)))
    elif wanted.get("content_hash") and wanted.get("content_hash") != checklist.content_hash:
        notes.append(msg("missing.hash", lang))
    if checklist is not None:
        for r in _list(result.get("requirements")):
            rid = _dict(r).get("requirement_id")
            if rid is not None and _lookup(checklist, str(rid)) is None:
                notes.append(msg("missing.requirement", lang, id=short(rid, 80)))
    return notes


def build_view(result: dict[str, Any], checklist: Checklist | None, lang: str = "vi") -> dict[str, Any]:
    """The full report view of one outlet's result, in `lang` ('vi' by default, or 'en')."""
    outlet, cat, tool = _dict(result.get("outlet")), _dict(result.get("checklist")), _dict(result.get("tool"))
    summary = _dict(result.get("summary"))
    phrases = result_phrases(result)
    reqs = [requirement_view(_lookup(checklist, str(r.get("requirement_id", ""))), r, lang, phrases)
            for r in _list(result.get("requirements")) if isinstance(r, dict)]
    counts = _counts(reqs, summary)
    block = score_block(summary)
    for req in reqs:
        req["points"] = requirement_score(block, req["id"], lang)
    fix_first = sorted((r for r in reqs if r["status"] == "fail" and r["mandatory"]),
                       key=lambda r: (SEVERITIES.index(r["severity"]) if r["severity"] in SEVERITIES else 9, r["id"]))
    contact = _dict(outlet.get("contact"))
    auditor = result.get("auditor")
    tool_text = f"{short(tool.get('name', 'l3audit'), 40)} {short(tool.get('version', '?'), 40)}"
    attempts = [attempt_view(a, lang) for a in _list(result.get("probe_attempts")) if isinstance(a, dict)]
    return {
        "lang": lang,
        "title": msg("report.title", lang),
        "outlet": {"id": short(outlet.get("id", "?"), 80), "name": short(outlet.get("name", "?"), 200),
                   "contact": short(" · ".join(str(contact[k]) for k in ("name", "email", "phone") if contact.get(k)))},
        "sites": [{"url": short(s.get("url", "?"), 200), "address": short(s.get("address") or "", 80)}
                  for s in _list(outlet.get("sites")) if isinstance(s, dict)],
        "checklist": {"id": short(cat.get("id", "?"), 80), "title": checklist.title.get(lang) if checklist else short(cat.get("title", ""), 200),
                      "standard": short(cat.get("standard", ""), 120), "version": short(cat.get("version", "?"), 40),
                      "content_hash": short(cat.get("content_hash", ""), 80)},
        "tool": tool_text,
        "generated_by": msg("generated_by", lang, tool=tool_text),
        "auditor": short(_dict(auditor).get("name", "") if isinstance(auditor, dict) else auditor or "", 200)
        or msg("not_recorded", lang),
        "date_long": format_long_date(result.get("finished_at") or result.get("started_at"), lang),
        "started": format_datetime(result.get("started_at"), lang),
        "finished": format_datetime(result.get("finished_at"), lang),
        "verdict": _verdict(summary, counts, lang),
        "counts": [{"status": s, "text": msg(f"status.{s}", lang), "n": counts[s]} for s in STATUSES],
        "bar": _bar(counts, lang),
        "fix_first": fix_first,
        "groups": _groups(reqs, checklist, score_block(summary), lang),
        "attempts": attempts,
        "ratings": [{"target": a["target"], "name": r["name"], "value": r["value"]}
                    for a in attempts for r in a["ratings"] if r["name"] in HEADLINE_RATINGS],
        "method": {"when": f"{format_datetime(result.get('started_at'), lang)} – {format_datetime(result.get('finished_at'), lang)}",
                   "origin": short(_dict(result.get("run")).get("origin", "") or result.get("origin", ""), 200)
                   or msg("not_recorded", lang),
                   "probes": [f"{a['probe']} → {a['target']}: {a['method'] or a['error']}" for a in attempts]},
        "missing": _missing(result, checklist, lang),
    }
