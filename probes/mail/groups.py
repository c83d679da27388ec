"""The mail probe's groups of facts, one function each: (prefix, step) in the order they run."""

from __future__ import annotations

import ssl
from typing import Any, Awaitable, Callable

import dns.asyncresolver

from audit.errors import ProbeError
from audit.phrases import joined, said
from probes.interface import ProbeOptions
from probes.netreason import exception_said, reason_of
from probes.mail.probe import txt_strings

Step = Callable[[dns.asyncresolver.Resolver, str, dict[str, Any], ProbeOptions], Awaitable[dict[str, Any]]]


async def mx_facts(resolver: dns.asyncresolver.Resolver, domain: str, _facts: dict[str, Any],
                   _options: ProbeOptions) -> dict[str, Any]:
    """`mail.mx.*`: the mail exchangers by preference.

    A null MX (RFC 7505: one MX `0 .`) says the domain takes no mail; a `.` beside other exchangers
    is a mistake (section 3) and is skipped. With no MX at all, mail goes to the domain's own
    address (RFC 5321 section 5.1, the implicit MX): the domain is then its only exchanger.
    """
    from probes.dns.resolver import lookup

    found = await lookup(resolver, domain, "MX")
    rows = sorted((rd.preference, rd.exchange.to_text().rstrip(".").lower()) for rd in (found.rrset or []))
    null = len(rows) == 1 and rows[0][1] == ""
    hosts = [host for _, host in rows if host]
    implicit = False
    if not rows and not found.nxdomain:
        implicit = bool((await lookup(resolver, domain, "A")).values or (await lookup(resolver, domain, "AAAA")).values)
        hosts = [domain] if implicit else []
    return {"mail.mx.hosts": hosts, "mail.mx.count": len(hosts), "mail.mx.null": null, "mail.mx.implicit": implicit,
            "mail.mx.null_with_others": not null and any(not host for _, host in rows)}


async def spf_facts(resolver: dns.asyncresolver.Resolver, domain: str, _facts: dict[str, Any],
                    _options: ProbeOptions) -> dict[str, Any]:
    """`mail.spf.*` (RFC 7208)."""
    from probes.dns.resolver import lookup
    from probes.mail.spf import check_spf

    async def records(name: str, rdtype: str) -> list[str]:
        return list((await lookup(resolver, name, rdtype)).values)

    result = await check_spf(domain, lambda name: txt_strings(resolver, name), records)
    return {
        "mail.spf.present": bool(result.record), "mail.spf.record": result.record, "mail.spf.valid": result.valid,
        "mail.spf.error": result.error, "mail.spf.lookups": result.lookups, "mail.spf.void_lookups": result.void_lookups,
        "mail.spf.all_qualifier": result.all_qualifier, "mail.spf.includes": result.includes,
        "mail.spf.macro_terms": result.macro_terms,
    }


async def dmarc_facts(resolver: dns.asyncresolver.Resolver, domain: str, _facts: dict[str, Any],
                      _options: ProbeOptions) -> dict[str, Any]:
    """`mail.dmarc.*` (RFC 7489 section 6.6.3: the domain's own record, else the organizational domain's)."""
    from probes.dns.records import registrable_domain
    from probes.mail.dmarc import dmarc_records, parse_dmarc

    organizational = registrable_domain(domain)
    for where in dict.fromkeys([domain, organizational]):
        records = dmarc_records(await txt_strings(resolver, f"_dmarc.{where}"))
        if len(records) == 1:
            return {"mail.dmarc.present": True, "mail.dmarc.found_at": f"_dmarc.{where}", **parse_dmarc(records[0])}
        if len(records) > 1:
            return {"mail.dmarc.present": True, "mail.dmarc.found_at": f"_dmarc.{where}", "mail.dmarc.valid": False,
                    "mail.dmarc.errors": ["more than one DMARC record"]}
    return {"mail.dmarc.present": False}


async def dkim_facts(resolver: dns.asyncresolver.Resolver, domain: str, _facts: dict[str, Any],
                     options: ProbeOptions) -> dict[str, Any]:
    """`mail.dkim.*` for the selectors in the setting `dkim_selectors` (RFC 6376 section 3.6.2)."""
    from probes.mail.policy import tag_record

    selectors = [str(s) for s in options.settings.get("dkim_selectors", []) or []]
    found, missing, revoked = [], [], []
    for selector in selectors:
        tags = tag_record(await txt_strings(resolver, f"{selector}._domainkey.{domain}"), "DKIM1")
        if tags is None:
            missing.append(selector)
        elif not tags.get("p"):
            revoked.append(selector)  # an empty p= is a revoked key (section 3.6.1)
        else:
            found.append(selector)
    return {"mail.dkim.selectors_checked": selectors, "mail.dkim.found": found, "mail.dkim.missing": missing,
            "mail.dkim.revoked": revoked}


async def tlsrpt_facts(resolver: dns.asyncresolver.Resolver, domain: str, _facts: dict[str, Any],
                       _options: ProbeOptions) -> dict[str, Any]:
    """`mail.tlsrpt.*` (RFC 8460 section 3)."""
    from probes.mail.policy import tag_record

    tags = tag_record(await txt_strings(resolver, f"_smtp._tls.{domain}"), "TLSRPTv1")
    rua = [u.strip() for u in (tags or {}).get("rua", "").split(",") if u.strip()]
    return {"mail.tlsrpt.present": tags is not None and bool(rua), "mail.tlsrpt.rua": rua}


async def mta_sts_facts(resolver: dns.asyncresolver.Resolver, domain: str, facts: dict[str, Any],
                        options: ProbeOptions) -> dict[str, Any]:
    """`mail.mta_sts.*` (RFC 8461): the TXT record, the policy over HTTPS, whether it covers every MX."""
    from probes.dns.resolver import lookup
    from probes.mail.policy import PolicyFetchError, fetch_policy, mx_matches, tag_record

    tags = tag_record(await txt_strings(resolver, f"_mta-sts.{domain}"), "STSv1")
    out: dict[str, Any] = {"mail.mta_sts.present": tags is not None and bool(tags.get("id"))}
    if tags is None:
        return out
    host = f"mta-sts.{domain}"
    addresses = (await lookup(resolver, host, "A")).values or (await lookup(resolver, host, "AAAA")).values
    if not addresses:
        return {**out, "mail.mta_sts.policy_valid": False, "mail.mta_sts.policy_error": f"{host} has no address"}
    port = int(options.settings.get("mta_sts_port", 443))
    try:
        policy = await fetch_policy(host, addresses[0], port, options.timeout_seconds, options.ca_file)
    except PolicyFetchError as exc:
        raise ProbeError(reason_of(exc)) from None
    if not policy["fetched"]:
        return {**out, "mail.mta_sts.policy_valid": False, "mail.mta_sts.policy_error": policy["why"]}
    mx_hosts = facts.get("mail.mx.hosts", [])
    uncovered = [mx for mx in mx_hosts if not any(mx_matches(mx, p) for p in policy["mx"])]
    return {
        **out, "mail.mta_sts.policy_valid": not policy["errors"], "mail.mta_sts.policy_error": joined(policy["errors"]),
        "mail.mta_sts.mode": policy["mode"], "mail.mta_sts.mx_patterns": policy["mx"],
        "mail.mta_sts.max_age_seconds": policy["max_age_seconds"], "mail.mta_sts.uncovered_mx": uncovered,
        "mail.mta_sts.mx_covered": not uncovered and "mail.mx.hosts" in facts,
    }


async def starttls_facts(resolver: dns.asyncresolver.Resolver, domain: str, facts: dict[str, Any],
                         options: ProbeOptions) -> dict[str, Any]:
    """`mail.starttls.*`: STARTTLS on each MX (the first five by preference), port `smtp_port` (default 25).

    An MX that could not be reached is not measured: with no proven finding elsewhere the group is
    an error; a proven bad MX stays a finding whatever happened to the others.
    """
    from probes.dns.resolver import lookup
    from probes.mail.starttls import SmtpError, check_mx, summarize

    if "mail.mx.hosts" not in facts:
        raise ProbeError(said("probe.mail.mx_unknown"))
    port = int(options.settings.get("smtp_port", 25))
    rows: list[Any] = []
    unmeasured: list[str] = []
    for mx in facts["mail.mx.hosts"][:5]:
        addresses = (await lookup(resolver, mx, "A")).values or (await lookup(resolver, mx, "AAAA")).values
        if not addresses:
            unmeasured.append(said("probe.mail.mx_no_address", mx=mx))
            continue
        # RFC 7672 section 2.2: the TLSA records of an MX are at _25._tcp.<mx>, whatever port is tested
        tlsa = [(rd.usage, rd.selector, rd.mtype, rd.cert) for rd in (await lookup(resolver, f"_25._tcp.{mx}", "TLSA")).rrset or []]
        try:
            rows.append(await check_mx(mx, addresses[0], port, options.timeout_seconds, options.ca_file, tlsa))
        except (SmtpError, OSError, TimeoutError, ssl.SSLError) as exc:
            unmeasured.append(said("probe.mail.starttls_failed", mx=mx, where=f"{addresses[0]}:{port}",
                                   error=exception_said(exc)))
    summary = summarize(rows)
    if unmeasured and not summary["mail.starttls.invalid"]:
        raise ProbeError(joined(unmeasured))
    return {**summary, "mail.starttls.unmeasured": unmeasured}


GROUPS: tuple[tuple[str, Step], ...] = (
    ("mail.mx", mx_facts), ("mail.spf", spf_facts), ("mail.dmarc", dmarc_facts), ("mail.dkim", dkim_facts),
    ("mail.tlsrpt", tlsrpt_facts), ("mail.mta_sts", mta_sts_facts), ("mail.starttls", starttls_facts),
)
