"""What in a result deserves an alert, and what a result shows to be fixed.

Four kinds (TCVN 14423 5.14, 5.15 continuous monitoring): a failed requirement, a certificate that
expires within N days, an exposure (a readable `.git`, `.env`, backup ...), and an outlet that
stopped answering. A finding is fixed only by a measurement: a requirement now `error` or a probe
that could not run neither raises nor clears anything (what was not measured is never pass or fail).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CLEARING_STATUSES = ("pass", "not_applicable", "waived")


@dataclass
class Findings:
    """Findings present in one result (key -> detail), and the scopes it measured."""

    present: dict[str, dict[str, Any]] = field(default_factory=dict)
    measured: set[str] = field(default_factory=set)

    def clears(self, key: str) -> bool:
        """True when this result measured the finding's scope and did not find it."""
        return key not in self.present and scope_of(key) in self.measured


def scope_of(key: str) -> str:
    """`kind|target` of a finding key `kind|target|item`: what must be measured to clear it."""
    kind, target, _ = key.split("|", 2)
    return f"{kind}|{target}"


def findings_of(data: dict[str, Any], expiry_days: int) -> Findings:
    """The findings of one result document."""
    found = Findings(measured={"down|"})
    for req in data.get("requirements", []):
        rid, status = req["requirement_id"], req["status"]
        if status == "fail":
            found.present[f"fail|{rid}|"] = {"kind": "new_failure", "requirement": rid}
        if status in ("fail", *CLEARING_STATUSES):
            found.measured.add(f"fail|{rid}")
    attempts = data.get("probe_attempts", [])
    for attempt in attempts:
        if attempt.get("status") != "completed":
            continue
        target, facts = attempt["target"], attempt.get("facts") or {}
        if attempt["probe"] == "tls":
            found.measured.add(f"cert|{target}")
            days = facts.get("tls.certificate.days_until_expiry")
            if isinstance(days, int) and days <= expiry_days:
                found.present[f"cert|{target}|"] = {"kind": "cert_expiring", "site": target, "days": days}
        if attempt["probe"] == "exposure":
            found.measured.add(f"exposure|{target}")
            for item in facts.get("exposure.findings") or []:
                found.present[f"exposure|{target}|{item.get('id')}:{item.get('path')}"] = {
                    "kind": "new_exposure", "site": target, "path": item.get("path"),
                    "title": item.get("title") if isinstance(item.get("title"), dict) else {}}
    if attempts and all(a.get("status") != "completed" for a in attempts):
        found.present["down||"] = _down(attempts)
    return found


def _down(attempts: list[dict[str, Any]]) -> dict[str, Any]:
    """The outlet_down detail: the first stored error reason (English, as always) and its phrase, if kept.

    The phrase (`audit.phrases`, the attempt's `phrases` entry for that reason) lets the e-mail and
    the webhook say the reason in each language when they are sent.
    """
    failed = next((a for a in attempts if a.get("error_reason")), None)
    if failed is None:
        return {"kind": "outlet_down", "reason": ""}
    reason = str(failed["error_reason"])
    phrases = failed.get("phrases")
    stored = phrases.get(reason) if isinstance(phrases, dict) else None
    return {"kind": "outlet_down", "reason": reason, **({"reason_phrase": stored} if isinstance(stored, dict) else {})}
