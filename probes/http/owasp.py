"""The OWASP Secure Headers Project's recommended values, checked against a page's headers.

The Observatory grades; OWASP recommends. This check says, per header, whether the recommended
value is sent (`recommended`), another value is (`differs`), or nothing is (`missing`), and which
headers OWASP says to remove are present. Values are from `probes/http/owasp.yaml`
(OWASP/www-project-secure-headers ci/headers_add.json, 2024-07-19). Pure functions.
"""

from __future__ import annotations

import functools
import re
from importlib import resources
from typing import Any

import yaml


@functools.lru_cache(maxsize=1)
def recommendations() -> dict[str, Any]:
    """The packaged OWASP table: {'add': {header: {value, check}}, 'remove': [header, ...]}."""
    text = resources.files("probes.http").joinpath("owasp.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def _norm(value: str) -> str:
    return re.sub(r"\s*([,;=])\s*", r"\1", value.strip().lower())


def _directives(value: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in value.split(";"):
        tokens = part.strip().lower().split(None, 1)
        if tokens:
            out.setdefault(tokens[0], tokens[1].strip() if len(tokens) > 1 else "")
    return out


def _max_age(value: str) -> int | None:
    match = re.search(r"max-age\s*=\s*\"?(\d+)", value, re.IGNORECASE)
    return int(match.group(1)) if match else None


def check_header(name: str, observed: str | None, spec: dict[str, str]) -> str:
    """'recommended', 'differs' or 'missing' for one header."""
    if observed is None or not observed.strip():
        return "missing"
    check, value = spec["check"], spec["value"]
    if check == "present":
        return "recommended"
    if check == "max_age":
        age, want = _max_age(observed), _max_age(value)
        ok = age is not None and want is not None and age >= want and "includesubdomains" in observed.lower()
        return "recommended" if ok else "differs"
    if check == "directives":
        have = _directives(observed)
        ok = all(have.get(d) == v for d, v in _directives(value).items())
        return "recommended" if ok else "differs"
    return "recommended" if _norm(observed) == _norm(value) else "differs"


def owasp_check(headers: dict[str, str]) -> dict[str, Any]:
    """Every recommended header's status, plus the lists a checklist can test."""
    table = recommendations()
    status = {name: check_header(name, headers.get(name), spec) for name, spec in table["add"].items()}
    return {
        "headers": {n: {"status": s, "observed": (headers.get(n) or "")[:300] or None,
                        "recommended": table["add"][n]["value"]} for n, s in status.items()},
        "missing": sorted(n for n, s in status.items() if s == "missing"),
        "differs": sorted(n for n, s in status.items() if s == "differs"),
        "present_to_remove": sorted(n for n in table["remove"] if headers.get(n)),
    }
