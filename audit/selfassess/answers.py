"""Self-assessment answers: the file an outlet fills in for the requirements no probe can see.

One YAML file per outlet (`schema: l3audit/answers/v1`), pinned to one catalogue by id, version and
content hash, so an answer is never silently applied to a requirement whose wording changed. Each
answer is implemented / partly / not_implemented / not_applicable (with a justification), free text,
evidence items (a file, with the SHA-256 taken when it was answered, or a URL), who and when. It
carries no reviewer decision: an outlet cannot approve itself, so a file with a `review` block is
refused; decisions live in a reviewer's signed file (`audit.selfassess.reviews`), pinned to this
file's SHA-256.

The file is validated as a whole before any scan starts; every error names the file, the line and
the requirement, in the command's language (catalogue phrases; `str(error)` stays English for logs).
Only the tool that owns a file rewrites it (the interactive session its own file).

This module owns the answer model and the file's reading and writing; the dates an answer may carry
are `audit.selfassess.dates`, its evidence files (where they may be, hashing, re-checking)
`audit.selfassess.evidence`. Their names are still importable from here.
"""

from __future__ import annotations

import difflib
import enum
import hashlib
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from audit.catalogue.loader import Checklist
from audit.errors import LocatedError, Text
from audit.i18n import phrase
from audit.selfassess.dates import DATE_HINT, DateError, iso_date, normalise_dates, now_iso
from audit.selfassess.evidence import (
    OUTSIDE_HINT,
    EvidenceItem,
    EvidenceTooLargeError,
    check_evidence,
    confined,
    evidence_from_text,
    evidence_problems,
    sha256_file,
)
from audit.yamlfile import line_of, load_yaml, validate_schema

__all__ = [  # the dates and evidence helpers live in their own modules; still importable from here
    "DATE_HINT", "DateError", "iso_date", "normalise_dates", "now_iso", "EvidenceItem", "EvidenceTooLargeError",
    "check_evidence", "confined", "evidence_from_text", "evidence_problems", "sha256_file",
    "SCHEMA_ID", "AnswersError", "AnswersErrors", "raise_problems", "AnswerValue", "Decision", "Review", "Answer",
    "AnswerSet", "empty_answer_set", "answers_schema", "load_answers", "answers_from_data", "dump_answers",
    "relocate", "save_answers",
]

SCHEMA_ID = "l3audit/answers/v1"


class AnswersError(LocatedError):
    """An answers file is malformed, belongs to another catalogue, or names unknown requirements."""


class AnswersErrors(AnswersError):
    """Every problem found in one answers file or workbook, reported at once (one located line each)."""

    def __init__(self, problems: list[AnswersError]) -> None:
        first, *rest = problems
        message, item, hint = first.phrases
        super().__init__(message, path=first.path, line=first.line, item=item, hint=hint,
                         more=[*first.more, *rest])


def raise_problems(problems: list[AnswersError]) -> None:
    """Raise nothing, the one problem, or all of them together."""
    flat = [q for p in problems for q in p.problems]
    if len(flat) == 1:
        raise flat[0]
    if flat:
        raise AnswersErrors(flat)  # type: ignore[arg-type]


class AnswerValue(str, enum.Enum):
    """What an outlet declares about one requirement."""

    IMPLEMENTED = "implemented"
    PARTLY = "partly"
    NOT_IMPLEMENTED = "not_implemented"
    NOT_APPLICABLE = "not_applicable"
    """Needs a justification; counts only once a reviewer accepts it."""


class Decision(str, enum.Enum):
    """A reviewer's decision on an answer and its evidence."""

    ACCEPTED = "accepted"
    REJECTED = "rejected"
    """Needs a reason."""


@dataclass(frozen=True)
class Review:
    """A reviewer's decision, kept beside (never instead of) the original answer."""

    decision: Decision
    reviewer: str
    reviewed_at: str
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form."""
        return {"decision": self.decision.value, "reason": self.reason or None, "reviewer": self.reviewer,
                "reviewed_at": self.reviewed_at}


@dataclass(frozen=True)
class Answer:
    """An outlet's answer to one requirement; `answer` is None while the question is unanswered."""

    requirement_id: str
    answer: AnswerValue | None = None
    justification: str = ""
    text: str = ""
    evidence: tuple[EvidenceItem, ...] = ()
    answered_by: str = ""
    answered_at: str = ""
    review: Review | None = None

    def to_dict(self, with_review: bool = True) -> dict[str, Any]:
        """Plain-data form, in the order of the file format; the review (from a reviews file) as results record it."""
        data: dict[str, Any] = {
            "answer": self.answer.value if self.answer else None,
            "justification": self.justification or None,
            "text": self.text or None,
            "evidence": [e.to_dict() for e in self.evidence],
            "answered_by": self.answered_by or None,
            "answered_at": self.answered_at or None,
        }
        if with_review:
            data["review"] = self.review.to_dict() if self.review else None
        return data


@dataclass(frozen=True)
class AnswerSet:
    """The answers of one outlet to one catalogue, as loaded (or being built)."""

    checklist_id: str
    checklist_version: str
    content_hash: str
    answers: Mapping[str, Answer] = field(default_factory=dict)
    outlet: str | None = None
    path: str = ""
    """Where it was read from ('' when built in memory); evidence paths are relative to its folder."""
    sha256: str = ""
    """Hex SHA-256 of the file's bytes as read ('' when built in memory): what a reviews file is pinned to."""

    @property
    def base_dir(self) -> Path:
        """The folder relative evidence paths are resolved against."""
        return Path(self.path).parent if self.path else Path.cwd()

    def get(self, requirement_id: str) -> Answer | None:
        """The given answer for a requirement (None when absent or still unanswered)."""
        found = self.answers.get(requirement_id)
        return found if found is not None and found.answer is not None else None

    def with_answer(self, answer: Answer) -> AnswerSet:
        """A copy with one answer added or replaced."""
        return replace(self, answers={**self.answers, answer.requirement_id: answer})

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form of the whole file (never with reviews: they are the reviewer's file)."""
        return {
            "schema": SCHEMA_ID,
            "checklist": {"id": self.checklist_id, "version": self.checklist_version,
                          "content_hash": self.content_hash},
            "outlet": self.outlet,
            "answers": {rid: a.to_dict(with_review=False) for rid, a in self.answers.items()},
        }


def empty_answer_set(checklist: Checklist, outlet: str | None = None, path: str = "") -> AnswerSet:
    """An answer set for `checklist` with no answers yet."""
    return AnswerSet(checklist.id, checklist.version, checklist.content_hash, {}, outlet, path)


def answers_schema() -> dict[str, Any]:
    """The JSON Schema of answers files."""
    return dict(json.loads((resources.files("audit") / "schemas" / "answers.schema.json").read_text("utf-8")))


def load_answers(path: Path, checklist: Checklist) -> AnswerSet:
    """Read and validate an answers file against the catalogue it must belong to."""
    data, raw = load_yaml(path, AnswersError)
    return replace(answers_from_data(data, path, checklist), sha256=hashlib.sha256(raw).hexdigest())


def answers_from_data(data: Any, path: Path, checklist: Checklist,
                      locate: Callable[[list[Any]], int | None] | None = None) -> AnswerSet:
    """Validate plain answer data (from YAML or a workbook) and build the answer set.

    `locate(where)` gives the line (or row) of a path in the data, for located errors.
    """
    where_line = locate or (lambda where: line_of(data, where))
    if not isinstance(data, dict):
        raise AnswersError(phrase("error.answers.not_mapping"), path=str(path), line=1)
    normalise_dates(data)
    self_approved = [(rid, raw) for rid, raw in (data.get("answers") or {}).items()
                     if isinstance(raw, dict) and raw.get("review") not in (None, {})]
    raise_problems([AnswersError(
        phrase("error.answers.self_review"), path=str(path), line=where_line(["answers", rid, "review"]),
        item=phrase("error.item.requirement", id=rid), hint=phrase("error.answers.self_review.hint"))
        for rid, _raw in self_approved])
    for raw in (data.get("answers") or {}).values():
        if isinstance(raw, dict):
            raw.pop("review", None)  # `review: null` in files written before reviews had their own file
    validate_schema(data, answers_schema(), path, AnswersError,
                    lambda where: phrase("error.item.requirement", id=where[1]) if len(where) > 1 and where[0] == "answers" else "")

    def error(message: Text, where: list[Any], req: str = "", hint: Text = "") -> AnswersError:
        return AnswersError(message, path=str(path), line=where_line(where),
                            item=phrase("error.item.requirement", id=req) if req else "", hint=hint)

    pinned = data["checklist"]
    if pinned["id"] != checklist.id:
        raise error(phrase("error.answers.other_checklist", pinned=pinned["id"], used=checklist.id),
                    ["checklist", "id"], hint=phrase("error.answers.other_checklist.hint", pinned=pinned["id"]))
    if pinned["version"] != checklist.version or pinned["content_hash"] != checklist.content_hash:
        raise error(
            phrase("error.answers.other_version", id=checklist.id, pinned=pinned["version"],
                   pinned_hash=pinned["content_hash"][:19], used=checklist.version, used_hash=checklist.content_hash[:19]),
            ["checklist", "version"], hint=phrase("error.answers.other_version.hint"))
    known = {r.id for r in checklist.requirements}
    answers: dict[str, Answer] = {}
    problems: list[AnswersError] = []
    for req_id, raw in (data.get("answers") or {}).items():
        where = ["answers", req_id]
        if req_id not in known:
            close = difflib.get_close_matches(str(req_id), sorted(known), n=1)
            problems.append(error(phrase("error.answers.unknown_requirement", id=req_id, checklist=checklist.id),
                                  where, str(req_id),
                                  phrase("error.checklist.did_you_mean", id=close[0]) if close
                                  else phrase("error.answers.see_checklist_show")))
            continue
        try:
            answers[req_id] = _answer(req_id, raw or {}, lambda m, h="", w=where, r=req_id: error(m, w, r, h))
        except AnswersError as exc:
            problems.append(exc)
    raise_problems(problems)
    return AnswerSet(checklist.id, checklist.version, checklist.content_hash, answers,
                     data.get("outlet"), str(path))


def _answer(req_id: str, raw: Mapping[str, Any], error: Callable[..., AnswersError]) -> Answer:
    value = AnswerValue(raw["answer"]) if raw.get("answer") else None
    justification = (raw.get("justification") or "").strip()
    if value is AnswerValue.NOT_APPLICABLE and not justification:
        raise error(phrase("error.answers.na_justification"))
    try:
        answered_at = iso_date(raw["answered_at"]) if raw.get("answered_at") else ""
    except DateError as exc:
        raise error(phrase("error.answers.answered_at", field="answered_at", problem=exc.phrase), DATE_HINT) from None
    evidence = tuple(EvidenceItem(e.get("path", ""), e.get("url", ""), e.get("sha256", ""), e.get("note", ""))
                     for e in raw.get("evidence") or [])
    for item in evidence:
        if item.path and (Path(item.path).is_absolute() or ".." in Path(item.path).parts):
            raise error(phrase("error.evidence.outside", item=item.path), OUTSIDE_HINT)
    return Answer(req_id, value, justification, (raw.get("text") or "").strip(), evidence,
                  raw.get("answered_by") or "", answered_at)


def dump_answers(answer_set: AnswerSet) -> str:
    """The YAML text of an answer set (UTF-8, Vietnamese kept readable)."""
    return str(yaml.safe_dump(answer_set.to_dict(), allow_unicode=True, sort_keys=False, width=100))


def relocate(answer_set: AnswerSet, new_path: Path) -> AnswerSet:
    """The answer set as saved at `new_path`: relative evidence paths rewritten to the same files."""
    old_dir, new_dir = answer_set.base_dir.resolve(), new_path.parent.resolve()
    answers = {}
    for req_id, answer in answer_set.answers.items():
        evidence = tuple(
            replace(e, path=os.path.relpath(old_dir / e.path, new_dir)) if e.path and not Path(e.path).is_absolute() else e
            for e in answer.evidence
        )
        answers[req_id] = replace(answer, evidence=evidence)
    return replace(answer_set, answers=answers, path=str(new_path))


def save_answers(path: Path, answer_set: AnswerSet) -> None:
    """Write an answer set atomically (temporary file, then rename)."""
    from audit.result import write_text_atomic

    write_text_atomic(path, dump_answers(answer_set))
