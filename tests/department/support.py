"""Builders shared by the department-view tests (no tests here): constructed result documents,
database URLs for SQLite and PostgreSQL."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from tests import pg

HASH = "sha256:" + "ab" * 32
GROUPS = {"TLS": "transport", "CERT": "transport", "WEB": "web", "NET": "network"}


def make_result(outlet: str, statuses: Mapping[str, str], finished_at: str, *, checklist: str = "l3-starter",
                tags: tuple[str, ...] = ("ha-noi",), name: str | None = None,
                extra: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, Any]:
    """A schema-valid result document with these requirement statuses (every requirement mandatory)."""
    counts = {s: 0 for s in ("pass", "fail", "error", "not_applicable", "manual", "waived")}
    for status in statuses.values():
        counts[status] += 1
    values = list(statuses.values())
    if "fail" in values:
        verdict = "not_compliant"
    elif all(s in ("pass", "waived", "not_applicable") for s in values):
        verdict = "compliant"
    else:
        verdict = "incomplete"
    decided = counts["pass"] + counts["fail"] + counts["waived"]
    applicable = len(values) - counts["not_applicable"]
    requirements = []
    for req, status in statuses.items():
        item: dict[str, Any] = {"requirement_id": req, "status": status, "reason": f"{status} by construction",
                                "source": "probe", "sites": []}
        item.update(copy.deepcopy(dict((extra or {}).get(req, {}))))
        requirements.append(item)
    return {
        "schema_version": 1,
        "tool": {"name": "l3audit", "version": "0.1.0"},
        "outlet": {"id": outlet, "name": name or f"Báo {outlet}", "tags": list(tags),
                   "sites": [{"url": f"https://{outlet}.test/", "host": f"{outlet}.test", "port": 443,
                              "scheme": "https", "http_port": 80, "address": None}]},
        "checklist": {"id": checklist, "title": "t", "standard": "TCVN 11930:2017", "level": 3,
                      "version": "1", "content_hash": HASH},
        "started_at": finished_at, "finished_at": finished_at,
        "probe_attempts": [], "requirements": requirements,
        "summary": {"counts": counts, "total": len(values), "mandatory_failed": sorted(
            k for k, v in statuses.items() if v == "fail"), "verdict": verdict,
            "pass_percent": round(100.0 * counts["pass"] / decided, 1) if decided else None,
            "coverage_percent": round(100.0 * decided / applicable, 1) if applicable else None},
    }


def database(kind: str, tmp_path: Path) -> str:
    """A fresh database URL of `kind` ('sqlite' or 'postgresql'); skips when PostgreSQL cannot start."""
    if kind == "sqlite":
        return str(tmp_path / "store" / "l3audit.db")
    url = pg.fresh_database()
    if url is None:
        pytest.skip(pg.SKIP_REASON)
    return url
