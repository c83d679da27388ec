"""Loading checklists (requirement catalogues) and refusing bad ones before any packet is sent.

A checklist is YAML data (`checklists/*.yaml`), validated in three steps: the published JSON Schema
(`checklists/schema/checklist.schema.json`), the condition language (operators and values), and the
facts each condition names, which must be declared by a registered probe. Every error names the file,
the line, the requirement id and a hint. A level may `extend` another (ComplianceAsCode's inherited
levels); `exclude` records, with a reason, the rows of the parent that do not carry over.

Requirement texts may name a catalogue parameter as `{{name}}` (for example "keep logs for at least
{{log_retention_months}} months"): the value is filled in at load, so a manual requirement shows the
threshold a department has tailored, and an unknown name is refused like an unknown fact.
`load_checklist(..., parameter_values=...)` reloads a catalogue (and its parents) with tailored
values; `audit.catalogue.tailoring` uses it.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any, cast

from audit.catalogue.conditions import Condition, ConditionSyntaxError, Operator, leaves, parse_condition
from audit.errors import ChecklistError
from audit.errors import Text as ErrorText
from audit.i18n import phrase
from audit.catalogue.model import Check, Checklist, Group, Parameter, Reference, Requirement
from audit.models import Assessment, Severity, Text
from audit.yamlfile import LineDict, line_of, load_yaml, validate_schema
from probes.registry import fact_spec, probe_names

SCHEMA_ID = "l3audit/checklist/v1"

__all__ = ["Check", "Checklist", "Group", "Parameter", "Reference", "Requirement", "load_checklist",
           "resolve_checklist", "builtin_checklists", "check_parameter_range", "iter_builtin"]


def builtin_dir() -> Path:
    """Where the shipped checklists live (inside the installed `checklists` package)."""
    return Path(str(resources.files("checklists")))


def _schema() -> dict[str, Any]:
    text = (builtin_dir() / "schema" / "checklist.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    # At run time conditions are checked by parse_condition, whose messages are precise; the full
    # condition grammar stays in the published schema for editors.
    runtime = copy.deepcopy(schema)
    runtime["$defs"]["condition"] = {"type": "object"}
    return runtime


def builtin_checklists() -> dict[str, Path]:
    """Shipped checklist ids mapped to their files (the id is read from each file)."""
    found: dict[str, Path] = {}
    for path in sorted(builtin_dir().glob("*.yaml")):
        # The folder also holds other data (the crosswalk): only files declaring the checklist schema count.
        if _CHECKLIST_FILE.search(path.read_text(encoding="utf-8", errors="replace")):
            found[path.stem] = path
    return found


_CHECKLIST_FILE = re.compile(r"^schema:\s*[\"']?l3audit/checklist/v1\b", re.MULTILINE)


def resolve_checklist(ref: str) -> Path:
    """Turn a checklist id or a file path into a file path; ChecklistError if neither exists."""
    candidate = Path(ref)
    if candidate.suffix in (".yaml", ".yml") or candidate.exists():
        if not candidate.exists():
            raise ChecklistError(phrase("error.file.not_found"), path=ref)
        return candidate
    shipped = builtin_checklists()
    if ref in shipped:
        return shipped[ref]
    close = difflib.get_close_matches(ref, list(shipped), n=1)
    hint = phrase("error.checklist.did_you_mean", id=close[0]) if close else phrase("error.checklist.list_hint")
    raise ChecklistError(phrase("error.checklist.unknown", id=ref), hint=hint)


def load_checklist(
    ref: str | Path,
    _seen: tuple[str, ...] = (),
    *,
    parameter_values: Mapping[str, Any] | None = None,
) -> Checklist:
    """Load and validate a checklist by id or path; raise ChecklistError on the first problem.

    `parameter_values` replaces declared parameter values (range-checked) in this catalogue and the
    ones it extends, before conditions and texts are resolved; names a level does not declare are
    left to the level that does.
    """
    path = resolve_checklist(str(ref))
    data, raw = load_yaml(path, ChecklistError)
    if not isinstance(data, dict):
        raise ChecklistError(phrase("error.checklist.not_mapping"), path=str(path), line=1)
    validate_schema(data, _schema(), path, ChecklistError, lambda where: _item_of(data, where))
    return _build(cast(LineDict, data), raw, path, _seen, parameter_values or {})


def _did_you_mean(close: list[str], otherwise: ErrorText) -> ErrorText:
    """The hint for an unknown name: the closest known one, else what to do."""
    return phrase("error.checklist.did_you_mean", id=close[0]) if close else otherwise


def _item_of(data: Any, where: Sequence[Any]) -> ErrorText:
    if len(where) >= 2 and where[0] == "requirements" and isinstance(where[1], int):
        reqs = data.get("requirements") or []
        if where[1] < len(reqs) and isinstance(reqs[where[1]], dict):
            return phrase("error.item.requirement", id=reqs[where[1]].get("id", "#" + str(where[1] + 1)))
    return ""


def _text(data: Mapping[str, Any] | None) -> Text | None:
    return Text(vi=data["vi"], en=data["en"]) if data else None


class _Builder:
    """Builds the checklist from validated data, with located errors for semantic problems."""

    def __init__(
        self, data: LineDict, path: Path, parent: Checklist | None, overrides: Mapping[str, Any] | None = None
    ) -> None:
        self.data = data
        self.path = path
        self.parameters: dict[str, Parameter] = dict(parent.parameters) if parent else {}
        for name, spec in (data.get("parameters") or {}).items():
            self.parameters[name] = self._parameter(name, spec)
        for name, value in (overrides or {}).items():
            if name in self.parameters:
                param = replace(self.parameters[name], value=value)
                check_parameter_range(param, value, lambda m, n=name: self.error(m, ["parameters", n]))
                self.parameters[name] = param
        self.used: set[str] = set()

    def error(self, message: ErrorText, where: Sequence[Any], req_id: str = "", hint: ErrorText = "") -> ChecklistError:
        return ChecklistError(
            message,
            path=str(self.path),
            line=line_of(self.data, list(where)),
            item=phrase("error.item.requirement", id=req_id) if req_id else "",
            hint=hint,
        )

    def _parameter(self, name: str, spec: Mapping[str, Any]) -> Parameter:
        param = Parameter(
            name=name,
            value=spec["value"],
            description=Text(**spec["description"]),
            min=spec.get("min"),
            max=spec.get("max"),
            unit=spec.get("unit", ""),
        )
        check_parameter_range(param, param.value, lambda m: self.error(m, ["parameters", name]))
        return param

    def resolve_value(self, req_id: str, base: list[Any]) -> Any:
        def resolve(value: Any, where: tuple[Any, ...]) -> Any:
            if isinstance(value, dict) and set(value) == {"param"}:
                name = value["param"]
                if name not in self.parameters:
                    close = difflib.get_close_matches(name, list(self.parameters), n=1)
                    raise self.error(phrase("error.checklist.unknown_parameter", name=name), base + list(where), req_id,
                                     _did_you_mean(close, phrase("error.checklist.declare_parameter")))
                self.used.add(name)
                return self.parameters[name].value
            return value

        return resolve

    def condition(self, raw: Any, req_id: str, where: list[Any]) -> Condition:
        try:
            cond = parse_condition(raw, self.resolve_value(req_id, where))
        except ConditionSyntaxError as exc:
            raise self.error(exc.phrase, where + list(exc.path), req_id, exc.hint) from exc
        for leaf in leaves(cond):
            self._check_fact(leaf.fact, leaf.op, req_id, where)
        return cond

    def _check_fact(self, fact: str, op: Operator, req_id: str, where: list[Any]) -> None:
        spec = fact_spec(fact)
        if spec is None:
            probe = fact.split(".", 1)[0]
            if probe not in probe_names():
                hint: ErrorText = phrase("error.checklist.fact_probe", probes=", ".join(probe_names()))
            else:
                from probes.registry import declared_fact_names

                close = difflib.get_close_matches(fact, declared_fact_names(), n=1)
                hint = _did_you_mean(close, phrase("error.checklist.see_facts", probe=probe))
            raise self.error(phrase("error.checklist.unknown_fact", fact=fact), where, req_id, hint)
        ordered = (Operator.LT, Operator.LTE, Operator.GT, Operator.GTE)
        if op in ordered and spec.type not in ("int", "float", "any"):
            raise self.error(phrase("error.checklist.op_number", op=op.value, fact=fact, type=spec.type), where,
                             req_id, phrase("error.checklist.op_number.hint"))
        if op in (Operator.CONTAINS, Operator.NOT_CONTAINS, Operator.CONTAINS_ANY) and spec.type not in (
            "list", "str", "object", "any"
        ):
            raise self.error(phrase("error.checklist.op_list", op=op.value, fact=fact, type=spec.type), where, req_id)

    def text(self, raw: Mapping[str, Any] | None, req_id: str, where: list[Any]) -> Text | None:
        """A bilingual text with its `{{parameter}}` placeholders filled in."""
        if not raw:
            return None

        def fill(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in self.parameters:
                close = difflib.get_close_matches(name, list(self.parameters), n=1)
                raise self.error(phrase("error.checklist.unknown_text_parameter", name="{{" + name + "}}"), where,
                                 req_id, _did_you_mean(close, phrase("error.checklist.declare_parameter")))
            self.used.add(name)
            return format_parameter_value(self.parameters[name].value)

        return Text(vi=PLACEHOLDER.sub(fill, raw["vi"]), en=PLACEHOLDER.sub(fill, raw["en"]))

    def requirement(self, index: int, raw: Mapping[str, Any], origin: str) -> Requirement:
        req_id = raw["id"]
        base: list[Any] = ["requirements", index]
        self.used = set()
        checks = []
        seen_checks: set[str] = set()
        for i, check in enumerate(raw.get("checks") or []):
            if check["id"] in seen_checks:
                raise self.error(phrase("error.checklist.duplicate_check", id=check["id"]), base + ["checks", i], req_id)
            seen_checks.add(check["id"])
            cond = self.condition(check["expect"], req_id, base + ["checks", i, "expect"])
            checks.append(Check(id=check["id"], expect=cond, title=_text(check.get("title")),
                                supporting=bool(check.get("supporting", False))))
        assessment = Assessment(raw["assessment"])
        if assessment is Assessment.AUTOMATED and any(c.supporting for c in checks):
            raise self.error(phrase("error.checklist.automated_supporting"), base + ["assessment"], req_id,
                             phrase("error.checklist.automated_supporting.hint"))
        if assessment is Assessment.MANUAL and checks:
            raise self.error(phrase("error.checklist.manual_checks"), base + ["assessment"], req_id,
                             phrase("error.checklist.manual_checks.hint"))
        if assessment is not Assessment.MANUAL and not checks:
            raise self.error(phrase("error.checklist.no_checks", assessment=assessment.value), base + ["assessment"],
                             req_id, phrase("error.checklist.no_checks.hint"))
        applies_if = None
        if "applies_if" in raw:
            applies_if = self.condition(raw["applies_if"], req_id, base + ["applies_if"])
        texts = {
            key: self.text(raw.get(key), req_id, base + [key])
            for key in ("title", "description", "remediation", "notes")
        }
        evidence = tuple(
            self.text(e, req_id, base + ["evidence", i]) for i, e in enumerate(raw.get("evidence") or [])
        )
        return Requirement(
            id=req_id,
            group=raw["group"],
            title=texts["title"],  # type: ignore[arg-type]
            description=texts["description"],  # type: ignore[arg-type]
            remediation=texts["remediation"],  # type: ignore[arg-type]
            severity=Severity(raw["severity"]),
            assessment=assessment,
            references=tuple(Reference(**ref) for ref in raw["references"]),
            checks=tuple(checks),
            mandatory=raw.get("mandatory", True),
            confidence=raw.get("confidence", "interpretation"),
            evidence=evidence,  # type: ignore[arg-type]
            applies_if=applies_if,
            notes=texts["notes"],
            origin=origin,
            parameters=tuple(sorted(self.used)),
        )


PLACEHOLDER = re.compile(r"\{\{\s*([a-z][a-z0-9_]*)\s*\}\}")
"""`{{name}}` in a requirement text: replaced by the value of catalogue parameter `name`."""


def format_parameter_value(value: Any) -> str:
    """A parameter value as it reads in a sentence: 12, 0.5, 'a, b'."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return ", ".join(format_parameter_value(v) for v in value)
    return str(value)


def check_parameter_range(param: Parameter, value: Any, make_error: Any) -> None:
    """Raise `make_error(message)` when a numeric parameter value is outside its declared range."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        if param.min is not None or param.max is not None:
            raise make_error(phrase("error.checklist.param_number", name=param.name, value=repr(value)))
        return
    if param.min is not None and value < param.min:
        raise make_error(phrase("error.checklist.param_below", name=param.name, value=value, min=param.min))
    if param.max is not None and value > param.max:
        raise make_error(phrase("error.checklist.param_above", name=param.name, value=value, max=param.max))


def _build(
    data: LineDict, raw: bytes, path: Path, seen: tuple[str, ...], overrides: Mapping[str, Any]
) -> Checklist:
    checklist_id = data["id"]
    parent = None
    if "extends" in data:
        if data["extends"] in seen + (checklist_id,):
            raise ChecklistError(
                phrase("error.checklist.cycle", chain=" -> ".join(seen + (checklist_id, data["extends"]))),
                path=str(path), line=line_of(data, ["extends"]),
            )
        sibling = path.parent / f"{data['extends']}.yaml"  # a catalogue's levels live side by side
        parent = load_checklist(sibling if sibling.exists() else data["extends"], seen + (checklist_id,),
                                parameter_values=overrides)
    builder = _Builder(data, path, parent, overrides)
    groups = {g.id: g for g in (parent.groups if parent else ())}
    declared = [Group(id=g["id"], title=Text(**g["title"]), clause=g.get("clause", "")) for g in data.get("groups") or []]
    if declared and set(groups) <= {g.id for g in declared}:
        groups = {}  # the level restates every group: its own order (and clause numbers) win
    for group in declared:
        groups[group.id] = group

    excluded: dict[str, Text] = {}
    inherited: dict[str, Requirement] = {r.id: r for r in (parent.requirements if parent else ())}
    for i, ex in enumerate(data.get("exclude") or []):
        if ex["id"] not in inherited:
            raise builder.error(phrase("error.checklist.bad_exclude", id=ex["id"], parent=data.get("extends", "")),
                                ["exclude", i], hint=phrase("error.checklist.bad_exclude.hint"))
        excluded[ex["id"]] = Text(**ex["reason"])
        del inherited[ex["id"]]

    own: dict[str, Requirement] = {}
    for i, raw_req in enumerate(data["requirements"]):
        req_id = raw_req["id"]
        if req_id in own:
            raise builder.error(phrase("error.checklist.duplicate_requirement", id=req_id), ["requirements", i], req_id,
                                phrase("error.checklist.duplicate_requirement.hint"))
        req = builder.requirement(i, raw_req, checklist_id)
        if req.group not in groups:
            close = difflib.get_close_matches(req.group, list(groups), n=1)
            raise builder.error(phrase("error.checklist.unknown_group", group=req.group), ["requirements", i, "group"],
                                req_id, _did_you_mean(close, phrase("error.checklist.declare_group")))
        own[req_id] = req

    merged = dict(inherited)
    merged.update(own)  # a level may restate a parent row with stricter content under the same id
    requirements = list(merged.values())
    if parent:
        # Inherited and own rows interleave by group (in the order groups are declared), then by id,
        # so that a report of a level reads group by group as the standard does.
        rank = {gid: i for i, gid in enumerate(groups)}
        requirements.sort(key=lambda r: (rank.get(r.group, len(rank)), r.id))
    digest = hashlib.sha256(raw)
    if parent:
        digest.update(parent.content_hash.encode())
    return Checklist(
        id=checklist_id,
        title=Text(**data["title"]),
        standard=data["standard"],
        level=data["level"],
        version=data["version"],
        path=str(path),
        content_hash="sha256:" + digest.hexdigest(),
        requirements=tuple(requirements),
        groups=tuple(groups.values()),
        parameters=builder.parameters,
        extends=data.get("extends", ""),
        excluded=excluded,
    )


def iter_builtin() -> Iterator[Checklist]:
    """Load every shipped checklist (for `checklist list` and the tests)."""
    for ref in builtin_checklists():
        yield load_checklist(ref)
