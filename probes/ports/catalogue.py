"""What the `ports` probe scans and what it calls risky: the catalogue in `probes/ports/risky_ports.yaml`.

The catalogue is data so that a department can extend it without code. Port lists are built here
once per run: the web ports, the risky-service ports, the inventory's extra `ports`, the audited
site's own ports, and optionally nmap's N most common ports (read from nmap's `nmap-services`
frequency table, so the built-in scanner can cover exactly the same list as nmap would).
"""

from __future__ import annotations

import functools
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

from audit.errors import ProbeError

SEVERITIES = ("critical", "high", "medium", "low")
UNIDENTIFIED = ("", "unknown", "tcpwrapped")
"""Service names that say nothing about what answers (nmap's 'tcpwrapped': it closed at once)."""


@dataclass(frozen=True)
class RiskyPort:
    """A service that should not face the Internet."""

    port: int
    service: str
    severity: str
    why_vi: str
    why_en: str
    remediation_vi: str = ""
    remediation_en: str = ""
    names: tuple[str, ...] = ()
    """Service names that identify this service on any port once detected (nmap -sV, a banner)."""
    products: tuple[str, ...] = ()
    """Words in the detected product ('cpanel' in "cPanel httpd") that identify a service spoken over HTTP."""


@dataclass(frozen=True)
class PortCatalogue:
    """Web ports a news site may serve, and the risky services it should not expose."""

    web_ports: tuple[int, ...]
    risky: tuple[RiskyPort, ...]

    @property
    def ports(self) -> list[int]:
        """Every catalogued port, sorted: the curated list scanned by default."""
        return sorted(set(self.web_ports) | {r.port for r in self.risky})

    def match(self, port: int, service: str, detected: bool, product: str = "") -> tuple[RiskyPort | None, str]:
        """The risky entry for an open port and what it rests on: 'service' or 'port' (number only).

        What answers decides: a service identified by nmap -sV or a banner matches an entry by name
        or product on any port, and an identified service that is not the port's usual one (nginx
        on 2083, as a CDN edge serves) is not that service. The port number alone decides only
        when nothing was identified, or for entries that give no name or product to recognise.
        """
        name, made = service.lower(), product.lower()
        identified = detected and name not in UNIDENTIFIED
        if identified:
            found = [e for e in self.risky if name in e.names or any(word in made for word in e.products)]
            if found:  # the port's own entry first (cPanel on 2083 is cpanel-ssl), else the first
                return next((e for e in found if e.port == port), found[0]), "service"
        entry = next((r for r in self.risky if r.port == port), None)
        if entry is None or (identified and (entry.names or entry.products)):
            return None, ""
        return entry, "port"

    @property
    def http_look_ports(self) -> frozenset[int]:
        """Risky ports whose service speaks HTTP (entries with products): worth a `HEAD /` when silent."""
        return frozenset(r.port for r in self.risky if r.products)


@functools.lru_cache(maxsize=1)
def load_catalogue() -> PortCatalogue:
    """The shipped catalogue; ProbeError if the data file is malformed (a packaging bug)."""
    text = (resources.files("probes.ports") / "risky_ports.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    try:
        risky = tuple(
            RiskyPort(
                port=int(e["port"]), service=str(e["service"]), severity=str(e["severity"]),
                why_vi=e["why"]["vi"], why_en=e["why"]["en"],
                remediation_vi=e.get("remediation", {}).get("vi", ""),
                remediation_en=e.get("remediation", {}).get("en", ""),
                names=tuple(str(n).lower() for n in e.get("names") or ()),
                products=tuple(str(n).lower() for n in e.get("products") or ()),
            )
            for e in data["risky"]
        )
        web = tuple(int(p) for p in data["web_ports"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ProbeError(f"risky_ports.yaml is malformed ({exc!r}); reinstall l3audit") from exc
    bad = [r.port for r in risky if r.severity not in SEVERITIES or not 0 < r.port < 65536]
    if bad:
        raise ProbeError(f"risky_ports.yaml: bad severity or port for {bad}; reinstall l3audit")
    return PortCatalogue(web, risky)


def nmap_services_path() -> Path | None:
    """nmap's `nmap-services` table next to the installed nmap binary, or None."""
    binary = shutil.which("nmap")
    candidates = [Path("/usr/share/nmap/nmap-services"), Path("/usr/local/share/nmap/nmap-services")]
    if binary:
        candidates.insert(0, Path(binary).resolve().parent.parent / "share" / "nmap" / "nmap-services")
    return next((p for p in candidates if p.is_file()), None)


@functools.lru_cache(maxsize=4)
def _services_table(path: Path) -> tuple[dict[int, str], list[int]]:
    """(port -> service name, TCP ports by descending open frequency) from nmap-services."""
    names: dict[int, str] = {}
    ranked: list[tuple[float, int]] = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if not line or line.startswith("#"):
            continue
        fields = line.split()
        if len(fields) < 3 or not fields[1].endswith("/tcp"):
            continue
        port = int(fields[1].split("/")[0])
        names.setdefault(port, fields[0])
        try:
            ranked.append((float(fields[2]), port))
        except ValueError:
            continue
    ranked.sort(key=lambda item: (-item[0], item[1]))
    return names, [port for _, port in ranked]


def top_ports(count: int) -> list[int]:
    """nmap's `count` most frequently open TCP ports (what `--top-ports` would scan)."""
    path = nmap_services_path()
    if path is None:
        raise ProbeError("the top_ports setting needs nmap's nmap-services table (install nmap)")
    return _services_table(path)[1][:count]


def table_service(port: int, catalogue: PortCatalogue) -> str:
    """The conventional service name of a port: nmap's table when present, else the catalogue's."""
    path = nmap_services_path()
    if path is not None:
        name = _services_table(path)[0].get(port)
        if name:
            return name
    entry = next((r for r in catalogue.risky if r.port == port), None)
    if entry is not None:
        return entry.service
    return {80: "http", 443: "https"}.get(port, "")


def ports_to_scan(catalogue: PortCatalogue, extra: Iterable[int], top: int = 0) -> list[int]:
    """The sorted, de-duplicated list: catalogue + extra ports (+ nmap's top `top` ports)."""
    ports = set(catalogue.ports) | {int(p) for p in extra if 0 < int(p) < 65536}
    if top:
        ports |= set(top_ports(top))
    return sorted(ports)
