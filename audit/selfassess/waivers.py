"""Waivers: approved, time-limited exceptions to requirements ("comply or explain", Web Security Map).

A waiver names a requirement (an id or a glob pattern such as `L3-WEB-*`), an outlet (id or
pattern) and optionally one site, with a justification, an approver, a creation date and an expiry
date, all required. It turns a failing or undecided requirement into `waived` until it expires;
after that it stops applying and the result says so. `check_still_runs: false` means the requirement
is not judged at all while the waiver holds.

Waiver files are validated before any scan starts: schema, dates, and that every pattern matches a
requirement of the catalogue in use.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import json
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from audit.selfassess.dates import normalise_dates
from audit.catalogue.loader import Checklist
from audit.errors import LocatedError, Text, raise_all
from audit.i18n import phrase
from audit.yamlfile import line_of, load_yaml, validate_schema

SCHEMA_ID = "l3audit/waivers/v1"


class WaiverError(LocatedError):
    """A waivers file is malformed: no expiry, no justification, unknown requirement, bad dates."""


@dataclass(frozen=True)
class Waiver:
    """One approved exception."""

    id: str
    requirement: str
    """A requirement id or a glob pattern over ids."""
    outlet: str
    """An outlet id or a glob pattern ('*': every outlet)."""
    justification: str
    approver: str
    created: dt.date
    expires: dt.date
    """Last day the waiver applies (inclusive)."""
    site: str = ""
    """When set, only this site's results are waived."""
    check_still_runs: bool = True

    def covers(self, requirement_id: str, outlet_id: str) -> bool:
        """True when the waiver names this requirement and outlet (whatever its dates)."""
        return fnmatch.fnmatchcase(requirement_id, self.requirement) and fnmatch.fnmatchcase(outlet_id, self.outlet)

    def expired(self, today: dt.date) -> bool:
        """True once the expiry date has passed."""
        return today > self.expires

    def to_dict(self, today: dt.date | None = None) -> dict[str, Any]:
        """Plain-data form for results (with `expired` when `today` is given)."""
        data: dict[str, Any] = {
            "id": self.id, "requirement": self.requirement, "outlet": self.outlet, "site": self.site or None,
            "justification": self.justification, "approver": self.approver,
            "created": self.created.isoformat(), "expires": self.expires.isoformat(),
            "check_still_runs": self.check_still_runs,
        }
        if today is not None:
            data["expired"] = self.expired(today)
        return data


@dataclass(frozen=True)
class WaiverSet:
    """The waivers of one file."""

    waivers: tuple[Waiver, ...] = ()
    path: str = ""

    def matching(self, requirement_id: str, outlet_id: str) -> list[Waiver]:
        """Every waiver (valid or expired) naming this requirement and outlet, in file order."""
        return [w for w in self.waivers if w.covers(requirement_id, outlet_id)]


def waivers_schema() -> dict[str, Any]:
    """The JSON Schema of waivers files."""
    text = (resources.files("audit") / "schemas" / "waivers.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def load_waivers(path: Path, checklist: Checklist) -> WaiverSet:
    """Read and validate a waivers file; WaiverError (file, line, waiver id, hint) listing every problem at once."""
    data, _raw = load_yaml(path, WaiverError)
    if not isinstance(data, dict):
        raise WaiverError(phrase("error.waivers.not_mapping"), path=str(path), line=1)
    normalise_dates(data)

    def item_of(where: Sequence[Any]) -> Text:
        if len(where) >= 2 and where[0] == "waivers" and isinstance(where[1], int):
            entry = data["waivers"][where[1]]
            return phrase("error.item.waiver", id=entry.get('id', '#' + str(where[1] + 1))) if isinstance(entry, dict) else ""
        return ""

    validate_schema(data, waivers_schema(), path, WaiverError, item_of)
    ids = [r.id for r in checklist.requirements]
    seen: set[str] = set()
    waivers = []
    problems: list[WaiverError] = []
    for i, raw in enumerate(data["waivers"]):

        def error(message: Text, key: str, hint: Text = "", i: int = i, raw: Any = raw) -> WaiverError:
            return WaiverError(message, path=str(path), line=line_of(data, ["waivers", i, key]),
                               item=phrase("error.item.waiver", id=raw["id"]), hint=hint)

        found: list[WaiverError] = []
        if raw["id"] in seen:
            found.append(error(phrase("error.waivers.duplicate", id=raw["id"]), "id",
                               phrase("error.waivers.duplicate.hint")))
        seen.add(raw["id"])
        if not raw["justification"].strip():
            found.append(error(phrase("error.waivers.no_justification"), "justification",
                               phrase("error.waivers.no_justification.hint")))
        try:
            created = _date(raw["created"], error, "created")
        except WaiverError as exc:
            found.append(exc)
            created = None
        try:
            expires = _date(raw["expires"], error, "expires")
        except WaiverError as exc:
            found.append(exc)
            expires = None
        if created and expires and expires < created:
            found.append(error(phrase("error.waivers.order", expires=expires, created=created), "expires"))
        if not any(fnmatch.fnmatchcase(rid, raw["requirement"]) for rid in ids):
            found.append(error(phrase("error.waivers.no_match", pattern=raw["requirement"], checklist=checklist.id),
                               "requirement", phrase("error.waivers.no_match.hint")))
        problems += found
        if not found and created and expires:
            waivers.append(Waiver(raw["id"], raw["requirement"], raw["outlet"], raw["justification"].strip(),
                                  raw["approver"], created, expires, raw.get("site", ""),
                                  raw.get("check_still_runs", True)))
    raise_all(problems)
    return WaiverSet(tuple(waivers), str(path))


def _date(text: str, error: Any, key: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise error(phrase("error.waivers.bad_date", text=text), key, phrase("error.waivers.bad_date.hint")) from exc
