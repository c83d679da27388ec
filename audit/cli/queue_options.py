"""Options shared by `l3audit worker`, `schedule` and `jobs`: where Redis is, and the queue settings."""

from __future__ import annotations

from typing import Any, Callable, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_REDIS = "redis://127.0.0.1:6379/0"

redis_option = click.option("--redis", "redis_url", default=DEFAULT_REDIS, envvar="L3AUDIT_REDIS", show_default=True,
                            help="help.option.redis_url")

alerts_option = click.option("--alerts", "alerts_file", type=click.Path(exists=True, dir_okay=False), default=None,
                             help="help.option.alerts_file")


def queue_settings_options(func: F) -> F:
    """--heartbeat-seconds and --host-slot-seconds (how fast a dead worker's jobs move on)."""
    func = click.option("--host-slot-seconds", type=click.FloatRange(1, 86400), default=900.0, show_default=True,
                        help="help.worker.host_slot_seconds")(func)
    func = click.option("--heartbeat-seconds", type=click.FloatRange(0.5, 3600), default=60.0, show_default=True,
                        help="help.worker.heartbeat_seconds")(func)
    return func
