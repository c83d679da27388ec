"""CSP parsing and grading (a port of the Observatory's csp.js), with each failing directive named."""

from __future__ import annotations

import pytest

from probes.http.csp import CspInvalidError, analyse_csp, parse_csp, parse_csp_meta


def grade(header: str | None, meta: list[str] | None = None, report_only: str | None = None, https: bool = True) -> str:
    return analyse_csp(header, meta or [], report_only, https).outcome


@pytest.mark.parametrize("policy, expected", [
    ("default-src 'none'; form-action 'self'", "csp-implemented-with-no-unsafe-default-src-none"),
    ("default-src 'self'", "csp-implemented-with-no-unsafe"),
    ("default-src 'self'; style-src 'unsafe-inline'", "csp-implemented-with-unsafe-inline-in-style-src-only"),
    ("default-src 'self'; report-uri /a; report-uri /b", "csp-implemented-but-duplicate-directives"),
    ("default-src 'self'; img-src http:", "csp-implemented-with-insecure-scheme-in-passive-content-only"),
    ("default-src 'self'; script-src 'unsafe-eval'", "csp-implemented-with-unsafe-eval"),
    ("default-src 'self'; script-src 'self' 'unsafe-inline'", "csp-implemented-with-unsafe-inline"),
    ("default-src 'self'; script-src data:", "csp-implemented-with-unsafe-inline"),
    ("default-src 'self'; object-src *", "csp-implemented-with-unsafe-inline"),
    ("img-src 'self'", "csp-implemented-with-unsafe-inline"),  # script-src not restricted at all
    ("default-src 'self' http://cdn.example", "csp-implemented-with-insecure-scheme"),
    ("default-src 'self'; default-src 'none'", "csp-header-invalid"),
    ("default-src 'self'; script-src 'strict-dynamic'", "csp-header-invalid"),
    ("abc", "csp-header-invalid"),
    ("default-src 'none'; script-src 'nonce-x' 'unsafe-inline' 'strict-dynamic' https:", "csp-implemented-with-no-unsafe-default-src-none"),
])
def test_outcomes(policy: str, expected: str) -> None:
    """Given one policy header on an HTTPS page, then the outcome is the Observatory's."""
    assert grade(policy) == expected


def test_not_implemented_and_report_only() -> None:
    """Given no policy, or only Report-Only, then the two 'not implemented' outcomes."""
    assert grade(None) == "csp-not-implemented"
    assert grade(None, report_only="default-src 'none'") == "csp-not-implemented-but-reporting-enabled"


def test_http_sources_are_fine_on_a_plain_http_page() -> None:
    """Given http: sources on a page fetched over HTTP, then they are not an insecure scheme."""
    assert grade("default-src 'self' http://cdn.example", https=False) == "csp-implemented-with-no-unsafe"


def test_meta_policy_and_frame_ancestors() -> None:
    """Given a meta policy, then it counts, but frame-ancestors in meta does not restrict framing."""
    result = analyse_csp(None, ["default-src 'none'; frame-ancestors 'none'"], None, True)
    assert result.outcome == "csp-implemented-with-no-unsafe-default-src-none"
    assert result.source == "meta"
    assert result.flags["anti_clickjacking"] is False
    assert parse_csp_meta(["default-src 'none'; frame-ancestors 'none'"]) == {"default-src": {"'none'"}}


def test_two_policies_keep_only_common_sources() -> None:
    """Given a header and a meta policy, then a source counts only when both allow it."""
    policy = parse_csp(["default-src 'self' https://a.example", "default-src 'self'"])
    assert policy["default-src"] == {"'self'"}


def test_failing_directives_are_named() -> None:
    """Given a weak policy, then each failing directive is named with its problem, not the policy."""
    result = analyse_csp("default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval' http://x.example", [], None, True)
    problems = {(f["directive"], f["problem"]) for f in result.failing}
    assert ("script-src", "unsafe-inline") in problems
    assert ("script-src", "unsafe-eval") in problems
    assert ("script-src", "insecure-scheme") in problems
    assert ("frame-ancestors", "missing") in problems
    assert ("form-action", "missing") in problems


def test_empty_and_short_policies_are_invalid() -> None:
    """Given an empty policy, then parsing fails as the Observatory's does."""
    with pytest.raises(CspInvalidError):
        parse_csp([""])
    assert parse_csp([]) == {}
    assert parse_csp(["script-src"]) == {"script-src": {"'none'"}}
