"""Differential test: our TLS probe and sslyze 6 agree on the same lab servers.

Given every lab server that speaks TLS, when both tools scan it, then protocols, accepted suites,
certificate verdicts and session features agree. Legitimate differences, each asserted as such:

- sslyze can only test the suites its OpenSSL builds know (ARIA, CCM and several CAMELLIA/PSK
  suites are missing), so our extra suites must all be ones sslyze cannot test.
- sslyze validates the path *with* the host name, so a name mismatch is "untrusted" there; we keep
  trust and name apart (SSL Labs shows M, not T), so on `mismatch` trust differs by design.
- sslyze's curve list covers only the curves nassl knows; we compare on those, and ignore FFDHE
  groups, which sslyze does not enumerate.
- sslyze misses a few suites it lists as testable (seen: TLS_DH_anon_WITH_CAMELLIA_{128,256}_CBC_SHA256
  on the legacy server); each such extra is confirmed here with `openssl s_client`, so the server
  does accept it and sslyze's report is the one that is short.
- sslyze cannot check fallback SCSV on a server with one protocol; we report it as not applicable.
- With two certificates (RSA and ECDSA), both tools find both leaves on TLS 1.2; on a TLS 1.3-only
  server sslyze finds one, we find both (confirmed with `openssl s_client -sigalgs`). Our
  `tls.certificate.*` facts are the worst chain's, sslyze's first deployment is whichever it found first.
"""

from __future__ import annotations

import asyncio
import subprocess
import warnings

import pytest
from cryptography import x509

from audit.models import Target
from probes.interface import ProbeOptions
from probes.tls.probe import TlsProbe
from probes.tls.wire.suites import all_suites
from tests.probes.tls import tls_peers, tls_servers

TLS_SERVERS = ("modern", "tls13", "legacy", "expired", "selfsigned", "mismatch", "nointermediate", "nocommon",
               "s_server", "tlslite", "dual", "dual13")
pytestmark = pytest.mark.skipif(tls_peers.sslyze_python() is None,
                                reason="sslyze not installed (python3 -m venv .venv-peers && .venv-peers/bin/pip install sslyze)")
CURVE_NAMES = {"secp256r1": "secp256r1", "prime256v1": "secp256r1"}


@pytest.fixture(scope="module")
def scans() -> dict[str, tuple[dict, dict]]:
    """(our facts, sslyze view) per lab server, from one sslyze run over all of them."""
    warnings.simplefilter("ignore")
    lab = tls_servers.get_lab()
    servers = {n: lab.servers[n] for n in TLS_SERVERS if n in lab.servers}
    peer = tls_peers.run_sslyze([(tls_servers.HOST, s.address, s.port) for s in servers.values()], lab.pki.ca_file)

    async def ours() -> list[dict]:
        opts = ProbeOptions(timeout_seconds=5, ca_file=lab.pki.ca_file)
        measured = await asyncio.gather(*(TlsProbe().measure(Target(tls_servers.HOST, s.port, address=s.address), opts)
                                          for s in servers.values()))
        return [dict(m.facts) for m in measured]

    facts = asyncio.run(ours())
    return {n: (f, tls_peers.sslyze_view(peer[f"{tls_servers.HOST}:{s.port}"])) for (n, s), f in zip(servers.items(), facts)}


@pytest.fixture(scope="module")
def known() -> dict[str, set[str]]:
    """Suites sslyze is able to test, per protocol."""
    return tls_peers.sslyze_known_suites()


def _pair(scans: dict[str, tuple[dict, dict]], server: str) -> tuple[dict, dict]:
    """Our facts and sslyze's view for `server`, or a skip naming the missing tool."""
    if server not in scans:
        pytest.skip(tls_servers.get_lab().skipped.get(server, f"{server} server not available"))
    return scans[server]


def _openssl_accepts(server: tls_servers.Server, proto: str, iana: str) -> bool:
    """Whether `openssl s_client` completes a handshake with exactly this suite and protocol."""
    entry = next(s for s in all_suites().values() if s.name == iana)
    flag = {"TLSv1.0": "-tls1", "TLSv1.1": "-tls1_1", "TLSv1.2": "-tls1_2"}[proto]
    run = subprocess.run(["openssl", "s_client", "-connect", f"{server.address}:{server.port}", flag,
                          "-servername", tls_servers.HOST, "-cipher", f"{entry.openssl_name}:@SECLEVEL=0"],
                         input=b"", capture_output=True, timeout=20, check=False)
    return f"Cipher is {entry.openssl_name}".encode() in run.stdout


@pytest.mark.parametrize("server", TLS_SERVERS)
def test_protocols_agree(scans, server):
    ours, peer = _pair(scans, server)
    assert "connectivity_error" not in peer or server == "nocommon", peer
    if server == "nocommon":
        # sslyze refuses to scan a server it cannot handshake with; we report "not offered".
        assert ours["tls.offered"] is False
        return
    for proto, supported in peer["protocols"].items():
        assert ours.get(f"tls.protocols.{proto}") is supported, proto


@pytest.mark.parametrize("server", TLS_SERVERS)
def test_accepted_suites_agree(scans, known, server):
    ours, peer = _pair(scans, server)
    if server == "nocommon":
        return
    for proto, theirs in peer["suites"].items():
        mine = set(ours.get(f"tls.cipher_suites.{proto}", []))
        assert not theirs - mine, f"{proto}: sslyze found suites we missed"
        for name in (mine - theirs) & known[proto]:
            # sslyze says it can test this suite but did not report it: ask OpenSSL itself.
            assert _openssl_accepts(tls_servers.get_lab().servers[server], proto, name), name


def _openssl_tls13_leaf_serial(server: tls_servers.Server, sigalgs: str) -> str:
    """The serial (hex) of the leaf `openssl s_client -tls1_3 -sigalgs SIGALGS` receives."""
    run = subprocess.run(["openssl", "s_client", "-connect", f"{server.address}:{server.port}", "-tls1_3",
                          "-servername", tls_servers.HOST, "-sigalgs", sigalgs],
                         input=b"", capture_output=True, timeout=20, check=False)
    pem = run.stdout[run.stdout.index(b"-----BEGIN CERTIFICATE-----"):]
    return format(x509.load_pem_x509_certificate(pem).serial_number, "x")


@pytest.mark.parametrize("server", TLS_SERVERS)
def test_certificate_verdicts_agree(scans, server):
    ours, peer = _pair(scans, server)
    if server == "nocommon":
        return
    if server == "mismatch":
        assert peer["trusted"] is False and ours["tls.certificate.trusted"] is True
        assert ours["tls.certificate.hostname_matches"] is False
    else:
        assert ours["tls.certificate.trusted"] is peer["trusted"]
    assert ours["tls.certificate.chain_in_order"] is peer["chain_in_order"]
    assert ours["tls.certificate.chain_length"] == peer["chain_length"]
    assert ours["tls.ocsp_stapling"] is peer["ocsp_stapling"]


@pytest.mark.parametrize("server", TLS_SERVERS)
def test_every_certificate_agrees(scans, server):
    """Given servers with one certificate or two (RSA and ECDSA), then both tools find the same leaves."""
    ours, peer = _pair(scans, server)
    if server == "nocommon":
        return
    mine = {(c["key_type"], c["serial"]) for c in ours["tls.certificates"]}
    assert ours["tls.certificate.count"] == len(mine) == (2 if server.startswith("dual") else 1)
    if server == "dual13":
        # On TLS 1.3 alone sslyze asks once and sees one leaf; OpenSSL limited to RSA signatures gets the other.
        assert peer["leaves"] < mine
        for kind, serial in mine - peer["leaves"]:
            assert kind == "RSA" and _openssl_tls13_leaf_serial(tls_servers.get_lab().servers[server], "rsa_pss_rsae_sha256") == serial
    else:
        assert mine == peer["leaves"]


@pytest.mark.parametrize("server", TLS_SERVERS)
def test_features_agree(scans, server):
    ours, peer = _pair(scans, server)
    if server == "nocommon":
        return
    for name in ("compression", "secure_renegotiation", "extended_master_secret"):
        if name in peer:
            assert ours[f"tls.{name}"] is peer[name], name
    assert ours["tls.vulnerabilities.heartbleed"] is peer["heartbleed"]
    assert ours["tls.vulnerabilities.ccs_injection"] is peer["ccs_injection"]
    if "tls.fallback_scsv" in ours:
        assert ours["tls.fallback_scsv"] is peer["fallback_scsv"]
    else:
        assert len(ours["tls.protocols_accepted"]) == 1


@pytest.mark.parametrize("server", TLS_SERVERS)
def test_curves_agree(scans, server):
    ours, peer = _pair(scans, server)
    if server == "nocommon" or "curves" not in peer:
        return
    mine = {CURVE_NAMES.get(g, g) for g in ours.get("tls.groups", []) if not g.startswith("ffdhe")}
    tested = {CURVE_NAMES.get(c, c) for c in peer["curves_tested"]}
    assert mine & tested == {CURVE_NAMES.get(c, c) for c in peer["curves"]}
