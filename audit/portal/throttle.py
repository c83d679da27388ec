"""Login throttling: after MAX_FAILURES failed logins for one account from one address within
WINDOW_SECONDS, that pair is refused until the oldest failure leaves the window (OWASP Authentication
Cheat Sheet, "Protect against automated attacks"). Failures live in the store, so every gunicorn
worker sees the same count; a success clears them.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from audit.department.store import Store
from audit.department.store.schema import login_failures

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60


def _since(now: dt.datetime | None) -> str:
    now = now or dt.datetime.now(dt.timezone.utc)
    return (now - dt.timedelta(seconds=WINDOW_SECONDS)).isoformat(timespec="seconds")


def is_throttled(store: Store, account: str, ip: str, now: dt.datetime | None = None) -> bool:
    """Whether this account may not try again from this address yet."""
    with store.read("count failed logins") as conn:
        count = conn.execute(sa.select(sa.func.count()).select_from(login_failures).where(
            login_failures.c.account == account, login_failures.c.ip == ip,
            login_failures.c.at > _since(now))).scalar_one()
    return int(count) >= MAX_FAILURES


def add_failure(store: Store, account: str, ip: str) -> None:
    """Count one failed login (and forget those older than the window)."""
    now = dt.datetime.now(dt.timezone.utc)
    with store.write("count a failed login") as conn:
        conn.execute(login_failures.delete().where(login_failures.c.at <= _since(now)))
        conn.execute(login_failures.insert().values(account=account, ip=ip, at=now.isoformat(timespec="seconds")))


def clear_failures(store: Store, account: str, ip: str) -> None:
    """Forget the failures of a pair that just logged in."""
    with store.write("clear failed logins") as conn:
        conn.execute(login_failures.delete().where(login_failures.c.account == account, login_failures.c.ip == ip))
