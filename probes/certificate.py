"""Facts about an X.509 certificate, read with `cryptography`: expiry, key, signature, names.

Pure functions over DER bytes, shared by the TLS probe and its tests. Host-name matching follows
RFC 6125 section 6.4 (a wildcard only as the whole left-most label, never across dots), done here
because `ssl.match_hostname` left the standard library in Python 3.12.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
from cryptography.x509.oid import ExtensionOID


def key_facts(cert: x509.Certificate) -> tuple[str, int]:
    """The public key's type ('RSA', 'EC', 'Ed25519', ...) and size in bits."""
    key = cert.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        return "RSA", key.key_size
    if isinstance(key, ec.EllipticCurvePublicKey):
        return "EC", key.curve.key_size
    if isinstance(key, dsa.DSAPublicKey):
        return "DSA", key.key_size
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "Ed25519", 256
    if isinstance(key, ed448.Ed448PublicKey):
        return "Ed448", 456
    return type(key).__name__, 0


def subject_alt_names(cert: x509.Certificate) -> tuple[list[str], list[str]]:
    """DNS names and IP addresses of the subjectAltName extension (empty lists when absent)."""
    try:
        ext = cert.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_ALTERNATIVE_NAME).value
    except x509.ExtensionNotFound:
        return [], []
    dns = [str(n) for n in ext.get_values_for_type(x509.DNSName)]
    ips = [str(n) for n in ext.get_values_for_type(x509.IPAddress)]
    return dns, ips


def _dns_match(pattern: str, host: str) -> bool:
    pattern, host = pattern.lower().rstrip("."), host.lower().rstrip(".")
    if pattern == host:
        return True
    if pattern.startswith("*.") and "*" not in pattern[2:]:
        head, _, rest = host.partition(".")
        return bool(head) and rest == pattern[2:] and "." in rest
    return False


def hostname_matches(cert: x509.Certificate, host: str) -> bool:
    """Whether the certificate is valid for `host` (SAN only, as browsers do since RFC 6125)."""
    dns, ips = subject_alt_names(cert)
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return any(_dns_match(name, host) for name in dns)
    return any(ipaddress.ip_address(ip) == address for ip in ips)


def is_self_signed(cert: x509.Certificate) -> bool:
    """Subject equals issuer and the certificate's own key verifies its signature."""
    if cert.subject != cert.issuer:
        return False
    try:
        cert.verify_directly_issued_by(cert)
    except (ValueError, TypeError, Exception):  # noqa: BLE001 - any failure means 'not self-signed'
        return False
    return True


def certificate_facts(der: bytes, host: str, now: dt.datetime | None = None) -> dict[str, Any]:
    """The `tls.certificate.*` facts for a leaf certificate in DER form."""
    cert = x509.load_der_x509_certificate(der)
    now = now or dt.datetime.now(dt.timezone.utc)
    not_after = cert.not_valid_after_utc
    not_before = cert.not_valid_before_utc
    key_type, key_bits = key_facts(cert)
    dns, ips = subject_alt_names(cert)
    hash_alg = cert.signature_hash_algorithm
    return {
        "tls.certificate.subject": cert.subject.rfc4514_string(),
        "tls.certificate.issuer": cert.issuer.rfc4514_string(),
        "tls.certificate.serial": format(cert.serial_number, "x"),
        "tls.certificate.not_before": not_before.isoformat(),
        "tls.certificate.not_after": not_after.isoformat(),
        "tls.certificate.days_until_expiry": (not_after - now).days,
        "tls.certificate.expired": now > not_after,
        "tls.certificate.not_yet_valid": now < not_before,
        "tls.certificate.key_type": key_type,
        "tls.certificate.key_bits": key_bits,
        "tls.certificate.signature_algorithm": _oid_name(cert.signature_algorithm_oid),
        "tls.certificate.signature_hash": hash_alg.name if hash_alg else "none",
        "tls.certificate.san": dns + ips,
        "tls.certificate.hostname_matches": hostname_matches(cert, host),
        "tls.certificate.self_signed": is_self_signed(cert),
    }


def _oid_name(oid: x509.ObjectIdentifier) -> str:
    # cryptography keeps the readable OID name only as `_name`; fall back to the dotted form.
    return str(getattr(oid, "_name", "") or oid.dotted_string)
