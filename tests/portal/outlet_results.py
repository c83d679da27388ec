"""Probe results for the portal's outlet tests: judged by the real engine code, stored like `l3audit run` stores them."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from audit.catalogue.loader import Checklist, load_checklist, resolve_checklist
from audit.department.store import Store
from audit.engine import checklist_ref
from audit.evaluation import judge_outlet, summarise
from audit.models import (Assessment, AttemptStatus, Outlet, OutletResult, ProbeAttempt, RequirementResult, Status,
                          Target)
from audit.result import result_to_dict
from tests.portal.conftest import CHECKLIST


def checklist() -> Checklist:
    return load_checklist(resolve_checklist(CHECKLIST))


def automated_mandatory(cat: Checklist, n: int) -> list[str]:
    """The first `n` mandatory requirements that a probe decides on its own."""
    return [r.id for r in cat.requirements if r.mandatory and r.assessment is Assessment.AUTOMATED][:n]


def probe_result(outlet_id: str, *, failing: tuple[str, ...] = (), finished_at: str = "2026-11-30T08:00:00+00:00",
                 name: str = "Báo Một") -> dict[str, Any]:
    """A result of outlet `outlet_id` whose probes could not run, except `failing` rows, proven failed."""
    cat = checklist()
    site = Target(host=f"{outlet_id}.example", port=443)
    attempts = {site.url: {p: ProbeAttempt(p, site.url, AttemptStatus.ERROR, finished_at, 0.1, "l3audit", "0",
                                           error_reason="connection refused") for p in cat.probes}}
    results: list[RequirementResult] = []
    for r in judge_outlet(cat, outlet_id, attempts):
        if r.requirement_id in failing:
            r = replace(r, status=Status.FAIL, reason="failed check(s): test", source="probe")
        results.append(r)
    outlet = Outlet(outlet_id, name, (site,))
    result = OutletResult(outlet, checklist_ref(cat), finished_at, finished_at, "0.1.0", tuple(
        a for per in attempts.values() for a in per.values()), tuple(results), summarise(cat, results))
    return result_to_dict(result)


def store_result(store: Store, document: dict[str, Any]) -> int:
    round_id = store.start_round("test run", "run", document["checklist"]["content_hash"])
    result_id, _ = store.add_result(document, round_id)
    return result_id
