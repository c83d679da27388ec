"""Submissions waiting for an officer, the officer's per-row decisions, and finishing a review.

The outlet side writes `portal_submissions` rows (state 'waiting', version 1, a snapshot of its
answers and evidence hashes). Every save of a review is one transaction that first moves the row
on with `UPDATE ... SET version = version + 1 WHERE id = ? AND version = <the version the form was
rendered from> AND state = 'waiting'`: when a second officer saved in between, no row matches,
nothing of this save is written, and the caller answers 409 (optimistic locking, as in
"Lost update", Fowler, *Patterns of Enterprise Application Architecture*, Optimistic Offline Lock).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from audit.catalogue.loader import Checklist
from audit.department.store import Store
from audit.department.store.schema import portal_review_decisions, portal_submissions
from audit.department.store.store import insert_result, now_iso
from audit.selfassess.answers import (
    Answer,
    AnswerSet,
    AnswerValue,
    Decision,
    EvidenceItem,
    Review,
    empty_answer_set,
)

ACCEPTED, REJECTED = Decision.ACCEPTED.value, Decision.REJECTED.value


@dataclass(frozen=True)
class Submission:
    """One `portal_submissions` row with its snapshot decoded."""

    id: int
    outlet_id: str
    checklist_id: str
    content_hash: str
    submission_id: int | None
    state: str
    version: int
    snapshot: Mapping[str, Any]
    submitted_by: str
    submitted_at: str
    reviewed_by: str | None
    reviewed_at: str | None

    @property
    def rows(self) -> list[dict[str, Any]]:
        """The snapshot's answered rows, as the outlet submitted them."""
        return [r for r in self.snapshot.get("rows") or [] if isinstance(r, dict) and r.get("requirement_id")]


@dataclass(frozen=True)
class RowDecision:
    """An officer's decision on one row."""

    requirement_id: str
    decision: str
    reason: str
    officer: str = ""
    decided_at: str = ""


class VersionConflict(Exception):
    """Another officer saved this submission since the form was rendered (or finished its review)."""


def _submission(row: Any) -> Submission:
    try:
        snapshot = json.loads(row.snapshot)
    except ValueError:
        snapshot = {}
    return Submission(row.id, row.outlet_id, row.checklist_id, row.content_hash, row.submission_id, row.state,
                      row.version, snapshot if isinstance(snapshot, dict) else {}, row.submitted_by,
                      row.submitted_at, row.reviewed_by, row.reviewed_at)


def waiting_submissions(store: Store) -> list[Submission]:
    """Submissions waiting for review, oldest first (the queue an officer works through)."""
    c = portal_submissions.c
    with store.read("list submissions waiting for review") as conn:
        rows = conn.execute(sa.select(portal_submissions).where(c.state == "waiting").order_by(c.submitted_at, c.id))
        return [_submission(r) for r in rows]


def get_submission(store: Store, submission_id: int) -> Submission | None:
    """One submission, or None."""
    with store.read("read a submission") as conn:
        row = conn.execute(sa.select(portal_submissions).where(portal_submissions.c.id == submission_id)).first()
    return _submission(row) if row else None


def decisions_of(store: Store, submission_id: int) -> dict[str, RowDecision]:
    """The decisions saved for a submission, by requirement id."""
    d = portal_review_decisions.c
    with store.read("read review decisions") as conn:
        rows = conn.execute(sa.select(portal_review_decisions).where(d.portal_submission_id == submission_id))
        return {r.requirement_id: RowDecision(r.requirement_id, r.decision, r.reason, r.officer, r.decided_at)
                for r in rows}


def save_review(store: Store, submission_id: int, seen_version: int, decisions: list[RowDecision], officer: str,
                finish: bool, stamp: str | None = None,
                result: tuple[dict[str, Any], int] | None = None) -> tuple[int, int | None]:
    """Store decisions (replacing earlier ones on the same rows) and, with `finish`, end the review.

    `result` (a result document and its round id) is stored in the same transaction, so a finished
    review always has its result and a refused save stores neither. Returns (the new version, the
    result id). VersionConflict when the row is no longer at `seen_version` or no longer waiting:
    then nothing is written.
    """
    c, d = portal_submissions.c, portal_review_decisions.c
    stamp = stamp or now_iso()
    values: dict[str, Any] = {"version": c.version + 1}
    if finish:
        values.update(state="reviewed", reviewed_by=officer, reviewed_at=stamp)
    with store.write("save a review") as conn:
        moved = conn.execute(portal_submissions.update().where(
            c.id == submission_id, c.version == seen_version, c.state == "waiting").values(**values)).rowcount
        if moved != 1:
            raise VersionConflict(f"submission {submission_id} changed since version {seen_version}")
        for item in decisions:
            conn.execute(portal_review_decisions.delete().where(
                d.portal_submission_id == submission_id, d.requirement_id == item.requirement_id))
            conn.execute(portal_review_decisions.insert().values(
                portal_submission_id=submission_id, requirement_id=item.requirement_id, decision=item.decision,
                reason=item.reason, officer=officer, decided_at=stamp))
        result_id = insert_result(conn, result[0], result[1])[0] if result is not None else None
    return seen_version + 1, result_id


def latest_reviewed(store: Store, checklist: Checklist, outlet_id: str) -> tuple[Submission, dict[str, RowDecision]] | None:
    """The outlet's most recently reviewed submission to this very catalogue (same content hash), with its decisions."""
    c = portal_submissions.c
    with store.read("read the latest review") as conn:
        row = conn.execute(sa.select(portal_submissions).where(
            c.outlet_id == outlet_id, c.checklist_id == checklist.id, c.content_hash == checklist.content_hash,
            c.state == "reviewed").order_by(c.reviewed_at.desc(), c.id.desc()).limit(1)).first()
    if row is None:
        return None
    return _submission(row), decisions_of(store, int(row.id))


def reviewed_answers(checklist: Checklist, submission: Submission, decisions: Mapping[str, RowDecision]) -> AnswerSet:
    """The snapshot as an `AnswerSet` whose answers carry the officers' decisions as `Review`s.

    The same shape an answers file with `review` blocks loads to, so `audit.selfassess.merge`
    counts it the same way: accepted answers stand, rejected ones do not count as implemented.
    """
    answers = empty_answer_set(checklist, outlet=submission.outlet_id)
    known = {r.id for r in checklist.requirements}
    for row in submission.rows:
        rid = str(row["requirement_id"])
        if rid not in known:
            continue
        try:
            value = AnswerValue(row["answer"]) if row.get("answer") else None
        except ValueError:
            value = None
        decided = decisions.get(rid)
        review = Review(Decision(decided.decision), decided.officer, decided.decided_at, decided.reason) \
            if decided else None
        evidence = tuple(EvidenceItem(path=str(e.get("filename") or ""), sha256=str(e.get("sha256") or ""))
                         for e in row.get("evidence") or [] if isinstance(e, dict))
        answers = answers.with_answer(Answer(rid, value, str(row.get("justification") or ""), str(row.get("text") or ""),
                                             evidence, str(row.get("answered_by") or ""),
                                             str(row.get("answered_at") or ""), review))
    return answers
