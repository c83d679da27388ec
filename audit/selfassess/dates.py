"""Dates an outlet writes in its answers: ISO 8601 or dd/mm/yyyy, never a spreadsheet day number or a future day.

Owned here because three readers share them (the YAML answers file, the workbook and the reviews
file). A refused date raises `DateError`, a `ValueError` whose `phrase` says the problem in any
language (`str()` stays English for logs and the portal, which shows its own message).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from audit.i18n import Phrase, phrase

DATE_HINT = phrase("error.answer_date.hint")
"""The hint of every refused date: the two forms accepted."""


class DateError(ValueError):
    """A value that is not a date an answer may carry; `phrase` is the message to show."""

    def __init__(self, message: Phrase) -> None:
        self.phrase = message
        super().__init__(str(message))


def iso_date(value: Any, today: dt.date | None = None) -> str:
    """A date an outlet wrote (ISO 8601 or dd/mm/yyyy, or a spreadsheet date cell) as ISO text.

    DateError for anything else: a spreadsheet's day number (45992), an impossible or a future date.
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise DateError(phrase("error.answer_date.number", value=repr(value)))
    if isinstance(value, (dt.datetime, dt.date)):
        parsed: dt.date | dt.datetime = value
    else:
        parsed = _parse(str(value).strip())
    day = parsed.date() if isinstance(parsed, dt.datetime) else parsed
    if day > (today or dt.date.today()) + dt.timedelta(days=1):
        raise DateError(phrase("error.answer_date.future", day=day.isoformat()))
    return parsed.isoformat()


def _parse(text: str) -> dt.date | dt.datetime:
    """dd/mm/yyyy (with an optional time) first, as Vietnamese offices write it, then ISO 8601."""
    for form in ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y"):
        try:
            moment = dt.datetime.strptime(text, form)
        except ValueError:
            continue
        return moment.date() if form == "%d/%m/%Y" else moment
    try:
        return dt.datetime.fromisoformat(text) if ("T" in text or " " in text) else dt.date.fromisoformat(text)
    except ValueError:
        raise DateError(phrase("error.answer_date.not_date", text=text)) from None


def normalise_dates(node: Any) -> Any:
    """Turn YAML dates and timestamps into ISO strings in place (YAML parses unquoted ones)."""
    if isinstance(node, (dict, list)):
        for key, value in (node.items() if isinstance(node, dict) else enumerate(node)):
            node[key] = normalise_dates(value)
    elif isinstance(node, (dt.datetime, dt.date)):
        return node.isoformat()
    return node


def now_iso() -> str:
    """Current UTC time, ISO 8601 with seconds (for answered_at / reviewed_at)."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
