"""`schedule`, `jobs` and `alerts` speak the message catalogue: Vietnamese by default, with none of the
English catalogue's words left in, and English with --lang en."""

from __future__ import annotations

import re
from pathlib import Path

import sqlalchemy as sa
from click.testing import CliRunner

from audit import i18n
from audit.cli import cli
from audit.department.store import Store
from audit.department.store import schema
from audit.schedule.jobs import list_jobs
from tests.alerts.test_alerts_cli import _db_with_alerts
from tests.schedule.support import write_inventory

STATES = ["pending", "queued", "running", "running", "done", "failed", "cancelled"]
"""One job in each state (the second running one has a cancel request)."""
NO_REDIS = "redis://127.17.210.1:9/0"  # a closed port in this range: sending fails at once


def _english_fragments(prefixes: tuple[str, ...]) -> set[str]:
    """The words of the English texts of these keys that their Vietnamese texts do not share."""
    keys = {k for k in i18n.MESSAGES if k.startswith(prefixes)}
    keys |= {k for k in i18n.catalogue("en")._catalog if isinstance(k, str) and k.startswith(prefixes)}  # type: ignore[attr-defined]
    fragments = set()
    for key in keys:
        english, vietnamese = i18n.t(key, "en"), re.sub(r"\{[^}]*\}", " ", i18n.t(key, "vi")).lower()
        for word in re.findall(r"[A-Za-z][A-Za-z()']{2,}", re.sub(r"\{[^}]*\}", " ", english)):
            if word.lower() not in vietnamese and word.lower() not in {"redis", "l3audit", "list"}:
                fragments.add(word.lower())
    return fragments


def _outputs(tmp_path: Path, lang: str) -> str:
    """Every line the commands print for a person, in `lang`, over jobs in every state and open and fixed alerts."""
    db = _db_with_alerts(tmp_path / lang)
    inventory = write_inventory(tmp_path / lang / "outlets.yaml",
                                {f"bao-{i}": (f"127.17.210.{i + 1}", 9) for i in range(len(STATES))})
    runner = CliRunner()
    said = []

    def say(*args: str) -> None:
        result = runner.invoke(cli, [*args, "--db", db, "--lang", lang])
        assert result.exit_code == 0, result.output
        said.append(result.output)

    say("schedule", "add", "thang", "--inventory", str(inventory), "--every", "month", "--first",
        "2026-12-01T02:00:00+07:00")
    say("schedule", "tick", "--now", "2026-12-01T00:00:00+00:00", "--redis", NO_REDIS)
    with Store(db) as store:
        found = list_jobs(store)
        with store.write("set states") as conn:
            for job, state in zip(found, STATES):
                conn.execute(schema.jobs.update().where(schema.jobs.c.id == job.id).values(status=state))
            conn.execute(schema.jobs.update().where(schema.jobs.c.id == found[3].id)
                         .values(cancel_requested_at=sa.literal("2026-12-01T00:01:00+00:00")))
    say("schedule", "list")
    say("jobs", "list")
    say("jobs", "retry", str(found[5].id))
    say("jobs", "cancel", str(found[0].id), str(found[2].id))
    say("alerts", "list", "--all")
    say("schedule", "remove", "thang")
    return "".join(said)


def test_vietnamese_output_has_no_english_catalogue_text(tmp_path: Path) -> None:
    # Given jobs in every state, a schedule and alerts, When every listing is printed in Vietnamese
    text = _outputs(tmp_path, "vi")
    # Then it is Vietnamese (the states, the words of the lines) and none of the English words are left
    for expected in ("chờ gửi", "trong hàng đợi", "đang chạy (đã yêu cầu dừng)", "xong", "thất bại", "đã hủy",
                     "hằng tháng", "lần tới", "đợt ", "lần chạy", "Đã xóa lịch thang", "Đã kích hoạt 1 đợt",
                     "đang mở", "đã khắc phục"):
        assert expected in text, expected
    english = _english_fragments(("jobs.", "schedule.", "alerts."))
    assert {"round", "tries", "pending", "every", "next"} <= english
    left = {w for w in english if re.search(rf"(?<![\w/.-]){re.escape(w)}(?![\w/.-])", text, re.IGNORECASE)}
    assert not left, f"English words in the Vietnamese output: {sorted(left)}\n{text}"


def test_english_output_with_lang_en(tmp_path: Path) -> None:
    text = _outputs(tmp_path, "en")
    for expected in ("round ", "tries ", "running (cancel requested)", "every month", "next ", "last round",
                     "schedule thang removed", "1 round(s) fired", "7 waiting for Redis", "1 job(s) pending again"):
        assert expected in text, expected
