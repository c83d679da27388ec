"""Answers saved in the portal: the same `AnswerSet` the YAML and XLSX paths build (audit.selfassess)."""

from __future__ import annotations

import sqlalchemy as sa

from audit.catalogue.loader import Checklist
from audit.department.store import Store
from audit.department.store.schema import portal_answers
from audit.selfassess.answers import Answer, AnswerSet, AnswerValue, empty_answer_set, now_iso


def load_portal_answers(store: Store, checklist: Checklist, outlet_id: str) -> AnswerSet:
    """The outlet's saved answers to `checklist`; answers given against other wording are left out."""
    answer_set = empty_answer_set(checklist, outlet=outlet_id)
    with store.read("read answers") as conn:
        rows = conn.execute(sa.select(portal_answers).where(
            portal_answers.c.outlet_id == outlet_id, portal_answers.c.checklist_id == checklist.id,
            portal_answers.c.content_hash == checklist.content_hash))
        for r in rows:
            answer_set = answer_set.with_answer(Answer(
                r.requirement_id, AnswerValue(r.answer) if r.answer else None, r.justification, r.text,
                answered_by=r.answered_by, answered_at=r.answered_at))
    return answer_set


def save_portal_answer(store: Store, checklist: Checklist, outlet_id: str, requirement_id: str,
                       answer: str | None, justification: str, text: str, username: str) -> Answer:
    """Store one answer (replacing the outlet's previous one to that requirement)."""
    value = AnswerValue(answer) if answer else None
    stamp = now_iso()
    key = {"outlet_id": outlet_id, "checklist_id": checklist.id, "requirement_id": requirement_id}
    with store.write("save an answer") as conn:
        conn.execute(portal_answers.delete().where(*(portal_answers.c[k] == v for k, v in key.items())))
        conn.execute(portal_answers.insert().values(
            **key, content_hash=checklist.content_hash, answer=value.value if value else None,
            justification=justification, text=text, answered_by=username, answered_at=stamp))
    return Answer(requirement_id, value, justification, text, answered_by=username, answered_at=stamp)
