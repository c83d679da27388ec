"""What the department's pages read from the store besides the dashboard: filter choices, the inventory."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from audit.department.store import Store
from audit.department.store.schema import results


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
