"""`l3audit users add|passwd|disable|list`: the portal's accounts (audit.portal.users)."""

from __future__ import annotations

import json
import sys

import click

from audit.cli.clicklang import group
from audit.cli.options import handle_errors
from audit.cli.store_cmd import db_option

ROLE_CHOICE = click.Choice(["admin", "officer", "outlet"])


def _password(value: str | None) -> str:
    """The password from --password-stdin's line, else asked twice without echo."""
    if value is not None:
        return value
    return str(click.prompt("Mật khẩu / Password", hide_input=True, confirmation_prompt=True))


def _stdin_password(flag: bool) -> str | None:
    return sys.stdin.readline().rstrip("\n") if flag else None


def _log(db: str, action: str, username: str, detail: dict[str, object]) -> None:
    from audit.department.store import open_store
    from audit.portal.auditlog import record

    with open_store(db) as store:
        record(store, action, username="cli", target=username, detail=detail)


@group(help="help.users")
def users() -> None:
    """Accounts of the portal ('l3audit serve'): admins, officers and outlet members."""


@users.command("add", help="help.users.add")
@click.argument("username")
@click.option("--role", type=ROLE_CHOICE, required=True, help="help.users.add.role")
@click.option("--outlet", "outlet_id", default=None, help="help.users.add.outlet_id")
@click.option("--totp", is_flag=True, help="help.users.add.totp")
@click.option("--password-stdin", is_flag=True, help="help.option.password_stdin")
@db_option
@handle_errors
def add(username: str, role: str, outlet_id: str | None, totp: bool, password_stdin: bool, db: str) -> None:
    """Add USERNAME with a password (Argon2id hash; at least 12 characters)."""
    from audit.department.store import open_store
    from audit.i18n import phrase
    from audit.portal.users import UserError, add_user

    if totp and role == "outlet":
        raise UserError(phrase("error.user.totp_role"))
    secret = None
    if totp:
        import pyotp

        secret = pyotp.random_base32()
    password = _password(_stdin_password(password_stdin))
    with open_store(db) as store:
        add_user(store, username, password, role, outlet_id, secret)
    _log(db, "user.add", username, {"role": role, "outlet_id": outlet_id, "totp": bool(secret)})
    click.echo(f"{username}: {role}" + (f" ({outlet_id})" if outlet_id else ""))
    if secret:
        import pyotp

        click.echo("TOTP: " + pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name="l3audit"))


@users.command("passwd", help="help.users.passwd")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="help.option.password_stdin")
@db_option
@handle_errors
def passwd(username: str, password_stdin: bool, db: str) -> None:
    """Give USERNAME a new password."""
    from audit.department.store import open_store
    from audit.portal.users import set_password

    password = _password(_stdin_password(password_stdin))
    with open_store(db) as store:
        set_password(store, username, password)
    _log(db, "user.passwd", username, {})
    click.echo(f"{username}: ok")


@users.command("disable", help="help.users.disable")
@click.argument("username")
@click.option("--enable", is_flag=True, help="help.users.disable.enable")
@db_option
@handle_errors
def disable(username: str, enable: bool, db: str) -> None:
    """Disable USERNAME: it cannot log in, and its open sessions end at their next request."""
    from audit.department.store import open_store
    from audit.portal.users import set_disabled

    with open_store(db) as store:
        set_disabled(store, username, not enable)
    _log(db, "user.enable" if enable else "user.disable", username, {})
    click.echo(f"{username}: {'enabled' if enable else 'disabled'}")


@users.command("list", help="help.users.list")
@click.option("--json", "as_json", is_flag=True, help="help.history.as_json")
@db_option
@handle_errors
def list_(as_json: bool, db: str) -> None:
    """Every account: name, role, outlet, TOTP, state."""
    from audit.department.store import open_store
    from audit.portal.users import list_users

    with open_store(db, must_exist=True) as store:
        found = list_users(store)
    rows = [{"username": u.username, "role": u.role, "outlet_id": u.outlet_id, "totp": bool(u.totp_secret),
             "disabled": u.disabled, "created_at": u.created_at} for u in found]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        click.echo(f"{r['username']}\t{r['role']}\t{r['outlet_id'] or '-'}\t{'totp' if r['totp'] else '-'}\t"
                   f"{'disabled' if r['disabled'] else 'active'}")
