"""Registrable domains (eTLD+1), for "is this script from the same site?" and cookie Domain checks.

The Observatory uses `tldts` (`parse(url).domain`), which bundles the Public Suffix List; we use the
`publicsuffixlist` package, which bundles the same list. IP addresses have no registrable domain
(tldts returns null for them), and neither has a single label such as `localhost`.
"""

from __future__ import annotations

import functools
import ipaddress


def is_ip(host: str) -> bool:
    """Whether `host` is an IPv4 or IPv6 literal (brackets allowed)."""
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


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
    host = host.strip().rstrip(".").lower()
    if not host or is_ip(host):
        return None
    psl = _psl(not private)
    if psl is None:  # fallback without the list: the last two labels
        labels = host.split(".")
        return ".".join(labels[-2:]) if len(labels) >= 2 else None
    result = psl.privatesuffix(host)
    return str(result) if result else None
