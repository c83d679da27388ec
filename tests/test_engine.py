"""The engine against real servers: pass, fail and error are each what the servers make them."""

from __future__ import annotations

import asyncio
import ssl

import jsonschema
import pytest

from audit.catalogue.loader import load_checklist
from audit.demo.outlets import GOOD_HEADERS
from audit.demo.certs import make_leaf
from audit.demo.servers import SiteConfig
from audit.engine import AuditOptions, run_audit
from audit.models import AttemptStatus, Outlet, Status, Target
from audit.result import result_schema, result_to_dict

OPTIONS = dict(timeout_seconds=3.0, use_nmap=False)


def audit(targets: list[Target], ca_file: str | None, **extra) -> list[dict]:
    checklist = load_checklist("l3-starter")
    outlets = [Outlet(f"o{i}", f"Outlet {i}", (t,)) for i, t in enumerate(targets)]
    written: list[str] = []
    results = asyncio.run(run_audit(checklist, outlets, AuditOptions(ca_file=ca_file, **OPTIONS, **extra),
                                    on_result=lambda r: written.append(r.outlet.id)))
    assert sorted(written) == sorted(o.id for o in outlets), "every outlet is handed over as it finishes"
    return [result_to_dict(r) for r in results]


def statuses(result: dict) -> dict[str, str]:
    return {r["requirement_id"]: r["status"] for r in result["requirements"]}


def test_given_a_well_configured_site_then_every_requirement_passes(sites, ca_file) -> None:
    target = sites.https("tot.test", SiteConfig(headers=GOOD_HEADERS), http_redirect=True)
    result = audit([target], ca_file)[0]
    s = statuses(result)
    assert s["L3-TLS-01"] == s["L3-TLS-02"] == s["L3-TLS-03"] == "pass"
    assert s["L3-CERT-01"] == s["L3-CERT-02"] == s["L3-CERT-03"] == "pass"
    assert s["L3-WEB-01"] == s["L3-WEB-02"] == s["L3-WEB-03"] == s["L3-WEB-04"] == "pass"
    assert s["L3-NET-01"] == s["L3-NET-02"] == "pass"
    jsonschema.validate(result, result_schema())


def test_given_a_badly_configured_site_then_the_matching_requirements_fail(sites, ca_file) -> None:
    cert = make_leaf(["autre.test"], None, expired=True, kind="rsa")  # self-signed, expired, wrong name
    target = sites.https("xau.test", SiteConfig(server_header="Apache/2.4.29"), cert=cert,
                         min_version=ssl.TLSVersion.TLSv1, http=SiteConfig())
    result = audit([target], ca_file)[0]
    s = statuses(result)
    assert s["L3-TLS-01"] == "pass"
    assert s["L3-TLS-02"] == "fail"
    assert s["L3-CERT-01"] == "fail"
    cert_req = next(r for r in result["requirements"] if r["requirement_id"] == "L3-CERT-01")
    failed = {e["fact"] for e in cert_req["sites"][0]["evidence"] if not e["satisfied"]}
    assert failed == {"tls.certificate.trusted", "tls.certificate.expired",
                      "tls.certificate.hostname_matches", "tls.certificate.self_signed"}
    assert s["L3-WEB-01"] == s["L3-WEB-02"] == s["L3-WEB-03"] == s["L3-WEB-04"] == "fail"
    assert result["summary"]["verdict"] == "not_compliant"


def test_given_an_unreachable_outlet_then_its_requirements_are_error_and_the_run_goes_on(sites, ca_file) -> None:
    good = sites.https("tot.test", SiteConfig(headers=GOOD_HEADERS))
    dead = Target("chet.test", 1, address="127.0.0.254", http_port=None)
    good_result, dead_result = audit([good, dead], ca_file)
    assert statuses(good_result)["L3-TLS-01"] == "pass"
    dead_statuses = statuses(dead_result)
    assert dead_statuses["L3-TLS-01"] == dead_statuses["L3-CERT-01"] == dead_statuses["L3-WEB-03"] == "error"
    assert "fail" not in dead_statuses.values()
    tls = next(a for a in dead_result["probe_attempts"] if a["probe"] == "tls")
    assert tls["status"] == AttemptStatus.ERROR.value
    assert any(word in tls["error_reason"].lower() for word in ("refused", "cannot connect")), tls["error_reason"]
    assert dead_result["summary"]["verdict"] == "incomplete"


def test_given_a_port_that_is_not_tls_then_tls_is_error_not_fail(sites, ca_file) -> None:
    listener = sites.listener(banner=b"SSH-2.0-OpenSSH_8.9\r\n")
    target = Target("ssh.test", listener.port, address=listener.address, http_port=None)
    s = statuses(audit([target], ca_file)[0])
    assert s["L3-TLS-01"] == "error" and s["L3-CERT-01"] == "error"


def test_given_a_server_that_stalls_then_the_probe_errors_within_its_budget(sites, ca_file) -> None:
    listener = sites.listener(stall=True)
    target = Target("treo.test", listener.port, address=listener.address, http_port=None)
    result = audit([target], ca_file, probe_budget_seconds=5.0)[0]
    tls = next(a for a in result["probe_attempts"] if a["probe"] == "tls")
    assert tls["status"] == "error"
    assert tls["duration_seconds"] < 30  # bounded (the budget is 5 s; this only guards against a hang)
    assert statuses(result)["L3-TLS-01"] == "error"


def test_each_probe_runs_once_per_key(sites, ca_file) -> None:
    # Two sites on one host: tls and http run per site, ports once per host address.
    a = sites.https("mot.test", SiteConfig(headers=GOOD_HEADERS))
    b = Target("hai.test", a.port, address=a.address, http_port=None)
    checklist = load_checklist("l3-starter")
    outlet = Outlet("o", "O", (a, b))
    result = asyncio.run(run_audit(checklist, [outlet], AuditOptions(ca_file=ca_file, **OPTIONS)))[0]
    probes = sorted(att.probe for att in result.attempts)
    assert probes == ["exposure", "exposure", "http", "http", "ports", "tls", "tls"]


@pytest.mark.parametrize("status", list(Status))
def test_status_values_are_in_the_result_schema(status: Status) -> None:
    schema = result_schema()
    enum = schema["properties"]["requirements"]["items"]["properties"]["status"]["enum"]
    assert status.value in enum


def test_a_fact_the_probe_lists_as_unmeasured_makes_the_requirement_error_not_fail() -> None:
    from audit.evaluation import evaluate_site
    from audit.models import ProbeAttempt

    checklist = load_checklist("l3-starter")
    req = checklist.requirement("L3-TLS-02")
    facts = {"tls.offered": True, "tls.protocols.TLSv1.1": False,
             "tls.errors": {"tls.protocols.TLSv1.0": "server reset the connection"}}
    attempt = ProbeAttempt("tls", "t", AttemptStatus.COMPLETED, "2026-11-26T00:00:00+00:00", 0.1, "x", "1", facts=facts)
    result = evaluate_site(req, "t", {"tls": attempt})
    assert result.status is Status.ERROR
    assert "server reset the connection" in result.reason


def test_the_engine_refuses_a_range_before_sending_anything() -> None:
    from audit.errors import TargetError

    checklist = load_checklist("l3-starter")
    outlet = Outlet("o", "O", (Target("10.0.0.0/24", 443),))
    with pytest.raises(TargetError, match="range"):
        asyncio.run(run_audit(checklist, [outlet], AuditOptions(**OPTIONS)))


def test_a_finding_proven_before_the_rest_was_unmeasured_stays_a_fail() -> None:
    """Given /.env proven readable and the backup paths rate limited, then N3-DEV-08 fails (proven), not error."""
    from audit.evaluation import evaluate_site
    from audit.models import ProbeAttempt

    req = load_checklist("tcvn14423-2026-l3").requirement("N3-DEV-08")
    facts = {"exposure.secrets_exposed": True, "exposure.errors": {"exposure.backup_exposed": "rate limited (HTTP 429)"}}
    attempt = ProbeAttempt("exposure", "t", AttemptStatus.COMPLETED, "2026-11-26T00:00:00+00:00", 0.1, "x", "1",
                           facts=facts)
    result = evaluate_site(req, "t", {"exposure": attempt})
    assert result.status is Status.FAIL and "proven" in result.reason and "rate limited" in result.reason
    clean = {**facts, "exposure.secrets_exposed": False}
    attempt = ProbeAttempt("exposure", "t", AttemptStatus.COMPLETED, "2026-11-26T00:00:00+00:00", 0.1, "x", "1",
                           facts=clean)
    assert evaluate_site(req, "t", {"exposure": attempt}).status is Status.ERROR


def test_two_outlets_with_different_measuring_settings_get_their_own_attempts(sites, ca_file) -> None:
    """Given one site in two outlets, one allowing a browser agent, then http runs twice and tls once."""
    a = sites.https("chung.test", SiteConfig(headers=GOOD_HEADERS))
    outlets = [Outlet("o1", "O1", (a,)), Outlet("o2", "O2", (a,), settings={"user_agent": "browser"})]
    options = AuditOptions(ca_file=ca_file, probes=["http", "tls"], **OPTIONS)
    seen: list[str] = []
    results = asyncio.run(run_audit(load_checklist("l3-starter"), outlets, options))
    for result in results:
        seen += [f"{att.probe}@{att.started_at}#{id(att)}" for att in result.attempts]
    http = {s for s in seen if s.startswith("http@")}
    tls = {s for s in seen if s.startswith("tls@")}
    assert len(http) == 2 and len(tls) == 1
