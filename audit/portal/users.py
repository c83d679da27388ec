"""The portal's accounts: roles, Argon2id password hashes, optional TOTP, disabling.

Shared by `l3audit users` and the portal's admin page, so both check the same rules. A user is
never deleted, only disabled: the audit log keeps naming who did what.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from audit.department.store import Store
from audit.department.store.schema import users
from audit.department.store.store import now_iso
from audit.errors import AuditError
from audit.i18n import phrase
from audit.portal.sessions import end_user_sessions, live_user_row

ROLES = ("admin", "officer", "outlet")
"""admin: the department's head (users); officer: every outlet's results; outlet: one outlet's pages."""
MIN_PASSWORD_LENGTH = 12
_USERNAME = re.compile(r"^[A-Za-z0-9._@-]{1,200}$")
_hasher = PasswordHasher()  # argon2-cffi defaults: Argon2id, RFC 9106 low-memory profile
# Verified against when the account does not exist, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("l3audit-no-such-user")


class UserError(AuditError):
    """A user cannot be added or changed as asked (unknown, duplicate, bad role or weak password)."""


@dataclass(frozen=True)
class User:
    """A portal account as the application sees it (never its hash outside this module)."""

    id: int
    username: str
    role: str
    outlet_id: str | None
    totp_secret: str | None
    disabled: bool
    created_at: str

    # Flask-Login's protocol: a user object, its id as text, and whether it may be logged in.
    @property
    def is_authenticated(self) -> bool:
        """Always true for a loaded user (Flask-Login)."""
        return True

    @property
    def is_active(self) -> bool:
        """A disabled account cannot log in, and its open sessions stop working (Flask-Login)."""
        return not self.disabled

    @property
    def is_anonymous(self) -> bool:
        """Never anonymous (Flask-Login)."""
        return False

    def get_id(self) -> str:
        """The id Flask-Login keeps in the session."""
        return str(self.id)


def _user(row: sa.Row) -> User:
    return User(row.id, row.username, row.role, row.outlet_id, row.totp_secret, bool(row.disabled), row.created_at)


def check_password(password: str) -> None:
    """Refuse a password shorter than MIN_PASSWORD_LENGTH characters."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(phrase("error.user.short_password", length=len(password), minimum=MIN_PASSWORD_LENGTH))


def add_user(store: Store, username: str, password: str, role: str, outlet_id: str | None = None,
             totp_secret: str | None = None) -> User:
    """Create an account; an `outlet` member names exactly one outlet, the other roles none."""
    if not _USERNAME.match(username):
        raise UserError(phrase("error.user.bad_name", username=repr(username)))
    if role not in ROLES:
        raise UserError(phrase("error.user.bad_role", role=repr(role), roles=", ".join(ROLES)))
    if (role == "outlet") != bool(outlet_id):
        raise UserError(phrase("error.user.outlet_needed"))
    check_password(password)
    now = now_iso()
    with store.write("add a user") as conn:
        if conn.execute(sa.select(users.c.id).where(users.c.username == username)).first():
            raise UserError(phrase("error.user.exists", username=repr(username)))
        conn.execute(users.insert().values(username=username, password_hash=_hasher.hash(password), role=role,
                                           outlet_id=outlet_id, totp_secret=totp_secret, disabled=0,
                                           created_at=now, password_changed_at=now))
    found = find_user(store, username)
    assert found is not None
    return found


def find_user(store: Store, username: str) -> User | None:
    """The account called `username`, or None."""
    with store.read("read a user") as conn:
        row = conn.execute(sa.select(users).where(users.c.username == username)).first()
    return _user(row) if row else None


def user_by_id(store: Store, user_id: int) -> User | None:
    """The account with id `user_id`, or None (Flask-Login's user loader)."""
    with store.read("read a user") as conn:
        row = conn.execute(sa.select(users).where(users.c.id == user_id)).first()
    return _user(row) if row else None


def list_users(store: Store) -> list[User]:
    """Every account, by name."""
    with store.read("list users") as conn:
        return [_user(r) for r in conn.execute(sa.select(users).order_by(users.c.username))]


def session_user(store: Store, user_id: int, sid: str | None) -> User | None:
    """The account of a session cookie, if `sid` is one of its live server-side sessions (Flask-Login's loader)."""
    row = live_user_row(store, user_id, sid)
    return _user(row) if row else None


def _update(store: Store, username: str, doing: str, end_sessions: bool, **values: object) -> None:
    with store.write(doing) as conn:
        if conn.execute(users.update().where(users.c.username == username).values(**values)).rowcount != 1:
            raise UserError(phrase("error.user.unknown", username=repr(username)))
        if end_sessions:  # in the same transaction: no request sees the change with the old session still live
            end_user_sessions(conn, username)


def set_password(store: Store, username: str, password: str) -> None:
    """Replace an account's password (a new Argon2id hash with a new salt) and end the account's sessions."""
    check_password(password)
    _update(store, username, "change a password", True, password_hash=_hasher.hash(password),
            password_changed_at=now_iso())


def set_disabled(store: Store, username: str, disabled: bool = True) -> None:
    """Disable (or enable again) an account; disabling ends its sessions, so enabling it again revives none."""
    _update(store, username, "disable a user", disabled, disabled=int(disabled))


def verify_login(store: Store, username: str, password: str) -> User | None:
    """The active account if `password` is right; None otherwise (same time for unknown names)."""
    with store.read("read a user") as conn:
        row = conn.execute(sa.select(users).where(users.c.username == username)).first()
    try:
        _hasher.verify(row.password_hash if row else _DUMMY_HASH, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if row is None or row.disabled:
        return None
    if _hasher.check_needs_rehash(row.password_hash):  # parameters raised since it was hashed
        with store.write("rehash a password") as conn:
            conn.execute(users.update().where(users.c.id == row.id).values(password_hash=_hasher.hash(password)))
    return _user(row)
