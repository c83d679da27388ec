"""The scope guard refuses ranges and any name or address it was not given."""

from __future__ import annotations

import pytest

from audit.errors import TargetError
from audit.models import Target
from audit.scope import Scope, check_in_scope, is_single_host

ALLOWED = [Target(host="baochi.vn", port=443), Target(host="tapchi.vn", port=8443, address="127.0.0.7")]


def test_given_listed_targets_when_checked_then_accepted() -> None:
    check_in_scope(Target(host="BaoChi.vn.", port=443), ALLOWED)
    check_in_scope(Target(host="tapchi.vn", port=443, address="127.0.0.7"), ALLOWED)


def test_given_unlisted_name_when_checked_then_refused() -> None:
    with pytest.raises(TargetError, match="not in the inventory"):
        check_in_scope(Target(host="other.vn", port=443), ALLOWED)


def test_given_listed_name_sent_to_another_address_when_checked_then_refused() -> None:
    with pytest.raises(TargetError, match="not the address of any audited site"):
        check_in_scope(Target(host="tapchi.vn", port=443, address="127.0.0.8"), ALLOWED)


@pytest.mark.parametrize("host", ["10.0.0.0/24", "10.0.0.1-20", "*.baochi.vn", "a.vn,b.vn", "10.0.0.[1-5]"])
def test_given_a_range_when_checked_then_refused(host: str) -> None:
    assert not is_single_host(host)
    with pytest.raises(TargetError, match="range"):
        check_in_scope(Target(host=host, port=443), [*ALLOWED, Target(host=host, port=443)])


def test_scope_checks_scan_addresses_and_redirect_urls() -> None:
    scope = Scope.of(ALLOWED)
    scope.check_address("127.0.0.7")
    scope.check_address("baochi.vn")
    with pytest.raises(TargetError):
        scope.check_address("127.0.0.1")
    assert scope.allows_url("https://baochi.vn/x") and not scope.allows_url("https://evil.vn/")
    assert is_single_host("::1") and is_single_host("[::1]") and is_single_host("news-24h.vn")


def test_given_a_presence_then_redirects_within_it_are_allowed_and_nothing_else() -> None:
    """Given baomau.vn with its domain, then www/m are reachable by redirect; a look-alike or suffix is not."""
    site = Target(host="baomau.vn", port=443, address="127.13.1.1", domains=("baomau.vn",),
                  resolves=(("www.baomau.vn", 443, "127.13.1.2"),))
    scope = Scope.of([site])
    scope.check_target(site)
    scope.check_address("127.13.1.2")
    assert scope.allows_url("https://www.baomau.vn/") and scope.allows_url("http://m.baomau.vn/x")
    assert not scope.allows_url("https://evilbaomau.vn/") and not scope.allows_url("https://vn/")
    assert not scope.allows_url("https://baomau.vn.evil.vn/")


def test_given_a_resolve_outside_the_presence_then_refused() -> None:
    site = Target(host="baomau.vn", port=443, domains=("baomau.vn",), resolves=(("evil.vn", 443, "127.13.1.3"),))
    with pytest.raises(TargetError, match="not within the domains"):
        Scope.of([site]).check_target(site)
