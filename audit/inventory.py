"""Inventories of outlets (YAML) and parsing of targets given on the command line.

An inventory lists outlets, each with an id, a name, a contact and sites. A site is a URL
(`https://host[:port]`), a `host[:port]` (HTTPS assumed), or a mapping with `url` plus optional
`address` (connect there instead of resolving the name) and `http_port`. Errors name the file, the
line, the outlet and what to change, like checklist errors.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any, Mapping, Sequence

from audit.errors import InventoryError, TargetError
from audit.models import Contact, Outlet, Target
from audit.targets import parse_target
from audit.yamlfile import line_of, load_yaml, validate_schema

def _schema() -> dict[str, Any]:
    return json.loads((resources.files("audit") / "schemas" / "inventory.schema.json").read_text("utf-8"))


def load_inventory(path: Path) -> list[Outlet]:
    """Load and validate an inventory; raise InventoryError on the first problem."""
    data, _ = load_yaml(path, InventoryError)
    if not isinstance(data, dict):
        raise InventoryError("an inventory must be a YAML mapping with an 'outlets' list", path=str(path), line=1)

    def item_of(where: Sequence[Any]) -> str:
        if len(where) >= 2 and where[0] == "outlets" and isinstance(where[1], int):
            outlets = data.get("outlets") or []
            if where[1] < len(outlets) and isinstance(outlets[where[1]], dict):
                return f"outlet {outlets[where[1]].get('id', '#' + str(where[1] + 1))}"
        return ""

    validate_schema(data, _schema(), path, InventoryError, item_of)
    outlets: list[Outlet] = []
    seen: set[str] = set()
    for i, raw in enumerate(data["outlets"]):
        where = ["outlets", i]
        if raw["id"] in seen:
            raise InventoryError(f"duplicate outlet id '{raw['id']}'", path=str(path),
                                 line=line_of(data, where), item=f"outlet {raw['id']}",
                                 hint="every outlet id must be unique")
        seen.add(raw["id"])
        sites = []
        for j, site in enumerate(raw["sites"]):
            try:
                sites.append(_site(site))
            except TargetError as exc:
                raise InventoryError(str(exc), path=str(path), line=line_of(data, where + ["sites", j]),
                                     item=f"outlet {raw['id']}",
                                     hint="write sites as https://host[:port] or {url: ..., address: ...}") from exc
        contact = raw.get("contact") or {}
        outlets.append(Outlet(
            id=raw["id"],
            name=raw["name"],
            sites=tuple(sites),
            contact=Contact(**contact),
            tags=tuple(raw.get("tags") or ()),
            settings=dict(raw.get("settings") or {}),
        ))
    return outlets


def _site(site: str | Mapping[str, Any]) -> Target:
    if isinstance(site, str):
        return parse_target(site)
    return parse_target(site["url"], address=site.get("address"), http_port=site.get("http_port"))
