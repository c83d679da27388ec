"""Throttles and refusals: the http probe backs off once on a throttle, honouring `Retry-After`, and never grades a throttle or a refusal (127.0.0.236-239)."""

from __future__ import annotations

import dataclasses

import pytest

from tests.probes.http.http_servers import Certificates, Reply, Site, make_certificates, probe_facts
from tests.probes.http.http_sites import REDIRECT, page


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    return make_certificates(tmp_path_factory.mktemp("throttle-certs"))


_facts = probe_facts


def _throttled_first(retry_after: str | None, times: int = 1) -> dict[str, Reply]:
    good = page()["/"]
    extra = (("Retry-After", retry_after),) if retry_after is not None else ()
    throttle = Reply(status=429, headers=(("Content-Type", "text/plain"), *extra), body=b"Too Many Requests")
    return {"/": dataclasses.replace(good, first=(throttle,) * times)}


def test_a_throttle_that_lifts_after_retry_after_is_measured(certs: Certificates) -> None:
    """Given 429 with Retry-After 1 on the first request, then the retry a second later is graded, not the 429."""
    facts = _facts(Site("lifts", _throttled_first("1"), REDIRECT), "127.0.0.236", certs)
    assert "http.unmeasured" not in facts, facts.get("http.unmeasured")
    assert facts["http.retried_after_throttle"] and facts["http.hsts.present"] is True
    assert facts["http.https.status"] == 200


def test_a_throttle_without_retry_after_is_retried_after_a_second(certs: Certificates) -> None:
    facts = _facts(Site("backoff", _throttled_first(None), REDIRECT), "127.0.0.237", certs)
    assert "http.unmeasured" not in facts and facts["http.retried_after_throttle"]


def test_a_throttle_that_stays_or_asks_too_long_is_unmeasured(certs: Certificates) -> None:
    """Given 429 twice, or Retry-After beyond the budget (no retry), then the content facts are rate limited, not graded."""
    facts = _facts(Site("stays", _throttled_first("1", times=5), REDIRECT), "127.0.0.238", certs)
    assert facts["http.retried_after_throttle"] and "http.hsts.present" not in facts
    assert any("rate limited" in why for why in facts["http.unmeasured"].values())
    facts = _facts(Site("long", _throttled_first("3600", times=5), REDIRECT), "127.0.0.238", certs)
    assert facts["http.retried_after_throttle"] == [] and "http.hsts.present" not in facts
    assert any("Retry-After 3600" in why for why in facts["http.unmeasured"].values())


FORBIDDEN = Reply(status=403, headers=(("Content-Type", "text/html"),),
                  body=b"<html><head><title>403 Forbidden</title></head><body><h1>Forbidden</h1></body></html>")


def test_every_path_refused_alike_is_a_block_not_the_site(certs: Certificates) -> None:
    """Given a bare 403 (no WAF marker) for the home page and for any path, then the content facts are blocked."""
    facts = _facts(Site("refuses", {"/": FORBIDDEN, "*": FORBIDDEN}, REDIRECT), "127.0.0.239", certs)
    assert "http.hsts.present" not in facts and "http.observatory.grade" not in facts
    assert "random path alike" in facts["http.unmeasured"]["http.headers"]


def test_a_home_page_refused_unlike_other_paths_is_judged_as_it_is(certs: Certificates) -> None:
    """Given 403 for the home page but an ordinary 404 elsewhere, then the page is the site's answer: graded."""
    facts = _facts(Site("home403", {"/": FORBIDDEN}, REDIRECT), "127.0.0.239", certs)
    assert "http.unmeasured" not in facts and facts["http.https.status"] == 403
    assert "http.observatory.grade" in facts
