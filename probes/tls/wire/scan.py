"""Enumerate protocols, cipher suites and groups of one server with our own ClientHellos.

For each protocol the scanner offers every suite it knows, notes the one the server picks, removes
it and asks again until the server refuses (the method of sslyze and testssl.sh); one more hello
with the accepted suites reversed tells whether the server imposes its own order. Protocols are
scanned concurrently under a per-host cap (`max_concurrency`); each handshake is bounded by the
timeout. Failures are recorded per check, never raised.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from audit.phrases import said
from probes.tls.wire.conn import Exchange, Preamble, exchange
from probes.tls.wire.hello import (
    CLASSIC_GROUPS,
    TLS13_GROUPS,
    HelloOptions,
    client_hello_record,
    sslv2_client_hello,
)
from probes.tls.wire.records import (
    ALERTS,
    Flight,
    TlsProtocolError,
    group_bits,
    group_name,
    parse_key_exchange,
)
from probes.tls.wire.suites import sslv2_kinds, suite, suites_for

PROTOCOLS = ("SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3")
WIRE = {"SSLv3": 0x0300, "TLSv1.0": 0x0301, "TLSv1.1": 0x0302, "TLSv1.2": 0x0303, "TLSv1.3": 0x0304}
# A fixed X25519 public value: the scan never completes the exchange, so any valid point will do.
_X25519_SHARE = bytes.fromhex("358072d6365880d1aeea329adf9121383851ed21a28e3b75e965d0d2cd166254")


@dataclass
class AcceptedSuite:
    """A suite the server accepted, with the ephemeral key it used."""

    code: int
    name: str
    kex_type: str | None = None
    """'ECDH' or 'DH' for ephemeral key exchange, None for static RSA."""
    kex_bits: int | None = None
    group: str | None = None


@dataclass
class ProtocolResult:
    """What one protocol version's scan found."""

    protocol: str
    status: str = "error"
    """'accepted', 'rejected' or 'error'."""
    detail: str = ""
    suites: list[AcceptedSuite] = field(default_factory=list)
    server_order: bool | None = None
    complete: bool = True
    """False when the enumeration stopped on an error, so the suite list may be short."""
    first: Flight | None = None
    cert_flight: Flight | None = None
    """The first accepted handshake that carried a certificate (anonymous suites carry none)."""
    cert_flights: dict[str, Flight] = field(default_factory=dict)
    """The first handshake with a certificate per authentication (RSA, ECDSA, DSS): a server with an
    RSA and an ECDSA certificate sends each with the suites that need it."""


@dataclass
class ScanResult:
    """Everything the scan gathered; `handshakes` counts connections made."""

    protocols: dict[str, ProtocolResult]
    groups: list[str] | None = None
    groups_error: str | None = None
    handshakes: int = 0
    errors: dict[str, str] = field(default_factory=dict)


class Scanner:
    """Scans one host:port; `sni` is the name sent in server_name (None for an IP address).

    `preamble` runs on each connection before the ClientHello (STARTTLS for the mail probe).
    """

    def __init__(self, host: str, port: int, sni: str | None, timeout: float, max_concurrency: int = 8,
                 preamble: Preamble | None = None) -> None:
        self.host, self.port, self.sni, self.timeout = host, port, sni, timeout
        self.preamble = preamble
        self._sem = asyncio.Semaphore(max_concurrency)
        self.handshakes = 0

    def slot(self) -> asyncio.Semaphore:
        """The per-host cap; hold it around any extra connection made outside `hello`."""
        return self._sem

    async def hello(self, protocol: str, codes: list[int], **options: object) -> Exchange:
        """One ClientHello for `protocol` offering `codes`; the reply parsed."""
        opts = HelloOptions(protocol, codes, host=self.sni, **options)  # type: ignore[arg-type]
        if protocol == "TLSv1.3" and "key_shares" not in options:
            opts.key_shares = {29: _X25519_SHARE}
        payload, _ = client_hello_record(opts)
        async with self._sem:
            self.handshakes += 1
            return await exchange(self.host, self.port, payload, self.timeout, preamble=self.preamble)

    async def accepts(self, protocol: str) -> tuple[str, str, Exchange]:
        """One hello offering every suite of `protocol` (not SSLv2): ('accepted'|'rejected'|'error', detail, exchange).

        Enough to tell which versions a server takes when a full suite enumeration would cost too
        many connections (an MX behind STARTTLS).
        """
        offer = [s.code for s in suites_for(protocol)]
        ex = await self.hello(protocol, offer)
        verdict = self._verdict(protocol, ex, offer)
        return (*(verdict or ("accepted", "")), ex)

    async def scan(self) -> ScanResult:
        """Scan all protocols concurrently, then the groups of the best ECDHE-capable protocol."""
        results = await asyncio.gather(*(self._protocol(p) for p in PROTOCOLS))
        scan = ScanResult({r.protocol: r for r in results})
        await self._groups(scan)
        return scan

    async def _protocol(self, protocol: str) -> ProtocolResult:
        if protocol == "SSLv2":
            return await self._sslv2()
        result = ProtocolResult(protocol)
        offer = [s.code for s in suites_for(protocol)]
        extra = {} if protocol == "TLSv1.3" else {"compression": True, "heartbeat": True}
        while offer:
            ex = await self.hello(protocol, offer, **extra)
            extra = {}
            verdict = self._verdict(protocol, ex, offer)
            if verdict is not None:  # refused, or an error
                status, detail = verdict
                if not result.suites:
                    result.status, result.detail = status, detail
                elif status == "error":
                    result.complete, result.detail = False, f"suite enumeration stopped: {detail}"
                break
            hello = ex.parser.flight.server_hello
            assert hello is not None
            if result.first is None:
                result.status, result.first = "accepted", ex.parser.flight
            if ex.parser.flight.certificates:
                if result.cert_flight is None:
                    result.cert_flight = ex.parser.flight
                entry = suite(hello.cipher_suite)
                result.cert_flights.setdefault(entry.auth if entry else "?", ex.parser.flight)
            result.suites.append(self._accepted(hello.cipher_suite, ex.parser.flight, protocol))
            offer.remove(hello.cipher_suite)
        if len(result.suites) > 1:
            result.server_order = await self._server_order(protocol, result)
        return result

    def _verdict(self, protocol: str, ex: Exchange, offer: list[int]) -> tuple[str, str] | None:
        """None when the server accepted `protocol` with a suite we offered; else (status, detail)."""
        flight = ex.parser.flight
        hello = flight.server_hello
        if hello is not None:
            if hello.version != WIRE[protocol]:
                return "rejected", f"server answered with version 0x{hello.version:04X}"
            if hello.cipher_suite not in offer:
                return "error", f"server chose suite 0x{hello.cipher_suite:04X}, which was not offered"
            return None  # the ServerHello proves acceptance even if the rest of the flight fails
        if flight.alert is not None:
            name = ALERTS.get(flight.alert[1], str(flight.alert[1]))
            return "rejected", f"alert {name}"
        if ex.closed:
            return "rejected", "connection closed without a reply"
        return "error", ex.error or "no reply"

    def _accepted(self, code: int, flight: Flight, protocol: str) -> AcceptedSuite:
        entry = suite(code)
        accepted = AcceptedSuite(code, entry.name if entry else f"0x{code:04X}")
        hello = flight.server_hello
        if protocol == "TLSv1.3" and hello is not None and hello.key_share_group is not None:
            group = hello.key_share_group
            accepted.kex_type = "DH" if 256 <= group <= 260 else "ECDH"
            accepted.kex_bits, accepted.group = group_bits(group), group_name(group)
        elif flight.key_exchange is not None and entry is not None:
            try:
                kind, bits, group_id = parse_key_exchange(flight.key_exchange, entry.kex)
            except TlsProtocolError:
                return accepted
            accepted.kex_type, accepted.kex_bits = kind, bits
            accepted.group = group_name(group_id) if group_id is not None else None
        return accepted

    async def _server_order(self, protocol: str, result: ProtocolResult) -> bool | None:
        # Offer the accepted suites in reverse: a server that keeps picking its first choice imposes
        # its own order (OpenSSL's SSL_OP_CIPHER_SERVER_PREFERENCE, nginx ssl_prefer_server_ciphers).
        reverse = [s.code for s in reversed(result.suites)]
        ex = await self.hello(protocol, reverse)
        hello = ex.parser.flight.server_hello
        if hello is None:
            return None
        return hello.cipher_suite == result.suites[0].code

    async def _sslv2(self) -> ProtocolResult:
        result = ProtocolResult("SSLv2")
        kinds = list(sslv2_kinds())
        async with self._sem:
            self.handshakes += 1
            ex = await exchange(self.host, self.port, sslv2_client_hello(kinds), self.timeout, sslv2=True)
        flight = ex.parser.flight
        if flight.sslv2_hello is not None:
            names = sslv2_kinds()
            offered = [k for k in flight.sslv2_hello.cipher_kinds if k in names]
            result.status = "accepted" if offered else "rejected"
            result.detail = "" if offered else said("probe.tls.wire.sslv2_no_common")
            result.suites = [AcceptedSuite(k, names[k]) for k in offered]
            result.first = flight
        elif flight.alert is not None or flight.server_hello is not None or ex.closed:
            result.status, result.detail = "rejected", said("probe.tls.wire.no_sslv2_hello")
        else:
            result.status, result.detail = "error", ex.error or said("probe.tls.wire.no_reply")
        return result

    async def _groups(self, scan: ScanResult) -> None:
        """Enumerate key-exchange groups, preferring TLS 1.3 (every group) over an ECDHE TLS 1.2."""
        proto = next((p for p in ("TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1.0")
                      if scan.protocols[p].status == "accepted"
                      and (p == "TLSv1.3" or any(s.kex_type == "ECDH" for s in scan.protocols[p].suites))), None)
        if proto is None:
            return
        codes = [s.code for s in scan.protocols[proto].suites]
        if proto != "TLSv1.3":
            codes = [s.code for s in scan.protocols[proto].suites if s.kex_type == "ECDH"]
        offer = list(TLS13_GROUPS if proto == "TLSv1.3" else [g for g in CLASSIC_GROUPS if g < 256])
        found: list[str] = []
        while offer:
            shares = {29: _X25519_SHARE} if 29 in offer else {}
            opts: dict[str, object] = {"groups": offer}
            if proto == "TLSv1.3":
                opts["key_shares"] = shares
            ex = await self.hello(proto, codes, **opts)
            flight = ex.parser.flight
            group: int | None = None
            if flight.server_hello is not None and flight.server_hello.version == WIRE[proto]:
                if proto == "TLSv1.3":
                    group = flight.server_hello.key_share_group
                elif flight.key_exchange is not None:
                    entry = suite(flight.server_hello.cipher_suite)
                    try:
                        group = parse_key_exchange(flight.key_exchange, entry.kex if entry else "")[2]
                    except TlsProtocolError:
                        group = None
            if group is None or group not in offer:
                if ex.error and flight.alert is None and flight.server_hello is None:
                    scan.groups_error = ex.error
                break
            found.append(group_name(group))
            offer.remove(group)
        scan.groups = found
