"""Sessions kept server-side: a signed session cookie counts only while its id is a live row of the store.

Flask's signed cookie still carries the session (Flask-Login's user id, the CSRF token), but it is no
longer enough on its own: at login a random session id is made and only its SHA-256 is stored
(`portal_sessions`), with an absolute expiry (the session lifetime, not extended by use). The user
loader accepts the cookie only when that row exists for that user, has not ended and has not expired,
so a cookie copied before a logout, a disabled account or a password change is refused afterwards
(OWASP Session Management Cheat Sheet, "Session Expiration" and "Manual Session Expiration").

Flask-Session was considered and not taken: its SQLAlchemy backend needs Flask-SQLAlchemy (a second
engine and a `create_all` outside our migrations), keeps no user column (ending one account's sessions
means reading every session), and fails at session opening, before the portal's 503 page can answer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import sqlalchemy as sa

from audit.department.store import Store
from audit.department.store.schema import portal_sessions, users
from audit.department.store.store import now_iso


def _hash(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


def start_session(store: Store, user_id: int, lifetime: dt.timedelta, ip: str) -> str:
    """A new random session id for `user_id`, live for `lifetime`; expired rows are dropped on the way."""
    sid = secrets.token_urlsafe(32)
    now = dt.datetime.now(dt.timezone.utc)
    expires = (now + lifetime).isoformat(timespec="seconds")
    with store.write("start a portal session") as conn:
        conn.execute(portal_sessions.delete().where(portal_sessions.c.expires_at < now_iso()))
        conn.execute(portal_sessions.insert().values(id_hash=_hash(sid), user_id=user_id, ip=ip[:100],
                                                     created_at=now.isoformat(timespec="seconds"), expires_at=expires))
    return sid


def live_user_row(store: Store, user_id: int, sid: str | None) -> sa.Row | None:
    """The `users` row of `user_id` if `sid` is one of its sessions, neither ended nor expired (one query)."""
    if not sid:
        return None
    s = portal_sessions.c
    query = sa.select(users).join(portal_sessions, s.user_id == users.c.id).where(
        users.c.id == user_id, s.id_hash == _hash(sid), s.ended_at.is_(None), s.expires_at > now_iso())
    with store.read("read a session") as conn:
        return conn.execute(query).first()


def end_session(store: Store, sid: str | None) -> None:
    """End one session (logout); nothing happens for an unknown or already ended id."""
    if sid:
        with store.write("end a portal session") as conn:
            conn.execute(portal_sessions.update().where(portal_sessions.c.id_hash == _hash(sid),
                                                        portal_sessions.c.ended_at.is_(None)).values(ended_at=now_iso()))


def end_user_sessions(conn: sa.Connection, username: str) -> int:
    """End every live session of `username`, in the caller's transaction; the number ended."""
    user_ids = sa.select(users.c.id).where(users.c.username == username).scalar_subquery()
    done = conn.execute(portal_sessions.update().where(portal_sessions.c.user_id == user_ids,
                                                       portal_sessions.c.ended_at.is_(None)).values(ended_at=now_iso()))
    return int(done.rowcount)


def live_sessions(store: Store, user_id: int) -> list[dict[str, str | bool]]:
    """The live sessions of `user_id` (neither ended nor expired), newest first: when they started, from
    which address, until when; `hash` is the stored SHA-256 (never the id itself)."""
    s = portal_sessions.c
    query = (sa.select(s.id_hash, s.ip, s.created_at, s.expires_at)
             .where(s.user_id == user_id, s.ended_at.is_(None), s.expires_at > now_iso())
             .order_by(s.created_at.desc(), s.id_hash))
    with store.read("list a user's sessions") as conn:
        return [{"hash": h, "ip": ip, "created_at": c, "expires_at": e} for h, ip, c, e in conn.execute(query)]


def is_current(row: dict[str, str | bool], sid: str | None) -> bool:
    """Whether a row of `live_sessions` is the session of this cookie's id."""
    return bool(sid) and row["hash"] == _hash(str(sid))


def end_sessions_of(store: Store, user_id: int) -> int:
    """End every live session of `user_id` ("log out everywhere"); the number ended."""
    s = portal_sessions.c
    with store.write("end a user's portal sessions") as conn:
        done = conn.execute(portal_sessions.update().where(s.user_id == user_id, s.ended_at.is_(None))
                            .values(ended_at=now_iso()))
    return int(done.rowcount)
