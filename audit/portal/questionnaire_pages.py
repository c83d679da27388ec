"""The questionnaire in pages: one page per requirement group, in the catalogue's order, with an
index of the groups (answered of total, mandatory questions still unanswered) and previous / next.

A page of one group is a tenth of the whole questionnaire's HTML (195 questions, about 300 KiB, in
`tcvn14423-2026-l3`); saving a row never renders a page (JSON for the autosave script, a redirect
back to the row's group otherwise).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import url_for

from audit.catalogue.loader import Checklist
from audit.selfassess.answers import AnswerSet
from audit.selfassess.questionnaire import Question, questions


@dataclass(frozen=True)
class QuestionGroup:
    """The questions of one requirement group."""

    id: str
    title: Any
    """The group's title (a Text: one string per language)."""
    questions: tuple[Question, ...]


_GROUPS: dict[tuple[str, str], tuple[QuestionGroup, ...]] = {}


def question_groups(checklist: Checklist) -> tuple[QuestionGroup, ...]:
    """The groups that have questions, in the catalogue's order of groups (a group the catalogue does
    not declare comes after, where its first question is); questions in catalogue order within."""
    key = (checklist.id, checklist.content_hash)
    found = _GROUPS.get(key)
    if found is None:
        by_group: dict[str, list[Question]] = {}
        for q in questions(checklist):
            by_group.setdefault(q.group, []).append(q)
        declared = [g.id for g in checklist.groups if g.id in by_group]
        order = declared + [g for g in by_group if g not in declared]
        found = tuple(QuestionGroup(g, by_group[g][0].group_title, tuple(by_group[g])) for g in order)
        if len(_GROUPS) > 16:
            _GROUPS.clear()
        _GROUPS[key] = found
    return found


def group_of(checklist: Checklist, requirement_id: str) -> str | None:
    """The group whose page shows this requirement's question (None: not in the questionnaire)."""
    return next((g.id for g in question_groups(checklist) if any(q.requirement_id == requirement_id
                                                                  for q in g.questions)), None)


def group_index(groups: tuple[QuestionGroup, ...], answers: AnswerSet) -> list[dict[str, Any]]:
    """Per group: id, title, questions, answered (a value chosen), mandatory questions unanswered."""
    index = []
    for g in groups:
        answered = [q for q in g.questions if (a := answers.answers.get(q.requirement_id)) and a.answer is not None]
        done = {q.requirement_id for q in answered}
        index.append({"id": g.id, "title": g.title, "total": len(g.questions), "answered": len(answered),
                      "mandatory_open": sum(1 for q in g.questions if q.mandatory and q.requirement_id not in done)})
    return index


def row_url(checklist: Checklist, outlet_id: str, requirement_id: str) -> str:
    """The questionnaire page that shows this row, at the row (the first page if the row is unknown)."""
    group = group_of(checklist, requirement_id)
    if group is None:
        return url_for("outlet.questionnaire", outlet_id=outlet_id)
    return url_for("outlet.questionnaire", outlet_id=outlet_id, group_id=group) + f"#r-{requirement_id}"
