"""What `l3audit diff OLD NEW` compares: result files, a run folder, a stored round, or a date.

- `results/bao-mau.json`: one result file;
- `results/`: every result file of a run folder (its summary.json is skipped);
- `7` or `round:7`: stored round 7 (needs `--db`);
- `@2026-11-01` or `@01/11/2026`: each outlet's latest stored result finished on or before the end of
  that day in the department's zone (`L3AUDIT_TZ`, default Asia/Ho_Chi_Minh), or before a timestamp
  (`@2026-11-01T09:00:00+07:00`) (needs `--db`).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from audit.department.diff import failing_since
from audit.errors import ResultError, StoreError
from audit.i18n import phrase
from audit.result import load_result
from audit.department.store.store import Store

_ROUND = re.compile(r"^(?:round:)?(\d+)$")
_DATE = re.compile(r"^@(.+)$")


def load_side(spec: str, store: Store | None) -> dict[str, dict[str, Any]]:
    """The results named by one side of a diff, keyed by outlet id."""
    path = Path(spec)
    if path.is_file():
        data = load_result(path)
        return {data["outlet"]["id"]: data}
    if path.is_dir():
        found: dict[str, dict[str, Any]] = {}
        for item in sorted(path.glob("*.json")):
            if item.name != "summary.json":
                data = load_result(item)
                found[data["outlet"]["id"]] = data
        if not found:
            raise ResultError(phrase("error.diff.empty_folder", path=path))
        return found
    round_match, date_match = _ROUND.match(spec), _DATE.match(spec)
    if round_match or date_match:
        if store is None:
            raise StoreError(phrase("error.diff.needs_db", spec=repr(spec)))
        if round_match:
            return store.round_documents(int(round_match.group(1)))
        assert date_match is not None
        return store.snapshot(snapshot_until(date_match.group(1)))
    raise ResultError(phrase("error.diff.unknown_source", spec=repr(spec)))


def snapshot_until(text: str) -> str:
    """The UTC bound of `@DAY` (the end of that local day) or `@TIMESTAMP`; DateFilterError otherwise."""
    from audit.department.dates import DateFilterError, parse_day, to_utc, window

    if "T" in text:
        try:
            dt.datetime.fromisoformat(text)
        except ValueError:
            raise DateFilterError(phrase("error.diff.bad_at", text=repr(text))) from None
        return to_utc(text)
    parse_day(text, "@DATE")
    _start, end = window(None, text)
    assert end is not None
    return end


def stored_failing_since(store: Store, new: dict[str, dict[str, Any]]) -> dict[str, dict[str, str]]:
    """Per outlet in NEW, when each of its open failures began, from all stored history up to NEW."""
    since: dict[str, dict[str, str]] = {}
    for outlet_id, doc in new.items():
        rows = store.results(outlet_id=outlet_id, until=doc["finished_at"],
                             checklist_id=doc["checklist"]["id"])
        statuses = store.statuses(r.id for r in rows)
        history = [(r.finished_at, statuses.get(r.id, {})) for r in rows]
        current = {x["requirement_id"]: x["status"] for x in doc.get("requirements", [])}
        if not history or history[-1][0] != doc["finished_at"]:
            history.append((doc["finished_at"], current))
        since[outlet_id] = failing_since(history)
    return since
