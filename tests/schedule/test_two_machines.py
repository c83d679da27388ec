"""Workers on two machines sharing one Redis and one PostgreSQL (docs/scheduling.md, "Several machines").

The machines are network namespaces on a bridge (tests/schedule/netns.py), each with its own host
name; `l3audit worker` runs in each, reaching Redis and PostgreSQL over the bridge only. One
schedule firing is one round: every job is stored once, the audited host shared by several outlets
never sees more connections at once than one polite job may make (the slot lives in Redis, for both
machines), and a worker SIGKILLed on one machine has its job run again on the other, stored once.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from audit.demo.servers import BannerListener
from audit.department.store import Store
from audit.department.store.connection import database_url
from audit.schedule.jobs import Job, list_jobs
from audit.schedule.queue import QueueSettings
from audit.schedule.schedules import add_schedule
from audit.schedule.worker import tick
from probes.tls.probe import TlsProbe
from tests import pg
from tests.schedule import netns
from tests.schedule.netns import SERVICES, Machine, machines
from tests.schedule.redis_server import RedisServer
from tests.schedule.support import tls_only_checklist, wait_for, write_inventory

T0 = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.timezone.utc)
SHARED_HOST = "10.200.0.2"
"""One server that four outlets share: the politeness is measured here."""
SLOW_HOST = "10.200.0.3"
"""A site that accepts and never answers: its job runs long enough to be killed mid-way."""
ROOT = Path(__file__).resolve().parents[2]
PER_HOST = 1
POLITE = PER_HOST * TlsProbe.max_concurrency
"""Connections at once that one job may open to a host: --per-host probes, each TLS scan at most
`TlsProbe.max_concurrency` handshakes at once (the only probe of this checklist)."""


class CountingServer:
    """Accepts TCP connections, holds each `hold_seconds` and closes it; records the most open at once
    and how many machines had a connection open at once."""

    def __init__(self, address: str, hold_seconds: float) -> None:
        self.sock = socket.create_server((address, 0))
        self.sock.settimeout(0.2)
        self.port = int(self.sock.getsockname()[1])
        self.hold_seconds = hold_seconds
        self.open = self.most_open = self.connections = self.most_machines = 0
        self.peers: set[str] = set()
        self.open_from: dict[str, int] = {}
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, peer = self.sock.accept()
            except (TimeoutError, socket.timeout):
                continue
            with self.lock:
                self.open += 1
                self.connections += 1
                self.most_open = max(self.most_open, self.open)
                self.peers.add(peer[0])
                self.open_from[peer[0]] = self.open_from.get(peer[0], 0) + 1
                self.most_machines = max(self.most_machines, sum(1 for n in self.open_from.values() if n))
            threading.Thread(target=self._hold, args=(conn, peer[0]), daemon=True).start()

    def _hold(self, conn: socket.socket, peer: str) -> None:
        # Counted open until the client hangs up or the hold ends, whichever is first.
        conn.settimeout(self.hold_seconds)
        try:
            while conn.recv(4096):
                pass
        except OSError:
            pass
        finally:
            conn.close()
            with self.lock:
                self.open -= 1
                self.open_from[peer] -= 1

    def __enter__(self) -> CountingServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=5)
        self.sock.close()


class BridgePg(pg.PgCluster):
    """A throw-away PostgreSQL that listens on the bridge, where both machines reach it."""

    listen_addresses = SERVICES
    hba_lines = ("host all all 10.200.0.0/24 trust",)

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://l3audit@{SERVICES}:{self.port}/{dbname}"


@pytest.fixture()
def two_machines() -> Iterator[list[Machine]]:
    with machines(2, extra_addresses=[SHARED_HOST, SLOW_HOST]) as found:
        yield found


@pytest.fixture()
def shared_services(two_machines: list[Machine], tmp_path: Path) -> Iterator[tuple[str, RedisServer]]:
    """(PostgreSQL URL, Redis) on the bridge address."""
    bin_dir = pg._bin_dir()
    if bin_dir is None:
        pytest.fail("PostgreSQL is not installed (hint: apt-get install postgresql; .ci/run does)", pytrace=False)
    cluster = BridgePg(bin_dir)
    try:
        cluster.start()
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
        cluster.stop()
        pytest.fail(f"PostgreSQL did not start on the bridge: {exc}", pytrace=False)
    redis_server = RedisServer(tmp_path / "redis", address=SERVICES).start()
    try:
        engine = sa.create_engine(database_url(cluster.url()), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.exec_driver_sql('CREATE DATABASE "audits"')
        engine.dispose()
        yield cluster.url("audits"), redis_server
    finally:
        redis_server.stop()
        cluster.stop()


def _start_worker(machine: Machine, db: str, redis_url: str, log: Path) -> subprocess.Popen[bytes]:
    """`l3audit worker` on `machine`, as the deployment runs it (the console script), two jobs at once."""
    l3audit = Path(sys.executable).parent / "l3audit"
    assert l3audit.exists(), f"{l3audit} is missing (hint: pip install -e .)"
    return subprocess.Popen(machine.command([
        str(l3audit), "worker", "--db", db, "--redis", redis_url, "--tick-seconds", "0", "--threads", "2",
        "--heartbeat-seconds", "2", "--host-slot-seconds", "20"]),
        cwd=ROOT, stdout=log.open("ab"), stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})


def test_workers_on_two_machines_share_the_round_the_host_slots_and_a_dead_workers_job(
        tmp_path: Path, two_machines: list[Machine], shared_services: tuple[str, RedisServer]) -> None:
    db, redis_server = shared_services
    with CountingServer(SHARED_HOST, hold_seconds=0.5) as shared, BannerListener(SLOW_HOST, 0, stall=True) as slow:
        # Given four outlets on one host, one slow outlet, and a worker on each machine
        sites = {f"chung-{i}": (SHARED_HOST, shared.port) for i in range(4)}
        sites["cham"] = (SLOW_HOST, slow.port)
        inventory = write_inventory(tmp_path / "outlets.yaml", sites)
        settings = QueueSettings(redis_url=redis_server.url, db=db, heartbeat_seconds=2, host_slot_seconds=20)
        with Store(db) as store:
            add_schedule(store, "thang", "month", ["all"], inventory, str(tls_only_checklist(tmp_path)), T0,
                         {"timeout_seconds": 6, "per_host": PER_HOST, "use_nmap": False})
        workers = {m.hostname: _start_worker(m, db, redis_server.url, tmp_path / f"{m.hostname}.log")
                   for m in two_machines}
        try:
            # When the schedule fires (one round) and the machine running the slow job loses its worker
            (round_id,), sent, left = tick(settings, now=T0)
            assert (sent, left) == (5, 0)
            with Store(db) as store:
                def slow_job() -> Job:
                    return next(j for j in list_jobs(store, round_id=round_id) if j.outlet_id == "cham")

                wait_for(lambda: slow_job().status == "running", 90, "the slow job to start")
                first = slow_job()
                assert first.worker is not None
                victim_host = first.worker.split("@", 1)[1]
                victim = workers[victim_host]
                assert first.worker == f"{victim.pid}@{victim_host}"
                os.kill(victim.pid, signal.SIGKILL)
                victim.wait(timeout=10)

                # Then the round finishes on the other machine, every outlet stored exactly once
                wait_for(lambda: all(j.status == "done" for j in list_jobs(store, round_id=round_id)), 120,
                         "the round to finish after the kill")
                stored: dict[str, int] = {}
                for row in store.results(round_id=round_id):
                    stored[row.outlet_id] = stored.get(row.outlet_id, 0) + 1
                assert stored == dict.fromkeys(sites, 1)
                again = slow_job()
                survivor = next(name for name in workers if name != victim_host)
                assert again.attempts == 2
                assert again.worker == f"{workers[survivor].pid}@{survivor}"
                # And each result records the machine that measured it (`run.origin`, its host name)
                rows = store.results(round_id=round_id)
                documents = store.documents(r.id for r in rows)
                origins = {r.outlet_id: documents[r.id]["run"]["origin"] for r in rows}
                assert origins["cham"] == survivor and set(origins.values()) <= set(workers)
                assert next(r for r in store.rounds() if r["id"] == round_id)["finished_at"] is not None
                # And the shared host's jobs ran one after another, whichever machine ran them
                spans = sorted((r.started_at, r.finished_at) for r in rows if r.outlet_id.startswith("chung-"))
                assert all(later[0] >= earlier[1] for earlier, later in zip(spans, spans[1:])), spans
        finally:
            for proc in workers.values():
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
            for proc in workers.values():
                try:
                    proc.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    proc.kill()
        # And the shared host never saw more than one job's polite rate, nor both machines at once
        assert shared.connections >= 4 and shared.peers <= {m.address for m in two_machines}
        assert shared.most_open <= POLITE, f"{shared.most_open} connections at once to one host"
        assert shared.most_machines == 1


def test_ci_installs_iproute2_and_a_missing_ip_fails_rather_than_skips(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given the CI script, then this machine with `ip` taken away
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "iproute2" in ci.split("apt_packages=(", 1)[1].split(")", 1)[0]
    monkeypatch.setattr(netns.shutil, "which", lambda name: None if name == "ip" else "/bin/" + name)
    # When the machines are asked for, Then the test fails with the hint (a skip would hide it)
    with pytest.raises(pytest.fail.Exception, match="apt-get install iproute2"):
        with machines(2):
            pass
