"""The score as the report shows it: the summary's scoring block (`audit.scoring`, model
`l3audit-score/1`: points by severity, pooled per group, each percentage with its coverage), and the
summary's lists that explain the verdict (conflicts, flagged evidence, expired waivers...).

The report never recomputes a score: it shows the one stored in the result, so a printed report and
`rescore` of the same file agree. A result without a scoring block says so.
"""

from __future__ import annotations

from typing import Any

from audit.report.messages import msg
from audit.report.text import format_number, format_percent, short

SCORE_KEYS = ("model", "points", "max_points", "percent", "determined", "applicable", "coverage_percent")
FLAG_KEYS = {
    "mandatory_open": "flag.mandatory_open",
    "conflicts": "report.conflict",
    "evidence_flagged": "report.evidence_flagged",
    "expired_waivers": "report.waiver_expired",
    "waived": "flag.waived",
}


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def score_block(summary: dict[str, Any]) -> dict[str, Any] | None:
    """The scoring block of a summary (`score`, or an older `scoring`), if there is one."""
    for key in ("score", "scoring"):
        if isinstance(summary.get(key), dict):
            return summary[key]  # type: ignore[no-any-return]
    return None


def points_text(block: dict[str, Any], lang: str) -> str:
    """'31 / 79 điểm' from a block (or a group or requirement entry) with points and max_points."""
    if not _number(block.get("points")):
        return ""
    text = format_number(block["points"], lang)
    if _number(block.get("max_points")):
        text += f" / {format_number(block['max_points'], lang)}"
    return f"{text} {msg('report.points', lang)}"


def score_text(block: dict[str, Any] | None, lang: str) -> str:
    """The headline score: '39,2% (31 / 79 điểm)', or the points alone, or '' without a block."""
    if block is None:
        return ""
    points = points_text(block, lang)
    if _number(block.get("percent")):
        return format_percent(block["percent"], lang) + (f" ({points})" if points else "")
    return points


def score_rows(block: dict[str, Any] | None, lang: str) -> list[dict[str, str]]:
    """The block's overall numbers as name/value rows (per-group and per-requirement points are shown
    with their groups and requirements)."""
    if block is None:
        return []
    rows = []
    for key in SCORE_KEYS:
        if key in block:
            value = block[key]
            text = format_percent(value, lang) if key.endswith("percent") else format_number(value, lang)
            rows.append({"name": msg(f"score.{key}", lang), "value": text})
    return rows


def group_score(block: dict[str, Any] | None, group_id: str, lang: str) -> str:
    """'24 / 45 điểm · 53,3% · độ bao phủ 100%' for one group, '' when the block has no such group."""
    groups = block.get("groups") if block else None
    entry = groups.get(group_id) if isinstance(groups, dict) else None
    if not isinstance(entry, dict):
        return ""
    parts = [points_text(entry, lang), format_percent(entry.get("percent"), lang)]
    if "coverage_percent" in entry:
        parts.append(f"{msg('report.coverage', lang).lower()} {format_percent(entry['coverage_percent'], lang)}")
    return " · ".join(p for p in parts if p and p != "—")


def requirement_score(block: dict[str, Any] | None, requirement_id: str, lang: str) -> str:
    """'7 / 7 điểm' for one requirement, '' when the block does not list it."""
    reqs = block.get("requirements") if block else None
    entry = reqs.get(requirement_id) if isinstance(reqs, dict) else None
    return points_text(entry, lang) if isinstance(entry, dict) else ""


def summary_flags(summary: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """The summary's non-empty explanatory lists, labelled: [{'label', 'ids'}]."""
    flags = []
    for key, label in FLAG_KEYS.items():
        ids = summary.get(key)
        if isinstance(ids, list) and ids:
            flags.append({"label": msg(label, lang), "ids": [short(i, 80) for i in ids[:200]]})
    return flags
