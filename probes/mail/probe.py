"""The `mail` probe: MX, SPF, DMARC, DKIM for configured selectors, MTA-STS (record and policy), TLS-RPT.

The mail domain is the setting `mail_domain`, else the registrable domain of the site's host
(Public Suffix List). Questions go through the `dns` probe's resolver (system, `--resolver` or the
setting `resolver`). Each group of facts stands alone: a group whose questions went unanswered is
named in `mail.errors` with the reason and its facts are left out, so it is `error`, never `fail`.

Per-outlet settings: `mail_domain`, `dkim_selectors` (list), `mta_sts_port` (default 443),
`resolver`.
"""

from __future__ import annotations

from typing import Any

import dns.asyncresolver

from audit.errors import ProbeError
from audit.models import Target
from audit.phrases import said
from probes.interface import Measurement, Probe, ProbeOptions
from probes.netreason import reason_of


def mail_domain(target: Target, settings: Any) -> str:
    """The domain whose mail is audited."""
    if settings.get("mail_domain"):
        return str(settings["mail_domain"]).rstrip(".").lower()
    from probes.dns.records import registrable_domain

    return registrable_domain(target.host)


async def txt_strings(resolver: dns.asyncresolver.Resolver, name: str) -> list[str]:
    """Each TXT record of `name` as one string (its character-strings joined, RFC 7208 section 3.3)."""
    from probes.dns.resolver import lookup

    found = await lookup(resolver, name, "TXT")
    if found.rrset is None:
        return []
    return [b"".join(rd.strings).decode("utf-8", "replace") for rd in found.rrset]


class MailProbe(Probe):
    """How the outlet's mail domain protects its mail, from DNS records and the MTA-STS policy."""

    name = "mail"
    tool = "dnspython, httpx"

    def key(self, target: Target) -> str:
        """Mail facts belong to the registrable domain, not to a site."""
        return f"mail:{target.host.lower()}"

    def host_key(self, target: Target) -> str:
        """Questions go to resolvers: limit per domain."""
        return f"mail:{target.host.lower()}"

    async def measure(self, target: Target, options: ProbeOptions) -> Measurement:
        """Ask for each record; ProbeError only when nothing can be asked."""
        from probes.dns.resolver import DnsLookupError, make_resolver
        from probes.mail.groups import GROUPS

        settings = options.settings
        server = settings.get("resolver") or options.resolver
        resolver = make_resolver(str(server) if server else None, options.timeout_seconds)
        domain = mail_domain(target, settings)
        if not domain or domain.replace(".", "").isdigit():
            raise ProbeError(said("probe.mail.no_domain", host=target.host))
        facts: dict[str, Any] = {"mail.domain": domain}
        errors: dict[str, str] = {}
        for prefix, step in GROUPS:
            try:
                facts.update(await step(resolver, domain, facts, options))
            except DnsLookupError as exc:
                errors[prefix] = reason_of(exc)
            except ProbeError as exc:
                errors[prefix] = exc.phrase if isinstance(exc.phrase, str) else str(exc)
        if errors:
            facts["mail.errors"] = errors
        where = said("probe.dns.via_server", server=server) if server else said("probe.dns.via_system")
        return Measurement(facts, said("probe.mail.method", where=where, domain=domain))
