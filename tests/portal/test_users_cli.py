"""`l3audit users add|passwd|disable|list` against a real SQLite store."""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa
from click.testing import CliRunner

from audit.cli import cli
from audit.department.store import open_store
from audit.department.store.schema import audit_log, users
from audit.portal.users import verify_login

PASSWORD = "correct horse battery staple"


def run(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), input=stdin)
    return result.exit_code, result.output


def test_add_list_passwd_disable(tmp_path: Path) -> None:
    """Given users added by the CLI, then they are listed, hashed with Argon2id, changed, disabled, and logged."""
    db = str(tmp_path / "u.db")
    assert run("users", "add", "alice", "--role", "outlet", "--outlet", "o1", "--password-stdin", "--db", db,
               stdin=PASSWORD + "\n")[0] == 0
    code, out = run("users", "add", "bob", "--role", "officer", "--totp", "--password-stdin", "--db", db,
                    stdin=PASSWORD + "\n")
    assert code == 0 and "otpauth://totp/" in out
    listed = json.loads(run("users", "list", "--json", "--db", db)[1])
    assert [(u["username"], u["role"], u["outlet_id"], u["totp"]) for u in listed] == [
        ("alice", "outlet", "o1", False), ("bob", "officer", None, True)]
    with open_store(db) as store:
        with store.read("t") as conn:
            hashes = [r.password_hash for r in conn.execute(sa.select(users))]
        assert all(h.startswith("$argon2id$") and PASSWORD not in h for h in hashes)
        assert verify_login(store, "alice", PASSWORD) is not None
    assert run("users", "passwd", "alice", "--password-stdin", "--db", db, stdin="another long passphrase\n")[0] == 0
    assert run("users", "disable", "bob", "--db", db)[0] == 0
    with open_store(db) as store:
        assert verify_login(store, "alice", PASSWORD) is None
        assert verify_login(store, "alice", "another long passphrase") is not None
        assert verify_login(store, "bob", PASSWORD) is None
        with store.read("t") as conn:
            actions = [r.action for r in conn.execute(sa.select(audit_log).order_by(audit_log.c.id))]
    assert actions == ["user.add", "user.add", "user.passwd", "user.disable"]


def test_refusals_are_usage_errors(tmp_path: Path) -> None:
    """Given a weak password, an outlet member without an outlet, or a duplicate, then exit 2 with a hint."""
    db = str(tmp_path / "u.db")
    assert run("users", "add", "a", "--role", "admin", "--password-stdin", "--db", db, stdin="short\n")[0] == 2
    assert run("users", "add", "a", "--role", "outlet", "--password-stdin", "--db", db, stdin=PASSWORD + "\n")[0] == 2
    assert run("users", "add", "a", "--role", "admin", "--password-stdin", "--db", db, stdin=PASSWORD + "\n")[0] == 0
    code, out = run("users", "add", "a", "--role", "admin", "--password-stdin", "--db", db, "--lang", "en",
                    stdin=PASSWORD + "\n")
    assert code == 2 and "exists already" in out
    code, out = run("users", "add", "a", "--role", "admin", "--password-stdin", "--db", db, "--lang", "vi",
                    stdin=PASSWORD + "\n")
    assert code == 2 and "tài khoản 'a' đã có" in out
    assert run("users", "disable", "nobody", "--db", db)[0] == 2
