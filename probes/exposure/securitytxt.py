"""security.txt (RFC 9116): parse the file and say whether it meets the RFC's MUSTs (pure code).

TCVN 14423 N3-DEV-05 asks for a channel through which outsiders can report vulnerabilities;
`/.well-known/security.txt` with a valid Expires is the standard remote evidence of one.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

WELL_KNOWN_PATH = "/.well-known/security.txt"
LEGACY_PATH = "/security.txt"
"""RFC 9116 section 3: a file at the top level is allowed for legacy compatibility."""

_FIELD = re.compile(r"^([A-Za-z][A-Za-z0-9-]*)\s*:\s*(.*?)\s*$")


@dataclass(frozen=True)
class SecurityTxt:
    """What a security.txt says, and which of RFC 9116's requirements it breaks."""

    contacts: tuple[str, ...]
    expires: dt.datetime | None
    problems: tuple[str, ...]
    """Problem codes: missing-contact, bad-contact, missing-expires, multiple-expires, bad-expires,
    expired, not-https, not-text-plain."""
    fields: dict[str, list[str]] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        """Whether every MUST of RFC 9116 that can be checked remotely holds."""
        return not self.problems


def _parse_expires(value: str) -> dt.datetime | None:
    """An RFC 3339 date-time (RFC 9116 section 2.5.5), e.g. 2026-12-31T23:59:00.000Z."""
    text = value.strip()
    if not re.match(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$", text):
        return None
    text = text.replace("z", "Z").replace("Z", "+00:00")
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return None


def parse_security_txt(text: str, *, https: bool, content_type: str, now: dt.datetime) -> SecurityTxt:
    """Parse the body of a security.txt served over `https` with `content_type`, judged at `now`."""
    fields: dict[str, list[str]] = {}
    for raw in text.splitlines():
        line = raw.strip()
        # Comments (section 2.3) and an OpenPGP cleartext signature's armour (section 2.3) are skipped.
        if not line or line.startswith("#") or line.startswith("-----") or line.startswith("Hash:"):
            continue
        match = _FIELD.match(line)
        if match:
            fields.setdefault(match.group(1).lower(), []).append(match.group(2))
    problems: list[str] = []
    contacts = tuple(fields.get("contact", []))
    if not contacts:
        problems.append("missing-contact")  # section 2.5.3: Contact MUST always be present
    elif any(not re.match(r"^(mailto:|tel:|https://)\S+$", c, re.I) for c in contacts):
        problems.append("bad-contact")  # section 2.5.3: a URI; a web URI MUST begin with https://
    expires_values = fields.get("expires", [])
    expires = _parse_expires(expires_values[0]) if len(expires_values) == 1 else None
    if not expires_values:
        problems.append("missing-expires")  # section 2.5.5: Expires MUST always be present
    elif len(expires_values) > 1:
        problems.append("multiple-expires")  # section 2.5.5: MUST NOT appear more than once
    elif expires is None:
        problems.append("bad-expires")
    elif expires <= now:
        problems.append("expired")  # section 2.5.5: an expired file should not be used
    if not https:
        problems.append("not-https")  # section 3: the file MUST be accessed via HTTPS
    if content_type.split(";")[0].strip().lower() != "text/plain":
        problems.append("not-text-plain")  # section 3: MUST have Content-Type text/plain
    return SecurityTxt(contacts, expires, tuple(problems), fields)


def security_txt_facts(found: SecurityTxt | None, url: str, now: dt.datetime) -> dict[str, Any]:
    """The `exposure.security_txt.*` facts; `found` is None when no file was served."""
    if found is None:
        return {"exposure.security_txt.present": False, "exposure.security_txt.valid": False}
    facts: dict[str, Any] = {
        "exposure.security_txt.present": True,
        "exposure.security_txt.valid": found.valid,
        "exposure.security_txt.url": url,
        "exposure.security_txt.https": "not-https" not in found.problems,
        "exposure.security_txt.contact": list(found.contacts),
        "exposure.security_txt.problems": list(found.problems),
        "exposure.security_txt.expired": "expired" in found.problems,
    }
    if found.expires is not None:
        facts["exposure.security_txt.expires"] = found.expires.isoformat()
        facts["exposure.security_txt.days_until_expiry"] = (found.expires - now).days
    return facts
