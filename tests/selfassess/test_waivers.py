"""Waivers: validated before scanning, applied until they expire, and said so when they have expired."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from audit.evaluation import judge_outlet, summarise
from audit.exitcodes import USAGE
from audit.i18n import error_text
from audit.selfassess.merge import SelfAssessment, load_self_assessment, merge_requirement
from audit.models import RequirementResult, SiteResult, Status
from audit.selfassess.waivers import Waiver, WaiverError, load_waivers
from tests.selfassess.support import invoke, load, write_checklist

WAIVER = {
    "id": "MT-2026-01", "requirement": "OPS-01", "outlet": "bao-mau",
    "justification": "Hệ thống sao lưu mới đang được mua sắm, dự kiến xong tháng 3/2027",
    "approver": "Cục Báo chí", "created": "2026-11-01", "expires": "2027-03-31",
}
TODAY = dt.date(2026, 11, 26)


def write(tmp_path: Path, *waivers: dict, name: str = "waivers.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump({"schema": "l3audit/waivers/v1", "waivers": list(waivers)}, allow_unicode=True,
                                   sort_keys=False), encoding="utf-8")
    return path


def judge(tmp_path: Path, waivers: Path | None, today: dt.date = TODAY) -> tuple[dict, dict]:
    checklist = load(tmp_path)
    assessment = load_self_assessment(checklist, [], waivers, today)
    results = judge_outlet(checklist, "bao-mau", {}, assessment)
    return {r.requirement_id: r.to_dict() for r in results}, summarise(checklist, results)


def test_verdict_gate_without_and_with_a_valid_waiver(tmp_path: Path) -> None:
    # Nothing answered: the mandatory rows stay manual, so the verdict is incomplete ...
    _by_id, summary = judge(tmp_path, None)
    assert summary["verdict"] == "incomplete"
    # ... a waiver covers OPS-01 but POL-01 is still open ...
    by_id, summary = judge(tmp_path, write(tmp_path, WAIVER))
    assert by_id["OPS-01"]["status"] == "waived" and by_id["OPS-01"]["source"] == "waiver"
    assert "MT-2026-01" in by_id["OPS-01"]["reason"] and by_id["OPS-01"]["waiver"]["expires"] == "2027-03-31"
    assert summary["verdict"] == "incomplete" and summary["waived"] == ["OPS-01"]
    # ... and with a pattern waiver over both mandatory rows the outlet is compliant (and the score says 0 points).
    by_id, summary = judge(tmp_path, write(tmp_path, WAIVER, {**WAIVER, "id": "MT-2", "requirement": "POL-*"}))
    assert summary["verdict"] == "compliant"
    assert summary["score"]["points"] == 0 and summary["score"]["coverage_percent"] == pytest.approx(66.7)


def test_an_expired_waiver_stops_applying_and_the_result_says_so(tmp_path: Path) -> None:
    by_id, summary = judge(tmp_path, write(tmp_path, WAIVER), today=dt.date(2027, 4, 1))
    ops = by_id["OPS-01"]
    assert ops["status"] == "manual" and "waiver" not in ops
    assert "waiver MT-2026-01 expired on 2027-03-31 and no longer applies" in ops["reason"]
    assert ops["expired_waivers"][0]["expired"] is True
    assert summary["expired_waivers"] == ["MT-2026-01"]
    # The last day still counts.
    by_id, _ = judge(tmp_path, write(tmp_path, WAIVER), today=dt.date(2027, 3, 31))
    assert by_id["OPS-01"]["status"] == "waived"


def test_a_waiver_for_another_outlet_does_not_apply(tmp_path: Path) -> None:
    by_id, _ = judge(tmp_path, write(tmp_path, {**WAIVER, "outlet": "bao-khac"}))
    assert by_id["OPS-01"]["status"] == "manual"


def test_site_scoped_waiver_and_a_check_that_no_longer_runs() -> None:
    sites = (SiteResult("https://a.vn/", Status.FAIL, "failed check(s): hsts"),
             SiteResult("https://b.vn/", Status.PASS, "all checks passed"))
    probe = RequirementResult("L3-WEB-02", Status.FAIL, "https://a.vn/: failed check(s): hsts", sites, "probe")
    site_waiver = Waiver("W1", "L3-WEB-02", "bao-mau", "legacy site", "Cục", dt.date(2026, 1, 1),
                         dt.date(2027, 1, 1), site="https://a.vn")
    merged = merge_requirement(None, probe, None, (), [site_waiver], TODAY)  # type: ignore[arg-type]
    assert merged.status is Status.WAIVED  # the only failing site is waived, the other passes
    assert [s.status for s in merged.sites] == [Status.WAIVED, Status.PASS]
    not_run = Waiver("W2", "L3-WEB-*", "*", "replaced next month", "Cục", dt.date(2026, 1, 1), dt.date(2027, 1, 1),
                     check_still_runs=False)
    merged = merge_requirement(None, probe, None, (), [not_run], TODAY)  # type: ignore[arg-type]
    assert merged.status is Status.WAIVED and merged.sites == () and "not checked while waived" in merged.reason


@pytest.mark.parametrize("change, message", [
    ({"expires": None}, "waiver MT-2026-01: waivers.0: 'expires' is a required property"),
    ({"justification": None}, "'justification' is a required property"),
    ({"justification": "   "}, "waiver MT-2026-01: the justification is empty"),
    ({"expires": "2026-10-01"}, "expires (2026-10-01) is before created (2026-11-01)"),
    ({"expires": "2027-02-30"}, "'2027-02-30' is not a real date"),
    ({"requirement": "NET-*"}, "'NET-*' matches no requirement of checklist 'sa-manual'"),
])
def test_bad_waivers_are_refused_before_scanning(tmp_path: Path, change: dict, message: str) -> None:
    waiver = {k: v for k, v in {**WAIVER, **change}.items() if v is not None}
    path = write(tmp_path, waiver)
    before = path.read_bytes()
    with pytest.raises(WaiverError) as caught:
        load_waivers(path, load(tmp_path))
    assert message in str(caught.value) and str(caught.value).startswith(f"{path}:")
    result = invoke("scan", "chet.test:1", "--resolve", "chet.test:1:127.0.0.254", "--no-nmap",
                    "--checklist", write_checklist(tmp_path), "--waivers", path)
    # the CLI says the same error in the command's language (Vietnamese, as conftest pins it)
    assert result.exit_code == USAGE and " ".join(error_text(caught.value, "vi").split()) in " ".join(result.output.split())
    assert path.read_bytes() == before


def test_unquoted_yaml_dates_are_read(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text("schema: l3audit/waivers/v1\nwaivers:\n  - id: W1\n    requirement: OPS-01\n    outlet: '*'\n"
                    "    justification: lý do\n    approver: Cục\n    created: 2026-11-01\n    expires: 2027-01-01\n",
                    encoding="utf-8")
    waivers = load_waivers(path, load(tmp_path))
    assert waivers.waivers[0].expires == dt.date(2027, 1, 1)
    assert isinstance(SelfAssessment(waivers=waivers).waivers.matching("OPS-01", "x")[0], Waiver)


def test_scan_verdict_gate_with_and_without_a_waiver_against_a_real_site(sites, ca_file, tmp_path: Path) -> None:
    import json

    from audit.demo.outlets import GOOD_HEADERS
    from audit.demo.servers import SiteConfig, security_txt_files
    from audit.exitcodes import FINDINGS, OK

    # Given a site that is fine except for HSTS (a mandatory requirement) ...
    headers = {k: v for k, v in GOOD_HEADERS.items() if k != "Strict-Transport-Security"}
    target = sites.https("hsts.test", SiteConfig(headers=headers, files=security_txt_files()), http_redirect=True)
    args = ["scan", f"hsts.test:{target.port}", "--resolve", f"hsts.test:{target.port}:{target.address}",
            "--http-port", target.http_port, "--ca-file", ca_file, "--no-nmap", "--timeout", "3"]
    out = tmp_path / "r.json"
    result = invoke(*args, "--json", out)
    assert result.exit_code == FINDINGS, result.output
    assert json.loads(out.read_text())["summary"]["verdict"] == "not_compliant"
    # ... a valid waiver for it makes the outlet compliant, and the result explains why.
    waivers = write(tmp_path, {**WAIVER, "requirement": "L3-WEB-02", "outlet": "*", "expires": "2099-12-31"})
    result = invoke(*args, "--checklist", "l3-starter", "--waivers", waivers, "--json", out)
    assert result.exit_code == OK, result.output
    data = json.loads(out.read_text())
    web02 = next(r for r in data["requirements"] if r["requirement_id"] == "L3-WEB-02")
    assert web02["status"] == "waived" and web02["probe_status"] == "fail" and "the check still ran: fail" in web02["reason"]
    assert data["summary"]["verdict"] == "compliant" and data["summary"]["waived"] == ["L3-WEB-02"]
    assert data["summary"]["score"]["requirements"]["L3-WEB-02"]["points"] == 0.0
