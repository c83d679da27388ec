"""Submitting an outlet's answers for review: a snapshot in the store and a bundle signed by the server.

The snapshot (`portal_submissions.snapshot`) is exactly what was submitted: every saved row with its
answer, who gave it and when, and the evidence files by SHA-256. The bundle is the format
`l3audit bundle sign` writes (`audit.department.bundle`): the outlet's latest stored probe result
with the portal's answers merged in (`audit.selfassess.merge`), or the answers alone when no probe
result exists, signed with the server's Ed25519 key, then verified and imported like any bundle, so
the department's store holds a `submissions` row and a result, and `aggregate` counts it. A new
submission while one is waiting supersedes it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from audit import __version__
from audit.catalogue.loader import Checklist, Requirement
from audit.department.bundle import canonical, import_bundle, signed_bundle, verify_bundle
from audit.department.keys import TrustedKey, generate_key, key_id, load_private_key
from audit.department.store import Store
from audit.department.store.schema import portal_submissions, submissions
from audit.department.store.store import now_iso
from audit.errors import AuditError
from audit.evaluation import evaluate_requirement, summarise
from audit.models import Assessment, ChecklistRef, Evidence, RequirementResult, SiteResult, Status
from audit.portal.answers import load_portal_answers
from audit.portal.evidence import evidence_rows
from audit.selfassess.answers import AnswerSet, EvidenceItem, dump_answers
from audit.selfassess.merge import merge_requirement
from audit.selfassess.questionnaire import questions
from audit.userfiles.output import write_bytes_atomic

KEY_NAME = "portal-signing"
SIGNER_NAME = "l3audit portal"
NOT_MEASURED = "not measured: no probe result is stored for this outlet (self-assessment only)"


class NothingAnsweredError(AuditError):
    """A submission with no answered row: there is nothing to review."""


@dataclass(frozen=True)
class Signer:
    """The server's signing key and its id."""

    private: Ed25519PrivateKey
    key_id: str

    @property
    def trusted(self) -> dict[str, TrustedKey]:
        """The server's key as a trusted key for any outlet (what the department adds to its file)."""
        return {self.key_id: TrustedKey(self.key_id, SIGNER_NAME, self.private.public_key(), ("*",))}


def load_signer(data_dir: Path, key_file: Path | None = None) -> Signer:
    """`key_file`, else `<data>/portal-signing.key`, made once (mode 0600, with its trusted-keys entry beside it)."""
    path = key_file or data_dir / f"{KEY_NAME}.key"
    if key_file is None and not os.path.lexists(path):
        generate_key(data_dir, KEY_NAME, ("*",))
    private = load_private_key(path)
    return Signer(private, key_id(private.public_key()))


@dataclass(frozen=True)
class Submitted:
    """What a submission stored."""

    portal_submission_id: int
    submission_id: int
    result_id: int
    superseded: int
    bundle_path: Path


def snapshot(checklist: Checklist, outlet_id: str, answers: AnswerSet,
             evidence: list[dict[str, Any]]) -> dict[str, Any]:
    """The submitted rows in questionnaire order: every saved answer, and any row with evidence."""
    by_row: dict[str, list[dict[str, Any]]] = {}
    for e in evidence:
        by_row.setdefault(str(e["requirement_id"]), []).append(
            {"sha256": e["sha256"], "filename": e["filename"], "size": e["size"], "content_type": e["content_type"]})
    rows = []
    for q in questions(checklist):
        a = answers.answers.get(q.requirement_id)
        if a is None and q.requirement_id not in by_row:
            continue
        rows.append({
            "requirement_id": q.requirement_id,
            "answer": a.answer.value if a and a.answer else None,
            "justification": a.justification if a else "",
            "text": a.text if a else "",
            "answered_by": a.answered_by if a else "",
            "answered_at": a.answered_at if a else "",
            "evidence": by_row.get(q.requirement_id, []),
        })
    return {"outlet": outlet_id, "checklist": {"id": checklist.id, "content_hash": checklist.content_hash},
            "rows": rows}


def _site(data: dict[str, Any]) -> SiteResult:
    evidence = tuple(Evidence(str(e.get("fact", "")), str(e.get("op", "")), e.get("expected"), e.get("observed"),
                              bool(e.get("present")), bool(e.get("satisfied")), str(e.get("signal", "")))
                     for e in data.get("evidence") or [])
    return SiteResult(str(data.get("target", "")), Status(data["status"]), str(data.get("reason", "")), evidence,
                      tuple(data.get("signals") or ()))


def probe_part(req: Requirement, stored: dict[str, Any] | None) -> RequirementResult:
    """What the probes (or nobody) decided for a requirement, before any answer or waiver.

    A stored row that was already merged (`probe_status`) is taken back to its probe status, so
    answers are merged once, from the portal, never on top of older answers.
    """
    if req.not_applicable_reason is not None or req.assessment is Assessment.MANUAL:
        return evaluate_requirement(req, {})
    if stored is None:
        return RequirementResult(req.id, Status.ERROR, NOT_MEASURED, (), "probe")
    sites = tuple(_site(s) for s in stored.get("sites") or [])
    reason = str(stored.get("reason", ""))
    status = Status(stored.get("probe_status") or stored["status"])
    if "probe_status" in stored:
        reason = reason.split(" [conflict:")[0].split(" (self-assessment")[0]
    return RequirementResult(req.id, status, reason, sites, str(stored.get("source") or "probe")
                             if "probe_status" not in stored else "probe")


def latest_probe_result(store: Store, checklist: Checklist, outlet_id: str, own_key: str) -> dict[str, Any] | None:
    """The outlet's latest stored result against this catalogue that the portal did not sign itself."""
    rows = [r for r in store.results(outlet_id=outlet_id, checklist_id=checklist.id, include_withdrawn=False)
            if r.checklist_hash == checklist.content_hash and r.signer != own_key]
    return store.documents([rows[-1].id])[rows[-1].id] if rows else None


def merged_result(store: Store, checklist: Checklist, outlet_id: str, answers: AnswerSet, own_key: str) -> dict[str, Any]:
    """A result document: the latest probe result (or none) with the portal's answers merged in."""
    base = latest_probe_result(store, checklist, outlet_id, own_key)
    stored = {str(r.get("requirement_id")): r for r in (base or {}).get("requirements", [])}
    today = dt.date.today()
    results = [merge_requirement(req, probe_part(req, stored.get(req.id)), answers.answers.get(req.id), (), (), today)
               for req in checklist.requirements]
    stamp = now_iso()
    if base is None:
        names = {o["id"]: o["name"] for o in store.inventory()}
        base = {
            "schema_version": 1, "tool": {"name": "l3audit", "version": __version__},
            "outlet": {"id": outlet_id, "name": names.get(outlet_id, outlet_id), "tags": [], "sites": []},
            "checklist": ChecklistRef(checklist.id, checklist.title.en, checklist.standard, checklist.level,
                                      checklist.version, checklist.content_hash).to_dict(),
            "started_at": stamp, "probe_attempts": [], "auditor": {"name": SIGNER_NAME},
            "run": {"origin": SIGNER_NAME},
        }
    return {**base, "finished_at": stamp, "requirements": [r.to_dict() for r in results],
            "summary": summarise(checklist, results)}


def _with_evidence(answers: AnswerSet, evidence: list[dict[str, Any]]) -> AnswerSet:
    """The answers with their evidence files (content-addressed paths, hash, the name shown)."""
    items: dict[str, list[EvidenceItem]] = {}
    for e in evidence:
        sha = str(e["sha256"])
        items.setdefault(str(e["requirement_id"]), []).append(
            EvidenceItem(path=f"evidence/{sha[:2]}/{sha}", sha256=sha, note=str(e["filename"])))
    return replace(answers, answers={rid: replace(a, evidence=tuple(items.get(rid, ())))
                                     for rid, a in answers.answers.items()})


def submit_for_review(store: Store, checklist: Checklist, outlet_id: str, username: str, data_dir: Path,
                      signer: Signer) -> Submitted:
    """Snapshot, sign, verify and import the outlet's answers; supersede a submission still waiting."""
    answers = load_portal_answers(store, checklist, outlet_id)
    if not any(a.answer is not None for a in answers.answers.values()):
        raise NothingAnsweredError("nothing is answered yet")
    evidence = evidence_rows(store, outlet_id)
    snap = snapshot(checklist, outlet_id, answers, evidence)
    answers = _with_evidence(answers, evidence)
    result = merged_result(store, checklist, outlet_id, answers, signer.key_id)
    answers_text = dump_answers(answers)
    answers_part = {"name": f"{outlet_id}.answers.yaml", "sha256": hashlib.sha256(answers_text.encode()).hexdigest(),
                    "content": answers_text}
    files = [{"name": e["filename"], "sha256": e["sha256"], "bytes": e["size"]} for e in evidence]
    bundle = signed_bundle(result, signer.private, SIGNER_NAME, answers_part, files)
    folder = data_dir / "bundles"
    folder.mkdir(mode=0o700, exist_ok=True)
    path = folder / f"{hashlib.sha256(canonical(bundle)).hexdigest()}.json"
    write_bytes_atomic(path, (json.dumps(bundle, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    verified = verify_bundle(path, signer.trusted, None, checklist)
    result_id, _done = import_bundle(verified, store, "portal " + dt.date.today().isoformat())
    p = portal_submissions.c
    with store.write("submit for review") as conn:
        submission_id = int(conn.execute(sa.select(submissions.c.id).where(
            submissions.c.bundle_sha256 == verified.sha256)).scalar_one())
        superseded = conn.execute(portal_submissions.update().where(p.outlet_id == outlet_id, p.state == "waiting")
                                  .values(state="superseded", version=p.version + 1)).rowcount
        new_id = int(conn.execute(portal_submissions.insert().values(
            outlet_id=outlet_id, checklist_id=checklist.id, content_hash=checklist.content_hash,
            submission_id=submission_id, state="waiting", version=1,
            snapshot=json.dumps(snap, ensure_ascii=False, sort_keys=True),
            submitted_by=username, submitted_at=now_iso())).inserted_primary_key[0])  # type: ignore[index]
    return Submitted(new_id, submission_id, result_id, int(superseded or 0), path)


def outlet_submissions(store: Store, outlet_id: str) -> list[dict[str, Any]]:
    """The outlet's portal submissions, newest first (without their snapshots)."""
    p = portal_submissions.c
    with store.read("read submissions for review") as conn:
        rows = conn.execute(sa.select(p.id, p.state, p.version, p.submitted_by, p.submitted_at, p.reviewed_by,
                                      p.reviewed_at, p.submission_id)
                            .where(p.outlet_id == outlet_id).order_by(p.id.desc()))
        return [dict(r._mapping) for r in rows]
