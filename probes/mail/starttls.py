"""STARTTLS on each MX (RFC 3207): offered after EHLO, the protocol negotiated, the certificate, DANE.

The certificate is judged by the `tls` probe's own certificate analysis (`probes.tls.certificate`):
trusted by the store (or `--ca-file`), valid now, and valid for the MX host name (RFC 7672 and
RFC 8461 section 4.1 ask for the MX name). The handshake itself accepts any certificate, so that a
bad one is described rather than refused. Only the leaf is read (Python 3.11's `ssl` does not give
the unverified chain); a server relying on a sent intermediate shows as untrusted, with that said.
"""

from __future__ import annotations

import asyncio
import ssl
from typing import Any

MAX_REPLY_BYTES = 64 * 1024
"""An SMTP reply longer than this is hostile: stop reading (RFC 5321 section 4.5.3.1 caps lines at 512)."""


class SmtpError(Exception):
    """The server did not answer as SMTP does; `str()` says where it stopped."""


async def _reply(reader: asyncio.StreamReader, timeout: float) -> tuple[int, list[str]]:
    """One (possibly multi-line) reply: its code and its lines' text."""
    lines, total = [], 0
    while True:
        try:
            line = await asyncio.wait_for(reader.readline(), timeout)
        except ValueError:  # asyncio's limit: one line longer than MAX_REPLY_BYTES
            raise SmtpError("reply too long") from None
        total += len(line)
        if not line or total > MAX_REPLY_BYTES:
            raise SmtpError("connection closed or reply too long")
        text = line.decode("ascii", "replace").rstrip("\r\n")
        if len(text) < 3 or not text[:3].isdigit():
            raise SmtpError(f"not an SMTP reply: {text[:60]!r}")
        lines.append(text[4:])
        if text[3:4] != "-":
            return int(text[:3]), lines


async def check_mx(mx: str, address: str, port: int, timeout: float, ca_file: str | None,
                   tlsa: list[tuple[int, int, int, bytes]] | None = None) -> dict[str, Any]:
    """What STARTTLS on `mx` at `address:port` gives; SmtpError or OSError when it could not be measured.

    `tlsa` holds the MX's TLSA records (usage, selector, matching type, data), if any.
    """
    from probes.tls.certificate import certificate_facts, chain_facts, load_trust_store

    reader, writer = await asyncio.wait_for(asyncio.open_connection(address, port, limit=MAX_REPLY_BYTES), timeout)
    try:
        code, _ = await _reply(reader, timeout)
        if code != 220:
            raise SmtpError(f"greeting {code}")
        writer.write(b"EHLO l3audit.invalid\r\n")
        code, lines = await _reply(reader, timeout)
        if code != 250:
            raise SmtpError(f"EHLO answered {code}")
        row: dict[str, Any] = {"mx": mx, "address": address,
                               "offered": any(line.upper().split()[:1] == ["STARTTLS"] for line in lines)}
        if not row["offered"]:
            return row
        writer.write(b"STARTTLS\r\n")
        code, _ = await _reply(reader, timeout)
        if code != 220:
            return {**row, "offered": False, "refused_with": code}
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE  # describe the certificate, do not refuse it
        await asyncio.wait_for(writer.start_tls(context, server_hostname=mx), timeout)
        tls = writer.get_extra_info("ssl_object")
        der = tls.getpeercert(binary_form=True) if tls else None
        if not der:
            raise SmtpError("no certificate after STARTTLS")
        cert = certificate_facts(der, mx)
        chain = chain_facts([der], load_trust_store(ca_file))
        return {**row, "protocol": tls.version() or "", "trusted": chain["tls.certificate.trusted"],
                "verify_error": chain["tls.certificate.verify_error"],
                "hostname_matches": cert["tls.certificate.hostname_matches"],
                "expired": cert["tls.certificate.expired"],
                "days_until_expiry": cert["tls.certificate.days_until_expiry"],
                "tlsa_present": bool(tlsa), "tlsa_match": tlsa_match(der, tlsa) if tlsa else None}
    finally:
        writer.close()


def tlsa_match(der: bytes, records: list[tuple[int, int, int, bytes]]) -> bool | None:
    """Whether a DANE-EE or PKIX-EE TLSA record (RFC 6698 section 2.1, RFC 7672) matches the leaf `der`.

    None when no record is of a usage that the leaf alone can decide (trust-anchor usages 0 and 2
    need the chain, which is not read).
    """
    import hashlib

    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    cert = x509.load_der_x509_certificate(der)
    spki = cert.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    decided = None
    for usage, selector, mtype, data in records:
        if usage not in (1, 3) or selector not in (0, 1) or mtype not in (0, 1, 2):
            continue
        content = der if selector == 0 else spki
        digest = content if mtype == 0 else hashlib.sha256(content).digest() if mtype == 1 else hashlib.sha512(content).digest()
        if digest == data:
            return True
        decided = False
    return decided


def summarize(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """`mail.starttls.*` from the measured MX rows."""
    def valid(row: dict[str, Any]) -> bool:
        return bool(row.get("offered") and row.get("trusted") and row.get("hostname_matches") and not row.get("expired"))

    return {
        "mail.starttls.servers": rows, "mail.starttls.tested_count": len(rows),
        "mail.starttls.all_offered": bool(rows) and all(r.get("offered") for r in rows),
        "mail.starttls.all_valid": bool(rows) and all(valid(r) for r in rows),
        "mail.starttls.invalid": [r["mx"] for r in rows if not valid(r)],
        "mail.dane.present": any(r.get("tlsa_present") for r in rows),
        "mail.dane.mismatched": [r["mx"] for r in rows if r.get("tlsa_match") is False],
    }
