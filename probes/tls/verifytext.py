"""cryptography's words for a chain that does not verify, as catalogue phrases (English unchanged).

`cryptography.x509.verification` raises `VerificationError("validation failed: <why> (encountered
processing <Certificate(subject=<Name(CN=...)>, ...)>)")`. The usual reasons are said in the report's
language, naming the certificate by its subject; any other reason is quoted as cryptography gave it.
"""

from __future__ import annotations

import re

from audit.phrases import said

FAILED = re.compile(r"validation failed: (?P<why>.+?)"
                    r"(?P<tail> \(encountered processing <Certificate\(subject=<Name\((?P<subject>[^\n]{0,300}?)\)>, \.\.\.\)>\))?")
EXTENSION = re.compile(r"invalid extension: (?P<oid>[0-9.]+): (?P<text>.+)")

REASONS = {
    "cert is not valid at validation time": "tls.verify.not_valid_now",
    "candidates exhausted: all candidates exhausted with no interior errors": "tls.verify.no_trusted_path",
    "basicConstraints.cA must not be asserted in an EE certificate": "tls.verify.leaf_is_ca",
    "certificate does not match subject": "tls.verify.subject_mismatch",
    "signature does not match": "tls.verify.bad_signature",
}
"""cryptography's reasons -> a phrase whose English is that reason (`{text}`)."""

EXTENSION_TEXTS = {
    "Certificate is missing required extension": "tls.verify.missing_extension",
    "duplicate extension": "tls.verify.duplicate_extension",
}


def verification_reason(text: str) -> str:
    """`text` (a `VerificationError`'s message) as a phrase with the same English; unchanged when unknown."""
    match = FAILED.fullmatch(text)
    if not match:
        return text
    why = _why(match.group("why"))
    tail, subject = match.group("tail") or "", match.group("subject")
    if subject is None:
        return said("tls.verify.failed", why=why, tail=tail)
    return said("tls.verify.failed_at", why=why, tail=tail, subject=subject)


def _why(text: str) -> str:
    key = REASONS.get(text)
    if key:
        return said(key, text=text)
    extension = EXTENSION.fullmatch(text)
    if extension:
        known = EXTENSION_TEXTS.get(extension.group("text"))
        if known:
            return said(known, oid=extension.group("oid"), text=extension.group("text"))
        return said("tls.verify.extension", oid=extension.group("oid"), text=said("net.verbatim", text=extension.group("text")))
    return said("net.verbatim", text=text)
