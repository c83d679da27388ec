"""Signed JSON documents: one Ed25519 signer and one verifier for bundles and reviews files.

A signed document is `{"format": ..., "payload": {...}, "signature": {"algorithm": "ed25519",
"key_id": ..., "value": base64}}`; the signature covers the canonical JSON of `payload` (sorted
keys, no spaces, UTF-8), so any change to the payload breaks it. Bundles (`audit.department.bundle`,
signed by an outlet) and reviews files (`audit.selfassess.reviews`, signed by a reviewer) share this
code, so there is one way to sign and one way to check, and the signer's role in the trusted-keys
file decides which documents it may sign.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from audit.department.keys import TrustedKey, key_id
from audit.errors import AuditError, Text
from audit.i18n import phrase
from audit.userfiles.jsonfile import load_json_file


def canonical(data: Any) -> bytes:
    """The bytes a signature covers."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sign_document(format_id: str, payload: Mapping[str, Any], private: Ed25519PrivateKey) -> dict[str, Any]:
    """The signed document of `payload` (format, payload, signature)."""
    kid = key_id(private.public_key())
    signature = base64.b64encode(private.sign(canonical(payload))).decode()
    return {"format": format_id, "payload": dict(payload),
            "signature": {"algorithm": "ed25519", "key_id": kid, "value": signature}}


@dataclass(frozen=True)
class SignedDocument:
    """A document whose signature was checked against a trusted key of an allowed role."""

    signer: TrustedKey
    payload: dict[str, Any]
    sha256: str
    """Hex SHA-256 of the file's bytes (the identity of this very file)."""


def open_document(path: Path, trusted: Mapping[str, TrustedKey], format_id: str, what: str,
                  roles: Collection[str], error: Callable[[Text], AuditError],
                  made_by: str) -> SignedDocument:
    """Read a signed document and check format, signer, role and signature; `error(message)` for refusals.

    `what` names the document in messages ('bundle', 'reviews file'), `made_by` the command that makes it.
    """
    def refuse(message: Text, hint: Text) -> AuditError:
        return error(phrase("error.in_file.hint", path=path, message=message,
                            hint=hint or phrase("error.bundle.send_again")))

    document, raw = load_json_file(path, refuse)
    kind = phrase(f"signed.kind.{what.replace(' ', '_')}")
    if not isinstance(document, dict) or document.get("format") != format_id:
        raise error(phrase("error.signed.not_document", path=path, what=kind, made_by=made_by, format=format_id))
    sig, payload = document.get("signature"), document.get("payload")
    if not isinstance(sig, dict) or not isinstance(payload, dict) or sig.get("algorithm") != "ed25519":
        raise error(phrase("error.signed.unsigned", path=path, what=kind))
    signer = trusted.get(str(sig.get("key_id")))
    if signer is None:
        raise error(phrase("error.bundle.unknown_key", path=path, kid=repr(sig.get("key_id"))))
    try:
        signature = base64.b64decode(str(sig.get("value")), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise error(phrase("error.bundle.not_base64", path=path)) from exc
    if not signer.verify(signature, canonical(payload)):
        raise error(phrase("error.signed.tampered", path=path, what=kind, signer=signer.id, name=signer.name))
    if signer.role not in roles:
        raise error(phrase("error.signed.role", path=path, signer=signer.id, name=signer.name, role=signer.role,
                           what=kind, roles=_either(sorted(roles))))
    return SignedDocument(signer, payload, hashlib.sha256(raw).hexdigest())


def _either(roles: list[str]) -> Text:
    """'a' or 'b' in the message's language (one role: itself, quoted)."""
    if len(roles) == 2:
        return phrase("signed.roles.either", a=roles[0], b=roles[1])
    return ", ".join(repr(r) for r in roles)
