"""DNSSEC: is the outlet's zone signed, are its signatures valid, and does a chain reach a trust anchor.

The chain is walked the way a validating resolver does (RFC 4035 section 5): from the trust anchor's
zone, each child's DS set must be signed by the parent's DNSKEYs, the child's DNSKEY set must hold
a key matching a DS and be signed by it, and the zone's own records must be signed by its DNSKEYs.
dnspython checks each signature (`dns.dnssec.validate`, on `cryptography`); we only walk.

A missing DS at the parent is a finding (the zone is not secured, RFC 4035 section 5.2), not an
error, once the parent's NSEC or NSEC3 records prove it (`probes.dns.denial`); an unproven denial
of a DS, or of any record the zone is asked for (a missing CAA, AAAA...), makes the zone bogus.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import dns.asyncresolver
import dns.dnssec
import dns.name
import dns.rdatatype
import dns.rrset
import dns.zone

from audit.phrases import PhraseText, said
from probes.dns.denial import prove_denial
from probes.dns.resolver import DnsLookupError, Lookup, dnspython_text, lookup

SIGNED_TYPES = ("SOA", "NS", "A", "AAAA", "CAA")
"""Record sets of the zone apex and of the host whose signatures (or proofs of absence) are checked."""

MAX_NAMES = 5
"""Names checked from the host up to the apex (the CAA climb of RFC 8659 passes through them)."""


def load_trust_anchors(texts: list[str] | None) -> dict[dns.name.Name, list[Any]]:
    """Anchor zone -> DS or DNSKEY rdatas, from zone-file lines (default: the root's, IANA)."""
    if texts is None:
        source = (resources.files("probes.dns") / "root_anchors.txt").read_text(encoding="utf-8")
        lines = source.splitlines()
    else:
        lines = [str(t) for t in texts]
    anchors: dict[dns.name.Name, list[Any]] = {}
    for line in lines:
        line = line.split(";", 1)[0].strip()
        if not line:
            continue
        try:
            rrset = dns.rrset.from_text_list(*_split_anchor(line))
        except Exception as exc:  # noqa: BLE001 - any malformed anchor is one clear message
            raise ValueError(said("probe.dns.anchor_malformed", line=line[:80], error=_reason(exc))) from None
        if rrset.rdtype not in (dns.rdatatype.DS, dns.rdatatype.DNSKEY):
            raise ValueError(said("probe.dns.anchor_type", line=line[:80]))
        anchors.setdefault(rrset.name, []).extend(rrset)
    return anchors


def _split_anchor(line: str) -> tuple[str, int, str, str, list[str]]:
    parts = line.split()
    name, rest = parts[0], parts[1:]
    ttl = int(rest.pop(0)) if rest and rest[0].isdigit() else 3600
    if rest and rest[0].upper() == "IN":
        rest.pop(0)
    if len(rest) < 2:
        raise ValueError(said("probe.dns.anchor_syntax"))
    return name, ttl, "IN", rest[0], [" ".join(rest[1:])]


@dataclass
class DnssecReport:
    """What the DNSSEC walk found; `facts()` turns it into the probe's facts."""

    zone: str
    signed: bool = False
    ds_present: bool | None = None
    chain_valid: bool = False
    anchor: str = ""
    algorithms: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)
    """'TYPE name: why' for each record set whose signature did not validate."""
    broken_at: str = ""
    """Where the chain broke and why."""
    unproven: list[str] = field(default_factory=list)
    """'TYPE name: why' for each negative answer that NSEC/NSEC3 did not prove."""
    denials_checked: int = 0

    def facts(self) -> dict[str, Any]:
        """The `dns.dnssec.*` facts."""
        bogus = self.invalid or self.unproven or (self.ds_present and self.broken_at)
        status = "secure" if self.chain_valid else ("bogus" if bogus else "insecure")
        return {
            "dns.dnssec.signed": self.signed,
            "dns.dnssec.ds_present": bool(self.ds_present),
            "dns.dnssec.signatures_valid": self.signed and not self.invalid,
            "dns.dnssec.invalid_signatures": self.invalid,
            "dns.dnssec.chain_valid": self.chain_valid,
            "dns.dnssec.trust_anchor": self.anchor,
            "dns.dnssec.broken_at": self.broken_at,
            "dns.dnssec.algorithms": self.algorithms,
            "dns.dnssec.status": status,
            "dns.dnssec.denials_checked": self.denials_checked,
            "dns.dnssec.denials_proven": not self.unproven,
            "dns.dnssec.unproven_denials": self.unproven,
        }


def _validate(found: Lookup, keys: dict[dns.name.Name, dns.rrset.RRset]) -> str | None:
    """None when `found`'s records carry a signature valid under `keys`, else why not."""
    if found.rrset is None:
        return None
    if found.signatures is None:
        return said("probe.dns.dnssec.no_signature")
    try:
        dns.dnssec.validate(found.rrset, found.signatures, keys, now=time.time())  # type: ignore[arg-type]
    except dns.dnssec.ValidationFailure as exc:
        return _failure_text(exc)
    return None


VALIDATION_FAILURES = {
    "no RRSIGs validated": "probe.dns.dnssec.no_rrsig_validated",
    "owner names do not match": "probe.dns.dnssec.owner_mismatch",
    "expected an RRSIG": "probe.dns.dnssec.expected_rrsig",
}
"""The messages `dns.dnssec.validate` raises itself (dnspython 2.x) -> the phrase with that English."""


def _failure_text(exc: dns.dnssec.ValidationFailure) -> str:
    """Why a signature did not validate: dnspython's usual message as a phrase, another one as it came."""
    text = str(exc)
    if not text:
        return said("probe.dns.dnssec.does_not_validate")
    key = VALIDATION_FAILURES.get(text)
    return said(key) if key else dnspython_text(exc)


def _reason(exc: BaseException) -> str:
    """An exception's message: the phrase it was raised with, else dnspython's text (`dnspython_text`)."""
    first = exc.args[0] if exc.args else None
    return first if isinstance(first, PhraseText) else dnspython_text(exc)


def _ds_matches(ds_set: list[Any], dnskeys: dns.rrset.RRset, zone: dns.name.Name) -> dns.rrset.RRset | None:
    """The DNSKEYs of `zone` that a DS in `ds_set` (or a DNSKEY anchor) vouches for, as an RRset."""
    trusted = dns.rrset.RRset(zone, dnskeys.rdclass, dns.rdatatype.DNSKEY)
    for key in dnskeys:
        for ds in ds_set:
            if ds.rdtype == dns.rdatatype.DNSKEY:
                if ds == key:
                    trusted.add(key)
                continue
            try:
                if dns.dnssec.make_ds(zone, key, ds.digest_type) == ds:
                    trusted.add(key)
            except (dns.dnssec.UnsupportedAlgorithm, ValueError):
                continue
    return trusted if len(trusted) else None


async def _secure_keys(resolver: dns.asyncresolver.Resolver, zone: dns.name.Name,
                       vouchers: list[Any]) -> tuple[dns.rrset.RRset | None, str]:
    """`zone`'s DNSKEY set if a voucher (DS or DNSKEY) matches a key that signs the set, else why not."""
    found = await lookup(resolver, zone, "DNSKEY")
    if found.rrset is None:
        return None, said("probe.dns.dnssec.no_dnskey", zone=str(zone))
    trusted = _ds_matches(vouchers, found.rrset, zone)
    if trusted is None:
        return None, said("probe.dns.dnssec.no_matching_dnskey", zone=str(zone))
    why = _validate(found, {zone: trusted})
    if why:
        return None, said("probe.dns.dnssec.dnskey_set", zone=str(zone), why=why)
    return found.rrset, ""


async def check_dnssec(resolver: dns.asyncresolver.Resolver, zone: dns.name.Name, host: dns.name.Name,
                       anchors: dict[dns.name.Name, list[Any]]) -> DnssecReport:
    """Walk from the closest configured anchor to `zone`, then check the signatures in `zone`.

    Raises DnsLookupError when a question on the way got no usable answer (then nothing is judged).
    """
    report = DnssecReport(zone=zone.to_text())
    apex_keys = await lookup(resolver, zone, "DNSKEY")
    report.signed = apex_keys.rrset is not None
    if apex_keys.rrset is not None:
        report.algorithms = sorted({dns.dnssec.algorithm_to_text(k.algorithm) for k in apex_keys.rrset})
        zone_keys = {zone: apex_keys.rrset}
        names = [host]
        while names[-1] != zone and names[-1].is_subdomain(zone) and len(names) < MAX_NAMES:
            names.append(names[-1].parent())
        for name in dict.fromkeys([zone, *names]) if host.is_subdomain(zone) else (zone,):
            for rdtype in SIGNED_TYPES:
                found = await lookup(resolver, name, rdtype)
                if found.canonical_name is not None:
                    continue
                if found.rrset is not None:
                    why = _validate(found, zone_keys)  # type: ignore[arg-type]
                    if why:
                        report.invalid.append(said("probe.dns.dnssec.invalid", rdtype=rdtype, name=str(name), why=why))
                    continue
                report.denials_checked += 1
                why = prove_denial(found.response, name, rdtype, zone, zone_keys, found.nxdomain)  # type: ignore[arg-type]
                if why:
                    report.unproven.append(why)
        why = _validate(apex_keys, zone_keys)  # type: ignore[arg-type]
        if why:
            report.invalid.append(said("probe.dns.dnssec.invalid", rdtype="DNSKEY", name=str(zone), why=why))
    ds = await lookup(resolver, zone, "DS") if zone != dns.name.root else None
    report.ds_present = ds is not None and ds.rrset is not None
    anchor = next((a for a in sorted(anchors, key=len, reverse=True) if zone.is_subdomain(a)), None)
    if anchor is None:
        report.broken_at = said("probe.dns.dnssec.no_anchor")
        return report
    report.anchor = anchor.to_text()
    keys, why = await _secure_keys(resolver, anchor, anchors[anchor])
    if keys is None:
        report.broken_at = said("probe.dns.dnssec.anchor_broken", why=why)
        return report
    current = anchor
    labels = zone.relativize(anchor).labels if zone != anchor else ()
    for depth in range(len(labels) - 1, -1, -1):
        child = dns.name.Name(labels[depth:]).derelativize(anchor)
        child_ds = await lookup(resolver, child, "DS")
        if child_ds.rrset is None:
            report.denials_checked += 1
            why = prove_denial(child_ds.response, child, "DS", current, {current: keys}, child_ds.nxdomain)
            if why:
                report.unproven.append(why)
                report.broken_at = said("probe.dns.dnssec.ds_denial_unproven", child=str(child), why=why)
                return report
            if child == zone:
                report.broken_at = said("probe.dns.dnssec.no_ds", child=str(child), parent=str(current))
                return report
            continue  # not a zone cut (or an unsigned one above the zone: then the zone's DS is absent too)
        why = _validate(child_ds, {current: keys})
        if why:
            report.broken_at = said("probe.dns.dnssec.ds_invalid", child=str(child), parent=str(current), why=why)
            return report
        child_keys, why = await _secure_keys(resolver, child, list(child_ds.rrset))
        if child_keys is None:
            report.broken_at = why
            return report
        keys, current = child_keys, child
    report.chain_valid = current == zone and not report.invalid and not report.unproven
    if not report.chain_valid and not report.broken_at:
        report.broken_at = (said("probe.dns.dnssec.zone_invalid") if report.invalid
                            else said("probe.dns.dnssec.zone_denial_unproven"))
    return report


__all__ = ["DnsLookupError", "DnssecReport", "check_dnssec", "load_trust_anchors"]
