"""Registrable domains (eTLD+1), for "is this script from the same site?" and cookie Domain checks.

The Observatory uses `tldts` (`parse(url).domain`), which bundles the Public Suffix List; we use the
`publicsuffixlist` package, which bundles the same list, through `audit.domains` (shared with the
scope guard, which needs the same answer). IP addresses have no registrable domain (tldts returns
null for them), and neither has a single label such as `localhost`.
"""

from __future__ import annotations

from audit.domains import is_ip, registrable_domain, within

__all__ = ["is_ip", "registrable_domain", "within"]
