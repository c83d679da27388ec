"""Each result's statuses counted per requirement group once, when the result is stored (schema v11).

The dashboard's heatmap needs, for every outlet's latest result, the passed (pass, waived), failed
and judged requirements of each group. Counting them from `requirement_results` at every build
reads 195 index entries per result (195,000 for 1,000 outlets; on PostgreSQL one scan per group,
since its B-tree cannot skip within an `IN` list on the second column), so `insert_result` writes
these counts into `result_group_counts` in the transaction that stores the result, and the
dashboard reads about 18 rows per result instead. A result's statuses never change once stored and
a withdrawal only hides the result (the dashboard skips withdrawn results), so the rows stay true.

The groups are those of the catalogue this l3audit knows under the result's checklist id
(audit.department.aggregate.groups.grouping); rows carry that grouping's key. When the catalogue
is regrouped (another l3audit) or not known when the result was stored, the key differs and the
dashboard counts that result again from its statuses, then keeps the new rows
(audit.department.store.counts.group_counts): the numbers always follow the catalogue in force.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from audit.department.store import schema

PASSED = ("pass", "waived")
_CHUNK = 500  # result ids per IN (...) list


@dataclass(frozen=True)
class GroupCount:
    """Statuses of one result in one requirement group."""

    result_id: int
    group: str
    first_unknown: str | None
    """The smallest requirement id of this group its catalogue does not know, when every requirement
    counted in the group is unknown (a fallback group); None otherwise. The dashboard adds fallback
    groups as columns in the order it meets them, outlet by outlet, requirement id by id."""
    passed: int
    failed: int
    judged: int


def count_groups(result_id: int, statuses: Mapping[str, str], requirement_group: Mapping[str, str]) -> list[GroupCount]:
    """The counts of one result's statuses (requirement id -> status) by group (requirement id -> group);
    a requirement the mapping does not know goes to its fallback group (the middle part of its id)."""
    from audit.department.aggregate.groups import fallback_group

    found: dict[str, list[Any]] = {}
    for requirement_id, status in statuses.items():
        group = requirement_group.get(requirement_id)
        known = group is not None
        if group is None:
            group = fallback_group(requirement_id)
        row = found.setdefault(group, [0, 0, 0, None, False])  # passed, failed, judged, first unknown, any known
        row[0] += status in PASSED
        row[1] += status == "fail"
        row[2] += 1
        if known:
            row[4] = True
        elif row[3] is None or requirement_id < row[3]:
            row[3] = requirement_id
    return [GroupCount(result_id, group, None if row[4] else row[3], row[0], row[1], row[2])
            for group, row in sorted(found.items())]


def _rows(counts: Iterable[GroupCount], key: str) -> list[dict[str, Any]]:
    return [{"result_id": c.result_id, "grouping": key, "group_id": c.group, "first_unknown": c.first_unknown,
             "passed": c.passed, "failed": c.failed, "judged": c.judged} for c in counts]


def write_result_counts(conn: sa.Connection, result_id: int, checklist_id: str, statuses: Mapping[str, str]) -> None:
    """Keep a newly stored result's counts by group, in the caller's (storing) transaction."""
    from audit.department.aggregate.groups import grouping

    if not statuses:
        return
    found = grouping(checklist_id)
    conn.execute(schema.result_group_counts.insert(),
                 _rows(count_groups(result_id, statuses, found.requirement_group), found.key))


def write_counts(conn: sa.Connection, key: str, counts: Sequence[GroupCount]) -> None:
    """Keep counts made under grouping `key` (replacing any already kept under it for those results)."""
    ids = sorted({c.result_id for c in counts})
    t = schema.result_group_counts.c
    for start in range(0, len(ids), _CHUNK):
        conn.execute(schema.result_group_counts.delete().where(
            t.grouping == key, t.result_id.in_(ids[start:start + _CHUNK])))
    if counts:
        conn.execute(schema.result_group_counts.insert(), _rows(counts, key))


def read_counts(conn: sa.Connection, ids: Sequence[int], key: str) -> list[GroupCount]:
    """The counts kept under grouping `key` for these results (results without any are absent)."""
    t = schema.result_group_counts.c
    found: list[GroupCount] = []
    for start in range(0, len(ids), _CHUNK):
        query = (sa.select(t.result_id, t.group_id, t.first_unknown, t.passed, t.failed, t.judged)
                 .where(t.grouping == key, t.result_id.in_(ids[start:start + _CHUNK])))
        found.extend(GroupCount(int(r), str(g), u, int(p), int(f), int(n)) for r, g, u, p, f, n in conn.execute(query).all())
    return found


def fill_all(conn: sa.Connection) -> int:
    """Count every stored result by group (schema migration 11, for results stored before it); returns
    how many results were counted. Reads the statuses result by result range, in chunks."""
    from audit.department.aggregate.groups import grouping

    r, rr = schema.results.c, schema.requirement_results.c
    by_checklist: dict[str, list[int]] = {}
    for rid, checklist_id in conn.execute(sa.select(r.id, r.checklist_id).order_by(r.id)):
        by_checklist.setdefault(str(checklist_id), []).append(int(rid))
    done = 0
    for checklist_id, ids in by_checklist.items():
        found = grouping(checklist_id)
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start:start + _CHUNK]
            statuses: dict[int, dict[str, str]] = {}
            for rid, req, status in conn.execute(sa.select(rr.result_id, rr.requirement_id, rr.status)
                                                 .where(rr.result_id.in_(chunk))):
                statuses.setdefault(int(rid), {})[req] = status
            counts = [c for rid, st in statuses.items() for c in count_groups(rid, st, found.requirement_group)]
            if counts:
                conn.execute(schema.result_group_counts.insert(), _rows(counts, found.key))
            done += len(statuses)
    return done
