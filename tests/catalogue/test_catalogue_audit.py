"""Audits under the full catalogues run end to end on a real site, with every row accounted for."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from audit.catalogue.loader import load_checklist
from audit.cli import cli
from audit.demo.outlets import GOOD_HEADERS
from audit.demo.servers import SiteConfig
from tests.probes.dns.dns_zones import Knot, knot_server


@pytest.fixture(scope="module")
def knot(tmp_path_factory: pytest.TempPathFactory):
    """The dns probe's rows ask a Knot server on loopback (zone test.), never this machine's resolver."""
    yield from knot_server(tmp_path_factory.mktemp("knot"))


@pytest.mark.parametrize(("catalogue", "rows"), [("tcvn14423-2026-l3", 195), ("tcvn11930-2017-l3", 53)])
def test_given_a_full_catalogue_when_a_good_site_is_audited_then_no_mandatory_row_fails(sites, ca_file, tmp_path: Path,
                                                                              catalogue: str, rows: int,
                                                                              knot: Knot) -> None:
    site = sites.https("tot.test", SiteConfig(headers=GOOD_HEADERS), http_redirect=True)
    inventory = tmp_path / "inv.yaml"
    inventory.write_text(
        "outlets:\n  - id: bao-tot\n    name: \"Báo Tốt\"\n"
        "    settings: {exposure_rate_per_second: 50, service_detection: false}\n"
        f"    sites: [{{url: 'https://tot.test:{site.port}', address: {site.address}, http_port: {site.http_port}}}]\n",
        encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["run", str(inventory), "--out", str(out), "--checklist", catalogue,
                                      "--ca-file", ca_file, "--no-nmap", "--timeout", "3", "--lang", "en",
                                      "--resolver", knot.resolver])
    assert result.exit_code in (0, 1, 3), result.output
    data = json.loads((out / "bao-tot.json").read_text(encoding="utf-8"))
    statuses = {r["requirement_id"]: r["status"] for r in data["requirements"]}
    assert len(statuses) == rows
    checklist = load_checklist(catalogue)
    failed = {k for k, v in statuses.items() if v == "fail"}
    # Only best-practice rows may fail here (this test site publishes no security.txt).
    assert all(not checklist.requirement(k).mandatory for k in failed), failed
    assert "error" not in statuses.values(), {k: v for k, v in statuses.items() if v == "error"}
    if catalogue == "tcvn14423-2026-l3":  # two name servers on two networks: the automated part passes
        assert statuses["N3-NET-06"] == "manual"
    assert data["summary"]["verdict"] == "incomplete"  # management rows need answers
    html = (out / "bao-tot.en.html").read_text(encoding="utf-8")
    assert "Báo Tốt" in html  # Vietnamese text survives into the English report


def test_given_a_bad_site_under_tcvn14423_then_the_transport_row_fails(sites, ca_file, tmp_path: Path,
                                                                      knot: Knot) -> None:
    site = sites.https("xau.test", SiteConfig(server_header="Apache/2.4.29"), http=SiteConfig())
    inventory = tmp_path / "inv.yaml"
    inventory.write_text(
        "outlets:\n  - id: bao-xau\n    name: \"Báo Xấu\"\n"
        "    settings: {exposure_rate_per_second: 50, service_detection: false}\n"
        f"    sites: [{{url: 'https://xau.test:{site.port}', address: {site.address}, http_port: {site.http_port}}}]\n",
        encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["run", str(inventory), "--out", str(out), "--checklist", "tcvn14423-2026-l3",
                                      "--ca-file", ca_file, "--no-nmap", "--timeout", "3",
                                      "--resolver", knot.resolver])
    assert result.exit_code == 1, result.output
    data = json.loads((out / "bao-xau.json").read_text(encoding="utf-8"))
    statuses = {r["requirement_id"]: r["status"] for r in data["requirements"]}
    assert statuses["N3-DAT-10"] == "fail"  # plain HTTP serves content, no HSTS
    assert data["summary"]["verdict"] == "not_compliant"
