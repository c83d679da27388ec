"""The texts of the spf, dns, dnssec and exposure probes keep their English and read in Vietnamese (issue 15).

Given real zones (Knot on loopback), a hostile DNS server and real HTTP sites, when the probes
meet each case that makes them explain themselves (an SPF record out of the grammar or over its
limits, a question dnspython could not answer, a DNSSEC chain that breaks, a site that throttles or
a request budget used up), then every text is a phrase whose English is exactly the text it was
before (stored results, goldens and comparisons read the English) and whose Vietnamese leaves no
English word of it: only ids, codes, names and the servers' or libraries' own quoted words.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dns.message
import dns.name
import dns.resolver
import pytest

from audit.errors import ProbeError
from audit.models import AttemptStatus, Target
from audit.phrases import PhraseText, say_stored
from audit.runner import AuditOptions, ProbeRunner
from probes.netreason import reason_of
from tests.probes.dns.dns_hostile import hostile_server
from tests.probes.dns.dns_zones import Knot, knot_server
from tests.test_vietnamese_errors import CODE, QUOTED, english_sentences

ASCII_WORD = re.compile(r"[A-Za-z]+")
TERMS = frozenset({"permerror", "macro", "exp", "retry", "after", "tar", "octet"})
"""Words a Vietnamese text keeps on purpose: RFC 7208's result name, borrowed terms, a header name."""


def _words(text: str) -> set[str]:
    """The whole ASCII words of `text` outside quotes and codes ("sửa" is one word, never the ASCII "a")."""
    tokens = re.findall(r"\w+", CODE.sub(" ", QUOTED.sub(" ", text)))
    return {w.lower() for w in tokens if ASCII_WORD.fullmatch(w)}


def _plain_values(text: PhraseText) -> list[str]:
    """The values that are not phrases (names, numbers, server text), nested phrases' included."""
    out: list[str] = []
    for value in text.values.values():
        if isinstance(value, PhraseText):
            out += _plain_values(value)
        elif value is not None:
            out.append(str(value))
    return out


def assert_said(text: object, english: str) -> str:
    """`text` is a phrase whose English is `english` and whose Vietnamese has no English word of it."""
    assert isinstance(text, PhraseText), f"not a phrase: {text!r}"
    assert str(text) == english
    vietnamese = text.render("vi")
    assert vietnamese != english
    assert english_sentences(vietnamese) == [], vietnamese
    left = (_words(vietnamese) & _words(english)) - _words(" ".join(_plain_values(text))) - TERMS
    assert not left, (vietnamese, left)
    return vietnamese


# --- SPF (RFC 7208): every reason a record is not valid ---------------------------------------

SPF_ZONE = """nospf A 127.16.0.20
two TXT "v=spf1 -all"
two TXT "v=spf1 ~all"
void TXT "v=spf1 a:nx1.good.test mx:nx2.good.test a:nx3.good.test -all"
badmacro TXT "v=spf1 exists:%{i.good.test -all"
badletter TXT "v=spf1 include:%{z}.good.test -all"
exponly TXT "v=spf1 a:%{c}.good.test -all"
zerolabels TXT "v=spf1 exists:%{d0}.good.test -all"
notterm TXT "v=spf1 -all 1bad"
qualified TXT "v=spf1 ~redirect=two.good.test"
unknown TXT "v=spf1 foo -all"
nodomain TXT "v=spf1 include -all"
noaddress TXT "v=spf1 ip4 -all"
ipmacro TXT "v=spf1 ip4:%{i} -all"
tworedirect TXT "v=spf1 redirect=a.good.test redirect=b.good.test"
badinclude TXT "v=spf1 include:nospf.good.test -all"
badredirect TXT "v=spf1 redirect=nospf.good.test"
""" + "manymx TXT \"v=spf1 mx -all\"\n" + "".join(f"manymx MX {i} mx{i}.good.test.\nmx{i} A 127.16.9.{i}\n"
                                                 for i in range(11))

SPF_CASES = [
    ("nospf.good.test", "no SPF record"),
    ("two.good.test", "more than one SPF record (section 4.5: permerror)"),
    ("weak.test", "11 DNS lookups, more than 10 (section 4.6.4: permerror)"),
    ("void.good.test", "3 void DNS lookups (no record), more than 2 (section 4.6.4: permerror)"),
    ("manymx.good.test", "mx:manymx.good.test has 11 exchangers, more than 10 (section 4.6.4: permerror)"),
    ("badmacro.good.test", "'%{i.good.test': invalid macro at position 0 (section 7.1)"),
    ("badletter.good.test", "'%{z}.good.test': macro letter 'z' is not allowed here (section 7.2)"),
    ("exponly.good.test", "'%{c}.good.test': macro letter 'c' is not allowed here (only in exp, section 7.2)"),
    ("zerolabels.good.test", "'%{d0}.good.test': a macro cannot keep 0 labels (section 7.1)"),
    ("notterm.good.test", "'1bad' is not an SPF term"),
    ("qualified.good.test", "modifier 'redirect' cannot have a qualifier"),
    ("unknown.good.test", "unknown mechanism 'foo'"),
    ("nodomain.good.test", "'include' needs a domain"),
    ("noaddress.good.test", "'ip4' needs an address"),
    ("ipmacro.good.test", "'ip4:%{i}': macros are not allowed in an address"),
    ("tworedirect.good.test", "'redirect' appears more than once (section 6)"),
    ("badinclude.good.test", "include:nospf.good.test has 0 SPF records (section 5.2: permerror)"),
    ("badredirect.good.test", "redirect=nospf.good.test has 0 SPF records (section 6.1: permerror)"),
]


@pytest.fixture(scope="module")
def knot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Knot]:
    """The test zones of `tests/probes/dns/dns_zones.py`, with the SPF records above under good.test."""
    yield from knot_server(tmp_path_factory.mktemp("knot-texts"), {"good.test.": SPF_ZONE})


def spf_facts(knot: Knot, domain: str) -> dict[str, Any]:
    """The mail probe's `mail.spf.*` group for `domain`, asked of Knot."""
    from probes.dns.resolver import make_resolver
    from probes.mail.groups import spf_facts as group

    return asyncio.run(group(make_resolver(knot.resolver, 2.0), domain, {}, None))  # type: ignore[arg-type]


@pytest.mark.parametrize(("domain", "english"), SPF_CASES)
def test_every_spf_error_keeps_its_english_and_reads_in_vietnamese(knot: Knot, domain: str, english: str) -> None:
    facts = spf_facts(knot, domain)
    assert facts["mail.spf.valid"] is False
    assert_said(facts["mail.spf.error"], english)


def test_a_stored_spf_error_is_said_in_vietnamese_in_a_report(knot: Knot) -> None:
    """Given the whole mail probe through the runner, then the attempt stores the error's phrase beside its English."""
    async def go() -> Any:
        runner = ProbeRunner(AuditOptions(timeout_seconds=2, probe_budget_seconds=60))
        return await runner.attempt("mail", Target("void.good.test", 443),
                                    knot.settings(mta_sts_port=1, mail_domain="void.good.test"))

    attempt = asyncio.run(go())
    english = attempt.facts["mail.spf.error"]
    assert str(english).startswith("3 void DNS lookups")
    said_vi = say_stored(str(english), attempt.phrases, "vi")
    assert said_vi == english.render("vi") and "lượt truy vấn DNS rỗng" in said_vi


# --- DNS: dnspython's messages and the probe's own ----------------------------------------------

def _response(name: str) -> dns.message.Message:
    return dns.message.make_response(dns.message.make_query(name, "A"))


LIBRARY = [
    (dns.resolver.NXDOMAIN(qnames=[dns.name.from_text("x.test.")], responses={}),
     "The DNS query name does not exist: x.test."),
    (dns.resolver.NXDOMAIN(qnames=[dns.name.from_text("x.test."), dns.name.from_text("y.test.")], responses={}),
     "None of DNS query names exist: x.test., y.test."),
    (dns.resolver.NoAnswer(response=_response("x.test.")),
     "The DNS response does not contain an answer to the question: x.test. IN A"),
    (dns.resolver.NoAnswer(), "The DNS response does not contain an answer to the question."),
    (dns.resolver.NoNameservers(request=_response("x.test."), errors=[("127.0.0.1", False, 53, "SERVFAIL", None)]),
     "All nameservers failed to answer the query x.test. IN A: Server 127.0.0.1 answered SERVFAIL"),
    (dns.resolver.NoNameservers(), "All nameservers failed to answer the query."),
    (dns.exception.Timeout(), "The DNS operation timed out."),
    (dns.exception.Timeout(timeout=2.5), "The DNS operation timed out after 2.500 seconds"),
    (dns.resolver.LifetimeTimeout(), "The resolution lifetime expired."),
    (dns.resolver.LifetimeTimeout(timeout=4.0, errors=[]), "The resolution lifetime expired after 4.000 seconds: "),
    (dns.name.EmptyLabel(), "A DNS label is empty."),
    (dns.name.LabelTooLong(), "A DNS label is > 63 octets long."),
    (dns.name.NameTooLong(), "A DNS name is > 255 octets long."),
]


@pytest.mark.parametrize(("exc", "english"), LIBRARY, ids=[type(e).__name__ for e, _ in LIBRARY])
def test_dnspythons_usual_messages_are_said_in_vietnamese(exc: Exception, english: str) -> None:
    from probes.dns.resolver import dnspython_text, exception_text

    assert str(exc) == english  # the dnspython installed still says what the table matches
    vietnamese = assert_said(dnspython_text(exc), english)
    assert assert_said(exception_text(exc), f"{type(exc).__name__}: {english}") == f"{type(exc).__name__}: {vietnamese}"


def test_the_seconds_of_a_dnspython_timeout_read_as_seconds_in_vietnamese() -> None:
    from probes.dns.resolver import dnspython_text

    vietnamese = dnspython_text(dns.exception.Timeout(timeout=2.0)).render("vi")
    assert vietnamese == "Thao tác DNS đã hết thời gian chờ sau 2 giây"


def test_an_unusual_dnspython_message_is_quoted_as_it_came() -> None:
    """Given a question dnspython refuses itself (a metaquery), then its text is kept and quoted in Vietnamese."""
    from probes.dns.resolver import DnsLookupError, lookup, make_resolver

    with pytest.raises(DnsLookupError) as caught:
        asyncio.run(lookup(make_resolver("127.0.0.1:9", 1.0), "good.test", "AXFR"))
    reason = reason_of(caught.value)
    assert isinstance(reason, PhraseText)
    assert str(reason) == "AXFR good.test.: NoMetaqueries: DNS metaqueries are not allowed."
    assert reason.render("vi") == "AXFR good.test.: NoMetaqueries: “DNS metaqueries are not allowed.”"


def test_a_name_that_is_not_a_dns_name_is_said_in_vietnamese() -> None:
    from probes.dns.probe import _name

    with pytest.raises(ProbeError) as caught:
        _name("a" * 70 + ".test")
    assert_said(reason_of(caught.value), f"'{'a' * 70}.test' is not a DNS name: A DNS label is > 63 octets long.")


def test_a_zone_not_found_through_a_servfail_is_said_in_vietnamese() -> None:
    """Given a resolver that answers SERVFAIL, then the dns probe's error names dnspython's failure, in Vietnamese."""
    async def go(server: str) -> Any:
        runner = ProbeRunner(AuditOptions(timeout_seconds=1, probe_budget_seconds=30))
        return await runner.attempt("dns", Target("www.hostile.test", 443), {"resolver": server})

    for server in hostile_server("servfail"):
        attempt = asyncio.run(go(server))
    assert attempt.status is AttemptStatus.ERROR
    reason = attempt.error_reason
    assert reason.startswith("could not find the zone of www.hostile.test. (NoNameservers: All nameservers failed "
                             "to answer the query www.hostile.test. IN SOA: Server ") and reason.endswith(" SERVFAIL)")
    vietnamese = say_stored(reason, attempt.phrases, "vi")
    assert vietnamese.startswith("không tìm được vùng DNS của www.hostile.test. (NoNameservers: Mọi máy chủ "
                                 "tên miền đều không trả lời được truy vấn www.hostile.test. IN SOA: “Server ")
    assert english_sentences(vietnamese) == []  # the servers' own answers stay, quoted


@pytest.mark.parametrize(("text", "english"), [
    ("[::1]x", "resolver '[::1]x': expected [ADDRESS]:PORT"),
    ("127.0.0.1:dns", "resolver '127.0.0.1:dns': the port must be a number"),
    ("resolver.test", "resolver 'resolver.test': expected an IP address, optionally with :PORT"),
    ("127.0.0.1:70000", "resolver '127.0.0.1:70000': port 70000 is out of range"),
])
def test_a_malformed_resolver_setting_is_said_in_vietnamese(text: str, english: str) -> None:
    from probes.dns.resolver import parse_server

    with pytest.raises(ProbeError) as caught:
        parse_server(text)
    assert_said(reason_of(caught.value), english)


# --- DNSSEC: why a chain is not secure --------------------------------------------------------

def dns_facts(knot: Knot, host: str, **settings: Any) -> Any:
    async def go() -> Any:
        runner = ProbeRunner(AuditOptions(timeout_seconds=2, probe_budget_seconds=60))
        return await runner.attempt("dns", Target(host, 443), {**knot.settings(zone_transfer=False), **settings})

    return asyncio.run(go())


def test_a_bad_signature_and_a_missing_ds_are_said_in_vietnamese(knot: Knot) -> None:
    bad = dns_facts(knot, "badsig.test").facts
    assert_said(bad["dns.dnssec.invalid_signatures"][0], "A badsig.test.: no RRSIGs validated")
    assert_said(bad["dns.dnssec.broken_at"], "signatures in the zone do not validate")
    nods = dns_facts(knot, "nods.test").facts
    assert_said(nods["dns.dnssec.broken_at"], "nods.test.: no DS at the parent test.")


def test_a_zone_no_anchor_covers_is_said_in_vietnamese(knot: Knot) -> None:
    other = knot.anchor_line.replace("test. ", "other. ", 1)
    facts = dns_facts(knot, "good.test", dnssec_trust_anchors=[other]).facts
    assert_said(facts["dns.dnssec.broken_at"], "no configured trust anchor covers this zone")


def test_a_malformed_trust_anchor_is_said_in_vietnamese(knot: Knot) -> None:
    attempt = dns_facts(knot, "good.test", dnssec_trust_anchors=["test. DS"])
    assert attempt.status is AttemptStatus.ERROR
    assert attempt.error_reason == "trust anchor 'test. DS': expected NAME [TTL] [IN] DS|DNSKEY DATA"
    vietnamese = say_stored(attempt.error_reason, attempt.phrases, "vi")
    assert vietnamese == "mỏ neo tin cậy 'test. DS': cần có dạng TÊN [TTL] [IN] DS|DNSKEY DỮ_LIỆU"


@pytest.mark.parametrize(("line", "english", "vietnamese"), [
    ("test. 300 IN A 127.0.0.1", "trust anchor 'test. 300 IN A 127.0.0.1': expected a DS or DNSKEY record",
     "mỏ neo tin cậy 'test. 300 IN A 127.0.0.1': cần một bản ghi DS hoặc DNSKEY"),
    ("test. DS 1 2", "trust anchor 'test. DS 1 2': expecting an identifier",  # dnspython's words, quoted
     "mỏ neo tin cậy 'test. DS 1 2': “expecting an identifier”"),
])
def test_a_trust_anchor_of_the_wrong_kind_is_said_in_vietnamese(line: str, english: str, vietnamese: str) -> None:
    from probes.dns.dnssec import load_trust_anchors

    with pytest.raises(ValueError) as caught:
        load_trust_anchors([line])
    reason = reason_of(caught.value)
    assert isinstance(reason, PhraseText) and str(reason) == english and reason.render("vi") == vietnamese


def test_dnspythons_validation_failures_are_said_in_vietnamese() -> None:
    from probes.dns.dnssec import VALIDATION_FAILURES, _failure_text

    for english in VALIDATION_FAILURES:
        assert_said(_failure_text(dns.dnssec.ValidationFailure(english)), english)
    assert_said(_failure_text(dns.dnssec.ValidationFailure("")), "signature does not validate")


# --- exposure: paths not measured, and the evidence of a finding -------------------------------

def exposure(routes: dict[str, Any], tmp_path: Path, plain: dict[str, Any] | None = None, **settings: Any) -> dict:
    from probes.exposure.probe import ExposureProbe
    from probes.interface import ProbeOptions
    from tests.probes.exposure.exposure_servers import WebSite, loopback_address

    address = loopback_address()
    with WebSite(address, routes, tls_folder=tmp_path) as site, WebSite(address, plain or {}) as http_site:
        target = Target(host="baochi.test", port=site.port, http_port=http_site.port if plain else None,
                        address=address)
        options = ProbeOptions(timeout_seconds=3, settings={"exposure_rate_per_second": 200, **settings})
        return dict(asyncio.run(ExposureProbe().measure(target, options)).facts)


def home() -> dict[str, Any]:
    from tests.probes.exposure.exposure_servers import HOME, Route

    return {"/": Route(200, HOME)}


def test_a_used_up_budget_is_said_in_vietnamese(tmp_path: Path) -> None:
    facts = exposure(home(), tmp_path, exposure_max_requests=5)
    unmeasured = facts["exposure.unmeasured_paths"]
    assert_said(unmeasured["/.well-known/security.txt"], "request budget of 5 used up")
    errors = facts["exposure.errors"]
    assert_said(errors["exposure.secrets_exposed"],
                f"{len(unmeasured)} path(s) not measured, e.g. request budget of 5 used up")
    assert_said(errors["exposure.admin_over_plain_http"], "admin paths not measured")


def test_a_throttling_site_is_said_in_vietnamese(tmp_path: Path) -> None:
    """Given /.env answering 429 twice, then it, the paths after it and security.txt say why in Vietnamese."""
    from tests.probes.exposure.exposure_servers import Route

    facts = exposure({**home(), "/.env": Route(429, b"slow down", {"Retry-After": "0"})}, tmp_path)
    unmeasured = dict(facts["exposure.unmeasured_paths"])
    throttled = "/.env: rate limited (HTTP 429, Retry-After 0 s)"
    assert_said(unmeasured.pop("/.env"), f"no usable answer after a retry ({throttled})")
    assert_said(unmeasured.pop("/.well-known/security.txt"), f"not fetched: {throttled}")
    assert unmeasured  # the catalogue's paths after /.env
    for text in unmeasured.values():
        assert_said(text, f"not tried: {throttled}")


def test_a_retry_after_too_long_is_said_in_vietnamese(tmp_path: Path) -> None:
    from probes.http.blocking import MAX_RETRY_AFTER_SECONDS
    from tests.probes.exposure.exposure_servers import Route

    facts = exposure({**home(), "/.env": Route(429, b"slow down", {"Retry-After": "86400"})}, tmp_path)
    why = facts["exposure.unmeasured_paths"]["/.env"]
    assert str(why).endswith(f": Retry-After longer than {MAX_RETRY_AFTER_SECONDS:g} s")
    assert str(why).startswith("/.env: rate limited")
    assert_said(why, str(why))


def test_plain_http_not_measured_is_said_in_vietnamese(tmp_path: Path) -> None:
    from tests.probes.exposure.exposure_servers import Route

    login = Route(401, b"", {"WWW-Authenticate": 'Basic realm="CMS"'})
    facts = exposure({**home(), "/admin/": login}, tmp_path, plain={"/admin/": Route(429, b"slow down")})
    assert_said(facts["exposure.errors"]["exposure.admin_over_plain_http"],
                "plain HTTP not measured (/admin/: HTTP 429)")


def test_the_evidence_of_findings_is_said_in_vietnamese(tmp_path: Path) -> None:
    from tests.probes.exposure.exposure_servers import Route

    text = {"Content-Type": "text/plain; charset=utf-8"}
    routes = {**home(),
              "/.git/config": Route(200, b"[core]\n\tbare = false\n", text),
              "/.env": Route(200, b"APP_ENV=production\nDB_PASSWORD=hunter2\n", text),
              "/.htpasswd": Route(200, b"admin:$apr1$abc$def\n", text),
              "/backup.zip": Route(200, b"PK\x03\x04" + b"\x00" * 60, {"Content-Type": "application/zip"}),
              "/www.tar.gz": Route(200, b"\0" * 257 + b"ustar\0" + b"\0" * 250, {"Content-Type": "application/x-tar"}),
              "/administrator/": Route(200, b"<html><title>Joomla! Administration</title></html>"),
              "/wp-login.php": Route(200, b'<html><form id="f"><input type="password" name="pwd"></form></html>')}
    evidence = {f["path"]: f["evidence"] for f in exposure(routes, tmp_path)["exposure.findings"]}
    assert_said(evidence["/.git/config"], "[core] section")
    assert_said(evidence["/.env"], "variables: APP_ENV, DB_PASSWORD")
    assert_said(evidence["/backup.zip"], "zip archive (64 bytes read)")
    assert_said(evidence["/.htpasswd"], "password hashes ($apr1$)")
    assert_said(evidence["/www.tar.gz"], "tar archive")
    assert_said(evidence["/administrator/"], "marker 'Joomla'")
    assert_said(evidence["/wp-login.php"], "password field")


@pytest.mark.parametrize(("yaml_text", "english"), [
    (("- {id: x, path: nope, category: admin, check: login, severity: low, title: {vi: a, en: b},"
      " remediation: {vi: c, en: d}}\n"),
     "exposure_paths.yaml is malformed (entry x: bad check, category, severity or path); reinstall l3audit"),
    (("- {id: x, path: /a, category: admin, check: login, severity: low, title: {vi: a, en: b},"
      " remediation: {vi: c, en: d}}\n") * 2,
     "exposure_paths.yaml has duplicate ids; reinstall l3audit"),
])
def test_a_broken_path_catalogue_is_said_in_vietnamese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        yaml_text: str, english: str) -> None:
    """Given a damaged installation (the shipped paths.yaml replaced), then the probe's error reads in Vietnamese."""
    from probes.exposure import catalogue

    (tmp_path / "paths.yaml").write_text(yaml_text, encoding="utf-8")
    monkeypatch.setattr(catalogue.resources, "files", lambda _package: tmp_path)
    catalogue.load_paths.cache_clear()
    try:
        with pytest.raises(ProbeError) as caught:
            catalogue.load_paths()
    finally:
        catalogue.load_paths.cache_clear()
    assert_said(reason_of(caught.value), english)
