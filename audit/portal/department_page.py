"""One page of the portal's dashboard: the outlets of one verdict (or all), worst first, 100 at a time.

`aggregate`'s view-model holds every outlet, and the CLI's HTML, XLSX and PDF and the portal's
exports show them all. A browser page with the table, the heatmap and the regressions of 1,000
outlets is 1.9 MiB and takes longer to render than to build, so the portal's page shows a slice:
the per-outlet table, the heatmap rows and the regressions of the outlets on this page, worst first
(not compliant, no result, incomplete, compliant; then the lowest score, the most failures). The
totals, the share per catalogue, the requirements failed most and the waivers stay those of the whole
filtered view. The slice is a view-model of the same shape, so the same template renders it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from werkzeug.datastructures import MultiDict

PAGE_SIZE = 100
STATUSES = ("not_compliant", "no_result", "incomplete", "compliant")
"""The verdicts an outlet row can have, worst first: the status filter's choices and the page's order."""
MAX_PAGE_DIGITS = 6


class PageError(ValueError):
    """A `status` or `page` that is not valid; `key` names the catalogue message that says why."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True)
class PageChoice:
    """What the page shows of the filtered view: outlets of one verdict (None: all), which page."""

    status: str | None = None
    page: int = 1


@dataclass(frozen=True)
class Pager:
    """Where this page is among the pages of the chosen outlets."""

    page: int
    pages: int
    first: int
    """1-based position of the page's first outlet (0 when there is none)."""
    last: int
    total: int


def parse_page(args: MultiDict[str, str]) -> PageChoice:
    """`status` (one verdict, or empty) and `page` (1 and up) from a query string; PageError if bad."""
    status = (args.get("status") or "").strip() or None
    if status is not None and status not in STATUSES:
        raise PageError("portal.department.bad_status")
    page_text = (args.get("page") or "1").strip()
    if not page_text.isdigit() or len(page_text) > MAX_PAGE_DIGITS or int(page_text) < 1:
        raise PageError("portal.department.bad_page")
    return PageChoice(status, int(page_text))


def worst_first(outlet: dict[str, Any]) -> tuple[Any, ...]:
    """Sort key of an outlet row: its verdict (worst first), then the lowest score, the most failures."""
    rank = STATUSES.index(outlet["verdict"]) if outlet["verdict"] in STATUSES else 0
    score = outlet["pass_percent"] if outlet["pass_percent"] is not None else -1.0
    return rank, score, -int(outlet["fail"]), str(outlet["name"]).lower(), outlet["id"], outlet["catalogue"]


def clamped(view: dict[str, Any], choice: PageChoice, page_size: int | None = None) -> PageChoice:
    """The same choice with a page past the last made the last (a link kept from before a change
    still lands somewhere, and a cache keyed by the choice holds at most one entry per real page)."""
    size = page_size or PAGE_SIZE
    count = sum(1 for o in view["outlets"] if choice.status is None or o["verdict"] == choice.status)
    return PageChoice(choice.status, min(choice.page, max(1, -(-count // size))))


def page_of(view: dict[str, Any], choice: PageChoice, page_size: int | None = None) -> tuple[dict[str, Any], Pager]:
    """The view-model of one page (a shallow copy; `view` is not changed), and where the page is.

    A page past the last shows the last one (a link kept from before a change still lands somewhere).
    """
    size = page_size or PAGE_SIZE
    chosen = sorted((o for o in view["outlets"] if choice.status is None or o["verdict"] == choice.status),
                    key=worst_first)
    pages = max(1, -(-len(chosen) // size))
    page = min(choice.page, pages)
    start = (page - 1) * size
    shown = chosen[start:start + size]
    place = {(o["catalogue"], o["id"]): n for n, o in enumerate(shown)}
    heatmaps = []
    for h in view["heatmaps"]:
        rows = sorted((r for r in h["rows"] if (h["catalogue"], r["id"]) in place),
                      key=lambda r: place[(h["catalogue"], r["id"])])
        heatmaps.append(h | {"rows": rows})
    regressions = sorted((r for r in view["regressions"] if (r["catalogue"], r["id"]) in place),
                         key=lambda r: place[(r["catalogue"], r["id"])])
    pager = Pager(page, pages, start + 1 if shown else 0, start + len(shown), len(chosen))
    return view | {"outlets": shown, "heatmaps": heatmaps, "regressions": regressions}, pager
