"""Facts about an X.509 certificate and its served chain, read with `cryptography`.

Expiry, key, signature and names of the leaf; order, completeness and trust of the chain as
served (the trust path is built by `cryptography.x509.verification` against the system store or a
`--ca-file`, so it does not depend on a handshake library). Pure functions over DER bytes, shared
by the TLS probe and its tests. Host-name matching follows
RFC 6125 section 6.4 (a wildcard only as the whole left-most label, never across dots), done here
because `ssl.match_hostname` left the standard library in Python 3.12.
"""

from __future__ import annotations

import datetime as dt
import functools
import ipaddress
import ssl
import warnings
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
from cryptography.x509 import verification

from audit.phrases import said
from probes.tls.verifytext import verification_reason


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


def certificate_key_type(der: bytes) -> str | None:
    """The key type of a DER certificate ('RSA', 'EC', ...), None when it cannot be read."""
    try:
        return key_facts(x509.load_der_x509_certificate(der))[0]
    except ValueError:
        return None


def subject_alt_names(cert: x509.Certificate) -> tuple[list[str], list[str]]:
    """DNS names and IP addresses of the subjectAltName extension (empty lists when absent)."""
    try:
        ext = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
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
    now = now or dt.datetime.now(dt.UTC)
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
        "tls.certificate.key_curve": _curve(cert),
        "tls.certificate.lifespan_days": (not_after - not_before).days,
        "tls.certificate.signature_algorithm": _oid_name(cert.signature_algorithm_oid),
        "tls.certificate.signature_hash": hash_alg.name if hash_alg else "none",
        "tls.certificate.san": dns + ips,
        "tls.certificate.hostname_matches": hostname_matches(cert, host),
        "tls.certificate.self_signed": is_self_signed(cert),
    }


def _oid_name(oid: x509.ObjectIdentifier) -> str:
    # cryptography keeps the readable OID name only as `_name`; fall back to the dotted form.
    return str(getattr(oid, "_name", "") or oid.dotted_string)


def _curve(cert: x509.Certificate) -> str:
    """The curve of an EC key in OpenSSL's naming (prime256v1, secp384r1), empty for other keys."""
    key = cert.public_key()
    if not isinstance(key, ec.EllipticCurvePublicKey):
        return ""
    return {"secp256r1": "prime256v1"}.get(key.curve.name, key.curve.name)


@functools.lru_cache(maxsize=8)
def load_trust_store(ca_file: str | None = None) -> tuple[x509.Certificate, ...]:
    """Root certificates from `ca_file`, or from the system bundle OpenSSL would use.

    Raises OSError or ValueError when the file cannot be read or holds no certificate.
    """
    path = ca_file
    if path is None:
        paths = ssl.get_default_verify_paths()
        path = paths.cafile or paths.openssl_cafile
    with open(path, "rb") as handle:
        data = handle.read()
    with warnings.catch_warnings():
        # Some roots in distribution bundles have a non-positive serial; cryptography warns, we accept.
        warnings.simplefilter("ignore")
        certs = x509.load_pem_x509_certificates(data) if b"-----BEGIN" in data else [x509.load_der_x509_certificate(data)]
    return tuple(certs)


def chain_facts(ders: list[bytes], store: tuple[x509.Certificate, ...],
                now: dt.datetime | None = None) -> dict[str, Any]:
    """`tls.certificate.*` facts about the chain as served: order, missing issuers, trust.

    Trust is checked apart from the host name (RFC 5280 path validation with the CA/Browser Forum
    profile that `cryptography` implements), so a name mismatch stays a separate fact, as in SSL
    Labs (M rather than T).
    """
    now = now or dt.datetime.now(dt.UTC)
    certs = [x509.load_der_x509_certificate(d) for d in ders]
    leaf = certs[0]
    in_order = all(certs[i].issuer == certs[i + 1].subject for i in range(len(certs) - 1))
    known = {c.subject for c in certs} | {c.subject for c in store}
    last = certs[-1]
    # An issuer neither served nor in the store: the server forgot an intermediate.
    missing = last.issuer != last.subject and last.issuer not in known
    trusted, error = _verify(leaf, certs[1:], store, now)
    return {
        "tls.certificate.chain_length": len(certs),
        "tls.certificate.chain_subjects": [c.subject.rfc4514_string() for c in certs],
        "tls.certificate.chain_in_order": in_order,
        "tls.certificate.missing_intermediate": missing,
        "tls.certificate.trusted": trusted,
        "tls.certificate.verify_error": error,
    }


def _verify(leaf: x509.Certificate, intermediates: list[x509.Certificate],
            store: tuple[x509.Certificate, ...], now: dt.datetime) -> tuple[bool, str]:
    dns, ips = subject_alt_names(leaf)
    if not dns and not ips:
        return False, said("tls.verify.no_san")
    # Verify against one of the certificate's own names: trust and host name are separate facts.
    subject: x509.verification.Subject = (
        x509.DNSName(dns[0].lstrip("*.")) if dns else x509.IPAddress(ipaddress.ip_address(ips[0])))
    if dns and dns[0].startswith("*."):
        subject = x509.DNSName("l3audit-check." + dns[0][2:])
    try:
        verifier = verification.PolicyBuilder().store(verification.Store(list(store))).time(now).build_server_verifier(subject)
        verifier.verify(leaf, intermediates)
    except verification.VerificationError as exc:
        return False, verification_reason(str(exc))
    except ValueError as exc:
        return False, said("tls.verify.cannot", error=said("net.verbatim", text=str(exc)))
    return True, ""
