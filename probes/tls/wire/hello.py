"""Build ClientHello messages ourselves, so that what we can test does not depend on local OpenSSL.

One builder covers SSL 3.0 to TLS 1.3 (RFC 6101 5.6.1.2, RFC 5246 7.4.1.2, RFC 8446 4.1.2) and one
builds the SSL 2.0 CLIENT-HELLO. The hello offers what a scanner needs to see the server's choice:
every suite we ask about, every group, every signature scheme, and the extensions whose echo tells
us a feature (renegotiation_info, extended_master_secret, status_request, heartbeat).
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass, field

from probes.tls.wire.records import GROUPS

VERSIONS = {"SSLv3": 0x0300, "TLSv1.0": 0x0301, "TLSv1.1": 0x0302, "TLSv1.2": 0x0303, "TLSv1.3": 0x0304}
# Groups offered before TLS 1.3 exclude the hybrid post-quantum ones (RFC 8446-only).
CLASSIC_GROUPS = [29, 23, 24, 25, 30, 26, 27, 28, 21, 19, 256, 257, 258, 259, 260]
TLS13_GROUPS = [0x11EC, 29, 23, 24, 25, 30, 256, 257, 258, 259, 260, 0x11EB, 0x11ED]
# RFC 8446 4.2.3 signature schemes, then the legacy (hash, signature) pairs of RFC 5246 7.4.1.4.1.
ECDSA_SCHEMES = [0x0403, 0x0503, 0x0603]
"""ecdsa_secp256r1_sha256, _secp384r1_sha384, _secp521r1_sha512 (RFC 8446 4.2.3)."""
RSA_SCHEMES = [0x0804, 0x0805, 0x0806, 0x0809, 0x080A, 0x080B, 0x0401, 0x0501, 0x0601]
"""rsa_pss_rsae_*, rsa_pss_pss_* and rsa_pkcs1_* (RFC 8446 4.2.3): a TLS 1.3 server then sends its RSA certificate."""
SIGNATURE_SCHEMES = [0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0804, 0x0805, 0x0806, 0x0809, 0x080A, 0x080B,
                     0x0401, 0x0501, 0x0601, 0x0303, 0x0301, 0x0302, 0x0203, 0x0201, 0x0202, 0x0101, 0x0102]
assert all(g in GROUPS for g in CLASSIC_GROUPS + TLS13_GROUPS)


@dataclass
class HelloOptions:
    """What to put in one ClientHello."""

    protocol: str
    suites: list[int]
    host: str | None = None
    """SNI host name; None for an IP literal, which RFC 6066 section 3 forbids in SNI."""
    groups: list[int] | None = None
    key_shares: dict[int, bytes] = field(default_factory=dict)
    """TLS 1.3 key shares by group (RFC 8446 4.2.8)."""
    compression: bool = False
    """Offer DEFLATE (RFC 3749) before NULL, to learn whether the server would compress."""
    heartbeat: bool = False
    fallback_scsv: bool = False
    """Add TLS_FALLBACK_SCSV (RFC 7507 section 4) to mark a downgraded retry."""
    record_version: int = 0x0301
    signature_schemes: list[int] | None = None
    """signature_algorithms to offer (None: all of SIGNATURE_SCHEMES); TLS 1.3 picks the certificate by them."""


def _ext(ext_type: int, data: bytes) -> bytes:
    return struct.pack("!HH", ext_type, len(data)) + data


def _vec16(items: list[int]) -> bytes:
    body = b"".join(struct.pack("!H", i) for i in items)
    return struct.pack("!H", len(body)) + body


def client_hello(opts: HelloOptions) -> bytes:
    """The ClientHello handshake message (type 1 with its 24-bit length), without the record header."""
    tls13 = opts.protocol == "TLSv1.3"
    legacy = 0x0303 if tls13 else VERSIONS[opts.protocol]
    suites = list(opts.suites)
    if opts.protocol == "SSLv3":
        suites.append(0x00FF)  # RFC 5746 3.3: the SCSV stands in for renegotiation_info in SSLv3
    if opts.fallback_scsv:
        suites.append(0x5600)
    body = struct.pack("!H", legacy) + os.urandom(32)
    body += b"\x20" + os.urandom(32) if tls13 else b"\x00"  # RFC 8446 D.4: non-empty legacy session id
    body += _vec16(suites)
    body += b"\x02\x01\x00" if opts.compression else b"\x01\x00"
    if opts.protocol != "SSLv3":
        exts = _extensions(opts, tls13)
        # RFC 7685: pad hellos of 256-511 bytes to 512, which some middleboxes mishandle.
        size = len(body) + 2 + len(exts) + 4
        if 256 <= size < 512:
            exts += _ext(21, b"\x00" * max(0, 512 - size - 4))
        body += struct.pack("!H", len(exts)) + exts
    return b"\x01" + len(body).to_bytes(3, "big") + body


def _extensions(opts: HelloOptions, tls13: bool) -> bytes:
    exts = b""
    if opts.host:
        name = opts.host.encode("idna")
        entry = b"\x00" + struct.pack("!H", len(name)) + name
        exts += _ext(0, struct.pack("!H", len(entry)) + entry)  # server_name, RFC 6066 section 3
    exts += _ext(5, b"\x01\x00\x00\x00\x00")  # status_request (OCSP), RFC 6066 section 8
    groups = opts.groups if opts.groups is not None else (TLS13_GROUPS if tls13 else CLASSIC_GROUPS)
    exts += _ext(10, _vec16(groups))  # supported_groups, RFC 8422 5.1.1 / RFC 7919
    exts += _ext(11, b"\x01\x00")  # ec_point_formats: uncompressed, RFC 8422 5.1.2
    exts += _ext(13, _vec16(opts.signature_schemes or SIGNATURE_SCHEMES))  # signature_algorithms
    if opts.heartbeat:
        exts += _ext(15, b"\x01")  # heartbeat, peer_allowed_to_send, RFC 6520 section 2
    exts += _ext(23, b"")  # extended_master_secret, RFC 7627 section 5.1
    exts += _ext(35, b"")  # session_ticket, RFC 5077
    if tls13:
        exts += _ext(43, b"\x02\x03\x04")  # supported_versions: TLS 1.3 only, RFC 8446 4.2.1
        exts += _ext(45, b"\x01\x01")  # psk_key_exchange_modes: psk_dhe_ke
        shares = b"".join(struct.pack("!HH", g, len(k)) + k for g, k in opts.key_shares.items())
        exts += _ext(51, struct.pack("!H", len(shares)) + shares)  # key_share, RFC 8446 4.2.8
    exts += _ext(0xFF01, b"\x00")  # renegotiation_info, empty (initial handshake), RFC 5746 3.4
    return exts


def record(content_type: int, version: int, payload: bytes) -> bytes:
    """Wrap a payload in TLS records (fragmenting at 2^14 bytes, RFC 5246 6.2.1)."""
    out = b""
    for i in range(0, max(len(payload), 1), 2**14):
        chunk = payload[i : i + 2**14]
        out += struct.pack("!BHH", content_type, version, len(chunk)) + chunk
    return out


def client_hello_record(opts: HelloOptions) -> tuple[bytes, bytes]:
    """The ClientHello wrapped in handshake records, and the bare message (for TLS 1.3 transcripts)."""
    message = client_hello(opts)
    version = 0x0300 if opts.protocol == "SSLv3" else opts.record_version
    return record(22, version, message), message


def sslv2_client_hello(kinds: list[int]) -> bytes:
    """An SSL 2.0 CLIENT-HELLO with a 2-byte record header (draft-hickman-netscape-ssl-00, C)."""
    specs = b"".join(k.to_bytes(3, "big") for k in kinds)
    challenge = os.urandom(16)
    body = b"\x01" + struct.pack("!HHHH", 0x0002, len(specs), 0, len(challenge)) + specs + challenge
    return struct.pack("!H", 0x8000 | len(body)) + body


HEARTBLEED_CLAIM = 16
"""The payload length our over-long heartbeat request claims; it carries one byte."""


def heartbeat_requests(version: int) -> bytes:
    """Two heartbeat requests: one claiming 16 payload bytes but carrying 1, then a correct one.

    RFC 6520 section 4 tells a correct server to discard the first silently; a Heartbleed-vulnerable
    one answers it with 16 bytes of its memory, which is all we ask for (the harmless check the
    peers use). The second, well-formed request (1 byte, 16 bytes of padding) lets a patched server
    that does answer heartbeats tell us "not vulnerable" at once instead of making us wait.
    """
    bad = b"\x01" + struct.pack("!H", HEARTBLEED_CLAIM) + b"\x42"
    good = b"\x01" + struct.pack("!H", 1) + b"\x43" + b"\x00" * 16
    return record(24, version, bad) + record(24, version, good)
