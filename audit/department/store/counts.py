"""Requirement statuses counted by the database, for the dashboard (audit.department.aggregate).

`Store.statuses` reads one row per requirement per result: for 1,000 outlets with two audits each of
195 requirements that is 390,000 rows through the driver, most of the dashboard's time. These
queries let the database count instead and send back only what the view-model shows: per result
and requirement group the passed (pass, waived), failed and judged rows (the heatmap, counted once
when the result was stored: audit.department.store.summary); per
requirement the outlets judged and failed (the requirements failed most); per pair of audits the
requirements that regressed (failed now, judged otherwise before). They give the same numbers as
counting `Store.statuses` in Python (tests/department/test_aggregate_counts.py).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator, Sequence

import sqlalchemy as sa

from audit.department.store import schema, summary
from audit.department.store.store import Store
from audit.department.store.summary import GroupCount
from audit.errors import StoreError

log = logging.getLogger(__name__)

_CHUNK = 500  # ids (or pairs) per IN (...) list: well under SQLite's and PostgreSQL's parameter limits
_PAIRS = 100  # pairs per query on SQLite: CASE latest id WHEN ... THEN previous id, evaluated per failed row


def _chunks(items: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start:start + _CHUNK]


def group_counts(store: Store, ids: Sequence[int], checklist_id: str) -> list[GroupCount]:
    """Per result and requirement group: passed, failed and judged statuses, with the groups of the
    catalogue this l3audit knows as `checklist_id` (fallback groups for requirements it does not know).

    Read from the counts kept when each result was stored (audit.department.store.summary, one row
    per result and group). Results whose counts were kept under another grouping (the catalogue
    regrouped since) or not at all are counted again from their statuses, and those counts are kept
    for the next time when the store can be written (a read-only store is only read).
    """
    from audit.department.aggregate.groups import grouping

    found = grouping(checklist_id)
    with store.read("read requirement statuses counted by group") as conn:
        kept = summary.read_counts(conn, list(ids), found.key)
    missing = sorted(set(ids) - {c.result_id for c in kept})
    if not missing:
        return kept
    statuses = store.statuses(missing)
    fresh = [c for rid in missing for c in summary.count_groups(rid, statuses.get(rid, {}), found.requirement_group)]
    try:
        with store.write("keep requirement statuses counted by group") as conn:
            summary.write_counts(conn, found.key, fresh)
    except StoreError as exc:
        log.info("counts by group not kept (%s); counted again next time", exc)
    return kept + fresh


def requirement_counts(store: Store, ids: Sequence[int]) -> dict[str, tuple[int, int]]:
    """Per requirement id: (results that judged it, results in which it failed), over these results."""
    rr = schema.requirement_results.c
    failed = sa.func.sum(sa.case((rr.status == "fail", 1), else_=0))
    found: dict[str, tuple[int, int]] = {}
    with store.read("count requirement statuses") as conn:
        for chunk in _chunks(list(ids)):
            query = sa.select(rr.requirement_id, sa.func.count(), failed).where(
                rr.result_id.in_(chunk)).group_by(rr.requirement_id)
            for req, n, f in conn.execute(query).all():
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
        if conn.dialect.name == "postgresql":  # a table of the pairs: one hash join instead of a CASE per row
            return _regressed_joined(conn, pairs)
        for start in range(0, len(pairs), _PAIRS):
            chunk = pairs[start:start + _PAIRS]
            previous_of = sa.case({n: o for n, o in chunk}, value=new.c.result_id)
            query = (sa.select(new.c.result_id, new.c.requirement_id)
                     .select_from(new.join(old, sa.and_(old.c.result_id == previous_of,
                                                        old.c.requirement_id == new.c.requirement_id)))
                     .where(new.c.result_id.in_([n for n, _ in chunk]), new.c.status == "fail",
                            old.c.status != "fail"))
            for rid, req in conn.execute(query).all():
                found[int(rid)].append(req)
    return {rid: sorted(reqs) for rid, reqs in found.items()}


def _regressed_joined(conn: sa.Connection, pairs: Sequence[tuple[int, int]]) -> dict[int, list[str]]:
    """`regressed_requirements` with the pairs joined as a VALUES table (PostgreSQL), in chunks of _CHUNK."""
    new, old = schema.requirement_results.alias("new"), schema.requirement_results.alias("old")
    found: dict[int, list[str]] = defaultdict(list)
    for start in range(0, len(pairs), _CHUNK):
        table = sa.values(sa.column("new_id", sa.Integer), sa.column("old_id", sa.Integer), name="pairs").data(
            list(pairs[start:start + _CHUNK]))
        query = (sa.select(new.c.result_id, new.c.requirement_id)
                 .select_from(table.join(new, new.c.result_id == table.c.new_id)
                              .join(old, sa.and_(old.c.result_id == table.c.old_id,
                                                 old.c.requirement_id == new.c.requirement_id)))
                 .where(new.c.status == "fail", old.c.status != "fail"))
        for rid, req in conn.execute(query).all():
            found[int(rid)].append(req)
    return {rid: sorted(reqs) for rid, reqs in found.items()}
