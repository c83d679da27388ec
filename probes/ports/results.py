"""What a port scan found, whichever scanner ran, and the `ports.*` facts built from it (pure code).

Both scanners (nmap and the built-in connect scanner) produce `PortState`s; everything after that
(risky services, version disclosure, filtered handling) is decided here once, so the two methods
cannot drift apart.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from audit.errors import ProbeError
from audit.phrases import said
from probes.ports.catalogue import PortCatalogue


@dataclass(frozen=True)
class PortState:
    """One scanned TCP port."""

    port: int
    state: str
    """'open', 'closed' or 'filtered' (no answer in time)."""
    service: str = ""
    product: str = ""
    version: str = ""
    detected: bool = False
    """True when the service was identified from the wire (nmap -sV, a banner), not guessed by port."""
    banner: str = ""


# Banners that name software and a version (the connect scanner's service detection). Each pattern
# gives (service, product, version); ordered from most to least specific.
_BANNERS: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"^SSH-[\d.]+-OpenSSH[_-]([\w.]+)"), "ssh", "OpenSSH"),
    (re.compile(r"^SSH-[\d.]+-dropbear[_-]([\w.]+)"), "ssh", "Dropbear sshd"),
    (re.compile(r"^SSH-[\d.]+-([A-Za-z][\w.-]*)"), "ssh", ""),
    (re.compile(r"^220[ -].*?vsFTPd ([\d.]+)"), "ftp", "vsftpd"),
    (re.compile(r"^220[ -].*?ProFTPD ([\d.]+\w*)"), "ftp", "ProFTPD"),
    (re.compile(r"^220[ -].*?Pure-FTPd"), "ftp", "Pure-FTPd"),
    (re.compile(r"^220[ -].*?ESMTP Postfix"), "smtp", "Postfix smtpd"),
    (re.compile(r"^220[ -].*?Exim ([\d.]+)"), "smtp", "Exim smtpd"),
    (re.compile(r"^\+OK.*?Dovecot"), "pop3", "Dovecot pop3d"),
)
_HTTP_SERVER = re.compile(r"(?im)^Server:[ \t]*([^/\r\n ]+)(?:/([\w.-]+))?")
_MYSQL = re.compile(r"^.\x00\x00\x00\x0a([\d.]+[\w.-]*)\x00", re.S)


def identify_banner(banner: str) -> tuple[str, str, str]:
    """(service, product, version) named by a banner; empty strings where it says nothing."""
    mysql = _MYSQL.match(banner)
    if mysql:
        return "mysql", "MySQL", mysql.group(1)
    if banner.startswith("HTTP/"):
        server = _HTTP_SERVER.search(banner)
        return ("http", server.group(1), server.group(2) or "") if server else ("http", "", "")
    for pattern, service, product in _BANNERS:
        match = pattern.search(banner)
        if not match:
            continue
        groups = [g for g in match.groups() if g]
        if product:
            return service, product, groups[0] if groups else ""
        return service, groups[0] if groups else "", ""
    return "", "", ""


def version_disclosures(states: Iterable[PortState], method: str) -> list[dict[str, Any]]:
    """Open ports whose service announces its software version (TCVN 14423 N3-DEV-07, N3-VUL-07)."""
    return [
        {"port": s.port, "service": s.service, "product": s.product, "version": s.version,
         "source": "nmap -sV" if method == "nmap" else "banner"}
        for s in states
        if s.state == "open" and s.version
    ]


def check_answered(states: list[PortState], address: str) -> None:
    """Raise ProbeError when no port answered at all: nothing can be concluded (never a false 'clean')."""
    if states and all(s.state == "filtered" for s in states):
        raise ProbeError(said("probe.ports.all_filtered", n=len(states), address=address))


def build_facts(
    states: list[PortState],
    *,
    method: str,
    service_detection: bool,
    detection_complete: bool,
    catalogue: PortCatalogue,
    allowed_ports: Iterable[int],
    top: int,
) -> dict[str, Any]:
    """The flat `ports.*` facts from scan results."""
    states = sorted(states, key=lambda s: s.port)
    allowed = set(allowed_ports)
    open_states = [s for s in states if s.state == "open"]
    risky: list[dict[str, Any]] = []
    for s in open_states:
        entry, basis = catalogue.match(s.port, s.service, s.detected, s.product)
        if entry is not None:
            risky.append({
                "port": s.port, "service": entry.service, "detected_service": s.service,
                "detected_product": s.product, "basis": basis,
                "severity": entry.severity,
                "why": {"vi": entry.why_vi, "en": entry.why_en},
                "remediation": {"vi": entry.remediation_vi, "en": entry.remediation_en},
            })
    disclosures = version_disclosures(states, method)
    unexpected = [s.port for s in open_states if s.port not in allowed]
    return {
        "ports.method": method,
        "ports.service_detection": service_detection,
        "ports.service_detection_complete": detection_complete,
        "ports.top_ports": top,
        "ports.scanned": [s.port for s in states],
        "ports.scanned_count": len(states),
        "ports.open": [
            {"port": s.port, "protocol": "tcp", "service": s.service, "product": s.product,
             "version": s.version, "method": method}
            for s in open_states
        ],
        "ports.open_ports": [s.port for s in open_states],
        "ports.closed_count": sum(1 for s in states if s.state == "closed"),
        "ports.filtered_ports": [s.port for s in states if s.state == "filtered"],
        "ports.filtered_count": sum(1 for s in states if s.state == "filtered"),
        "ports.risky_open": risky,
        "ports.risky_open_count": len(risky),
        "ports.unexpected_open": unexpected,
        "ports.unexpected_open_count": len(unexpected),
        "ports.version_disclosures": disclosures,
        "ports.version_disclosure_count": len(disclosures),
    }
