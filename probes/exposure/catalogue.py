"""The web paths the `exposure` probe requests, from `probes/exposure/paths.yaml`.

Loaded and validated once: every entry's `check` must be one of the closed set in
`probes.exposure.checks`, so a typo in the data fails loudly instead of silently checking nothing.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

import yaml

from audit.errors import ProbeError
from audit.phrases import said
from probes.exposure.checks import CHECK_NAMES
from probes.netreason import reason_of

CATEGORIES = ("admin", "secret", "info", "backup", "listing")
SEVERITIES = ("critical", "high", "medium", "low")


@dataclass(frozen=True)
class PathCheck:
    """One path to request and how its response proves an exposure."""

    id: str
    path: str
    category: str
    check: str
    severity: str
    title_vi: str
    title_en: str
    remediation_vi: str
    remediation_en: str
    markers: tuple[str, ...] = ()

    def path_for(self, host: str) -> str:
        """The path with `{host}` replaced by the audited host name."""
        return self.path.replace("{host}", host)


@functools.lru_cache(maxsize=1)
def load_paths() -> tuple[PathCheck, ...]:
    """The shipped path catalogue; ProbeError if it is malformed (a packaging bug)."""
    text = (resources.files("probes.exposure") / "paths.yaml").read_text(encoding="utf-8")
    entries = []
    try:
        for e in yaml.safe_load(text):
            entry = PathCheck(
                id=e["id"], path=e["path"], category=e["category"], check=e["check"], severity=e["severity"],
                title_vi=e["title"]["vi"], title_en=e["title"]["en"],
                remediation_vi=e["remediation"]["vi"], remediation_en=e["remediation"]["en"],
                markers=tuple(e.get("markers") or ()),
            )
            if (entry.check not in CHECK_NAMES or entry.category not in CATEGORIES
                    or entry.severity not in SEVERITIES or not entry.path.startswith("/")):
                raise ValueError(said("probe.exposure.catalogue_entry", id=entry.id))
            entries.append(entry)
    except (KeyError, TypeError, ValueError) as exc:
        raise ProbeError(said("probe.exposure.catalogue_malformed", error=reason_of(exc))) from exc
    ids = [e.id for e in entries]
    if len(set(ids)) != len(ids):
        raise ProbeError(said("probe.exposure.catalogue_duplicates"))
    return tuple(entries)
