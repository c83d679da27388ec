"""Zone transfer: one AXFR attempt per name server address (RFC 5936); a server that hands the zone out is open.

Only the first message of the transfer is read: it is enough to know the server agreed, and the
zone's contents are none of the audit's business.
"""

from __future__ import annotations

import dns.asyncquery
import dns.exception
import dns.message
import dns.name
import dns.rcode
import dns.rdatatype

from audit.phrases import joined, said
from probes.netreason import exception_said


async def axfr_open(zone: dns.name.Name, address: str, port: int, timeout_seconds: float) -> bool | str:
    """True if `address` began a transfer of `zone`, False if it refused; a reason string if it did not answer."""
    query = dns.message.make_query(zone, dns.rdatatype.AXFR)
    try:
        response = await dns.asyncquery.tcp(query, address, timeout=timeout_seconds, port=port)
    except (dns.exception.Timeout, TimeoutError):
        return said("probe.dns.axfr_silent", zone=str(zone), address=address, seconds=f"{timeout_seconds:g}")
    except (OSError, EOFError, dns.exception.DNSException) as exc:
        if isinstance(exc, (ConnectionRefusedError, EOFError, ConnectionResetError)):
            return False  # closing the connection is a refusal, too
        return said("probe.dns.axfr_failed", zone=str(zone), address=address, error=exception_said(exc))
    if response.rcode() != dns.rcode.NOERROR:
        return False
    return any(rrset.rdtype == dns.rdatatype.SOA for rrset in response.answer)


async def transfer_facts(zone: dns.name.Name, addresses: list[str], port: int,
                         timeout_seconds: float) -> tuple[dict[str, object], str | None]:
    """`dns.axfr.*` over every name server address, and an error reason if any did not answer."""
    open_at, unanswered = [], []
    for address in addresses:
        outcome = await axfr_open(zone, address, port, timeout_seconds)
        if isinstance(outcome, str):
            unanswered.append(outcome)
        elif outcome:
            open_at.append(address)
    facts: dict[str, object] = {"dns.axfr.open_servers": open_at, "dns.axfr.tested_count": len(addresses)}
    if open_at or not unanswered:
        facts["dns.axfr.refused"] = not open_at
    return facts, (joined(unanswered) if unanswered and not open_at else None)
