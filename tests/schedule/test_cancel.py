"""Cancelling a running job: a real redis-server and a real `l3audit worker`; the job stops before its
next probe, ends `cancelled`, stores nothing, and the round's results already stored are kept."""

from __future__ import annotations

import datetime as dt
import signal
import time
from pathlib import Path

import yaml
from click.testing import CliRunner

from audit.cli import cli
from audit.demo.servers import BannerListener
from audit.department.store import Store
from audit.schedule.jobs import get_job, list_jobs
from audit.schedule.queue import QueueSettings
from audit.schedule.schedules import add_schedule
from audit.schedule.worker import tick
from tests.schedule.redis_server import RedisServer
from tests.schedule.support import start_worker, tls_only_checklist, wait_for

T0 = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.timezone.utc)
SITES = 6
TIMEOUT = 2.0


def test_a_running_job_cancelled_stops_before_its_next_probe_and_keeps_stored_results(tmp_path: Path) -> None:
    # Given an outlet of six sites on one stalled host (one probe at a time: about 12 s in all),
    # another that refuses at once, and one worker running two jobs at a time
    redis_server = RedisServer(tmp_path / "redis").start()
    db = f"sqlite:///{tmp_path / 'audits.db'}"
    with BannerListener("127.17.10.1", 0, stall=True) as stalled:
        inventory = tmp_path / "outlets.yaml"
        inventory.write_text(yaml.safe_dump({"schema": "l3audit/inventory/v1", "outlets": [
            {"id": "cham", "name": "Báo Chậm", "tags": ["test"], "sites": [
                {"url": f"https://s{i}.cham.test:{stalled.port}", "address": "127.17.10.1"} for i in range(SITES)]},
            {"id": "nhanh", "name": "Báo Nhanh", "tags": ["test"], "sites": [
                {"url": "https://nhanh.test:9", "address": "127.17.10.2"}]},
        ]}, allow_unicode=True), encoding="utf-8")
        settings = QueueSettings(redis_url=redis_server.url, db=db, heartbeat_seconds=2, host_slot_seconds=30)
        with Store(db) as store:
            add_schedule(store, "ngay", "day", ["all"], inventory, str(tls_only_checklist(tmp_path)), T0,
                         {"timeout_seconds": TIMEOUT, "per_host": 1, "use_nmap": False})
        worker = start_worker(db, redis_server.url, tmp_path / "worker.log", 2)
        try:
            (round_id,), sent, _ = tick(settings, now=T0)
            assert sent == 2
            with Store(db) as store:
                jobs = {j.outlet_id: j for j in list_jobs(store, round_id=round_id)}
                wait_for(lambda: get_job(store, jobs["nhanh"].id).status == "done", 60, "the quick job")
                wait_for(lambda: get_job(store, jobs["cham"].id).status == "running", 60, "the slow job to start")
                # When the running job is cancelled from the command line
                asked = time.monotonic()
                answer = CliRunner().invoke(cli, ["jobs", "cancel", str(jobs["cham"].id), "--db", db, "--lang", "vi"])
                assert answer.exit_code == 0, answer.output
                assert f"Đã yêu cầu dừng lượt đánh giá {jobs['cham'].id} đang chạy" in answer.output
                listed = CliRunner().invoke(cli, ["jobs", "list", "--db", db, "--lang", "en"]).output
                assert "running (cancel requested)" in listed or "cancelled" in listed
                # Then it ends cancelled well before its probes could all have run, with nothing stored
                wait_for(lambda: get_job(store, jobs["cham"].id).status == "cancelled", 30, "the job to stop")
                assert time.monotonic() - asked < SITES * TIMEOUT - 2 * TIMEOUT
                assert {r.outlet_id for r in store.results(round_id=round_id)} == {"nhanh"}
                assert get_job(store, jobs["nhanh"].id).result_id is not None
                assert next(r for r in store.rounds() if r["id"] == round_id)["finished_at"] is not None
                # And a cancelled job can be queued again
                again = CliRunner().invoke(cli, ["jobs", "retry", str(jobs["cham"].id), "--db", db])
                assert again.exit_code == 0 and get_job(store, jobs["cham"].id).cancel_requested_at is None
                # And a finished job cannot be cancelled: one line, exit 2
                done = CliRunner().invoke(cli, ["jobs", "cancel", str(jobs["nhanh"].id), "--db", db])
                assert done.exit_code == 2 and "đang ở trạng thái done" in done.output
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=60)
            redis_server.stop()
