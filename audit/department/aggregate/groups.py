"""Catalogue titles and requirement groups for the dashboard, read from the checklist when it is known.

Stored results name their checklist by id; when this l3audit has that checklist (built in, or a
file path that still exists) its groups and titles are used. Otherwise (an imported result judged
against a catalogue we do not ship) a requirement's group is the middle part of its id
(`L3-TLS-02` -> `TLS`), so the heatmap still has rows and columns.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from audit.catalogue.loader import Checklist, load_checklist, resolve_checklist
from audit.errors import AuditError


@dataclass
class CatalogueInfo:
    """What the dashboard needs to know of one catalogue."""

    id: str
    title: str
    standard: str
    groups: dict[str, str] = field(default_factory=dict)
    """Group id -> title, in the catalogue's order; grows with fallback groups as they are seen."""
    requirement_group: dict[str, str] = field(default_factory=dict)
    requirement_title: dict[str, str] = field(default_factory=dict)

    def group_of(self, requirement_id: str) -> str:
        """The group of a requirement (fallback: the middle part of its id)."""
        group = self.requirement_group.get(requirement_id)
        if group is None:
            group = fallback_group(requirement_id)
            self.requirement_group[requirement_id] = group
        self.groups.setdefault(group, group)
        return group

    def title_of(self, requirement_id: str) -> str:
        """The requirement's title in the dashboard language, or its id."""
        return self.requirement_title.get(requirement_id, requirement_id)

    def group_list(self) -> list[dict[str, Any]]:
        """Groups as the heatmap's columns."""
        return [{"id": g, "title": t} for g, t in self.groups.items()]


def fallback_group(requirement_id: str) -> str:
    """The group of a requirement its catalogue does not know: the middle part of its id."""
    parts = requirement_id.split("-")
    return parts[1] if len(parts) > 2 else parts[0]


@dataclass(frozen=True)
class Grouping:
    """Which group each requirement of a catalogue belongs to, and a key that changes when that does.

    The store keeps each result's counts per group under this key (audit.department.store.summary);
    counts kept under another key (the catalogue regrouped, or found only later) are counted again.
    """

    key: str
    requirement_group: dict[str, str]


@functools.lru_cache(maxsize=16)
def _load_file(path: str, mtime_ns: int, size: int) -> Checklist | None:
    """A parsed catalogue, kept while its file is unchanged (the portal builds the dashboard per request,
    and parsing and validating a catalogue costs more than reading the store's statuses of 100 outlets)."""
    try:
        return load_checklist(path)
    except AuditError:
        return None


def _load(checklist_id: str) -> Checklist | None:
    try:
        path = resolve_checklist(checklist_id)
        stat = path.stat()
    except (AuditError, OSError):
        return None
    return _load_file(str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=16)
def _grouping_file(path: str, mtime_ns: int, size: int) -> Grouping:
    checklist = _load_file(path, mtime_ns, size)
    return _grouping({r.id: r.group for r in checklist.requirements} if checklist is not None else {})


def _grouping(mapping: dict[str, str]) -> Grouping:
    text = json.dumps(sorted(mapping.items()), separators=(",", ":"), ensure_ascii=False)
    return Grouping("g1:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32], mapping)


def grouping(checklist_id: str) -> Grouping:
    """The requirement groups of a catalogue by id (none when this l3audit does not have it: every
    requirement then takes its fallback group), parsed once per file version."""
    try:
        path = resolve_checklist(checklist_id)
        stat = path.stat()
    except (AuditError, OSError):
        return _grouping({})
    return _grouping_file(str(path), stat.st_mtime_ns, stat.st_size)


def catalogue_info(checklist_id: str, lang: str) -> CatalogueInfo:
    """Titles and groups of a catalogue (fallbacks when this l3audit does not have it)."""
    checklist = _load(checklist_id)
    if checklist is None:
        return CatalogueInfo(checklist_id, checklist_id, "")
    def text(value: Any) -> str:
        return str(getattr(value, lang, None) or getattr(value, "en", "") or value)
    return CatalogueInfo(
        id=checklist_id, title=text(checklist.title), standard=checklist.standard,
        groups={g.id: text(g.title) for g in checklist.groups},
        requirement_group={r.id: r.group for r in checklist.requirements},
        requirement_title={r.id: text(r.title) for r in checklist.requirements},
    )
