"""Import re-judges: a signed result whose summary does not follow from its statuses is refused, the
difference named; a consistent one is stored. With a shipped catalogue the whole summary is recomputed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from audit.cli import cli
from audit.department.bundle import BundleError, sign_bundle, verify_bundle
from audit.department.keys import generate_key, load_trusted_keys
from audit.department.rejudge import summary_differences
from audit.result import write_json_atomic
from tests.department.support import make_result

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
STATUSES = {f"L3-WEB-{i:02}": "fail" for i in range(8)} | {"L3-TLS-01": "pass"}


def sign(tmp_path: Path, result: dict) -> tuple[Path, Path]:
    key, public, _ = generate_key(tmp_path / "keys", "bao-a", ("*",))
    path = tmp_path / "result.json"
    write_json_atomic(path, result)
    bundle = tmp_path / "bundle.json"
    sign_bundle(path, key, bundle, "Phòng Kỹ thuật Báo A")
    return bundle, public


def test_a_compliant_summary_with_eight_failures_is_refused_and_the_difference_named(tmp_path: Path) -> None:
    """Given a signed result claiming 'compliant', 100 % with 8 failures, when imported, then refused."""
    result = make_result("bao-a", STATUSES, "2026-12-01T19:12:00+00:00")
    result["summary"].update(verdict="compliant", pass_percent=100.0, mandatory_failed=[])
    bundle, public = sign(tmp_path, result)
    with pytest.raises(BundleError) as caught:
        verify_bundle(bundle, load_trusted_keys(public))
    text = str(caught.value)
    assert "contradicts itself" in text and "pass_percent: stored 100.0, the statuses give 11.1" in text
    assert "verdict 'compliant' with 8 failure(s)" in text
    db = str(tmp_path / "l3audit.db")
    done = CliRunner().invoke(cli, ["import", str(bundle), "--trusted-keys", str(public), "--db", db])
    assert done.exit_code == 2 and "kết quả đã ký tự mâu thuẫn" in done.output
    assert "pass_percent: giá trị đã lưu 100.0, theo trạng thái các yêu cầu phải là 11.1" in done.output


def test_a_consistent_result_is_accepted(tmp_path: Path) -> None:
    result = make_result("bao-a", STATUSES, "2026-12-01T19:12:00+00:00")
    assert summary_differences(result) == []
    bundle, public = sign(tmp_path, result)
    assert verify_bundle(bundle, load_trusted_keys(public)).result["outlet"]["id"] == "bao-a"


def test_with_the_shipped_catalogue_a_forged_verdict_is_found_by_rescoring(tmp_path: Path) -> None:
    """Given a result of the shipped l3-starter catalogue (same content hash) whose failures are
    hidden from mandatory_failed and counts, then rescoring names the verdict and the counts."""
    from audit.catalogue.loader import load_checklist

    checklist = load_checklist("l3-starter")
    result = json.loads((GOLDEN / "result-good.json").read_text(encoding="utf-8"))
    result["checklist"]["content_hash"] = checklist.content_hash
    for req in result["requirements"]:
        req["status"] = "fail"
    problems = summary_differences(result)
    assert "verdict: stored 'compliant', the statuses give 'not_compliant'" in problems, problems
    assert any(p.startswith("counts: stored") for p in problems), problems


def test_a_wrong_import_is_withdrawn_kept_and_no_longer_counted(tmp_path: Path) -> None:
    """Given an imported bundle, when it is withdrawn with a reason, then the result stays stored (history)
    but the dashboard no longer counts it; a withdrawal without a reason is a usage error."""
    bundle, public = sign(tmp_path, make_result("bao-a", STATUSES, "2026-12-01T19:12:00+00:00"))
    db = str(tmp_path / "so.db")
    runner = CliRunner()
    done = runner.invoke(cli, ["import", str(bundle), "--trusted-keys", str(public), "--db", db])
    assert done.exit_code == 0 and "người ký" in done.output and "gói" in done.output, done.output
    digest = done.output.split("gói")[-1].split(")")[0].strip()
    assert runner.invoke(cli, ["import", "--withdraw", digest, "--db", db]).exit_code == 2
    gone = runner.invoke(cli, ["import", "--withdraw", digest, "--reason", "gửi nhầm kết quả", "--db", db])
    assert gone.exit_code == 0 and "đã rút" in gone.output, gone.output
    history = runner.invoke(cli, ["history", "bao-a", "--db", db, "--json"])
    assert len(json.loads(history.output)["audits"]) == 1
    out = tmp_path / "d.json"
    assert runner.invoke(cli, ["aggregate", "--db", db, "-o", str(out)]).exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["outlets"] == []
    unknown = runner.invoke(cli, ["import", "--withdraw", "0" * 16, "--reason", "x", "--db", db])
    assert unknown.exit_code == 2 and "không có lần nhập nào khớp" in unknown.output
