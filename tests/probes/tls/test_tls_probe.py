"""The `tls` probe against real lab servers on 127.0.2.x (see tls_servers.py).

Given a server configuration, when the probe measures it, then protocols, suites, certificate,
features and grades are what that configuration implies; hostile servers give a clear error
(per check or `ProbeError`) and never a hang or traceback. No timing is asserted.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from audit.errors import ProbeError
from audit.models import Target
from probes.interface import ProbeOptions
from probes.tls.probe import TlsProbe
from tests.probes.tls import tls_hostile, tls_servers

warnings.filterwarnings("ignore", category=DeprecationWarning)


@pytest.fixture(scope="module")
def lab() -> tls_servers.TlsLab:
    """The shared lab of servers."""
    return tls_servers.get_lab()


def measure(lab: tls_servers.TlsLab, name: str, timeout: float = 5.0, **settings: object) -> dict:
    """Run the probe on one lab server and return its facts (checking they are all declared)."""
    if name not in lab.servers:
        pytest.skip(lab.skipped.get(name, f"{name} server not available"))
    server = lab.servers[name]
    target = Target(tls_servers.HOST, server.port, address=server.address)
    opts = ProbeOptions(timeout_seconds=timeout, ca_file=lab.pki.ca_file, settings=settings)
    facts = dict(asyncio.run(TlsProbe().measure(target, opts)).facts)
    assert TlsProbe.check_declared(facts) == []
    json.dumps(facts)  # facts are plain JSON values
    return facts


def test_modern_server_gets_a_and_mozilla_intermediate(lab):
    facts = measure(lab, "modern")
    assert facts["tls.protocols_accepted"] == ["TLSv1.2", "TLSv1.3"]
    assert facts["tls.protocols.SSLv2"] is False and facts["tls.protocols.SSLv3"] is False
    assert set(facts["tls.cipher_suites.TLSv1.3"]) == {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
                                                      "TLS_CHACHA20_POLY1305_SHA256"}
    assert set(facts["tls.cipher_suites.TLSv1.2"]) == {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                                                      "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                                                      "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"}
    assert facts["tls.server_cipher_order.TLSv1.2"] is False  # ssl_prefer_server_ciphers off
    assert facts["tls.weak_cipher_suites"] == [] and facts["tls.forward_secrecy"] is True
    assert facts["tls.groups"] == ["X25519", "secp256r1", "secp384r1"]
    assert facts["tls.certificate.trusted"] is True and facts["tls.certificate.hostname_matches"] is True
    assert facts["tls.certificate.key_type"] == "RSA" and facts["tls.certificate.key_bits"] == 2048
    assert facts["tls.certificate.chain_length"] == 2 and facts["tls.certificate.missing_intermediate"] is False
    assert facts["tls.ocsp_stapling"] is True
    assert facts["tls.secure_renegotiation"] is True and facts["tls.extended_master_secret"] is True
    assert facts["tls.compression"] is False and facts["tls.fallback_scsv"] is True
    assert facts["tls.vulnerabilities.heartbleed"] is False
    assert facts["tls.grade"] == "A" and facts["tls.grade_caps"] == []
    assert facts["tls.mozilla_profile"] == "intermediate"
    assert "tls.errors" not in facts


def test_tls13_only_server_certificate_read_from_the_encrypted_handshake(lab):
    facts = measure(lab, "tls13")
    assert facts["tls.protocols_accepted"] == ["TLSv1.3"]
    assert facts["tls.certificate.key_type"] == "EC" and facts["tls.certificate.key_curve"] == "prime256v1"
    assert facts["tls.certificate.trusted"] is True
    assert "tls.fallback_scsv" not in facts  # one protocol: not applicable
    assert facts["tls.mozilla_profile"] == "modern"
    assert facts["tls.grade"] == "A"


def test_mozilla_57_selectable(lab):
    facts = measure(lab, "modern", mozilla_guidelines="5.7")
    assert facts["tls.mozilla_profile_version"] == "5.7"
    assert facts["tls.mozilla_profile"] == "intermediate"
    assert "tls.mozilla_issues.old" in facts


def test_legacy_server_weak_classes_dh1024_and_caps(lab):
    facts = measure(lab, "legacy")
    assert facts["tls.protocols_accepted"] == ["TLSv1.0", "TLSv1.1", "TLSv1.2"]
    assert facts["tls.key_exchange.dh_min_bits"] == 1024
    assert {"anonymous", "static key exchange", "CBC in SSLv3/TLS 1.0"} <= set(facts["tls.weak_cipher_classes"])
    assert facts["tls.server_cipher_order.TLSv1.2"] is True  # ssl_prefer_server_ciphers on
    assert facts["tls.vulnerabilities.beast"] is True
    codes = {c["code"] for c in facts["tls.grade_caps"]}
    assert {"anonymous", "tls10", "tls11"} <= codes
    assert facts["tls.grade"] == "F"
    assert all(c["reason_vi"] for c in facts["tls.grade_caps"])


def test_s_server_tls10_11_only_caps_at_c_or_worse(lab):
    facts = measure(lab, "s_server")
    assert facts["tls.protocols_accepted"] == ["TLSv1.0", "TLSv1.1"]
    assert "no_tls12" in {c["code"] for c in facts["tls.grade_caps"]}
    assert facts["tls.fallback_scsv"] is True


def test_tlslite_server_sslv3_rc4_3des(lab):
    facts = measure(lab, "tlslite")
    assert facts["tls.protocols.SSLv3"] is True
    assert "TLS_RSA_WITH_RC4_128_SHA" in facts["tls.cipher_suites.TLSv1.2"]
    assert "TLS_RSA_WITH_3DES_EDE_CBC_SHA" in facts["tls.cipher_suites.TLSv1.1"]
    assert facts["tls.vulnerabilities.rc4"] is True and facts["tls.vulnerabilities.sweet32"] is True
    assert facts["tls.vulnerabilities.poodle"] is True
    codes = {c["code"] for c in facts["tls.grade_caps"]}
    assert {"rc4_modern", "poodle"} <= codes
    # Its order is AES, 3DES, RC4: modern clients never get 3DES, so no SWEET32 cap (guide, 2016), a warning.
    assert "sweet32" not in codes and facts["tls.server_cipher_order.TLSv1.2"] is True
    assert "sweet32_offered" in {w["code"] for w in facts["tls.grade_warnings"]}
    assert facts["tls.grade"] == "C"


@pytest.mark.parametrize("name, grade, cap", [
    ("expired", "T", "expired"), ("selfsigned", "T", "self_signed"), ("mismatch", "M", "mismatch"),
    ("nointermediate", "T", "untrusted"),
])
def test_certificate_problems_give_t_or_m(lab, name, grade, cap):
    facts = measure(lab, name)
    assert facts["tls.grade"] == grade
    assert cap in {c["code"] for c in facts["tls.grade_caps"]}
    assert facts["tls.grade_if_trusted"] in ("A", "A-")


def test_certificate_facts_per_problem(lab):
    assert measure(lab, "expired")["tls.certificate.days_until_expiry"] < 0
    assert measure(lab, "selfsigned")["tls.certificate.self_signed"] is True
    mismatch = measure(lab, "mismatch")
    assert mismatch["tls.certificate.hostname_matches"] is False and mismatch["tls.certificate.trusted"] is True
    missing = measure(lab, "nointermediate")
    assert missing["tls.certificate.missing_intermediate"] is True and missing["tls.certificate.trusted"] is False


@pytest.mark.parametrize("name", ["dual", "dual13"])
def test_every_certificate_is_read_and_rows_see_the_worst(lab, name):
    """Given RSA (9 days left) and ECDSA certificates, when probed, then both chains and the RSA one decides."""
    facts = measure(lab, name)
    assert facts["tls.certificate.count"] == 2
    kinds = {c["key_type"]: c for c in facts["tls.certificates"]}
    assert set(kinds) == {"RSA", "EC"}
    assert kinds["RSA"]["days_until_expiry"] in (8, 9) and kinds["EC"]["days_until_expiry"] >= 80
    assert all(c["trusted"] and c["hostname_matches"] for c in kinds.values())
    # The worst chain (fewest days left) is the one the tls.certificate.* facts describe.
    assert facts["tls.certificate.key_type"] == "RSA" and facts["tls.certificate.days_until_expiry"] in (8, 9)


def test_one_certificate_is_one_chain(lab):
    facts = measure(lab, "modern")
    assert facts["tls.certificate.count"] == 1 and facts["tls.certificates"][0]["key_type"] == "RSA"


def test_no_common_suite_is_not_offered(lab):
    facts = measure(lab, "nocommon")
    assert facts["tls.offered"] is False
    assert "handshake_failure" in facts["tls.not_offered_reason"]


def test_server_that_closes_is_not_offered(lab):
    facts = measure(lab, "hostile-closed")
    assert facts["tls.offered"] is False


@pytest.mark.parametrize("name, reason", [
    ("hostile-reset", "reset"), ("hostile-stall", "stalled"), ("hostile-midstall", "stalled"),
    ("hostile-garbage", "not a TLS record"), ("hostile-huge", "handshake message of 16777215 bytes"),
    ("hostile-bigrecord", "exceeds the 2^14+2048 limit"), ("hostile-ssh", "speaks SSH"),
    ("hostile-http", "speaks HTTP"),
])
def test_hostile_servers_give_a_clear_probe_error(lab, name, reason):
    with pytest.raises(ProbeError) as info:
        measure(lab, name, timeout=1.0)
    assert reason in str(info.value)


def test_refused_port_is_a_probe_error(lab):
    port = tls_servers.free_port(lab.ADDRESS)
    with pytest.raises(ProbeError, match="cannot connect to .*connection refused"):
        asyncio.run(TlsProbe().measure(Target(tls_servers.HOST, port, address=lab.ADDRESS),
                                       ProbeOptions(timeout_seconds=1.0)))


def test_plain_http_site_is_not_probed():
    facts = asyncio.run(TlsProbe().measure(Target("example.test", 80, scheme="http"), ProbeOptions())).facts
    assert facts == {"tls.offered": False}


@pytest.mark.parametrize("extra, version", [([], "6.0"), (["--mozilla-guidelines", "5.7"], "5.7")])
def test_cli_probe_tls_json(lab, extra, version):
    server = lab.servers["modern"]
    exe = Path(sys.executable).with_name("l3audit")
    if not exe.exists():
        pytest.skip("l3audit console script not installed in this environment")
    run = subprocess.run([str(exe), "probe", "tls", f"{tls_servers.HOST}:{server.port}", "--json",
                          "--resolve", f"{tls_servers.HOST}:{server.port}:{server.address}",
                          "--ca-file", lab.pki.ca_file, *extra], capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 0, run.stderr
    attempt = json.loads(run.stdout)
    assert attempt["status"] == "completed"
    assert attempt["facts"]["tls.mozilla_profile_version"] == version
    assert attempt["facts"]["tls.grade"] == "A"
    assert attempt["facts"]["tls.protocols.TLSv1.3"] is True


def test_heartbleed_vulnerable_fake_server_is_detected_and_graded_f(lab):
    facts = measure(lab, "hostile-heartbleed")
    assert facts["tls.protocols_accepted"] == ["TLSv1.2"]
    assert facts["tls.vulnerabilities.heartbleed"] is True
    assert facts["tls.vulnerabilities.ccs_injection"] is True
    assert {"heartbleed", "ccs_injection"} <= {c["code"] for c in facts["tls.grade_caps"]}
    assert facts["tls.grade_if_trusted"] == "F"


def test_heartbeat_capable_but_patched_server_is_not_vulnerable(lab):
    # tlslite-ng echoes the heartbeat extension but ignores an over-long request (RFC 6520 section 4).
    assert measure(lab, "tlslite")["tls.vulnerabilities.heartbleed"] is False


def test_per_host_cap_limits_simultaneous_handshakes(lab, monkeypatch):
    # Given a cap of 2, when the probe scans, then at most 2 exchanges are ever in flight, and a
    # relay in front of the server counts exactly the handshakes the probe reports.
    from probes.tls.wire import scan

    state = {"now": 0, "max": 0}
    real = scan.exchange

    async def counted(*args, **kwargs):
        state["now"] += 1
        state["max"] = max(state["max"], state["now"])
        try:
            return await real(*args, **kwargs)
        finally:
            state["now"] -= 1

    monkeypatch.setattr(scan, "exchange", counted)
    server = lab.servers["legacy"]
    relay = tls_hostile.Relay(server.address, server.port)
    try:
        target = Target(tls_servers.HOST, relay.port, address=server.address)
        opts = ProbeOptions(timeout_seconds=5, ca_file=lab.pki.ca_file, settings={"tls_max_concurrency": 2})
        measurement = asyncio.run(TlsProbe().measure(target, opts))
    finally:
        relay.close()
    assert state["max"] == 2
    assert measurement.method.startswith(f"{relay.count} handshakes")
