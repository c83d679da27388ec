"""The `ports` probe: which risky services answer on an outlet's host.

With nmap installed, nmap runs as an asyncio subprocess (`-sT`, a TCP connect scan that needs no
root) writing XML, parsed by python-nmap; without it, a built-in asyncio connect scan covers the
same list. The facts say which method ran. Only the audited host's address is ever scanned.
"""

from __future__ import annotations

import asyncio
import shutil
from dataclasses import dataclass
from importlib import resources
from typing import Any

import nmap
import yaml

from audit.errors import ProbeError
from audit.models import Target
from probes.interface import FactSpec, Measurement, Probe, ProbeOptions


@dataclass(frozen=True)
class RiskyPort:
    """A service that should not face the Internet, from `probes/data/risky_ports.yaml`."""

    port: int
    service: str
    severity: str
    why_vi: str
    why_en: str


def load_risky_ports() -> list[RiskyPort]:
    """The shipped risky-service catalogue."""
    text = (resources.files("probes.data") / "risky_ports.yaml").read_text(encoding="utf-8")
    return [
        RiskyPort(e["port"], e["service"], e["severity"], e["why"]["vi"], e["why"]["en"])
        for e in yaml.safe_load(text)
    ]


async def connect_scan(address: str, ports: list[int], timeout: float, concurrency: int = 64) -> dict[int, str]:
    """TCP connect scan; returns port -> 'open' | 'closed' | 'filtered' (no answer in time)."""
    gate = asyncio.Semaphore(concurrency)

    async def one(port: int) -> tuple[int, str]:
        async with gate:
            try:
                _, writer = await asyncio.wait_for(asyncio.open_connection(address, port), timeout)
            except asyncio.TimeoutError:
                return port, "filtered"
            except ConnectionRefusedError:
                return port, "closed"
            except OSError:
                return port, "filtered"
            writer.close()
            try:
                await asyncio.wait_for(writer.wait_closed(), 1.0)
            except (OSError, asyncio.TimeoutError):
                pass
            return port, "open"

    return dict(await asyncio.gather(*(one(p) for p in ports)))


def parse_nmap_xml(xml: str) -> dict[str, Any]:
    """Parse nmap's XML output with python-nmap; ProbeError when it is truncated or not XML."""
    # PortScanner() runs `nmap -V` in its constructor; only its XML parser is needed here.
    scanner = nmap.PortScanner.__new__(nmap.PortScanner)
    try:
        return dict(scanner.analyse_nmap_xml_scan(xml))
    except (nmap.PortScannerError, ValueError) as exc:
        raise ProbeError(f"cannot parse nmap's XML output: {str(exc).strip()[:200]}") from exc


async def nmap_scan(address: str, ports: list[int], timeout: float) -> dict[int, dict[str, str]]:
    """Run `nmap -sT` on one address and parse its XML; returns port -> nmap's port info."""
    binary = shutil.which("nmap")
    if binary is None:
        raise ProbeError("nmap is not installed")
    host_timeout = max(int(timeout), 1)
    args = [binary, "-sT", "-Pn", "-n", "--host-timeout", f"{host_timeout}s",
            "-p", ",".join(str(p) for p in ports), "-oX", "-", address]
    proc = await asyncio.create_subprocess_exec(
        *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(), timeout + 10)
    except asyncio.TimeoutError as exc:
        proc.kill()
        await proc.wait()
        raise ProbeError(f"nmap did not finish within {timeout + 10:g} s") from exc
    if proc.returncode != 0:
        raise ProbeError(f"nmap failed (exit {proc.returncode}): {err.decode(errors='replace').strip()[:200]}")
    parsed = parse_nmap_xml(out.decode(errors="replace"))
    hosts = parsed.get("scan", {})
    if address not in hosts:
        raise ProbeError(f"nmap reported no result for {address} (host timeout {host_timeout} s?)")
    tcp = hosts[address].get("tcp", {})
    return {int(p): dict(info) for p, info in tcp.items()}


def nmap_version() -> str:
    """`nmap --version`'s first line, or '' without nmap."""
    import subprocess

    binary = shutil.which("nmap")
    if not binary:
        return ""
    try:
        out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.splitlines()[0].strip() if out else ""


class PortsProbe(Probe):
    """TCP connect scan of the risky-service list on the audited host."""

    name = "ports"
    tool = "nmap / l3audit connect scan"
    facts = (
        FactSpec("ports.method", "str", "'nmap' when nmap ran, 'connect' for the built-in scanner."),
        FactSpec("ports.service_detection", "bool", "Whether service versions were detected (nmap -sV)."),
        FactSpec("ports.scanned", "list", "Port numbers scanned."),
        FactSpec("ports.open", "list", "Open ports: port, protocol, service, product, version, method."),
        FactSpec("ports.open_ports", "list", "Open port numbers."),
        FactSpec("ports.filtered_ports", "list", "Ports that did not answer (filtered)."),
        FactSpec("ports.risky_open", "list", "Open ports from the risky-service catalogue: port, service, severity."),
        FactSpec("ports.risky_open_count", "int", "How many risky services are open."),
    )
    _versions: dict[str, str] = {}

    def key(self, target: Target) -> str:
        """Ports belong to the host, not the URL: one scan per address."""
        return target.connect_host

    def tool_version(self) -> str:
        """nmap's version when it is installed, else ours."""
        if "nmap" not in self._versions:
            PortsProbe._versions["nmap"] = nmap_version()
        return self._versions["nmap"] or super().tool_version()

    async def measure(self, target: Target, options: ProbeOptions) -> Measurement:
        """Scan the risky ports with nmap if present, else with asyncio connects."""
        catalogue = {r.port: r for r in load_risky_ports()}
        ports = sorted(set(options.settings.get("ports", [])) | set(catalogue))
        address = target.connect_host
        open_info: list[dict[str, Any]] = []
        filtered: list[int] = []
        if options.use_nmap and shutil.which("nmap"):
            method = "nmap"
            result = await nmap_scan(address, ports, options.timeout_seconds)
            for port, info in sorted(result.items()):
                if info.get("state") == "open":
                    open_info.append({"port": port, "protocol": "tcp", "service": info.get("name", ""),
                                      "product": info.get("product", ""), "version": info.get("version", ""),
                                      "method": method})
                elif info.get("state") == "filtered":
                    filtered.append(port)
        else:
            method = "connect"
            states = await connect_scan(address, ports, min(options.timeout_seconds, 3.0))
            for port, state in sorted(states.items()):
                if state == "open":
                    service = catalogue[port].service if port in catalogue else ""
                    open_info.append({"port": port, "protocol": "tcp", "service": service,
                                      "product": "", "version": "", "method": method})
                elif state == "filtered":
                    filtered.append(port)
        risky = [
            {"port": o["port"], "service": catalogue[o["port"]].service, "severity": catalogue[o["port"]].severity}
            for o in open_info if o["port"] in catalogue
        ]
        facts = {
            "ports.method": method,
            "ports.service_detection": False,
            "ports.scanned": ports,
            "ports.open": open_info,
            "ports.open_ports": [o["port"] for o in open_info],
            "ports.filtered_ports": filtered,
            "ports.risky_open": risky,
            "ports.risky_open_count": len(risky),
        }
        how = "nmap -sT -Pn (TCP connect)" if method == "nmap" else "asyncio TCP connect (nmap not installed)"
        return Measurement(facts, f"{how}, {len(ports)} ports")
