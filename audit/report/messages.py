"""The vocabulary of the reports: the `reportview.*` part of the message catalogue (audit/messages/).

`msg(key, lang)` looks up `reportview.<key>` first and falls back to the shared keys (statuses,
verdicts, severities, `report.*`), so report code names its words briefly.
"""

from __future__ import annotations

from audit.i18n import has, t

PREFIX = "reportview."


def msg(key: str, lang: str, **values: object) -> str:
    """The report message `key` in `lang`, with `{name}` fields filled; shared keys via `audit.i18n.t`."""
    return t(PREFIX + key if has(PREFIX + key) else key, lang, **values)


def is_report_word(key: str) -> bool:
    """True when `key` is a word of the report vocabulary (not a shared `report.*` message)."""
    return has(PREFIX + key)
