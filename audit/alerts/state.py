"""Open and fixed alerts: one alert per finding until a later result shows it fixed.

`record_findings` runs inside the transaction that stores a job's result (`audit.schedule.jobs`), so
an alert exists exactly when the result that raised it is stored, and a job stored once alerts once.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa

from audit.alerts.findings import findings_of
from audit.department.store import schema
from audit.department.store.store import now_iso


def record_findings(conn: sa.Connection, data: dict[str, Any], round_id: int, expiry_days: int) -> list[int]:
    """Open alerts for new findings of this result, close the ones it shows fixed. Returns new alert ids."""
    a = schema.alerts.c
    outlet = data["outlet"]
    found = findings_of(data, expiry_days)
    open_rows = {row.finding: row.id for row in conn.execute(
        sa.select(a.id, a.finding).where(a.outlet_id == outlet["id"], a.fixed_at.is_(None)))}
    stamp = now_iso()
    for finding, alert_id in open_rows.items():
        if found.clears(finding):
            conn.execute(schema.alerts.update().where(a.id == alert_id).values(fixed_at=stamp))
    created = []
    for finding, detail in found.present.items():
        if finding in open_rows:
            continue  # already alerted; stays open, no second alert
        created.append(int(conn.execute(schema.alerts.insert().values(
            outlet_id=outlet["id"], outlet_name=outlet.get("name", outlet["id"]),
            contact_email=(outlet.get("contact") or {}).get("email", ""), finding=finding,
            detail=json.dumps(detail, ensure_ascii=False), round_id=round_id,
            opened_at=stamp)).inserted_primary_key[0]))  # type: ignore[index]
    return created
