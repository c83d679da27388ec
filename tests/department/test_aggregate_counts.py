"""The dashboard's numbers counted by the database (audit.department.store.counts) equal the numbers
counted in Python from every stored status (`Store.statuses`, what `aggregate` did before), on
SQLite and PostgreSQL, on a store with mixed results: every status, a requirement the catalogue does
not know, requirements missing from a result, two catalogues (one we do not ship), one outlet with
three audits and one withdrawn."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from audit.catalogue.loader import load_checklist, resolve_checklist
from audit.department.aggregate.build import Filters, _cell, _select, build_dashboard
from audit.department.aggregate.groups import catalogue_info, grouping
from audit.department.diff import classify
from audit.department.store import Store, document_digest, migrations, open_store, schema
from audit.department.store.summary import GroupCount, count_groups
from tests.department.support import database, make_result

STATUSES = ("pass", "fail", "error", "manual", "not_applicable", "waived")


def _old_cell(statuses: list[str]) -> dict[str, Any]:
    counts = Counter(statuses)
    return _cell(counts["pass"] + counts["waived"], counts["fail"])


def _fill(store: Store) -> None:
    shipped = [r.id for r in load_checklist(resolve_checklist("l3-starter")).requirements]
    rng = random.Random(18)
    round_id = store.start_round("mixed", "import")
    for i in range(12):
        for n, day in enumerate(("2026-10-01T03:00:00+00:00", "2026-11-01T03:00:00+00:00", "2026-12-01T03:00:00+00:00")):
            if n == 0 and i % 3:
                continue  # most outlets have two audits, some three
            reqs = [r for r in shipped if rng.random() > 0.1]  # some requirements missing from a result
            statuses = {r: rng.choice(STATUSES) for r in reqs}
            if i % 4 == 0:
                statuses["L3-ZZZ-01"] = rng.choice(STATUSES)  # not in the catalogue: a fallback group
                statuses["X-OTHER"] = "fail"
            doc = make_result(f"o{i:02d}", statuses, day)
            store.add_result(doc, round_id)
            if i == 3 and n == 2:
                store.withdraw(document_digest(doc), "sent twice")
        foreign = {f"F-{g}-{k}": rng.choice(STATUSES) for g in ("AA", "BB") for k in range(4)}
        store.add_result(make_result(f"o{i:02d}", foreign, "2026-11-20T03:00:00+00:00", checklist="not-shipped"), round_id)


def _python_counts(store: Store) -> dict[str, Any]:
    """The heatmap, top failures and regressions as the view-model computed them from every status."""
    series = _select(store, Filters())
    latest = {k: v[-1] for k, v in series.items()}
    previous = {k: v[-2] for k, v in series.items() if len(v) > 1}
    statuses = store.statuses([r.id for r in latest.values()] + [r.id for r in previous.values()])
    infos = {c: catalogue_info(c, "vi") for c in sorted({c for c, _ in series})}
    order = sorted(series, key=lambda k: (k[0], latest[k].outlet_name.lower(), k[1]))
    judged: Counter[tuple[str, str]] = Counter()
    failed: Counter[tuple[str, str]] = Counter()
    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    regressed = {}
    for key in order:
        now_st = statuses.get(latest[key].id, {})
        by_group: dict[str, list[str]] = defaultdict(list)
        for req in sorted(now_st):  # SQLite's order: the primary key's
            status = now_st[req]
            judged[(key[0], req)] += 1
            failed[(key[0], req)] += status == "fail"
            by_group[infos[key[0]].group_of(req)].append(status)
        rows[key[0]].append({"id": key[1], "cells": by_group})
        if key in previous:
            old_st = statuses.get(previous[key].id, {})
            regressed[key[1], key[0]] = sorted(
                r for r in set(old_st) | set(now_st) if classify(old_st.get(r), now_st.get(r)) == "regressed")
    heatmaps = []
    for c, items in sorted(rows.items()):
        groups = infos[c].group_list()
        heatmaps.append({"catalogue": c, "groups": groups, "rows": [
            {"id": r["id"], "cells": [_old_cell(r["cells"].get(g["id"], [])) for g in groups]} for r in items]})
    top = sorted(((c, req, n, judged[(c, req)]) for (c, req), n in failed.items() if n),
                 key=lambda x: (-x[2], x[0], x[1]))
    return {"heatmaps": heatmaps, "top": top, "regressed": regressed}


def _assert_same(view: dict[str, Any], want: dict[str, Any]) -> None:
    """The heatmap (columns in the same order, fallback groups included), the requirements failed
    most and the regressions are identical."""
    got_heat = [{"catalogue": h["catalogue"], "groups": h["groups"],
                 "rows": [{"id": r["id"], "cells": r["cells"]} for r in h["rows"]]} for h in view["heatmaps"]]
    assert got_heat == want["heatmaps"]
    assert any(g["id"] == "ZZZ" for h in view["heatmaps"] for g in h["groups"])  # the fallback group was met
    assert [(t["catalogue"], t["requirement_id"], t["failed"], t["outlets"]) for t in view["top_failed"]] == want["top"]
    for r in view["regressions"]:
        assert r["requirements"] == want["regressed"][r["id"], r["catalogue"]]
    assert {(r["id"], r["catalogue"]) for r in view["regressions"]} >= {k for k, v in want["regressed"].items() if v}
    assert len(view["regressions"]) > 3


def _kept(store: Store) -> list[tuple[Any, ...]]:
    t = schema.result_group_counts.c
    with store.read("t") as conn:
        return [tuple(r) for r in conn.execute(sa.select(t.result_id, t.grouping, t.group_id, t.first_unknown,
                                                         t.passed, t.failed, t.judged).order_by(*t))]


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_database_counts_equal_python_counts_on_mixed_results(kind: str, tmp_path: Path) -> None:
    # Given a store with mixed results
    with open_store(database(kind, tmp_path)) as store:
        _fill(store)
        # When the dashboard is built (counted by the database) and the same numbers are counted in Python
        view = build_dashboard(store, Filters(), "vi")
        want = _python_counts(store)
    # Then they are identical
    _assert_same(view, want)


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_counts_kept_per_result_follow_new_results_and_withdrawals(kind: str, tmp_path: Path) -> None:
    """Given a dashboard already built from the counts kept per result, when a result is stored after
    them (a new latest for one outlet, a first for a new one) and another is withdrawn, then the
    next build still equals the Python counting, and nothing was counted again (the kept rows are
    those the new result brought)."""
    with open_store(database(kind, tmp_path)) as store:
        _fill(store)
        build_dashboard(store, Filters(), "vi")
        before = _kept(store)
        round_id = store.start_round("later", "import")
        shipped = [r.id for r in load_checklist(resolve_checklist("l3-starter")).requirements]
        newest = make_result("o05", {r: ("fail" if n % 3 else "pass") for n, r in enumerate(shipped)} | {"L3-ZZZ-02": "pass"},
                             "2026-12-02T03:00:00+00:00")
        new_id, _ = store.add_result(newest, round_id)
        store.add_result(make_result("o99", {shipped[0]: "pass", "L3-QQQ-01": "fail"}, "2026-12-02T04:00:00+00:00"), round_id)
        store.withdraw(_latest_digest(store, "o07"), "sai")
        after = _kept(store)
        assert set(before) < set(after) and {r[0] for r in set(after) - set(before)} >= {new_id}
        view = build_dashboard(store, Filters(), "vi")
        assert _kept(store) == after  # read, not counted again
        want = _python_counts(store)
    _assert_same(view, want)
    assert any(g["id"] == "QQQ" for h in view["heatmaps"] for g in h["groups"])
    assert not any(o["id"] == "o07" and o["audits"] == 3 for o in view["outlets"])


def _latest_digest(store: Store, outlet: str) -> str:
    latest = [r for r in store.results(include_withdrawn=False) if r.outlet_id == outlet][-1]
    with store.read("t") as conn:
        return str(conn.execute(sa.select(schema.results.c.digest).where(schema.results.c.id == latest.id)).scalar_one())


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_migration_11_counts_results_stored_before_it(kind: str, tmp_path: Path) -> None:
    """Given a store at schema 10 with results (made here by taking migration 11 back out), when it is
    opened, then migration 11 counts every stored result, the same rows as storing them counted."""
    url = database(kind, tmp_path)
    with open_store(url) as store:
        _fill(store)
        stored = _kept(store)
        with store.write("t") as conn:
            conn.execute(sa.text("DROP TABLE result_group_counts"))
            conn.execute(schema.schema_migrations.delete().where(schema.schema_migrations.c.version == 11))
        assert store.schema_version() == 10
    with open_store(url) as store:
        assert store.schema_version() == migrations.LATEST == 11
        assert _kept(store) == stored and len({r[0] for r in stored}) == len(store.results())
        view = build_dashboard(store, Filters(), "vi")
        want = _python_counts(store)
    _assert_same(view, want)


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_counts_kept_under_another_grouping_are_counted_again(kind: str, tmp_path: Path) -> None:
    """Given counts kept under a grouping that is no longer the catalogue's (another l3audit regrouped
    it) and a result without any, when the dashboard is built, then those results are counted again
    from their statuses (same numbers) and the new counts kept under the catalogue's grouping."""
    with open_store(database(kind, tmp_path)) as store:
        _fill(store)
        latest = {v[-1].id for (c, _), v in _select(store, Filters()).items() if c == "l3-starter"}
        t = schema.result_group_counts.c
        with store.write("t") as conn:
            conn.execute(schema.result_group_counts.update().where(t.result_id % 2 == 0).values(grouping="g1:old"))
            conn.execute(schema.result_group_counts.delete().where(t.result_id == min(latest)))
        view = build_dashboard(store, Filters(), "vi")
        want = _python_counts(store)
        kept = _kept(store)
    _assert_same(view, want)
    current = {r[0] for r in kept if r[1] == grouping("l3-starter").key}
    assert latest <= current
    assert any(r[1] == "g1:old" for r in kept)  # the old rows stay (another l3audit may still read them)


def test_count_groups_places_unknown_requirements_in_fallback_groups() -> None:
    """A requirement its catalogue does not know counts in its fallback group, and a group made only of
    unknown requirements names its smallest one (where the dashboard adds its column)."""
    rows = count_groups(7, {"L3-TLS-01": "pass", "L3-TLS-99": "fail", "L3-ZZZ-02": "waived", "L3-ZZZ-01": "error",
                            "X": "fail"}, {"L3-TLS-01": "TLS"})
    assert rows == [GroupCount(7, "TLS", None, 1, 1, 2), GroupCount(7, "X", "X", 0, 1, 1),
                    GroupCount(7, "ZZZ", "L3-ZZZ-01", 1, 0, 2)]
