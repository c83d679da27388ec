"""Small text helpers of the reports: safe one-line values, dates, percentages, labels.

Everything a scanned server sends us (headers, banners, certificate names) passes through `short`
before it reaches a view-model, so control characters are made visible and very long values are cut.
Escaping of markup is left to the renderers (jinja2 autoescape, Markdown escaping), which always run.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from audit.i18n import t

MAX_VALUE_CHARS = 300
"""A fact value longer than this is cut, with an ellipsis, in every report format."""

MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December")


def short(value: Any, limit: int = MAX_VALUE_CHARS) -> str:
    """A value as one line of at most `limit` characters, control characters shown as `\\xNN`."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    longer = len(text) > limit
    text = text[:limit]  # escaping only lengthens: the first `limit` characters decide what is shown
    if not text.isprintable():
        text = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)
    return text[: limit - 1] + "…" if longer or len(text) > limit else text


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 timestamp from a result, or None when absent or unreadable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))  # noqa: FURB162 (3.10 rejects "Z")
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _zone(moment: datetime) -> str:
    offset = moment.utcoffset()
    if not offset:
        return "UTC"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def format_datetime(value: Any, lang: str) -> str:
    """'26/11/2026 18:30 (UTC)' in Vietnamese, '26 November 2026 18:30 (UTC)' in English; '' if unknown.

    The time zone of the result is kept (and named) rather than converted, so the report shows the
    instant the tool recorded.
    """
    moment = parse_time(value)
    if moment is None:
        return short(value) if value else ""
    clock = f"{moment.hour:02d}:{moment.minute:02d}"
    if lang == "vi":
        return f"{moment.day:02d}/{moment.month:02d}/{moment.year} {clock} ({_zone(moment)})"
    return f"{moment.day} {MONTHS_EN[moment.month - 1]} {moment.year} {clock} ({_zone(moment)})"


def format_long_date(value: Any, lang: str) -> str:
    """'ngày 26 tháng 11 năm 2026' in Vietnamese (as on official documents), '26 November 2026' in English."""
    moment = parse_time(value)
    if moment is None:
        return ""
    if lang == "vi":
        return f"ngày {moment.day:02d} tháng {moment.month:02d} năm {moment.year}"
    return f"{moment.day} {MONTHS_EN[moment.month - 1]} {moment.year}"


def format_percent(value: Any, lang: str) -> str:
    """'33,3%' in Vietnamese (decimal comma), '33.3%' in English; an em dash when unknown."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "—"
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return (text.replace(".", ",") if lang == "vi" else text) + "%"


def format_number(value: Any, lang: str) -> str:
    """A number with the language's decimal mark; other values through `short`."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return short(value)
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return text.replace(".", ",") if lang == "vi" else text


def labels(lang: str, keys: tuple[str, ...]) -> dict[str, str]:
    """The `report.*` messages named by `keys`, in `lang`, for templates."""
    return {key: t(f"report.{key}", lang) for key in keys}
