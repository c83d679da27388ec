"""The IANA cipher-suite table, loaded from data, with attributes derived from each suite's name.

The registry (RFC 8447 section 8, "TLS Cipher Suites") is kept as data in
`probes/tls/cipher_suites.json`: code point, IANA name and, where OpenSSL has one, OpenSSL's
name (Mozilla's profiles use OpenSSL names). Key exchange, authentication, cipher, strength, AEAD
and forward secrecy follow mechanically from the IANA name (`TLS_<kx>_WITH_<cipher>_<mac>`, or
`TLS_<cipher>_<hash>` for TLS 1.3, RFC 8446 appendix B.4), so they are derived here rather than
typed twice.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

# Suites that only TLS 1.3 defines (RFC 8446 appendix B.4).
TLS13_CODES = frozenset({0x1301, 0x1302, 0x1303, 0x1304, 0x1305})
# Signalling values, never real suites: RFC 5746 section 3.3 and RFC 7507 section 2.
SCSV_RENEGOTIATION = 0x00FF
SCSV_FALLBACK = 0x5600

# cipher token -> (family, effective key bits, block bits; 0 for a stream or AEAD stream cipher)
_CIPHERS: dict[str, tuple[str, int, int]] = {
    "NULL": ("NULL", 0, 0),
    "RC4_40": ("RC4", 40, 0),
    "RC4_56": ("RC4", 56, 0),
    "RC4_128": ("RC4", 128, 0),
    "RC2_CBC_40": ("RC2", 40, 64),
    "RC2_CBC_56": ("RC2", 56, 64),
    "IDEA_CBC": ("IDEA", 128, 64),
    "DES40_CBC": ("DES", 40, 64),
    "DES_CBC_40": ("DES", 40, 64),
    "DES_CBC": ("DES", 56, 64),
    "3DES_EDE_CBC": ("3DES", 112, 64),  # 168-bit key, 112-bit strength (NIST SP 800-57)
    "SEED_CBC": ("SEED", 128, 128),
    "CHACHA20_POLY1305": ("CHACHA20", 256, 0),
}


@dataclass(frozen=True)
class CipherSuite:
    """One registry entry and what its name says about it."""

    code: int
    name: str
    openssl_name: str | None
    kex: str
    """Key exchange: RSA, DH, DHE, ECDH, ECDHE, PSK, DHE_PSK, RSA_PSK, ECDHE_PSK, SRP, KRB5, NULL, ANY (TLS 1.3)."""
    auth: str
    """Authentication: RSA, DSS, ECDSA, anon, PSK, KRB5, NULL, ANY (TLS 1.3)."""
    cipher: str
    """Cipher family: AES, CAMELLIA, ARIA, CHACHA20, 3DES, DES, RC4, RC2, IDEA, SEED, NULL."""
    mode: str
    """CBC, GCM, CCM, CCM_8, POLY1305, STREAM or NULL."""
    cipher_bits: int
    """Effective symmetric strength in bits (export suites 40, 3DES 112)."""
    block_bits: int
    mac: str
    export: bool

    @property
    def tls13(self) -> bool:
        """Whether this is a TLS 1.3 suite (usable only with TLS 1.3)."""
        return self.code in TLS13_CODES

    @property
    def aead(self) -> bool:
        """Authenticated encryption (GCM, CCM, ChaCha20-Poly1305)."""
        return self.mode in ("GCM", "CCM", "CCM_8", "POLY1305")

    @property
    def forward_secrecy(self) -> bool:
        """Ephemeral key exchange (RFC 8446 gives it always; ECDHE/DHE otherwise)."""
        return self.tls13 or self.kex in ("DHE", "ECDHE", "DHE_PSK", "ECDHE_PSK")

    @property
    def anonymous(self) -> bool:
        """No server authentication at all (the `anon` and NULL key exchanges)."""
        return self.auth in ("anon", "NULL")

    @property
    def tls12_only(self) -> bool:
        """Suites that need TLS 1.2 (SHA-256/384 PRF or AEAD, RFC 5246 section 1.2 and RFC 5288)."""
        return not self.tls13 and (self.aead or self.mac in ("SHA256", "SHA384"))

    def weaknesses(self) -> list[str]:
        """The weak classes this suite belongs to (probe-rules.md 4.1/4.4 names), empty if none.

        The CBC-in-old-protocols class depends on the protocol, so callers add it themselves.
        """
        weak: list[str] = []
        if self.cipher == "NULL":
            weak.append("NULL")
        if self.anonymous:
            weak.append("anonymous")
        if self.export:
            weak.append("EXPORT")
        if self.cipher == "RC4":
            weak.append("RC4")
        if self.block_bits == 64:
            weak.append("64-bit block")
        if self.cipher_bits and self.cipher_bits < 112 and not self.export:
            weak.append("<112-bit")
        if self.kex in ("RSA", "RSA_PSK", "DH", "ECDH") and not self.anonymous:
            weak.append("static key exchange")
        return weak


def _parse(code: int, name: str, openssl: str | None) -> CipherSuite:
    """Derive a suite's attributes from its IANA name."""
    if code in TLS13_CODES:
        body, mac = name[len("TLS_"):].rsplit("_", 1)
        kex = auth = "ANY"
    else:
        prefix, _, rest = name[len("TLS_"):].partition("_WITH_")
        kex_token = prefix.replace("_EXPORT1024", "").replace("_EXPORT", "")
        kex, auth = _kex_auth(kex_token)
        body, mac = _split_mac(rest)
    cipher, mode, bits, block = _cipher(body)
    export = "EXPORT" in name or bits == 40
    return CipherSuite(code, name, openssl, kex, auth, cipher, mode, bits, block, mac, export)


def _kex_auth(token: str) -> tuple[str, str]:
    table = {
        "NULL": ("NULL", "NULL"), "RSA": ("RSA", "RSA"), "DH_DSS": ("DH", "DSS"), "DH_RSA": ("DH", "RSA"),
        "DHE_DSS": ("DHE", "DSS"), "DHE_RSA": ("DHE", "RSA"), "DH_anon": ("DHE", "anon"),
        "ECDH_ECDSA": ("ECDH", "ECDSA"), "ECDH_RSA": ("ECDH", "RSA"), "ECDHE_ECDSA": ("ECDHE", "ECDSA"),
        "ECDHE_RSA": ("ECDHE", "RSA"), "ECDH_anon": ("ECDHE", "anon"), "PSK": ("PSK", "PSK"),
        "DHE_PSK": ("DHE_PSK", "PSK"), "PSK_DHE": ("DHE_PSK", "PSK"), "RSA_PSK": ("RSA_PSK", "RSA"),
        "ECDHE_PSK": ("ECDHE_PSK", "PSK"), "SRP_SHA": ("SRP", "SRP"), "SRP_SHA_RSA": ("SRP", "RSA"),
        "SRP_SHA_DSS": ("SRP", "DSS"), "KRB5": ("KRB5", "KRB5"),
    }
    return table.get(token, (token, token))


def _split_mac(rest: str) -> tuple[str, str]:
    for mac in ("SHA384", "SHA256", "SHA", "MD5", "NULL"):
        if rest.endswith("_" + mac) and not rest.endswith("CCM_8"):
            return rest[: -len(mac) - 1], "SHA1" if mac == "SHA" else mac
    return rest, "AEAD"  # CCM suites carry no MAC token (RFC 6655)


def _cipher(body: str) -> tuple[str, str, int, int]:
    if body in _CIPHERS:
        family, bits, block = _CIPHERS[body]
        if family == "CHACHA20":
            return family, "POLY1305", bits, block
        mode = "NULL" if family == "NULL" else ("STREAM" if block == 0 else "CBC")
        return family, mode, bits, block
    parts = body.split("_")  # AES_128_GCM, CAMELLIA_256_CBC, ARIA_128_CCM_8 ...
    family, bits, mode = parts[0], int(parts[1]), "_".join(parts[2:]) or "CBC"
    return family, mode, bits, 128


@functools.lru_cache(maxsize=1)
def _load() -> tuple[dict[int, CipherSuite], dict[int, str]]:
    text = (Path(__file__).parents[1] / "cipher_suites.json").read_text("utf-8")
    data = json.loads(text)
    tls = {int(e["code"], 16): _parse(int(e["code"], 16), e["name"], e.get("openssl")) for e in data["tls"]}
    sslv2 = {int(e["code"], 16): e["name"] for e in data["sslv2"]}
    return tls, sslv2


def all_suites() -> dict[int, CipherSuite]:
    """Every registered TLS suite by code point."""
    return _load()[0]


def sslv2_kinds() -> dict[int, str]:
    """SSL 2.0 cipher kinds (3-byte codes) by code, with their conventional names."""
    return _load()[1]


def suite(code: int) -> CipherSuite | None:
    """The registered suite with this code point, or None for an unassigned one."""
    return _load()[0].get(code)


def suite_name(code: int) -> str:
    """IANA name of a code point, or its hex form when unassigned."""
    found = suite(code)
    return found.name if found else f"0x{code:04X}"


def suites_for(protocol: str) -> list[CipherSuite]:
    """The suites worth offering with `protocol`, in table order.

    TLS 1.3 uses only its own five; earlier versions never negotiate them. Suites that need TLS 1.2
    are left out of SSL 3.0 to TLS 1.1 offers, as a server may not pick them there.
    """
    suites = list(all_suites().values())
    if protocol == "TLSv1.3":
        return [s for s in suites if s.tls13]
    if protocol == "TLSv1.2":
        return [s for s in suites if not s.tls13 and s.code != 0]
    return [s for s in suites if not s.tls13 and not s.tls12_only and s.code != 0]
