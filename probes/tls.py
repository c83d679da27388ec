"""The `tls` probe: which TLS versions a site accepts, and what its certificate says.

This first version uses the standard library's `ssl` handshakes (as the foundation issue asks), so
it can only test what the local OpenSSL can offer: TLS 1.0 to 1.3, the old ones with
`@SECLEVEL=0`. SSLv2/SSLv3 and the cipher-suite enumeration need our own ClientHello, which the
deeper TLS probe brings. Handshakes for the versions run concurrently; each is bounded by the timeout.
"""

from __future__ import annotations

import asyncio
import ssl
from typing import Any

from audit.errors import ProbeError
from audit.models import Target
from probes.certificate import certificate_facts
from probes.interface import FactSpec, Measurement, Probe, ProbeOptions

VERSIONS: dict[str, ssl.TLSVersion] = {
    "TLSv1.0": ssl.TLSVersion.TLSv1,
    "TLSv1.1": ssl.TLSVersion.TLSv1_1,
    "TLSv1.2": ssl.TLSVersion.TLSv1_2,
    "TLSv1.3": ssl.TLSVersion.TLSv1_3,
}


def _context(version: ssl.TLSVersion | None = None, verify: bool = False, ca_file: str | None = None) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    if verify:
        ctx.verify_mode = ssl.CERT_REQUIRED
        if ca_file:
            ctx.load_verify_locations(cafile=ca_file)
        else:
            ctx.load_default_certs()
    else:
        ctx.verify_mode = ssl.CERT_NONE
    if version is not None:
        ctx.minimum_version = version
        ctx.maximum_version = version
        if version < ssl.TLSVersion.TLSv1_2:
            # Debian's OpenSSL refuses TLS 1.0/1.1 at the default security level.
            ctx.set_ciphers("ALL:@SECLEVEL=0")
    return ctx


async def _handshake(target: Target, ctx: ssl.SSLContext, timeout: float) -> ssl.SSLObject:
    """Open a connection and complete a handshake; return the SSL object (the socket is closed)."""
    server_hostname = target.host if not _is_ip(target.host) else None
    reader, writer = await asyncio.wait_for(
        asyncio.open_connection(
            target.connect_host, target.port, ssl=ctx, server_hostname=server_hostname,
            ssl_handshake_timeout=timeout,
        ),
        timeout,
    )
    ssl_object = writer.get_extra_info("ssl_object")
    writer.close()
    try:
        await asyncio.wait_for(writer.wait_closed(), 1.0)
    except (OSError, ssl.SSLError, asyncio.TimeoutError):
        pass
    return ssl_object


def _is_ip(host: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


class TlsProbe(Probe):
    """Handshakes with each TLS version and reads the served leaf certificate."""

    name = "tls"
    tool = "l3audit-tls (Python ssl)"
    facts = (
        FactSpec("tls.offered", "bool", "A TLS handshake succeeded on the site's port."),
        FactSpec("tls.negotiated_protocol", "str", "Version chosen when the client offers everything it can."),
        FactSpec("tls.negotiated_cipher", "str", "Cipher suite chosen in that handshake (OpenSSL name)."),
        FactSpec("tls.protocols.*", "bool", "Whether the server accepts a protocol version (TLSv1.0 ... TLSv1.3)."),
        FactSpec("tls.protocols_accepted", "list", "Accepted protocol versions, oldest first."),
        FactSpec("tls.certificate.subject", "str", "Leaf certificate subject (RFC 4514)."),
        FactSpec("tls.certificate.issuer", "str", "Leaf certificate issuer (RFC 4514)."),
        FactSpec("tls.certificate.serial", "str", "Serial number in hex."),
        FactSpec("tls.certificate.not_before", "str", "Start of validity (ISO 8601, UTC)."),
        FactSpec("tls.certificate.not_after", "str", "End of validity (ISO 8601, UTC)."),
        FactSpec("tls.certificate.days_until_expiry", "int", "Whole days until the certificate expires (negative once expired)."),
        FactSpec("tls.certificate.expired", "bool", "The certificate's validity has ended."),
        FactSpec("tls.certificate.not_yet_valid", "bool", "The certificate's validity has not started."),
        FactSpec("tls.certificate.key_type", "str", "Public key type: RSA, EC, DSA, Ed25519, Ed448."),
        FactSpec("tls.certificate.key_bits", "int", "Public key size in bits (curve size for EC)."),
        FactSpec("tls.certificate.signature_algorithm", "str", "Signature algorithm name (e.g. sha256WithRSAEncryption)."),
        FactSpec("tls.certificate.signature_hash", "str", "Hash of the signature (sha256, sha1, md5...)."),
        FactSpec("tls.certificate.san", "list", "subjectAltName DNS names and IP addresses."),
        FactSpec("tls.certificate.hostname_matches", "bool", "The certificate is valid for the audited host name (RFC 6125)."),
        FactSpec("tls.certificate.self_signed", "bool", "The leaf is signed by its own key."),
        FactSpec("tls.certificate.trusted", "bool", "The served chain verifies against the trust store (system or --ca-file)."),
        FactSpec("tls.certificate.verify_error", "str", "Why verification failed, as OpenSSL says it; empty when trusted."),
    )

    def tool_version(self) -> str:
        """Our version and the OpenSSL the handshakes use."""
        return f"{super().tool_version()}; {ssl.OPENSSL_VERSION}"

    async def measure(self, target: Target, options: ProbeOptions) -> Measurement:
        """Handshake with all versions at once, then per version, then with verification."""
        if target.scheme != "https":
            return Measurement({"tls.offered": False}, "site declared as plain http: no TLS handshake")
        timeout = options.timeout_seconds
        try:
            main = await _handshake(target, _context(), timeout)
        except ssl.SSLError as exc:
            raise ProbeError(f"TLS handshake failed on {target.connect_host}:{target.port}: {exc.reason or exc}") from exc
        except asyncio.TimeoutError as exc:
            raise ProbeError(f"no TLS handshake within {timeout:g} s on {target.connect_host}:{target.port}") from exc
        except OSError as exc:
            raise ProbeError(f"cannot connect to {target.connect_host}:{target.port}: {exc.strerror or exc}") from exc
        facts: dict[str, Any] = {
            "tls.offered": True,
            "tls.negotiated_protocol": main.version(),
            "tls.negotiated_cipher": (main.cipher() or ("",))[0],
        }
        der = main.getpeercert(binary_form=True)
        if der:
            facts.update(certificate_facts(der, target.host))
        results = await asyncio.gather(
            *(self._accepts(target, version, timeout) for version in VERSIONS.values()),
            self._verify(target, options),
        )
        for name, accepted in zip(VERSIONS, results[:-1]):
            facts[f"tls.protocols.{name}"] = accepted
        facts["tls.protocols_accepted"] = [n for n in VERSIONS if facts.get(f"tls.protocols.{n}")]
        trusted, verify_error = results[-1]
        facts["tls.certificate.trusted"] = trusted
        facts["tls.certificate.verify_error"] = verify_error
        return Measurement(facts, f"{len(VERSIONS) + 2} stdlib ssl handshakes")

    async def _accepts(self, target: Target, version: ssl.TLSVersion, timeout: float) -> bool:
        """True if the server completes a handshake at exactly `version`, False if it refuses it.

        A connection that fails outright makes the whole measurement unreliable: ProbeError.
        """
        try:
            await _handshake(target, _context(version), timeout)
        except ssl.SSLError:
            return False
        except (OSError, asyncio.TimeoutError) as exc:
            raise ProbeError(f"connection failed while testing {version.name}: {exc or 'timeout'}") from exc
        return True

    async def _verify(self, target: Target, options: ProbeOptions) -> tuple[bool, str]:
        try:
            ctx = _context(verify=True, ca_file=options.ca_file)
        except (OSError, ssl.SSLError) as exc:
            raise ProbeError(f"cannot load CA file {options.ca_file}: {exc}") from exc
        try:
            await _handshake(target, ctx, options.timeout_seconds)
        except ssl.SSLCertVerificationError as exc:
            return False, str(exc.verify_message or exc.reason or exc)
        except ssl.SSLError as exc:
            return False, str(exc.reason or exc)
        except (OSError, asyncio.TimeoutError) as exc:
            raise ProbeError(f"connection failed during certificate verification: {exc or 'timeout'}") from exc
        return True, ""
