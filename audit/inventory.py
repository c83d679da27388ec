"""Inventories of outlets (YAML) and parsing of targets given on the command line.

An inventory lists outlets, each with an id, a name, a contact and sites. A site is a URL
(`https://host[:port]`), a `host[:port]` (HTTPS assumed), or a mapping with `url` plus optional
`address` (connect there instead of resolving the name) and `http_port`. Errors name the file, the
line, the outlet and what to change, like checklist errors.
"""

from __future__ import annotations

import ipaddress
import json
import re
from importlib import resources
from pathlib import Path
from typing import Any, Mapping, Sequence
from urllib.parse import urlsplit

from audit.errors import InventoryError, TargetError
from audit.models import Contact, Outlet, Target
from audit.yamlfile import line_of, load_yaml, validate_schema

_HOST = re.compile(r"^(?=.{1,253}$)([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?)*\.?$")


def _valid_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        # A dotted all-numeric name that is not an IP address (999.1.1.1) is a typo, not a host.
        return bool(_HOST.match(host)) and not re.fullmatch(r"[\d.]+", host)


def parse_target(text: str, address: str | None = None, http_port: int | None = None) -> Target:
    """Parse `https://host[:port][/path]`, `http://host[:port]` or `host[:port]` into a Target.

    Raises TargetError for anything that is not one host: ranges, CIDR blocks, other schemes, bad
    ports. A bare `host:port` is taken as HTTPS, since level-3 sites must offer it.
    """
    text = text.strip()
    if not text:
        raise TargetError("empty target")
    if "://" not in text and re.search(r"/\d{1,3}$", text):
        raise TargetError(f"'{text}' looks like an address range; l3audit audits single sites only")
    raw = text if "://" in text else f"https://{text}"
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https"):
        raise TargetError(f"'{text}': scheme '{parts.scheme}' is not supported (use https:// or http://)")
    try:
        port = parts.port
    except ValueError:
        raise TargetError(f"'{text}': the port must be a number from 1 to 65535") from None
    host = parts.hostname or ""
    if re.fullmatch(r"[\d.\-]+", host) and "-" in host:
        raise TargetError(f"'{text}' looks like an address range; l3audit audits single sites only")
    if not host or "*" in text or not _valid_host(host):
        raise TargetError(f"'{text}': '{host or text}' is not a valid host name or address")
    if port == 0:
        raise TargetError(f"'{text}': the port must be a number from 1 to 65535")
    if address is not None:
        try:
            ipaddress.ip_address(address)
        except ValueError:
            raise TargetError(f"'{address}' is not an IP address (for --resolve / address)") from None
    default_port = 443 if parts.scheme == "https" else 80
    if parts.scheme == "http":
        http_port = port or 80
    elif http_port is None:
        http_port = 80
    return Target(
        host=host,
        port=port or default_port,
        scheme=parts.scheme,
        http_port=http_port,
        address=address,
        path=parts.path or "/",
    )


def parse_resolve(spec: str) -> tuple[str, int, str]:
    """Parse curl-style `host:port:address` (IPv6 addresses in brackets)."""
    match = re.match(r"^([^:\[\]]+):(\d{1,5}):\[?([0-9A-Fa-f:.]+)\]?$", spec)
    if not match:
        raise TargetError(f"--resolve '{spec}': expected host:port:address, e.g. example.vn:443:127.0.0.1")
    host, port, address = match.group(1), int(match.group(2)), match.group(3)
    try:
        ipaddress.ip_address(address)
    except ValueError:
        raise TargetError(f"--resolve '{spec}': '{address}' is not an IP address") from None
    return host.lower(), port, address


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
