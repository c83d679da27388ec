"""The dns probe against a real Knot server on loopback, compared with delv (DNSSEC) and kdig (AXFR)."""

from __future__ import annotations

import asyncio
import base64
import shutil
import subprocess
from pathlib import Path
from typing import Any, Iterator

import pytest

from audit.models import AttemptStatus, ProbeAttempt, Target
from audit.runner import AuditOptions, ProbeRunner
from probes.dns.probe import DnsProbe
from tests.probes.dns.dns_hostile import hostile_server
from tests.probes.dns.dns_zones import NS_ADDRESSES, Knot, knot_server


@pytest.fixture(scope="module")
def knot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Knot]:
    if not (shutil.which("knotd") or Path("/usr/sbin/knotd").exists()):
        pytest.fail("knotd is missing: apt-get install knot (the dns tests need a real authoritative server)")
    yield from knot_server(tmp_path_factory.mktemp("knot"))


def probe(host: str, settings: dict[str, Any], timeout: float = 2.0) -> ProbeAttempt:
    async def go() -> ProbeAttempt:
        runner = ProbeRunner(AuditOptions(timeout_seconds=timeout, probe_budget_seconds=60))
        return await runner.attempt("dns", Target(host, 443), settings)

    return asyncio.run(go())


def delv(knot: Knot, name: str, rdtype: str = "A") -> str:
    """What delv (BIND's validating lookup tool) says about NAME's RDTYPE records, from the same anchor."""
    anchor = knot.folder / "delv-anchor.conf"
    key = knot.anchor
    anchor.write_text(f'trust-anchors {{ test. static-key {key.flags} {key.protocol} {key.algorithm} '
                      f'"{base64.b64encode(key.key).decode()}"; }};\n')
    run = subprocess.run(["delv", f"@{NS_ADDRESSES[0]}", "-p", str(knot.port), "-a", str(anchor), "+root=test.",
                          name, rdtype], capture_output=True, text=True, timeout=30)
    return run.stdout + run.stderr


def test_declared_facts_only(knot: Knot) -> None:
    attempt = probe("good.test", knot.settings())
    assert attempt.status is AttemptStatus.COMPLETED, attempt.error_reason
    assert DnsProbe.check_declared(attempt.facts) == []
    assert "dns.errors" not in attempt.facts


VERDICTS = [  # zone, what delv says from the same anchor, what the probe must publish
    ("good.test", "fully validated", {"status": "secure", "chain_valid": True, "signatures_valid": True,
                                       "ds_present": True, "algorithms": ["ECDSAP256SHA256"], "trust_anchor": "test."}),
    ("badsig.test", "RRSIG failed to verify", {"status": "bogus", "chain_valid": False, "signatures_valid": False}),
    ("nods.test", "unsigned answer", {"status": "insecure", "chain_valid": False, "signatures_valid": True,
                                       "signed": True, "ds_present": False}),
]


@pytest.mark.parametrize(("zone", "peer", "expected"), VERDICTS)
def test_dnssec_verdict_agrees_with_delv(knot: Knot, zone: str, peer: str, expected: dict[str, Any]) -> None:
    # Given good.test. signed with its DS at test., badsig.test. with an address changed after
    # signing, nods.test. signed without a DS; test.'s key is the trust anchor for both tools
    facts = probe(zone, knot.settings()).facts
    assert peer in delv(knot, zone)
    assert {key: facts[f"dns.dnssec.{key}"] for key in expected} == expected


DENIALS = [  # name, type, what delv says from the same anchor, the probe's verdict (an NSEC zone and a Knot NSEC3 zone)
    ("nothere.good.test", "A", "negative response, fully validated", "secure"),
    ("mx.good.test", "CAA", "negative response, fully validated", "secure"),
    ("nsec3.test", "CAA", "negative response, fully validated", "secure"),
    ("nothere.nsec3.test", "A", "negative response, fully validated", "secure"),
    ("x.er.nsec3.test", "A", "negative response, fully validated", "secure"),  # below an empty non-terminal
    ("nods.test", "A", "unsigned answer", "insecure"),  # the DS denied by an NSEC in test.
    ("open.test", "A", "unsigned answer", "insecure"),
    ("nodeny.test", "CAA", "resolution failed", "bogus"),  # signed, DS, its NSEC records removed
    ("nothere.nodeny.test", "A", "resolution failed", "bogus"),
]


@pytest.mark.parametrize(("name", "rdtype", "peer", "status"), DENIALS)
def test_denial_of_existence_agrees_with_delv(knot: Knot, name: str, rdtype: str, peer: str, status: str) -> None:
    # Given a name that does not exist or a type it lacks, in a zone signed with NSEC (by dnspython),
    # with NSEC3 (by Knot), or signed with its NSEC records removed: the probe checks the proof
    facts = probe(name, knot.settings()).facts
    assert peer in delv(knot, name, rdtype)
    assert facts["dns.dnssec.status"] == status, facts.get("dns.dnssec.unproven_denials")
    assert facts["dns.dnssec.denials_checked"] >= 1
    assert facts["dns.dnssec.denials_proven"] is (status != "bogus")


def test_no_caa_counts_only_when_proven(knot: Knot) -> None:
    # Given two signed zones without CAA: Knot's NSEC3 proves the absence, nodeny.test. proves nothing
    proven = probe("nsec3.test", knot.settings()).facts
    assert proven["dns.caa.present"] is False and "dns.errors" not in proven
    unproven = probe("nodeny.test", knot.settings()).facts
    assert "dns.caa.present" not in unproven
    assert unproven["dns.errors"]["dns.caa"].startswith("the absence of CAA is not proven: CAA nodeny.test.")
    assert "not proven" in unproven["dns.dnssec.broken_at"]
    # an unsigned zone's "no CAA" is an answer: nothing to prove
    assert probe("open.test", knot.settings()).facts["dns.caa.present"] is False


def test_why_the_chain_broke_is_said(knot: Knot) -> None:
    bad = probe("badsig.test", knot.settings()).facts
    assert any(line.startswith("A badsig.test.") for line in bad["dns.dnssec.invalid_signatures"])
    assert "no DS" in probe("nods.test", knot.settings()).facts["dns.dnssec.broken_at"]


def test_wrong_anchor_breaks_the_chain(knot: Knot) -> None:
    other = "test. 300 IN DS 12345 13 2 " + "AB" * 32
    facts = probe("good.test", knot.settings(dnssec_trust_anchors=[other])).facts
    assert facts["dns.dnssec.chain_valid"] is False
    assert "trust anchor" in facts["dns.dnssec.broken_at"]


def test_records_ns_spread_and_caa(knot: Knot) -> None:
    facts = probe("good.test", knot.settings()).facts
    assert facts["dns.a.addresses"] == ["127.16.0.10"] and facts["dns.aaaa.count"] == 1 and facts["dns.ipv6"]
    assert facts["dns.ns.count"] == 2
    assert facts["dns.ns.network_count"] == 2
    assert facts["dns.soa.serial"] == 2026120201
    assert facts["dns.caa.issuers"] == ["letsencrypt.org"]
    assert facts["dns.caa.iodef"] == ["mailto:security@good.test"]
    # An unsigned zone without CAA and without IPv6
    open_facts = probe("open.test", knot.settings()).facts
    assert open_facts["dns.caa.present"] is False and open_facts["dns.ipv6"] is False
    assert open_facts["dns.a.count"] == 2
    assert open_facts["dns.dnssec.signed"] is False and open_facts["dns.dnssec.status"] == "insecure"


def kdig_axfr(knot: Knot, zone: str) -> bool:
    run = subprocess.run(["kdig", f"@{NS_ADDRESSES[0]}", "-p", str(knot.port), "AXFR", zone],
                         capture_output=True, text=True, timeout=30)
    return "SOA" in run.stdout


def test_zone_transfer_refused_or_open_as_kdig_sees_it(knot: Knot) -> None:
    good = probe("good.test", knot.settings()).facts
    assert good["dns.axfr.refused"] is True and good["dns.axfr.tested_count"] == 2
    assert kdig_axfr(knot, "good.test.") is False
    opened = probe("open.test", knot.settings()).facts
    assert opened["dns.axfr.refused"] is False
    assert opened["dns.axfr.open_servers"] == list(NS_ADDRESSES)
    assert kdig_axfr(knot, "open.test.") is True


def test_dangling_cname_found_and_loop_is_an_error(knot: Knot) -> None:
    facts = probe("good.test", knot.settings(dns_names=["www.good.test", "old.good.test"])).facts
    assert facts["dns.cname.dangling"] == ["old.good.test. -> gone.good.test."]
    assert facts["dns.cname.targets"]["www.good.test."] == "good.test."
    looped = probe("good.test", knot.settings(dns_names=["loop1.good.test"])).facts
    assert "dns.cname.dangling" not in looped
    assert "CNAME" in looped["dns.errors"]["dns.cname"]


@pytest.mark.parametrize("mode", ["servfail", "silent", "garbage"])
def test_unanswered_questions_are_errors_never_findings(mode: str) -> None:
    # Given a server that fails, stays silent or streams 10 MB of junk: nothing is measured
    for server in hostile_server(mode):
        attempt = probe("www.hostile.test", {"resolver": server}, timeout=0.5)
        assert attempt.status is AttemptStatus.ERROR
        assert "zone" in attempt.error_reason
        assert attempt.facts == {}


def test_truncated_udp_answers_fall_back_to_tcp() -> None:
    for server in hostile_server("truncate"):
        facts = probe("www.hostile.test", {"resolver": server, "zone_transfer": False}, timeout=1.0).facts
        assert facts["dns.zone"] == "hostile.test."
        assert facts["dns.a.addresses"] == ["127.16.2.9"]
        assert facts["dns.errors"]["dns.axfr"].startswith("zone transfer test disabled")


@pytest.mark.parametrize("resolver", ["127.16.0.1:99999", "not-an-address", "[::1]x"])
def test_malformed_resolver_is_one_clear_error(resolver: str) -> None:
    attempt = probe("good.test", {"resolver": resolver})
    assert attempt.status is AttemptStatus.ERROR
    assert attempt.error_reason.startswith(f"resolver '{resolver}'")


def test_the_redundancy_row_reads_the_name_server_facts(knot: Knot) -> None:
    from audit.catalogue.loader import load_checklist
    from audit.evaluation import evaluate_requirement
    from audit.models import Status

    row = load_checklist("tcvn14423-2026-l3").requirement("N3-NET-06")
    good = probe("good.test", knot.settings())
    assert evaluate_requirement(row, {"https://good.test/": {"dns": good}}).status is Status.MANUAL  # devices: a person
    for server in hostile_server("servfail"):
        failed = probe("www.hostile.test", {"resolver": server}, timeout=0.5)
        assert evaluate_requirement(row, {"https://hostile.test/": {"dns": failed}}).status is Status.ERROR
    for server in hostile_server("truncate"):  # answers (over TCP), with one name server only
        single = probe("www.hostile.test", {"resolver": server, "zone_transfer": False}, timeout=1.0)
        assert single.facts["dns.ns.count"] == 1
        assert evaluate_requirement(row, {"https://hostile.test/": {"dns": single}}).status is Status.FAIL


def test_inventory_takes_the_dns_and_mail_settings(tmp_path: Path) -> None:
    from audit.errors import InventoryError
    from audit.inventory import load_inventory

    text = ("outlets:\n  - id: bao-a\n    name: \"Báo A\"\n    sites: [https://bao-a.vn]\n"
            "    settings: {resolver: '127.16.0.1:5353', dns_names: [www.bao-a.vn], nameserver_port: 53,\n"
            "               zone_transfer: false, mail_domain: bao-a.vn, dkim_selectors: [s1], smtp_port: 25}\n")
    path = tmp_path / "inv.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_inventory(path)[0].settings["resolver"] == "127.16.0.1:5353"
    path.write_text(text.replace("smtp_port: 25", "smtp_port: 0"), encoding="utf-8")
    with pytest.raises(InventoryError, match="smtp_port|0 is less than"):
        load_inventory(path)


def test_without_a_resolver_setting_the_environment_names_one(knot: Knot, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = {k: v for k, v in knot.settings().items() if k != "resolver"}
    monkeypatch.setenv("L3AUDIT_RESOLVER", knot.resolver)
    assert probe("good.test", settings).facts["dns.dnssec.status"] == "secure"
    monkeypatch.setenv("L3AUDIT_RESOLVER", "127.0.0.1:9")  # what conftest sets for every test: nothing answers
    assert probe("good.test", settings, timeout=0.5).status is AttemptStatus.ERROR


def test_trust_anchor_file_from_the_command_line(knot: Knot, tmp_path: Path) -> None:
    """`probe dns --trust-anchor FILE` validates from the file's anchor; without it, from the root's (no chain here)."""
    import json

    from click.testing import CliRunner

    from audit.cli import cli

    anchor = tmp_path / "anchor.txt"
    anchor.write_text(f"; the test zone's key\n\n{knot.anchor_line}\n", encoding="utf-8")

    def dnssec(*extra: str) -> dict[str, Any]:
        result = CliRunner().invoke(cli, ["probe", "dns", "good.test", "--resolver", knot.resolver, "--json", *extra])
        facts = json.loads(result.output)["facts"]
        return {k.removeprefix("dns.dnssec."): v for k, v in facts.items() if k.startswith("dns.dnssec.")}

    given = dnssec("--trust-anchor", str(anchor))
    assert given["status"] == "secure" and given["trust_anchor"] == "test."
    # From the root's anchors the walk cannot reach test. (this server has no root zone): not secure.
    assert dnssec().get("status") != "secure"


@pytest.mark.parametrize(("content", "message"), [
    ("test. 300 IN A 127.0.0.1\n", r"anchor.txt:1: trust anchor 'test. 300 IN A 127.0.0.1': expected a DS or DNSKEY"),
    ("; only a comment\n", r"anchor.txt: no DS or DNSKEY record in the file"),
    ("test. DS 1 13 2 zz\n", r"anchor.txt:1: trust anchor 'test. DS 1 13 2 zz'"),
    (b"\xff\xfe", r"anchor.txt: not UTF-8 text"),
    ("x" * (64 * 1024 + 1), r"anchor.txt: tệp quá lớn"),
])
def test_a_bad_trust_anchor_file_is_one_line_and_exit_2(tmp_path: Path, content: str | bytes, message: str) -> None:
    import re

    from click.testing import CliRunner

    from audit.cli import cli

    anchor = tmp_path / "anchor.txt"
    anchor.write_bytes(content if isinstance(content, bytes) else content.encode())
    result = CliRunner().invoke(cli, ["scan", "https://good.test/", "--trust-anchor", str(anchor)])
    assert result.exit_code == 2, result.output
    assert re.search(message, result.output), result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


def test_a_proof_for_another_question_proves_nothing(knot: Knot) -> None:
    """Replayed NSEC/NSEC3 records (real ones, from Knot) do not prove a denial they do not cover."""
    import dns.flags
    import dns.message
    import dns.name
    import dns.query

    from probes.dns.denial import prove_denial

    def ask(name: str, rdtype: str) -> dns.message.Message:
        query = dns.message.make_query(name, rdtype, want_dnssec=True)
        return dns.query.udp(query, NS_ADDRESSES[0], port=knot.port, timeout=2)

    def keys(zone: str) -> dict:
        answer = ask(zone, "DNSKEY").answer
        return {dns.name.from_text(zone): next(r for r in answer if r.rdtype == dns.rdatatype.DNSKEY)}

    good, nsec3 = dns.name.from_text("good.test."), dns.name.from_text("nsec3.test.")
    n = dns.name.from_text
    nx = ask("nothere.good.test.", "A")
    assert prove_denial(nx, n("nothere.good.test."), "A", good, keys("good.test."), nxdomain=True) is None
    assert "covers" in prove_denial(nx, n("zzz.good.test."), "A", good, keys("good.test."), nxdomain=True)
    nodata = ask("mx.good.test.", "CAA")
    assert prove_denial(nodata, n("mx.good.test."), "CAA", good, keys("good.test."), nxdomain=False) is None
    assert "lists the type" in prove_denial(nodata, n("mx.good.test."), "A", good, keys("good.test."), nxdomain=False)
    # signed by another zone's keys: nothing validates
    assert "no signed NSEC" in prove_denial(nodata, n("mx.good.test."), "CAA", good, keys("nods.test."), nxdomain=False)
    nodata3 = ask("nsec3.test.", "CAA")
    assert prove_denial(nodata3, nsec3, "CAA", nsec3, keys("nsec3.test."), nxdomain=False) is None
    assert "lists the type" in prove_denial(nodata3, nsec3, "A", nsec3, keys("nsec3.test."), nxdomain=False)
    assert "no NSEC3 matches" in prove_denial(nodata3, n("www.nsec3.test."), "CAA", nsec3, keys("nsec3.test."),
                                              nxdomain=False)
    nx3 = ask("nothere.nsec3.test.", "A")
    assert prove_denial(nx3, n("nothere.nsec3.test."), "A", nsec3, keys("nsec3.test."), nxdomain=True) is None
    # a name that exists has an NSEC3 of its own, which no interval of hashes covers
    assert prove_denial(nx3, n("www.nsec3.test."), "A", nsec3, keys("nsec3.test."), nxdomain=True) is not None
