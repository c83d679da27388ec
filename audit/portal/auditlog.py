"""The audit log: one appended row for every action in the portal and on `l3audit users`."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa

from audit.department.store import Store
from audit.department.store.schema import audit_log
from audit.department.store.store import now_iso


def record(store: Store, action: str, *, username: str = "", ip: str = "", target: str = "", status: int = 0,
           detail: dict[str, Any] | None = None) -> None:
    """Append one row (its own transaction, so a failed request is logged too)."""
    with store.write("write the audit log") as conn:
        conn.execute(audit_log.insert().values(
            at=now_iso(), username=username, ip=ip, action=action, target=target[:1000], status=status,
            detail=json.dumps(detail or {}, ensure_ascii=False, sort_keys=True)))


def entries(store: Store, limit: int = 200) -> list[dict[str, Any]]:
    """The latest rows, newest first."""
    with store.read("read the audit log") as conn:
        rows = conn.execute(sa.select(audit_log).order_by(audit_log.c.id.desc()).limit(limit))
        return [{**r._mapping, "detail": json.loads(r.detail)} for r in rows]
