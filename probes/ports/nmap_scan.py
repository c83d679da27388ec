"""Driving a real nmap: arguments, an asyncio subprocess with progress, and XML parsed by python-nmap.

nmap runs as `nmap -sT` (a TCP connect scan; no root needed) writing XML to stdout, so many hosts
can scan concurrently under asyncio. `--stats-every` makes nmap interleave `<taskprogress>`
elements in that XML; they are passed to an optional callback as they arrive, for progress bars.

Service detection (`-sV`) runs as a second pass over the open ports only, with bounded
`--version-intensity` and its own `--host-timeout`: nmap's `-sV` can stall for tens of seconds on a
service that accepts and never answers (or on unknown TLS ports), and a host timeout throws away
every result for that host. Two passes keep the port states even when version detection gives up.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
from collections.abc import Callable
from typing import Any
from xml.etree import ElementTree

import nmap

from audit.errors import ProbeError
from audit.phrases import said
from probes.ports.results import PortState

ProgressCallback = Callable[[str, float], None]
"""Called with (nmap task name, percent done) whenever nmap reports progress."""

_PROGRESS = re.compile(rb'<taskprogress task="([^"]*)"[^>]*percent="([\d.]+)"')
_CONF_PROBED = 5
"""nmap's service `conf` is 3 for a guess from the port table and 10 when a probe matched."""


def build_args(
    binary: str,
    address: str,
    ports: list[int],
    *,
    host_timeout_seconds: float,
    service_detection: bool = False,
    version_intensity: int = 2,
    max_rate: float = 100.0,
    stats_every_seconds: float = 2.0,
) -> list[str]:
    """The nmap command line for a connect scan of `ports` on one address."""
    args = [binary, "-sT", "-Pn", "-n", "--host-timeout", f"{max(int(host_timeout_seconds), 1)}s"]
    if max_rate > 0:
        args += ["--max-rate", f"{max_rate:g}"]
    if service_detection:
        args += ["-sV", "--version-intensity", str(min(max(int(version_intensity), 0), 9))]
    if ":" in address:
        args.append("-6")
    args += ["--stats-every", f"{stats_every_seconds:g}s", "-p", ",".join(str(p) for p in ports), "-oX", "-", address]
    return args


async def run_nmap(args: list[str], timeout_seconds: float, on_progress: ProgressCallback | None = None) -> str:
    """Run nmap, stream its XML, report progress; ProbeError if it fails or overruns."""
    proc = await asyncio.create_subprocess_exec(
        *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    assert proc.stdout is not None and proc.stderr is not None
    chunks: list[bytes] = []

    async def pump() -> bytes:
        async for line in proc.stdout:  # type: ignore[union-attr]
            chunks.append(line)
            match = _PROGRESS.search(line)
            if match and on_progress is not None:
                on_progress(match.group(1).decode(), float(match.group(2)))
        return await proc.stderr.read()  # type: ignore[union-attr]

    try:
        err = await asyncio.wait_for(pump(), timeout_seconds)
        await asyncio.wait_for(proc.wait(), 5)
    except asyncio.TimeoutError as exc:
        proc.kill()
        await proc.wait()
        raise ProbeError(said("probe.ports.nmap_killed", seconds=f"{timeout_seconds:g}")) from exc
    except asyncio.CancelledError:
        proc.kill()
        await proc.wait()
        raise
    if proc.returncode != 0:
        reason = err.decode(errors="replace").strip().splitlines()
        raise ProbeError(f"nmap failed (exit {proc.returncode}): {(reason[0] if reason else 'no message')[:200]}")
    return b"".join(chunks).decode(errors="replace")


def parse_nmap_xml(xml: str) -> dict[str, Any]:
    """Parse nmap's XML with python-nmap; ProbeError when it is truncated or not XML."""
    # PortScanner() runs `nmap -V` in its constructor; only its XML parser is needed here.
    scanner = nmap.PortScanner.__new__(nmap.PortScanner)
    if "</nmaprun>" not in xml:
        raise ProbeError(f"nmap's XML output is truncated ({len(xml)} characters, no </nmaprun>); nmap was interrupted?")
    try:
        return dict(scanner.analyse_nmap_xml_scan(xml))
    except (nmap.PortScannerError, ValueError, KeyError, AttributeError) as exc:
        raise ProbeError(f"nmap's XML output cannot be parsed ({type(exc).__name__}); is nmap 7 installed?") from exc


def _expand(ranges: str) -> set[int]:
    """'1-5,7' -> {1, 2, 3, 4, 5, 7}."""
    ports: set[int] = set()
    for part in ranges.split(","):
        low, _, high = part.strip().partition("-")
        if low.isdigit():
            ports.update(range(int(low), int(high or low) + 1))
    return ports


def extra_port_states(xml: str) -> dict[int, str]:
    """States of the ports nmap folds into `<extraports>` (not listed one by one).

    nmap 7.80+ names them in `<extrareasons ports="1-5,7">`; python-nmap ignores these elements.
    """
    states: dict[int, str] = {}
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError:
        return states
    for extra in root.iter("extraports"):
        state = extra.get("state", "")
        state = state if state in ("open", "closed") else "filtered"
        for reasons in extra.iter("extrareasons"):
            for port in _expand(reasons.get("ports", "")):
                states[port] = state
    return states


def states_from_xml(xml: str, address: str, scanned: list[int]) -> tuple[list[PortState], bool]:
    """Port states of `address` from nmap's XML, and whether nmap's host timeout expired.

    A scanned port that nmap's XML does not account for is reported 'filtered': no claim is made.
    """
    parsed = parse_nmap_xml(xml)
    timed_out = re.search(r'<host [^>]*timedout="true"', xml) is not None
    host = parsed.get("scan", {}).get(address)
    if host is None:
        if timed_out:
            return [], True
        raise ProbeError(f"nmap reported no result for {address}; check that the address is right")
    states = []
    for port, info in sorted(host.get("tcp", {}).items()):
        state = str(info.get("state", ""))
        # nmap's open|filtered and closed|filtered are not proof of anything open.
        state = state if state in ("open", "closed") else "filtered"
        conf = int(info.get("conf") or 0)
        states.append(PortState(
            int(port), state, service=info.get("name", ""), product=info.get("product", ""),
            version=info.get("version", ""), detected=conf >= _CONF_PROBED,
        ))
    listed = {s.port for s in states}
    extra = extra_port_states(xml)
    states += [PortState(p, extra.get(p, "filtered")) for p in scanned if p not in listed]
    return sorted(states, key=lambda s: s.port), timed_out


async def nmap_scan(
    address: str,
    ports: list[int],
    *,
    scan_timeout_seconds: float,
    service_detection: bool,
    version_intensity: int = 2,
    version_timeout_seconds: float = 40.0,
    max_rate: float = 100.0,
    on_progress: ProgressCallback | None = None,
    skip_detection: frozenset[int] = frozenset(),
) -> tuple[list[PortState], bool]:
    """Connect-scan `ports`, then (optionally) detect versions of the open ones.

    `skip_detection` are ports whose service other probes measure in depth (the site's own HTTP and
    HTTPS ports): -sV on them costs seconds per host (TLS probing) and would tell nothing new.

    Returns the states and whether version detection completed. ProbeError when nmap is missing,
    fails, overruns, or its port scan itself hit the host timeout.
    """
    binary = shutil.which("nmap")
    if binary is None:
        raise ProbeError(said("probe.ports.nmap_not_installed"))
    args = build_args(binary, address, ports, host_timeout_seconds=scan_timeout_seconds, max_rate=max_rate)
    xml = await run_nmap(args, scan_timeout_seconds + 10, on_progress)
    states, timed_out = states_from_xml(xml, address, ports)
    if timed_out:
        raise ProbeError(said("probe.ports.host_timeout", address=address, seconds=f"{scan_timeout_seconds:g}"))
    open_ports = [s.port for s in states if s.state == "open" and s.port not in skip_detection]
    if not service_detection or not open_ports:
        return states, True
    args = build_args(binary, address, open_ports, host_timeout_seconds=version_timeout_seconds,
                      service_detection=True, version_intensity=version_intensity, max_rate=max_rate)
    xml = await run_nmap(args, version_timeout_seconds + 10, on_progress)
    detected, timed_out = states_from_xml(xml, address, open_ports)
    if timed_out:
        return states, False
    by_port = {s.port: s for s in detected if s.state == "open"}
    # A port that closed between the passes keeps its first state; detection only adds names.
    return [by_port.get(s.port, s) for s in states], True


def nmap_version() -> str:
    """`nmap --version`'s first line, or '' without nmap."""
    binary = shutil.which("nmap")
    if not binary:
        return ""
    try:
        out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.splitlines()[0].strip() if out else ""
