"""Reviewer decisions: a file of their own, signed with a reviewer's key, checked wherever applied.

An outlet's answers file never carries decisions (an outlet cannot approve itself). A reviewer
writes them with `l3audit self-assess review`, into a signed JSON document (`audit.department.signing`,
the code bundles use) whose payload is:

```json
{"schema": "l3audit/reviews/v1", "outlet": "bao-mau",
 "checklist": {"id": "l3-starter", "version": "...", "content_hash": "sha256:..."},
 "answers": {"name": "answers.yaml", "sha256": "hex of the answers file's bytes"},
 "decisions": {"POL-01": {"decision": "accepted", "reason": null, "reviewer": "Cục Báo chí",
                          "reviewed_at": "2026-11-20T09:00:00+00:00"}},
 "signed_at": "...", "signer": {"key_id": "...", "name": "..."}}
```

`scan` and `run` apply it (`--reviews FILE --trusted-keys FILE`) only after checking, in order: the
signature, that the signer's trusted-keys entry has `role: reviewer` and may sign for the outlet,
the catalogue pin, that the outlet is the audited one, and that the answers file is byte for byte
the one reviewed. A decision then becomes the answer's `Review`, which `audit.selfassess.merge`
counts exactly as the portal's officer decisions (`audit.portal.submissions.reviewed_answers`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from audit.catalogue.loader import Checklist
from audit.department.keys import TrustedKey, key_id
from audit.department.signing import open_document, sign_document
from audit.errors import AuditError
from audit.i18n import phrase, said_by
from audit.selfassess.answers import AnswerSet, Decision, Review
from audit.selfassess.dates import DateError, iso_date
from audit.yamlfile import schema_message

FORMAT = "l3audit/reviews/v1"
REVIEW_ROLES = ("reviewer",)
"""Roles of trusted keys that may sign reviews files."""
MADE_BY = "l3audit self-assess review"


class ReviewsError(AuditError):
    """A reviews file cannot be trusted or does not fit the answers and audit it is applied to."""


def reviews_schema() -> dict[str, Any]:
    """The JSON Schema of a reviews file's payload."""
    return dict(json.loads((resources.files("audit") / "schemas" / "reviews.schema.json").read_text("utf-8")))


@dataclass(frozen=True)
class Reviews:
    """The decisions of one verified reviews file."""

    path: str
    signer: TrustedKey
    outlet: str | None
    checklist: Mapping[str, str]
    answers_name: str
    answers_sha256: str
    decisions: Mapping[str, Review]


def review_payload(answer_set: AnswerSet, decisions: Mapping[str, Review], kid: str, signer_name: str) -> dict[str, Any]:
    """The payload a reviewer signs: the answers' pin and digest, and the decisions."""
    return {
        "schema": FORMAT,
        "outlet": answer_set.outlet,
        "checklist": {"id": answer_set.checklist_id, "version": answer_set.checklist_version,
                      "content_hash": answer_set.content_hash},
        "answers": {"name": Path(answer_set.path).name, "sha256": answer_set.sha256},
        "decisions": {rid: review.to_dict() for rid, review in sorted(decisions.items())},
        "signed_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "signer": {"key_id": kid, "name": signer_name},
    }


def sign_reviews(answer_set: AnswerSet, decisions: Mapping[str, Review], private: Ed25519PrivateKey,
                 signer_name: str) -> dict[str, Any]:
    """The signed reviews document for decisions on `answer_set` (as loaded from its file)."""
    if not answer_set.sha256:
        raise ReviewsError(phrase("error.reviews.not_from_file"))
    for rid, review in decisions.items():
        if answer_set.get(rid) is None:
            raise ReviewsError(phrase("error.reviews.no_answer", path=answer_set.path, id=rid))
        if review.decision is Decision.REJECTED and not review.reason:
            raise ReviewsError(phrase("error.reviews.rejection_reason", id=rid))
    payload = review_payload(answer_set, decisions, key_id(private.public_key()), signer_name)
    return sign_document(FORMAT, payload, private)


def read_reviews(path: Path, trusted: Mapping[str, TrustedKey], checklist: Checklist) -> Reviews:
    """Verify a reviews file (signature, reviewer role, catalogue pin) and return its decisions."""
    document = open_document(path, trusted, FORMAT, "reviews file", REVIEW_ROLES, ReviewsError, MADE_BY)
    payload, signer = document.payload, document.signer
    errors = sorted(jsonschema.Draft202012Validator(reviews_schema()).iter_errors(payload), key=lambda e: list(e.path))
    if errors:
        problems = [phrase("error.reviews.schema_item", where="/".join(str(p) for p in e.path) or phrase("error.reviews.top"),
                           problem=schema_message(e)) for e in errors[:10]]
        raise ReviewsError(phrase("error.reviews.invalid", path=path, problems=problems, made_by=MADE_BY))
    pin = payload["checklist"]
    if (pin["id"], pin["version"], pin["content_hash"]) != (checklist.id, checklist.version, checklist.content_hash):
        raise ReviewsError(phrase("error.reviews.other_checklist", path=path, id=pin["id"], version=pin["version"],
                                  used=checklist.id, used_version=checklist.version))
    outlet = payload["outlet"]
    if not signer.may_submit_for(outlet if outlet is not None else "*"):
        raise ReviewsError(phrase("error.reviews.not_allowed", path=path, key=signer.id, name=signer.name,
                                  outlet=repr(outlet) if outlet else phrase("reviews.any_outlet")))
    decisions: dict[str, Review] = {}
    for rid, raw in payload["decisions"].items():
        try:
            reviewed_at = iso_date(raw["reviewed_at"])
        except DateError as exc:
            raise ReviewsError(phrase("error.reviews.reviewed_at", path=path, id=rid, field="reviewed_at", problem=exc.phrase)) from None
        review = Review(Decision(raw["decision"]), raw["reviewer"], reviewed_at, (raw.get("reason") or "").strip())
        if review.decision is Decision.REJECTED and not review.reason:
            raise ReviewsError(phrase("error.reviews.rejected_no_reason", path=path, id=rid))
        decisions[rid] = review
    return Reviews(str(path), signer, outlet, pin, payload["answers"]["name"], payload["answers"]["sha256"], decisions)


def own_decisions(path: Path, private: Ed25519PrivateKey, checklist: Checklist) -> Reviews:
    """The decisions of an earlier reviews file signed with this same key (to add decisions to it)."""
    public = private.public_key()
    kid = key_id(public)
    me = TrustedKey(kid, "", public, ("*",), REVIEW_ROLES[0])
    try:
        return read_reviews(path, {kid: me}, checklist)
    except ReviewsError as exc:
        raise ReviewsError(phrase("error.reviews.other_key", problem=said_by(exc))) from exc


def apply_reviews(answer_set: AnswerSet, reviews: Reviews) -> AnswerSet:
    """The answers with the reviews' decisions as their `Review`s; refused when the answers are not the reviewed ones."""
    if reviews.outlet != answer_set.outlet:
        raise ReviewsError(phrase("error.reviews.answers_other_outlet", path=reviews.path,
                                  outlet=reviews.outlet or phrase("reviews.no_outlet"), answers=answer_set.path,
                                  answers_outlet=answer_set.outlet or phrase("reviews.no_outlet")))
    if reviews.answers_sha256 != answer_set.sha256:
        raise ReviewsError(phrase("error.reviews.answers_changed", path=reviews.path, name=reviews.answers_name,
                                  reviewed=reviews.answers_sha256[:12], answers=answer_set.path,
                                  found=answer_set.sha256[:12]))
    for rid, review in reviews.decisions.items():
        answer = answer_set.get(rid)
        if answer is None:
            raise ReviewsError(phrase("error.reviews.unanswered", path=reviews.path, id=rid, answers=answer_set.path,
                                      made_by=MADE_BY))
        answer_set = answer_set.with_answer(replace(answer, review=review))
    return answer_set
