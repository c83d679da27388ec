"""The built-in scanner: asyncio TCP connects with a passive banner grab, for when nmap is missing.

Each port gets one connect (bounded by `timeout`); an open port is then read for a short while,
since many services (SSH, FTP, SMTP, MySQL) greet first. On the catalogue's web ports and the
site's own ports only, a single `HEAD / HTTP/1.0` is sent when nothing was said, to read the Server
header; nothing is ever sent to other services (no payloads). Starts are spaced to respect `max_rate` connections per
second (the same politeness as nmap's `--max-rate`).
"""

from __future__ import annotations

import asyncio
import contextlib
import time

from probes.ports.catalogue import PortCatalogue, table_service
from probes.ports.results import PortState, identify_banner

BANNER_BYTES = 512


async def _read_banner(reader: asyncio.StreamReader, seconds: float) -> bytes:
    try:
        return await asyncio.wait_for(reader.read(BANNER_BYTES), seconds)
    except (asyncio.TimeoutError, OSError):
        return b""


async def probe_port(
    address: str, port: int, timeout: float, banner_seconds: float, http_host: str | None
) -> PortState:
    """Connect to one port and, if it is open, grab what the service says first."""
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(address, port), timeout)
    except asyncio.TimeoutError:
        return PortState(port, "filtered")
    except ConnectionRefusedError:
        return PortState(port, "closed")
    except OSError:
        # Unreachable network or host (ICMP error): nmap reports these as filtered too.
        return PortState(port, "filtered")
    try:
        data = b""
        if banner_seconds > 0:
            data = await _read_banner(reader, banner_seconds)
            if not data and http_host is not None:
                writer.write(f"HEAD / HTTP/1.0\r\nHost: {http_host}\r\n\r\n".encode("ascii", "replace"))
                data = await _read_banner(reader, banner_seconds)
    finally:
        writer.close()
        with contextlib.suppress(asyncio.TimeoutError, OSError):
            await asyncio.wait_for(writer.wait_closed(), 1.0)
    banner = data.decode("latin-1")
    service, product, version = identify_banner(banner) if banner else ("", "", "")
    return PortState(
        port, "open", service=service, product=product, version=version,
        detected=bool(service), banner=banner[:200].strip(),
    )


async def connect_scan(
    address: str,
    ports: list[int],
    timeout: float,
    *,
    catalogue: PortCatalogue,
    banner_seconds: float = 2.0,
    http_host: str | None = None,
    http_ports: frozenset[int] = frozenset(),
    concurrency: int = 32,
    max_rate: float = 100.0,
) -> list[PortState]:
    """Scan `ports` on `address`; open ports carry what their banner names (or the table name).

    A silent open port gets one `HEAD /` only if it is a catalogue web port, in `http_ports` (the
    audited site's own ports) or a risky port whose service speaks HTTP (a hosting panel, Kibana...),
    so that what answers there can be told from the service its number suggests.
    """
    gate = asyncio.Semaphore(concurrency)
    interval = 1.0 / max_rate if max_rate > 0 else 0.0
    start = time.monotonic()

    async def one(index: int, port: int) -> PortState:
        # Pace connection starts: the i-th connect starts no earlier than i / max_rate seconds in.
        delay = start + index * interval - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        async with gate:
            web = http_host if port in catalogue.web_ports or port in http_ports or port in catalogue.http_look_ports else None
            state = await probe_port(address, port, timeout, banner_seconds, web)
        if state.state == "open" and not state.service:
            state = PortState(port, "open", service=table_service(port, catalogue), banner=state.banner)
        return state

    return list(await asyncio.gather(*(one(i, p) for i, p in enumerate(ports))))
