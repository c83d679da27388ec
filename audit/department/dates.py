"""Dates of the department's views: filters as a person writes them, times as a person reads them.

Times are stored in UTC. Filters (`--since`, `--until`) are calendar days in the department's time
zone (Asia/Ho_Chi_Minh by default, `L3AUDIT_TZ` to change it), written `YYYY-MM-DD` or `dd/mm/yyyy`:
an audit at 02:12 on 2 December in Hà Nội (19:12 UTC on 1 December) is on 2 December. Anything else
(`2026-13-01`, `hom-qua`, a window that ends before it starts) is refused with a hint.
"""

from __future__ import annotations

import datetime as dt
import os
import zoneinfo

from audit.errors import AuditError
from audit.i18n import phrase

TZ_ENV = "L3AUDIT_TZ"
DEFAULT_TZ = "Asia/Ho_Chi_Minh"


class DateFilterError(AuditError):
    """A date filter that names no day, or a window that ends before it starts."""


def display_zone() -> zoneinfo.ZoneInfo:
    """The zone times are shown and filtered in (`L3AUDIT_TZ`, else Asia/Ho_Chi_Minh)."""
    name = os.environ.get(TZ_ENV) or DEFAULT_TZ
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise DateFilterError(phrase("error.date.zone", env=TZ_ENV, name=repr(name), example=DEFAULT_TZ)) from exc


def parse_day(text: str, option: str) -> dt.date:
    """The calendar day `text` names (ISO or dd/mm/yyyy); DateFilterError naming `option` otherwise."""
    value = text.strip()
    for form in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, form).date()
        except ValueError:
            continue
    raise DateFilterError(phrase("error.date.not_date", option=option, text=repr(text)))


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).isoformat(timespec="seconds")


def window(since: str | None, until: str | None, zone: dt.tzinfo | None = None) -> tuple[str | None, str | None]:
    """UTC bounds (ISO, seconds) of the local days [since, until], both included; None where open."""
    zone = zone or display_zone()
    first = parse_day(since, "--since") if since else None
    last = parse_day(until, "--until") if until else None
    if first and last and first > last:
        raise DateFilterError(phrase("error.date.order", since=since, until=until))
    start = _utc(dt.datetime.combine(first, dt.time(), zone)) if first else None
    end = (_utc(dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), zone) - dt.timedelta(seconds=1))
           if last else None)
    return start, end


def to_utc(stamp: str) -> str:
    """An ISO timestamp as UTC ISO with seconds (how the store keeps and compares them); unchanged if unparsable."""
    try:
        moment = dt.datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return stamp
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return _utc(moment)


def local(stamp: str | None, zone: dt.tzinfo | None = None) -> str | None:
    """A stored UTC timestamp in the display zone, ISO with its offset (2026-12-02T02:12:00+07:00)."""
    if not stamp:
        return stamp
    try:
        moment = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(zone or display_zone()).isoformat(timespec="seconds")
