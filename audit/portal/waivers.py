"""Waivers granted in the portal: stored in `portal_waivers`, applied as the `Waiver`s of a waivers file.

A portal waiver names one outlet and one requirement of the catalogue in force, with a
justification, an approver and an expiry date that must lie in the future when it is granted. It
becomes an `audit.selfassess.waivers.Waiver` (id `portal-<n>`), so the merge treats it exactly as a
waiver from a file: it turns a failing or undecided requirement into `waived` until its expiry day
(inclusive), and after that stops applying and is listed as expired. A revoked waiver is kept (who
and when) but no longer applies.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from audit.catalogue.loader import Checklist
from audit.department.store import Store
from audit.department.store.schema import portal_waivers
from audit.department.store.store import now_iso
from audit.errors import AuditError
from audit.selfassess.waivers import Waiver, WaiverSet

MAX_DAYS = 3 * 366
"""The longest a waiver may run (three years): an exception is to be looked at again."""


class PortalWaiverError(AuditError):
    """A waiver cannot be granted or revoked as asked; `key` names the message to show."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True)
class PortalWaiver:
    """One `portal_waivers` row."""

    id: int
    outlet_id: str
    checklist_id: str
    requirement_id: str
    justification: str
    approver: str
    expires_at: str
    created_by: str
    created_at: str
    revoked_by: str | None
    revoked_at: str | None

    @property
    def expires(self) -> dt.date:
        """The last day it applies."""
        return dt.date.fromisoformat(self.expires_at[:10])

    def state(self, today: dt.date) -> str:
        """active | expired | revoked."""
        if self.revoked_at:
            return "revoked"
        return "expired" if today > self.expires else "active"

    def as_waiver(self) -> Waiver:
        """The same exception as the merge knows it from a waivers file."""
        return Waiver(f"portal-{self.id}", self.requirement_id, self.outlet_id, self.justification, self.approver,
                      dt.date.fromisoformat(self.created_at[:10]), self.expires)


def _row(r: sa.Row) -> PortalWaiver:
    return PortalWaiver(r.id, r.outlet_id, r.checklist_id, r.requirement_id, r.justification, r.approver,
                        r.expires_at, r.created_by, r.created_at, r.revoked_by, r.revoked_at)


def add_waiver(store: Store, checklist: Checklist, outlet_id: str, known_outlets: set[str], requirement_id: str,
               justification: str, approver: str, expires: dt.date | None, created_by: str,
               today: dt.date | None = None) -> PortalWaiver:
    """Grant a waiver after checking every field; PortalWaiverError names what is wrong."""
    today = today or dt.date.today()
    if outlet_id not in known_outlets:
        raise PortalWaiverError("portal.waivers.bad_outlet")
    if requirement_id not in {r.id for r in checklist.requirements}:
        raise PortalWaiverError("portal.waivers.bad_requirement")
    if not justification.strip():
        raise PortalWaiverError("portal.waivers.no_justification")
    if not approver.strip():
        raise PortalWaiverError("portal.waivers.no_approver")
    if expires is None or expires <= today:
        raise PortalWaiverError("portal.waivers.expiry_past")
    if (expires - today).days > MAX_DAYS:
        raise PortalWaiverError("portal.waivers.expiry_far")
    with store.write("grant a waiver") as conn:
        new_id = conn.execute(portal_waivers.insert().values(
            outlet_id=outlet_id, checklist_id=checklist.id, requirement_id=requirement_id,
            justification=justification.strip(), approver=approver.strip(), expires_at=expires.isoformat(),
            created_by=created_by, created_at=now_iso())).inserted_primary_key[0]  # type: ignore[index]
    found = get_waiver(store, int(new_id))
    assert found is not None
    return found


def get_waiver(store: Store, waiver_id: int) -> PortalWaiver | None:
    """One waiver, or None."""
    with store.read("read a waiver") as conn:
        row = conn.execute(sa.select(portal_waivers).where(portal_waivers.c.id == waiver_id)).first()
    return _row(row) if row else None


def list_waivers(store: Store, outlet_id: str | None = None) -> list[PortalWaiver]:
    """Every portal waiver (of one outlet), soonest expiry first."""
    c = portal_waivers.c
    query = sa.select(portal_waivers).order_by(c.expires_at, c.id)
    if outlet_id is not None:
        query = query.where(c.outlet_id == outlet_id)
    with store.read("list waivers") as conn:
        return [_row(r) for r in conn.execute(query)]


def revoke_waiver(store: Store, waiver_id: int, revoked_by: str) -> PortalWaiver:
    """End a waiver now; PortalWaiverError when there is no such waiver or it was revoked already."""
    c = portal_waivers.c
    with store.write("revoke a waiver") as conn:
        moved = conn.execute(portal_waivers.update().where(c.id == waiver_id, c.revoked_at.is_(None)).values(
            revoked_by=revoked_by, revoked_at=now_iso())).rowcount
    if moved != 1:
        raise PortalWaiverError("portal.waivers.not_found")
    found = get_waiver(store, waiver_id)
    assert found is not None
    return found


def waiver_set(store: Store, checklist: Checklist, outlet_id: str) -> WaiverSet:
    """The outlet's unrevoked waivers to this catalogue (expired ones included: the merge lists them as expired)."""
    return WaiverSet(tuple(w.as_waiver() for w in list_waivers(store, outlet_id)
                           if w.checklist_id == checklist.id and not w.revoked_at), "portal")
