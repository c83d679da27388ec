"""Requirement statuses counted by the database, for the dashboard (audit.department.aggregate).

`Store.statuses` reads one row per requirement per result: for 1,000 outlets with two audits each of
195 requirements that is 390,000 rows through the driver, most of the dashboard's time. These
queries let the database count instead and send back only what the view-model shows: per result
and requirement group the passed (pass, waived), failed and judged rows (the heatmap); per
requirement the outlets judged and failed (the requirements failed most); per pair of audits the
requirements that regressed (failed now, judged otherwise before). They give the same numbers as
counting `Store.statuses` in Python (tests/department/test_aggregate_counts.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from audit.department.store import schema
from audit.department.store.store import Store

_CHUNK = 500  # ids (or pairs) per IN (...) list: well under SQLite's and PostgreSQL's parameter limits
_PAIRS = 100  # pairs per query: CASE latest id WHEN ... THEN previous id, evaluated per failed row
_PASSED = ("pass", "waived")


@dataclass(frozen=True)
class GroupCount:
    """Statuses of one result in one requirement group."""

    result_id: int
    group: str | None
    """The group, from the mapping given; None for a requirement the mapping does not know."""
    requirement_id: str | None
    """Set only when `group` is None: the unknown requirement (its caller decides its group)."""
    passed: int
    failed: int
    judged: int


def _chunks(items: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start:start + _CHUNK]


def group_counts(store: Store, ids: Sequence[int], groups: Mapping[str, str]) -> list[GroupCount]:
    """Per result and group (`groups`: requirement id -> group): passed, failed and judged statuses.

    One query per group, each an index search on (result id, requirement id), so no row is read
    twice and no expression is evaluated per row. Requirements not in `groups` (only where a
    result has more statuses than its known ones) come one row each, group None and their id set,
    so the caller can place them as it places any requirement its catalogue does not know.
    """
    rr = schema.requirement_results.c
    by_group: dict[str, list[str]] = defaultdict(list)
    for requirement_id, group in groups.items():
        by_group[group].append(requirement_id)
    passed = sa.func.sum(sa.case((rr.status.in_(_PASSED), 1), else_=0))
    failed = sa.func.sum(sa.case((rr.status == "fail", 1), else_=0))
    found: list[GroupCount] = []
    with store.read("count requirement statuses by group") as conn:
        for chunk in _chunks(list(ids)):
            known: dict[int, int] = defaultdict(int)
            for group, members in by_group.items():
                query = (sa.select(rr.result_id, passed, failed, sa.func.count())
                         .where(rr.result_id.in_(chunk), rr.requirement_id.in_(members)).group_by(rr.result_id))
                for rid, p, f, n in conn.execute(query):
                    found.append(GroupCount(int(rid), group, None, int(p), int(f), int(n)))
                    known[int(rid)] += int(n)
            stored = conn.execute(sa.select(rr.result_id, sa.func.count()).where(rr.result_id.in_(chunk))
                                  .group_by(rr.result_id))
            odd = [int(rid) for rid, n in stored if int(n) != known.get(int(rid), 0)]
            if odd:
                query = sa.select(rr.result_id, rr.requirement_id, rr.status).where(rr.result_id.in_(odd))
                if groups:
                    query = query.where(rr.requirement_id.not_in(list(groups)))
                for rid, req, status in conn.execute(query):
                    found.append(GroupCount(int(rid), None, req, int(status in _PASSED), int(status == "fail"), 1))
    return found


def requirement_counts(store: Store, ids: Sequence[int]) -> dict[str, tuple[int, int]]:
    """Per requirement id: (results that judged it, results in which it failed), over these results."""
    rr = schema.requirement_results.c
    failed = sa.func.sum(sa.case((rr.status == "fail", 1), else_=0))
    found: dict[str, tuple[int, int]] = {}
    with store.read("count requirement statuses") as conn:
        for chunk in _chunks(list(ids)):
            query = sa.select(rr.requirement_id, sa.func.count(), failed).where(
                rr.result_id.in_(chunk)).group_by(rr.requirement_id)
            for req, n, f in conn.execute(query):
                before = found.get(req, (0, 0))
                found[req] = (before[0] + int(n), before[1] + int(f))
    return found


def regressed_requirements(store: Store, pairs: Sequence[tuple[int, int]]) -> dict[int, list[str]]:
    """For pairs (latest result id, previous result id) of one outlet and catalogue each: by latest id,
    the requirements that fail in the latest and were judged otherwise (not fail, not absent) before,
    sorted. The pairs must have distinct latest ids and distinct previous ids."""
    new, old = schema.requirement_results.alias("new"), schema.requirement_results.alias("old")
    found: dict[int, list[str]] = defaultdict(list)
    with store.read("find regressed requirements") as conn:
        for start in range(0, len(pairs), _PAIRS):
            chunk = pairs[start:start + _PAIRS]
            previous_of = sa.case({n: o for n, o in chunk}, value=new.c.result_id)
            query = (sa.select(new.c.result_id, new.c.requirement_id)
                     .select_from(new.join(old, sa.and_(old.c.result_id == previous_of,
                                                        old.c.requirement_id == new.c.requirement_id)))
                     .where(new.c.result_id.in_([n for n, _ in chunk]), new.c.status == "fail",
                            old.c.status != "fail"))
            for rid, req in conn.execute(query):
                found[int(rid)].append(req)
    return {rid: sorted(reqs) for rid, reqs in found.items()}
