"""`l3audit alerts list | ack` as a person types them: Vietnamese by default, English with --lang en,
the acknowledgement stored (schema v5) and the alert still open until a result shows it fixed."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from audit.alerts.state import record_findings
from audit.cli import cli
from audit.department.store import Store
from audit.department.store.migrations import LATEST
from tests.department.support import make_result


def _db_with_alerts(tmp_path: Path) -> str:
    db = str(tmp_path / "audits.db")
    with Store(db) as store:
        round_id = store.start_round("r", "schedule")
        with store.write("store") as conn:
            for outlet, status in (("bao-a", "fail"), ("bao-b", "fail")):
                record_findings(conn, make_result(outlet, {"L3-TLS-01": status}, "2026-12-01T00:00:00+00:00"),
                                round_id, 30)
            # bao-b fixes it in the next result: its alert is closed
            record_findings(conn, make_result("bao-b", {"L3-TLS-01": "pass"}, "2026-12-02T00:00:00+00:00"),
                            round_id, 30)
    return db


def test_alerts_list_and_ack(tmp_path: Path) -> None:
    # Given two alerts, one of them fixed
    db = _db_with_alerts(tmp_path)
    runner = CliRunner()
    # When they are listed (Vietnamese by default), only the open one shows
    listed = runner.invoke(cli, ["alerts", "list", "--db", db], env={"L3AUDIT_LANG": "vi"})
    assert listed.exit_code == 0, listed.output
    assert "bao-a" in listed.output and "bao-b" not in listed.output
    assert "Yêu cầu L3-TLS-01 không đạt" in listed.output and "đang mở" in listed.output
    everything = json.loads(runner.invoke(cli, ["alerts", "list", "--all", "--json", "--db", db]).output)
    assert [(a["outlet_id"], a["state"]) for a in everything] == [("bao-a", "open"), ("bao-b", "fixed")]
    alert_id = everything[0]["id"]
    # And acknowledged, the acknowledgement is stored and shown, in English with --lang en
    acked = runner.invoke(cli, ["alerts", "ack", str(alert_id), "--by", "Nguyễn Văn An", "--note", "đang sửa",
                                "--db", db, "--lang", "en"])
    assert acked.exit_code == 0, acked.output
    assert f"Alert {alert_id} acknowledged (by Nguyễn Văn An)" in acked.output
    english = runner.invoke(cli, ["alerts", "list", "--outlet", "bao-a", "--db", db, "--lang", "en"]).output
    assert "acknowledged (by Nguyễn Văn An, at " in english and "đang sửa" in english
    assert "Requirement L3-TLS-01 failed" in english
    (row,) = json.loads(runner.invoke(cli, ["alerts", "list", "--json", "--db", db]).output)
    assert (row["state"], row["acked_by"], row["ack_note"], row["fixed_at"]) == ("acked", "Nguyễn Văn An", "đang sửa", None)
    with Store(db) as store:
        assert store.schema_version() == LATEST
    # Then an unknown id is one translated line and exit 2
    missing = runner.invoke(cli, ["alerts", "ack", "999", "--db", db], env={"L3AUDIT_LANG": "vi"})
    assert missing.exit_code == 2 and "không có cảnh báo 999" in missing.output and "Traceback" not in missing.output
    none = runner.invoke(cli, ["alerts", "list", "--outlet", "khong-co", "--db", db, "--lang", "en"])
    assert none.output.strip() == "No alerts."
