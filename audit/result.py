"""The result file: one JSON document per outlet, versioned, written atomically.

The document carries `schema_version`, the tool version, the checklist id and content hash,
timestamps, every probe attempt with its facts, every requirement result with its evidence, and a
summary. Its JSON Schema is published as `docs/result.schema.json`. Files are written to a temporary
name and renamed, so an interrupted run never leaves half a result behind.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from audit.errors import ResultError, Text
from audit.i18n import phrase
from audit.models import OutletResult
from audit.yamlfile import schema_message
from audit.userfiles.output import write_bytes_atomic

SCHEMA_VERSION = 1


def result_to_dict(result: OutletResult) -> dict[str, Any]:
    """The JSON-ready form of an outlet's result."""
    outlet = result.outlet
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "l3audit", "version": result.tool_version},
        "outlet": {
            "id": outlet.id,
            "name": outlet.name,
            "contact": {"name": outlet.contact.name, "email": outlet.contact.email, "phone": outlet.contact.phone},
            "tags": list(outlet.tags),
            "sites": [s.to_dict() for s in outlet.sites],
        },
        "checklist": result.checklist.to_dict(),
        "started_at": result.started_at,
        "finished_at": result.finished_at,
        "probe_attempts": [a.to_dict() for a in result.attempts],
        "requirements": [r.to_dict() for r in result.requirements],
        "summary": dict(result.summary),
        "auditor": {"name": result.auditor},
        "run": {"origin": result.origin},
    }


def result_schema() -> dict[str, Any]:
    """The published JSON Schema of result files."""
    text = (resources.files("audit") / "schemas" / "result.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def write_json_atomic(path: Path, data: Any) -> None:
    """Write JSON to `path` through a temporary file in the same folder and an atomic rename.

    Only a regular file is ever replaced (`audit.userfiles.output`).
    """
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    write_bytes_atomic(path, text.encode("utf-8"), fsync=True)


def write_text_atomic(path: Path, text: str) -> None:
    """Write text to `path` atomically (temporary file, then rename); only a regular file is replaced."""
    write_bytes_atomic(path, text.encode("utf-8"))


def read_result_json(path: Path) -> Any:
    """The decoded JSON of a result file, read through the hardened reader (size, NaN, depth)."""
    from audit.userfiles.jsonfile import load_json_file

    def refuse(message: Text, hint: Text) -> ResultError:
        if hint:
            return ResultError(phrase("error.in_file.hint", path=path, message=message, hint=hint))
        return ResultError(phrase("error.in_file", path=path, message=message))

    return load_json_file(path, refuse)[0]


def load_result(path: Path) -> dict[str, Any]:
    """Read and validate a result file; ResultError with a clear reason when it cannot be used."""
    data = read_result_json(path)
    if not isinstance(data, dict) or "schema_version" not in data:
        raise ResultError(phrase("error.result.not_result", path=path))
    if data["schema_version"] != SCHEMA_VERSION:
        raise ResultError(phrase("error.result.version", path=path, version=repr(data["schema_version"]),
                                 supported=SCHEMA_VERSION))
    try:
        jsonschema.validate(data, result_schema())
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or phrase("error.schema.top_level")
        raise ResultError(phrase("error.result.invalid", path=path, where=where, problem=schema_message(exc))) from exc
    return data
