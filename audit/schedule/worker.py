"""`l3audit worker`: Dramatiq workers in one or more processes, and the ticker that fires schedules.

Each process runs a Dramatiq `Worker` with a few threads. The parent (with `tick_seconds`) fires due
schedules and sends pending jobs; several machines may all tick: a schedule fires once (see
`audit.schedule.schedules`), and a job sent twice is stored once. While Redis is down, jobs stay
pending in the database and the workers wait for it; both resume when it is back.
"""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing
import signal
import threading
from types import FrameType

from audit.department.store.store import Store
from audit.errors import StoreError
from audit.schedule.queue import QueueSettings, declare_actor, push_pending
from audit.schedule.schedules import fire_due


def tick(settings: QueueSettings, now: dt.datetime | None = None) -> tuple[list[int], int, int]:
    """Fire due schedules, send pending jobs and due alerts once.

    Returns (rounds fired, jobs sent, jobs left pending because Redis is down).
    """
    now = now or dt.datetime.now(dt.timezone.utc)
    broker = settings.broker()
    actor = declare_actor(broker, settings)
    with Store(settings.db) as store:
        rounds = fire_due(store, now)
        sent, left = push_pending(store, actor)
        if settings.alerts_file:
            from pathlib import Path

            from audit.alerts.config import load_alert_config
            from audit.alerts.delivery import deliver_alerts

            report = deliver_alerts(store, load_alert_config(Path(settings.alerts_file)), now)
            for problem in report.problems:
                logging.getLogger("l3audit.alerts").warning("alerts: %s (kept for the next tick)", problem)
    broker.close()
    return rounds, sent, left


def serve(settings: QueueSettings, threads: int, stop: threading.Event) -> None:
    """Run one Dramatiq worker in this process until `stop` is set."""
    import dramatiq

    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    broker = settings.broker()
    declare_actor(broker, settings)
    worker = dramatiq.Worker(broker, worker_threads=threads, worker_timeout=1000)
    worker.start()
    try:
        stop.wait()
    finally:
        worker.stop(timeout=30_000)
        broker.close()


def _serve_child(settings: QueueSettings, threads: int) -> None:
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda s, f: stop.set())
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides; Ctrl-C reaches it too
    serve(settings, threads, stop)


def run_worker(settings: QueueSettings, processes: int, threads: int, tick_seconds: float | None,
               log: logging.Logger) -> None:
    """Start `processes` worker processes (1: in this process) and tick until SIGTERM or Ctrl-C."""
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    children = []
    if processes == 1:
        serving = threading.Thread(target=serve, args=(settings, threads, stop), daemon=True)
        serving.start()
    else:
        context = multiprocessing.get_context("spawn")
        for _ in range(processes):
            child = context.Process(target=_serve_child, args=(settings, threads), daemon=False)
            child.start()
            children.append(child)
    try:
        while not stop.is_set():
            if tick_seconds:
                try:
                    rounds, sent, left = tick(settings)
                    if rounds or sent or left:
                        log.warning("tick: %d round(s) fired, %d job(s) sent, %d waiting for Redis",
                                    len(rounds), sent, left)
                except StoreError as exc:
                    log.warning("tick: %s", exc)
            stop.wait(tick_seconds or 3600)
    finally:
        for child in children:
            child.terminate()
        for child in children:
            child.join(timeout=60)
        if processes == 1:
            serving.join(timeout=60)
