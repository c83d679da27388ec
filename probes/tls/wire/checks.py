"""Session features and vulnerability checks, from the scan's handshakes or a few more of our own.

Features read from ServerHello extensions of the best pre-TLS 1.3 handshake: secure renegotiation
(RFC 5746), extended master secret (RFC 7627), compression (RFC 3749, the CRIME precondition), OCSP
stapling (RFC 6066 section 8). Three checks need one more connection each: TLS_FALLBACK_SCSV
(RFC 7507), Heartbleed (CVE-2014-0160, RFC 6520; only when the server echoes the heartbeat
extension) and OpenSSL's early CCS injection (CVE-2014-0224; only without TLS 1.3). Each returns `Check(value, error)`; an error never becomes a False.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from probes.tls.wire.conn import Connection
from probes.tls.wire.hello import (
    HEARTBLEED_CLAIM,
    HelloOptions,
    client_hello_record,
    heartbeat_requests,
    record,
)
from probes.tls.wire.records import ALERTS, FlightParser, ServerHello
from probes.tls.wire.scan import WIRE, ProtocolResult, Scanner, ScanResult

ORDER = ("SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3")
EXT_HEARTBEAT, EXT_EMS, EXT_SESSION_TICKET, EXT_STATUS_REQUEST, EXT_RENEGOTIATION = 15, 23, 35, 5, 0xFF01


@dataclass
class Check:
    """A check's value (None when not applicable) or the reason it could not be made."""

    value: Any = None
    error: str | None = None


def accepted(scan: ScanResult) -> list[ProtocolResult]:
    """Accepted SSL 3.0+ protocols, oldest first."""
    return [scan.protocols[p] for p in ORDER if scan.protocols[p].status == "accepted"]


def best_legacy(scan: ScanResult) -> ProtocolResult | None:
    """The newest accepted protocol before TLS 1.3, whose ServerHello carries the TLS 1.2 features."""
    older = [p for p in accepted(scan) if p.protocol != "TLSv1.3"]
    return older[-1] if older else None


def _hello(result: ProtocolResult | None) -> ServerHello | None:
    return result.first.server_hello if result and result.first else None


def session_features(scan: ScanResult) -> dict[str, Check]:
    """secure_renegotiation, extended_master_secret, compression, session_tickets from the scan.

    A TLS 1.3-only server gets True for renegotiation and EMS: TLS 1.3 has no renegotiation
    (RFC 8446 section 4.1.2 forbids it) and always binds the master secret to the transcript.
    """
    hello = _hello(best_legacy(scan))
    if hello is None:
        if scan.protocols["TLSv1.3"].status == "accepted":
            yes = Check(True)
            return {"secure_renegotiation": yes, "extended_master_secret": yes, "compression": Check(False),
                    "session_tickets": Check(None)}
        return {}
    compressed = any(_hello(p) is not None and _hello(p).compression != 0 for p in accepted(scan))  # type: ignore[union-attr]
    return {
        "secure_renegotiation": Check(EXT_RENEGOTIATION in hello.extensions),
        "extended_master_secret": Check(EXT_EMS in hello.extensions),
        "compression": Check(compressed),
        "session_tickets": Check(EXT_SESSION_TICKET in hello.extensions),
    }


async def fallback_scsv(scanner: Scanner, scan: ScanResult) -> Check:
    """Whether the server refuses a downgraded retry marked with TLS_FALLBACK_SCSV (RFC 7507 section 3).

    Not applicable (value None) when only one protocol version is accepted.
    """
    protos = accepted(scan)
    if len(protos) < 2:
        return Check(None)
    lower = protos[-2]
    ex = await scanner.hello(lower.protocol, [s.code for s in lower.suites], fallback_scsv=True)
    flight = ex.parser.flight
    if flight.alert is not None:
        if flight.alert[1] == 86:  # inappropriate_fallback
            return Check(True)
        return Check(error=f"unexpected alert {ALERTS.get(flight.alert[1], flight.alert[1])} to a fallback hello")
    if flight.server_hello is not None:
        return Check(flight.server_hello.version != WIRE[lower.protocol])
    return Check(error=ex.error or "no reply to a fallback hello")


async def heartbleed(scanner: Scanner, scan: ScanResult, wait_seconds: float = 1.0) -> Check:
    """Whether the server leaks memory in a heartbeat response (CVE-2014-0160).

    Servers that do not echo the heartbeat extension cannot be vulnerable and cost no handshake.
    Otherwise: finish reading the server's flight, send a heartbeat request that claims 16 bytes
    of payload but carries one (and a correct one after it), and see which one is answered.
    """
    target = next((p for p in reversed(accepted(scan)) if p.protocol != "TLSv1.3"
                   and _hello(p) is not None and EXT_HEARTBEAT in _hello(p).extensions), None)  # type: ignore[union-attr]
    if target is None:
        return Check(False)
    version = WIRE[target.protocol]
    payload, _ = client_hello_record(HelloOptions(target.protocol, [s.code for s in target.suites],
                                                  host=scanner.sni, heartbeat=True))
    parser = FlightParser()
    scanner.handshakes += 1
    try:
        async with scanner.slot(), Connection(scanner.host, scanner.port, scanner.timeout) as conn:
            await conn.send(payload)
            ex = await conn.read_until(parser, lambda p: p.done)
            if ex.error or ex.closed or not parser.flight.hello_done:
                return Check(error=ex.error or "the server ended the handshake before ServerHelloDone")
            await conn.send(heartbeat_requests(version))
            await conn.read_until(parser, lambda p: p.flight.heartbeat is not None,
                                  timeout=min(wait_seconds, scanner.timeout))
    except (OSError, TimeoutError) as exc:
        return Check(error=f"connection failed: {exc}")
    beat = parser.flight.heartbeat or b""
    # The first response (type 2) tells: an answer to the over-long request carries the 16 bytes it
    # claimed, which the server could only take from its memory; an answer to the correct one, 1 byte.
    claimed = int.from_bytes(beat[1:3], "big") if len(beat) >= 3 and beat[0] == 2 else 0
    return Check(claimed == HEARTBLEED_CLAIM and len(beat) >= 3 + HEARTBLEED_CLAIM)


async def ccs_injection(scanner: Scanner, scan: ScanResult, wait_seconds: float = 2.0) -> Check:
    """Whether the server accepts a ChangeCipherSpec before the key exchange (CVE-2014-0224).

    As sslyze does: after ServerHelloDone send an early CCS, then a small application-data record.
    A patched server rejects the CCS (unexpected_message); a vulnerable one switches to keys made
    from an empty master secret and fails to decrypt the record (bad_record_mac). Servers with
    TLS 1.3 run an OpenSSL far newer than the bug and cost no handshake.
    """
    target = best_legacy(scan)
    if target is None or scan.protocols["TLSv1.3"].status == "accepted":
        return Check(False)
    version = WIRE[target.protocol]
    payload, _ = client_hello_record(HelloOptions(target.protocol, [s.code for s in target.suites], host=scanner.sni))
    parser = FlightParser()
    scanner.handshakes += 1
    try:
        async with scanner.slot(), Connection(scanner.host, scanner.port, scanner.timeout) as conn:
            await conn.send(payload)
            ex = await conn.read_until(parser, lambda p: p.done)
            if ex.error or ex.closed or not parser.flight.hello_done:
                return Check(error=ex.error or "the server ended the handshake before ServerHelloDone")
            await conn.send(record(20, version, b"\x01") + record(23, version, b"\x00\x00"))
            await conn.read_until(parser, lambda p: p.flight.alert is not None,
                                  timeout=min(wait_seconds, scanner.timeout))
    except (OSError, TimeoutError) as exc:
        return Check(error=f"connection failed: {exc}")
    alert = parser.flight.alert
    return Check(alert is not None and alert[1] == 20)  # bad_record_mac: it decrypted with the injected keys
