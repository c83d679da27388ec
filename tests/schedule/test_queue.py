"""The queue end to end: a real redis-server on loopback, two `l3audit worker` processes, schedules
fired by an injected clock, a worker SIGKILLed mid-job, and Redis stopped while jobs wait."""

from __future__ import annotations

import datetime as dt
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from audit.demo.servers import BannerListener
from audit.department.store import Store
from audit.schedule.jobs import list_jobs
from audit.schedule.queue import QueueSettings
from audit.schedule.schedules import add_schedule, fire_due, list_schedules
from audit.schedule.worker import tick
from tests.department.support import database
from tests.schedule.redis_server import RedisServer
from tests.schedule.support import start_worker, tls_only_checklist, wait_for, write_inventory

T0 = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.timezone.utc)


@pytest.fixture()
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path / "redis").start()
    yield server
    server.stop()


@pytest.fixture()
def slow_site() -> Iterator[BannerListener]:
    """A site whose HTTPS port accepts and never answers: its job lasts about one timeout."""
    with BannerListener("127.17.1.1", 0, stall=True) as listener:
        yield listener


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh results database on each backend (several machines share one PostgreSQL)."""
    return database(request.param, tmp_path)


def _by_outlet(store: Store, round_id: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in store.results(round_id=round_id):
        counts[row.outlet_id] = counts.get(row.outlet_id, 0) + 1
    return counts


def test_a_job_whose_worker_is_killed_is_retried_and_stored_once(
        tmp_path: Path, redis_server: RedisServer, slow_site: BannerListener, any_db: str) -> None:
    # Given a schedule over one slow outlet and two that refuse at once, and two worker processes
    db = any_db
    inventory = write_inventory(tmp_path / "outlets.yaml", {
        "cham": ("127.17.1.1", slow_site.port), "tat-1": ("127.17.1.2", 9), "tat-2": ("127.17.1.3", 9)})
    settings = QueueSettings(redis_url=redis_server.url, db=db, heartbeat_seconds=2, host_slot_seconds=8)
    with Store(db) as store:
        add_schedule(store, "thang", "month", ["all"], inventory, str(tls_only_checklist(tmp_path)), T0,
                     {"timeout_seconds": 4, "use_nmap": False})
    workers = [start_worker(db, redis_server.url, tmp_path / f"worker-{i}.log") for i in range(2)]
    try:
        # When the schedule fires and the worker running the slow job is killed mid-job
        (round_id,), sent, left = tick(settings, now=T0)
        assert (sent, left) == (3, 0)
        with Store(db) as store:
            def slow_running() -> bool:
                return any(j.status == "running" and j.outlet_id == "cham" for j in list_jobs(store))
            wait_for(slow_running, 60, "the slow job to start")
            (job,) = [j for j in list_jobs(store) if j.outlet_id == "cham"]
            victim = next(w for w in workers if job.worker and job.worker.startswith(f"{w.pid}@"))
            os.kill(victim.pid, signal.SIGKILL)
            victim.wait()

            # Then the other worker runs it again, and every outlet is stored exactly once
            wait_for(lambda: all(j.status == "done" for j in list_jobs(store, round_id=round_id)), 90,
                     "the round to finish after the kill")
            assert _by_outlet(store, round_id) == {"cham": 1, "tat-1": 1, "tat-2": 1}
            (again,) = [j for j in list_jobs(store) if j.outlet_id == "cham"]
            assert again.attempts == 2 and not again.worker.startswith(f"{victim.pid}@")  # type: ignore[union-attr]
            assert next(r for r in store.rounds() if r["id"] == round_id)["finished_at"] is not None
            # And the stored result is a real measurement: the stalled handshake is an error, not a fail
            (row,) = [r for r in store.results(round_id=round_id) if r.outlet_id == "cham"]
            assert row.counts["error"] == 1 and row.counts["fail"] == 0
    finally:
        for w in workers:
            if w.poll() is None:
                w.send_signal(signal.SIGTERM)
                w.wait(timeout=60)


def test_schedules_fire_by_the_injected_clock_and_once_per_period(tmp_path: Path, any_db: str) -> None:
    # Given a weekly schedule over one tag and a monthly one starting on the 31st
    db = any_db
    inventory = write_inventory(tmp_path / "outlets.yaml", {"a": ("127.17.2.1", 9), "b": ("127.17.2.2", 9)},
                                tags={"a": ["ha-noi"], "b": ["hue"]})
    with Store(db) as store:
        add_schedule(store, "tuan", "week", ["tag:ha-noi"], inventory, "l3-starter", T0, {})
        add_schedule(store, "thang", "month", ["b"], inventory, "l3-starter",
                     dt.datetime(2027, 1, 31, tzinfo=dt.timezone.utc), {})
        # When the clock stands before, at, just after and a week after the first firing
        assert fire_due(store, T0 - dt.timedelta(seconds=1)) == []
        first = fire_due(store, T0)
        assert fire_due(store, T0 + dt.timedelta(hours=1)) == []
        second = fire_due(store, T0 + dt.timedelta(weeks=1))
        # Then each firing is one round with one job for the tag's outlet only
        assert len(first) == 1 and len(second) == 1 and first != second
        assert [(j.outlet_id, j.status) for j in list_jobs(store, round_id=first[0])] == [("a", "pending")]
        # And missed periods fire once; a month keeps the month's last day
        later = fire_due(store, dt.datetime(2027, 3, 1, tzinfo=dt.timezone.utc))
        assert len(later) == 2  # the weekly one (once, not once per missed week) and the monthly one
        items = {s.name: s for s in list_schedules(store)}
        assert items["thang"].next_at == "2027-03-31T00:00:00+00:00"
        assert items["tuan"].next_at == "2027-03-02T02:00:00+00:00"


def test_while_redis_is_down_jobs_wait_and_then_run(tmp_path: Path, redis_server: RedisServer) -> None:
    # Given a running worker and a schedule of two outlets
    db = f"sqlite:///{tmp_path / 'audits.db'}"
    inventory = write_inventory(tmp_path / "outlets.yaml", {"x": ("127.17.3.1", 9), "y": ("127.17.3.2", 9)})
    settings = QueueSettings(redis_url=redis_server.url, db=db, heartbeat_seconds=2, host_slot_seconds=8)
    with Store(db) as store:
        add_schedule(store, "ngay", "day", ["all"], inventory, str(tls_only_checklist(tmp_path)), T0,
                     {"timeout_seconds": 2, "use_nmap": False})
    worker = start_worker(db, redis_server.url, tmp_path / "worker.log")
    try:
        # When Redis stops before the schedule fires
        redis_server.stop()
        (round_id,), sent, left = tick(settings, now=T0)
        # Then the jobs wait in the database, pending
        assert (sent, left) == (0, 2)
        with Store(db) as store:
            assert {j.status for j in list_jobs(store, round_id=round_id)} == {"pending"}
            # And once Redis is back, the next tick sends them and the worker (still up) runs them
            redis_server.start()
            assert tick(settings, now=T0 + dt.timedelta(minutes=1))[1:] == (2, 0)
            wait_for(lambda: all(j.status == "done" for j in list_jobs(store, round_id=round_id)), 60,
                     "the jobs to run after Redis came back")
            assert _by_outlet(store, round_id) == {"x": 1, "y": 1}
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)


def test_two_workers_never_audit_one_host_at_once(tmp_path: Path, redis_server: RedisServer) -> None:
    # Given two outlets on one stalled host, one on another, and two workers
    db = f"sqlite:///{tmp_path / 'audits.db'}"
    with BannerListener("127.17.5.1", 0, stall=True) as shared, BannerListener("127.17.5.2", 0, stall=True) as other:
        inventory = write_inventory(tmp_path / "outlets.yaml", {
            "mot": ("127.17.5.1", shared.port), "hai": ("127.17.5.1", shared.port), "ba": ("127.17.5.2", other.port)})
        settings = QueueSettings(redis_url=redis_server.url, db=db, heartbeat_seconds=2, host_slot_seconds=8)
        with Store(db) as store:
            add_schedule(store, "ngay", "day", ["all"], inventory, str(tls_only_checklist(tmp_path)), T0,
                         {"timeout_seconds": 2, "use_nmap": False})
        workers = [start_worker(db, redis_server.url, tmp_path / f"w{i}.log", threads=2) for i in range(2)]
        try:
            (round_id,), _, _ = tick(settings, now=T0)
            with Store(db) as store:
                wait_for(lambda: all(j.status == "done" for j in list_jobs(store, round_id=round_id)), 60,
                         "the round to finish")
                rows = {r.outlet_id: r for r in store.results(round_id=round_id)}
                workers_used = {j.worker for j in list_jobs(store, round_id=round_id)}
        finally:
            for w in workers:
                w.send_signal(signal.SIGTERM)
                w.wait(timeout=60)
    # Then the two jobs on the shared host ran one after the other (the host slot lives in Redis)
    first, second = sorted((rows["mot"], rows["hai"]), key=lambda r: r.started_at)
    assert second.started_at >= first.finished_at
    assert len(workers_used) >= 1 and set(rows) == {"mot", "hai", "ba"}


def test_queued_jobs_survive_a_redis_restart_and_a_ticking_worker_runs_them(
        tmp_path: Path, redis_server: RedisServer) -> None:
    # Given jobs sent to Redis while no worker runs
    db = f"sqlite:///{tmp_path / 'audits.db'}"
    inventory = write_inventory(tmp_path / "outlets.yaml", {"p": ("127.17.9.1", 9), "q": ("127.17.9.2", 9)})
    settings = QueueSettings(redis_url=redis_server.url, db=db)
    with Store(db) as store:
        add_schedule(store, "ngay", "day", ["all"], inventory, str(tls_only_checklist(tmp_path)), T0,
                     {"timeout_seconds": 2, "use_nmap": False})
    (round_id,), sent, _ = tick(settings, now=T0)
    assert sent == 2
    # When Redis restarts (append-only file) and `l3audit worker --processes 2` starts, ticking
    redis_server.stop()
    redis_server.start()
    # (its own clock is today's: the daily schedule from T0 is due again, so it fires the next round itself)
    worker = start_worker(db, redis_server.url, tmp_path / "worker.log", 2, "--processes", "2", "--tick-seconds", "1")
    try:
        with Store(db) as store:
            # Then the queued jobs run and are stored once each, and the worker's tick fired one more round
            wait_for(lambda: all(j.status == "done" for j in list_jobs(store, round_id=round_id)), 90,
                     "the jobs queued before the restart")
            assert _by_outlet(store, round_id) == {"p": 1, "q": 1}
            wait_for(lambda: len(list_jobs(store, status="done")) == 4, 90, "the round the worker fired")
            assert len([r for r in store.rounds() if r["source"] == "schedule"]) == 2
    finally:
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=90) == 0
