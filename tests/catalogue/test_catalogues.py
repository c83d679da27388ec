"""The shipped catalogues: they load, lint clean, have every row of the references, and judge as intended."""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from audit.catalogue.loader import Checklist, builtin_checklists, iter_builtin
from audit.catalogue.loader import load_checklist as _load
from audit.catalogue.coverage import coverage, render_text
from audit.errors import ChecklistError
from audit.evaluation import evaluate_requirement
from audit.catalogue.lint import check_texts, errors, lint_all, lint_checklist
from audit.models import Assessment, AttemptStatus, ProbeAttempt, Status, Text

L3_GROUP_ROWS = {  # tcvn14423-level3.md, section 1 and appendix C: 195 rows in 18 groups
    "RSK": 11, "HWA": 11, "SWA": 11, "DAT": 18, "CFG": 8, "IAM": 20, "VUL": 7, "LOG": 10, "BRW": 5,
    "MAL": 8, "BAK": 8, "NET": 34, "MON": 7, "PER": 7, "SUP": 5, "INC": 11, "DEV": 9, "PEN": 5,
}
CATALOGUES = ["tcvn11930-2017-l3", "tcvn14423-2026-l2", "tcvn14423-2026-l3"]
_CACHE: dict[str, Checklist] = {}


def load_checklist(ref: str | Path) -> Checklist:
    """Shipped catalogues are loaded once per test session (they are frozen); files always afresh."""
    if isinstance(ref, Path):
        return _load(ref)
    if ref not in _CACHE:
        _CACHE[ref] = _load(ref)
    return _CACHE[ref]


def attempts(**facts_by_probe: dict[str, Any]) -> dict[str, ProbeAttempt]:
    """Completed probe attempts with the given facts, keyed by probe name."""
    return {
        probe: ProbeAttempt(probe, "https://example.vn/", AttemptStatus.COMPLETED, "2026-11-26T00:00:00+00:00",
                            0.1, "test", "0", facts=facts)
        for probe, facts in facts_by_probe.items()
    }


GOOD_SITE = {
    "tls": {"tls.offered": True, "tls.protocols.TLSv1.0": False, "tls.protocols.TLSv1.1": False,
            "tls.protocols.TLSv1.2": True, "tls.protocols.TLSv1.3": True, "tls.certificate.trusted": True,
            "tls.certificate.expired": False, "tls.certificate.hostname_matches": True,
            "tls.certificate.key_type": "RSA", "tls.certificate.key_bits": 2048,
            "tls.certificate.signature_hash": "sha256", "tls.certificate.days_until_expiry": 60,
            "tls.forward_secrecy": True, "tls.aead": True},
    "http": {"http.plain.reachable": True, "http.redirect.to_https": True, "http.hsts.present": True,
             "http.hsts.max_age_seconds": 31536000, "http.headers.x-content-type-options": "nosniff",
             "http.headers.x-frame-options": "DENY", "http.headers.referrer-policy": "no-referrer",
             "http.server_version_disclosed": False, "http.csp.present": True,
             "http.cookies.insecure_count": 0, "http.mixed_content.present": False},
    "exposure": {"exposure.admin_exposed": False, "exposure.secrets_exposed": False, "exposure.backup_exposed": False,
                 "exposure.verbose_error": False, "exposure.security_txt.valid": True,
                 "exposure.admin_over_plain_http": False},
    "ports": {"ports.open_ports": [], "ports.risky_open_count": 0, "ports.unexpected_open_count": 0},
    "mail": {"mail.mx.count": 1, "mail.mx.null": False, "mail.starttls.all_valid": True,
                 "mail.starttls.legacy_mx": []},
}


@pytest.mark.parametrize("ref", sorted(builtin_checklists()))
def test_given_a_shipped_catalogue_when_linted_then_it_loads_with_no_finding(ref: str) -> None:
    checklist = load_checklist(ref)
    assert Path(checklist.path).stem == checklist.id
    assert lint_checklist(ref) == []


def test_given_all_shipped_files_when_linted_together_then_the_crosswalk_is_clean_too() -> None:
    assert lint_all() == []


def test_the_crosswalk_file_is_not_mistaken_for_a_catalogue() -> None:
    assert set(CATALOGUES) <= set(builtin_checklists())
    assert "crosswalk" not in builtin_checklists()
    assert {c.id for c in iter_builtin()} == set(builtin_checklists())


def test_tcvn14423_level3_has_all_195_reference_rows_in_18_groups() -> None:
    checklist = load_checklist("tcvn14423-2026-l3")
    ids = [r.id for r in checklist.requirements]
    assert len(ids) == len(set(ids)) == 195
    assert all(re.fullmatch(r"N3-[A-Z]{3}-\d\d", i) for i in ids)
    assert [g.id for g in checklist.groups] == list(L3_GROUP_ROWS)
    assert [g.clause for g in checklist.groups] == [f"5.{n}" for n in range(1, 19)]
    assert Counter(r.group for r in checklist.requirements) == Counter(L3_GROUP_ROWS)
    for group, rows in L3_GROUP_ROWS.items():
        assert {f"N3-{group}-{n:02}" for n in range(1, rows + 1)} <= set(ids)


def test_coverage_numbers_per_catalogue() -> None:
    expected = {  # (rows, automated, both, manual)
        "tcvn11930-2017-l3": (53, 4, 11, 38),
        "tcvn14423-2026-l2": (128, 0, 6, 122),
        "tcvn14423-2026-l3": (195, 0, 15, 180),
        "l3-starter": (18, 18, 0, 0),
    }
    for ref, (total, automated, both, manual) in expected.items():
        counts = coverage(load_checklist(ref)).counts
        assert (counts.total, counts.automated, counts.both, counts.manual) == (total, automated, both, manual), ref


def test_coverage_per_group_of_tcvn14423_level3() -> None:
    cov = coverage(load_checklist("tcvn14423-2026-l3"))
    both = {g.id: g.counts.both for g in cov.groups if g.counts.both}
    assert both == {"DAT": 2, "CFG": 1, "NET": 8, "MON": 1, "DEV": 3}
    assert {g.id: g.counts.total for g in cov.groups} == L3_GROUP_ROWS
    text = render_text([cov], "vi")
    assert "5.12 Quản lý hạ tầng mạng" in text and "195" in text


def test_level3_inherits_same_rows_restates_stricter_ones_and_excludes_dropped_ones() -> None:
    l2 = load_checklist("tcvn14423-2026-l2")
    l3 = load_checklist("tcvn14423-2026-l3")
    assert l3.extends == l2.id and l2.level == 2
    same = l3.requirement("N3-RSK-01")
    assert same.origin == l2.id
    assert [r.clause for r in same.references] == ["4.1 a", "5.1.2.1 a"]
    # Stricter: same id, level-3 threshold.
    assert "1 tháng" in l2.requirement("N3-LOG-08").title.vi
    assert "3 tháng" in l3.requirement("N3-LOG-08").title.vi
    assert l3.requirement("N3-LOG-08").origin == l3.id
    assert l3.parameters["log_retention_months"].min == 3
    # Moved between groups: software assets at level 2, secure development at level 3.
    assert l2.requirement("N3-DEV-03").group == "SWA" and l3.requirement("N3-DEV-03").group == "DEV"
    # Level-2 rows that level 3 drops are excluded with a reason in both languages, not hidden.
    assert set(l3.excluded) == {"N2-BAK-01", "N2-NET-01"}
    assert {"N2-BAK-01", "N2-NET-01"} <= {r.id for r in l2.requirements}
    for reason in l3.excluded.values():
        assert reason.vi and reason.en and reason.vi != reason.en
    new_rows = {r.id for r in l3.requirements} - {r.id for r in l2.requirements}
    assert len(new_rows) == 69


def test_every_row_has_what_a_reviewer_needs() -> None:
    for ref in CATALOGUES:
        for req in load_checklist(ref).requirements:
            assert req.references and req.references[0].clause, req.id
            assert req.confidence in ("standard_text", "paraphrase", "interpretation"), req.id
            if req.assessment is not Assessment.AUTOMATED:
                assert req.evidence, req.id
            if req.checks:
                assert req.confidence == "interpretation", req.id
            assert "{{" not in req.description.vi + req.description.en + req.title.vi + req.title.en, req.id


def test_manual_rows_waiting_for_facts_say_which_fact_will_switch_them_on() -> None:
    l3 = load_checklist("tcvn14423-2026-l3")
    for rid, fact in {"N3-NET-15": "http.waf.detected", "N3-NET-30": "http.rate_limit.observed",
                      "N3-VUL-07": "http.software.outdated", "N3-BRW-03": "mail."}.items():
        req = l3.requirement(rid)
        assert req.assessment is Assessment.MANUAL and req.notes and fact in req.notes.en, rid


def test_vietnamese_text_is_nfc_with_diacritics_and_round_trips_through_json_and_html() -> None:
    for ref in CATALOGUES:
        for req in load_checklist(ref).requirements:
            for text in (req.title, req.description, req.remediation):
                assert unicodedata.normalize("NFC", text.vi) == text.vi, req.id
                data = json.dumps({"vi": text.vi}, ensure_ascii=False)
                assert json.loads(data)["vi"] == text.vi
                assert json.loads(json.dumps({"vi": text.vi}))["vi"] == text.vi
                assert html.unescape(html.escape(text.vi)) == text.vi
    title = load_checklist("tcvn14423-2026-l3").requirement("N3-LOG-08").title.vi
    assert title == "Lưu nhật ký tối thiểu 3 tháng"
    assert "Lưu nhật ký" in json.dumps(title, ensure_ascii=False)


def test_lint_flags_vietnamese_without_diacritics_or_copied_from_english() -> None:
    owner = "x.yaml"
    assert check_texts(owner, "title", Text(vi="Luu nhat ky toi thieu ba thang", en="Keep logs three months"))
    assert check_texts(owner, "title", Text(vi="Keep logs for three months", en="Keep logs for three months"))
    assert check_texts(owner, "title", Text(vi="Lưu nhật ký tối thiểu ba tháng", en="Keep logs three months")) == []
    snippet = "nginx: add_header X-Frame-Options DENY always;"
    assert check_texts(owner, "remediation", Text(vi=snippet, en=snippet)) == []


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


BASE = """schema: l3audit/checklist/v1
id: {id}
title: {{vi: "Danh mục thử", en: "Test catalogue"}}
standard: "TCVN 14423:2026"
level: 3
version: "1"
groups:
  - {{id: G, title: {{vi: "Nhóm thử nghiệm", en: "Test group"}}}}
requirements:
  - id: X-01
    group: G
    title: {{vi: "Có quy trình ứng phó sự cố", en: "An incident procedure exists"}}
    description: {{vi: "Tổ chức ban hành quy trình ứng phó sự cố", en: "The organisation issues an incident procedure"}}
    remediation: {{vi: "Ban hành quy trình ứng phó sự cố", en: "Issue an incident procedure"}}
    severity: low
    assessment: manual
    references: [{{standard: "TCVN 14423:2026", clause: "5.16.1"}}]
{extra}"""


def test_lint_requires_evidence_on_manual_rows_and_a_matching_file_name(tmp_path: Path) -> None:
    path = _write(tmp_path, "other-name.yaml", BASE.format(id="test-cat", extra=""))
    messages = [str(f) for f in errors(lint_checklist(path))]
    assert any("must name the evidence" in m for m in messages)
    assert any("differs from the id" in m for m in messages)


def test_a_catalogue_with_an_unknown_fact_or_placeholder_is_refused_with_its_line(tmp_path: Path) -> None:
    extra = "    evidence: [{vi: \"Quy trình\", en: \"Procedure\"}]\n"
    bad_fact = BASE.format(id="bad-fact", extra=extra).replace(
        "assessment: manual", "assessment: automated\n    checks: [{id: c, expect: {fact: tls.offerd, op: eq, value: true}}]")
    path = _write(tmp_path, "bad-fact.yaml", bad_fact)
    with pytest.raises(ChecklistError, match=r"bad-fact.yaml:\d+: requirement X-01: unknown fact 'tls.offerd'.*tls.offered"):
        load_checklist(path)
    bad_placeholder = BASE.format(id="bad-ph", extra=extra).replace(
        "Issue an incident procedure", "Review every {{review_monts}} months")
    path = _write(tmp_path, "bad-ph.yaml", bad_placeholder)
    with pytest.raises(ChecklistError, match=r"requirement X-01: unknown parameter '\{\{review_monts\}\}'"):
        load_checklist(path)


def test_a_catalogue_text_with_a_missing_language_is_refused(tmp_path: Path) -> None:
    text = BASE.format(id="no-en", extra="").replace(', en: "Issue an incident procedure"', "")
    path = _write(tmp_path, "no-en.yaml", text)
    with pytest.raises(ChecklistError, match=r"no-en.yaml:\d+: requirement X-01: .*'en' is a required property"):
        load_checklist(path)


def judge(ref: str, rid: str, site: dict[str, dict[str, Any]]) -> Status:
    req = load_checklist(ref).requirement(rid)
    return evaluate_requirement(req, {"https://example.vn/": attempts(**site)}).status


def test_given_a_well_configured_site_then_partly_automated_rows_wait_for_a_person() -> None:
    for rid in ("N3-DAT-10", "N3-DAT-11", "N3-CFG-03", "N3-NET-29", "N3-NET-32", "N3-DEV-05", "N3-DEV-07", "N3-DEV-08",
                "N3-MON-05"):
        assert judge("tcvn14423-2026-l3", rid, GOOD_SITE) is Status.MANUAL, rid
    for rid in ("L3-APP-COMM-01", "L3-APP-AUTH-02", "L3-X-HDR-01", "L3-X-SECTXT-01"):
        assert judge("tcvn11930-2017-l3", rid, GOOD_SITE) is Status.PASS, rid


def test_given_exposed_services_or_legacy_tls_then_the_automated_part_fails() -> None:
    site = {**GOOD_SITE, "ports": {"ports.open_ports": [22, 3306], "ports.risky_open_count": 2}}
    for rid in ("N3-NET-29", "N3-NET-32", "N3-NET-34"):
        assert judge("tcvn14423-2026-l3", rid, site) is Status.FAIL, rid
    # Open database/SSH ports are supporting signals of the database-firewall and zoning rows: a person decides.
    for rid in ("N3-NET-12", "N3-NET-20"):
        req = load_checklist("tcvn14423-2026-l3").requirement(rid)
        result = evaluate_requirement(req, {"https://example.vn/": attempts(**site)})
        assert result.status is Status.MANUAL, rid
        assert result.sites[0].signals and "supporting signal" in result.sites[0].reason, rid
    assert judge("tcvn14423-2026-l3", "N3-NET-26", site) is Status.MANUAL
    legacy = {**GOOD_SITE, "tls": {**GOOD_SITE["tls"], "tls.protocols.TLSv1.0": True}}
    assert judge("tcvn14423-2026-l3", "N3-DAT-10", legacy) is Status.FAIL
    assert judge("tcvn11930-2017-l3", "L3-APP-COMM-01", legacy) is Status.FAIL
    assert judge("tcvn14423-2026-l3", "N3-LOG-08", GOOD_SITE) is Status.MANUAL


def test_given_exposed_files_panels_or_cookies_then_the_web_rows_fail() -> None:
    leaky = {**GOOD_SITE, "exposure": {**GOOD_SITE["exposure"], "exposure.git_exposed": True,
                                       "exposure.secrets_exposed": True, "exposure.admin_exposed": True}}
    for rid in ("N3-DEV-08", "N3-MON-05", "N3-NET-32", "N3-NET-34"):
        assert judge("tcvn14423-2026-l3", rid, leaky) is Status.FAIL, rid
    assert judge("tcvn11930-2017-l3", "L3-APP-CODE-01", leaky) is Status.FAIL
    cookies = {**GOOD_SITE, "http": {**GOOD_SITE["http"], "http.cookies.insecure_count": 2}}
    assert judge("tcvn14423-2026-l3", "N3-DEV-07", cookies) is Status.FAIL
    assert judge("tcvn11930-2017-l3", "L3-APP-COMM-01", cookies) is Status.FAIL
    # No security.txt does not prove there is no reporting channel; an expired one is a measured failure.
    no_txt = {**GOOD_SITE, "exposure": {**GOOD_SITE["exposure"], "exposure.security_txt.present": False,
                                        "exposure.security_txt.valid": False}}
    assert judge("tcvn14423-2026-l3", "N3-DEV-05", no_txt) is Status.MANUAL
    assert judge("tcvn11930-2017-l3", "L3-X-SECTXT-01", no_txt) is Status.FAIL
    expired = {**GOOD_SITE, "exposure": {**no_txt["exposure"], "exposure.security_txt.present": True}}
    assert judge("tcvn14423-2026-l3", "N3-DEV-05", expired) is Status.FAIL
