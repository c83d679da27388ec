"""Diffs between audit rounds on constructed histories: each kind of change, per requirement and per
outlet, first-seen dates of open failures, and the `l3audit diff` command on files, rounds and dates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from audit.cli import cli
from audit.department.diff import classify, diff_results, failing_since
from audit.result import write_json_atomic
from audit.department.store import Store
from tests.department.support import make_result

SEP, OCT, NOV = "2026-09-01T09:00:00+00:00", "2026-10-01T09:00:00+00:00", "2026-11-01T09:00:00+00:00"


@pytest.mark.parametrize(("old", "new", "kind"), [
    ("fail", "pass", "fixed"), ("fail", "waived", "fixed"), ("fail", "not_applicable", "fixed"),
    ("pass", "fail", "regressed"), ("error", "fail", "regressed"), ("manual", "fail", "regressed"),
    ("error", "pass", "improved"), ("manual", "pass", "improved"),
    ("pass", "error", "unmeasured"), ("fail", "error", "unmeasured"), ("fail", "manual", "unmeasured"),
    ("pass", "pass", "unchanged"), ("fail", "fail", "unchanged"), ("pass", "waived", "unchanged"),
    (None, "fail", "new"), ("pass", None, "removed"),
])
def test_each_status_change_is_classified(old: str | None, new: str | None, kind: str) -> None:
    assert classify(old, new) == kind


def _rounds() -> tuple[dict, dict]:
    """Four outlets over two rounds: one fixed everything, one regressed, one steady, one new, one gone."""
    old = {
        "a": make_result("a", {"R1": "fail", "R2": "pass", "R3": "error"}, OCT),
        "b": make_result("b", {"R1": "pass", "R2": "pass", "R3": "pass"}, OCT),
        "c": make_result("c", {"R1": "fail", "R2": "fail", "R3": "pass"}, OCT),
        "gone": make_result("gone", {"R1": "pass"}, OCT),
    }
    new = {
        "a": make_result("a", {"R1": "pass", "R2": "pass", "R3": "pass"}, NOV),
        "b": make_result("b", {"R1": "pass", "R2": "fail", "R3": "error"}, NOV),
        "c": make_result("c", {"R1": "fail", "R2": "pass", "R3": "pass", "R4": "fail"}, NOV),
        "d": make_result("d", {"R1": "fail"}, NOV),
    }
    return old, new


def test_diff_counts_on_a_constructed_pair_of_rounds() -> None:
    old, new = _rounds()
    diff = diff_results(old, new, "10", "11")
    assert diff.requirement_totals() == {"regressed": 1, "fixed": 2, "improved": 1, "unmeasured": 1,
                                         "unchanged": 4, "new": 2, "removed": 1}
    by_outlet = {o.outlet_id: o for o in diff.outlets}
    assert {k: o.change for k, o in by_outlet.items()} == {
        "a": "fixed", "b": "regressed", "c": "unchanged", "d": "new", "gone": "removed"}
    assert (by_outlet["c"].old_failed, by_outlet["c"].new_failed) == (2, 2)  # one fixed, one new failure
    assert dict(by_outlet["b"].counts) == {"unchanged": 1, "regressed": 1, "unmeasured": 1}
    # Open failures date from OLD when they already failed there, else from NEW
    since = {(r.outlet_id, r.requirement_id): r.failing_since for r in diff.requirements if r.new == "fail"}
    assert since == {("b", "R2"): NOV, ("c", "R1"): OCT, ("c", "R4"): NOV, ("d", "R1"): NOV}


def test_failing_since_follows_the_unbroken_run_of_failures() -> None:
    history = [(SEP, {"R1": "fail", "R2": "fail"}), (OCT, {"R1": "pass", "R2": "fail"}), (NOV, {"R1": "fail", "R2": "fail"})]
    assert failing_since(history) == {"R1": NOV, "R2": SEP}
    assert failing_since([]) == {}


def test_diff_command_on_files_rounds_and_dates(tmp_path: Path) -> None:
    old, new = _rounds()
    db = str(tmp_path / "d.db")
    with Store(db) as store:
        first = store.start_round("sep", "run")
        store.add_result(make_result("c", {"R1": "fail", "R2": "pass", "R3": "pass"}, SEP), first)
        oct_round, nov_round = store.start_round("oct", "run"), store.start_round("nov", "run")
        for doc in old.values():
            store.add_result(doc, oct_round)
        for doc in new.values():
            store.add_result(doc, nov_round)
    folder = tmp_path / "old"
    for outlet, doc in old.items():
        write_json_atomic(folder / f"{outlet}.json", doc)
    runner = CliRunner()
    # Rounds: first-seen dates come from the whole stored history (c/R1 fails since September)
    done = runner.invoke(cli, ["diff", str(oct_round), f"round:{nov_round}", "--db", db, "--json"])
    assert done.exit_code == 1, done.output  # something regressed
    data = json.loads(done.output)
    assert data["outlet_totals"]["fixed"] == 1 and data["requirement_totals"]["regressed"] == 1
    assert {(f["outlet_id"], f["requirement_id"]): f["failing_since"] for f in data["open_failures"]}[("c", "R1")] == SEP
    # A folder against a date snapshot: the same changes, except that the snapshot still holds
    # outlet "gone" (its latest result by that date), so nothing is removed
    same = json.loads(runner.invoke(cli, ["diff", str(folder), "@2026-11-30", "--db", db, "--json"]).output)
    assert same["requirement_totals"] == data["requirement_totals"] | {"unchanged": 5, "removed": 0}
    # Files without a database: no regression between identical results, exit 0
    write_json_atomic(tmp_path / "a.json", new["a"])
    assert runner.invoke(cli, ["diff", str(tmp_path / "a.json"), str(tmp_path / "a.json")]).exit_code == 0
    # A round id without --db is a usage error that says what to add
    bad = runner.invoke(cli, ["diff", "3", "4"], env={"L3AUDIT_DB": ""})
    assert bad.exit_code == 2 and "--db" in bad.output


def test_history_command_lists_audits_with_changes_and_rounds(tmp_path: Path) -> None:
    db = str(tmp_path / "d.db")
    with Store(db) as store:
        for label, when, statuses in (("10", OCT, {"R1": "fail", "R2": "pass"}), ("11", NOV, {"R1": "pass", "R2": "fail"})):
            store.add_result(make_result("a", statuses, when), store.start_round(label, "run"))
    runner = CliRunner()
    done = runner.invoke(cli, ["history", "a", "--db", db, "--json"])
    assert done.exit_code == 0, done.output
    audits = json.loads(done.output)["audits"]
    assert [(a["finished_at"], a["fixed"], a["regressed"]) for a in audits] == [(OCT, 0, 0), (NOV, 1, 1)]
    rounds = json.loads(runner.invoke(cli, ["history", "--rounds", "--db", db, "--json"]).output)
    assert [r["label"] for r in rounds] == ["10", "11"]
    unknown = runner.invoke(cli, ["history", "khong-co", "--db", db])
    assert unknown.exit_code == 2 and "không có kết quả nào được lưu" in unknown.output
    english = runner.invoke(cli, ["history", "khong-co", "--db", db, "--lang", "en"])
    assert english.exit_code == 2 and "no stored result" in english.output
    table = runner.invoke(cli, ["history", "a", "--db", db], env={"COLUMNS": "160"})
    assert "Đợt" in table.output and "Xấu đi" in table.output


def test_diff_without_db_uses_the_documented_default_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Given ./l3audit.db with two rounds, when `diff 1 2` runs without --db, then the rounds are found."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("L3AUDIT_DB", raising=False)
    with Store("l3audit.db") as store:
        store.add_result(make_result("bao-a", {"L3-TLS-01": "pass"}, "2026-10-01T08:00:00+00:00"),
                         store.start_round("10", "run"))
        store.add_result(make_result("bao-a", {"L3-TLS-01": "fail"}, "2026-11-01T08:00:00+00:00"),
                         store.start_round("11", "run"))
    done = CliRunner().invoke(cli, ["diff", "1", "2", "--json"])
    assert done.exit_code == 1, done.output  # L3-TLS-01 regressed
    assert json.loads(done.output)["outlets"][0]["outlet_id"] == "bao-a"
