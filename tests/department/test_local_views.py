"""The department's views in its own time zone (Asia/Ho_Chi_Minh, L3AUDIT_TZ): history, outlets list,
diff @DATE by local day; withdrawals and signer names in history; `outlets remove ID`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from audit.cli import cli
from audit.department.store import Store
from tests.department.support import make_result

NIGHT_AUDIT = "2026-12-01T19:12:00+00:00"  # 02:12 on 2 December in Hà Nội
BUNDLE_SHA = "c0ffee" * 10 + "abcd"


@pytest.fixture()
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "l3audit.db")
    with Store(path) as store:
        store.add_result(make_result("bao-dem", {"L3-TLS-01": "fail"}, "2026-11-20T09:00:00+00:00"),
                         store.start_round("11", "run"))
        submission = {"bundle_sha256": BUNDLE_SHA, "key_id": "3f1c0a9b2e7d4c55",
                      "signer_name": "Phòng Kỹ thuật Báo Đêm", "signed_at": NIGHT_AUDIT, "attachments": "{}"}
        store.add_result(make_result("bao-dem", {"L3-TLS-01": "pass"}, NIGHT_AUDIT), store.start_round("12", "import"),
                         signer="3f1c0a9b2e7d4c55", submission=submission)
        store.replace_inventory([("bao-dem", "Báo Đêm", ()), ("bao-khac", "Báo Khác", ())])
    return path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env={"COLUMNS": "250"})
    return result.exit_code, result.output


def test_history_shows_local_times_signer_names_and_withdrawals(db: str) -> None:
    assert run("import", "--withdraw", BUNDLE_SHA[:16], "--reason", "nhầm kết quả", "--db", db)[0] == 0
    code, output = run("history", "bao-dem", "--db", db, "--json")
    assert code == 0, output
    audits = json.loads(output)["audits"]
    assert audits[1]["finished_at"] == NIGHT_AUDIT and audits[1]["finished_at_local"] == "2026-12-02T02:12:00+07:00"
    assert audits[1]["signer_names"] == ["Phòng Kỹ thuật Báo Đêm"] and audits[1]["withdrawn"] == "nhầm kết quả"
    assert audits[0]["withdrawn"] is None and audits[0]["signer_names"] == []
    code, table = run("history", "bao-dem", "--db", db, "--lang", "vi")
    assert code == 0 and "02/12/2026 02:12 (UTC+07:00)" in table, table
    assert "Phòng Kỹ thuật Báo Đêm" in table and "nhầm kết quả" in table
    # diff still compares the withdrawn result, and says it was withdrawn.
    code, output = run("diff", "@2026-11-20", "@2026-12-02", "--db", db, "--json")
    assert json.loads(output)["withdrawn"] == [{"side": "new", "outlet_id": "bao-dem", "reason": "nhầm kết quả"}]
    code, output = run("diff", "@2026-11-20", "@2026-12-02", "--db", db, "--lang", "en")
    assert "Withdrawn: bao-dem (new): nhầm kết quả" in output, output


def test_l3audit_tz_changes_the_zone_shown(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("L3AUDIT_TZ", "UTC")
    code, output = run("history", "bao-dem", "--db", db, "--json")
    assert json.loads(output)["audits"][1]["finished_at_local"] == NIGHT_AUDIT, output


def test_outlets_list_in_local_time_and_remove(db: str) -> None:
    code, output = run("outlets", "list", "--db", db, "--json")
    rows = {r["id"]: r for r in json.loads(output)}
    assert rows["bao-dem"]["latest_finished_at_local"] == "2026-12-02T02:12:00+07:00"
    assert rows["bao-khac"]["latest_finished_at_local"] is None
    code, table = run("outlets", "list", "--db", db)
    assert code == 0 and "Asia/Ho_Chi_Minh" in table and "2026-12-02T02:12:00+07:00" in table, table
    code, output = run("outlets", "remove", "bao-khac", "--db", db)
    assert code == 0 and "bao-khac" in output, output
    assert [r["id"] for r in json.loads(run("outlets", "list", "--db", db, "--json")[1])] == ["bao-dem"]
    code, output = run("outlets", "remove", "bao-khac", "--db", db)
    assert code == 2 and "Không có cơ quan báo chí này trong danh sách: bao-khac" in output
    # The results stay: history still has both audits.
    assert len(json.loads(run("history", "bao-dem", "--db", db, "--json")[1])["audits"]) == 2


@pytest.mark.parametrize("day, status", [("@2026-12-02", "pass"), ("@02/12/2026", "pass"), ("@2026-12-01", "fail"),
                                         ("@2026-12-01T19:12:00+00:00", "pass")])
def test_diff_at_a_date_compares_local_days(db: str, day: str, status: str) -> None:
    code, output = run("diff", "@2026-11-20", day, "--db", db, "--json")
    assert code in (0, 1), output
    outlet = json.loads(output)["outlets"][0]
    # 19:12 UTC on 1 December is 2 December in Hà Nội: @2026-12-01 still sees the failing audit.
    expected = {"pass": "compliant", "fail": "not_compliant"}[status]
    assert outlet["outlet_id"] == "bao-dem" and outlet["new_verdict"] == expected, output


@pytest.mark.parametrize("spec", ["@hom-qua", "@2026-13-01", "@2026-12-01Tx"])
def test_diff_at_a_bad_date_exits_2(db: str, spec: str) -> None:
    code, output = run("diff", spec, "@2026-12-02", "--db", db)
    assert code == 2 and "gợi ý" in output, output  # Vietnamese by default


def test_the_dashboard_names_the_signer_not_the_key_id(db: str, tmp_path: Path) -> None:
    out = tmp_path / "d.json"
    code, output = run("aggregate", "--db", db, "-o", str(out))
    assert code == 0, output
    signers = {o["id"]: o["signer"] for o in json.loads(out.read_text(encoding="utf-8"))["outlets"]}
    assert signers == {"bao-dem": "Phòng Kỹ thuật Báo Đêm", "bao-khac": ""}  # bao-khac: in the inventory, no result
