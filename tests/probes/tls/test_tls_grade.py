"""The SSL Labs and Mozilla grading as pure functions over facts (probe-rules.md 4.1 and 4.3)."""

from __future__ import annotations

import pytest

from probes.tls.grade import mozilla_facts, ssllabs_grade, with_hsts

GOOD_CERT = {
    "tls.certificate.key_type": "RSA", "tls.certificate.key_bits": 2048, "tls.certificate.trusted": True,
    "tls.certificate.expired": False, "tls.certificate.self_signed": False, "tls.certificate.hostname_matches": True,
    "tls.certificate.signature_hash": "sha256", "tls.certificate.signature_algorithm": "sha256WithRSAEncryption",
    "tls.certificate.lifespan_days": 90,
}
TLS13 = ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"]
ECDHE12 = ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"]


def facts(protocols: dict[str, list[str]], **extra: object) -> dict:
    """Facts of a server accepting `protocols` with those suites, a good certificate, X25519."""
    out: dict = dict(GOOD_CERT)
    for proto in ("SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"):
        out[f"tls.protocols.{proto}"] = proto in protocols
        if proto in protocols:
            out[f"tls.cipher_suites.{proto}"] = protocols[proto]
    out["tls.key_exchange.ecdh_min_bits"] = 253
    out["tls.groups"] = ["X25519", "secp256r1"]
    out["tls.secure_renegotiation"] = True
    out.update({k.replace("__", "."): v for k, v in extra.items()})
    return out


def caps(result: dict) -> set[str]:
    return {c["code"] for c in result["tls.grade_caps"]}


def test_modern_server_is_a_with_score_93():
    g = ssllabs_grade(facts({"TLSv1.2": ECDHE12, "TLSv1.3": TLS13}))
    assert (g["tls.grade"], g["tls.grade_score"]) == ("A", 93)
    assert g["tls.grade_scores"] == {"protocol": 100, "key_exchange": 90, "cipher_strength": 90}


def test_no_tls13_is_a_warning_a_minus():
    g = ssllabs_grade(facts({"TLSv1.2": ECDHE12}))
    assert g["tls.grade"] == "A-" and caps(g) == set()
    assert "no_tls13" in {w["code"] for w in g["tls.grade_warnings"]}


def test_tls10_caps_at_b():
    g = ssllabs_grade(facts({"TLSv1.0": ["TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"], "TLSv1.2": ECDHE12}))
    assert g["tls.grade"] == "B" and "tls10" in caps(g)


DES3 = "TLS_RSA_WITH_3DES_EDE_CBC_SHA"


@pytest.mark.parametrize("protocols, order, grade, cap", [
    # The best protocol offers only 3DES: every client gets it.
    ({"TLSv1.2": [DES3]}, False, "C", True),
    # Server order with 3DES first: modern clients get it (the guide's 2016 cap).
    ({"TLSv1.2": [DES3, *ECDHE12]}, True, "C", True),
    # 3DES kept last under server order, or left to the client: modern clients never pick it.
    ({"TLSv1.2": [*ECDHE12, DES3], "TLSv1.3": TLS13}, True, "A-", False),
    ({"TLSv1.2": [DES3, *ECDHE12], "TLSv1.3": TLS13}, False, "A-", False),
    # Only TLS 1.1 has 3DES; a modern client speaks TLS 1.2 here. TLS 1.1 itself caps at B.
    ({"TLSv1.1": [DES3], "TLSv1.2": ECDHE12}, True, "B", False),
])
def test_3des_caps_at_c_only_when_modern_clients_negotiate_it(protocols, order, grade, cap):
    """The rating guide's 2016 change (probe-rules.md 4.1): servers that keep 3DES last are not capped."""
    orders = {f"tls__server_cipher_order__{p}": order for p in protocols}
    g = ssllabs_grade(facts(protocols, **orders))
    assert g["tls.grade"] == grade and ("sweet32" in caps(g)) is cap
    assert ("sweet32_offered" in {w["code"] for w in g["tls.grade_warnings"]}) is (not cap)


HSTS_2Y = {"http.hsts.present": True, "http.hsts.effective": True, "http.hsts.max_age_seconds": 63072000,
           "http.hsts.missing_on": []}


@pytest.mark.parametrize("http, host, grade, warning", [
    (HSTS_2Y, "bao.test", "A+", None),
    ({**HSTS_2Y, "http.hsts.max_age_seconds": 15552000 - 1}, "bao.test", "A", "hsts_short"),
    ({"http.hsts.present": False, "http.hsts.effective": False, "http.hsts.missing_on": ["https://bao.test/"]},
     "bao.test", "A", "hsts_short"),
    # HSTS on www only: the apex that was graded sends none itself.
    ({**HSTS_2Y, "http.hsts.missing_on": ["https://bao.test:8443/"]}, "bao.test", "A", "hsts_short"),
    ({**HSTS_2Y, "http.hsts.missing_on": ["https://bao.test:8443/"]}, "www.bao.test", "A+", None),
    # A certificate the browser refuses makes HSTS void (RFC 6797 8.1).
    ({**HSTS_2Y, "http.hsts.effective": False}, "bao.test", "A", "hsts_short"),
])
def test_hsts_from_the_http_probe_gives_a_plus(http, host, grade, warning):
    """Given an A server and the http probe's HSTS, then A+ exactly when the host sends 180 days or more."""
    tls = ssllabs_grade(facts({"TLSv1.2": ECDHE12, "TLSv1.3": TLS13}))
    out = {**tls, **with_hsts(tls, http, host)}
    codes = [w["code"] for w in out["tls.grade_warnings"]]
    assert out["tls.grade"] == grade and "hsts_unknown" not in codes
    assert codes == ([warning] if warning else [])


def test_hsts_not_measured_or_grade_below_a_changes_nothing():
    """Given no HSTS facts (the http probe did not measure), or an A- server, then no A+."""
    tls = ssllabs_grade(facts({"TLSv1.2": ECDHE12, "TLSv1.3": TLS13}))
    assert with_hsts(tls, {}, "bao.test") == {}
    minus = ssllabs_grade(facts({"TLSv1.2": ECDHE12}))
    out = {**minus, **with_hsts(minus, HSTS_2Y, "bao.test")}
    assert out["tls.grade"] == "A-" and [w["code"] for w in out["tls.grade_warnings"]] == ["no_tls13"]


def test_dh_1024_scores_key_exchange_80_and_caps_b():
    # testssl.sh flags DH-1024 without scoring it; the guide scores it (<2048 -> 80) and caps at B.
    f = facts({"TLSv1.2": ["TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"]}, tls__key_exchange__dh_min_bits=1024)
    g = ssllabs_grade(f)
    assert g["tls.grade_scores"]["key_exchange"] == 80 and "key_under_2048" in caps(g) and g["tls.grade"] == "B"


def test_sslv2_or_export_is_f():
    assert ssllabs_grade(facts({"SSLv2": [], "TLSv1.2": ECDHE12}))["tls.grade"] == "F"
    g = ssllabs_grade(facts({"TLSv1.0": ["TLS_RSA_EXPORT_WITH_RC4_40_MD5"], "TLSv1.2": ECDHE12}))
    assert g["tls.grade"] == "F" and {"export", "weak_cipher"} <= caps(g)


def test_heartbleed_is_f_and_compression_is_c():
    assert ssllabs_grade(facts({"TLSv1.2": ECDHE12}, tls__vulnerabilities__heartbleed=True))["tls.grade"] == "F"
    assert ssllabs_grade(facts({"TLSv1.2": ECDHE12}, tls__compression=True))["tls.grade"] == "C"


@pytest.mark.parametrize("fact, value, grade", [
    ("tls.certificate.trusted", False, "T"), ("tls.certificate.expired", True, "T"),
    ("tls.certificate.self_signed", True, "T"), ("tls.certificate.hostname_matches", False, "M"),
    ("tls.certificate.signature_hash", "sha1", "T"),
])
def test_certificate_problems_are_t_or_m_and_keep_the_underlying_grade(fact, value, grade):
    g = ssllabs_grade(facts({"TLSv1.2": ECDHE12, "TLSv1.3": TLS13}, **{fact.replace(".", "__"): value}))
    assert g["tls.grade"] == grade and g["tls.grade_if_trusted"] == "A"


def test_caps_have_vietnamese_reasons_with_diacritics():
    g = ssllabs_grade(facts({"TLSv1.0": ["TLS_RSA_WITH_RC4_128_SHA"], "TLSv1.2": ECDHE12}))
    assert any("hỗ trợ" in c["reason_vi"] for c in g["tls.grade_caps"])


def test_no_accepted_suite_gives_no_grade():
    assert ssllabs_grade({"tls.protocols.TLSv1.2": False}) == {}


def test_mozilla_intermediate_and_modern():
    inter = mozilla_facts(facts({"TLSv1.2": ECDHE12, "TLSv1.3": TLS13}, tls__fallback_scsv=True,
                                tls__extended_master_secret=True))
    assert inter["tls.mozilla_profile"] == "intermediate"
    assert any("TLSv1.2" in i for i in inter["tls.mozilla_issues.modern"])
    modern = facts({"TLSv1.3": TLS13}, tls__certificate__key_type="EC", tls__certificate__key_bits=256,
                   tls__certificate__key_curve="prime256v1", tls__certificate__signature_algorithm="ecdsa-with-SHA256")
    assert mozilla_facts(modern)["tls.mozilla_profile"] == "modern"


def test_mozilla_60_drops_dhe_but_57_allows_it():
    f = facts({"TLSv1.2": ECDHE12 + ["TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"]}, tls__key_exchange__dh_min_bits=2048)
    assert mozilla_facts(f, "6.0")["tls.mozilla_profile"] == "none"
    assert mozilla_facts(f, "5.7")["tls.mozilla_profile"] == "intermediate"


def test_mozilla_flags_missing_fallback_scsv_and_weak_dh():
    f = facts({"TLSv1.2": ECDHE12}, tls__fallback_scsv=False)
    assert "TLS_FALLBACK_SCSV is not supported" in mozilla_facts(f)["tls.mozilla_issues.intermediate"]
    f = facts({"TLSv1.2": ["TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"]}, tls__key_exchange__dh_min_bits=1024)
    assert any("DH parameters of 1024" in i for i in mozilla_facts(f, "5.7")["tls.mozilla_issues.intermediate"])
