"""What stands in front of a site and what its answers say about it: CDNs, WAFs, the server's clock.

Every answer the probe received (plain-HTTP hops, HTTPS hops, the landing page) is compared with
the fingerprints of `probes/http/edges.yaml`. The result is a heuristic: checklists read it as a
supporting signal only. A WAF is also seen when one of those answers was its block or challenge
page (`probes.http.blocking`). The clock skew is the landing page's `Date` (RFC 9110 6.6.1) against
ours, as a hint for time-synchronisation rows; it is as precise as the probe is short.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

import yaml

from audit.errors import ProbeError
from probes.http.fetch import Response


@dataclass(frozen=True)
class Provider:
    """A CDN or WAF and the headers that give it away."""

    name: str
    kinds: frozenset[str]
    headers: tuple[tuple[str, re.Pattern[str]], ...]

    def seen_in(self, response: Response) -> bool:
        """Whether one of this provider's headers, with a matching value, is in `response`."""
        return any(name == wanted and pattern.search(value.lower())
                   for name, value in response.raw_headers for wanted, pattern in self.headers)


@functools.lru_cache(maxsize=1)
def providers() -> tuple[Provider, ...]:
    """The shipped fingerprints; ProbeError if the data file is malformed (a packaging bug)."""
    text = (resources.files("probes.http") / "edges.yaml").read_text(encoding="utf-8")
    try:
        return tuple(
            Provider(str(p["name"]), frozenset(p["kinds"]),
                     tuple((str(h).lower(), re.compile(str(v), re.IGNORECASE)) for h, v in p["headers"].items()))
            for p in yaml.safe_load(text)["providers"]
        )
    except (KeyError, TypeError, AttributeError, re.error) as exc:
        raise ProbeError(f"edges.yaml is malformed ({exc!r}); reinstall l3audit") from exc


def edge_facts(responses: Iterable[Response], blocked_by_waf: bool) -> dict[str, object]:
    """`http.cdn.*` and `http.waf.*`: providers seen in any of `responses`, in catalogue order."""
    answers = list(responses)
    seen = [p for p in providers() if any(p.seen_in(r) for r in answers)]
    cdn = [p.name for p in seen if "cdn" in p.kinds]
    waf = [p.name for p in seen if "waf" in p.kinds]
    return {
        "http.cdn.detected": bool(cdn), "http.cdn.providers": cdn,
        "http.waf.detected": bool(waf) or blocked_by_waf, "http.waf.providers": waf,
        "http.waf.block_page_seen": blocked_by_waf,
    }


def date_skew(response: Response | None) -> dict[str, object]:
    """`http.date_skew_seconds` (the server's clock minus ours, signed) from a valid `Date` header."""
    dates = response.header_list("date") if response is not None else []
    value = dates[0] if dates else None
    try:
        when = email.utils.parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError):
        when = None
    if when is None or when.tzinfo is None:
        return {}
    skew = round((when - dt.datetime.now(dt.timezone.utc)).total_seconds())
    return {"http.date_skew_seconds": skew, "http.date_skew_abs_seconds": abs(skew)}
