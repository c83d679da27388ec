"""Targets given on the command line: `https://host[:port]`, `host[:port]`, and curl-like `--resolve`.

Light on purpose (no schema, no YAML): `l3audit probe` parses its target with this alone.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import replace
from urllib.parse import urlsplit

from audit.domains import check_domain, default_domains, norm_name, within
from audit.errors import TargetError
from audit.i18n import phrase
from audit.models import Target

__all__ = ["parse_resolve", "parse_target", "target_with_resolve"]

_HOST = re.compile(r"^(?=.{1,253}$)([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?)*\.?$")


def _valid_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        # A dotted all-numeric name that is not an IP address (999.1.1.1) is a typo, not a host.
        return bool(_HOST.match(host)) and not re.fullmatch(r"[\d.]+", host)


def parse_target(text: str, address: str | None = None, http_port: int | None = None) -> Target:
    """Parse `https://host[:port][/path]`, `http://host[:port]` or `host[:port]` into a Target.

    Raises TargetError for anything that is not one host: ranges, CIDR blocks, other schemes, bad
    ports. A bare `host:port` is taken as HTTPS, since level-3 sites must offer it.
    """
    text = text.strip()
    if not text:
        raise TargetError(phrase("error.target.empty"))
    if "://" not in text and re.search(r"/\d{1,3}$", text):
        raise TargetError(phrase("error.target.range", target=text))
    raw = text if "://" in text else f"https://{text}"
    try:
        parts = urlsplit(raw)
    except ValueError:  # "Invalid IPv6 URL": an unclosed [ or a stray ]
        raise TargetError(phrase("error.target.host", target=text, host=text)) from None
    if parts.scheme not in ("http", "https"):
        raise TargetError(phrase("error.target.scheme", target=text, scheme=parts.scheme))
    try:
        port = parts.port
    except ValueError:
        raise TargetError(phrase("error.target.port", target=text)) from None
    host = parts.hostname or ""
    if re.fullmatch(r"[\d.\-]+", host) and "-" in host:
        raise TargetError(phrase("error.target.range", target=text))
    if not host or "*" in text or not _valid_host(host):
        raise TargetError(phrase("error.target.host", target=text, host=host or text))
    if port == 0:
        raise TargetError(phrase("error.target.port", target=text))
    if address is not None:
        try:
            ipaddress.ip_address(address)
        except ValueError:
            raise TargetError(phrase("error.target.address", address=address)) from None
    default_port = 443 if parts.scheme == "https" else 80
    if parts.scheme == "http":
        http_port = port or 80
    elif http_port is None:
        http_port = 80
    return Target(
        host=host,
        port=port or default_port,
        scheme=parts.scheme,
        http_port=http_port,
        address=address,
        path=parts.path or "/",
    )


def parse_resolve(spec: str) -> tuple[str, int, str]:
    """Parse curl-style `host:port:address` (IPv6 addresses in brackets)."""
    match = re.match(r"^([^:\[\]]+):(\d{1,5}):\[?([0-9A-Fa-f:.]+)\]?$", spec)
    if not match:
        raise TargetError(phrase("error.resolve.form", spec=spec))
    host, port, address = match.group(1), int(match.group(2)), match.group(3)
    try:
        ipaddress.ip_address(address)
    except ValueError:
        raise TargetError(phrase("error.resolve.address", spec=spec, address=address)) from None
    return host.lower(), port, address


def target_with_resolve(text: str, resolves: tuple[str, ...], http_port: int | None,
                        domains: tuple[str, ...] = (), default_presence: bool = True) -> Target:
    """Parse TARGET, set its web presence and apply `--resolve host:port:address` entries.

    The presence is `domains` (`--domain`), by default the target's registrable domain (Public
    Suffix List). An entry for the target's own host and one of its ports sets its address; one for
    another name within the presence (`www.` of a bare domain) says where to connect if a redirect
    leads there. An entry for any other name is refused: it could never be used, so it is a typo.
    With `default_presence` False (a probe that follows no redirects), the Public Suffix List is
    read only when a `--resolve` entry names another host: it costs a tenth of a second.
    """
    target = parse_target(text, http_port=http_port)
    for domain in domains:
        problem = check_domain(domain)
        if problem:
            raise TargetError(phrase("error.target.domain", domain=domain, problem=problem))
    presence = tuple(norm_name(d) for d in domains if norm_name(d))
    entries = [(spec, *parse_resolve(spec)) for spec in resolves]
    others_named = any(host != target.host.lower() for _, host, _, _ in entries)
    if not presence and (default_presence or others_named):
        presence = default_domains([target.host])
    address = None
    others: list[tuple[str, int, str]] = []
    for spec, host, port, addr in entries:
        if host == target.host.lower() and port in (target.port, target.http_port):
            address = addr
        elif host != target.host.lower() and within(host, presence):
            others.append((host, port, addr))
        elif host != target.host.lower():
            raise TargetError(phrase("error.resolve.other_host", spec=spec, host=host, target=target.host,
                                     domains=", ".join(presence)))
    if presence and not within(target.host, presence):
        raise TargetError(phrase("error.target.outside", host=target.host, domains=", ".join(presence)))
    return replace(target, address=address or target.address, domains=presence, resolves=tuple(others))
