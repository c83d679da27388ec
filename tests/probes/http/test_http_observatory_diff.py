"""Differential test: our Observatory score and grade equal the MDN HTTP Observatory's on every site.

Given the catalogue of local test sites (tests/probes/http_sites.py), when both our `http` probe and
the Observatory's own code (npm @mdn/mdn-http-observatory 1.4.8, through tests/observatory/score.mjs)
scan them, then every site gets the same score, the same grade and the same outcome per test.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.probes.http.http_lab import lab, observatory_all, observatory_available, probe_all
from tests.probes.http.http_servers import Certificates, make_certificates
from tests.probes.http.http_sites import catalogue

NAMES = [site.name for site in catalogue()] + ["offhost-target"]


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Start the catalogue once; scan it with both tools."""
    reason = observatory_available()
    if reason:
        pytest.skip(reason)
    certs: Certificates = make_certificates(tmp_path_factory.mktemp("http-lab"))
    with lab(certs) as sites:
        ours = probe_all(sites, str(certs.ca))
        theirs = observatory_all(sites, str(certs.ca))
        yield {"ours": ours, "theirs": theirs}


@pytest.mark.parametrize("name", NAMES)
def test_same_score_and_grade_as_the_observatory(results: dict[str, Any], name: str) -> None:
    """Given one site, when both tools scan it, then score, grade and every outcome agree."""
    ours, theirs = results["ours"][name], results["theirs"][name]
    assert "error" not in ours, ours.get("error")
    if theirs.get("error"):
        # The Observatory refuses some pages (a 500); we must refuse to score them too.
        assert "http.observatory.score" not in ours
        assert ours["http.observatory.error"]
        return
    our_outcomes = {m["test"]: m["key"] for m in ours["http.observatory.modifiers"]}
    their_outcomes = {test: r["result"] for test, r in theirs["tests"].items()}
    assert our_outcomes == their_outcomes
    assert (ours["http.observatory.score"], ours["http.observatory.grade"]) == (theirs["score"], theirs["grade"])


def test_modifier_table_matches_the_observatory(results: dict[str, Any]) -> None:
    """Given the outcomes seen, then our modifier for each equals the Observatory's."""
    seen: dict[str, int] = {}
    for theirs in results["theirs"].values():
        for outcome in (theirs.get("tests") or {}).values():
            seen[outcome["result"]] = outcome["modifier"]
    from probes.http.observatory import score_table

    assert {k: score_table()[k].modifier for k in seen} == seen


def test_apex_to_www_is_followed_within_the_presence(results: dict[str, Any]) -> None:
    """Given an HTTPS root that sends visitors to the outlet's other host, then we follow it as MDN does
    (same grade, asserted above) and judge the landing page; outside the presence we record and stop."""
    within, outside = results["ours"]["redirect-apex-to-www"], results["ours"]["redirect-off-host"]
    assert within["http.https.landing_host"] != within["http.https.chain"][0]["url"].split("/")[2].split(":")[0]
    assert "http.observatory.partial" not in within and within["http.observatory.grade"] == "A+"
    assert outside["http.redirect.off_host"] is True and outside["http.observatory.partial"]
