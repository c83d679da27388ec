"""Asking DNS questions with bounded time, and telling "measured: nothing there" from "not measured".

dnspython's asynchronous resolver does the work (UDP, then TCP when an answer is truncated, as
RFC 7766 section 5 requires; CNAME chains capped by dnspython). We only choose the server (the
system resolver, or `ADDR[:PORT]` for tests and departments with their own resolver) and sort the
outcomes: NXDOMAIN and "no such record" are answers; a timeout, SERVFAIL, an answer cut short or a
CNAME loop are not, and become `LookupError_` with a reason so the dependent facts are `error`.
"""

from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass

import dns.asyncresolver
import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rdatatype
import dns.resolver
import dns.rrset

from audit.errors import ProbeError
from audit.phrases import PhraseText, said


class DnsLookupError(Exception):
    """A question got no usable answer (timeout, SERVFAIL, loop, garbage); `str()` is the reason."""


def parse_server(text: str) -> tuple[str, int]:
    """(address, port) from `ADDR`, `ADDR:PORT`, `[V6]:PORT` or a bare IPv6 address; ProbeError if malformed."""
    text = text.strip()
    host, port = text, 53
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        if rest:
            if not rest.startswith(":") or not rest[1:].isdigit():
                raise ProbeError(said("probe.dns.resolver_bracketed", text=text))
            port = int(rest[1:])
    elif text.count(":") == 1:
        host, _, port_text = text.partition(":")
        if not port_text.isdigit():
            raise ProbeError(said("probe.dns.resolver_port_number", text=text))
        port = int(port_text)
    try:
        ipaddress.ip_address(host)
    except ValueError:
        raise ProbeError(said("probe.dns.resolver_address", text=text)) from None
    if not 0 < port < 65536:
        raise ProbeError(said("probe.dns.resolver_port_range", text=text, port=port))
    return host, port


def make_resolver(server: str | None, timeout_seconds: float) -> dns.asyncresolver.Resolver:
    """A resolver asking `server` (ADDR[:PORT]), else `$L3AUDIT_RESOLVER`, else the system's resolvers.

    EDNS with the DO bit asks for signatures, and CD asks a validating resolver to hand over even
    data it finds bogus, so that the probe can judge DNSSEC itself (RFC 4035 section 3.2.2).
    """
    server = server or os.environ.get("L3AUDIT_RESOLVER") or None
    if server:
        resolver = dns.asyncresolver.Resolver(configure=False)
        address, port = parse_server(server)
        resolver.nameservers = [address]
        resolver.port = port
    else:
        try:
            resolver = dns.asyncresolver.Resolver()
        except dns.exception.DNSException as exc:
            raise ProbeError(said("probe.dns.no_system_resolver", error=dnspython_text(exc))) from exc
    resolver.timeout = timeout_seconds
    resolver.lifetime = timeout_seconds * 2
    resolver.use_edns(0, dns.flags.DO, 1232)
    resolver.flags = dns.flags.RD | dns.flags.CD
    resolver.cache = None
    return resolver


@dataclass(frozen=True)
class Lookup:
    """One answered question: the records (empty when none exist), their signatures and where chains led."""

    name: dns.name.Name
    rdtype: dns.rdatatype.RdataType
    rrset: dns.rrset.RRset | None
    signatures: dns.rrset.RRset | None
    nxdomain: bool = False
    canonical_name: dns.name.Name | None = None
    """Where CNAMEs led, when they led somewhere else."""
    response: dns.message.Message | None = None

    @property
    def values(self) -> list[str]:
        """The records' text, sorted."""
        return sorted(rd.to_text() for rd in self.rrset) if self.rrset is not None else []


async def lookup(resolver: dns.asyncresolver.Resolver, name: dns.name.Name | str, rdtype: str) -> Lookup:
    """Ask for `rdtype` records of `name`; DnsLookupError when no usable answer came back."""
    qname = dns.name.from_text(name) if isinstance(name, str) else name
    kind = dns.rdatatype.from_text(rdtype)
    try:
        answer = await resolver.resolve(qname, kind, raise_on_no_answer=False, search=False)
    except dns.resolver.NXDOMAIN as exc:
        canonical = exc.canonical_name if exc.canonical_name != qname else None
        responses = exc.responses()
        return Lookup(qname, kind, None, None, nxdomain=True, canonical_name=canonical,
                      response=responses.get(exc.canonical_name) or next(iter(responses.values()), None))
    except dns.resolver.LifetimeTimeout:
        raise DnsLookupError(said("probe.dns.lookup_timeout", rdtype=rdtype, qname=str(qname),
                                     seconds=f"{resolver.lifetime:g}")) from None
    except dns.resolver.NoNameservers as exc:
        raise DnsLookupError(said("probe.dns.lookup_failed", rdtype=rdtype, qname=str(qname),
                                     error=_first_error(exc))) from None
    except dns.message.ChainTooLong:
        raise DnsLookupError(said("probe.dns.lookup_loop", rdtype=rdtype, qname=str(qname))) from None
    except dns.exception.DNSException as exc:
        raise DnsLookupError(said("probe.dns.lookup_error", rdtype=rdtype, qname=str(qname),
                                     error=exception_text(exc))) from None
    response = answer.response
    signatures = None
    if answer.rrset is not None:
        try:
            signatures = response.find_rrset(response.answer, answer.rrset.name, answer.rrset.rdclass,
                                             dns.rdatatype.RRSIG, kind)
        except KeyError:
            signatures = None
    canonical = answer.canonical_name if answer.canonical_name != qname else None
    return Lookup(qname, kind, answer.rrset, signatures, canonical_name=canonical, response=response)


def _first_error(exc: dns.resolver.NoNameservers) -> str:
    errors = exc.kwargs.get("errors") or []
    for _server, _tcp, _port, error, *_ in errors:
        return str(error)[:200]
    return said("probe.dns.no_server_answered")


LIBRARY_TEXTS = (
    (re.compile(r"The DNS query name does not exist: (?P<names>.+)", re.S), "probe.dns.lib.nxdomain"),
    (re.compile(r"None of DNS query names exist: (?P<names>.+)", re.S), "probe.dns.lib.nxdomain_all"),
    (re.compile(r"The DNS response does not contain an answer to the question: (?P<query>.+)", re.S),
     "probe.dns.lib.no_answer_to"),
    (re.compile(r"The DNS response does not contain an answer to the question\."), "probe.dns.lib.no_answer"),
    (re.compile(r"All nameservers failed to answer the query (?P<query>.+?): (?P<errors>.*)", re.S),
     "probe.dns.lib.no_nameservers_for"),
    (re.compile(r"All nameservers failed to answer the query\."), "probe.dns.lib.no_nameservers"),
    (re.compile(r"The DNS operation timed out\."), "probe.dns.lib.timeout"),
    (re.compile(r"The DNS operation timed out after (?P<seconds>\d+\.\d{3}) seconds"), "probe.dns.lib.timeout_after"),
    (re.compile(r"The resolution lifetime expired\."), "probe.dns.lib.lifetime"),
    (re.compile(r"The resolution lifetime expired after (?P<seconds>\d+\.\d{3}) seconds: (?P<errors>.*)", re.S),
     "probe.dns.lib.lifetime_after"),
    (re.compile(r"A DNS label is empty\."), "probe.dns.lib.empty_label"),
    (re.compile(r"A DNS label is > 63 octets long\."), "probe.dns.lib.label_too_long"),
    (re.compile(r"A DNS name is > 255 octets long\."), "probe.dns.lib.name_too_long"),
)
"""dnspython's usual messages (dns.resolver, dns.exception, dns.name of dnspython 2.x), each matched whole.

Each phrase's English is the message itself, so `str()` is unchanged; the names, queries and the
servers' own answers inside stay values, as they came.
"""


def dnspython_text(exc: BaseException) -> PhraseText:
    """dnspython's message of `exc` as a phrase: a usual one said in the reader's language, another quoted as it is."""
    text = str(exc)
    for pattern, key in LIBRARY_TEXTS:
        match = pattern.fullmatch(text)
        if match:
            values: dict[str, object] = match.groupdict()
            if "seconds" in values:  # "2.000" in English, "2" in Vietnamese (where "2.000" reads two thousand)
                values["seconds"] = float(str(values["seconds"]))
            if values.get("errors"):  # the servers' own answers, quoted as they came
                values["errors"] = said("net.verbatim", text=values["errors"])
            return said(key, **values)
    return said("net.verbatim", text=text)


def exception_text(exc: BaseException) -> PhraseText:
    """`"{class}: {message}"` of a dnspython exception, its message said as `dnspython_text` does."""
    return said("net.exception", name=type(exc).__name__, text=dnspython_text(exc))
