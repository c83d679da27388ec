"""Builders for the officer tests: a stored probe result, and a submission waiting for review as the outlet side writes it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from audit.catalogue.loader import Checklist
from audit.department.store import Store
from audit.department.store.schema import portal_submissions, submissions
from audit.engine import checklist_ref
from audit.evaluation import evaluate_requirement, summarise
from audit.models import AttemptStatus, Contact, Outlet, OutletResult, ProbeAttempt
from audit.result import result_to_dict
from audit.targets import parse_target

SITE = "https://o1.test"


def probe_result(checklist: Checklist, outlet_id: str = "o1", facts: Mapping[str, Any] | None = None,
                 finished_at: str = "2026-11-30T08:00:00+00:00") -> dict[str, Any]:
    """A result as `l3audit run` writes it: every probe ran on one site and found `facts` (none: most checks fail)."""
    site = f"https://{outlet_id}.test"
    attempts = {p: ProbeAttempt(p, site, AttemptStatus.COMPLETED, finished_at, 0.1, "test", "1", facts=dict(facts or {}))
                for p in checklist.probes}
    results = tuple(evaluate_requirement(req, {site: attempts}) for req in checklist.requirements)
    outlet = Outlet(outlet_id, f"Báo {outlet_id}", (parse_target(site),), Contact("KT", f"kt@{outlet_id}.test"))
    return result_to_dict(OutletResult(outlet, checklist_ref(checklist), finished_at, finished_at, "test",
                                       tuple(attempts.values()), results, summarise(checklist, results)))


def row(requirement_id: str, answer: str | None, text: str = "", justification: str = "",
        evidence: Sequence[Mapping[str, Any]] = ()) -> dict[str, Any]:
    """One snapshot row, exactly the keys the outlet side writes."""
    return {"requirement_id": requirement_id, "answer": answer, "justification": justification, "text": text,
            "answered_by": "alice", "answered_at": "2026-12-01T09:00:00+00:00", "evidence": list(evidence)}


def add_waiting(store: Store, checklist: Checklist, outlet_id: str, rows: Sequence[Mapping[str, Any]],
                submitted_at: str = "2026-12-01T10:00:00+00:00") -> int:
    """A stored (signed, imported) result with its submission, then the portal_submissions row: returns its id."""
    data = probe_result(checklist, outlet_id, finished_at=submitted_at)
    sha = hashlib.sha256(json.dumps([outlet_id, submitted_at, list(rows)], sort_keys=True).encode()).hexdigest()
    round_id = store.round_by_label("import test", "import")
    store.add_result(data, round_id, signer="portal-key", submission={
        "bundle_sha256": sha, "key_id": "portal-key", "signer_name": "l3audit portal", "signed_at": submitted_at,
        "attachments": json.dumps({"answers": None, "evidence": []})})
    snapshot = {"outlet": outlet_id, "checklist": {"id": checklist.id, "content_hash": checklist.content_hash},
                "rows": [dict(r) for r in rows]}
    with store.write("test: submit") as conn:
        submission_id = conn.execute(sa.select(submissions.c.id).where(submissions.c.bundle_sha256 == sha)).scalar_one()
        return int(conn.execute(portal_submissions.insert().values(
            outlet_id=outlet_id, checklist_id=checklist.id, content_hash=checklist.content_hash,
            submission_id=submission_id, state="waiting", version=1, snapshot=json.dumps(snapshot, ensure_ascii=False),
            submitted_by="alice", submitted_at=submitted_at)).inserted_primary_key[0])  # type: ignore[index]
