"""Reading a stored result for re-rendering: refuse what cannot be read, migrate older versions,
and let a result with missing parts through (the report then says what is missing).

`audit.result.load_result` is strict, as a resumed run must be; a report is more forgiving, since
an officer may need to print what a damaged file still holds. Only three things are refused, each
with one line that says what to do: a file that is not JSON (or is cut short), a JSON document that
is not an l3audit result, and a schema version no migration leads from.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from audit.errors import ResultError
from audit.i18n import phrase
from audit.result import SCHEMA_VERSION, read_result_json

Migration = Callable[[dict[str, Any]], dict[str, Any]]

MIGRATIONS: dict[int, Migration] = {}
"""Version N -> a function that turns a version-N result into version N+1. Version 1 is the first
published schema, so the table is empty; the next schema change adds `1: _v1_to_v2` here."""


def migrate(data: dict[str, Any], origin: str) -> dict[str, Any]:
    """Bring a result to SCHEMA_VERSION step by step; ResultError when no path exists."""
    version = data.get("schema_version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise ResultError(phrase("error.migrate.not_result", origin=origin, version=repr(version)))
    if version > SCHEMA_VERSION:
        raise ResultError(phrase("error.migrate.newer", origin=origin, version=version, supported=SCHEMA_VERSION))
    while version < SCHEMA_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise ResultError(phrase("error.migrate.older", origin=origin, version=version, supported=SCHEMA_VERSION))
        data = step(data)
        version = data["schema_version"]
    return data


def read_result_for_report(path: Path) -> dict[str, Any]:
    """The result in `path`, migrated to the current schema; parts may be missing (the view says so)."""
    data = read_result_json(path)
    if not isinstance(data, dict) or "schema_version" not in data:
        raise ResultError(phrase("error.migrate.no_version", path=path))
    return migrate(data, str(path))
