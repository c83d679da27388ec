"""Facts from plain records: addresses, name servers and their spread, SOA, CAA, dangling CNAMEs.

Each group of facts is measured on its own; a group whose questions got no usable answer is left
out and named in `dns.errors` with the reason, so a row reading it is `error`, never `fail`.
"""

from __future__ import annotations

import functools
import ipaddress
from typing import Any

import dns.asyncresolver
import dns.name

from probes.dns.resolver import Lookup, lookup


async def address_facts(resolver: dns.asyncresolver.Resolver, host: dns.name.Name) -> dict[str, Any]:
    """`dns.a.*`, `dns.aaaa.*`, `dns.ipv6`: the host's addresses (after CNAMEs)."""
    v4 = await lookup(resolver, host, "A")
    v6 = await lookup(resolver, host, "AAAA")
    return {
        "dns.a.addresses": v4.values, "dns.a.count": len(v4.values),
        "dns.aaaa.addresses": v6.values, "dns.aaaa.count": len(v6.values),
        "dns.ipv6": bool(v6.values),
        "dns.exists": not (v4.nxdomain and v6.nxdomain),
    }


def _prefix(address: str) -> str:
    """The /24 (IPv4) or /48 (IPv6) network of `address`: name servers in one such network share a fate."""
    ip = ipaddress.ip_address(address)
    bits = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{bits}", strict=False))


@functools.lru_cache(maxsize=1)
def _public_suffixes() -> Any:
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList()  # parsing the list takes a while: once per process


def registrable_domain(name: str) -> str:
    """The registrable domain of `name` by the Public Suffix List (publicsuffixlist), or `name` itself."""
    name = name.rstrip(".").lower()
    return _public_suffixes().privatesuffix(name) or name


async def nameserver_facts(resolver: dns.asyncresolver.Resolver, zone: dns.name.Name) -> tuple[dict[str, Any], list[str]]:
    """`dns.ns.*` for the zone, and the name servers' addresses (for the transfer test)."""
    ns = await lookup(resolver, zone, "NS")
    names = ns.values
    addresses: list[str] = []
    for name in names:
        for rdtype in ("A", "AAAA"):
            found = await lookup(resolver, name, rdtype)
            addresses.extend(v for v in found.values if v not in addresses)
    prefixes = sorted({_prefix(a) for a in addresses})
    domains = sorted({registrable_domain(n) for n in names})
    return {
        "dns.ns.names": names, "dns.ns.count": len(names),
        "dns.ns.addresses": addresses,
        "dns.ns.networks": prefixes, "dns.ns.network_count": len(prefixes),
        "dns.ns.domains": domains, "dns.ns.domain_count": len(domains),
        "dns.ns.ipv6": any(":" in a for a in addresses),
    }, addresses


async def soa_facts(resolver: dns.asyncresolver.Resolver, zone: dns.name.Name) -> dict[str, Any]:
    """`dns.soa.*`: the zone's SOA fields (RFC 1035 section 3.3.13)."""
    found = await lookup(resolver, zone, "SOA")
    if found.rrset is None:
        return {"dns.soa.present": False}
    soa = found.rrset[0]
    return {
        "dns.soa.present": True, "dns.soa.mname": soa.mname.to_text(), "dns.soa.rname": soa.rname.to_text(),
        "dns.soa.serial": soa.serial, "dns.soa.refresh_seconds": soa.refresh, "dns.soa.retry_seconds": soa.retry,
        "dns.soa.expire_seconds": soa.expire, "dns.soa.minimum_seconds": soa.minimum,
    }


async def caa_facts(resolver: dns.asyncresolver.Resolver, host: dns.name.Name) -> dict[str, Any]:
    """`dns.caa.*`: the relevant CAA set, found by climbing from the host towards the root (RFC 8659 section 3).

    The climb stops below the public suffix: a TLD's CAA set is not the outlet's policy.
    """
    suffix = registrable_domain(host.to_text())
    name = host
    found: Lookup | None = None
    while True:
        found = await lookup(resolver, name, "CAA")
        if found.rrset is not None or name.to_text().rstrip(".").lower() == suffix or len(name) <= 2:
            break
        name = name.parent()
    records = list(found.rrset) if found is not None and found.rrset is not None else []
    issuers = sorted({r.value.decode("ascii", "replace").split(";", 1)[0].strip()
                      for r in records if r.tag.lower() in (b"issue", b"issuewild")})
    return {
        "dns.caa.present": bool(records),
        "dns.caa.found_at": name.to_text() if records else "",
        "dns.caa.issuers": issuers,
        "dns.caa.iodef": sorted(r.value.decode("ascii", "replace") for r in records if r.tag.lower() == b"iodef"),
        "dns.caa.records": sorted(r.to_text() for r in records),
    }


async def dangling_facts(resolver: dns.asyncresolver.Resolver, names: list[dns.name.Name]) -> dict[str, Any]:
    """`dns.cname.*`: names whose CNAME chain ends in a name that does not exist (a takeover risk)."""
    dangling, chains = [], {}
    for name in names:
        found = await lookup(resolver, name, "A")
        if found.canonical_name is not None:
            chains[name.to_text()] = found.canonical_name.to_text()
            if found.nxdomain:
                dangling.append(f"{name} -> {found.canonical_name}")
    return {"dns.cname.targets": chains, "dns.cname.dangling": dangling, "dns.cname.dangling_count": len(dangling)}
