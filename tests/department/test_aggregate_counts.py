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

from audit.catalogue.loader import load_checklist, resolve_checklist
from audit.department.aggregate.build import Filters, _cell, build_dashboard
from audit.department.aggregate.groups import catalogue_info
from audit.department.diff import classify
from audit.department.store import Store, document_digest, open_store
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
    from audit.department.aggregate.build import _select

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


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_database_counts_equal_python_counts_on_mixed_results(kind: str, tmp_path: Path) -> None:
    # Given a store with mixed results
    with open_store(database(kind, tmp_path)) as store:
        _fill(store)
        # When the dashboard is built (counted by the database) and the same numbers are counted in Python
        view = build_dashboard(store, Filters(), "vi")
        want = _python_counts(store)
    # Then the heatmap (columns in the same order, fallback groups included), the requirements failed
    # most and the regressions are identical
    got_heat = [{"catalogue": h["catalogue"], "groups": h["groups"],
                 "rows": [{"id": r["id"], "cells": r["cells"]} for r in h["rows"]]} for h in view["heatmaps"]]
    assert got_heat == want["heatmaps"]
    assert any(g["id"] == "ZZZ" for h in view["heatmaps"] for g in h["groups"])  # the fallback group was met
    assert [(t["catalogue"], t["requirement_id"], t["failed"], t["outlets"]) for t in view["top_failed"]] == want["top"]
    for r in view["regressions"]:
        assert r["requirements"] == want["regressed"][r["id"], r["catalogue"]]
    assert {(r["id"], r["catalogue"]) for r in view["regressions"]} >= {k for k, v in want["regressed"].items() if v}
    assert len(view["regressions"]) > 3
