"""Authenticated denial of existence: is a "no such name" or "no such record" answer proven?

In a signed zone a negative answer counts only when the NSEC (RFC 4035 section 5.4) or NSEC3
(RFC 5155 section 8) records in its authority section, signed by the zone's keys, prove it:
- NODATA: an NSEC at the name, or an NSEC3 matching its hash, whose type bitmap has neither the
  type asked for nor CNAME (for a DS: an NSEC3 covering the name with the opt-out flag also does,
  RFC 5155 section 8.6, the delegation is then unsigned);
- NXDOMAIN: an NSEC covering the name and one covering the wildcard at the closest encloser; with
  NSEC3 the closest-encloser proof (a matching NSEC3 for the closest encloser, a covering one for
  the next closer name) and a covering one for the wildcard (RFC 5155 sections 7.2.1, 8.4).
`prove_denial` returns None when proven, else why not; an unproven denial in a signed zone is bogus.
"""

from __future__ import annotations

import base64
import time
from typing import Any

import dns.dnssec
import dns.message
import dns.name
import dns.rdatatype
import dns.rrset

from audit.phrases import said

NSEC3_MAX_ITERATIONS = 150
"""More iterations than this are treated as insecure by resolvers (RFC 9276 section 3.2): not a proof."""


def _signed(response: dns.message.Message, rdtype: dns.rdatatype.RdataType,
            keys: dict[dns.name.Name, dns.rrset.RRset]) -> list[dns.rrset.RRset]:
    """The authority section's `rdtype` sets whose signature validates under `keys`."""
    good = []
    for rrset in response.authority:
        if rrset.rdtype != rdtype:
            continue
        try:
            sigs = response.find_rrset(response.authority, rrset.name, rrset.rdclass, dns.rdatatype.RRSIG, rdtype)
            dns.dnssec.validate(rrset, sigs, keys, now=time.time())  # type: ignore[arg-type]
        except (KeyError, dns.dnssec.ValidationFailure):
            continue
        good.append(rrset)
    return good


def _types(rdata: Any) -> set[int]:
    return {t for window, bitmap in rdata.windows for i, byte in enumerate(bitmap)
            for bit in range(8) if byte & (0x80 >> bit) for t in [window * 256 + i * 8 + bit]}


def _nsec_covers(owner: dns.name.Name, nxt: dns.name.Name, name: dns.name.Name) -> bool:
    """`owner` < `name` < `nxt` in canonical order (RFC 4034 section 6.1), the last NSEC wrapping to the apex."""
    if owner < nxt:
        return owner < name < nxt
    return name > owner or name < nxt


def _nsec_proof(nsecs: list[dns.rrset.RRset], qname: dns.name.Name, qtype: int, nxdomain: bool) -> str | None:
    if not nxdomain:
        for rrset in nsecs:
            if rrset.name == qname:
                types = _types(rrset[0])
                if qtype in types or dns.rdatatype.CNAME in types:
                    return said("probe.dns.denial.nsec_lists", qname=str(qname))
                return None
        # an empty non-terminal: an NSEC covering it whose next name is below it (RFC 4035 section 3.1.3.2)
        if any(_nsec_covers(r.name, r[0].next, qname) and r[0].next.is_subdomain(qname) for r in nsecs):
            return None
        return said("probe.dns.denial.no_nsec_at", qname=str(qname))
    covering = [r for r in nsecs if _nsec_covers(r.name, r[0].next, qname)]
    if not covering:
        return said("probe.dns.denial.no_nsec_covers", qname=str(qname))
    owner, nxt = covering[0].name, covering[0][0].next
    encloser = max(qname.fullcompare(owner)[2], qname.fullcompare(nxt)[2])
    wildcard = dns.name.Name((b"*",) + qname.labels[len(qname.labels) - encloser:])
    # an NSEC at the wildcard itself would mean it exists: the answer should have been synthesized from it
    if not any(_nsec_covers(r.name, r[0].next, wildcard) for r in nsecs):
        return said("probe.dns.denial.no_nsec_wildcard", wildcard=str(wildcard))
    return None


def _hash(name: dns.name.Name, params: Any) -> bytes:
    text = dns.dnssec.nsec3_hash(name, params.salt, params.iterations, params.algorithm)
    return base64.b32hexdecode(text.upper())


def _owner_hash(rrset: dns.rrset.RRset) -> bytes:
    return base64.b32hexdecode(rrset.name.labels[0].decode("ascii").upper())


def _nsec3_covers(rrset: dns.rrset.RRset, digest: bytes) -> bool:
    owner, nxt = _owner_hash(rrset), rrset[0].next
    if owner < nxt:
        return owner < digest < nxt
    return digest > owner or digest < nxt


def _nsec3_proof(nsec3s: list[dns.rrset.RRset], qname: dns.name.Name, qtype: int, nxdomain: bool,
                 zone: dns.name.Name) -> str | None:
    params = nsec3s[0][0]
    if params.iterations > NSEC3_MAX_ITERATIONS:
        return said("probe.dns.denial.iterations", iterations=params.iterations, limit=NSEC3_MAX_ITERATIONS)
    try:
        hashes = {r.name: _owner_hash(r) for r in nsec3s}
    except (ValueError, UnicodeDecodeError):
        return said("probe.dns.denial.owner")

    def matching(name: dns.name.Name) -> dns.rrset.RRset | None:
        digest = _hash(name, params)
        return next((r for r in nsec3s if hashes[r.name] == digest), None)

    def covering(name: dns.name.Name) -> dns.rrset.RRset | None:
        digest = _hash(name, params)
        return next((r for r in nsec3s if _nsec3_covers(r, digest)), None)

    if not nxdomain:
        found = matching(qname)
        if found is not None:
            types = _types(found[0])
            if qtype in types or dns.rdatatype.CNAME in types:
                return said("probe.dns.denial.nsec3_lists", qname=str(qname))
            return None
        if qtype != dns.rdatatype.DS:
            return said("probe.dns.denial.no_nsec3_matches", qname=str(qname))
        # A DS with no matching NSEC3: opt-out covering the next closer name (RFC 5155 section 8.6).
    encloser = qname
    while encloser != zone and encloser != dns.name.root:
        parent = encloser.parent()
        if matching(parent) is not None:
            next_closer, encloser = encloser, parent
            break
        encloser = parent
    else:
        return said("probe.dns.denial.no_encloser", qname=str(qname))
    cover = covering(next_closer)
    if cover is None:
        return said("probe.dns.denial.no_nsec3_covers", name=str(next_closer))
    if not nxdomain:
        return None if cover[0].flags & 1 else said("probe.dns.denial.not_opt_out", name=str(next_closer))
    if covering(dns.name.Name((b"*",) + encloser.labels)) is None:
        return said("probe.dns.denial.no_nsec3_wildcard", encloser=str(encloser))
    return None


def prove_denial(response: dns.message.Message | None, qname: dns.name.Name, rdtype: str,
                 zone: dns.name.Name, keys: dict[dns.name.Name, dns.rrset.RRset], nxdomain: bool) -> str | None:
    """None when the negative answer `response` to `qname`/`rdtype` is proven by signed NSEC or NSEC3; else why not."""
    if response is None:
        return said("probe.dns.denial.no_answer", rdtype=rdtype, qname=str(qname))
    qtype = dns.rdatatype.from_text(rdtype)
    nsecs = _signed(response, dns.rdatatype.NSEC, keys)
    nsec3s = [r for r in _signed(response, dns.rdatatype.NSEC3, keys) if r.name.parent() == zone]
    if nsecs:
        why = _nsec_proof(nsecs, qname, qtype, nxdomain)
    elif nsec3s:
        why = _nsec3_proof(nsec3s, qname, qtype, nxdomain, zone)
    else:
        why = said("probe.dns.denial.unsigned")
    return said("probe.dns.denial.why", rdtype=rdtype, qname=str(qname), why=why) if why else None
