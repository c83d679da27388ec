"""Read the certificate a TLS 1.3-only server sends, by deriving its handshake keys.

In TLS 1.3 the Certificate message is encrypted (RFC 8446 section 2), so reading it takes an
ECDHE exchange and the key schedule of section 7.1 up to the server handshake traffic secret.
We never send Finished: the connection is aborted once the Certificate is decrypted.
"""

from __future__ import annotations

import hashlib
import hmac
import struct
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, x25519
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand

from probes.tls.wire.conn import Connection, Preamble, PreambleError
from probes.tls.wire.hello import HelloOptions, client_hello_record
from probes.tls.wire.records import FlightParser, TlsProtocolError, _vec

# suite -> (hash, key length, AEAD class), RFC 8446 appendix B.4
_SUITES = {0x1301: ("sha256", 16, AESGCM), 0x1302: ("sha384", 32, AESGCM), 0x1303: ("sha256", 32, ChaCha20Poly1305)}


@dataclass
class Tls13Certificates:
    """The chain a TLS 1.3 server served and whether it stapled an OCSP response to the leaf."""

    certificates: list[bytes]
    ocsp_stapled: bool


def _expand_label(secret: bytes, label: str, context: bytes, length: int, hash_name: str) -> bytes:
    """HKDF-Expand-Label, RFC 8446 section 7.1."""
    full = b"tls13 " + label.encode()
    info = struct.pack("!H", length) + bytes([len(full)]) + full + bytes([len(context)]) + context
    algo = hashes.SHA256() if hash_name == "sha256" else hashes.SHA384()
    return HKDFExpand(algo, length, info).derive(secret)


def server_handshake_keys(shared: bytes, transcript: bytes, suite: int) -> tuple[bytes, bytes, object]:
    """Key, IV and AEAD for the server's handshake records (RFC 8446 sections 7.1 and 7.3)."""
    hash_name, key_len, aead = _SUITES[suite]
    size = hashlib.new(hash_name).digest_size
    zero = b"\x00" * size
    early = hmac.new(zero, zero, hash_name).digest()
    derived = _expand_label(early, "derived", hashlib.new(hash_name, b"").digest(), size, hash_name)
    handshake = hmac.new(derived, shared, hash_name).digest()
    secret = _expand_label(handshake, "s hs traffic", hashlib.new(hash_name, transcript).digest(), size, hash_name)
    key = _expand_label(secret, "key", b"", key_len, hash_name)
    iv = _expand_label(secret, "iv", b"", 12, hash_name)
    return key, iv, aead(key)


def _decrypt(aead: object, iv: bytes, seq: int, payload: bytes) -> tuple[int, bytes]:
    """Open one protected record (RFC 8446 section 5.2-5.3); return inner type and content."""
    nonce = bytes(a ^ b for a, b in zip(iv, seq.to_bytes(12, "big")))
    header = struct.pack("!BHH", 23, 0x0303, len(payload))
    plain = aead.decrypt(nonce, payload, header)  # type: ignore[attr-defined]
    plain = plain.rstrip(b"\x00")
    if not plain:
        raise TlsProtocolError("empty TLS 1.3 inner plaintext")
    return plain[-1], plain[:-1]


def _parse_certificate13(body: bytes) -> Tls13Certificates:
    _, pos = _vec(body, 0, 1, "certificate request context")
    block, _ = _vec(body, pos, 3, "certificate list")
    certs: list[bytes] = []
    stapled = False
    i = 0
    while i < len(block):
        der, i = _vec(block, i, 3, "certificate")
        exts, i = _vec(block, i, 2, "certificate extensions")
        if not certs and _has_ext(exts, 5):
            stapled = True  # status_request in the leaf's CertificateEntry, RFC 8446 4.4.2.1
        certs.append(der)
    return Tls13Certificates(certs, stapled)


def _has_ext(exts: bytes, wanted: int) -> bool:
    i = 0
    while i + 4 <= len(exts):
        etype, elen = struct.unpack("!HH", exts[i : i + 4])
        if etype == wanted:
            return True
        i += 4 + elen
    return False


async def fetch_certificates(host: str, port: int, sni: str | None, timeout: float,
                             signature_schemes: list[int] | None = None,
                             preamble: Preamble | None = None) -> Tls13Certificates:
    """Handshake with TLS 1.3 far enough to decrypt the server's Certificate message.

    Offers X25519 and P-256 shares, and `signature_schemes` (default: all we know), by which a server
    with two certificates chooses one; raises `TlsProtocolError` with a reason on any failure.
    """
    x_key = x25519.X25519PrivateKey.generate()
    p_key = ec.generate_private_key(ec.SECP256R1())
    shares = {
        29: x_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw),
        23: p_key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint),
    }
    opts = HelloOptions("TLSv1.3", list(_SUITES), host=sni, groups=[29, 23], key_shares=shares,
                        signature_schemes=signature_schemes)
    payload, hello_msg = client_hello_record(opts)
    parser = FlightParser()
    try:
        async with Connection(host, port, timeout, preamble) as conn:
            await conn.send(payload)
            ex = await conn.read_until(parser, lambda p: p.done)
            hello = parser.flight.server_hello
            if ex.error or hello is None or hello.is_hello_retry or hello.version != 0x0304:
                raise TlsProtocolError(ex.error or "the server did not complete a TLS 1.3 ServerHello with our key shares")
            if hello.cipher_suite not in _SUITES or hello.key_share_group not in shares:
                raise TlsProtocolError("the server chose parameters we did not offer")
            if hello.key_share_group == 29:
                shared = x_key.exchange(x25519.X25519PublicKey.from_public_bytes(hello.key_share))
            else:
                point = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), hello.key_share)
                shared = p_key.exchange(ec.ECDH(), point)
            sh_msg = _server_hello_message(hello)
            _key, iv, aead = server_handshake_keys(shared, hello_msg + sh_msg, hello.cipher_suite)
            return await _read_certificate(conn, parser, aead, iv)
    except TlsProtocolError:
        raise
    except PreambleError as exc:
        raise TlsProtocolError(f"before TLS: {exc}") from exc
    except (OSError, TimeoutError) as exc:
        raise TlsProtocolError(f"connection failed: {exc or 'timeout'}") from exc
    except Exception as exc:
        raise TlsProtocolError(f"cannot decrypt the TLS 1.3 handshake: {type(exc).__name__}") from exc


def _server_hello_message(hello: object) -> bytes:
    raw = getattr(hello, "raw", b"")
    if not raw:
        raise TlsProtocolError("ServerHello bytes not kept")
    return raw


def _more_than(seen: int) -> Callable[[FlightParser], bool]:
    """A read condition: a new encrypted record (past `seen`) or an alert has arrived."""
    return lambda p: len(p.flight.encrypted) > seen or p.flight.alert is not None


async def _read_certificate(conn: Connection, parser: FlightParser, aead: object, iv: bytes) -> Tls13Certificates:
    seq, used, inner = 0, 0, b""
    while True:
        enc = parser.flight.encrypted
        while used < len(enc):
            ctype, content = _decrypt(aead, iv, seq, enc[used])
            seq, used = seq + 1, used + 1
            if ctype == 21:
                raise TlsProtocolError("the server sent an alert during the TLS 1.3 handshake")
            inner += content
            while len(inner) >= 4:
                mtype, length = inner[0], int.from_bytes(inner[1:4], "big")
                if len(inner) < 4 + length:
                    break
                body, inner = inner[4 : 4 + length], inner[4 + length :]
                if mtype == 11:
                    return _parse_certificate13(body)
        ex = await conn.read_until(parser, _more_than(len(enc)))
        if ex.error or ex.closed or parser.flight.alert:
            raise TlsProtocolError(ex.error or "the server ended the TLS 1.3 handshake before its Certificate")
