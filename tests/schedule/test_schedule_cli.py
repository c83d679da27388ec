"""`l3audit schedule` and `l3audit jobs` as a person types them: clear lines, exit 2 on a mistake."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from audit.cli import cli
from audit.department.store import Store
from audit.schedule.jobs import list_jobs
from audit.schedule.schedules import fire_due, parse_time
from tests.schedule.support import write_inventory


def test_schedule_and_jobs_commands(tmp_path: Path) -> None:
    db = str(tmp_path / "audits.db")
    inventory = write_inventory(tmp_path / "outlets.yaml", {"a": ("127.17.8.1", 9), "b": ("127.17.8.2", 9)},
                                tags={"a": ["ha-noi"], "b": ["hue"]})
    runner = CliRunner()
    # Given a monthly schedule over one tag
    added = runner.invoke(cli, ["schedule", "add", "thang", "--inventory", str(inventory), "--every", "month",
                                "--outlets", "tag:hue", "--first", "2026-12-01T02:00:00+07:00", "--db", db, "--lang", "en"])
    assert added.exit_code == 0, added.output
    assert "next at 2026-11-30T19:00:00+00:00" in added.output
    listed = json.loads(runner.invoke(cli, ["schedule", "list", "--json", "--db", db]).output)
    assert [(s["name"], s["outlets"]) for s in listed] == [("thang", ["tag:hue"])]
    # When it fires, its job can be cancelled, then retried
    with Store(db) as store:
        (round_id,) = fire_due(store, parse_time("2026-12-01T00:00:00+00:00"))
        (job,) = list_jobs(store, round_id=round_id)
    assert job.outlet_id == "b"
    assert runner.invoke(cli, ["jobs", "cancel", str(job.id), "--db", db]).exit_code == 0
    with Store(db) as store:
        assert next(r for r in store.rounds() if r["id"] == round_id)["finished_at"] is not None
    assert "cancelled" in runner.invoke(cli, ["jobs", "list", "--db", db, "--lang", "en"]).output
    assert runner.invoke(cli, ["jobs", "retry", str(job.id), "--db", db]).exit_code == 0
    assert "pending" in runner.invoke(cli, ["jobs", "list", "--status", "pending", "--db", db, "--lang", "en"]).output
    # Then mistakes are one line and exit 2, nothing changed
    for args, message in [
        (["schedule", "add", "thang", "--inventory", str(inventory), "--every", "week", "--db", db], "đã có lịch tên 'thang'"),
        (["schedule", "add", "x", "--inventory", str(inventory), "--every", "week", "--outlets", "zz", "--db", db],
         "cơ quan không có trong danh sách: zz"),
        (["schedule", "remove", "khong-co", "--db", db], "không có lịch tên 'khong-co'"),
        (["jobs", "retry", "999", "--db", db], "không có lượt việc 999"),
        (["jobs", "retry", str(job.id), "--db", db], "chỉ chạy lại được lượt việc failed hoặc cancelled"),
    ]:
        result = runner.invoke(cli, args)
        assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output, result.output
    assert runner.invoke(cli, ["schedule", "remove", "thang", "--db", db]).exit_code == 0
    assert runner.invoke(cli, ["schedule", "list", "--db", db]).output == ""
