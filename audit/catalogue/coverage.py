"""How much of a catalogue the probes can judge: automated, partly automated ('both') and manual rows.

Pure functions over loaded catalogues, for `l3audit checklist coverage` and the tests. A row marked
not applicable by a tailoring is counted apart, since nobody has to assess it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from audit.catalogue.loader import Checklist, Requirement
from audit.models import Assessment, Text


@dataclass(frozen=True)
class Counts:
    """Rows of a catalogue or group by how they are assessed."""

    total: int
    automated: int
    both: int
    manual: int
    not_applicable: int = 0

    @property
    def automated_percent(self) -> float:
        """Share of rows with at least an automated part, in percent (one decimal)."""
        judged = self.total - self.not_applicable
        return round(100.0 * (self.automated + self.both) / judged, 1) if judged else 0.0

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        return {
            "total": self.total,
            "automated": self.automated,
            "both": self.both,
            "manual": self.manual,
            "not_applicable": self.not_applicable,
            "automated_percent": self.automated_percent,
        }


@dataclass(frozen=True)
class GroupCoverage:
    """Coverage of one group of a catalogue."""

    id: str
    title: Text
    clause: str
    counts: Counts


@dataclass(frozen=True)
class CatalogueCoverage:
    """Coverage of one catalogue, in total and per group (groups in the catalogue's order)."""

    id: str
    title: Text
    standard: str
    level: int
    counts: Counts
    groups: tuple[GroupCoverage, ...]
    tailoring: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output (Vietnamese and English titles both kept)."""
        return {
            "id": self.id,
            "title": {"vi": self.title.vi, "en": self.title.en},
            "standard": self.standard,
            "level": self.level,
            "tailoring": self.tailoring,
            **self.counts.to_dict(),
            "groups": [
                {"id": g.id, "clause": g.clause, "title": {"vi": g.title.vi, "en": g.title.en}, **g.counts.to_dict()}
                for g in self.groups
            ],
        }


def count(requirements: Iterable[Requirement]) -> Counts:
    """Count rows by assessment; rows tailored not applicable are counted only in `not_applicable`."""
    rows = list(requirements)
    live = [r for r in rows if not r.not_applicable]
    return Counts(
        total=len(rows),
        automated=sum(1 for r in live if r.assessment is Assessment.AUTOMATED),
        both=sum(1 for r in live if r.assessment is Assessment.BOTH),
        manual=sum(1 for r in live if r.assessment is Assessment.MANUAL),
        not_applicable=len(rows) - len(live),
    )


def coverage(checklist: Checklist) -> CatalogueCoverage:
    """Coverage of a catalogue and of each of its groups."""
    groups = tuple(
        GroupCoverage(g.id, g.title, g.clause, count(r for r in checklist.requirements if r.group == g.id))
        for g in checklist.groups
        if any(r.group == g.id for r in checklist.requirements)
    )
    return CatalogueCoverage(
        checklist.id, checklist.title, checklist.standard, checklist.level, count(checklist.requirements),
        groups, checklist.tailoring,
    )


_HEADINGS = {
    "en": ("group", "rows", "automated", "both", "manual", "n/a", "auto %"),
    "vi": ("nhóm", "số dòng", "tự động", "kết hợp", "thủ công", "k.áp dụng", "% tự động"),
}


def render_text(coverages: Iterable[CatalogueCoverage], lang: str = "en") -> str:
    """A plain-text table per catalogue (the CLI's default output)."""
    heads = _HEADINGS["vi" if lang == "vi" else "en"]
    out: list[str] = []
    for cov in coverages:
        title = cov.title.get(lang)
        out.append(f"{cov.id} - {title} (level {cov.level})" if lang != "vi" else f"{cov.id} - {title} (cấp độ {cov.level})")
        if cov.tailoring:
            out.append(f"  tailoring: {cov.tailoring}")
        width = max([len(heads[0])] + [len(f"{g.clause} {g.title.get(lang)}") for g in cov.groups] + [5])
        width = min(width, 60)
        out.append("  " + heads[0].ljust(width) + "".join(h.rjust(11) for h in heads[1:]))
        for g in cov.groups:
            label = f"{g.clause} {g.title.get(lang)}".strip()[:width]
            out.append("  " + label.ljust(width) + _row(g.counts))
        total = "tổng" if lang == "vi" else "total"
        out.append("  " + total.ljust(width) + _row(cov.counts))
        out.append("")
    return "\n".join(out)


def _row(counts: Counts) -> str:
    cells = [counts.total, counts.automated, counts.both, counts.manual, counts.not_applicable]
    return "".join(str(c).rjust(11) for c in cells) + f"{counts.automated_percent:.1f}".rjust(11)
