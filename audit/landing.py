"""The host a visitor lands on, when a listed site redirects to another host of the outlet.

Nearly every news site sends the bare domain to `www`. The outlet's inventory often lists only the
apex, yet the page readers use is served by `www`, with its own certificate and TLS set-up. After the
`http` probe has followed the chain within the outlet's presence, `landing_site` derives the landing
host's site; the engine runs the transport probes on it (`LANDING_PROBES`), shares the listed site's
`http` attempt (whose content facts are the landing page's already), and judges on it only the rows
that read one of those transport probes. A landing host the inventory lists itself is not derived:
it is audited as every site is.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

from audit.domains import norm_name, within
from audit.models import AttemptStatus, ProbeAttempt, Target

LANDING_PROBES = ("tls",)
"""Probes of the listed site that are run again on the host its chain lands on."""


def landing_site(site: Target, http: ProbeAttempt | None, listed: Iterable[Target]) -> Target | None:
    """The landing host's site for `site`, or None when there is nothing more to audit.

    None when the http probe did not measure, the chain did not end on HTTPS, it ended on the
    site's own host and port, it ended outside the outlet's presence (recorded, never followed), or
    the inventory lists that host and port itself.
    """
    if http is None or http.status is AttemptStatus.ERROR or site.scheme != "https":
        return None
    final = http.facts.get("http.https.final_url")
    if not isinstance(final, str):
        return None
    parts = urlsplit(final)
    try:
        port = parts.port or 443
    except ValueError:
        return None
    host = norm_name(parts.hostname or "")
    if parts.scheme != "https" or not host or not within(host, site.presence):
        return None
    taken = {(norm_name(t.host), t.port) for t in listed if t.scheme == "https"}
    if (host, port) in taken:
        return None
    return dataclasses.replace(site, host=host, port=port, address=site.address_for(host, port), path="/")


def judged_on(probes: Iterable[str], own: Iterable[str], attempts: Mapping[str, ProbeAttempt]) -> bool:
    """Whether a row needing `probes` is judged on a landing site whose own probes are `own`.

    Only rows that read a probe run on the landing host itself, and whose every probe has an
    attempt there: a row of the shared http attempt alone was judged on the listed site already.
    """
    needed = set(probes)
    return bool(needed & set(own)) and needed <= set(attempts)
