"""Schedules: which outlets to audit again, how often, against which checklist; and their firing.

A firing is a round (`rounds.source = 'schedule'`): one job per selected outlet, created in the same
transaction that moves the schedule's `next_at` on, so two workers ticking at once fire it once
(the update only succeeds for the one that still sees the old `next_at`). Time is passed in (`now`),
never read here, so tests fire schedules with an injected clock instead of waiting.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from audit.department.store import schema
from audit.department.store.store import Store
from audit.errors import ScheduleError
from audit.i18n import phrase
from audit.inventory import load_inventory
from audit.schedule.outlets import check_selectors, outlet_to_json, select_outlets

EVERY = ("day", "week", "month")


def parse_time(text: str) -> dt.datetime:
    """An ISO 8601 time (a bare date is midnight UTC; no zone means UTC)."""
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise ScheduleError(phrase("error.schedule.time", text=repr(text))) from exc
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def iso(value: dt.datetime) -> str:
    """UTC, ISO 8601 with seconds: sorts as text, the format the store uses."""
    return value.astimezone(dt.timezone.utc).isoformat(timespec="seconds")


def step(every: str, when: dt.datetime, day: int | None = None) -> dt.datetime:
    """One period after `when`; a month keeps `day` of the month (default `when`'s), or the month's last day."""
    if every == "day":
        return when + dt.timedelta(days=1)
    if every == "week":
        return when + dt.timedelta(weeks=1)
    year, month = (when.year + 1, 1) if when.month == 12 else (when.year, when.month + 1)
    return when.replace(year=year, month=month, day=min(day or when.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Schedule:
    """One schedule as stored."""

    id: int
    name: str
    every: str
    outlets: tuple[str, ...]
    inventory: str
    checklist: str
    options: dict[str, Any]
    next_at: str
    first_at: str
    last_round_id: int | None


def _schedule(row: Any) -> Schedule:
    return Schedule(id=row.id, name=row.name, every=row.every, outlets=tuple(json.loads(row.outlets)),
                    inventory=row.inventory, checklist=row.checklist, options=json.loads(row.options),
                    next_at=row.next_at, first_at=row.first_at, last_round_id=row.last_round_id)


def add_schedule(store: Store, name: str, every: str, outlets: Sequence[str], inventory: Path, checklist: str,
                 first_at: dt.datetime, options: dict[str, Any]) -> Schedule:
    """Record a schedule; the inventory and the selection are checked now, and again at each firing."""
    if every not in EVERY:
        raise ScheduleError(phrase("error.schedule.every", every=repr(every), allowed=", ".join(EVERY)))
    selectors = check_selectors(outlets)
    if not select_outlets(load_inventory(inventory), selectors):
        raise ScheduleError(phrase("error.schedule.no_outlet", selectors=" ".join(selectors), inventory=inventory))
    s = schema.schedules.c
    with store.write("add a schedule") as conn:
        if conn.execute(sa.select(s.id).where(s.name == name)).scalar() is not None:
            raise ScheduleError(phrase("error.schedule.exists", name=repr(name), plain=name))
        conn.execute(schema.schedules.insert().values(
            name=name, every=every, outlets=json.dumps(selectors), inventory=str(inventory.resolve()),
            checklist=checklist, options=json.dumps(options), next_at=iso(first_at), first_at=iso(first_at)))
    return next(x for x in list_schedules(store) if x.name == name)


def list_schedules(store: Store) -> list[Schedule]:
    """Every schedule, by name."""
    with store.read("list schedules") as conn:
        return [_schedule(r) for r in conn.execute(sa.select(schema.schedules).order_by(schema.schedules.c.name))]


def remove_schedule(store: Store, name: str) -> None:
    """Delete a schedule (its rounds, jobs and results stay)."""
    with store.write("remove a schedule") as conn:
        if conn.execute(schema.schedules.delete().where(schema.schedules.c.name == name)).rowcount == 0:
            raise ScheduleError(phrase("error.schedule.none", name=repr(name)))


def fire_due(store: Store, now: dt.datetime) -> list[int]:
    """Fire every schedule due at `now`: a new round with one pending job per outlet. Returns round ids.

    A schedule whose inventory cannot be read or selects nothing is skipped and tried again next
    period (it is not fired half). Missed periods (workers down for a week) fire once, not once each.
    """
    fired = []
    for item in list_schedules(store):
        due = parse_time(item.next_at)
        if due > now:
            continue
        following = due
        while following <= now:
            following = step(item.every, following, parse_time(item.first_at).day)
        try:
            outlets = select_outlets(load_inventory(Path(item.inventory)), list(item.outlets))
        except Exception:  # noqa: BLE001 - a broken inventory must not stop the other schedules
            outlets = []
        round_id = _fire(store, item, iso(due), iso(following), outlets, now)
        if round_id is not None:
            fired.append(round_id)
    return fired


def _fire(store: Store, item: Schedule, due: str, following: str, outlets: Sequence[Any],
          now: dt.datetime) -> int | None:
    s = schema.schedules.c
    with store.write(f"fire schedule {item.name}") as conn:
        moved = conn.execute(schema.schedules.update().where(s.id == item.id, s.next_at == item.next_at)
                             .values(next_at=following)).rowcount
        if moved == 0 or not outlets:
            return None  # another worker fired it first, or nothing to audit this time
        round_id = int(conn.execute(schema.rounds.insert().values(
            label=f"{item.name} {due}", source="schedule", started_at=iso(now))).inserted_primary_key[0])  # type: ignore[index]
        conn.execute(schema.schedules.update().where(s.id == item.id).values(last_round_id=round_id))
        stamp = iso(now)
        conn.execute(schema.jobs.insert(), [{
            "round_id": round_id, "schedule_id": item.id, "outlet_id": o.id, "outlet": outlet_to_json(o),
            "checklist": item.checklist, "options": json.dumps(item.options), "status": "pending",
            "attempts": 0, "created_at": stamp, "updated_at": stamp} for o in outlets])
        return round_id
