"""`l3audit demo --serve`: the demo's results in a store, demo accounts, and the portal on loopback.

After the demo audit the folder's results go into `<out>/l3audit-demo.db` (one round), the demo
outlets become its inventory, and one account per role is made: an admin, an officer, and one
outlet member per demo outlet. Passwords are random, printed once, and replaced at every start
(an account from an earlier demo gets a new one), so nothing guessable is ever served.
"""

from __future__ import annotations

import ipaddress
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from audit.department.store import open_store
from audit.department.store.store import now_iso
from audit.errors import AuditError
from audit.i18n import phrase
from audit.models import Outlet
from audit.portal.users import add_user, find_user, set_disabled, set_password

DEMO_DB = "l3audit-demo.db"


@dataclass(frozen=True)
class DemoAccount:
    """A demo login, with its password in clear: shown once, at start."""

    username: str
    role: str
    outlet_id: str | None
    password: str


def check_loopback_bind(bind: str) -> None:
    """Refuse a --bind that is not HOST:PORT on a loopback address (the demo's accounts are printed)."""
    host, _, port = bind.rpartition(":")
    try:
        loopback = ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        loopback = False
    if not loopback or not port.isdigit() or not 0 < int(port) < 65536:
        raise AuditError(phrase("error.demo.bind", bind=repr(bind)))


def prepare_demo_portal(folder: Path, results: Mapping[str, dict[str, Any]],
                        outlets: Sequence[Outlet]) -> tuple[str, list[DemoAccount]]:
    """Store `results` and the outlets in the demo store; (re)make the demo accounts. Returns (db, accounts)."""
    db = str(folder / DEMO_DB)
    wanted: list[tuple[str, str, str | None]] = [("demo-admin", "admin", None), ("demo-officer", "officer", None)]
    wanted += [(f"demo-{o.id}", "outlet", o.id) for o in outlets]
    accounts = []
    with open_store(db) as store:
        store.replace_inventory((o.id, o.name, o.tags) for o in outlets)
        round_id = store.start_round(f"demo {now_iso()}", "run")
        for data in results.values():
            store.add_result(data, round_id)
        store.finish_round(round_id)
        for username, role, outlet_id in wanted:
            password = secrets.token_urlsafe(15)  # 20 characters, about 120 bits
            if find_user(store, username) is None:
                add_user(store, username, password, role, outlet_id)
            else:
                set_password(store, username, password)
                set_disabled(store, username, False)
            accounts.append(DemoAccount(username, role, outlet_id, password))
    return db, accounts
