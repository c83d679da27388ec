"""The task queue: Dramatiq with its Redis broker, the audit actor, and sending pending jobs.

Dramatiq's Redis broker keeps each message a worker has taken in that worker's ack set and requeues
it when the worker's heartbeat stops (a SIGKILLed worker's job goes to another one); its rate
limiters keep a counter per key in the same Redis, which is how every worker on every machine shares
one slot per audited host. A message carries only a job id: what to audit, and what came of it, is
in the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import dramatiq
from dramatiq.brokers.redis import MAINTENANCE_SCALE, RedisBroker
from dramatiq.rate_limits import ConcurrentRateLimiter
from dramatiq.rate_limits.backends import RedisBackend
import redis

from audit.department.store.store import Store
from audit.errors import ScheduleError
from audit.i18n import phrase
from audit.schedule import jobs
from probes.netreason import exception_reason

if TYPE_CHECKING:
    from audit.models import Outlet

QUEUE_NAME = "l3audit"
ACTOR_NAME = "l3audit_audit_outlet"


@dataclass(frozen=True)
class QueueSettings:
    """Where the queue and the database are, and how long to wait for a worker that went silent."""

    redis_url: str
    db: str
    heartbeat_seconds: float = 60.0
    """A worker silent this long is taken for dead: its jobs go to other workers."""
    host_slot_seconds: float = 900.0
    """How long a host's slot is held at most (a dead worker's slot frees itself after this)."""
    max_retries: int = 3
    """Retries of a job that raised (not of a measurement that failed: that is a stored result)."""
    alerts_file: str | None = None
    """The alerts file (audit.alerts.config); without it no alert is recorded or sent."""

    def broker(self) -> RedisBroker:
        """A Redis broker for these settings (no connection is made until it is used)."""
        # Maintenance (requeueing dead workers' messages) runs on a random share of broker calls; an
        # idle worker polls about once a second, so this share finds a dead worker within about one
        # heartbeat period.
        chance = int(min(MAINTENANCE_SCALE, MAINTENANCE_SCALE / max(self.heartbeat_seconds, 1.0)))
        broker = RedisBroker(url=self.redis_url, heartbeat_timeout=int(self.heartbeat_seconds * 1000),
                             maintenance_chance=chance, socket_connect_timeout=5, socket_timeout=30)
        broker.declare_queue(QUEUE_NAME)
        return broker


def declare_actor(broker: RedisBroker, settings: QueueSettings) -> dramatiq.Actor[[int], None]:
    """The audit actor on `broker`: run one job, store its result once."""

    def audit_job(job_id: int) -> None:
        run_job(settings, broker, job_id)

    decorate = dramatiq.actor(actor_name=ACTOR_NAME, queue_name=QUEUE_NAME, broker=broker,
                              max_retries=settings.max_retries, min_backoff=1000, max_backoff=60_000,
                              time_limit=int((2 * settings.host_slot_seconds + 60) * 1000))
    return decorate(audit_job)


def push_pending(store: Store, actor: dramatiq.Actor[[int], None]) -> tuple[int, int]:
    """Send every pending job to the queue. Returns (sent, left pending because Redis is down)."""
    claimed = jobs.claim_pending(store)
    sent = 0
    for index, job_id in enumerate(claimed):
        try:
            actor.send(job_id)
        except (redis.RedisError, dramatiq.errors.BrokerConnectionError, OSError):
            jobs.unclaim(store, claimed[index:])
            return sent, len(claimed) - index
        sent += 1
    return sent, 0


@contextlib.contextmanager
def host_slots(broker: RedisBroker, outlet: Outlet, seconds: float) -> Iterator[None]:
    """Hold the fleet-wide slot of every host of `outlet` (one job per host at once, on any machine).

    Slots are taken in sorted order, so two jobs sharing hosts never hold one each and wait for the
    other. Waits up to `seconds`; after that the job is retried later by the queue.
    """
    backend = RedisBackend(client=broker.client)
    hosts = sorted({site.connect_host for site in outlet.sites})
    deadline = time.monotonic() + seconds
    with contextlib.ExitStack() as stack:
        for host in hosts:
            limiter = ConcurrentRateLimiter(backend, f"l3audit:host:{host}", limit=1, ttl=int(seconds * 1000))
            while True:
                with contextlib.ExitStack() as attempt:
                    if attempt.enter_context(limiter.acquire(raise_on_failure=False)):
                        stack.enter_context(attempt.pop_all())
                        break
                if time.monotonic() > deadline:
                    raise dramatiq.RateLimitExceeded(f"host {host} stayed busy for {seconds:g} s")
                time.sleep(0.2)
        yield


def run_job(settings: QueueSettings, broker: RedisBroker, job_id: int) -> None:
    """Audit the job's outlet and store the result (skipped when the job is done or cancelled)."""
    from audit.catalogue.loader import load_checklist
    from audit.engine import run_audit
    from audit.result import result_to_dict
    from audit.schedule.outlets import outlet_from_json

    worker = f"{os.getpid()}@{socket.gethostname()}"
    with Store(settings.db) as store:
        job = jobs.start_job(store, job_id, worker)
        if job is None:
            return
        try:
            outlet = outlet_from_json(job.outlet)
            checklist = load_checklist(job.checklist)
            portal = bool(json.loads(job.options).get("portal"))
            stop = _CancelCheck(store, job_id)
            options = jobs.job_audit_options(
                job, stop_requested=stop, self_assessment=_portal_review(store, checklist, outlet.id) if portal else None)
            with host_slots(broker, outlet, settings.host_slot_seconds):
                (result,) = asyncio.run(run_audit(checklist, [outlet], options))
            if stop(force=True):
                jobs.end_cancelled(store, job_id)
                return
            jobs.finish_job(store, job_id, result_to_dict(result), _alert_recorder(settings))
        except Exception as exc:
            jobs.fail_job(store, job_id, f"{type(exc).__name__}: {exc}")
            raise


def _portal_review(store: Store, checklist: Any, outlet_id: str) -> Any:
    """A scan launched from the portal merges the outlet's reviewed answers and portal waivers, as the portal does."""
    import datetime as dt

    from audit.portal.judgement import self_assessment

    return self_assessment(store, checklist, outlet_id, dt.date.today())


class _CancelCheck:
    """`jobs cancel` seen from the worker: the database asked at most every `every_seconds`.

    It is called before each probe, on the event loop's thread (the job's own), so a quick point
    read is all it costs; once true it stays true.
    """

    def __init__(self, store: Store, job_id: int, every_seconds: float = 0.5) -> None:
        self.store, self.job_id, self.every_seconds = store, job_id, every_seconds
        self.asked_at = -every_seconds
        self.requested = False

    def __call__(self, force: bool = False) -> bool:
        now = time.monotonic()
        if not self.requested and (force or now - self.asked_at >= self.every_seconds):
            self.asked_at = now
            self.requested = jobs.cancel_requested(self.store, self.job_id)
        return self.requested


def _alert_recorder(settings: QueueSettings) -> jobs.AfterStore | None:
    """Opens and closes alerts in the transaction that stores a result (None without an alerts file)."""
    if not settings.alerts_file:
        return None
    from pathlib import Path

    from audit.alerts.config import load_alert_config
    from audit.alerts.state import record_findings

    expiry_days = load_alert_config(Path(settings.alerts_file)).expiry_days
    return lambda conn, data, round_id: record_findings(conn, data, round_id, expiry_days)


def check_redis(settings: QueueSettings) -> None:
    """ScheduleError with a hint when Redis does not answer (for commands that need it now)."""
    try:
        redis.Redis.from_url(settings.redis_url, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        raise ScheduleError(phrase("error.queue.redis", url=settings.redis_url, error=exception_reason(exc))) from exc
