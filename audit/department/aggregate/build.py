"""The department's dashboard as data: one view-model built from the results database.

For each outlet (and catalogue) the latest result in the date window gives the verdict, score (pass
percent), coverage and open failures; earlier results give the trend. Across outlets: the share that
is compliant against the national target (100% of online newspapers at level 3), per catalogue; a
heatmap of outlets by requirement group; the requirements failed most; outlets that regressed since
their previous audit; waivers that expire soon. Only query columns and counts of the status table are read
(the database counts: audit.department.store.counts), so 1,000 outlets aggregate in well under a
second; documents are opened only for waivers.
The view-model holds plain strings, numbers, lists and dicts; every output format renders it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from audit.department.dates import display_zone, local, window
from audit.department.aggregate.groups import CatalogueInfo, catalogue_info
from audit.department.aggregate.waivers import expiring_waivers
from audit.department.diff import VERDICT_RANK
from audit.department.store import counts
from audit.department.store.store import Store, StoredResult

NATIONAL_TARGET_PERCENT = 100.0
TREND_POINTS = 8
COVERAGE_THRESHOLD_PERCENT = 50.0
"""Below this coverage a score is shown greyed: too little was decided for the number to mean much."""


def _no_result(entry: dict[str, Any], checklist_id: str) -> dict[str, Any]:
    """The row of an inventory outlet with no result in the window: counted, and not compliant."""
    return {"id": entry["id"], "name": entry["name"], "tags": list(entry["tags"]), "catalogue": checklist_id,
            "finished_at": None, "verdict": "no_result", "pass_percent": None, "coverage_percent": None,
            "low_coverage": True, "fail": 0, "error": 0, "manual": 0, "audits": 0, "trend": "none",
            "delta": None, "series": [], "signer": ""}


@dataclass(frozen=True)
class Filters:
    """What the dashboard covers: results finished in [since, until], outlets with any of `tags`."""

    since: str | None = None
    until: str | None = None
    tags: tuple[str, ...] = ()
    checklist: str | None = None
    waiver_days: int = 30
    """Waivers expiring within this many days (or already expired) are listed."""


def _cell(passed: int, failed: int) -> dict[str, Any]:
    """A heatmap cell: passed (pass, waived) / decided (passed, fail) requirements of one group."""
    decided = passed + failed
    if not decided:
        return {"percent": None, "label": "–", "level": "none", "fail": 0}
    percent = round(100.0 * passed / decided, 1)
    level = "good" if failed == 0 else "warn" if percent >= 50 else "bad"
    return {"percent": percent, "label": f"{passed}/{decided}", "level": level, "fail": failed}


def _counted(store: Store, latest: dict[tuple[str, str], StoredResult], previous: dict[tuple[str, str], StoredResult],
             catalogues: dict[str, CatalogueInfo], order: list[tuple[str, str]]) -> tuple[
        dict[int, dict[str, tuple[int, int]]], Counter[tuple[str, str]], Counter[tuple[str, str]], dict[int, list[str]]]:
    """What the view-model needs of the requirement statuses, counted by the database (store.counts):
    by latest result id, group -> (passed, failed); judged and failed outlets per (catalogue, requirement);
    the regressed requirements by latest result id. A requirement the catalogue does not know gets its
    fallback group in the order of `order` (the outlets' order on the page), then of its id."""
    by_result: dict[int, dict[str, tuple[int, int]]] = defaultdict(dict)
    judged: Counter[tuple[str, str]] = Counter()
    failed: Counter[tuple[str, str]] = Counter()
    rank = {latest[k].id: n for n, k in enumerate(order)}
    for checklist_id, info in catalogues.items():
        ids = [r.id for (c, _), r in latest.items() if c == checklist_id]
        rows = counts.group_counts(store, ids, checklist_id)
        for row in sorted(rows, key=lambda x: (rank[x.result_id], x.first_unknown or "", x.group)):
            info.groups.setdefault(row.group, row.group)  # a fallback group: a column where first met
            by_result[row.result_id][row.group] = (row.passed, row.failed)
        for req, (n, f) in counts.requirement_counts(store, ids).items():
            judged[(checklist_id, req)] += n
            if f:
                failed[(checklist_id, req)] += f
    pairs = [(latest[k].id, previous[k].id) for k in order if k in previous]
    return by_result, judged, failed, counts.regressed_requirements(store, pairs)


def _trend(latest: StoredResult, previous: StoredResult | None) -> tuple[str, float | None]:
    if previous is None:
        return "new", None
    delta = None
    if latest.pass_percent is not None and previous.pass_percent is not None:
        delta = round(latest.pass_percent - previous.pass_percent, 1)
    rank_new, rank_old = VERDICT_RANK.get(latest.verdict, 1), VERDICT_RANK.get(previous.verdict, 1)
    if rank_new != rank_old:
        return ("up" if rank_new > rank_old else "down"), delta
    if latest.counts["fail"] != previous.counts["fail"]:
        return ("up" if latest.counts["fail"] < previous.counts["fail"] else "down"), delta
    return "same", delta


def _select(store: Store, f: Filters) -> dict[tuple[str, str], list[StoredResult]]:
    """Results in the window grouped by (checklist id, outlet id), oldest first, tag-filtered."""
    series: dict[tuple[str, str], list[StoredResult]] = defaultdict(list)
    since, until = window(f.since, f.until)  # local days of the department, as UTC bounds
    for row in store.results(since=since, until=until, checklist_id=f.checklist, include_withdrawn=False):
        series[(row.checklist_id, row.outlet_id)].append(row)
    if f.tags:
        wanted = set(f.tags)
        series = defaultdict(list, {k: v for k, v in series.items() if wanted & set(v[-1].tags)})
    return series


def build_dashboard(store: Store, filters: Filters = Filters(), lang: str = "vi",
                    today: dt.date | None = None) -> dict[str, Any]:
    """The dashboard view-model for the results in `store` that match `filters`."""
    today = today or dt.datetime.now(dt.timezone.utc).date()
    series = _select(store, filters)
    latest = {k: v[-1] for k, v in series.items()}
    previous = {k: v[-2] for k, v in series.items() if len(v) > 1}
    signers = store.signer_names(r.id for r in latest.values() if r.signer)  # names, not key ids
    catalogues: dict[str, CatalogueInfo] = {}
    for checklist_id in sorted({c for c, _ in series}):
        catalogues[checklist_id] = catalogue_info(checklist_id, lang)
    order = sorted(series, key=lambda k: (k[0], latest[k].outlet_name.lower(), k[1]))
    by_result, judged, failed, regressed = _counted(store, latest, previous, catalogues, order)

    outlets, regressions = [], []
    heat_rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for key in order:
        checklist_id, outlet_id = key
        row, before = latest[key], previous.get(key)
        trend, delta = _trend(row, before)
        outlets.append({
            "id": outlet_id, "name": row.outlet_name, "tags": list(row.tags), "catalogue": checklist_id,
            "finished_at": local(row.finished_at), "verdict": row.verdict, "pass_percent": row.pass_percent,
            "coverage_percent": row.coverage_percent,
            "low_coverage": row.coverage_percent is None or row.coverage_percent < COVERAGE_THRESHOLD_PERCENT,
            "fail": row.counts["fail"], "error": row.counts["error"],
            "manual": row.counts["manual"], "audits": len(series[key]), "trend": trend, "delta": delta,
            "series": [r.pass_percent for r in series[key][-TREND_POINTS:]],
            "signer": signers.get(row.id, row.signer or ""),
        })
        heat_rows[checklist_id].append({"id": outlet_id, "name": row.outlet_name, "by_group": by_result.get(row.id, {})})
        if before is not None:
            worse = regressed.get(row.id, [])  # failed now, judged otherwise before (diff.classify's "regressed")
            if worse or VERDICT_RANK.get(row.verdict, 1) < VERDICT_RANK.get(before.verdict, 1):
                regressions.append({
                    "id": outlet_id, "name": row.outlet_name, "catalogue": checklist_id,
                    "from_verdict": before.verdict, "to_verdict": row.verdict, "from_date": local(before.finished_at),
                    "to_date": local(row.finished_at), "requirements": worse,
                })

    # The inventory is the denominator: an outlet that sent nothing counts, as "not compliant: no result".
    inventory = [e for e in store.inventory() if not filters.tags or set(filters.tags) & set(e["tags"])]
    for checklist_id in sorted(catalogues) or ([filters.checklist or ""] if inventory else []):
        have = {o["id"] for o in outlets if o["catalogue"] == checklist_id}
        outlets.extend(_no_result(e, checklist_id) for e in inventory if e["id"] not in have)

    catalogue_rows = []
    for checklist_id, info in sorted(catalogues.items()):
        mine = [o for o in outlets if o["catalogue"] == checklist_id]
        verdicts = Counter(o["verdict"] for o in mine)
        share = round(100.0 * verdicts["compliant"] / len(mine), 1) if mine else 0.0
        catalogue_rows.append({
            "id": checklist_id, "title": info.title, "standard": info.standard, "outlets": len(mine),
            "compliant": verdicts["compliant"], "not_compliant": verdicts["not_compliant"],
            "incomplete": verdicts["incomplete"], "no_result": verdicts["no_result"], "share_percent": share,
            "target_percent": NATIONAL_TARGET_PERCENT, "gap": len(mine) - verdicts["compliant"],
        })

    top_failed = [{
        "catalogue": c, "requirement_id": req, "title": catalogues[c].title_of(req), "failed": n,
        "outlets": judged[(c, req)], "share_percent": round(100.0 * n / judged[(c, req)], 1),
    } for (c, req), n in sorted(failed.items(), key=lambda kv: (-kv[1], kv[0]))]

    waiver_ids = [r.id for r in latest.values() if r.counts["waived"] > 0]
    waivers = expiring_waivers(store.documents(waiver_ids).values(), today, filters.waiver_days) if waiver_ids else []

    heatmaps = []
    for c, rows in sorted(heat_rows.items()):
        groups = catalogues[c].group_list()
        heatmaps.append({"catalogue": c, "title": catalogues[c].title, "groups": groups, "rows": [
            {"id": r["id"], "name": r["name"], "cells": [_cell(*r["by_group"].get(g["id"], (0, 0))) for g in groups]}
            for r in rows]})
    return {
        "lang": lang, "generated_at": local(dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")),
        "timezone": str(display_zone()),
        "today": today.isoformat(),
        "filters": {"since": filters.since, "until": filters.until, "tags": list(filters.tags),
                    "checklist": filters.checklist, "waiver_days": filters.waiver_days},
        "totals": {"outlets": len(outlets), "results": sum(len(v) for v in series.values()),
                   "compliant": sum(1 for o in outlets if o["verdict"] == "compliant"),
                   "no_result": sum(1 for o in outlets if o["verdict"] == "no_result"),
                   "inventory": len(inventory)},
        "coverage_threshold_percent": COVERAGE_THRESHOLD_PERCENT,
        "catalogues": catalogue_rows, "outlets": outlets, "heatmaps": heatmaps,
        "top_failed": top_failed, "regressions": regressions, "waivers": waivers,
    }
