"""What the department's pages read from the store: the dashboard (cached while the store is unchanged),
filter choices, the inventory."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from audit.department.aggregate.build import Filters
from audit.department.store import Store
from audit.department.store.schema import outlets, results, withdrawals


def store_fingerprint(store: Store) -> str:
    """What `build_dashboard` reads, summed up in one cheap read: results and withdrawals are only ever
    appended (count and highest id say when one was added), the inventory is replaced whole (hashed).
    If the view-model comes to read another table, that table belongs here too."""
    r, w, o = results.c, withdrawals.c, outlets.c
    digest = hashlib.sha256()
    with store.read("check whether the results changed") as conn:
        digest.update(repr(tuple(conn.execute(sa.select(sa.func.count(), sa.func.max(r.id))).one())).encode())
        digest.update(repr(tuple(conn.execute(sa.select(sa.func.count(), sa.func.max(w.id))).one())).encode())
        for row in conn.execute(sa.select(o.id, o.name, o.tags).order_by(o.id)):
            digest.update(json.dumps(list(row), ensure_ascii=False).encode())
    return digest.hexdigest()


class DashboardCache:
    """The last few dashboards built, each kept while the store's fingerprint and the day stay the same.

    The page stays live (every request checks the fingerprint, and a new result, withdrawal or
    inventory shows at once), but 1,000 outlets' statuses are read and judged once per change rather
    than once per request. One per process: gunicorn workers each keep their own.
    """

    def __init__(self, size: int = 8) -> None:
        self.size = size
        self._entries: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, store: Store, filters: Filters, lang: str, build: Callable[[], Any]) -> Any:
        """The cached value for these filters and language, or `build()` when the store changed since."""
        key = (store_fingerprint(store), dt.datetime.now(dt.timezone.utc).date(), filters, lang)  # the day: waivers
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        value = build()
        with self._lock:
            self._entries[key] = value
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value


def filter_choices(store: Store) -> dict[str, list[str]]:
    """Catalogue ids of stored results and every tag seen (results and inventory), sorted, for the filter form."""
    with store.read("read the filter choices") as conn:
        checklists = sorted(r[0] for r in conn.execute(sa.select(results.c.checklist_id).distinct()))
        tag_lists = [r[0] for r in conn.execute(sa.select(results.c.tags).distinct())]
    tags = {tag for text in tag_lists for tag in json.loads(text)}
    tags |= {tag for entry in store.inventory() for tag in entry["tags"]}
    return {"checklists": checklists, "tags": sorted(tags)}


def inventory_rows(store: Store) -> list[dict[str, Any]]:
    """The inventory by id, then outlets with results but not in it; each with its latest verdict and sites.

    Sites come from the latest result's document (the inventory table keeps id, name and tags only).
    """
    latest = {r.outlet_id: r for r in store.results()}  # oldest first: the last one wins
    documents = store.documents([r.id for r in latest.values()])
    rows = [{**e, "listed": True} for e in store.inventory()]
    listed = {e["id"] for e in rows}
    rows += [{"id": oid, "name": r.outlet_name, "tags": list(r.tags), "listed": False}
             for oid, r in sorted(latest.items()) if oid not in listed]
    for row in rows:
        result = latest.get(row["id"])
        doc = documents.get(result.id, {}) if result else {}
        row["latest"] = result
        row["sites"] = [str(s.get("url", "")) for s in doc.get("outlet", {}).get("sites", []) if isinstance(s, dict)]
    return rows


def replace_inventory_from_upload(store: Store, path: Path) -> int:
    """Validate an uploaded inventory whole (audit.inventory: size, depth and schema checked), then store it."""
    from audit.inventory import load_inventory

    entries = load_inventory(path)
    return store.replace_inventory((o.id, o.name, o.tags) for o in entries)
