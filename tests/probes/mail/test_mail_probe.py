"""The mail probe on real zones (Knot on loopback) and real HTTPS policy servers, compared with checkdmarc."""

from __future__ import annotations

import asyncio
import hashlib
import re
import ssl
from pathlib import Path
from typing import Any, Iterator

import dns.resolver
import pytest

from audit.demo.certs import KeyPair, make_leaf
from audit.demo.servers import SiteConfig, WebServer, server_tls_context
from audit.models import AttemptStatus, ProbeAttempt, Target
from audit.runner import AuditOptions, ProbeRunner
from probes.mail.probe import MailProbe
from tests.probes.dns.dns_hostile import hostile_server
from tests.probes.dns.dns_zones import NS_ADDRESSES, Knot, knot_server

def smtp_server(folder: Path, ca: KeyPair, address: str, cert: KeyPair, only: str | None = None,
                send_ca: bool = False) -> Iterator[int]:
    """A real SMTP server (aiosmtpd) offering STARTTLS with `cert` on `address`; yields its port.

    `only` limits it to one TLS version ("TLSv1.2", "TLSv1.3"); `send_ca` appends the CA to the chain it sends.
    """
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Sink

    from audit.demo.servers import free_port

    cert_file, key_file = cert.write(folder, f"smtp-{address}-{id(cert)}-{send_ca}", chain=(ca,) if send_ca else ())
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    if only == "legacy":  # TLS 1.0 to 1.2, with the security level that lets OpenSSL 3 speak TLS 1.0
        context.minimum_version, context.maximum_version = ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1_2
        context.set_ciphers("DEFAULT:@SECLEVEL=0")
    elif only:
        context.minimum_version = context.maximum_version = getattr(ssl.TLSVersion, only.replace(".", "_"))
    port = free_port(address)
    controller = Controller(Sink(), hostname=address, port=port, tls_context=context, require_starttls=False)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


@pytest.fixture(scope="module")
def smtp(ca: KeyPair, mx_cert: KeyPair, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, int]]:
    """STARTTLS servers for mx.good.test (127.16.0.20): a valid, an expired and a mismatched certificate."""
    folder = tmp_path_factory.mktemp("smtp")
    certs = {"valid": mx_cert, "expired": make_leaf(["mx.good.test"], ca, expired=True),
             "mismatched": make_leaf(["mail.other.test"], ca)}
    running = {name: smtp_server(folder, ca, "127.16.0.20", cert) for name, cert in certs.items()}
    # the same valid certificate behind servers limited to one version, and one that also sends the CA
    running.update({"tls12": smtp_server(folder, ca, "127.16.0.20", mx_cert, only="TLSv1.2"),
                    "tls13": smtp_server(folder, ca, "127.16.0.20", mx_cert, only="TLSv1.3"),
                    "with_ca": smtp_server(folder, ca, "127.16.0.20", mx_cert, send_ca=True),
                    "legacy": smtp_server(folder, ca, "127.16.0.20", mx_cert, only="legacy")})
    ports = {name: next(gen) for name, gen in running.items()}
    yield ports
    for gen in running.values():
        next(gen, None)


GOOD_POLICY = "version: STSv1\nmode: enforce\nmx: mx.good.test\nmax_age: 604800\n"
WEAK_POLICY = "version: STSv1\nmode: testing\nmx: *.elsewhere.test\nmax_age: 86400\n"


@pytest.fixture(scope="module")
def mx_cert(ca: KeyPair) -> KeyPair:
    """The valid certificate of mx.good.test, published in a DANE-EE TLSA record (3 1 1)."""
    return make_leaf(["mx.good.test"], ca)


@pytest.fixture(scope="module")
def knot(tmp_path_factory: pytest.TempPathFactory, mx_cert: KeyPair, ca: KeyPair) -> Iterator[Knot]:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    spki = x509.load_pem_x509_certificate(mx_cert.cert_pem()).public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    ca_der = ca.cert.public_bytes(serialization.Encoding.DER)
    ca_spki = ca.cert.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    tlsa = f"_25._tcp.mx TLSA 3 1 1 {hashlib.sha256(spki).hexdigest()}\n"
    # DANE trust-anchor usages: DANE-TA (2 0 1, the CA's certificate) and PKIX-TA (0 1 1, the CA's key)
    tlsa += (f"daneta MX 10 mxta.good.test.\nmxta A 127.16.0.20\n_25._tcp.mxta TLSA 2 0 1 {hashlib.sha256(ca_der).hexdigest()}\n"
             f"pkixta MX 10 mxpkix.good.test.\nmxpkix A 127.16.0.20\n"
             f"_25._tcp.mxpkix TLSA 0 1 1 {hashlib.sha256(ca_spki).hexdigest()}\n")
    yield from knot_server(tmp_path_factory.mktemp("knot"), {"good.test.": tlsa + SPF_LIMITS})


# SPF records for the void-lookup and MX-name limits of RFC 7208 section 4.6.4 (names under good.test).
SPF_LIMITS = """void TXT "v=spf1 a:nx1.good.test mx:nx2.good.test a:nx3.good.test/24 exists:nx4.good.test -all"
twovoid TXT "v=spf1 a:nx1.good.test mx:nx2.good.test ip4:127.16.0.0/16 -all"
viainclude TXT "v=spf1 include:void.good.test -all"
manymx TXT "v=spf1 mx -all"
nullmx MX 0 .
implicit A 127.16.0.20
mixed MX 0 .
mixed MX 10 mx.good.test.
noaddress TXT "v=spf1 -all"
macros TXT "v=spf1 include:%{ir}.%{v}._spf.%{d2} exists:%{l1r-+}.%{s}.x.%{d} a:%{h}.good.test/24 mx:%{o} ip4:127.16.0.0/16 -all"
macroredirect TXT "v=spf1 ip4:127.16.0.1 redirect=%{d}.good.test"
macro11 TXT "v=spf1 " """ + " ".join(f'"include:%{{d}}.s{i}.good.test "' for i in range(11)) + """ "-all"
badletter TXT "v=spf1 include:%{z}.good.test -all"
exponly TXT "v=spf1 a:%{c}.good.test -all"
unclosed TXT "v=spf1 exists:%{i.good.test -all"
zerolabels TXT "v=spf1 exists:%{d0}.good.test -all"
escaped TXT "v=spf1 exists:%%%_%-.good.test -all"
ipmacro TXT "v=spf1 ip4:%{i} -all"
""" + "".join(f"manymx MX {i} mx{i}.good.test.\nmx{i} A 127.16.9.{i}\n" for i in range(11))


def policy_server(folder: Path, ca: KeyPair, address: str, name: str, body: str,
                  cert: KeyPair | None = None) -> WebServer:
    keypair = cert or make_leaf([name], ca)
    cert_file, key_file = keypair.write(folder, f"{name}-{address}")
    return WebServer(address, 0, SiteConfig(body=body), server_tls_context(cert_file, key_file)).start()


@pytest.fixture(scope="module")
def policies(ca: KeyPair, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, WebServer]]:
    folder = tmp_path_factory.mktemp("policies")
    servers = {"good": policy_server(folder, ca, "127.16.0.21", "mta-sts.good.test", GOOD_POLICY),
               "weak": policy_server(folder, ca, "127.16.0.22", "mta-sts.weak.test", WEAK_POLICY),
               "expired": policy_server(folder, ca, "127.16.0.21", "mta-sts.good.test", GOOD_POLICY,
                                        make_leaf(["mta-sts.good.test"], ca, expired=True)),
               "mismatched": policy_server(folder, ca, "127.16.0.21", "mta-sts.good.test", GOOD_POLICY,
                                           make_leaf(["other.test"], ca))}
    yield servers
    for server in servers.values():
        server.stop()


def probe(host: str, settings: dict[str, Any], ca_file: str | None = None, timeout: float = 2.0) -> ProbeAttempt:
    async def go() -> ProbeAttempt:
        runner = ProbeRunner(AuditOptions(timeout_seconds=timeout, ca_file=ca_file, probe_budget_seconds=60))
        return await runner.attempt("mail", Target(host, 443), settings)

    return asyncio.run(go())


def checkdmarc_resolver(knot: Knot) -> dns.resolver.Resolver:
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = [NS_ADDRESSES[0]]
    resolver.port = knot.port
    return resolver


def test_good_domain(knot: Knot, policies: dict[str, WebServer], smtp: dict[str, int], ca_file: str) -> None:
    attempt = probe("www.good.test", knot.settings(mail_domain="good.test", dkim_selectors=["sel1", "old", "nope"],
                                                   mta_sts_port=policies["good"].port, smtp_port=smtp["valid"]),
                    ca_file)
    assert attempt.status is AttemptStatus.COMPLETED, attempt.error_reason
    facts = attempt.facts
    assert MailProbe.check_declared(facts) == [] and "mail.errors" not in facts
    assert facts["mail.mx.hosts"] == ["mx.good.test"]
    assert facts["mail.spf.valid"] is True and facts["mail.spf.all_qualifier"] == "-"
    assert facts["mail.spf.lookups"] == 2  # include:spf.good.test, then its 'a'
    assert facts["mail.dmarc.policy"] == "reject" and facts["mail.dmarc.pct"] == 100
    assert facts["mail.dmarc.rua"] == ["mailto:dmarc@good.test"] and facts["mail.dmarc.ruf"] == ["mailto:forensic@good.test"]
    assert (facts["mail.dkim.found"], facts["mail.dkim.revoked"], facts["mail.dkim.missing"]) == (["sel1"], ["old"], ["nope"])
    assert facts["mail.tlsrpt.present"] is True
    assert facts["mail.mta_sts.present"] and facts["mail.mta_sts.policy_valid"]
    assert facts["mail.mta_sts.mode"] == "enforce" and facts["mail.mta_sts.mx_covered"] is True
    assert facts["mail.starttls.all_valid"] is True and facts["mail.starttls.tested_count"] == 1
    server = facts["mail.starttls.servers"][0]
    assert server["offered"] and server["trusted"] and server["hostname_matches"] and server["protocol"] == "TLSv1.3"
    assert facts["mail.dane.present"] is True and server["tlsa_match"] is True and facts["mail.dane.mismatched"] == []


@pytest.mark.parametrize(("which", "why"), [("expired", "expired"), ("mismatched", "hostname_matches")])
def test_starttls_with_a_bad_certificate_is_a_finding(knot: Knot, smtp: dict[str, int], ca_file: str,
                                                      which: str, why: str) -> None:
    facts = probe("good.test", knot.settings(mta_sts_port=1, smtp_port=smtp[which]), ca_file).facts
    server = facts["mail.starttls.servers"][0]
    assert server["offered"] is True
    assert facts["mail.starttls.all_valid"] is False and facts["mail.starttls.invalid"] == ["mx.good.test"]
    assert server[why] is (why == "expired")
    assert facts["mail.dane.mismatched"] == ["mx.good.test"]  # another key than the TLSA record's
    # the versions and the chain are still read behind a bad certificate (our ClientHellos accept any)
    assert server["protocols"]["TLSv1.2"] is server["protocols"]["TLSv1.3"] is True and server["chain_length"] == 1


def test_an_mx_that_does_not_answer_is_an_error(knot: Knot, ca_file: str) -> None:
    from audit.demo.servers import free_port

    facts = probe("good.test", knot.settings(mta_sts_port=1, smtp_port=free_port("127.16.0.20")), ca_file).facts
    assert "mail.starttls.all_valid" not in facts
    assert "ConnectionRefusedError" in facts["mail.errors"]["mail.starttls"]


def test_weak_domain(knot: Knot, policies: dict[str, WebServer], ca_file: str) -> None:
    facts = probe("weak.test", knot.settings(mta_sts_port=policies["weak"].port), ca_file).facts
    assert facts["mail.spf.valid"] is False and facts["mail.spf.lookups"] == 11
    assert "more than 10" in facts["mail.spf.error"] and facts["mail.spf.all_qualifier"] == "~"
    assert facts["mail.dmarc.policy"] == "none" and facts["mail.dmarc.pct"] == 50
    assert facts["mail.tlsrpt.present"] is False and facts["mail.dkim.selectors_checked"] == []
    assert facts["mail.mta_sts.mode"] == "testing"
    assert facts["mail.mta_sts.mx_covered"] is False and facts["mail.mta_sts.uncovered_mx"] == ["mx.weak.test"]


@pytest.mark.parametrize("domain", ["good.test", "weak.test"])
def test_spf_and_dmarc_agree_with_checkdmarc(knot: Knot, domain: str) -> None:
    import checkdmarc.dmarc
    import checkdmarc.spf

    resolver = checkdmarc_resolver(knot)
    peer_spf = checkdmarc.spf.check_spf(domain, resolver=resolver, timeout=2)
    peer_dmarc = checkdmarc.dmarc.check_dmarc(domain, resolver=resolver, timeout=2)
    facts = probe(domain, knot.settings(mta_sts_port=1)).facts
    assert facts["mail.spf.record"] == peer_spf["record"]
    assert facts["mail.spf.lookups"] == peer_spf["dns_lookups"]
    assert facts["mail.spf.valid"] is peer_spf["valid"]
    assert facts["mail.dmarc.record"] == peer_dmarc["record"] and facts["mail.dmarc.valid"] is peer_dmarc["valid"]
    tags = peer_dmarc["tags"]
    assert facts["mail.dmarc.policy"] == tags["p"]["value"]
    assert facts["mail.dmarc.subdomain_policy"] == tags["sp"]["value"]
    rua = [f"{u['scheme']}:{u['address']}" for u in tags.get("rua", {}).get("value", [])]
    assert facts["mail.dmarc.rua"] == rua
    # checkdmarc follows RFC 9989 and no longer reports pct; ours is RFC 7489's (checked in the tests above)


@pytest.mark.parametrize("which", ["expired", "mismatched"])
def test_policy_behind_a_bad_certificate_is_no_policy(knot: Knot, policies: dict[str, WebServer], ca_file: str,
                                                      which: str) -> None:
    facts = probe("good.test", knot.settings(mta_sts_port=policies[which].port), ca_file).facts
    assert facts["mail.mta_sts.present"] is True
    assert facts["mail.mta_sts.policy_valid"] is False
    assert "certificate" in facts["mail.mta_sts.policy_error"]


def test_policy_server_down_is_an_error_not_a_fail(knot: Knot, ca_file: str) -> None:
    from audit.demo.servers import free_port

    facts = probe("good.test", knot.settings(mta_sts_port=free_port("127.16.0.21")), ca_file).facts
    assert "mail.mta_sts.policy_valid" not in facts
    assert "mail.mta_sts" in facts["mail.errors"]
    assert facts["mail.spf.valid"] is True  # what was proven is kept


@pytest.mark.parametrize("mode", ["servfail", "silent", "garbage"])
def test_unanswered_mail_questions_are_errors(mode: str) -> None:
    for server in hostile_server(mode):
        attempt = probe("hostile.test", {"resolver": server}, timeout=0.5)
        # Every group that asked a question is an error with its reason, and none of its facts is published
        asked = ("mail.mx", "mail.spf", "mail.dmarc", "mail.tlsrpt", "mail.mta_sts", "mail.starttls")
        assert attempt.status is AttemptStatus.COMPLETED
        assert sorted(attempt.facts["mail.errors"]) == sorted(asked)
        assert not [f for f in attempt.facts if f.startswith(asked)]
        assert attempt.facts["mail.dkim.selectors_checked"] == []  # asked nothing, so nothing failed


def test_the_mail_row_reads_these_facts(knot: Knot, policies: dict[str, WebServer], ca_file: str) -> None:
    from audit.catalogue.loader import load_checklist
    from audit.evaluation import evaluate_requirement
    from audit.models import Status

    row = load_checklist("tcvn11930-2017-l3").requirement("L3-X-MAIL-01")
    good = probe("good.test", knot.settings(mta_sts_port=policies["good"].port), ca_file)
    weak = probe("weak.test", knot.settings(mta_sts_port=policies["weak"].port), ca_file)
    assert evaluate_requirement(row, {"https://good.test/": {"mail": good}}).status is Status.MANUAL  # DKIM: a person
    assert evaluate_requirement(row, {"https://weak.test/": {"mail": weak}}).status is Status.FAIL
    for server in hostile_server("servfail"):
        failed = probe("hostile.test", {"resolver": server}, timeout=0.5)
        assert evaluate_requirement(row, {"https://hostile.test/": {"mail": failed}}).status is Status.ERROR


@pytest.mark.parametrize(("banner", "stall", "why"), [
    (b"HTTP/1.1 400 Bad Request\r\n\r\n", False, "not an SMTP reply"),
    (b"220-" + b"x" * 1000 + b"\r\n", False, "connection closed"),  # a greeting that never ends, then a close
    (b"220-hello\r\n" * 8000, False, "reply too long"),  # 88 KB of continuation lines
    (b"220 " + b"y" * 200_000, False, "reply too long"),  # one 200 KB line
    (b"", True, "TimeoutError"),  # accepts, never speaks
])
def test_a_hostile_mx_is_an_error_not_a_fail(knot: Knot, banner: bytes, stall: bool, why: str) -> None:
    from audit.demo.servers import BannerListener

    with BannerListener("127.16.0.20", 0, banner, stall=stall) as hostile:
        facts = probe("good.test", knot.settings(mta_sts_port=1, smtp_port=hostile.port), timeout=1.0).facts
    assert "mail.starttls.all_valid" not in facts
    assert why in facts["mail.errors"]["mail.starttls"]
    assert facts["mail.spf.valid"] is True  # what was proven is kept


def test_the_transit_row_reads_starttls_on_every_mx(knot: Knot, smtp: dict[str, int], ca_file: str) -> None:
    """N3-DAT-10's MX part: valid STARTTLS holds, a bad certificate fails, a refused port 25 is not measured."""
    from audit.catalogue.loader import load_checklist
    from audit.demo.servers import free_port
    from audit.evaluation import evaluate_site
    from audit.models import Status
    from tests.catalogue.test_catalogues import GOOD_SITE, attempts

    row = load_checklist("tcvn14423-2026-l3").requirement("N3-DAT-10")
    web = attempts(tls=GOOD_SITE["tls"], http=GOOD_SITE["http"], exposure=GOOD_SITE["exposure"])

    def judge(domain: str, smtp_port: int, site: dict[str, ProbeAttempt] = web) -> Any:
        mail = probe(domain, knot.settings(mta_sts_port=1, smtp_port=smtp_port, mail_domain=domain), ca_file)
        return evaluate_site(row, f"https://{domain}/", {**site, "mail": mail})

    assert judge("good.test", smtp["valid"]).status is Status.MANUAL  # web and MX hold; VPN etc. for a person
    for bad in ("expired", "mismatched"):
        result = judge("good.test", smtp[bad])
        assert result.status is Status.FAIL and result.reason == "failed check(s): mx-starttls", bad
    assert judge("nullmx.good.test", 1).status is Status.MANUAL  # null MX: no inbound mail to protect
    legacy_mx = judge("good.test", smtp["legacy"])  # a valid certificate, but TLS 1.0 and 1.1 accepted
    assert legacy_mx.status is Status.FAIL and legacy_mx.reason == "failed check(s): mx-starttls"
    refused = judge("good.test", free_port("127.16.0.20"))
    assert refused.status is Status.ERROR and "mail.starttls" in refused.reason
    # A web failure already proven stands although port 25 could not be measured.
    legacy = attempts(tls={**GOOD_SITE["tls"], "tls.protocols.SSLv3": False, "tls.protocols.TLSv1.0": True},
                      http=GOOD_SITE["http"])
    proven = judge("good.test", free_port("127.16.0.20"), legacy)
    assert proven.status is Status.FAIL and proven.reason.startswith("failed check(s): no-legacy-tls (proven;")


@pytest.mark.parametrize(("domain", "valid", "void", "why"), [
    ("void.good.test", False, 3, "3 void DNS lookups"),
    ("twovoid.good.test", True, 2, ""),
    ("viainclude.good.test", False, 3, "3 void DNS lookups"),  # counted through the include
    ("manymx.good.test", False, 0, "11 exchangers, more than 10"),
])
def test_spf_void_lookups_and_mx_names_are_limited_as_checkdmarc_does(knot: Knot, domain: str, valid: bool,
                                                                      void: int, why: str) -> None:
    import checkdmarc.spf

    facts = probe(domain, knot.settings(mta_sts_port=1, mail_domain=domain)).facts
    assert facts["mail.spf.valid"] is valid, facts["mail.spf.error"]
    assert facts["mail.spf.void_lookups"] == void and why in facts["mail.spf.error"]
    peer = checkdmarc.spf.check_spf(domain, resolver=checkdmarc_resolver(knot), timeout=2)
    assert peer["valid"] is valid, peer
    if valid:
        assert peer["void_dns_lookups"] == void


@pytest.mark.parametrize(("domain", "hosts", "null", "implicit"), [
    ("implicit.good.test", ["implicit.good.test"], False, True),  # no MX, an address: RFC 5321 section 5.1
    ("nullmx.good.test", [], True, False),  # RFC 7505
    ("mixed.good.test", ["mx.good.test"], False, False),  # a '.' beside an exchanger is skipped
    ("noaddress.good.test", [], False, False),  # neither MX nor address: no mail
])
def test_implicit_and_null_mx(knot: Knot, smtp: dict[str, int], ca_file: str, domain: str, hosts: list[str],
                              null: bool, implicit: bool) -> None:
    facts = probe(domain, knot.settings(mta_sts_port=1, mail_domain=domain, smtp_port=smtp["valid"]), ca_file).facts
    assert (facts["mail.mx.hosts"], facts["mail.mx.null"], facts["mail.mx.implicit"]) == (hosts, null, implicit)
    assert facts["mail.mx.null_with_others"] is (domain == "mixed.good.test")
    if implicit:  # STARTTLS is tested on the domain's own address, whose certificate is mx.good.test's
        server = facts["mail.starttls.servers"][0]
        assert server["mx"] == domain and server["offered"] and server["hostname_matches"] is False


def openssl_starttls(port: int, version: str) -> tuple[bool, int]:
    """The peer: whether `openssl s_client -starttls smtp` completes a handshake with only `version`, and the chain's length."""
    import subprocess

    flag = {"TLSv1.2": "-tls1_2", "TLSv1.3": "-tls1_3"}[version]
    run = subprocess.run(["openssl", "s_client", "-connect", f"127.16.0.20:{port}", "-starttls", "smtp",
                          "-servername", "mx.good.test", flag, "-showcerts"], input="QUIT\n", capture_output=True,
                         text=True, timeout=30)
    return f"New, {version}, Cipher is" in run.stdout, run.stdout.count("BEGIN CERTIFICATE")


@pytest.mark.parametrize(("which", "accepted"), [("tls12", ["TLSv1.2"]), ("tls13", ["TLSv1.3"]),
                                                 ("valid", ["TLSv1.2", "TLSv1.3"])])
def test_starttls_protocols_and_chain_agree_with_openssl(knot: Knot, smtp: dict[str, int], ca_file: str, which: str,
                                                         accepted: list[str]) -> None:
    # Given aiosmtpd servers limited to TLS 1.2, to TLS 1.3, or taking both: our own ClientHellos after STARTTLS
    facts = probe("good.test", knot.settings(mta_sts_port=1, smtp_port=smtp[which]), ca_file).facts
    server = facts["mail.starttls.servers"][0]
    assert [p for p, ok in server["protocols"].items() if ok] == accepted, server
    assert server["protocols"]["TLSv1.0"] is False and server["protocols"]["SSLv3"] is False
    assert facts["mail.starttls.accepted_protocols"] == accepted and facts["mail.starttls.legacy_mx"] == []
    assert server["wire_error"] == "" and facts["mail.starttls.protocols_unmeasured"] == []
    for version in ("TLSv1.2", "TLSv1.3"):
        peer_accepts, peer_chain = openssl_starttls(smtp[which], version)
        assert server["protocols"][version] is peer_accepts, version
        if peer_accepts:
            assert server["chain_length"] == peer_chain == 1
    assert server["trusted"] is True and server["chain_length"] == 1


def test_an_mx_taking_tls_1_0_is_named(knot: Knot, smtp: dict[str, int], ca_file: str) -> None:
    import subprocess

    facts = probe("good.test", knot.settings(mta_sts_port=1, smtp_port=smtp["legacy"]), ca_file).facts
    server = facts["mail.starttls.servers"][0]
    assert facts["mail.starttls.legacy_mx"] == ["mx.good.test"] and facts["mail.starttls.all_valid"] is True
    assert server["protocols"]["TLSv1.3"] is False and server["protocols"]["TLSv1.2"] is True
    # the peer, allowed to speak TLS 1.0 too, agrees
    run = subprocess.run(["openssl", "s_client", "-connect", f"127.16.0.20:{smtp['legacy']}", "-starttls", "smtp",
                          "-tls1", "-cipher", "DEFAULT:@SECLEVEL=0"], input="QUIT\n", capture_output=True, text=True,
                         timeout=30)
    assert re.search(r"New, TLSv1(\.0)?, Cipher is [A-Z]", run.stdout) is not None, run.stdout[-3000:]
    assert server["protocols"]["TLSv1.0"] is True


def test_the_chain_sent_is_read(knot: Knot, smtp: dict[str, int], ca_file: str) -> None:
    facts = probe("good.test", knot.settings(mta_sts_port=1, smtp_port=smtp["with_ca"]), ca_file).facts
    server = facts["mail.starttls.servers"][0]
    assert server["chain_length"] == openssl_starttls(smtp["with_ca"], "TLSv1.3")[1] == 2
    assert server["chain_in_order"] is True and server["trusted"] is True and not server["missing_intermediate"]


@pytest.mark.parametrize(("domain", "which", "trusted_by", "matched"), [
    ("daneta.good.test", "with_ca", None, True),  # DANE-TA: the CA is in the chain sent; no PKIX needed
    ("daneta.good.test", "valid", None, False),  # the CA is not sent: nothing to match
    ("pkixta.good.test", "with_ca", "ca", True),  # PKIX-TA: the CA is sent and the chain validates
    ("pkixta.good.test", "with_ca", None, False),  # ... but not when the CA is not trusted (no --ca-file)
])
def test_dane_trust_anchor_usages(knot: Knot, smtp: dict[str, int], ca_file: str, domain: str, which: str,
                                  trusted_by: str | None, matched: bool) -> None:
    facts = probe(domain, knot.settings(mta_sts_port=1, mail_domain=domain, smtp_port=smtp[which]),
                  ca_file if trusted_by else None).facts
    mx = facts["mail.mx.hosts"][0]
    assert facts["mail.dane.present"] is True
    assert (facts["mail.dane.matched"], facts["mail.dane.mismatched"]) == (([mx], []) if matched else ([], [mx]))
    assert facts["mail.dane.pkix_usage_mx"] == ([mx] if domain.startswith("pkix") else [])


@pytest.mark.parametrize(("domain", "valid", "lookups", "macros"), [
    ("macros.good.test", True, 4, 4),  # %{i} %{v} %{d2} %{l1r-+} %{s} %{h} %{o}, transformers and delimiters
    ("macroredirect.good.test", True, 1, 1),
    ("macro11.good.test", False, 11, 11),  # macro terms still count towards the limit of 10
    ("badletter.good.test", False, None, None),
    ("exponly.good.test", False, None, None),  # %{c} only in exp (section 7.2)
    ("unclosed.good.test", False, None, None),
    ("zerolabels.good.test", False, None, None),
    ("escaped.good.test", True, 1, 1),  # %% %_ %- are escapes, not macros
    ("ipmacro.good.test", False, None, None),
])
def test_spf_macros_are_checked_and_counted_as_checkdmarc_does(knot: Knot, domain: str, valid: bool,
                                                              lookups: int | None, macros: int | None) -> None:
    import checkdmarc.spf

    facts = probe(domain, knot.settings(mta_sts_port=1, mail_domain=domain)).facts
    peer = checkdmarc.spf.check_spf(domain, resolver=checkdmarc_resolver(knot), timeout=2)
    assert facts["mail.spf.valid"] is valid is peer["valid"], (facts["mail.spf.error"], peer.get("error"))
    if valid or lookups is not None:
        assert facts["mail.spf.lookups"] == lookups
        assert len(facts["mail.spf.macro_terms"]) == macros
    if valid:
        assert peer["dns_lookups"] == lookups and facts["mail.spf.void_lookups"] == peer["void_dns_lookups"] == 0
    else:
        assert facts["mail.spf.error"]
