"""The crosswalk between TCVN 11930:2017 and TCVN 14423:2026: what an audit under one means under the other.

`checklists/crosswalk.yaml` maps each legacy item to the current rows it corresponds to, with a
relation (`equivalent`: the same evidence meets both; `partial`: the sides overlap; `none`: no
counterpart, with a note). `load_crosswalk` validates the file and checks both ways that every id it
names exists in the two catalogues. `translate` reads a stored result (the JSON of `audit.result`)
under one standard and says, for each row of a catalogue of the other standard, whether the same
evidence meets it, fails it, covers part of it, leaves it undecided, or whether the row is new.
Pure functions apart from reading the two catalogue files.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from audit.catalogue.loader import Checklist, builtin_dir, load_checklist
from audit.errors import ChecklistError
from audit.errors import Text as ErrorText
from audit.i18n import phrase
from audit.models import Text
from audit.yamlfile import line_of, load_yaml, validate_schema

SCHEMA_ID = "l3audit/crosswalk/v1"

_TEXT = {
    "type": "object",
    "required": ["vi", "en"],
    "additionalProperties": False,
    "properties": {"vi": {"type": "string", "minLength": 1}, "en": {"type": "string", "minLength": 1}},
}
CROSSWALK_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["schema", "id", "title", "source", "target", "mappings"],
    "additionalProperties": False,
    "properties": {
        "schema": {"const": SCHEMA_ID},
        "id": {"type": "string", "minLength": 1},
        "title": _TEXT,
        "source": {"type": "string", "minLength": 1},
        "target": {"type": "string", "minLength": 1},
        "mappings": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["from", "to", "relation"],
                "additionalProperties": False,
                "properties": {
                    "from": {"type": "string", "minLength": 1},
                    "to": {"type": "array", "items": {"type": "string", "minLength": 1}},
                    "relation": {"enum": ["equivalent", "partial", "none"]},
                    "note": _TEXT,
                },
            },
        },
    },
}
"""JSON Schema of crosswalk files (kept here until it is published under checklists/schema/)."""


class Relation(str, enum.Enum):
    """How much of a row the mapped row's evidence covers."""

    EQUIVALENT = "equivalent"
    PARTIAL = "partial"
    NONE = "none"


class Outcome(str, enum.Enum):
    """What a stored result says about a row of the other standard."""

    MET = "met"
    """Every equivalent counterpart passed: the same evidence meets the row."""
    FAILED = "failed"
    """An equivalent counterpart failed: the same evidence shows the row is not met."""
    PARTLY_MET = "partly_met"
    """Counterparts passed but cover only part of the row: a person must check the rest."""
    AT_RISK = "at_risk"
    """A partial counterpart failed: part of the row is probably not met."""
    UNDECIDED = "undecided"
    """Counterparts exist but were not decided (manual, error, not applicable, waived)."""
    NEW = "new"
    """No counterpart: the row is new under this standard and needs its own evidence."""


@dataclass(frozen=True)
class Correspondence:
    """One legacy item and the current rows it corresponds to."""

    source_id: str
    target_ids: tuple[str, ...]
    relation: Relation
    note: Text | None = None
    line: int | None = None


@dataclass(frozen=True)
class Crosswalk:
    """A validated crosswalk between two catalogues (`source` is the legacy side)."""

    id: str
    title: Text
    source: str
    target: str
    mappings: tuple[Correspondence, ...]
    path: str = ""

    def targets_of(self, source_id: str) -> list[tuple[str, Relation]]:
        """Current rows a legacy item maps to, with the relation."""
        return [(t, m.relation) for m in self.mappings if m.source_id == source_id for t in m.target_ids]

    def sources_of(self, target_id: str) -> list[tuple[str, Relation]]:
        """Legacy items that map to a current row, with the relation."""
        return [(m.source_id, m.relation) for m in self.mappings if target_id in m.target_ids]


def crosswalk_path() -> Path:
    """The shipped crosswalk file."""
    return builtin_dir() / "crosswalk.yaml"


def load_crosswalk(
    path: str | Path | None = None,
    source: Checklist | None = None,
    target: Checklist | None = None,
) -> Crosswalk:
    """Load and validate a crosswalk; check that every id exists in both catalogues (loaded if not given).

    Every item of the source catalogue must appear once (an item with no counterpart says so with
    `relation: none` and a note), so that "no mapping" is a decision, never an omission.
    """
    file = Path(path) if path else crosswalk_path()
    data, _ = load_yaml(file, ChecklistError)
    if not isinstance(data, dict):
        raise ChecklistError(phrase("error.crosswalk.not_mapping"), path=str(file), line=1)
    validate_schema(data, CROSSWALK_SCHEMA, file, ChecklistError, lambda where: _item(data, where))
    source = source or load_checklist(data["source"])
    target = target or load_checklist(data["target"])
    source_ids = {r.id for r in source.requirements}
    target_ids = {r.id for r in target.requirements}
    mappings: list[Correspondence] = []
    seen: set[str] = set()
    for i, raw in enumerate(data["mappings"]):
        where = ["mappings", i]

        def fail(message: ErrorText, hint: ErrorText = "", sub: Sequence[Any] = (), where: list[Any] = where,
                 source_id: str = raw["from"]) -> ChecklistError:
            return ChecklistError(message, path=str(file), line=line_of(data, where + list(sub)),
                                  item=phrase("lint.item.mapping", id=source_id), hint=hint)

        check_id = phrase("error.crosswalk.check_id")
        if raw["from"] in seen:
            raise fail(phrase("error.crosswalk.twice", id=raw["from"]), phrase("error.crosswalk.twice.hint"))
        seen.add(raw["from"])
        if raw["from"] not in source_ids:
            raise fail(phrase("error.crosswalk.not_in", id=raw["from"], checklist=source.id), check_id, ["from"])
        for j, tid in enumerate(raw["to"]):
            if tid not in target_ids:
                raise fail(phrase("error.crosswalk.not_in", id=tid, checklist=target.id), check_id, ["to", j])
        relation = Relation(raw["relation"])
        if (relation is Relation.NONE) != (not raw["to"]):
            raise fail(phrase("error.crosswalk.none_empty"), phrase("error.crosswalk.none_empty.hint"))
        if relation is Relation.NONE and "note" not in raw:
            raise fail(phrase("error.crosswalk.needs_note"), phrase("error.crosswalk.needs_note.hint"))
        note = Text(**raw["note"]) if "note" in raw else None
        mappings.append(Correspondence(raw["from"], tuple(raw["to"]), relation, note, line_of(data, where)))
    missing = sorted(source_ids - seen)
    if missing:
        raise ChecklistError(
            phrase("error.crosswalk.missing", count=len(missing), id=source.id,
                   ids=", ".join(missing[:5]) + ("..." if len(missing) > 5 else "")),
            path=str(file), hint=phrase("error.crosswalk.missing.hint"),
        )
    return Crosswalk(data["id"], Text(**data["title"]), source.id, target.id, tuple(mappings), str(file))


def _item(data: Any, where: Sequence[Any]) -> ErrorText:
    if len(where) >= 2 and where[0] == "mappings" and isinstance(where[1], int):
        items = data.get("mappings") or []
        if where[1] < len(items) and isinstance(items[where[1]], dict):
            return phrase("lint.item.mapping", id=items[where[1]].get("from", "#" + str(where[1] + 1)))
    return ""


@dataclass(frozen=True)
class TranslatedRow:
    """What a stored result says about one row of the other standard."""

    id: str
    outcome: Outcome
    counterparts: tuple[tuple[str, str, str], ...]
    """(counterpart id, relation, status in the stored result)."""


def _side(crosswalk: Crosswalk, standard: str, checklist_id: str, source: Checklist, target: Checklist) -> str:
    if checklist_id == source.id or (standard and standard == source.standard):
        return "source"
    if checklist_id == target.id or (standard and standard == target.standard):
        return "target"
    raise ChecklistError(phrase("error.crosswalk.neither_side", id=checklist_id, crosswalk=crosswalk.id),
                         hint=phrase("error.crosswalk.neither_side.hint", source=source.id, target=target.id))


def translate(
    result: Mapping[str, Any],
    target_checklist: Checklist | str,
    crosswalk: Crosswalk | None = None,
) -> dict[str, Any]:
    """For a stored result under one standard, classify every row of `target_checklist` (the other standard).

    Returns plain data: the two checklist ids, one entry per row (`id`, `outcome`, `counterparts`
    with their relation and stored status) in the catalogue's order, and counts per outcome.
    """
    crosswalk = crosswalk or load_crosswalk()
    target = target_checklist if isinstance(target_checklist, Checklist) else load_checklist(target_checklist)
    source_cl = load_checklist(crosswalk.source)
    target_cl = load_checklist(crosswalk.target)
    ref = result.get("checklist") or {}
    from_side = _side(crosswalk, str(ref.get("standard", "")), str(ref.get("id", "")), source_cl, target_cl)
    to_side = "source" if target.standard == source_cl.standard else "target"
    if to_side == from_side:
        raise ChecklistError(phrase("error.crosswalk.same_standard", id=target.id, result=ref.get("id", "?")),
                             hint=phrase("error.crosswalk.same_standard.hint"))
    statuses = {r["requirement_id"]: r["status"] for r in result.get("requirements") or []}
    rows = []
    for req in target.requirements:
        links = crosswalk.sources_of(req.id) if to_side == "target" else crosswalk.targets_of(req.id)
        counterparts = tuple((cid, rel.value, statuses.get(cid, "absent")) for cid, rel in links)
        rows.append(TranslatedRow(req.id, _outcome(counterparts), counterparts))
    counts = {o.value: sum(1 for r in rows if r.outcome is o) for o in Outcome}
    return {
        "from": ref.get("id", ""),
        "to": target.id,
        "crosswalk": crosswalk.id,
        "rows": [
            {
                "id": r.id,
                "outcome": r.outcome.value,
                "counterparts": [{"id": c, "relation": rel, "status": st} for c, rel, st in r.counterparts],
            }
            for r in rows
        ],
        "counts": counts,
    }


def _outcome(counterparts: Sequence[tuple[str, str, str]]) -> Outcome:
    if not counterparts:
        return Outcome.NEW
    equivalent = [st for _, rel, st in counterparts if rel == Relation.EQUIVALENT.value]
    partial = [st for _, rel, st in counterparts if rel == Relation.PARTIAL.value]
    if "fail" in equivalent:
        return Outcome.FAILED
    if "fail" in partial:
        return Outcome.AT_RISK
    if equivalent and all(st == "pass" for st in equivalent):
        return Outcome.MET
    if any(st == "pass" for st in equivalent + partial):
        return Outcome.PARTLY_MET
    return Outcome.UNDECIDED
