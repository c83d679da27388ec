"""`l3audit worker`: run queued audits (Dramatiq workers) and fire due schedules."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from audit.cli.clicklang import command
from audit.cli.options import handle_errors
from audit.cli.queue_options import alerts_option, queue_settings_options, redis_option
from audit.cli.store_cmd import db_option


@command(help="help.worker")
@db_option
@redis_option
@click.option("--processes", type=click.IntRange(1, 64), default=1, show_default=True,
              help="help.worker.processes")
@click.option("--threads", type=click.IntRange(1, 64), default=4, show_default=True,
              help="help.worker.threads")
@click.option("--tick-seconds", type=click.FloatRange(0), default=30.0, show_default=True,
              help="help.worker.tick_seconds")
@queue_settings_options
@alerts_option
@handle_errors
def worker(db: str, redis_url: str, processes: int, threads: int, tick_seconds: float, heartbeat_seconds: float,
           host_slot_seconds: float, alerts_file: str | None) -> None:
    """Run queued audits and fire due schedules, until stopped (SIGTERM or Ctrl-C).

    Chạy các lượt đánh giá trong hàng đợi và kích hoạt các lịch đến hạn.
    """
    from audit.department.store.store import Store
    from audit.schedule.queue import QueueSettings, check_redis
    from audit.schedule.worker import run_worker

    Store(db).close()  # migrate now, and fail with one line when the database cannot be used
    if alerts_file:
        from audit.alerts.config import load_alert_config

        load_alert_config(Path(alerts_file))  # a mistake is one line now, not a failed job later
    settings = QueueSettings(redis_url=redis_url, db=db, heartbeat_seconds=heartbeat_seconds,
                             host_slot_seconds=host_slot_seconds, alerts_file=alerts_file)
    check_redis(settings)  # one line now, instead of the broker's retry log forever
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    run_worker(settings, processes, threads, tick_seconds or None, logging.getLogger("l3audit.worker"))
