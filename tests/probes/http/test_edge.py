"""CDNs and WAFs recognised by their headers, and the server's clock from `Date` (real servers, 127.0.0.247-250)."""

from __future__ import annotations

import email.utils
import time

import pytest

from probes.http.edge import providers
from tests.probes.http.http_servers import Certificates, Reply, Site, make_certificates, probe_facts
from tests.probes.http.http_sites import REDIRECT, headers, page


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    return make_certificates(tmp_path_factory.mktemp("edge-certs"))


_facts = probe_facts


def _date(offset: float) -> str:
    return email.utils.formatdate(time.time() + offset, usegmt=True)


def test_cloudflare_is_a_cdn_and_a_waf_and_the_clock_is_read(certs: Certificates) -> None:
    site = Site("cf", page(cf_ray="8a1b2c3d4e5f-HKG", server="cloudflare", date=_date(0)), REDIRECT)
    facts = _facts(site, "127.0.0.247", certs)
    assert facts["http.cdn.providers"] == ["Cloudflare"] and facts["http.waf.providers"] == ["Cloudflare"]
    assert facts["http.cdn.detected"] is True and facts["http.waf.detected"] is True
    assert facts["http.waf.block_page_seen"] is False
    assert facts["http.date_skew_abs_seconds"] <= 5


def test_a_bare_origin_shows_nothing_in_front_and_a_clock_an_hour_fast(certs: Certificates) -> None:
    facts = _facts(Site("bare", page(date=_date(3600)), REDIRECT), "127.0.0.248", certs)
    assert facts["http.cdn.detected"] is False and facts["http.waf.detected"] is False
    assert facts["http.cdn.providers"] == [] and 3590 <= facts["http.date_skew_seconds"] <= 3610


def test_a_sucuri_block_page_proves_the_waf_and_leaves_the_content_unmeasured(certs: Certificates) -> None:
    block = Reply(status=403, headers=headers(x_sucuri_id="14016", content_type="text/html"),
                  body=b"<html><title>Sucuri WebSite Firewall - Access Denied</title></html>")
    facts = _facts(Site("sucuri", {"/": block}, REDIRECT), "127.0.0.249", certs)
    assert facts["http.waf.providers"] == ["Sucuri"] and facts["http.waf.block_page_seen"] is True
    assert facts["http.cdn.detected"] is False
    assert "http.headers" in facts["http.unmeasured"] and "http.date_skew_seconds" not in facts


def test_a_bad_date_header_gives_no_skew(certs: Certificates) -> None:
    facts = _facts(Site("baddate", page(date="yesterday, roughly"), REDIRECT), "127.0.0.250", certs)
    assert "http.date_skew_seconds" not in facts


def test_the_fingerprints_load_and_name_each_kind() -> None:
    loaded = providers()
    assert {p.name for p in loaded} >= {"Cloudflare", "Akamai", "Sucuri", "F5 BIG-IP"}
    assert all(p.kinds <= {"cdn", "waf"} and p.kinds and p.headers for p in loaded)
