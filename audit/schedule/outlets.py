"""Outlets in a job: chosen from an inventory by a selector, and carried as JSON in the job row.

A job keeps the outlet as the inventory described it when the schedule fired, so a worker on another
machine needs no copy of the inventory, and editing the inventory changes the next round, not the
jobs already queued.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from audit.errors import ScheduleError
from audit.i18n import phrase
from audit.models import Contact, Outlet
from audit.targets import parse_target


def check_selectors(selectors: Sequence[str]) -> list[str]:
    """The `--outlets` values, checked: `all`, `tag:NAME` or outlet ids (not `all` with others)."""
    chosen = [s.strip() for item in selectors for s in item.split(",") if s.strip()]
    if not chosen:
        raise ScheduleError(phrase("error.outlets.empty"))
    if "all" in chosen and len(chosen) > 1:
        raise ScheduleError(phrase("error.outlets.all_alone"))
    for item in chosen:
        if item.startswith("tag:") and not item[4:]:
            raise ScheduleError(phrase("error.outlets.tag"))
    return chosen


def select_outlets(outlets: Sequence[Outlet], selectors: Sequence[str]) -> list[Outlet]:
    """The outlets a schedule's selectors name, in inventory order; an unknown id is an error."""
    if list(selectors) == ["all"]:
        return list(outlets)
    ids = {o.id for o in outlets}
    missing = [s for s in selectors if not s.startswith("tag:") and s not in ids]
    if missing:
        raise ScheduleError(phrase("error.outlets.unknown", ids=", ".join(missing)))
    tags = {s[4:] for s in selectors if s.startswith("tag:")}
    return [o for o in outlets if o.id in selectors or tags & set(o.tags)]


def outlet_to_json(outlet: Outlet) -> str:
    """The outlet as a job carries it."""
    return json.dumps({
        "id": outlet.id, "name": outlet.name, "tags": list(outlet.tags), "settings": dict(outlet.settings),
        "contact": {"name": outlet.contact.name, "email": outlet.contact.email, "phone": outlet.contact.phone},
        "sites": [{"url": s.url, "address": s.address, "http_port": s.http_port} for s in outlet.sites],
    }, ensure_ascii=False)


def outlet_from_json(text: str) -> Outlet:
    """The outlet a job carries, rebuilt (its sites parsed again, so a bad row fails loudly)."""
    data: dict[str, Any] = json.loads(text)
    return Outlet(
        id=data["id"], name=data["name"], tags=tuple(data["tags"]), settings=dict(data["settings"]),
        contact=Contact(**data["contact"]),
        sites=tuple(parse_target(s["url"], address=s["address"], http_port=s["http_port"]) for s in data["sites"]),
    )
