"""The `dns` probe: addresses, name servers and their spread, SOA, CAA, zone transfer, dangling CNAMEs, DNSSEC.

Questions go through dnspython's asynchronous resolver to the system resolver, or to the server in
`--resolver ADDR[:PORT]` / the inventory setting `resolver`. Each group of facts is measured on its
own: a group whose questions went unanswered is listed in `dns.errors` with the reason and its facts
are left out, so one SERVFAIL does not throw away what the other questions proved.

Per-outlet settings (inventory `settings`, all optional): `resolver` (ADDR[:PORT]),
`dns_names` (more names to check for dangling CNAMEs, e.g. `www.example.vn`),
`dnssec_trust_anchors` (DS or DNSKEY lines; default the root's), `nameserver_port` (for the AXFR
attempt, default 53), `zone_transfer` (bool, default true).
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable

import dns.name
import dns.resolver

from audit.errors import ProbeError
from audit.models import Target
from audit.phrases import said
from probes.dns.resolver import DnsLookupError, dnspython_text, exception_text, make_resolver
from probes.netreason import reason_of
from probes.interface import Measurement, Probe, ProbeOptions


def _name(text: str) -> dns.name.Name:
    try:
        return dns.name.from_text(text.rstrip(".") + ".")
    except dns.exception.DNSException as exc:
        raise ProbeError(said("probe.dns.not_a_name", text=text, error=dnspython_text(exc))) from None


class DnsProbe(Probe):
    """What the outlet's name publishes in the DNS, and whether DNSSEC secures it."""

    name = "dns"
    tool = "dnspython"

    def key(self, target: Target) -> str:
        """DNS facts belong to the name, not to a port or a URL."""
        return target.host.lower()

    def host_key(self, target: Target) -> str:
        """Questions go to resolvers, not to the site: limit per name."""
        return f"dns:{target.host.lower()}"

    def tool_version(self) -> str:
        """dnspython's version."""
        import dns.version

        return f"dnspython {dns.version.version}"

    async def measure(self, target: Target, options: ProbeOptions) -> Measurement:
        """Ask the questions; ProbeError only if the name cannot be asked about at all."""
        import dns.asyncresolver

        from probes.dns import dnssec, records, transfer

        settings = options.settings
        server = settings.get("resolver") or options.resolver
        resolver = make_resolver(str(server) if server else None, options.timeout_seconds)
        host = _name(target.host)
        if host.to_text().rstrip(".").replace(".", "").isdigit():
            raise ProbeError(said("probe.dns.address", host=target.host))
        try:
            zone = await dns.asyncresolver.zone_for_name(host, resolver=resolver, lifetime=resolver.lifetime)
        except dns.exception.DNSException as exc:
            if isinstance(exc, dns.resolver.LifetimeTimeout):
                error: str = said("probe.dns.no_answer_within", seconds=f"{resolver.lifetime:g}")
            else:
                error = exception_text(exc)
            raise ProbeError(said("probe.dns.no_zone", host=str(host), error=error)) from None
        facts: dict[str, Any] = {"dns.zone": zone.to_text(), "dns.resolver": str(server or "system")}
        errors: dict[str, str] = {}

        async def group(prefix: str, step: Callable[[], Awaitable[dict[str, Any]]]) -> None:
            try:
                facts.update(await step())
            except DnsLookupError as exc:
                errors[prefix] = reason_of(exc)

        await group("dns.a", lambda: records.address_facts(resolver, host))
        if "dns.a" in errors:
            errors.update({"dns.aaaa": errors["dns.a"], "dns.ipv6": errors["dns.a"], "dns.exists": errors["dns.a"]})
        await group("dns.soa", lambda: records.soa_facts(resolver, zone))
        await group("dns.caa", lambda: records.caa_facts(resolver, host))
        extra = [_name(str(n)) for n in settings.get("dns_names", []) or []]
        await group("dns.cname", lambda: records.dangling_facts(resolver, [host, *extra]))
        addresses: list[str] = []
        try:
            ns_facts, addresses = await records.nameserver_facts(resolver, zone)
            facts.update(ns_facts)
        except DnsLookupError as exc:
            errors["dns.ns"] = reason_of(exc)
        if settings.get("zone_transfer", True) is False:
            errors["dns.axfr"] = said("probe.dns.axfr_disabled")
        elif "dns.ns" in errors or not addresses:
            errors["dns.axfr"] = errors.get("dns.ns", said("probe.dns.no_ns_address"))
        else:
            port = int(settings.get("nameserver_port", 53))
            axfr, why = await transfer.transfer_facts(zone, addresses, port, options.timeout_seconds)
            facts.update(axfr)
            if why:
                errors["dns.axfr.refused"] = why
        try:
            configured = settings.get("dnssec_trust_anchors")
            anchors = dnssec.load_trust_anchors(configured if configured is not None else
                                                (list(options.trust_anchors) if options.trust_anchors else None))
        except ValueError as exc:
            raise ProbeError(reason_of(exc)) from None
        await group("dns.dnssec", lambda: _dnssec_facts(resolver, zone, host, anchors))
        unproven = [why for why in facts.get("dns.dnssec.unproven_denials", []) if why.startswith("CAA ")]
        if unproven and facts.get("dns.caa.present") is False:
            # "no CAA" from a signed zone counts only when NSEC/NSEC3 prove it (RFC 4035 section 5.4)
            for key in [k for k in facts if k.startswith("dns.caa.")]:
                del facts[key]
            errors["dns.caa"] = said("probe.dns.caa_unproven", why=unproven[0])
        if errors:
            facts["dns.errors"] = errors
        where = said("probe.dns.via_server", server=server) if server else said("probe.dns.via_system")
        return Measurement(facts, said("probe.dns.method", where=where, zone=str(zone)))


async def _dnssec_facts(resolver: Any, zone: dns.name.Name, host: dns.name.Name, anchors: Any) -> dict[str, Any]:
    from probes.dns.dnssec import check_dnssec

    return (await check_dnssec(resolver, zone, host, anchors)).facts()
