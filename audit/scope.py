"""The scope guard: l3audit only ever contacts the hosts it was given, one host at a time.

The inventory and the command line define the scope. Before a probe runs, the engine (or CLI) asks
`check_in_scope(target, allowed)`; a range (CIDR block, `a-b`, wildcard, list) or a name or address
that nobody gave is refused with `TargetError`, so a typo or a redirect cannot turn an audit into a
scan of someone else's network. An outlet's web presence (its declared `domains`, by default each
site's registrable domain) widens only what a redirect may lead to: `www.baomau.vn` from
`baomau.vn`, never a name outside the outlet's domains. Pure code: no DNS lookups, no I/O.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from audit.domains import within
from audit.errors import TargetError
from audit.i18n import phrase
from audit.models import Target

_RANGE_MARKS = re.compile(r"[/*,\s]|^\d{1,3}(\.\d{1,3}){0,3}-\d|\[.*\]")
"""CIDR slash, wildcard, list, whitespace, and nmap-style `10.0.0.1-20` ranges."""


def _norm_host(host: str) -> str:
    return host.strip().strip("[]").rstrip(".").lower()


def is_single_host(text: str) -> bool:
    """Whether `text` names exactly one host (a name or one IP address), not a range or a list."""
    host = text.strip()
    try:
        ipaddress.ip_address(host.strip("[]"))
        return True
    except ValueError:
        pass
    return bool(host) and not _RANGE_MARKS.search(host) and ":" not in host


@dataclass(frozen=True)
class Scope:
    """The hosts and addresses an audit may contact, from the inventory and the command line."""

    hosts: frozenset[str]
    addresses: frozenset[str]
    """Connect addresses: each target's `address` (--resolve), or its host when it has none."""
    domains: frozenset[str] = frozenset()
    """The outlets' web presence: names within these may be reached by following a redirect."""

    @classmethod
    def of(cls, targets: Iterable[Target]) -> Scope:
        """The scope made of exactly these targets (and the names within their declared domains)."""
        targets = list(targets)
        return cls(
            hosts=frozenset(_norm_host(t.host) for t in targets),
            addresses=frozenset(_norm_host(t.connect_host) for t in targets)
            | frozenset(_norm_host(a) for t in targets for _, _, a in t.resolves),
            domains=frozenset(_norm_host(d) for t in targets for d in t.presence),
        )

    def check_target(self, target: Target) -> None:
        """Raise TargetError unless `target`'s host and connect address were both given."""
        for value in {target.host, target.connect_host}:
            if not is_single_host(value):
                raise TargetError(phrase("error.scope.range", value=value))
        if _norm_host(target.host) not in self.hosts:
            raise TargetError(phrase("error.scope.unknown_host", host=target.host))
        self.check_address(target.connect_host)
        for host, _, address in target.resolves:
            if not within(host, target.presence):
                raise TargetError(phrase("error.scope.outside", host=host, target=target.host,
                                         domains=", ".join(target.presence)))
            self.check_address(address)

    def check_address(self, address: str) -> None:
        """Raise TargetError unless `address` is one that a given target connects to (for port scans)."""
        if not is_single_host(address):
            raise TargetError(phrase("error.scope.address_range", address=address))
        if _norm_host(address) not in self.addresses:
            raise TargetError(phrase("error.scope.unknown_address", address=address))

    def allows_url(self, url: str) -> bool:
        """Whether a URL (for example a redirect target) is on an audited host or within its domains."""
        try:
            host = urlsplit(url).hostname or ""
        except ValueError:
            return False
        return _norm_host(host) in self.hosts or within(host, self.domains)


def check_in_scope(target: Target, allowed: Iterable[Target]) -> None:
    """Raise TargetError unless `target` is one of the `allowed` sites' hosts (and addresses)."""
    Scope.of(allowed).check_target(target)
