"""Tailoring: a department's parameters and not-applicable marks change the judgement, and bad files are refused."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest
from click.testing import CliRunner

from audit.catalogue.loader import Checklist, load_checklist
from audit.cli.checklist_extra import coverage as coverage_cmd
from audit.catalogue.coverage import coverage
from audit.errors import ChecklistError
from audit.evaluation import evaluate_requirement
from audit.models import AttemptStatus, ProbeAttempt, Status
from audit.catalogue.tailoring import apply_tailoring, load_tailoring, tailor_checklist

GOOD = """schema: l3audit/tailoring/v1
id: so-vhtt-bao-mau
title: {vi: "Tùy chỉnh cho Báo Mẫu", en: "Tailoring for Báo Mẫu"}
checklist: tcvn14423-2026-l3
level: 3
parameters:
  log_retention_months: 12
  min_hsts_max_age_seconds: 31536000
not_applicable:
  - id: N3-NET-08
    justification:
      vi: "Cơ quan không sử dụng mạng không dây"
      en: "The outlet runs no wireless network"
  - id: N3-HWA-10
    justification: {vi: "Mọi địa chỉ IP được cấp tĩnh, không dùng DHCP", en: "All addresses are static; no DHCP"}
"""


@cache
def level3() -> Checklist:
    return load_checklist("tcvn14423-2026-l3")


def write(tmp_path: Path, text: str, name: str = "tailoring.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def https_site(max_age_seconds: int) -> dict[str, dict[str, ProbeAttempt]]:
    facts = {
        "tls": {"tls.offered": True, "tls.protocols.TLSv1.2": True, "tls.certificate.trusted": True,
                "tls.certificate.expired": False, "tls.certificate.hostname_matches": True},
        "http": {"http.plain.reachable": True, "http.redirect.to_https": True,
                 "http.hsts.max_age_seconds": max_age_seconds},
        "mail": {"mail.mx.count": 1, "mail.mx.null": False, "mail.starttls.all_valid": True,
                 "mail.starttls.legacy_mx": []},
        "exposure": {"exposure.admin_over_plain_http": False},
    }
    return {"https://baomau.vn/": {
        probe: ProbeAttempt(probe, "https://baomau.vn/", AttemptStatus.COMPLETED, "2026-11-26T00:00:00+00:00", 0.1,
                            "test", "0", facts=f)
        for probe, f in facts.items()
    }}


def test_given_a_tailoring_then_thresholds_texts_and_applicability_change(tmp_path: Path) -> None:
    tailoring = load_tailoring(write(tmp_path, GOOD))
    tailored = apply_tailoring(level3(), tailoring)
    assert tailored.tailoring == "so-vhtt-bao-mau"
    assert tailored.content_hash != level3().content_hash
    assert len(tailored.requirements) == 195
    # The parameter flows into the text a reviewer reads...
    assert tailored.requirement("N3-LOG-08").title.vi == "Lưu nhật ký tối thiểu 12 tháng"
    assert tailored.parameters["log_retention_months"].value == 12
    # ...and into the automated checks: 180 days of HSTS passes by default, fails a one-year minimum.
    site = https_site(15552000)
    assert evaluate_requirement(level3().requirement("N3-DAT-10"), site).status is Status.MANUAL
    assert evaluate_requirement(tailored.requirement("N3-DAT-10"), site).status is Status.FAIL
    # Rows marked not applicable carry the justification and are judged not applicable.
    wifi = tailored.requirement("N3-NET-08")
    assert wifi.not_applicable and wifi.not_applicable_reason is not None
    assert wifi.not_applicable_reason.vi == "Cơ quan không sử dụng mạng không dây"
    result = evaluate_requirement(wifi, site)
    assert result.status is Status.NOT_APPLICABLE and "no wireless" in result.reason
    assert not level3().requirement("N3-NET-08").not_applicable  # the original is untouched (frozen)
    counts = coverage(tailored).counts
    assert counts.not_applicable == 2 and counts.manual == 178


def test_inherited_rows_are_tailored_too(tmp_path: Path) -> None:
    text = GOOD.replace("log_retention_months: 12", "procedure_review_months: 6")
    tailored = tailor_checklist(write(tmp_path, text))
    inherited = tailored.requirement("N3-RSK-02")
    assert inherited.origin == "tcvn14423-2026-l2"
    assert "tối thiểu 6 tháng một lần" in inherited.title.vi


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("- id: N3-NET-08", "- id: N3-NET-88",
         r"tailoring.yaml:10: row N3-NET-88: 'tcvn14423-2026-l3' has no requirement 'N3-NET-88' \(hint: did you mean 'N3-NET-\d\d'"),
        ("log_retention_months: 12", "log_retention_months: 2",
         (r"tailoring.yaml:7: parameter log_retention_months: parameter 'log_retention_months' = 2 is below its minimum 3 "
          r"\(hint: allowed range: 3 to 120 months\)")),
        ("log_retention_months: 12", "log_retention_month: 12",
         (r"tailoring.yaml:7: parameter log_retention_month: 'tcvn14423-2026-l3' has no parameter 'log_retention_month' "
          r"\(hint: did you mean 'log_retention_months'")),
        ("log_retention_months: 12", "log_retention_months: many",
         r"parameter 'log_retention_months' must be a number, got 'many'"),
        ('      en: "The outlet runs no wireless network"\n', "",
         r"tailoring.yaml:\d+: row N3-NET-08: not_applicable.0.justification: 'en' is a required property"),
        ('      vi: "Cơ quan không sử dụng mạng không dây"\n', '      vi: "  "\n',
         r"row N3-NET-08: not_applicable.0.justification.vi: '  ' does not match"),
        ("  - id: N3-HWA-10\n    justification: {vi: \"Mọi địa chỉ IP được cấp tĩnh, không dùng DHCP\", en: \"All addresses are static; no DHCP\"}\n",
         "  - id: N3-HWA-10\n",
         r"tailoring.yaml:\d+: row N3-HWA-10: not_applicable.1: 'justification' is a required property"),
        ("level: 3", "level: 2", r"level 2 does not match the level of 'tcvn14423-2026-l3' \(3\)"),
        ("checklist: tcvn14423-2026-l3", "checklist: tcvn14423-2026-l4", r"unknown checklist id 'tcvn14423-2026-l4'"),
    ],
)
def test_bad_tailoring_is_refused_with_a_precise_message(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(ChecklistError, match=message):
        tailor_checklist(path)


def test_a_row_marked_twice_or_excluded_is_refused(tmp_path: Path) -> None:
    twice = GOOD + "  - id: N3-NET-08\n    justification: {vi: \"Lặp lại\", en: \"Repeated\"}\n"
    with pytest.raises(ChecklistError, match="marked not applicable twice"):
        load_tailoring(write(tmp_path, twice))
    excluded = GOOD.replace("- id: N3-HWA-10", "- id: N2-NET-01")
    with pytest.raises(ChecklistError, match="'N2-NET-01' is excluded from this level already"):
        tailor_checklist(write(tmp_path, excluded, "excluded.yaml"))


def test_a_tailoring_for_another_catalogue_is_refused(tmp_path: Path) -> None:
    tailoring = load_tailoring(write(tmp_path, GOOD))
    with pytest.raises(ChecklistError, match="this tailoring is for 'tcvn14423-2026-l3', not 'l3-starter'"):
        apply_tailoring(load_checklist("l3-starter"), tailoring)


def test_justifications_round_trip_through_json(tmp_path: Path) -> None:
    tailored = tailor_checklist(write(tmp_path, GOOD))
    reason = tailored.requirement("N3-HWA-10").not_applicable_reason
    assert reason is not None
    assert json.loads(json.dumps({"vi": reason.vi}, ensure_ascii=False))["vi"] == "Mọi địa chỉ IP được cấp tĩnh, không dùng DHCP"


def test_cli_coverage_shows_tailored_rows_and_refuses_bad_files(tmp_path: Path) -> None:
    runner = CliRunner()
    good = runner.invoke(coverage_cmd, ["--tailoring", str(write(tmp_path, GOOD)), "--format", "json"])
    assert good.exit_code == 0, good.output
    data = json.loads(good.output)
    assert data[0]["id"] == "tcvn14423-2026-l3" and data[0]["not_applicable"] == 2 and data[0]["total"] == 195
    bad = runner.invoke(coverage_cmd, ["--tailoring", str(write(tmp_path, GOOD.replace("level: 3", "level: 4"), "b.yaml"))])
    assert bad.exit_code == 2
    both = runner.invoke(coverage_cmd, ["--lang", "en"])
    assert both.exit_code == 0
    assert "tcvn11930-2017-l3" in both.output and "tcvn14423-2026-l3" in both.output and "195" in both.output
