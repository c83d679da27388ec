"""The alert register a person reads and signs off: `l3audit alerts list` and `l3audit alerts ack`.

Acknowledging records who saw an alert, when, and why (`acked_by`, `acked_at`, `ack_note`). It does
not close the alert: only a later result that measures the finding fixed does (`audit.alerts.state`),
so an acknowledged `.git` that is still readable stays on the list, marked as seen. An acknowledged
alert is not e-mailed any more (someone has it in hand); its webhook still goes, as a record.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from audit.department.store import schema
from audit.department.store.store import Store, now_iso


@dataclass(frozen=True)
class Alert:
    """One alert as stored, with its acknowledgement."""

    id: int
    outlet_id: str
    outlet_name: str
    finding: str
    detail: dict[str, Any]
    round_id: int
    opened_at: str
    fixed_at: str | None
    email_sent_at: str | None
    webhook_sent_at: str | None
    acked_at: str | None
    acked_by: str | None
    ack_note: str | None

    @property
    def state(self) -> str:
        """fixed (a result measured it gone), acked (open, seen by a person) or open."""
        return "fixed" if self.fixed_at else "acked" if self.acked_at else "open"


def _alert(row: Any) -> Alert:
    m = row._mapping
    values = {k: m[k] for k in Alert.__dataclass_fields__ if k != "detail"}
    return Alert(detail=json.loads(m["detail"]), **values)


def list_alerts(store: Store, outlet_id: str | None = None, include_fixed: bool = False) -> list[Alert]:
    """Alerts, oldest first; open ones only unless `include_fixed`."""
    a = schema.alerts.c
    query = sa.select(schema.alerts).order_by(a.id)
    if outlet_id:
        query = query.where(a.outlet_id == outlet_id)
    if not include_fixed:
        query = query.where(a.fixed_at.is_(None))
    with store.read("list alerts") as conn:
        return [_alert(r) for r in conn.execute(query)]


def get_alert(store: Store, alert_id: int) -> Alert | None:
    """One alert, or None when there is none with this id."""
    with store.read("read an alert") as conn:
        row = conn.execute(sa.select(schema.alerts).where(schema.alerts.c.id == alert_id)).first()
    return None if row is None else _alert(row)


def ack_alert(store: Store, alert_id: int, by: str, note: str) -> Alert | None:
    """Record an acknowledgement (a second one replaces the first); None when there is no such alert."""
    with store.write(f"acknowledge alert {alert_id}") as conn:
        changed = conn.execute(schema.alerts.update().where(schema.alerts.c.id == alert_id)
                               .values(acked_at=now_iso(), acked_by=by[:200], ack_note=note)).rowcount
    return get_alert(store, alert_id) if changed else None
