"""Grades from TLS facts: the SSL Labs rating guide and Mozilla's server-side TLS profiles.

Pure functions over the flat facts the `tls` probe collected; no I/O. The SSL Labs part follows
the rating guide (github.com/ssllabs/research/wiki/SSL-Server-Rating-Guide, 2009r as testssl.sh
implements it) and the Qualys updates listed in shared/reference/probe-rules.md 4.1. Where
testssl.sh deviates from the guide (DH-1024 scored, RC4/3DES with TLS 1.1+ capped at C), the guide
wins. The Mozilla part checks what sslyze's `--mozilla_config` checks (probe-rules.md 4.3), with
the 6.0 guidelines by default and 5.7 selectable.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from audit.phrases import PhraseText, said
from probes.tls.wire.suites import CipherSuite, all_suites

PROTOCOL_SCORES = {"SSLv2": 0, "SSLv3": 80, "TLSv1.0": 90, "TLSv1.1": 95, "TLSv1.2": 100, "TLSv1.3": 100}
PROTOCOLS = tuple(PROTOCOL_SCORES)
GRADE_ORDER = ("A+", "A", "A-", "B", "C", "D", "E", "F")

# code -> (cap, English, Vietnamese). Sources: rating guide section 3 and Qualys 2014-2020 updates.
CAPS: dict[str, tuple[str, str, str]] = {
    "sslv2": ("F", "SSL 2.0 is offered", "Máy chủ còn hỗ trợ SSL 2.0"),
    "sslv3_best": ("F", "SSL 3.0 is the best protocol offered", "SSL 3.0 là giao thức tốt nhất được hỗ trợ"),
    "export": ("F", "Export cipher suites are offered", "Máy chủ chấp nhận bộ mã hóa EXPORT"),
    "weak_cipher": ("F", "A cipher suite weaker than 112 bits is offered", "Có bộ mã hóa yếu hơn 112 bit"),
    "weak_key": ("F", "Insecure key exchange (key under 1024 bits)", "Trao đổi khóa không an toàn (khóa dưới 1024 bit)"),
    "md5_signature": ("F", "Certificate signed with MD2/MD5", "Chứng thư số ký bằng MD2/MD5"),
    "heartbleed": ("F", "Vulnerable to Heartbleed (CVE-2014-0160)", "Có lỗ hổng Heartbleed (CVE-2014-0160)"),
    "ccs_injection": ("F", "Vulnerable to OpenSSL CCS injection (CVE-2014-0224)",
                      "Có lỗ hổng chèn CCS của OpenSSL (CVE-2014-0224)"),
    "anonymous": ("F", "Anonymous (unauthenticated) key exchange is offered", "Chấp nhận trao đổi khóa ẩn danh (không xác thực)"),
    "no_tls12": ("C", "TLS 1.2 is not supported", "Không hỗ trợ TLS 1.2"),
    "poodle": ("C", "SSL 3.0 with CBC suites: POODLE", "SSL 3.0 với bộ mã CBC: lỗ hổng POODLE"),
    "compression": ("C", "TLS compression is enabled (CRIME)", "Bật nén TLS (lỗ hổng CRIME)"),
    "sweet32": ("C", "A modern client negotiates a 64-bit block cipher (3DES) with TLS 1.1 or newer (SWEET32)",
                "Trình duyệt hiện đại sẽ dùng mã khối 64 bit (3DES) với TLS 1.1 trở lên (SWEET32)"),
    "rc4_modern": ("C", "RC4 with TLS 1.1 or newer", "RC4 dùng với TLS 1.1 trở lên"),
    "sslv3": ("B", "SSL 3.0 is offered", "Máy chủ còn hỗ trợ SSL 3.0"),
    "tls10": ("B", "TLS 1.0 is offered", "Máy chủ còn hỗ trợ TLS 1.0"),
    "tls11": ("B", "TLS 1.1 is offered", "Máy chủ còn hỗ trợ TLS 1.1"),
    "no_aead": ("B", "No AEAD cipher suite (GCM, CCM, ChaCha20-Poly1305)", "Không có bộ mã AEAD (GCM, CCM, ChaCha20-Poly1305)"),
    "no_fs": ("B", "No forward secrecy", "Không có bảo mật chuyển tiếp (forward secrecy)"),
    "rc4": ("B", "RC4 is offered", "Máy chủ chấp nhận RC4"),
    "key_under_2048": ("B", "Key exchange weaker than 2048 bits", "Trao đổi khóa yếu hơn 2048 bit"),
    "untrusted": ("T", "Certificate chain not trusted", "Chuỗi chứng thư số không được tin cậy"),
    "expired": ("T", "Certificate expired or not yet valid", "Chứng thư số đã hết hạn hoặc chưa có hiệu lực"),
    "self_signed": ("T", "Self-signed certificate", "Chứng thư số tự ký"),
    "sha1_signature": ("T", "Certificate signed with SHA-1", "Chứng thư số ký bằng SHA-1"),
    "mismatch": ("M", "Certificate name does not match the host", "Tên trên chứng thư số không khớp tên miền"),
}
WARNINGS: dict[str, tuple[str, str]] = {
    "no_tls13": ("TLS 1.3 is not supported", "Không hỗ trợ TLS 1.3"),
    "insecure_renegotiation": ("Secure renegotiation is not supported", "Không hỗ trợ tái thương lượng an toàn"),
    "hsts_unknown": ("A+ needs HSTS with max-age of 180 days or more (checked by the http probe)",
                     "Để đạt A+ cần HSTS với max-age từ 180 ngày (do probe http kiểm tra)"),
    "hsts_short": ("No A+: the site sends no HSTS with max-age of 180 days or more",
                   "Chưa đạt A+: trang không gửi HSTS với max-age từ 180 ngày"),
    "sweet32_offered": ("A 64-bit block cipher (3DES) is offered with TLS 1.1 or newer, after stronger suites",
                        "Máy chủ vẫn chấp nhận mã khối 64 bit (3DES) với TLS 1.1 trở lên, sau các bộ mã mạnh hơn"),
}
HSTS_A_PLUS_SECONDS = 15552000
"""The guide's A+ needs HSTS with a max-age of at least 180 days (probe-rules.md 4.1)."""


def accepted_suites(facts: Mapping[str, Any]) -> list[tuple[str, CipherSuite]]:
    """(protocol, suite) for every suite listed under tls.cipher_suites.<protocol>."""
    by_name = {s.name: s for s in all_suites().values()}
    out = []
    for proto in PROTOCOLS:
        for name in facts.get(f"tls.cipher_suites.{proto}") or []:
            if name in by_name:
                out.append((proto, by_name[name]))
    return out


def _key_score(bits: int, kind: str) -> int:
    """Key exchange score of one key: RSA/DH bits, or EC bits (testssl's EC table)."""
    if kind == "EC":
        return 20 if bits < 110 else 40 if bits < 123 else 80 if bits < 163 else 90 if bits < 225 else 100
    return 0 if bits <= 0 else 20 if bits < 512 else 40 if bits < 1024 else 80 if bits < 2048 else 90 if bits < 4096 else 100


def _cipher_score(bits: int) -> int:
    return 0 if bits <= 0 else 20 if bits < 128 else 80 if bits < 256 else 100


def _letter(score: float) -> str:
    for floor, letter in ((80, "A"), (65, "B"), (50, "C"), (35, "D"), (20, "E")):
        if score >= floor:
            return letter
    return "F"


def ssllabs_grade(facts: Mapping[str, Any]) -> dict[str, Any]:
    """`tls.grade*` facts: the letter, numeric scores, the caps that applied and warnings."""
    protos = [p for p in PROTOCOLS if facts.get(f"tls.protocols.{p}") is True]
    suites = accepted_suites(facts)
    if not protos or not suites:
        return {}
    caps: list[str] = []
    proto_score = (PROTOCOL_SCORES[protos[-1]] + PROTOCOL_SCORES[protos[0]]) / 2
    key_scores = []
    cert_type, cert_bits = facts.get("tls.certificate.key_type"), facts.get("tls.certificate.key_bits")
    if isinstance(cert_bits, int) and cert_type:
        key_scores.append(_key_score(cert_bits, "EC" if cert_type in ("EC", "Ed25519", "Ed448") else "RSA"))
    if isinstance(facts.get("tls.key_exchange.dh_min_bits"), int):
        key_scores.append(_key_score(facts["tls.key_exchange.dh_min_bits"], "DH"))
    if isinstance(facts.get("tls.key_exchange.ecdh_min_bits"), int):
        key_scores.append(_key_score(facts["tls.key_exchange.ecdh_min_bits"], "EC"))
    if any(s.anonymous for _, s in suites):
        key_scores.append(0)
        caps.append("anonymous")
    kex_score = min(key_scores) if key_scores else 0
    bits = [s.cipher_bits for _, s in suites]
    cipher_score = (_cipher_score(max(bits)) + _cipher_score(min(bits))) / 2
    scores = {"protocol": proto_score, "key_exchange": kex_score, "cipher_strength": cipher_score}
    total = 0 if 0 in scores.values() else round(0.3 * proto_score + 0.3 * kex_score + 0.4 * cipher_score)
    caps += _caps(facts, protos, suites, kex_score)
    warnings = _warnings(facts, protos)
    letter = _letter(total)
    for code in caps:
        cap = CAPS[code][0]
        if cap in GRADE_ORDER and GRADE_ORDER.index(cap) > GRADE_ORDER.index(letter):
            letter = cap
    if letter == "A" and [w for w in warnings if w != "hsts_unknown"]:
        letter = "A-"
    trust = [c for c in caps if CAPS[c][0] in ("T", "M")]
    grade = "T" if any(CAPS[c][0] == "T" for c in trust) else "M" if trust else letter
    return {
        "tls.grade": grade,
        "tls.grade_if_trusted": letter,
        "tls.grade_score": total,
        "tls.grade_scores": scores,
        "tls.grade_caps": [{"code": c, "cap": CAPS[c][0], "reason": CAPS[c][1], "reason_vi": CAPS[c][2]} for c in caps],
        "tls.grade_warnings": [{"code": w, "reason": WARNINGS[w][0], "reason_vi": WARNINGS[w][1]} for w in warnings],
    }


def _caps(facts: Mapping[str, Any], protos: list[str], suites: list[tuple[str, CipherSuite]], kex: float) -> list[str]:
    has = set(protos)
    caps: list[str] = []
    add = caps.append
    if "SSLv2" in has:
        add("sslv2")
    if protos[-1] == "SSLv3":
        add("sslv3_best")
    if any(s.export for _, s in suites):
        add("export")
    if any(s.cipher_bits < 112 for _, s in suites):
        add("weak_cipher")
    if kex <= 40:
        add("weak_key")
    if facts.get("tls.certificate.signature_hash") in ("md5", "md2"):
        add("md5_signature")
    if facts.get("tls.vulnerabilities.heartbleed") is True:
        add("heartbleed")
    if facts.get("tls.vulnerabilities.ccs_injection") is True:
        add("ccs_injection")
    if not has & {"TLSv1.2", "TLSv1.3"}:
        add("no_tls12")
    if any(p == "SSLv3" and s.mode == "CBC" for p, s in suites):
        add("poodle")
    if facts.get("tls.compression") is True:
        add("compression")
    modern = ("TLSv1.1", "TLSv1.2", "TLSv1.3")
    if _modern_client_gets_64bit_block(facts, protos, suites):
        add("sweet32")
    if any(p in modern and s.cipher == "RC4" for p, s in suites):
        add("rc4_modern")
    for proto, code in (("SSLv3", "sslv3"), ("TLSv1.0", "tls10"), ("TLSv1.1", "tls11")):
        if proto in has:
            add(code)
    if not any(s.aead for _, s in suites):
        add("no_aead")
    if not any(s.forward_secrecy and not s.anonymous for _, s in suites):
        add("no_fs")
    if any(s.cipher == "RC4" for _, s in suites):
        add("rc4")
    if 40 < kex <= 80:
        add("key_under_2048")
    if facts.get("tls.certificate.trusted") is False:
        add("untrusted")
    if facts.get("tls.certificate.expired") is True or facts.get("tls.certificate.not_yet_valid") is True:
        add("expired")
    if facts.get("tls.certificate.self_signed") is True:
        add("self_signed")
    if facts.get("tls.certificate.signature_hash") == "sha1":
        add("sha1_signature")
    if facts.get("tls.certificate.hostname_matches") is False:
        add("mismatch")
    return caps


def _modern_client_gets_64bit_block(facts: Mapping[str, Any], protos: list[str],
                                    suites: list[tuple[str, CipherSuite]]) -> bool:
    """Whether a modern client ends on 3DES (the guide's 2016 cap; Qualys, 2016-11-16).

    A modern client speaks the server's best protocol and ranks AES and ChaCha20 above 3DES. So it
    gets a 64-bit block cipher only when, on that protocol, the server imposes its order and puts
    one first, or offers nothing else. A server keeping 3DES last for old clients is not capped.
    """
    best = next((p for p in ("TLSv1.3", "TLSv1.2", "TLSv1.1") if p in protos), None)
    offered = [s for p, s in suites if p == best]
    if not offered:
        return False
    if facts.get(f"tls.server_cipher_order.{best}") is True:
        return offered[0].block_bits == 64
    return all(s.block_bits == 64 for s in offered)


def _warnings(facts: Mapping[str, Any], protos: list[str]) -> list[str]:
    warnings = []
    if "TLSv1.3" not in protos:
        warnings.append("no_tls13")
    modern = ("TLSv1.1", "TLSv1.2", "TLSv1.3")
    suites = accepted_suites(facts)
    if (any(p in modern and s.block_bits == 64 for p, s in suites)
            and not _modern_client_gets_64bit_block(facts, protos, suites)):
        warnings.append("sweet32_offered")
    if facts.get("tls.secure_renegotiation") is False:
        warnings.append("insecure_renegotiation")
    warnings.append("hsts_unknown")
    return warnings


def with_hsts(tls_facts: Mapping[str, Any], http_facts: Mapping[str, Any], host: str) -> dict[str, Any]:
    """The grade facts once the http probe has measured HSTS on the same site: A+ when the guide allows it.

    The guide gives A+ to an A server without warnings that sends HSTS with max-age of 180 days or
    more. The `tls` probe cannot see headers, so it grades A with the warning `hsts_unknown`; this
    replaces that warning by the answer. The graded `host` must send HSTS itself: an apex that
    redirects to `www` without the header stays A, as SSL Labs grades the host it was given.
    Nothing changes when HSTS was not measured (the http facts have no `http.hsts.present`) or
    when there is no grade.
    """
    warnings = list(tls_facts.get("tls.grade_warnings") or [])
    if "tls.grade" not in tls_facts or "http.hsts.present" not in http_facts \
            or not any(w.get("code") == "hsts_unknown" for w in warnings):
        return {}
    max_age = http_facts.get("http.hsts.max_age_seconds")
    silent_hosts = {urlsplit(url).hostname for url in http_facts.get("http.hsts.missing_on") or []}
    long_enough = (http_facts.get("http.hsts.present") is True and http_facts.get("http.hsts.effective") is True
                   and isinstance(max_age, int) and max_age >= HSTS_A_PLUS_SECONDS and host.lower() not in silent_hosts)
    warnings = [w for w in warnings if w.get("code") != "hsts_unknown"]
    if not long_enough:
        warnings.append({"code": "hsts_short", "reason": WARNINGS["hsts_short"][0], "reason_vi": WARNINGS["hsts_short"][1]})
    out: dict[str, Any] = {"tls.grade_warnings": warnings}
    if long_enough and not warnings:
        for key in ("tls.grade", "tls.grade_if_trusted"):
            if tls_facts.get(key) == "A":
                out[key] = "A+"
    return out


@functools.lru_cache(maxsize=1)
def mozilla_profiles() -> dict[str, dict[str, dict[str, Any]]]:
    """Mozilla's profiles by guideline version ('6.0', '5.7') and name."""
    text = Path(__file__).with_name("mozilla_profiles.json").read_text("utf-8")
    return dict(json.loads(text)["versions"])


_MOZ_VERSION_NAMES = {"TLSv1.0": "TLSv1"}
_MOZ_CURVES = {"secp256r1": "prime256v1"}
_CERT_TYPES = {"RSA": "rsa", "EC": "ecdsa", "DSA": "dsa", "Ed25519": "ed25519", "Ed448": "ed448"}


_MOZ_FLAGS = (("tls.compression", True, "probe.tls.mozilla.compression"),
              ("tls.vulnerabilities.heartbleed", True, "probe.tls.mozilla.heartbleed"),
              ("tls.vulnerabilities.ccs_injection", True, "probe.tls.mozilla.ccs_injection"),
              ("tls.fallback_scsv", False, "probe.tls.mozilla.no_fallback_scsv"),
              ("tls.secure_renegotiation", False, "probe.tls.mozilla.no_secure_renegotiation"),
              ("tls.extended_master_secret", False, "probe.tls.mozilla.no_extended_master_secret"))
"""(fact, the value that breaks the profile, message key of the issue)."""


def mozilla_issues(facts: Mapping[str, Any], profile: Mapping[str, Any]) -> list[PhraseText]:
    """Why the server does not comply with one Mozilla profile (empty when it complies).

    Each issue is an English string ("protocols TLSv1.0 are accepted but should be refused") that
    keeps its catalogue phrase (`audit.phrases.said`), so a report says it in its reader's language.
    """
    issues = []
    protos = [p for p in PROTOCOLS if facts.get(f"tls.protocols.{p}") is True]
    extra = [p for p in protos if _MOZ_VERSION_NAMES.get(p, p) not in profile["tls_versions"]]
    if extra:
        issues.append(said("probe.tls.mozilla.protocols", protocols=", ".join(extra)))
    names = {s.name for _, s in accepted_suites(facts)}
    allowed = set(profile["ciphersuites"]) | set(profile["ciphers"])
    if names - allowed:
        issues.append(said("probe.tls.mozilla.suites", suites=", ".join(sorted(names - allowed))))
    curves = {_MOZ_CURVES.get(g, g) for g in facts.get("tls.groups") or [] if not g.startswith("ffdhe")}
    if curves - set(profile["tls_curves"]):
        issues.append(said("probe.tls.mozilla.groups", groups=", ".join(sorted(curves - set(profile["tls_curves"])))))
    issues += _mozilla_keys(facts, profile)
    issues += _mozilla_certificate(facts, profile)
    issues += [said(key) for fact, bad, key in _MOZ_FLAGS if facts.get(fact) is bad]
    return issues


def _mozilla_keys(facts: Mapping[str, Any], profile: Mapping[str, Any]) -> list[PhraseText]:
    issues = []
    ecdh = facts.get("tls.key_exchange.ecdh_min_bits")
    # X25519 is reported as 253 bits; like sslyze, count it as a 256-bit group.
    if isinstance(ecdh, int) and profile["ecdh_param_size"] and (256 if ecdh == 253 else ecdh) < profile["ecdh_param_size"]:
        issues.append(said("probe.tls.mozilla.ecdh_bits", bits=ecdh, required=profile["ecdh_param_size"]))
    dh_bits = facts.get("tls.key_exchange.dh_min_bits")
    if isinstance(dh_bits, int) and profile["dh_param_size"] and dh_bits < profile["dh_param_size"]:
        issues.append(said("probe.tls.mozilla.dh_bits", bits=dh_bits, required=profile["dh_param_size"]))
    return issues


def _mozilla_certificate(facts: Mapping[str, Any], profile: Mapping[str, Any]) -> list[PhraseText]:
    issues = []
    if facts.get("tls.certificate.trusted") is False:
        issues.append(said("probe.tls.mozilla.untrusted"))
    key_type = facts.get("tls.certificate.key_type")
    if key_type is None:
        return issues
    if _CERT_TYPES.get(key_type, key_type) not in profile["certificate_types"]:
        issues.append(said("probe.tls.mozilla.key_type", key_type=str(key_type)))
    if key_type == "RSA" and profile["rsa_key_size"] and (facts.get("tls.certificate.key_bits") or 0) < profile["rsa_key_size"]:
        issues.append(said("probe.tls.mozilla.rsa_bits", bits=str(facts.get("tls.certificate.key_bits")),
                           required=profile["rsa_key_size"]))
    if key_type == "EC" and facts.get("tls.certificate.key_curve") not in profile["certificate_curves"]:
        issues.append(said("probe.tls.mozilla.curve", curve=str(facts.get("tls.certificate.key_curve"))))
    if facts.get("tls.certificate.signature_algorithm") not in profile["certificate_signatures"]:
        issues.append(said("probe.tls.mozilla.signature",
                           signature=str(facts.get("tls.certificate.signature_algorithm"))))
    lifespan = facts.get("tls.certificate.lifespan_days")
    if isinstance(lifespan, int) and lifespan > profile["maximum_certificate_lifespan"]:
        issues.append(said("probe.tls.mozilla.lifespan", days=lifespan, maximum=profile["maximum_certificate_lifespan"]))
    return issues


def mozilla_facts(facts: Mapping[str, Any], version: str = "6.0") -> dict[str, Any]:
    """`tls.mozilla_profile` (strictest profile met, or 'none') and the issues for each profile."""
    profiles = mozilla_profiles()[version]
    out: dict[str, Any] = {"tls.mozilla_profile_version": version}
    best = "none"
    for name in ("old", "intermediate", "modern"):
        if name not in profiles:
            continue
        issues = mozilla_issues(facts, profiles[name])
        out[f"tls.mozilla_issues.{name}"] = issues
        if not issues:
            best = name
    out["tls.mozilla_profile"] = best
    return out
