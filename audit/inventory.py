"""Inventories of outlets (YAML) and parsing of targets given on the command line.

An inventory lists outlets, each with an id, a name, a contact and sites. A site is a URL
(`https://host[:port]`), a `host[:port]` (HTTPS assumed), or a mapping with `url` plus optional
`address` (connect there instead of resolving the name) and `http_port`. An outlet may declare its
`domains:` (its web presence, where redirects are followed); by default the registrable domain of
each site. Errors name the file, the
line, the outlet and what to change, like checklist errors.
"""

from __future__ import annotations

import json
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any, Mapping, Sequence

from audit.domains import check_domain, default_domains, norm_name, within
from audit.errors import InventoryError, TargetError, Text, raise_all
from audit.i18n import phrase
from audit.models import Contact, Outlet, Target
from audit.targets import parse_target
from audit.yamlfile import line_of, load_yaml, validate_schema

def _schema() -> dict[str, Any]:
    return json.loads((resources.files("audit") / "schemas" / "inventory.schema.json").read_text("utf-8"))


def load_inventory(path: Path) -> list[Outlet]:
    """Load and validate an inventory; raise InventoryError listing every problem at once."""
    data, _ = load_yaml(path, InventoryError)
    if not isinstance(data, dict):
        raise InventoryError(phrase("error.inventory.not_mapping"), path=str(path), line=1)

    def item_of(where: Sequence[Any]) -> Text:
        if len(where) >= 2 and where[0] == "outlets" and isinstance(where[1], int):
            outlets = data.get("outlets") or []
            if where[1] < len(outlets) and isinstance(outlets[where[1]], dict):
                return phrase("error.item.outlet", id=outlets[where[1]].get('id', '#' + str(where[1] + 1)))
        return ""

    validate_schema(data, _schema(), path, InventoryError, item_of)
    outlets: list[Outlet] = []
    seen: set[str] = set()
    problems: list[InventoryError] = []
    for i, raw in enumerate(data["outlets"]):
        where = ["outlets", i]
        if raw["id"] in seen:
            problems.append(InventoryError(phrase("error.inventory.duplicate_id", id=raw["id"]), path=str(path),
                                           line=line_of(data, where), item=phrase("error.item.outlet", id=raw["id"]),
                                           hint=phrase("error.inventory.duplicate_id.hint")))
        seen.add(raw["id"])
        sites = []
        for j, site in enumerate(raw["sites"]):
            try:
                sites.append(_site(site))
            except TargetError as exc:
                problems.append(InventoryError(
                    exc.phrase, path=str(path), line=line_of(data, where + ["sites", j]),
                    item=phrase("error.item.outlet", id=raw["id"]), hint=phrase("error.inventory.site.hint")))
        if len(sites) != len(raw["sites"]):
            continue
        try:
            sites = _with_presence(sites, raw.get("domains") or (), path, line_of(data, where), raw["id"])
        except InventoryError as exc:
            problems.append(exc)
            continue
        contact = raw.get("contact") or {}
        outlets.append(Outlet(
            id=raw["id"],
            name=raw["name"],
            sites=tuple(sites),
            contact=Contact(**contact),
            tags=tuple(raw.get("tags") or ()),
            settings=dict(raw.get("settings") or {}),
        ))
    raise_all(problems)
    return outlets


def _with_presence(sites: list[Target], domains: Sequence[str], path: Path, line: int | None,
                   outlet_id: str) -> list[Target]:
    """Give every site the outlet's web presence and the addresses of its other sites.

    The presence is the outlet's `domains:`, by default the registrable domain of each site (Public
    Suffix List). A site's redirect to another site of the outlet then connects to that site's
    `address`, as `--resolve` does on the command line.
    """
    for domain in domains:
        problem = check_domain(domain)
        if problem:
            raise InventoryError(phrase("error.inventory.domain", domain=domain, problem=problem), path=str(path),
                                 line=line, item=phrase("error.item.outlet", id=outlet_id),
                                 hint=phrase("error.inventory.domain.hint"))
    presence = tuple(norm_name(d) for d in domains if norm_name(d)) or default_domains(s.host for s in sites)
    for site in sites:
        if not within(site.host, presence):
            raise InventoryError(phrase("error.inventory.outside", host=site.host, domains=", ".join(presence)),
                                 path=str(path), line=line, item=phrase("error.item.outlet", id=outlet_id),
                                 hint=phrase("error.inventory.outside.hint"))
    known: list[tuple[str, int, str]] = []
    for site in sites:
        if site.address:
            known += [(site.host.lower(), port, site.address) for port in (site.port, site.http_port) if port]
    return [replace(site, domains=presence,
                    resolves=tuple(r for r in known if r[0] != site.host.lower())) for site in sites]


def _site(site: str | Mapping[str, Any]) -> Target:
    if isinstance(site, str):
        return parse_target(site)
    return parse_target(site["url"], address=site.get("address"), http_port=site.get("http_port"))
