"""Signed submissions: a result, its self-assessment answers and its evidence hashes, signed with Ed25519.

A bundle is one JSON file:

```json
{"format": "l3audit/bundle/v1",
 "payload": {"result": {...}, "answers": {"name": "answers.yaml", "sha256": "...", "content": "..."} | null,
             "evidence": [{"name": "scan.pdf", "sha256": "...", "bytes": 1234}],
             "signed_at": "2026-11-26T10:00:00+00:00", "signer": {"key_id": "...", "name": "..."}},
 "signature": {"algorithm": "ed25519", "key_id": "...", "value": "base64"}}
```

The signature covers the canonical JSON of `payload` (sorted keys, no spaces, UTF-8), so any change
to the result, the answers, the evidence list or the signer breaks it (`audit.department.signing`,
shared with reviewers' files). The signer's trusted-keys role must be outlet or department. `verify_bundle` checks, in
order: complete JSON, format, known signer, signature, a valid result, and that the signer may
submit for that outlet (and, given an inventory, that the outlet is known), and that the result's
summary follows from its own statuses (re-judged, `audit.department.rejudge`). Only then is anything
stored, and storing is idempotent (a result already stored is not stored again).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from audit.catalogue.loader import Checklist
from audit.department.rejudge import summary_differences
from audit.errors import AuditError, ResultError
from audit.i18n import phrase, said_by
from audit.phrases import joined
from audit.department.keys import TrustedKey, key_id, load_private_key
from audit.department.signing import canonical as canonical  # re-exported: the portal names bundle files by it
from audit.department.signing import open_document, sign_document
from audit.result import SCHEMA_VERSION, load_result, result_schema, write_json_atomic
from audit.department.store.store import Store

FORMAT = "l3audit/bundle/v1"
BUNDLE_ROLES = ("outlet", "department")
"""Roles of trusted keys that may sign bundles (a reviewer's key signs decisions, not results)."""


class BundleError(AuditError):
    """A bundle cannot be trusted or used: truncated, tampered, unknown signer, unknown outlet."""


def _file_hash(path: Path) -> dict[str, Any]:
    """Name, SHA-256 and size of one evidence file, within the evidence size limit (`limits.MAX_EVIDENCE_BYTES`)."""
    from audit.selfassess.answers import EvidenceTooLargeError, sha256_file

    try:
        return {"name": path.name, "sha256": sha256_file(path), "bytes": path.stat().st_size}
    except EvidenceTooLargeError as exc:
        raise BundleError(phrase("error.bundle.too_large", path=path, error=said_by(exc))) from exc
    except OSError as exc:
        raise BundleError(phrase("error.bundle.evidence", path=path, error=exc.strerror or exc)) from exc


def sign_bundle(result_path: Path, key_path: Path, out: Path, signer_name: str = "",
                answers: Path | None = None, evidence: Collection[Path] = ()) -> str:
    """Pack and sign a result file (plus answers and evidence hashes) into `out`; return the key id."""
    result = load_result(result_path)
    private = load_private_key(key_path)
    kid = key_id(private.public_key())
    answers_part = None
    if answers is not None:
        try:
            content = answers.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise BundleError(phrase("error.bundle.answers", path=answers, error=exc)) from exc
        answers_part = {"name": answers.name, "sha256": hashlib.sha256(content.encode()).hexdigest(), "content": content}
    write_json_atomic(out, signed_bundle(result, private, signer_name or key_path.stem, answers_part,
                                         [_file_hash(p) for p in evidence]))
    return kid


def signed_bundle(result: dict[str, Any], private: Ed25519PrivateKey, signer_name: str,
                  answers: dict[str, Any] | None = None, evidence: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    """The bundle document (format, payload, signature) of a result already in memory.

    `answers` is {name, sha256, content} of an answers file, `evidence` a list of {name, sha256, bytes};
    `sign_bundle` (files on disk) and the portal (answers in the store, audit.portal.submit) share it.
    """
    payload = {
        "result": result,
        "answers": answers,
        "evidence": list(evidence),
        "signed_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "signer": {"key_id": key_id(private.public_key()), "name": signer_name},
    }
    return sign_document(FORMAT, payload, private)


@dataclass(frozen=True)
class VerifiedBundle:
    """A bundle whose signature and signer were checked."""

    path: Path
    signer: TrustedKey
    payload: dict[str, Any]
    sha256: str

    @property
    def result(self) -> dict[str, Any]:
        """The signed result document."""
        return self.payload["result"]  # type: ignore[no-any-return]


def verify_bundle(path: Path, trusted: dict[str, TrustedKey], known_outlets: Collection[str] | None = None,
                  checklist: Checklist | None = None) -> VerifiedBundle:
    """Check a bundle completely before anything is stored; BundleError says what is wrong.

    The result is re-judged (`audit.department.rejudge`): a summary that does not follow from its
    statuses is refused, with `checklist` used when the result was judged against it.
    """
    document = open_document(path, trusted, FORMAT, "bundle", BUNDLE_ROLES, BundleError, "l3audit bundle sign")
    signer, payload = document.signer, document.payload
    result = payload.get("result")
    try:
        if not isinstance(result, dict) or result.get("schema_version") != SCHEMA_VERSION:
            raise BundleError(phrase("error.bundle.version", path=path, supported=SCHEMA_VERSION,
                                        version=repr(result.get("schema_version") if isinstance(result, dict) else None)))
        jsonschema.validate(result, result_schema())
    except jsonschema.ValidationError as exc:
        raise BundleError(phrase("error.bundle.invalid", path=path, problem=exc.message)) from exc
    try:
        differences = summary_differences(result, checklist)
    except ResultError as exc:
        raise BundleError(phrase("error.bundle.rejudge", path=path, error=said_by(exc))) from exc
    if differences:
        raise BundleError(phrase("error.bundle.contradicts", path=path, differences=joined(differences)))
    outlet_id = result["outlet"]["id"]
    if known_outlets is not None and outlet_id not in known_outlets:
        raise BundleError(phrase("error.bundle.unknown_outlet", path=path, outlet=repr(outlet_id)))
    if not signer.may_submit_for(outlet_id):
        raise BundleError(phrase("error.bundle.not_allowed", path=path, signer=signer.id, name=signer.name,
                                 outlet=repr(outlet_id)))
    return VerifiedBundle(path, signer, payload, document.sha256)


IMPORTED, NEW_SUBMISSION, ALREADY_STORED = "imported", "new submission", "already stored"
"""What `import_bundle` did: stored the result, kept a new submission of a stored one, or nothing."""


def import_bundle(bundle: VerifiedBundle, store: Store, round_label: str | None = None) -> tuple[int, str]:
    """Store a verified bundle's result and submission; returns (result id, what was done).

    A result already stored (by `run`, or by another bundle) still gets this bundle's submission;
    the very same bundle imported twice stores nothing the second time.
    """
    label = round_label or "import " + dt.date.today().isoformat()
    round_id = store.round_by_label(label, "import")
    attachments = {"answers": bundle.payload.get("answers"), "evidence": bundle.payload.get("evidence", [])}
    submission = {
        "bundle_sha256": bundle.sha256, "key_id": bundle.signer.id,
        "signer_name": str(bundle.payload.get("signer", {}).get("name", bundle.signer.name)),
        "signed_at": str(bundle.payload.get("signed_at", "")),
        "attachments": json.dumps(attachments, ensure_ascii=False),
    }
    result_id, created = store.add_result(bundle.result, round_id, signer=bundle.signer.id, submission=submission)
    if created:
        return result_id, IMPORTED
    return result_id, NEW_SUBMISSION if store.add_submission(result_id, submission) else ALREADY_STORED
