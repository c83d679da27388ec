"""Tailoring: a department's or outlet's choices for a catalogue, applied before an audit is judged.

A tailoring file (`l3audit/tailoring/v1`, schema in `checklists/schema/tailoring.schema.json`) names
a catalogue and its level, sets parameters (range-checked against the catalogue's declared min/max)
and marks rows not applicable, each with a justification in both languages (for example "no Wi-Fi"
for N3-NET-08). `apply_tailoring` returns a new, frozen `Checklist`: parameter values flow into the
checks and into the `{{name}}` placeholders of the texts (the catalogue is reloaded with them), and
each marked row carries its justification in `Requirement.not_applicable_reason`, which the
evaluation reports as status `not_applicable`. Every problem is a `ChecklistError` naming the file,
the line, the item and a hint.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, cast

from audit.catalogue.loader import Checklist, builtin_dir, check_parameter_range, load_checklist
from audit.errors import ChecklistError
from audit.errors import Text as ErrorText
from audit.i18n import phrase
from audit.models import Text
from audit.yamlfile import LineDict, line_of, load_yaml, validate_schema

SCHEMA_ID = "l3audit/tailoring/v1"


@dataclass(frozen=True)
class Tailoring:
    """A validated tailoring file (not yet checked against its catalogue: see `apply_tailoring`)."""

    id: str
    checklist: str
    level: int
    parameters: Mapping[str, Any] = field(default_factory=dict)
    not_applicable: Mapping[str, Text] = field(default_factory=dict)
    """Row id -> justification."""
    title: Text | None = None
    path: str = ""
    content_hash: str = ""
    lines: Mapping[str, int] = field(default_factory=dict)
    """Where each parameter ('parameters.<name>') and each mark ('not_applicable.<id>') is, for errors."""


def tailoring_schema() -> dict[str, Any]:
    """The published JSON Schema of tailoring files."""
    text = (builtin_dir() / "schema" / "tailoring.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def load_tailoring(path: str | Path) -> Tailoring:
    """Read and validate a tailoring file against its schema; ChecklistError on the first problem."""
    file = Path(path)
    if not file.exists():
        raise ChecklistError(phrase("error.file.not_found"), path=str(file), hint=phrase("error.tailoring.path_hint"))
    data, raw = load_yaml(file, ChecklistError)
    if not isinstance(data, dict):
        raise ChecklistError(phrase("error.tailoring.not_mapping"), path=str(file), line=1)
    validate_schema(data, tailoring_schema(), file, ChecklistError, lambda where: _item_of(cast(LineDict, data), where))
    marks: dict[str, Text] = {}
    lines: dict[str, int] = {}
    for i, mark in enumerate(data.get("not_applicable") or []):
        if mark["id"] in marks:
            raise ChecklistError(
                phrase("error.tailoring.twice", id=mark["id"]), path=str(file),
                line=line_of(data, ["not_applicable", i]), item=phrase("error.item.row", id=mark["id"]),
                hint=phrase("error.tailoring.twice.hint"),
            )
        marks[mark["id"]] = Text(**mark["justification"])
        lines[f"not_applicable.{mark['id']}"] = line_of(data, ["not_applicable", i]) or 0
    for name in data.get("parameters") or {}:
        lines[f"parameters.{name}"] = line_of(data, ["parameters", name]) or 0
    return Tailoring(
        id=data["id"],
        checklist=data["checklist"],
        level=data["level"],
        parameters=dict(data.get("parameters") or {}),
        not_applicable=marks,
        title=Text(**data["title"]) if "title" in data else None,
        path=str(file),
        content_hash="sha256:" + hashlib.sha256(raw).hexdigest(),
        lines=lines,
    )


def _item_of(data: LineDict, where: Sequence[Any]) -> ErrorText:
    if len(where) >= 2 and where[0] == "not_applicable" and isinstance(where[1], int):
        marks = data.get("not_applicable") or []
        if where[1] < len(marks) and isinstance(marks[where[1]], dict):
            return phrase("error.item.row", id=marks[where[1]].get("id", "#" + str(where[1] + 1)))
    if len(where) >= 2 and where[0] == "parameters":
        return phrase("error.item.parameter", name=where[1])
    return ""


def apply_tailoring(checklist: Checklist, tailoring: Tailoring) -> Checklist:
    """The checklist as this tailoring shapes it: new parameter values, rows marked not applicable.

    The tailoring must name this checklist and its level; every parameter must be declared by the
    catalogue and lie within its range; every marked row must exist. The result's `content_hash`
    covers the catalogue and the tailoring, so a stored result pins both.
    """

    def error(message: ErrorText, key: str = "", item: ErrorText = "", hint: ErrorText = "") -> ChecklistError:
        return ChecklistError(message, path=tailoring.path, line=tailoring.lines.get(key), item=item, hint=hint)

    if tailoring.checklist != checklist.id:
        raise error(phrase("error.tailoring.other_checklist", pinned=tailoring.checklist, id=checklist.id),
                    hint=phrase("error.tailoring.other_checklist.hint", pinned=tailoring.checklist, id=checklist.id))
    if tailoring.level != checklist.level:
        raise error(phrase("error.tailoring.level", level=tailoring.level, id=checklist.id, actual=checklist.level),
                    hint=phrase("error.tailoring.level.hint", level=tailoring.level, actual=checklist.level))
    for name, value in tailoring.parameters.items():
        key = f"parameters.{name}"
        if name not in checklist.parameters:
            close = difflib.get_close_matches(name, list(checklist.parameters), n=1)
            hint: ErrorText = (phrase("error.checklist.did_you_mean", id=close[0]) if close
                               else phrase("error.tailoring.see_parameters"))
            raise error(phrase("error.tailoring.no_parameter", id=checklist.id, name=name), key,
                        phrase("error.item.parameter", name=name), hint)
        param = checklist.parameters[name]
        range_hint = _range_hint(param.min, param.max, param.unit)
        check_parameter_range(
            param, value, lambda m, k=key, n=name, h=range_hint: error(m, k, phrase("error.item.parameter", name=n), h)
        )
    ids = [r.id for r in checklist.requirements]
    for rid in tailoring.not_applicable:
        if rid not in ids:
            close = difflib.get_close_matches(rid, ids, n=1)
            hint = (phrase("error.checklist.did_you_mean", id=close[0]) if close
                    else phrase("error.tailoring.ids_of", id=checklist.id))
            if rid in checklist.excluded:
                hint = phrase("error.tailoring.excluded", id=rid)
            raise error(phrase("error.tailoring.no_requirement", id=checklist.id, rid=rid), f"not_applicable.{rid}",
                        phrase("error.item.row", id=rid), hint)

    tailored = checklist
    if tailoring.parameters:
        try:
            tailored = load_checklist(checklist.path, parameter_values=tailoring.parameters)
        except ChecklistError as exc:  # a value of the right range may still break a condition
            raise error(phrase("error.tailoring.misfit", problem=exc.phrases[0]),
                        hint=exc.phrases[2] or phrase("error.tailoring.misfit.hint")) from exc
    requirements = tuple(
        replace(r, not_applicable_reason=tailoring.not_applicable[r.id]) if r.id in tailoring.not_applicable else r
        for r in tailored.requirements
    )
    digest = hashlib.sha256((checklist.content_hash + tailoring.content_hash).encode()).hexdigest()
    return replace(
        tailored,
        requirements=requirements,
        tailoring=tailoring.id,
        content_hash="sha256:" + digest,
    )


def _range_hint(low: float | None, high: float | None, unit: str) -> ErrorText:
    unit = f" {unit}" if unit else ""
    if low is not None and high is not None:
        return phrase("error.tailoring.range", low=_num(low), high=_num(high), unit=unit)
    if low is not None:
        return phrase("error.tailoring.at_least", low=_num(low), unit=unit)
    if high is not None:
        return phrase("error.tailoring.at_most", high=_num(high), unit=unit)
    return ""


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def tailor_checklist(path: str | Path) -> Checklist:
    """Load a tailoring file and its catalogue, and apply one to the other (for `--tailoring FILE`)."""
    tailoring = load_tailoring(path)
    try:
        checklist = load_checklist(tailoring.checklist)
    except ChecklistError as exc:
        raise ChecklistError(exc.phrases[0], path=tailoring.path, line=1,
                             item=phrase("error.item.checklist", id=tailoring.checklist), hint=exc.phrases[2]) from exc
    return apply_tailoring(checklist, tailoring)
