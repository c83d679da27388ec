"""The MDN HTTP Observatory's header tests, score and grade (algorithm version 4), as pure functions.

Ported from @mdn/mdn-http-observatory 1.4.8: `src/analyzer/tests/*.js` for the outcome of each test,
`src/grader/charts.js` for the modifiers and the grade chart, and `src/scanner/index.js` for the
score: start at 100, add every modifier; the "uncurved" score adds only the penalties, and the
bonuses count only when the uncurved score is at least 90; the grade is read from the chart at the
score rounded down to a multiple of 5 (capped at 100, floored at 0). CSP, cookies and SRI live in
their own modules (`http_csp`, `http_cookies`, `http_html`). Each modifier carries its reason in
Vietnamese and English from `probes/http/observatory.yaml`.

Known difference, on purpose: version 1.4.8 never reaches "CORS universal access" (-50), because it
reads the Origin it sent from `response.request.headers`, which Node's ClientRequest does not have;
we grade as it does, so the scores agree, and report the reflection separately
(`http.cors.universal_with_credentials`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

import yaml

ALGORITHM_VERSION = 4
MINIMUM_SCORE_FOR_EXTRA_CREDIT = 90
SIX_MONTHS_SECONDS = 15552000
"""charts.js: 15768000 is six months, "but a lot of sites use 15552000, so a white lie is in order"."""
GRADE_CHART = {100: "A+", 95: "A", 90: "A", 85: "A-", 80: "B+", 75: "B", 70: "B", 65: "B-", 60: "C+",
               55: "C", 50: "C", 45: "C-", 40: "D+", 35: "D", 30: "D", 25: "D-", 20: "F", 15: "F",
               10: "F", 5: "F", 0: "F"}
TEST_ORDER = ("content-security-policy", "cookies", "cross-origin-resource-sharing", "redirection",
              "referrer-policy", "strict-transport-security", "subresource-integrity",
              "x-content-type-options", "x-frame-options", "cross-origin-resource-policy")
"""constants.js ALL_TESTS, in the Observatory's order."""
REFERRER_PRIVATE = ("no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin")
REFERRER_UNSAFE = ("origin", "origin-when-cross-origin", "unsafe-url", "no-referrer-when-downgrade")


@dataclass(frozen=True)
class Outcome:
    """A test's outcome key, its score modifier, and its reason in both languages."""

    test: str
    key: str
    modifier: int
    vi: str
    en: str

    def to_fact(self) -> dict[str, Any]:
        """The plain-data form stored in `http.observatory.modifiers`."""
        return {"test": self.test, "key": self.key, "modifier": self.modifier,
                "reason": {"vi": self.vi, "en": self.en}}


@functools.lru_cache(maxsize=1)
def score_table() -> dict[str, Outcome]:
    """Every outcome key of algorithm version 4, from the packaged data file."""
    text = resources.files("probes.http").joinpath("observatory.yaml").read_text(encoding="utf-8")
    table: dict[str, Outcome] = {}
    for test, outcomes in yaml.safe_load(text).items():
        for key, item in outcomes.items():
            table[key] = Outcome(test, key, int(item["modifier"]), item["vi"], item["en"])
    return table


def outcome(key: str) -> Outcome:
    """The `Outcome` of a key; a KeyError here is a bug in a test function."""
    return score_table()[key]


def grade_for_score(score: int) -> tuple[int, str]:
    """grader.js getGradeForScore: the score floored at 0, and its letter."""
    score = max(score, 0)
    return score, GRADE_CHART[min(score - score % 5, 100)]


@dataclass(frozen=True)
class Score:
    """The Observatory's result for a site."""

    score: int
    grade: str
    uncurved_score: int
    outcomes: tuple[Outcome, ...]


def compute_score(keys: list[str]) -> Score:
    """scanner/index.js: sum the modifiers of one outcome per test, with the 90-point bonus rule."""
    outcomes = tuple(outcome(k) for k in keys)
    with_bonus = 100 + sum(o.modifier for o in outcomes)
    uncurved = 100 + sum(o.modifier for o in outcomes if o.modifier < 0)
    raw = with_bonus if uncurved >= MINIMUM_SCORE_FOR_EXTRA_CREDIT else uncurved
    score, grade = grade_for_score(raw)
    return Score(score, grade, uncurved, outcomes)


def _js_parse_int(text: str) -> float | int:
    """JavaScript's parseInt(text, 10): leading digits after optional space and sign, else NaN."""
    match = re.match(r"^\s*([+-]?\d+)", text)
    return int(match.group(1)) if match else float("nan")


def hsts_outcome(header: str | None, https_answered: bool, verified: bool,
                 preloaded: bool = False) -> tuple[str, dict[str, Any]]:
    """strict-transport-security.js: the outcome and what it parsed (max_age may be NaN-like None)."""
    parsed: dict[str, Any] = {"max_age": None, "include_subdomains": False, "preload": False}
    if not https_answered:
        key = "hsts-not-implemented-no-https"
    elif not verified:
        key = "hsts-invalid-cert"
    elif header is None:
        key = "hsts-not-implemented"
    else:
        data = header[:1024]  # the Observatory's guard against hostile headers
        max_age: float | int | None = None
        for parameter in (p.strip().lower() for p in data.split(";")):
            if parameter.startswith("max-age="):
                max_age = _js_parse_int(parameter[8:128])
            elif parameter == "includesubdomains":
                parsed["include_subdomains"] = True
            elif parameter == "preload":
                parsed["preload"] = True
        if "," in data or max_age is None:  # sent twice (Node joins repeats with ", "), or no max-age
            key = "hsts-header-invalid"
        else:
            # NaN (max-age=abc) is not "< six months" in JavaScript, so it passes there too.
            short = isinstance(max_age, int) and max_age < SIX_MONTHS_SECONDS
            key = "hsts-implemented-max-age-less-than-six-months" if short else "hsts-implemented-max-age-at-least-six-months"
            parsed["max_age"] = max_age if isinstance(max_age, int) else None
    if https_answered and preloaded:
        key = "hsts-preloaded"
    return key, parsed


def hsts_passed(key: str) -> bool:
    """Whether the HSTS test passed (the cookie test asks)."""
    return key in ("hsts-implemented-max-age-at-least-six-months", "hsts-preloaded")


def redirection_outcome(route: list[str] | None, verified: bool,
                        is_preloaded: Callable[[str], bool] = lambda host: False) -> str:
    """redirection.js: grade the plain-HTTP chain (`route` = each URL answered, or None: no HTTP)."""
    if route is None:
        return "redirection-not-needed-no-http"
    if not verified:
        return "redirection-invalid-cert"
    parts = [urlsplit(url) for url in route]
    if all(is_preloaded(p.hostname or "") for p in parts):
        return "redirection-all-redirects-preloaded"
    if len(parts) == 1:
        return "redirection-missing"
    if parts[-1].scheme != "https":
        return "redirection-not-to-https"
    if parts[1].scheme == "http":
        return "redirection-not-to-https-on-initial-redirection"
    if parts[0].scheme == "http" and parts[1].scheme == "https" and parts[0].hostname != parts[1].hostname:
        return "redirection-off-host-from-http"
    return "redirection-to-https"


def referrer_outcome(header: str | None, meta: str | None) -> tuple[str, str | None]:
    """referrer-policy.js: the last valid token of header then meta decides; returns (key, policy)."""
    values = ([header] if header is not None else []) + ([meta] if meta is not None else [])
    if not values:
        return "referrer-policy-not-implemented", None
    tokens = [t.lower().strip() for t in ", ".join(values).split(",")]
    valid = [t for t in tokens if t in REFERRER_PRIVATE + REFERRER_UNSAFE]
    policy = valid[-1] if valid else ""
    if policy in REFERRER_PRIVATE:
        return "referrer-policy-private", policy
    if policy in REFERRER_UNSAFE:
        return "referrer-policy-unsafe", policy
    return "referrer-policy-header-invalid", None


def xcto_outcome(header: str | None) -> str:
    """x-content-type-options.js: exactly nosniff (an empty header counts as absent)."""
    if not header:
        return "x-content-type-options-not-implemented"
    if header[:256].strip().lower() == "nosniff":
        return "x-content-type-options-nosniff"
    return "x-content-type-options-header-invalid"


def xfo_outcome(header: str | None, csp_has_frame_ancestors: bool) -> str:
    """x-frame-options.js: DENY/SAMEORIGIN/ALLOW-FROM, overridden by CSP frame-ancestors."""
    if csp_has_frame_ancestors:
        return "x-frame-options-implemented-via-csp"
    if not header:
        return "x-frame-options-not-implemented"
    value = header[:1024].strip().lower()
    if value in ("deny", "sameorigin"):
        return "x-frame-options-sameorigin-or-deny"
    if value.startswith("allow-from"):
        return "x-frame-options-allow-from-origin"
    return "x-frame-options-header-invalid"


def corp_outcome(header: str | None) -> str:
    """cross-origin-resource-policy.js."""
    value = (header or "")[:256].strip().lower()
    if not value:
        return "corp-not-implemented"
    return {"same-site": "corp-implemented-with-same-site", "same-origin": "corp-implemented-with-same-origin",
            "cross-origin": "corp-implemented-with-cross-origin"}.get(value, "corp-header-invalid")


def cors_outcome(allow_origin: str | None) -> str:
    """cors.js as it behaves in 1.4.8 (see the module docstring): public or restricted, never universal."""
    if not allow_origin:
        return "cross-origin-resource-sharing-not-implemented"
    if allow_origin[:256].strip().lower() == "*":
        return "cross-origin-resource-sharing-implemented-with-public-access"
    return "cross-origin-resource-sharing-implemented-with-restricted-access"


def universal_cors(allow_origin: str | None, allow_credentials: str | None, origin_sent: str) -> bool:
    """Whether CORS reflects an arbitrary Origin and allows credentials (the intent of cors.js)."""
    return bool(allow_origin and allow_origin.strip() == origin_sent
                and (allow_credentials or "").strip().lower() == "true")


def allowed_status(status: int) -> bool:
    """scanner/index.js: the Observatory scores only 2xx, 3xx, 401 and 403 pages."""
    return 200 <= status < 400 or status in (401, 403)
