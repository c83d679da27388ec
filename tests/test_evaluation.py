"""Judging a requirement on a site: proven fails stand, the unmeasured stays unmeasured, supporting
checks never fail a row (audit/evaluation.py), and sites combine by precedence (audit/models.py).

Most cases build probe attempts by hand, since they are about the evaluator's rules; one measures a
real TLS server whose certificate expires in nine days and judges the shipped N3-DAT-11 row on it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import socketserver
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from audit.catalogue.loader import ChecklistError, load_checklist
from audit.evaluation import evaluate_requirement, evaluate_site
from audit.models import AttemptStatus, ProbeAttempt, Status, Target, combine_statuses
from audit.report.reasons import site_sentence
from probes.interface import ProbeOptions
from probes.tls.probe import TlsProbe
from tests.catalogue.test_catalogues import GOOD_SITE, attempts
from tests.probes.tls.tls_servers import _cert, _key_pem, _pem, free_port, wait_listening

SITE = "https://example.vn/"
CATALOGUE = load_checklist("tcvn14423-2026-l3")
SCHEMA = json.loads((Path(__file__).parents[1] / "audit/schemas/result.schema.json").read_text())


def site_of(rid: str, site: dict[str, Any], errored: dict[str, str] | None = None) -> Any:
    """The one site result of `rid`, with probes in `errored` (probe -> reason) failed."""
    runs = attempts(**{p: f for p, f in site.items() if p not in (errored or {})})
    for probe, reason in (errored or {}).items():
        runs[probe] = ProbeAttempt(probe, SITE, AttemptStatus.ERROR, "2026-12-03T00:00:00+00:00", 0.1, "test", "0",
                                   error_reason=reason)
    return evaluate_site(CATALOGUE.requirement(rid), SITE, runs)


def validate_site(result: Any) -> None:
    """The site result's plain form is what the result schema allows."""
    site_schema = SCHEMA["properties"]["requirements"]["items"]["properties"]["sites"]["items"]
    jsonschema.validate(result.to_dict(), site_schema)


def test_a_failing_supporting_check_is_a_signal_for_the_person_not_a_fail() -> None:
    short = {**GOOD_SITE, "tls": {**GOOD_SITE["tls"], "tls.certificate.days_until_expiry": 5,
                                  "tls.certificate.signature_hash": "sha1"}}
    result = site_of("N3-DAT-11", short)
    assert result.status is Status.MANUAL
    assert result.signals == ("signature-hash", "days-left")
    assert result.reason == "supporting signal(s) for the person deciding: signature-hash, days-left"
    flagged = {e.fact for e in result.evidence if not e.satisfied and e.signal in result.signals}
    assert flagged == {"tls.certificate.signature_hash", "tls.certificate.days_until_expiry"}
    assert {e.signal for e in result.evidence} == {"key-size", "signature-hash", "days-left"}
    assert result.to_dict()["signals"] == ["signature-hash", "days-left"]
    validate_site(result)
    sentence = site_sentence(result.to_dict(), "en")
    assert "tls.certificate.days_until_expiry" in sentence and "signature_hash" in sentence
    assert "key_type" not in sentence  # the key-size check held (an RSA key of 2048 bits)
    assert "dấu hiệu hỗ trợ" in site_sentence(result.to_dict(), "vi")


def test_when_every_supporting_check_holds_the_row_still_waits_for_a_person_without_signals() -> None:
    result = site_of("N3-DAT-11", GOOD_SITE)
    assert result.status is Status.MANUAL and result.signals == ()
    assert "signals" not in result.to_dict()
    assert site_sentence(result.to_dict(), "en") == f"On {SITE}, the automated part passed; the rest needs a person."


def test_open_ssh_and_database_ports_inform_the_zoning_row_but_do_not_fail_it() -> None:
    site = {**GOOD_SITE, "ports": {"ports.open_ports": [22, 5432], "ports.risky_open_count": 2}}
    result = site_of("N3-NET-20", site)
    assert result.status is Status.MANUAL
    assert result.signals == ("no-database-ports", "no-remote-admin-ports")
    # The allowlist row of the same catalogue is not supporting: it fails on the same ports.
    assert site_of("N3-NET-29", site).status is Status.FAIL


def test_a_supporting_probe_that_could_not_measure_leaves_the_row_to_the_person_and_says_so() -> None:
    result = site_of("N3-NET-12", GOOD_SITE, errored={"ports": "timed out"})
    assert result.status is Status.MANUAL
    assert "not measured: no-database-ports (ports: timed out)" in result.reason


def test_a_fail_proven_by_measured_facts_stands_when_another_probe_could_not_measure() -> None:
    # Every fact the check reads was measured (an absent one would prove nothing while others are missing).
    legacy = {**GOOD_SITE, "tls": {**GOOD_SITE["tls"], "tls.protocols.SSLv3": False, "tls.protocols.TLSv1.0": True}}
    result = site_of("N3-DAT-10", legacy, errored={"http": "timed out"})
    assert result.status is Status.FAIL
    assert result.reason.startswith("failed check(s): no-legacy-tls (proven; other facts not measured: http: timed out")
    assert {e.fact for e in result.evidence} >= {"tls.protocols.TLSv1.0"}


def test_without_a_proven_fail_an_unmeasured_probe_makes_the_row_an_error() -> None:
    result = site_of("N3-DAT-10", GOOD_SITE, errored={"http": "timed out"})
    assert result.status is Status.ERROR
    assert result.reason == "could not measure (http: timed out)"
    missing = evaluate_site(CATALOGUE.requirement("N3-DAT-10"), SITE,
                            attempts(tls=GOOD_SITE["tls"], mail=GOOD_SITE["mail"], exposure=GOOD_SITE["exposure"]))
    assert missing.status is Status.ERROR and missing.reason == "could not measure (http: probe did not run)"


def test_facts_of_an_errored_attempt_are_not_read() -> None:
    # A probe that failed may still carry partial facts: they must not decide anything.
    legacy = dict(GOOD_SITE["tls"], **{"tls.protocols.TLSv1.0": True})
    runs = attempts(http=GOOD_SITE["http"])
    runs["tls"] = ProbeAttempt("tls", SITE, AttemptStatus.ERROR, "2026-12-03T00:00:00+00:00", 0.1, "test", "0",
                               facts=legacy, error_reason="connection reset")
    result = evaluate_site(CATALOGUE.requirement("N3-DAT-10"), SITE, runs)
    assert result.status is Status.ERROR and "tls: connection reset" in result.reason


def test_a_fact_a_probe_lists_as_unmeasured_is_not_read_as_false() -> None:
    blocked = {**GOOD_SITE, "http": {**GOOD_SITE["http"], "http.unmeasured": {"http.mixed_content": "blocked"}}}
    del blocked["http"]["http.mixed_content.present"]
    assert site_of("N3-DAT-10", blocked).status is Status.ERROR
    # ...while a check it does not touch still proves a fail.
    blocked["tls"] = {**GOOD_SITE["tls"], "tls.certificate.expired": True}
    assert site_of("N3-DAT-10", blocked).status is Status.FAIL


def test_applies_if_decides_when_measured_and_is_an_error_when_not() -> None:
    no_tls = {**GOOD_SITE, "tls": {"tls.offered": False}}
    assert site_of("N3-DAT-11", no_tls).status is Status.NOT_APPLICABLE
    assert site_of("N3-DAT-11", GOOD_SITE, errored={"tls": "refused"}).status is Status.ERROR


def test_a_supporting_signal_on_a_failing_site_is_kept_apart_from_the_failed_facts() -> None:
    site = {**GOOD_SITE, "tls": {**GOOD_SITE["tls"], "tls.certificate.days_until_expiry": 3}}
    row = CATALOGUE.requirement("N3-DAT-11")
    deciding = type(row.checks[0])(id="tls-offered", expect=CATALOGUE.requirement("N3-DAT-10").checks[0].expect)
    runs = attempts(**{**site, "tls": {**site["tls"], "tls.offered": True}})
    mixed = type(row)(**{**row.__dict__, "checks": (*row.checks, deciding), "applies_if": None})
    runs["tls"] = ProbeAttempt("tls", SITE, AttemptStatus.COMPLETED, "2026-12-03T00:00:00+00:00", 0.1, "test", "0",
                               facts={**site["tls"], "tls.offered": False})
    result = evaluate_site(mixed, SITE, runs)
    assert result.status is Status.FAIL and result.signals == ("days-left",)
    sentence = site_sentence(result.to_dict(), "en")
    fail_part, signal_part = sentence.split(" On ", 1)
    assert "tls.offered" in fail_part and "days_until_expiry" not in fail_part
    assert "days_until_expiry" in signal_part


@pytest.mark.parametrize(("statuses", "combined"), [
    ([Status.FAIL, Status.ERROR], Status.FAIL),
    ([Status.ERROR, Status.PASS], Status.ERROR),
    ([Status.MANUAL, Status.NOT_APPLICABLE], Status.MANUAL),
    ([Status.MANUAL, Status.PASS], Status.MANUAL),
    ([Status.PASS, Status.NOT_APPLICABLE], Status.PASS),
    ([Status.ERROR, Status.MANUAL], Status.ERROR),
    ([], Status.MANUAL),
])
def test_sites_combine_fail_over_error_over_manual_over_pass_over_not_applicable(statuses, combined) -> None:
    assert combine_statuses(statuses) is combined


def test_one_site_proven_failing_fails_the_outlet_although_another_could_not_be_measured() -> None:
    legacy = {**GOOD_SITE, "tls": {**GOOD_SITE["tls"], "tls.protocols.TLSv1.0": True}}
    down = attempts(http=GOOD_SITE["http"])
    down["tls"] = ProbeAttempt("tls", "https://b.vn/", AttemptStatus.ERROR, "2026-12-03T00:00:00+00:00", 0.1, "t", "0",
                               error_reason="timed out")
    result = evaluate_requirement(CATALOGUE.requirement("N3-DAT-10"), {SITE: attempts(**legacy), "https://b.vn/": down})
    assert result.status is Status.FAIL
    assert [s.status for s in result.sites] == [Status.FAIL, Status.ERROR]


def test_a_supporting_check_on_an_automated_row_is_refused_at_load_time(tmp_path: Path) -> None:
    text = (Path(__file__).parents[1] / "checklists/l3-starter.yaml").read_text(encoding="utf-8")
    marked = text.replace("assessment: automated", "assessment: automated", 1)
    lines = marked.splitlines()
    first_check = next(i for i, line in enumerate(lines) if line.strip().startswith("- id:") and i > 0
                       and any(lines[j].strip() == "checks:" for j in range(max(0, i - 3), i)))
    indent = lines[first_check].index("-") + 2
    lines.insert(first_check + 1, " " * indent + "supporting: true")
    path = tmp_path / "starter-supporting.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ChecklistError, match=r"starter-supporting.yaml:\d+: requirement .*supporting check.*"
                                              r"set assessment to 'both', or drop 'supporting'"):
        load_checklist(path)


# --- a real server -----------------------------------------------------------------------------

class _Handshakes(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


@pytest.fixture(scope="module")
def nine_day_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int, str]]:
    """A Python ssl server on 127.0.16.1 whose certificate (from a test root) expires in nine days."""
    folder = tmp_path_factory.mktemp("nine-days")
    root_key, leaf_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    root = _cert("l3audit evaluation root", root_key, "l3audit evaluation root", root_key, ca=True, days=(-1, 365))
    leaf = _cert("short.l3audit.test", leaf_key, "l3audit evaluation root", root_key, ca=False,
                 sans=["short.l3audit.test"], days=(-1, 9), issuer_cert=root)
    (folder / "chain.pem").write_bytes(_pem(leaf))
    (folder / "key.pem").write_bytes(_key_pem(leaf_key))
    (folder / "root.pem").write_bytes(_pem(root))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(folder / "chain.pem", folder / "key.pem")

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            try:
                with context.wrap_socket(self.request, server_side=True) as tls:
                    tls.settimeout(2)
                    tls.recv(1)
            except (OSError, ssl.SSLError):
                pass  # the probe's many partial handshakes end here

    address = "127.0.16.1"
    port = free_port(address)
    server = _Handshakes((address, port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    wait_listening(address, port)
    yield address, port, str(folder / "root.pem")
    server.shutdown()
    server.server_close()


def test_a_certificate_nine_days_from_expiry_flags_the_key_row_for_the_person(nine_day_server) -> None:
    address, port, ca_file = nine_day_server
    target = Target("short.l3audit.test", port, address=address)
    measured = asyncio.run(TlsProbe().measure(target, ProbeOptions(timeout_seconds=5.0, ca_file=ca_file)))
    facts = dict(measured.facts)
    assert facts["tls.certificate.trusted"] is True and facts["tls.certificate.expired"] is False
    assert 7 <= facts["tls.certificate.days_until_expiry"] <= 9
    result = evaluate_requirement(CATALOGUE.requirement("N3-DAT-11"), {f"https://short.l3audit.test:{port}/":
                                                                      attempts(tls=facts)})
    assert result.status is Status.MANUAL
    assert result.sites[0].signals == ("days-left",)
    validate_site(result.sites[0])
    # The same certificate decides a failure nowhere: N3-DAT-10 reads trust and expiry, which hold.
    dat10 = evaluate_requirement(CATALOGUE.requirement("N3-DAT-10"), {SITE: attempts(tls=facts, http=GOOD_SITE["http"])})
    assert dat10.status is not Status.FAIL or "certificate-valid" not in dat10.reason
    assert dt.date.today() < dt.date.today() + dt.timedelta(days=facts["tls.certificate.days_until_expiry"])
