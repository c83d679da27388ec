"""STARTTLS on each MX (RFC 3207): offered after EHLO, the protocols accepted, the chain sent, DANE.

The certificate is judged by the `tls` probe's own certificate analysis (`probes.tls.certificate`):
trusted by the store (or `--ca-file`) through the chain the MX sends, valid now, and valid for the
MX host name (RFC 7672 and RFC 8461 section 4.1 ask for the MX name). A first handshake with
Python's `ssl` (accepting any certificate, so that a bad one is described rather than refused)
gives the protocol negotiated. Then the `tls` probe's own ClientHellos (`probes.tls.wire`) run
after EHLO and STARTTLS on fresh connections: one per version from SSL 3.0 to TLS 1.3 says which
the MX accepts, and the Certificate message (of TLS 1.2 or older, else of a TLS 1.3 handshake
decrypted as the tls probe does) gives the chain as sent, which DANE trust-anchor records need.
"""

from __future__ import annotations

import asyncio
import hashlib
import ssl
from typing import Any

from audit.phrases import joined, said
from probes.netreason import library_text
from probes.tls.wire.conn import PreambleError

MAX_REPLY_BYTES = 64 * 1024
"""An SMTP reply longer than this is hostile: stop reading (RFC 5321 section 4.5.3.1 caps lines at 512)."""


STARTTLS_PROTOCOLS = ("SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3")
"""Versions tried after STARTTLS, one ClientHello each (SSL 2.0 has no place after STARTTLS)."""


class SmtpError(PreambleError):
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
        negotiated = tls.version() or ""
    finally:
        writer.close()
    protocols, chain, why = await _wire_scan(mx, address, port, timeout)
    ders = chain if chain and chain[0] == der else [der]
    cert = certificate_facts(der, mx)
    facts = chain_facts(ders, load_trust_store(ca_file))
    return {**row, "protocol": negotiated, "protocols": protocols, "wire_error": why,
            "trusted": facts["tls.certificate.trusted"], "verify_error": facts["tls.certificate.verify_error"],
            "chain_length": facts["tls.certificate.chain_length"],
            "chain_subjects": facts["tls.certificate.chain_subjects"],
            "chain_in_order": facts["tls.certificate.chain_in_order"],
            "missing_intermediate": facts["tls.certificate.missing_intermediate"],
            "hostname_matches": cert["tls.certificate.hostname_matches"],
            "expired": cert["tls.certificate.expired"],
            "days_until_expiry": cert["tls.certificate.days_until_expiry"],
            "tlsa_present": bool(tlsa),
            "tlsa_match": tlsa_match(ders, tlsa, facts["tls.certificate.trusted"]) if tlsa else None,
            "tlsa_pkix_usages": sum(1 for t in tlsa or [] if t[0] in (0, 1))}


async def _starttls(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, timeout: float) -> None:
    """The plaintext part of RFC 3207 before the ClientHello: greeting, EHLO, STARTTLS, 220."""
    for command, wanted in ((None, 220), (b"EHLO l3audit.invalid\r\n", 250), (b"STARTTLS\r\n", 220)):
        if command:
            writer.write(command)
        code, _ = await _reply(reader, timeout)
        if code != wanted:
            raise SmtpError(f"{(command or b'greeting').decode().strip()} answered {code}")


async def _wire_scan(mx: str, address: str, port: int, timeout: float) -> tuple[dict[str, bool], list[bytes], str]:
    """(version -> accepted, the chain as sent, why something could not be told) from our own ClientHellos."""
    from probes.tls.wire.records import TlsProtocolError
    from probes.tls.wire.scan import Scanner
    from probes.tls.wire.tls13 import fetch_certificates

    scanner = Scanner(address, port, mx, timeout, max_concurrency=2, preamble=_starttls)
    answers = await asyncio.gather(*(scanner.accepts(p) for p in STARTTLS_PROTOCOLS))
    protocols: dict[str, bool] = {}
    errors, chain = [], []
    for protocol, (status, detail, ex) in zip(STARTTLS_PROTOCOLS, answers):
        if status == "error":
            errors.append(said("text.labelled", label=protocol, text=detail))  # not measured: left out of `protocols`
            continue
        protocols[protocol] = status == "accepted"
        if status == "accepted" and protocol != "TLSv1.3" and ex.parser.flight.certificates:
            chain = ex.parser.flight.certificates  # the newest pre-1.3 version's, as the tls probe reads it
    if not chain and protocols.get("TLSv1.3"):
        try:
            chain = (await fetch_certificates(address, port, mx, timeout, preamble=_starttls)).certificates
        except TlsProtocolError as exc:
            errors.append(said("probe.mail.tls13_certificates", error=library_text(str(exc))))
    return protocols, chain, joined(errors)


def _tlsa_data(der: bytes, selector: int, mtype: int) -> bytes | None:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    if selector not in (0, 1) or mtype not in (0, 1, 2):
        return None
    content = der
    if selector == 1:
        content = x509.load_der_x509_certificate(der).public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return content if mtype == 0 else hashlib.sha256(content).digest() if mtype == 1 else hashlib.sha512(content).digest()


def tlsa_match(ders: list[bytes], records: list[tuple[int, int, int, bytes]], trusted: bool) -> bool | None:
    """Whether a TLSA record matches the chain `ders` as sent (leaf first), per its usage (RFC 6698 section 2.1.1).

    PKIX-TA (0): a CA certificate of the chain, and the chain validates (`trusted`); PKIX-EE (1): the
    leaf, and the chain validates; DANE-TA (2): a CA certificate the server sent (RFC 7671 section
    5.2.2), in an ordered chain; DANE-EE (3): the leaf. None when no record is of a usage, selector
    and matching type we know (then nothing was decided).
    """
    decided = None
    for usage, selector, mtype, data in records:
        if usage not in (0, 1, 2, 3) or _tlsa_data(ders[0], selector, mtype) is None:
            continue
        decided = False
        candidates = ders[:1] if usage in (1, 3) else ders[1:]
        if any(_tlsa_data(der, selector, mtype) == data for der in candidates) and (usage >= 2 or trusted):
            return True
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
        "mail.dane.matched": [r["mx"] for r in rows if r.get("tlsa_match") is True],
        # RFC 7672 section 3.1.3: SMTP clients treat PKIX-TA/PKIX-EE records as unusable
        "mail.dane.pkix_usage_mx": [r["mx"] for r in rows if r.get("tlsa_pkix_usages")],
        "mail.starttls.accepted_protocols": sorted({p for r in rows for p, ok in (r.get("protocols") or {}).items() if ok},
                                                   key=STARTTLS_PROTOCOLS.index),
        "mail.starttls.legacy_mx": [r["mx"] for r in rows
                                    if any((r.get("protocols") or {}).get(p) for p in STARTTLS_PROTOCOLS[:3])],
        "mail.starttls.protocols_unmeasured": [r["mx"] for r in rows if r.get("wire_error")],
    }
