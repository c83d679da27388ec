"""JSON user files (results, bundles): bounded size, no NaN/Infinity, no duplicate keys, bounded depth."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

from audit.errors import AuditError, Text
from audit.i18n import phrase
from audit.userfiles import limits
from audit.userfiles.raw import read_limited


class _JsonRefusal(ValueError):
    """Raised from inside the decoder hooks; turned into the caller's error."""


def _no_constant(name: str) -> Any:
    # Python's json accepts NaN, Infinity and -Infinity, which RFC 8259 section 6 does not allow.
    raise _JsonRefusal(phrase("error.json.not_number", name=name))


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:  # the last one would silently win (RFC 8259 section 4: names SHOULD be unique)
            raise _JsonRefusal(phrase("error.file.duplicate_key", key=repr(key)))
        result[key] = value
    return result


def _depth_ok(data: Any, max_depth: int) -> bool:
    stack = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (dict, list)):
            if depth > max_depth:
                return False
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, depth + 1) for child in children)
    return True


def parse_json(raw: bytes, error: Callable[[Text, Text], AuditError], max_depth: int = limits.MAX_DEPTH) -> Any:
    """Decode JSON bytes strictly; `error(message, hint)` is raised for anything refused."""
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_no_constant, object_pairs_hook=_unique)
    except UnicodeDecodeError as exc:
        raise error(phrase("error.file.not_utf8", byte=exc.start), phrase("error.file.not_utf8.hint")) from exc
    except json.JSONDecodeError as exc:
        raise error(phrase("error.json.incomplete", problem=exc.msg, line=exc.lineno),
                    phrase("error.json.incomplete.hint")) from exc
    except _JsonRefusal as exc:
        raise error(exc.args[0], phrase("error.json.edited.hint")) from exc
    except RecursionError as exc:
        raise error(phrase("error.json.too_deep"), phrase("error.json.foreign.hint")) from exc
    if not _depth_ok(data, max_depth):
        raise error(phrase("error.file.nested", limit=max_depth), phrase("error.json.foreign.hint"))
    return data


def load_json_file(path: Path, error: Callable[[Text, Text], AuditError],
                   max_bytes: int = limits.MAX_JSON_BYTES) -> tuple[Any, bytes]:
    """Read and decode a JSON user file; return the data and its raw bytes (for digests)."""
    raw = read_limited(path, max_bytes, error)
    return parse_json(raw, error), raw
