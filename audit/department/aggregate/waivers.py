"""Waivers that expire soon, read from stored results (tolerant of results without waivers).

A waived requirement carries its waiver in the result (`requirements[].waiver`: id, expires,
approver, justification; see audit.selfassess.merge); `expired_waivers` lists those that stopped applying.
Results written before waivers existed simply have none. Dates that cannot be read are skipped,
never fatal: the dashboard must render whatever the database holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _waivers_of(requirement: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    found = []
    if isinstance(requirement.get("waiver"), Mapping):
        found.append(requirement["waiver"])
    found += [w for w in requirement.get("expired_waivers") or () if isinstance(w, Mapping)]
    return found


def expiring_waivers(documents: Iterable[Mapping[str, Any]], today: dt.date, within_days: int) -> list[dict[str, Any]]:
    """Waivers in these results expiring within `within_days` of `today` (or already expired), soonest first."""
    rows: dict[tuple[str, str, str], dict[str, Any]] = {}
    for doc in documents:
        outlet = doc.get("outlet", {})
        for req in doc.get("requirements", []):
            for waiver in _waivers_of(req):
                expires = _date(waiver.get("expires") or waiver.get("expires_at") or waiver.get("expiry"))
                if expires is None:
                    continue
                days_left = (expires - today).days
                if days_left > within_days:
                    continue
                key = (str(outlet.get("id", "")), str(req.get("requirement_id", "")), str(waiver.get("id", "")))
                rows[key] = {
                    "outlet_id": key[0], "outlet_name": str(outlet.get("name", key[0])), "requirement_id": key[1],
                    "waiver_id": key[2], "expires": expires.isoformat(), "days_left": days_left,
                    "expired": days_left < 0, "approver": str(waiver.get("approver", "")),
                }
    return sorted(rows.values(), key=lambda r: (r["days_left"], r["outlet_id"], r["requirement_id"]))
