"""OSCAL export: one outlet's result as an OSCAL assessment-results document (NIST OSCAL 1.1).

Mapping (see docs/reports.md):
- the audit run is one `result`; the catalogue's requirements are the reviewed controls;
- each requirement result is a `finding` whose target is the requirement id: `satisfied` for pass
  and not applicable, `not-satisfied` otherwise (error and manual say so in `reason: other` and a
  prop, never as a fail);
- each requirement's evidence per site is an `observation` (method TEST for probes, EXAMINE for
  answers and reviewer decisions) whose `relevant-evidence` links point into the stored result JSON;
- a waiver is a `risk` with status `deviation-approved`, linked from its finding.

UUIDs are version 5, derived from the outlet, the start time and the requirement id, so the same
result always exports the same document (stable diffs, golden tests).
"""

from __future__ import annotations

import re
import uuid
from typing import Any
from urllib.parse import quote

from audit.catalogue.loader import Checklist
from audit.report.messages import msg
from audit.report.text import short

OSCAL_VERSION = "1.1.2"
NS = "https://l3audit.invalid/ns/oscal"
"""Namespace of our own props (an `.invalid` host: it names, it is never fetched)."""
_NAMESPACE = uuid.UUID("6f1c1a52-3c4f-5d7e-9a1b-2c3d4e5f6a7b")


def _uuid(*parts: Any) -> str:
    return str(uuid.uuid5(_NAMESPACE, "\x1f".join(str(p) for p in parts)))


def _token(text: str) -> str:
    """An OSCAL token (letters, digits, . - _; starting with a letter or _)."""
    token = re.sub(r"[^\w.\-]", "_", text, flags=re.UNICODE) or "_"
    return token if (token[0].isalpha() or token[0] == "_") else "_" + token


def _line(text: Any) -> str:
    """A markup-line value: one line, no leading or trailing space, never empty."""
    return short(text).strip() or "-"


def _prop(name: str, value: Any) -> dict[str, str]:
    return {"name": name, "ns": NS, "value": _line(value)}


def _finding_status(status: str) -> dict[str, str]:
    if status == "pass":
        return {"state": "satisfied", "reason": "pass"}
    if status == "not_applicable":
        return {"state": "satisfied", "reason": "other", "remarks": "not applicable"}
    if status == "fail":
        return {"state": "not-satisfied", "reason": "fail"}
    return {"state": "not-satisfied", "reason": "other", "remarks": status}


def _waiver_statement(req: dict[str, Any]) -> str:
    """Why the deviation was approved, by whom and until when (from the result's waiver record)."""
    raw = req.get("waiver")
    waiver: dict[str, Any] = raw if isinstance(raw, dict) else {}
    parts = [short(waiver.get("justification") or req.get("reason", ""))]
    if waiver.get("approver"):
        parts.append(f"approver: {short(waiver['approver'], 120)}")
    if waiver.get("expires"):
        parts.append(f"expires: {short(waiver['expires'], 40)}")
    return "; ".join(p for p in parts if p) or "-"


def _answer_observation(req: dict[str, Any], base: tuple[Any, ...], req_id: str,
                        result: dict[str, Any]) -> dict[str, Any] | None:
    """A self-assessment answer as an EXAMINE observation; its evidence files are the links, with
    their SHA-256 in the description (the hash pins what the reviewer saw)."""
    answer = req.get("answer")
    if not isinstance(answer, dict):
        return None
    links = []
    for item in answer.get("evidence") or []:
        if isinstance(item, dict) and (item.get("url") or item.get("path")):
            href = str(item.get("url") or quote(str(item["path"])))
            note = f"sha256 {item['sha256']}" if item.get("sha256") else short(item.get("note", "")) or "evidence"
            links.append({"href": href, "description": _line(note)})
    raw_review = answer.get("review")
    review: dict[str, Any] = raw_review if isinstance(raw_review, dict) else {}
    obs: dict[str, Any] = {
        "uuid": _uuid(*base, req_id, "answer"),
        "title": _line(f"{req_id}: {answer.get('answer') or 'unanswered'}"),
        "description": "\n".join(short(x) for x in (answer.get("text"), answer.get("justification"),
                                                      review.get("decision"), review.get("reason")) if x) or "-",
        "props": [_prop("answered-by", answer.get("answered_by") or "-"), _prop("source", req.get("source", "answer"))],
        "methods": ["EXAMINE"],
        "collected": answer.get("answered_at") or result.get("finished_at") or result.get("started_at"),
    }
    if links:
        obs["relevant-evidence"] = links
    return obs


def build_oscal(result: dict[str, Any], checklist: Checklist | None, lang: str = "vi") -> dict[str, Any]:
    """The OSCAL assessment-results document of one outlet's result (a JSON-ready dict)."""
    outlet, cat = result.get("outlet") or {}, result.get("checklist") or {}
    base = (outlet.get("id", "?"), result.get("started_at", ""))
    result_href = quote(f"{outlet.get('id', 'result')}.json")
    attempts = [a for a in result.get("probe_attempts") or [] if isinstance(a, dict)]
    observations, findings, risks = [], [], []
    for req in result.get("requirements") or []:
        if not isinstance(req, dict):
            continue
        req_id = str(req.get("requirement_id", "?"))
        known = None
        if checklist is not None:
            known = next((r for r in checklist.requirements if r.id == req_id), None)
        title = known.title.get(lang) if known else req_id
        status = str(req.get("status", "error"))
        source = str(req.get("source") or "probe")
        obs_ids = []
        for i, site in enumerate(req.get("sites") or []):
            target = str(site.get("target", ""))
            links = [{"href": f"{result_href}#/probe_attempts/{n}", "description": _line(f"{a.get('probe')} {a.get('target')}")}
                     for n, a in enumerate(attempts) if a.get("target") == target or a.get("probe") == "ports"]
            lines = [f"{e.get('fact')} {e.get('op')} {short(e.get('expected'))}: {short(e.get('observed'))}"
                     for e in site.get("evidence") or []]
            obs_uuid = _uuid(*base, req_id, i)
            obs: dict[str, Any] = {
                "uuid": obs_uuid,
                "title": _line(f"{req_id} @ {target}"),
                "description": "\n".join([short(site.get("reason", "")) or "-", *lines]),
                "props": [_prop("site-status", site.get("status", "")), _prop("source", source)],
                "methods": ["TEST" if source == "probe" else "EXAMINE"],
                "collected": result.get("finished_at") or result.get("started_at"),
            }
            if links:
                obs["relevant-evidence"] = links
            observations.append(obs)
            obs_ids.append(obs_uuid)
        answer_obs = _answer_observation(req, base, req_id, result)
        if answer_obs is not None:
            observations.append(answer_obs)
            obs_ids.append(answer_obs["uuid"])
        finding: dict[str, Any] = {
            "uuid": _uuid(*base, req_id, "finding"),
            "title": _line(f"{req_id} {title}"),
            "description": short(req.get("reason", "")) or "-",
            "props": [_prop("status", status), _prop("source", source)],
            "target": {"type": "objective-id", "target-id": _token(req_id), "status": _finding_status(status)},
        }
        if obs_ids:
            finding["related-observations"] = [{"observation-uuid": u} for u in obs_ids]
        if status == "waived":
            risk_uuid = _uuid(*base, req_id, "waiver")
            risks.append({"uuid": risk_uuid, "title": _line(f"{msg('source.waiver', lang)}: {req_id}"),
                          "description": short(req.get("reason", "")) or "-",
                          "statement": _waiver_statement(req),
                          "status": "deviation-approved"})
            finding["related-risks"] = [{"risk-uuid": risk_uuid}]
        findings.append(finding)
    start = result.get("started_at") or result.get("finished_at")
    one: dict[str, Any] = {
        "uuid": _uuid(*base, "result"),
        "title": _line(f"{msg('report.title', lang)}: {outlet.get('name', '?')}"),
        "description": _line(f"{cat.get('id', '?')} {cat.get('version', '')} ({cat.get('standard', '')})"),
        "start": start,
        "props": [_prop("verdict", (result.get("summary") or {}).get("verdict", "unknown"))],
        "reviewed-controls": {"control-selections": [{"include-all": {}}]},
    }
    if result.get("finished_at"):
        one["end"] = result["finished_at"]
    for key, items in (("observations", observations), ("risks", risks), ("findings", findings)):
        if items:
            one[key] = items
    tool = result.get("tool") or {}
    return {"assessment-results": {
        "uuid": _uuid(*base, "document"),
        "metadata": {
            "title": _line(f"{msg('report.title', lang)}: {outlet.get('name', '?')}"),
            "last-modified": result.get("finished_at") or start,
            "version": _line(f"{cat.get('id', '?')}-{cat.get('version', '?')}"),
            "oscal-version": OSCAL_VERSION,
            "props": [_prop("tool", f"{tool.get('name', 'l3audit')} {tool.get('version', '?')}"),
                      _prop("catalogue-hash", cat.get("content_hash", "-"))],
        },
        "import-ap": {"href": f"urn:l3audit:checklist:{quote(str(cat.get('id', 'unknown')))}"},
        "results": [one],
    }}
