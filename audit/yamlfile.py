"""Reading YAML input files so that every error can name a file and a line.

Mappings load as `LineDict` (a dict that remembers the line of itself and of each key), and lists as
`LineList`. JSON Schema validation errors are turned into located errors by walking their path to the
nearest remembered line. PyYAML's safe loader is used: no tags, no object construction.

User files are hostile: before anything is built, one pass over the parser's events enforces the
budgets of `audit.userfiles.limits` (size, nesting depth, alias uses and the node count with
aliases expanded, scalar length), so an alias bomb or a deeply nested file is refused with its line
instead of hanging or overflowing the stack. Impossible dates (`2027-02-30`) and NaN/infinity are
refused where they are written.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any, Callable, Sequence

import jsonschema
import yaml

from audit.errors import LocatedError, Text, raise_all
from audit.i18n import phrase
from audit.userfiles import limits
from audit.userfiles.raw import read_limited


class LineDict(dict):  # type: ignore[type-arg]
    """A mapping loaded from YAML, with `line` (1-based) and `key_lines` for its keys."""

    line: int | None = None
    key_lines: dict[Any, int]


class LineList(list):  # type: ignore[type-arg]
    """A sequence loaded from YAML, with `line` (1-based) and `item_lines`."""

    line: int | None = None
    item_lines: list[int]


# libyaml's parser when PyYAML was built with it: about 8x faster on the 195-row catalogue, same marks.
_SafeBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_SafeBase):  # type: ignore[misc, valid-type]
    """A safe loader (no tags, no objects) that records line numbers and rejects duplicate keys."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, (dict, list)):
            raise yaml.constructor.ConstructorError(None, None, "a mapping or list used as a key", key_node.start_mark)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


def _construct_timestamp(loader: _Loader, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError as exc:  # 2027-02-30: the resolver matched the shape, the calendar says no
        raise yaml.constructor.ConstructorError(
            None, None, f"impossible date or time '{node.value}' ({exc})", node.start_mark) from exc


def _construct_float(loader: _Loader, node: yaml.ScalarNode) -> float:
    value = yaml.constructor.SafeConstructor.construct_yaml_float(loader, node)
    if not math.isfinite(value):  # .nan / .inf pass every range check and compare as nothing
        raise yaml.constructor.ConstructorError(
            None, None, f"'{node.value}' is not a finite number", node.start_mark)
    return float(value)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_Loader.add_constructor("tag:yaml.org,2002:float", _construct_float)


class _BudgetError(Exception):
    """A budget of `limits` was exceeded at a line."""

    def __init__(self, message: Text, line: int, hint: Text) -> None:
        super().__init__(str(message))
        self.message, self.line, self.hint = message, line, hint


def _check_budgets(text: str) -> None:
    """Walk the parser's events (flat, no recursion) and refuse what would explode when built.

    Each anchor remembers its expanded node count and depth, so an alias adds what a consumer
    walking the built data would really visit: nine levels of ten aliases count 10**9, not 90.
    """
    anchors: dict[str, tuple[int, int]] = {}
    stack: list[list[Any]] = []  # [nodes, depth below, anchor] per open collection
    nodes = aliases = 0

    def add(count: int, depth: int, line: int) -> None:
        nonlocal nodes
        nodes += count
        if len(stack) + depth > limits.MAX_DEPTH:
            raise _BudgetError(phrase("error.file.nested", limit=limits.MAX_DEPTH), line, phrase("error.yaml.flatten"))
        if nodes > limits.MAX_NODES:
            raise _BudgetError(phrase("error.yaml.nodes", limit=limits.MAX_NODES), line,
                               phrase("error.yaml.nodes.hint"))
        if stack:
            stack[-1][0] += count
            stack[-1][1] = max(stack[-1][1], depth + 1)

    for event in yaml.parse(text, Loader=_SafeBase):
        line = event.start_mark.line + 1 if event.start_mark else 0
        if isinstance(event, yaml.ScalarEvent):
            if len(event.value) > limits.MAX_SCALAR_CHARS:
                raise _BudgetError(phrase("error.yaml.scalar", size=len(event.value), limit=limits.MAX_SCALAR_CHARS),
                                   line, phrase("error.yaml.scalar.hint"))
            add(1, 0, line)
            if event.anchor:
                anchors[event.anchor] = (1, 0)
        elif isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > limits.MAX_ALIASES:
                raise _BudgetError(phrase("error.yaml.aliases", limit=limits.MAX_ALIASES), line,
                                   phrase("error.yaml.aliases.hint"))
            count, depth = anchors.get(event.anchor or "", (1, 0))
            add(count, depth, line)
        elif isinstance(event, yaml.CollectionStartEvent):
            add(1, 1, line)
            stack.append([1, 1, event.anchor])
        elif isinstance(event, yaml.CollectionEndEvent) and stack:
            count, depth, anchor = stack.pop()
            if anchor:
                anchors[anchor] = (count, depth)
            if stack:  # the opening event already counted this collection's own node
                stack[-1][0] += count - 1
                stack[-1][1] = max(stack[-1][1], depth + 1)


def load_yaml(
    path: Path, error_class: type[LocatedError] = LocatedError, text: str | None = None
) -> tuple[Any, bytes]:
    """Load a YAML file; return the data and the raw bytes (for content hashes).

    Unreadable files, invalid UTF-8 and YAML syntax errors raise `error_class` with the line.
    """
    def refuse(message: Text, hint: Text) -> LocatedError:
        return error_class(message, path=str(path), hint=hint)

    raw = read_limited(path, limits.MAX_YAML_BYTES, refuse) if text is None else text.encode()
    if len(raw) > limits.MAX_YAML_BYTES:
        raise refuse(phrase("error.file.too_large", size=len(raw), limit=limits.MAX_YAML_BYTES), phrase("error.file.split"))
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error_class(
            phrase("error.file.not_utf8", byte=exc.start), path=str(path), hint=phrase("error.file.not_utf8.hint")
        ) from exc
    try:
        _check_budgets(decoded)
        data = yaml.load(decoded, Loader=_Loader)  # noqa: S506 - _Loader derives from SafeLoader
    except _BudgetError as exc:
        raise error_class(exc.message, path=str(path), line=exc.line, hint=exc.hint) from exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise error_class(phrase("error.yaml.invalid", problem=problem), path=str(path), line=line) from exc
    except yaml.YAMLError as exc:
        raise error_class(phrase("error.yaml.invalid", problem=exc), path=str(path)) from exc
    return data, raw


def line_of(data: Any, path: Sequence[Any]) -> int | None:
    """The line of the deepest node along `path` that remembers one."""
    line = getattr(data, "line", None)
    node = data
    for step in path:
        if isinstance(node, LineDict) and step in node:
            line = node.key_lines.get(step, line)
            node = node[step]
        elif isinstance(node, LineList) and isinstance(step, int) and step < len(node):
            line = node.item_lines[step]
            node = node[step]
        else:
            break
        line = getattr(node, "line", None) or line
    return line


MAX_SCHEMA_PROBLEMS = 50
"""Schema problems reported for one file; past this the rest are counted, not listed."""


def validate_schema(
    data: Any,
    schema: dict[str, Any],
    path: Path,
    error_class: type[LocatedError],
    item_of: Callable[[Sequence[Any]], Text],
) -> None:
    """Validate `data` against a JSON Schema; raise every error at once, each located, named and with a hint.

    Each error jsonschema finds is reduced to its most relevant part (`best_match`, which looks inside
    `oneOf` / `anyOf`), so a file with a wrong answer in one row and an unknown key in another shows
    both, in line order. `item_of(path)` names the item an error is in (for example a requirement id).
    """
    validator = jsonschema.Draft202012Validator(schema)
    found: list[jsonschema.ValidationError] = []
    for error in validator.iter_errors(data):
        best = jsonschema.exceptions.best_match([error])
        found.append(best if best is not None else error)
    if not found:
        return
    problems: list[LocatedError] = []
    for best in found:
        where = list(best.absolute_path)
        field: Text = ".".join(str(p) for p in where) or phrase("error.schema.top_level")
        problems.append(error_class(phrase("error.schema.at", field=field, problem=schema_message(best)),
                                    path=str(path), line=line_of(data, where), item=item_of(where),
                                    hint=_schema_hint(best)))
    problems.sort(key=lambda p: p.line or 0)
    if len(problems) > MAX_SCHEMA_PROBLEMS:
        rest = len(problems) - MAX_SCHEMA_PROBLEMS
        problems = problems[:MAX_SCHEMA_PROBLEMS] + [error_class(
            phrase("error.schema.more", count=rest), path=str(path), hint=phrase("error.schema.more.hint"))]
    raise_all(problems)


def schema_message(error: jsonschema.ValidationError) -> Text:
    """What is wrong, said from the catalogue for the usual cases; jsonschema's own words (quoted) else."""
    instance, expected = error.instance, error.validator_value
    if error.validator == "additionalProperties" and isinstance(instance, dict):
        known = set(error.schema.get("properties", {}))
        unknown = [str(k) for k in instance if k not in known] or [str(k) for k in instance]
        return phrase("error.schema.unknown_keys", keys=", ".join(repr(k) for k in unknown))
    if error.validator == "required" and isinstance(instance, dict):
        named = re.match(r"(.+) is a required property$", error.message)  # one error per missing key
        missing = named.group(1) if named else ", ".join(repr(str(k)) for k in expected if k not in instance)
        return phrase("error.schema.required", keys=missing)
    if error.validator == "enum":
        return phrase("error.schema.enum", value=repr(instance), allowed=repr(expected))
    if error.validator == "type":
        names = expected if isinstance(expected, list) else [expected]
        kinds = [phrase(f"error.schema.type.{n}") if n in _TYPE_NAMES else n for n in names]
        return phrase("error.schema.type", value=_short(instance), kind=phrase("error.schema.or", items=kinds)
                      if len(kinds) > 1 else kinds[0], types=", ".join(repr(n) for n in names))
    if error.validator == "pattern":
        return phrase("error.schema.pattern", value=_short(instance), pattern=repr(expected))
    return phrase("error.schema.other", problem=error.message)


_TYPE_NAMES = ("string", "object", "array", "integer", "number", "boolean", "null")


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _schema_hint(error: jsonschema.ValidationError) -> Text:
    if error.validator == "enum":
        return phrase("error.schema.hint.enum", values=", ".join(str(v) for v in error.validator_value))
    if error.validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        return phrase("error.schema.hint.keys", keys=", ".join(allowed)) if allowed else ""
    if error.validator == "required":
        return phrase("error.schema.hint.required")
    if error.validator == "pattern":
        return phrase("error.schema.hint.pattern", pattern=error.validator_value)
    if error.validator == "type":
        kinds = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        words = [phrase(f"error.schema.type.{k}") if k in _TYPE_NAMES else str(k) for k in kinds]
        return phrase("error.schema.hint.write", what=phrase("error.schema.or", items=words) if len(words) > 1
                      else words[0])
    if error.validator == "const":
        return phrase("error.schema.hint.write", what=repr(error.validator_value))
    if error.validator in ("minLength", "minItems", "minProperties"):
        return phrase("error.schema.hint.not_empty") if error.validator_value == 1 \
            else phrase("error.schema.hint.at_least", n=error.validator_value)
    if error.validator in ("maxLength", "maxItems", "maxProperties"):
        return phrase("error.schema.hint.at_most", n=error.validator_value)
    if error.validator in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        return f"{error.validator}: {error.validator_value}"
    return ""

