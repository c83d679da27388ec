"""An outlet's web presence: registrable domains (eTLD+1) and "is this name within them?".

News sites redirect the bare domain to `www` (or to `m.`, `amp.`): the names an audit may follow
are the outlet's domains, by default the registrable domain of each site. The registrable domain
comes from the Public Suffix List through the `publicsuffixlist` package (never hand-written: a
suffix such as `com.vn` or `gov.vn` is a public suffix, so `baomau.com.vn` is the domain, not
`com.vn`). IP addresses have no registrable domain; a domain entry that is an address matches that
address only. Pure code, no I/O, and nothing of ours is imported: targets, the scope guard and the
probes all read it.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Iterable

from audit.i18n import Phrase, phrase

__all__ = ["check_domain", "default_domains", "is_ip", "norm_name", "registrable_domain", "within"]


def is_ip(host: str) -> bool:
    """Whether `host` is an IPv4 or IPv6 literal (brackets allowed)."""
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def norm_name(host: str) -> str:
    """A host name as compared: lower case, no brackets, no trailing dot."""
    return host.strip().strip("[]").rstrip(".").lower()


@functools.lru_cache(maxsize=2)
def _psl(only_icann: bool):  # type: ignore[no-untyped-def]
    try:
        from publicsuffixlist import PublicSuffixList
    except ImportError:  # pragma: no cover - the package is a declared dependency
        return None
    return PublicSuffixList(only_icann=only_icann)


def registrable_domain(host: str | None, *, private: bool = False) -> str | None:
    """The eTLD+1 of `host` (ICANN section only, like tldts' defaults); None for IPs and bare suffixes.

    `private=True` also honours the list's private section (tough-cookie's cookie Domain check).
    """
    if not host:
        return None
    host = norm_name(host)
    if not host or is_ip(host):
        return None
    psl = _psl(not private)
    if psl is None:  # fallback without the list: the last two labels
        labels = host.split(".")
        return ".".join(labels[-2:]) if len(labels) >= 2 else None
    result = psl.privatesuffix(host)
    return str(result) if result else None


def check_domain(name: str) -> Phrase | None:
    """Why `name` cannot be an outlet's domain (a public suffix such as `vn` or `com.vn`), or None.

    A suffix would put every site under it in scope, which the scope guard exists to prevent.
    """
    name = norm_name(name)
    if not name:
        return phrase("error.domain.empty")
    if is_ip(name):
        return None
    psl = _psl(False)
    if psl is not None and psl.is_public(name):
        return phrase("error.domain.public_suffix", name=name)
    return None


def default_domains(hosts: Iterable[str]) -> tuple[str, ...]:
    """The default web presence of these sites: each one's registrable domain, or the host itself.

    The host itself stands in for an IP address or a single label (`localhost`), so a site is
    always within its own presence.
    """
    found: list[str] = []
    for host in hosts:
        name = registrable_domain(host) or norm_name(host)
        if name and name not in found:
            found.append(name)
    return tuple(found)


def within(host: str, domains: Iterable[str]) -> bool:
    """Whether `host` is one of `domains` or a name under one (`www.baomau.vn` within `baomau.vn`).

    An address matches only itself: `127.0.0.1` is not "under" anything.
    """
    host = norm_name(host)
    if not host:
        return False
    for domain in domains:
        domain = norm_name(domain)
        if not domain:
            continue
        if host == domain or (not is_ip(host) and not is_ip(domain) and host.endswith("." + domain)):
            return True
    return False
