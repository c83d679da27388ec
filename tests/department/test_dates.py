"""Date filters of the department's views: validated (exit 2 with a hint), dd/mm/yyyy accepted, days
in Asia/Ho_Chi_Minh while times are stored in UTC."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from audit.cli import cli
from audit.department.store import Store
from tests.department.support import make_result

NIGHT_AUDIT = "2026-12-01T19:12:00+00:00"  # 02:12 on 2 December in Hà Nội


@pytest.fixture()
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "l3audit.db")
    with Store(path) as store:
        store.add_result(make_result("bao-dem", {"L3-TLS-01": "pass"}, NIGHT_AUDIT), store.start_round("12", "run"))
        store.add_result(make_result("bao-ngay", {"L3-TLS-01": "pass"}, "2026-12-02T09:00:00+07:00"),
                         store.start_round("12b", "run"))
    return path


def dashboard(db: str, tmp_path: Path, *filters: str) -> tuple[int, str, dict]:
    out = tmp_path / "d.json"
    result = CliRunner().invoke(cli, ["aggregate", "--db", db, "-o", str(out), *filters])
    view = json.loads(out.read_text(encoding="utf-8")) if result.exit_code == 0 else {}
    return result.exit_code, result.output, view


@pytest.mark.parametrize("filters", [("--since", "2026-12-02"), ("--since", "02/12/2026", "--until", "2/12/2026")])
def test_a_night_audit_is_on_the_local_day_and_shown_in_local_time(db: str, tmp_path: Path, filters: tuple) -> None:
    code, output, view = dashboard(db, tmp_path, *filters)
    assert code == 0, output
    times = {o["id"]: o["finished_at"] for o in view["outlets"]}
    # the +07:00 result was stored in UTC and is shown back in Hà Nội time
    assert times == {"bao-dem": "2026-12-02T02:12:00+07:00", "bao-ngay": "2026-12-02T09:00:00+07:00"}
    assert view["timezone"] == "Asia/Ho_Chi_Minh"


def test_the_day_before_in_hanoi_excludes_the_night_audit(db: str, tmp_path: Path) -> None:
    code, output, view = dashboard(db, tmp_path, "--until", "01/12/2026")
    assert code == 0 and view["outlets"] == [], output


@pytest.mark.parametrize("filters, message", [
    (("--since", "2026-13-01"), "--since '2026-13-01' không phải một ngày"),
    (("--since", "hom-qua"), "--since 'hom-qua' không phải một ngày (gợi ý: viết ngày dạng YYYY-MM-DD hoặc dd/mm/yyyy"),
    (("--since", "2026-12-05", "--until", "2026-12-01"), "--since 2026-12-05 muộn hơn --until 2026-12-01"),
])
def test_bad_filters_exit_2_with_a_hint(db: str, tmp_path: Path, filters: tuple, message: str) -> None:
    code, output, _ = dashboard(db, tmp_path, *filters)
    assert code == 2 and message in output.replace("\n", " "), output
