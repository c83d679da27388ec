"""The Observatory's grading as pure functions: grade chart, bonus rule, each header test, reasons."""

from __future__ import annotations

import pytest

from probes.http import observatory as obs

REACHABLE_ONLY_WITH_PRELOAD = {"hsts-preloaded", "redirection-all-redirects-preloaded"}


@pytest.mark.parametrize("score, grade", [
    (135, "A+"), (100, "A+"), (99, "A"), (90, "A"), (89, "A-"), (85, "A-"), (80, "B+"), (79, "B"), (70, "B"),
    (65, "B-"), (60, "C+"), (55, "C"), (50, "C"), (45, "C-"), (40, "D+"), (35, "D"), (30, "D"), (25, "D-"),
    (24, "F"), (0, "F"), (-40, "F"),
])
def test_grade_chart(score: int, grade: str) -> None:
    """Given a raw score, then the grade is the chart's at the score rounded down to a multiple of 5."""
    assert obs.grade_for_score(score) == (max(score, 0), grade)


def test_bonuses_count_only_from_an_uncurved_ninety() -> None:
    """Given +10 of bonuses, when penalties take the uncurved score under 90, then bonuses are dropped."""
    keys = ["csp-implemented-with-no-unsafe-default-src-none", "x-frame-options-not-implemented"]
    result = obs.compute_score(keys)
    assert (result.uncurved_score, result.score, result.grade) == (80, 80, "B+")
    keys = ["csp-implemented-with-no-unsafe-default-src-none", "x-content-type-options-not-implemented"]
    result = obs.compute_score(keys)
    assert (result.uncurved_score, result.score, result.grade) == (95, 105, "A+")


def test_every_outcome_has_a_reason_in_both_languages() -> None:
    """Given the packaged table, then it has the 66 keys of algorithm 4, each with vi and en text."""
    table = obs.score_table()
    assert len(table) == 66
    assert {o.test for o in table.values()} >= set(obs.TEST_ORDER)
    for item in table.values():
        assert item.vi.strip() and item.en.strip() and item.vi != item.en
    # Vietnamese text carries its diacritics (not stripped to ASCII).
    assert any(ch in "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ" for ch in table["hsts-not-implemented"].vi)


@pytest.mark.parametrize("header, https, verified, expected", [
    (None, False, True, "hsts-not-implemented-no-https"),
    ("max-age=63072000", True, False, "hsts-invalid-cert"),
    (None, True, True, "hsts-not-implemented"),
    ("max-age=15552000", True, True, "hsts-implemented-max-age-at-least-six-months"),
    ("max-age=15551999; includeSubDomains", True, True, "hsts-implemented-max-age-less-than-six-months"),
    ("includeSubDomains; preload", True, True, "hsts-header-invalid"),
    ("max-age=1, max-age=2", True, True, "hsts-header-invalid"),
    ("max-age=abc", True, True, "hsts-implemented-max-age-at-least-six-months"),  # NaN is not < in JS
    ('max-age="31536000"', True, True, "hsts-implemented-max-age-at-least-six-months"),
    ("", True, True, "hsts-header-invalid"),
])
def test_hsts(header: str | None, https: bool, verified: bool, expected: str) -> None:
    """Given an HSTS header over HTTPS, then the outcome is the Observatory's."""
    assert obs.hsts_outcome(header, https, verified)[0] == expected


def test_hsts_preloaded_overrides() -> None:
    """Given a preloaded host, then HSTS is 'preloaded' whatever the header says."""
    assert obs.hsts_outcome(None, True, True, preloaded=True)[0] == "hsts-preloaded"


@pytest.mark.parametrize("route, verified, expected", [
    (None, True, "redirection-not-needed-no-http"),
    (["http://a.vn/", "https://a.vn/"], False, "redirection-invalid-cert"),
    (["http://a.vn/"], True, "redirection-missing"),
    (["http://a.vn/", "http://a.vn/x"], True, "redirection-not-to-https"),
    (["http://a.vn/", "http://a.vn/x", "https://a.vn/"], True, "redirection-not-to-https-on-initial-redirection"),
    (["http://a.vn/", "https://www.a.vn/"], True, "redirection-off-host-from-http"),
    (["http://a.vn/", "https://a.vn/", "https://www.a.vn/"], True, "redirection-to-https"),
])
def test_redirection(route: list[str] | None, verified: bool, expected: str) -> None:
    """Given the plain-HTTP route, then the redirection outcome is the Observatory's."""
    assert obs.redirection_outcome(route, verified) == expected


def test_redirection_all_preloaded() -> None:
    """Given every host of the route preloaded, then 'all redirects preloaded'."""
    assert obs.redirection_outcome(["http://a.vn/"], True, lambda h: True) == "redirection-all-redirects-preloaded"


@pytest.mark.parametrize("header, meta, expected", [
    (None, None, "referrer-policy-not-implemented"),
    ("no-referrer", None, "referrer-policy-private"),
    ("Strict-Origin-When-Cross-Origin", None, "referrer-policy-private"),
    ("unsafe-url", None, "referrer-policy-unsafe"),
    ("no-referrer, unsafe-url", None, "referrer-policy-unsafe"),
    ("unsafe-url, bogus, same-origin", None, "referrer-policy-private"),
    ("no-referrer", "origin", "referrer-policy-unsafe"),
    ("bogus", None, "referrer-policy-header-invalid"),
    ("", None, "referrer-policy-header-invalid"),
])
def test_referrer_policy(header: str | None, meta: str | None, expected: str) -> None:
    """Given header and meta, then the last valid token decides."""
    assert obs.referrer_outcome(header, meta)[0] == expected


def test_other_headers() -> None:
    """Given X-Content-Type-Options, X-Frame-Options, CORP and CORS values, then the outcomes."""
    assert obs.xcto_outcome(" NoSniff ") == "x-content-type-options-nosniff"
    assert obs.xcto_outcome("") == "x-content-type-options-not-implemented"
    assert obs.xcto_outcome("nosniff, nosniff") == "x-content-type-options-header-invalid"
    assert obs.xfo_outcome("DENY", False) == "x-frame-options-sameorigin-or-deny"
    assert obs.xfo_outcome("allow-from https://a", False) == "x-frame-options-allow-from-origin"
    assert obs.xfo_outcome(None, True) == "x-frame-options-implemented-via-csp"
    assert obs.xfo_outcome("DENY, DENY", False) == "x-frame-options-header-invalid"
    assert obs.corp_outcome("Same-Site") == "corp-implemented-with-same-site"
    assert obs.corp_outcome("  ") == "corp-not-implemented"
    assert obs.corp_outcome("x") == "corp-header-invalid"
    assert obs.cors_outcome("*") == "cross-origin-resource-sharing-implemented-with-public-access"
    assert obs.cors_outcome("https://x.vn") == "cross-origin-resource-sharing-implemented-with-restricted-access"
    assert obs.universal_cors("https://evil.example", "true", "https://evil.example")
    assert not obs.universal_cors("*", "true", "https://evil.example")


def test_allowed_status() -> None:
    """Given statuses, then only 2xx, 3xx, 401 and 403 are scored."""
    assert [s for s in (199, 200, 302, 400, 401, 403, 404, 500) if obs.allowed_status(s)] == [200, 302, 401, 403]
