"""A refusal without markers: every path of the site answers the same 403/503 page.

A bot filter or an address ban often answers with a bare "403 Forbidden" that names no WAF. One such
answer for the home page could be the site; the same answer for a random path that cannot exist
means the site refuses us whatever we ask, so its home page was not seen. `uniform_refusal` asks
that one random path when, and only when, the landing page is a 403 or 503 that `block_reason`
did not already recognise, and compares the two answers.
"""

from __future__ import annotations

import difflib
import secrets

import httpx

from audit.phrases import said
from probes.http.fetch import Chain, Fetcher, FetchError, Response

REFUSAL_STATUSES = frozenset({401, 403, 503})
"""Statuses a news site's public home page never has unless the visitor is refused."""
_COMPARED_BYTES = 4096
_ALIKE_RATIO = 0.9


def alike(landing: Response, other: Response, token: str) -> bool:
    """Whether two answers are the same refusal: same status, and bodies equal or nearly so (the path aside)."""
    if landing.status != other.status:
        return False
    one = landing.body[:_COMPARED_BYTES]
    two = other.body[:_COMPARED_BYTES].replace(token.encode(), b"")
    return one == two or difflib.SequenceMatcher(None, one, two).quick_ratio() >= _ALIKE_RATIO


async def uniform_refusal(fetcher: Fetcher, chain: Chain | None) -> str | None:
    """"blocked (...)" when the landing page and a random path get the same refusal; None otherwise.

    Costs one request, only for a landing page with a refusal status. No answer to the random path
    proves nothing either way: the landing page is then judged as it is.
    """
    final = chain.final if chain is not None else None
    if final is None or final.status not in REFUSAL_STATUSES:
        return None
    token = f"l3audit-{secrets.token_hex(8)}"
    try:
        other = await fetcher.get(httpx.URL(final.url).join(f"/{token}"), verify=chain.verified if chain else True)
    except FetchError:
        return None
    if not alike(final, other, token):
        return None
    return said("probe.block.uniform", status=final.status, url=final.url[:200])
