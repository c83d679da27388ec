"""What the tls probe and others store inside fact values reads in the report's language (issue 15).

Given the legacy lab server (TLS 1.0-1.2, anonymous, static-RSA and CBC suites, DH-1024), when it
is scanned with the TLS requirement of the starter checklist and reported, then a Vietnamese report
says the suites' weakness labels, the Mozilla-profile issues and the grade caps in Vietnamese (suites
table, evidence, facts appendix) and none of their English; an English report shows them exactly
as stored. Results written before these texts were translated read the same.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from audit.i18n import t
from audit.phrases import PhraseText, say_stored
from audit.report import build_view
from audit.report.fact_texts import WEAKNESS_KEYS, fact_in_language
from audit.report.facts import all_fact_rows, tls_suite_rows
from probes.tls.grade import mozilla_facts, mozilla_profiles
from tests.probes.tls import tls_servers
from tests.probes.tls.test_tls_grade import ECDHE12
from tests.probes.tls.test_tls_grade import facts as grade_facts
from tests.test_vietnamese_probe_texts import english_left, invoke, visible

ROOT = Path(__file__).resolve().parents[2]
WEAK_EN = ("static key exchange", "CBC in SSLv3/TLS 1.0", "anonymous")
WEAK_VI = ("trao đổi khóa tĩnh", "CBC trên SSLv3/TLS 1.0", "ẩn danh (không xác thực máy chủ)")
ISSUE_EN = "are accepted but should be refused"
ISSUE_VI = "máy chủ chấp nhận giao thức TLSv1.0, TLSv1.1, lẽ ra phải từ chối"


@pytest.fixture(scope="module")
def legacy_result(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The result of `l3audit scan` of the legacy lab server, with the starter checklist's L3-TLS-03 only."""
    lab = tls_servers.get_lab()
    if "legacy" not in lab.servers:
        pytest.skip(lab.skipped.get("legacy", "legacy server not available"))
    server = lab.servers["legacy"]
    folder = tmp_path_factory.mktemp("fact-texts")
    data = yaml.safe_load((ROOT / "checklists" / "l3-starter.yaml").read_text(encoding="utf-8"))
    data["id"] = "l3-tls03-test"
    data["requirements"] = [r for r in data["requirements"] if r["id"] == "L3-TLS-03"]
    checklist, out = folder / "tls03.yaml", folder / "legacy.json"
    checklist.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    _, output = invoke("scan", f"https://{tls_servers.HOST}:{server.port}", "--checklist", checklist,
                          "--resolve", f"{tls_servers.HOST}:{server.port}:{server.address}",
                          "--ca-file", lab.pki.ca_file, "--no-nmap", "--timeout", "5", "--json", out)
    assert out.exists(), output
    result = json.loads(out.read_text(encoding="utf-8"))
    result["_checklist"] = str(checklist)
    return result


def _tls(result: dict[str, Any]) -> dict[str, Any]:
    return next(a for a in result["probe_attempts"] if a["probe"] == "tls")


def _report(result: dict[str, Any], fmt: str, lang: str, tmp_path: Path) -> str:
    """`l3audit report` of `result` in `lang`: the words a reader sees (HTML tags removed, Markdown unescaped)."""
    source, out = tmp_path / "r.json", tmp_path / f"r.{lang}.{fmt}"
    source.write_text(json.dumps({k: v for k, v in result.items() if k != "_checklist"}, ensure_ascii=False),
                      encoding="utf-8")
    code, output = invoke("report", source, "-o", out, "--checklist", result["_checklist"], lang=lang)
    assert code == 0, output
    text = out.read_text(encoding="utf-8")
    return visible(text) if fmt == "html" else text.replace("\\_", "_").replace("\\[", "[").replace("\\]", "]")


def test_the_stored_result_keeps_english_labels_and_the_issues_phrases(legacy_result: dict[str, Any]) -> None:
    # Given the scan's stored result, Then its facts are the English codes and texts they always were
    tls = _tls(legacy_result)
    facts = tls["facts"]
    assert set(WEAK_EN) <= set(facts["tls.weak_cipher_classes"])
    issues = facts["tls.mozilla_issues.intermediate"]
    assert issues[0] == "protocols TLSv1.0, TLSv1.1 are accepted but should be refused"
    # And each Mozilla issue has its phrase beside it, said in Vietnamese from the catalogue
    assert tls["phrases"][issues[0]] == {"phrase": "probe.tls.mozilla.protocols",
                                         "values": {"protocols": "TLSv1.0, TLSv1.1"}}
    assert say_stored(issues[0], tls["phrases"], "vi") == ISSUE_VI
    assert all(issue in tls["phrases"] for name in ("intermediate", "modern")
               for issue in facts[f"tls.mozilla_issues.{name}"])


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_a_vietnamese_report_says_weaknesses_issues_and_caps_in_vietnamese(
        legacy_result: dict[str, Any], fmt: str, tmp_path: Path) -> None:
    text = _report(legacy_result, fmt, "vi", tmp_path)
    for english, vietnamese in zip(WEAK_EN[:2], WEAK_VI[:2]):
        assert vietnamese in text
        assert english not in text, english
    if fmt == "html":  # the suites table (the Markdown report has the facts appendix only)
        assert f"(256 bit) ⚠ {WEAK_VI[0]}; {WEAK_VI[1]}" in text
    assert ISSUE_VI in text and ISSUE_EN not in text
    assert '"ẩn danh (không xác thực máy chủ)", "trao đổi khóa tĩnh"' in text  # evidence and appendix
    assert '"weaknesses": ["CBC trên SSLv3/TLS 1.0"]' in text
    assert "reason_vi" not in text and "Chấp nhận trao đổi khóa ẩn danh (không xác thực)" in text
    assert "Anonymous (unauthenticated) key exchange is offered" not in text


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_an_english_report_shows_them_as_stored(legacy_result: dict[str, Any], fmt: str, tmp_path: Path) -> None:
    text = _report(legacy_result, fmt, "en", tmp_path)
    for english, vietnamese in zip(WEAK_EN, WEAK_VI):
        assert english in text and vietnamese not in text
    assert "protocols TLSv1.0, TLSv1.1 are accepted but should be refused" in text and ISSUE_VI not in text
    assert '"reason_vi": "Chấp nhận trao đổi khóa ẩn danh (không xác thực)"' in text  # the appendix is unchanged


def test_english_views_are_unchanged_by_the_translation(legacy_result: dict[str, Any]) -> None:
    # Given the stored result, When its English view is built, Then every fact row is the stored value as before
    tls = _tls(legacy_result)
    rows = {r["name"]: r["value"] for r in all_fact_rows(tls["facts"], "en", tls["phrases"])}
    assert rows["tls.weak_cipher_classes"] == json.dumps(tls["facts"]["tls.weak_cipher_classes"], ensure_ascii=False)
    assert rows["tls.mozilla_issues.modern"].startswith(json.dumps(tls["facts"]["tls.mozilla_issues.modern"])[:200])
    assert fact_in_language("tls.grade_caps", tls["facts"]["tls.grade_caps"], "en") is tls["facts"]["tls.grade_caps"]
    suites = {r["name"]: r["value"] for r in tls_suite_rows(tls["facts"], "en")}
    assert "⚠ static key exchange; CBC in SSLv3/TLS 1.0" in suites["TLSv1.0"]


def test_a_result_stored_before_the_issues_had_phrases_reads_in_vietnamese(legacy_result: dict[str, Any]) -> None:
    # Given the result as an older release wrote it (no phrases), When its Vietnamese view is built
    older = json.loads(json.dumps(legacy_result))
    for attempt in older["probe_attempts"]:
        attempt.pop("phrases", None)
    view = build_view(older, None, "vi")
    (tls,) = [a for a in view["attempts"] if a["probe"] == "tls"]
    rows = {r["name"]: r["value"] for r in tls["facts"]}
    # Then the issues and labels are read back against the catalogue's English and said in Vietnamese
    assert ISSUE_VI in rows["tls.mozilla_issues.intermediate"] and ISSUE_EN not in rows["tls.mozilla_issues.intermediate"]
    assert WEAK_VI[1] in rows["tls.weak_cipher_suites"] and WEAK_EN[1] not in rows["tls.weak_cipher_suites"]
    assert WEAK_VI[0] in rows["tls.weak_cipher_classes"] and WEAK_EN[0] not in rows["tls.weak_cipher_classes"]


def test_mozilla_issues_are_phrases_whose_english_is_unchanged() -> None:
    # Given facts breaking every rule of Mozilla's intermediate profile that the facts can show
    facts = grade_facts({"TLSv1.0": ECDHE12, "TLSv1.2": ECDHE12}, tls__compression=True, tls__fallback_scsv=False,
                        tls__extended_master_secret=False, tls__certificate__trusted=False,
                        tls__key_exchange__dh_min_bits=1024, tls__certificate__lifespan_days=800,
                        tls__certificate__key_bits=1024)
    issues = mozilla_facts(facts)["tls.mozilla_issues.intermediate"]
    # Then each is the English text it always was, and a phrase said in Vietnamese
    assert issues == ["protocols TLSv1.0 are accepted but should be refused", "DH parameters of 1024 bits, at least 2048 required",
                      "certificate chain is not trusted", "RSA key of 1024 bits, at least 2048 required",
                      "certificate lifespan of 800 days exceeds 366", "TLS compression is enabled",
                      "TLS_FALLBACK_SCSV is not supported", "extended master secret is not supported"]
    assert all(isinstance(issue, PhraseText) for issue in issues)
    said = [issue.render("vi") for issue in issues]
    assert said[1] == "tham số DH 1024 bit, yêu cầu tối thiểu 2048 bit"
    assert said[4] == "chứng thư số có thời hạn 800 ngày, vượt mức tối đa 366 ngày"
    assert not set(said) & set(issues)
    assert mozilla_profiles()["6.0"]["intermediate"]["maximum_certificate_lifespan"] == 366


def test_every_weakness_label_has_its_vietnamese_and_its_english_is_the_label() -> None:
    for label, key in WEAKNESS_KEYS.items():
        assert t(f"reportview.{key}", "en") == label
        assert t(f"reportview.{key}", "vi")
    for label in ("static key exchange", "anonymous", "CBC in SSLv3/TLS 1.0", "64-bit block", "<112-bit"):
        assert fact_in_language("tls.weak_cipher_classes", [label], "vi") != [label]


def test_bilingual_objects_show_the_report_language_only_and_keep_codes() -> None:
    # Given facts shaped like the exposure, ports and observatory probes' (and a hostile, deep one)
    findings = [{"id": "git", "path": "/.git/config", "severity": "high",
                 "title": {"vi": "Lộ thư mục .git", "en": "Exposed .git folder"},
                 "remediation": {"vi": "Chặn truy cập /.git", "en": "Block access to /.git"}}]
    modifiers = [{"test": "cookies", "key": "cookies-not-found", "modifier": 0,
                  "reason": {"vi": "Không có cookie nào được đặt.", "en": "No cookies are set."}}]
    deep: Any = {"vi": "sâu", "en": "deep"}
    for _ in range(50):
        deep = [deep]
    facts = {"exposure.findings": findings, "http.observatory.modifiers": modifiers, "x.deep": deep}
    rows = {r["name"]: r["value"] for r in all_fact_rows(facts, "vi")}
    # Then the Vietnamese appendix holds the Vietnamese texts only, and the ids, paths and scores
    assert '"title": "Lộ thư mục .git"' in rows["exposure.findings"] and "Exposed" not in rows["exposure.findings"]
    assert '"remediation": "Chặn truy cập /.git"' in rows["exposure.findings"] and '"id": "git"' in rows["exposure.findings"]
    assert rows["http.observatory.modifiers"] == json.dumps(
        [{"key": "cookies-not-found", "modifier": 0, "reason": "Không có cookie nào được đặt.", "test": "cookies"}],
        ensure_ascii=False, sort_keys=True)
    assert rows["x.deep"]  # bounded: a value nested deeper than we look is shown as stored, not an error
    # And the English appendix is the stored JSON, both languages included
    english = {r["name"]: r["value"] for r in all_fact_rows(facts, "en")}
    assert english["http.observatory.modifiers"] == json.dumps(modifiers, ensure_ascii=False, sort_keys=True)


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_the_vietnamese_report_of_the_legacy_server_has_no_english_left(
        legacy_result: dict[str, Any], fmt: str, tmp_path: Path) -> None:
    text = _report(legacy_result, fmt, "vi", tmp_path)
    assert english_left(text) == [], english_left(text)
