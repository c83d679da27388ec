"""DMARC (RFC 7489): the policy record at `_dmarc.<domain>`, or at the organizational domain's.

Tags are parsed per section 6.3 (`tag=value` separated by `;`); the record must begin with
`v=DMARC1` and carry `p`. A missing `pct` means 100, a missing `sp` means `p` (section 6.3).
"""

from __future__ import annotations

from typing import Any

POLICIES = ("none", "quarantine", "reject")


def dmarc_records(txts: list[str]) -> list[str]:
    """The TXT strings that are DMARC records."""
    return [t for t in txts if t.replace(" ", "").lower().startswith("v=dmarc1")]


def parse_dmarc(record: str) -> dict[str, Any]:
    """The `mail.dmarc.*` facts of one record (without `present` and `found_at`)."""
    tags: dict[str, str] = {}
    for part in record.split(";"):
        key, sep, value = part.partition("=")
        if sep:
            tags.setdefault(key.strip().lower(), value.strip())
    policy = tags.get("p", "").lower()
    errors = []
    if tags.get("v") != "DMARC1":
        errors.append("the record must begin with v=DMARC1")
    if policy not in POLICIES:
        errors.append(f"p must be one of {', '.join(POLICIES)}" if policy else "p is missing")
    pct_text = tags.get("pct", "100")
    pct = int(pct_text) if pct_text.isdigit() and int(pct_text) <= 100 else None
    if pct is None:
        errors.append(f"pct '{pct_text[:20]}' is not 0-100")
    subdomain = tags.get("sp", policy).lower()
    return {
        "mail.dmarc.valid": not errors,
        "mail.dmarc.errors": errors,
        "mail.dmarc.policy": policy,
        "mail.dmarc.subdomain_policy": subdomain,
        "mail.dmarc.pct": pct if pct is not None else 0,
        "mail.dmarc.rua": [u.strip() for u in tags.get("rua", "").split(",") if u.strip()],
        "mail.dmarc.ruf": [u.strip() for u in tags.get("ruf", "").split(",") if u.strip()],
        "mail.dmarc.record": record,
    }
