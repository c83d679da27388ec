"""The `ports` probe: which services answer on an outlet's host, which are risky, which say their version.

With nmap installed, nmap runs as an asyncio subprocess (`-sT`, a TCP connect scan that needs no
root) writing XML parsed by python-nmap, then optionally `-sV` over the open ports with bounded
intensity and time; without it, a built-in asyncio connect scanner with a passive banner grab
covers the same list. The facts say which method ran and whether service detection ran. Only the
audited host's address is ever scanned; connection rates are limited by default.

Per-outlet settings (inventory `settings`, all optional): `ports` (extra ports), `timeout_seconds`
(per connect), `service_detection` (bool, default true), `version_intensity` (0-9, default 2),
`top_ports` (add nmap's N most common ports, default 0), `allowed_ports` (ports expected open,
default 80, 443 and the site's own ports), `scan_timeout_seconds` (default 45),
`version_timeout_seconds` (default 40), `max_rate` (connects per second, default 100).
"""

from __future__ import annotations

import ipaddress
import re
import shutil
from collections.abc import Mapping
from typing import Any, ClassVar

from audit.errors import ProbeError
from audit.models import Target
from audit.phrases import said
from probes.interface import Measurement, Probe, ProbeOptions
from probes.ports.catalogue import load_catalogue, ports_to_scan
from probes.ports.connect import connect_scan
from probes.ports.nmap_scan import ProgressCallback, nmap_scan, nmap_version, parse_nmap_xml
from probes.ports.results import build_facts, check_answered

__all__ = ["PortsProbe", "parse_nmap_xml"]


def _int(settings: Mapping[str, Any], key: str, default: int) -> int:
    value = settings.get(key, default)
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else default


def _float(settings: Mapping[str, Any], key: str, default: float) -> float:
    value = settings.get(key, default)
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else default


def check_single_host(address: str) -> None:
    """ProbeError unless `address` is one IP address or one host name.

    The scope guard's last line before nmap: nmap would expand `10.0.0.0/24`, `10.0.0.1-20` or a
    wildcard into many hosts, and would read a leading `-` as an option.
    """
    try:
        ipaddress.ip_address(address)
        return
    except ValueError:
        pass
    if not re.fullmatch(r"(?=.*[A-Za-z])[A-Za-z0-9][A-Za-z0-9.-]*", address):
        raise ProbeError(f"refusing to scan '{address}': not a single host name or IP address")


class PortsProbe(Probe):
    """TCP connect scan of the curated port list on the audited host, with service detection."""

    name = "ports"
    tool = "nmap / l3audit connect scan"
    measuring_settings = ("timeout_seconds", "ports", "top_ports", "allowed_ports", "service_detection", "version_intensity",
                          "scan_timeout_seconds", "version_timeout_seconds", "max_rate")
    _versions: ClassVar[dict[str, str]] = {}

    def __init__(self, on_progress: ProgressCallback | None = None) -> None:
        self.on_progress = on_progress
        """Optional (task, percent) callback for nmap's progress, for a CLI progress bar."""

    def key(self, target: Target) -> str:
        """Ports belong to the host, not the URL: one scan per address."""
        return target.connect_host

    def tool_version(self) -> str:
        """nmap's version when it is installed, else ours."""
        if "nmap" not in self._versions:
            PortsProbe._versions["nmap"] = nmap_version()
        return self._versions["nmap"] or super().tool_version()

    async def measure(self, target: Target, options: ProbeOptions) -> Measurement:
        """Scan the curated ports with nmap if present, else with the built-in connect scanner."""
        settings = options.settings
        catalogue = load_catalogue()
        own = [p for p in (target.port, target.http_port) if p]
        top = max(_int(settings, "top_ports", 0), 0)
        ports = ports_to_scan(catalogue, list(settings.get("ports", [])) + own, top)
        detect = bool(settings.get("service_detection", True))
        intensity = _int(settings, "version_intensity", 2)
        max_rate = _float(settings, "max_rate", 100.0)
        address = target.connect_host
        check_single_host(address)
        complete = True
        if options.use_nmap and shutil.which("nmap"):
            method = "nmap"
            states, complete = await nmap_scan(
                address, ports,
                scan_timeout_seconds=_float(settings, "scan_timeout_seconds", 45.0),
                service_detection=detect, version_intensity=intensity,
                version_timeout_seconds=_float(settings, "version_timeout_seconds", 40.0),
                max_rate=max_rate, on_progress=self.on_progress, skip_detection=frozenset(own),
            )
            how = said("probe.ports.how_nmap_sv", intensity=intensity) if detect else said("probe.ports.how_nmap")
        else:
            method = "connect"
            states = await connect_scan(
                address, ports, min(options.timeout_seconds, 5.0), catalogue=catalogue,
                banner_seconds=2.0 if detect else 0.0, http_host=target.host, http_ports=frozenset(own),
                max_rate=max_rate,
            )
            why = said("probe.ports.nmap_disabled") if not options.use_nmap else said("probe.ports.nmap_missing")
            how = said("probe.ports.how_connect_banner", why=why) if detect else said("probe.ports.how_connect", why=why)
        check_answered(states, address)
        # The site's own ports are always needed; `allowed_ports` lists the outlet's other ones.
        allowed = [*(settings.get("allowed_ports") or [80, 443]), *own]
        facts = build_facts(
            states, method=method, service_detection=detect, detection_complete=complete,
            catalogue=catalogue, allowed_ports=allowed, top=top,
        )
        # With the built-in scanner, nmap's version (the default tool_version) would be misleading.
        version = "" if method == "nmap" else Probe.tool_version(self)
        return Measurement(facts, said("probe.ports.method", how=how, n=len(ports), address=address), tool_version=version)
