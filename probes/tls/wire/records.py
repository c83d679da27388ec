"""Parse what a TLS (or SSL 2.0) server sends back to a ClientHello, defensively.

`FlightParser` is fed raw bytes as they arrive and turns them into records (RFC 5246 section 6.2,
RFC 8446 section 5.1), then handshake messages (RFC 5246 section 7.4), alerts (section 7.2) and
heartbeat messages (RFC 6520 section 3). It never trusts a length: a record longer than
2^14 + 2048 bytes (RFC 5246 section 6.2.3) or a handshake flight over `MAX_HANDSHAKE_BYTES` is a
`TlsProtocolError`, as is any byte sequence that is not TLS. No other exception escapes it; the
hypothesis fuzz test holds it to that.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

CONTENT_CCS, CONTENT_ALERT, CONTENT_HANDSHAKE, CONTENT_APPDATA, CONTENT_HEARTBEAT = 20, 21, 22, 23, 24
HS_SERVER_HELLO, HS_CERTIFICATE, HS_SERVER_KEY_EXCHANGE = 2, 11, 12
HS_CERTIFICATE_REQUEST, HS_SERVER_HELLO_DONE, HS_CERTIFICATE_STATUS = 13, 14, 22
MAX_RECORD = 2**14 + 2048
MAX_HANDSHAKE_BYTES = 512 * 1024
# RFC 8446 section 4.1.3: a ServerHello with this random is a HelloRetryRequest.
HRR_RANDOM = bytes.fromhex("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c")
VERSION_NAMES = {0x0002: "SSLv2", 0x0300: "SSLv3", 0x0301: "TLSv1.0", 0x0302: "TLSv1.1", 0x0303: "TLSv1.2", 0x0304: "TLSv1.3"}
ALERTS = {0: "close_notify", 10: "unexpected_message", 20: "bad_record_mac", 40: "handshake_failure",
          42: "bad_certificate", 47: "illegal_parameter", 50: "decode_error", 51: "decrypt_error",
          70: "protocol_version", 71: "insufficient_security", 80: "internal_error",
          86: "inappropriate_fallback", 90: "user_canceled", 109: "missing_extension",
          110: "unsupported_extension", 112: "unrecognized_name", 120: "no_application_protocol"}


class TlsProtocolError(Exception):
    """The peer sent bytes that are not a well-formed TLS reply (or not TLS at all)."""


@dataclass(frozen=True)
class ServerHello:
    """A parsed ServerHello (RFC 5246 section 7.4.1.3; RFC 8446 section 4.1.3)."""

    legacy_version: int
    random: bytes
    session_id: bytes
    cipher_suite: int
    compression: int
    extensions: dict[int, bytes]
    raw: bytes = b""
    """The whole handshake message, header included (for the TLS 1.3 transcript hash)."""

    @property
    def version(self) -> int:
        """The negotiated version: supported_versions (RFC 8446 section 4.2.1) wins over the legacy field."""
        sv = self.extensions.get(43)
        if sv is not None and len(sv) == 2:
            return int(struct.unpack("!H", sv)[0])
        return self.legacy_version

    @property
    def is_hello_retry(self) -> bool:
        """Whether this is a HelloRetryRequest (RFC 8446 section 4.1.4)."""
        return self.random == HRR_RANDOM

    @property
    def key_share_group(self) -> int | None:
        """The group of the TLS 1.3 key share (RFC 8446 section 4.2.8), for a HRR the group asked for."""
        ks = self.extensions.get(51)
        if ks is None or len(ks) < 2:
            return None
        return int(struct.unpack("!H", ks[:2])[0])

    @property
    def key_share(self) -> bytes:
        """The server's TLS 1.3 key share bytes (empty for a HRR or when absent)."""
        ks = self.extensions.get(51, b"")
        return ks[4:] if len(ks) >= 4 else b""


@dataclass(frozen=True)
class SSLv2ServerHello:
    """An SSL 2.0 SERVER-HELLO (draft-hickman-netscape-ssl-00, appendix C)."""

    version: int
    certificate: bytes
    cipher_kinds: list[int]


@dataclass
class Flight:
    """Everything parsed from the server so far."""

    server_hello: ServerHello | None = None
    sslv2_hello: SSLv2ServerHello | None = None
    certificates: list[bytes] = field(default_factory=list)
    key_exchange: bytes | None = None
    ocsp_response: bytes | None = None
    hello_done: bool = False
    alert: tuple[int, int] | None = None
    """The first non-warning alert: (level, description)."""
    warnings: list[int] = field(default_factory=list)
    heartbeat: bytes | None = None
    ccs: bool = False
    encrypted: list[bytes] = field(default_factory=list)
    """Application-data record payloads (TLS 1.3 encrypted handshake), for `tls13.py`."""


def sniff(data: bytes) -> str | None:
    """Name the protocol when the first bytes show the port speaks something else than TLS."""
    head = data[:8]
    if head.startswith(b"SSH-"):
        return "SSH"
    if head.startswith(b"HTTP/") or head[:4] in (b"<htm", b"<!DO", b"<HTM"):
        return "HTTP"
    if head[:4] in (b"220 ", b"220-"):
        return "SMTP/FTP"
    if head.startswith((b"+OK", b"* OK")):
        return "POP3/IMAP"
    return None


class FlightParser:
    """Incremental parser of the server's side of a handshake."""

    def __init__(self, sslv2: bool = False) -> None:
        self._buf = b""
        self._hs = b""
        self._hs_total = 0
        self._sslv2 = sslv2
        self.flight = Flight()

    @property
    def done(self) -> bool:
        """Nothing more is needed: hello done, an alert, TLS 1.3 hello plus its first encrypted record, SSLv2 hello."""
        f = self.flight
        if f.alert or f.hello_done or f.sslv2_hello or f.heartbeat is not None:
            return True
        return bool(f.server_hello and (f.server_hello.is_hello_retry or f.server_hello.version == 0x0304) and not self._hs)

    def feed(self, data: bytes) -> None:
        """Add bytes from the socket; raise `TlsProtocolError` on anything malformed."""
        self._buf += data
        if self._sslv2 and self.flight.sslv2_hello is None and self._buf and self._buf[0] & 0x80:
            self._feed_sslv2()
            return
        while len(self._buf) >= 5:
            ctype, _version, length = struct.unpack("!BHH", self._buf[:5])
            if ctype not in (CONTENT_CCS, CONTENT_ALERT, CONTENT_HANDSHAKE, CONTENT_APPDATA, CONTENT_HEARTBEAT) or (_version >> 8) != 3:
                other = sniff(self._buf)
                raise TlsProtocolError(f"server speaks {other}, not TLS" if other else f"not a TLS record (bytes {self._buf[:5].hex()})")
            if length > MAX_RECORD:
                raise TlsProtocolError(f"record of {length} bytes exceeds the 2^14+2048 limit (RFC 5246 6.2.3)")
            if len(self._buf) < 5 + length:
                return
            payload, self._buf = self._buf[5 : 5 + length], self._buf[5 + length :]
            self._record(ctype, payload)

    def _record(self, ctype: int, payload: bytes) -> None:
        f = self.flight
        if ctype == CONTENT_ALERT:
            if len(payload) < 2:
                raise TlsProtocolError("truncated alert")
            if payload[0] == 1 and payload[1] != 0:
                # A warning (e.g. unrecognized_name before ServerHello, RFC 6066 section 3) does not
                # end the handshake; RFC 5246 section 7.2 lets the receiver go on.
                f.warnings.append(payload[1])
                return
            f.alert = (payload[0], payload[1])
        elif ctype == CONTENT_HEARTBEAT:
            f.heartbeat = payload
        elif ctype == CONTENT_CCS:
            f.ccs = True
        elif ctype == CONTENT_APPDATA:
            if f.server_hello is None:
                raise TlsProtocolError("application data before ServerHello")
            f.encrypted.append(payload)
        else:
            self._hs_total += len(payload)
            if self._hs_total > MAX_HANDSHAKE_BYTES:
                raise TlsProtocolError(f"handshake flight over {MAX_HANDSHAKE_BYTES} bytes")
            self._hs += payload
            self._messages()

    def _messages(self) -> None:
        while len(self._hs) >= 4:
            mtype = self._hs[0]
            length = int.from_bytes(self._hs[1:4], "big")
            if length > MAX_HANDSHAKE_BYTES:
                raise TlsProtocolError(f"handshake message of {length} bytes")
            if len(self._hs) < 4 + length:
                return
            body, self._hs = self._hs[4 : 4 + length], self._hs[4 + length :]
            self._message(mtype, body)

    def _message(self, mtype: int, body: bytes) -> None:
        f = self.flight
        if mtype == HS_SERVER_HELLO:
            hello = parse_server_hello(body)
            raw = bytes([HS_SERVER_HELLO]) + len(body).to_bytes(3, "big") + body
            f.server_hello = ServerHello(hello.legacy_version, hello.random, hello.session_id,
                                         hello.cipher_suite, hello.compression, hello.extensions, raw)
        elif f.server_hello is None:
            raise TlsProtocolError(f"handshake message {mtype} before ServerHello")
        elif mtype == HS_CERTIFICATE:
            f.certificates = parse_certificate_list(body)
        elif mtype == HS_SERVER_KEY_EXCHANGE:
            f.key_exchange = body
        elif mtype == HS_CERTIFICATE_STATUS:
            # RFC 6066 section 8: status_type ocsp(1), then a 24-bit length and the OCSP response.
            f.ocsp_response = body[4:] if len(body) >= 4 and body[0] == 1 else b""
        elif mtype == HS_SERVER_HELLO_DONE:
            f.hello_done = True

    def _feed_sslv2(self) -> None:
        buf = self._buf
        if len(buf) < 2:
            return
        length = ((buf[0] & 0x7F) << 8) | buf[1]
        if len(buf) < 2 + length:
            return
        body = buf[2 : 2 + length]
        if len(body) < 11 or body[0] != 4:
            raise TlsProtocolError("not an SSLv2 SERVER-HELLO")
        cert_len, specs_len, _conn_len = struct.unpack("!HHH", body[5:11])
        if 11 + cert_len + specs_len > len(body) or specs_len % 3:
            raise TlsProtocolError("truncated SSLv2 SERVER-HELLO")
        cert = body[11 : 11 + cert_len]
        specs = body[11 + cert_len : 11 + cert_len + specs_len]
        kinds = [int.from_bytes(specs[i : i + 3], "big") for i in range(0, len(specs), 3)]
        version = int(struct.unpack("!H", body[3:5])[0])
        self.flight.sslv2_hello = SSLv2ServerHello(version, cert, kinds)


def _take(data: bytes, pos: int, size: int, what: str) -> tuple[bytes, int]:
    if size < 0 or pos + size > len(data):
        raise TlsProtocolError(f"truncated {what}")
    return data[pos : pos + size], pos + size


def _vec(data: bytes, pos: int, len_bytes: int, what: str) -> tuple[bytes, int]:
    raw, pos = _take(data, pos, len_bytes, what)
    return _take(data, pos, int.from_bytes(raw, "big"), what)


def parse_server_hello(body: bytes) -> ServerHello:
    """Parse a ServerHello body (after the 4-byte handshake header)."""
    raw, pos = _take(body, 0, 2, "ServerHello version")
    version = int.from_bytes(raw, "big")
    random, pos = _take(body, pos, 32, "ServerHello random")
    session_id, pos = _vec(body, pos, 1, "session id")
    raw, pos = _take(body, pos, 3, "cipher suite")
    suite, compression = int.from_bytes(raw[:2], "big"), raw[2]
    extensions: dict[int, bytes] = {}
    if pos < len(body):
        block, pos = _vec(body, pos, 2, "extensions")
        i = 0
        while i < len(block):
            raw, i = _take(block, i, 2, "extension type")
            data, i = _vec(block, i, 2, "extension")
            extensions[int.from_bytes(raw, "big")] = data
    return ServerHello(version, random, session_id, suite, compression, extensions)


def parse_certificate_list(body: bytes, tls13: bool = False) -> list[bytes]:
    """DER certificates of a Certificate message, in the order served (RFC 5246 7.4.2, RFC 8446 4.4.2)."""
    pos = 0
    if tls13:
        _, pos = _vec(body, 0, 1, "certificate request context")
    block, _ = _vec(body, pos, 3, "certificate list")
    certs, i = [], 0
    while i < len(block):
        der, i = _vec(block, i, 3, "certificate")
        certs.append(der)
        if tls13:
            _, i = _vec(block, i, 2, "certificate extensions")
    return certs


def parse_key_exchange(body: bytes, kex: str) -> tuple[str, int, int | None]:
    """The ephemeral key of a ServerKeyExchange: ('ECDH', bits, group id) or ('DH', prime bits, None).

    ECDHE params: curve_type named_curve(3) then the group (RFC 8422 section 5.4); DHE params:
    dh_p first (RFC 5246 section 7.4.3).
    """
    if kex.startswith("ECDHE"):
        raw, _ = _take(body, 0, 3, "ECDH parameters")
        if raw[0] != 3:
            raise TlsProtocolError("explicit curve parameters are not supported")
        group = int.from_bytes(raw[1:3], "big")
        return "ECDH", group_bits(group), group
    if kex.startswith("DHE"):
        p, _ = _vec(body, 0, 2, "DH prime")
        return "DH", int.from_bytes(p, "big").bit_length(), None
    raise TlsProtocolError(f"no ephemeral parameters for key exchange {kex}")


GROUPS: dict[int, tuple[str, int]] = {
    19: ("secp192r1", 192), 21: ("secp224r1", 224), 23: ("secp256r1", 256), 24: ("secp384r1", 384),
    25: ("secp521r1", 521), 26: ("brainpoolP256r1", 256), 27: ("brainpoolP384r1", 384),
    28: ("brainpoolP512r1", 512), 29: ("X25519", 253), 30: ("X448", 448),
    256: ("ffdhe2048", 2048), 257: ("ffdhe3072", 3072), 258: ("ffdhe4096", 4096),
    259: ("ffdhe6144", 6144), 260: ("ffdhe8192", 8192),
    0x11EB: ("SecP256r1MLKEM768", 256), 0x11EC: ("X25519MLKEM768", 253), 0x11ED: ("SecP384r1MLKEM1024", 384),
}
"""Supported-groups registry entries we offer (RFC 8422 5.1.1, RFC 7919, RFC 8446 4.2.7): name, bits."""


def group_name(group: int) -> str:
    """Registry name of a group code point."""
    return GROUPS.get(group, (f"0x{group:04X}", 0))[0]


def group_bits(group: int) -> int:
    """Size in bits of a group (the curve's field size or the FFDHE prime size); 0 if unknown."""
    return GROUPS.get(group, ("", 0))[1]
