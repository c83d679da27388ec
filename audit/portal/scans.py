"""Scans launched from the portal: one job per outlet in the `jobs` table, run on the queue or in-process.

A scan is a row of `jobs` (issue 17's table, audit.schedule.jobs) in a round of its own, so its
state (pending, queued, running, done, failed) is read the same way whichever path runs it:

- with a Redis URL (`serve --redis`), the job is sent to the Dramatiq queue and an `l3audit worker`
  runs it, holding the fleet-wide slot of each host as scheduled jobs do;
- without one, a bounded thread pool in the portal's process runs it (at most `MAX_THREADS` scans
  at once in each gunicorn worker).

Either way an outlet has at most one open scan: the job is created only if none of the outlet's
jobs is pending, queued or running, checked in the transaction that creates it. The outlet's
sites come from the stored inventory (`outlets.definition`, written by `l3audit outlets import`);
an inventory imported before schema v8 falls back to the sites of the outlet's latest result. The
stored result merges the outlet's reviewed answers and active portal waivers (audit.portal.judgement).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import json
import logging
import os
import threading
from typing import Any

import sqlalchemy as sa

from audit.department.store import Store, schema
from audit.department.store.store import now_iso
from audit.models import Outlet
from audit.schedule import jobs
from audit.schedule.outlets import outlet_from_json, outlet_to_json

ACTIVE = ("pending", "queued", "running")
MAX_THREADS = 2
STALE_SECONDS = 2 * 3600
"""An open job unchanged this long is taken for dead (the longest scan is well under this)."""
DEFAULT_OPTIONS: dict[str, Any] = {"timeout_seconds": 10.0, "per_host": 2, "use_nmap": True}
log = logging.getLogger("l3audit.portal.scans")


class ScanRefused(Exception):
    """The scan cannot be launched; `key` names the message to show."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def stored_outlet(store: Store, outlet_id: str) -> Outlet | None:
    """The outlet as the stored inventory describes it (else as its latest result does); None without sites."""
    o = schema.outlets.c
    with store.read("read an outlet") as conn:
        row = conn.execute(sa.select(o.definition).where(o.id == outlet_id)).first()
    if row is not None and row.definition:
        outlet = outlet_from_json(row.definition)
        return outlet if outlet.sites else None
    results = store.results(outlet_id=outlet_id)
    if not results:
        return None
    data = store.documents([results[-1].id])[results[-1].id].get("outlet") or {}
    sites = [s for s in data.get("sites") or [] if isinstance(s, dict) and s.get("url")]
    if not sites:
        return None
    return outlet_from_json(json.dumps({
        "id": outlet_id, "name": data.get("name", outlet_id), "tags": list(data.get("tags") or []), "settings": {},
        "contact": {k: str((data.get("contact") or {}).get(k) or "") for k in ("name", "email", "phone")},
        "sites": [{"url": s["url"], "address": s.get("address"), "http_port": s.get("http_port")} for s in sites],
    }))


def create_scan_job(store: Store, outlet: Outlet, checklist_path: str, options: dict[str, Any]) -> int:
    """A pending job (in a round of its own) for the outlet; ScanRefused('portal.scan.busy') if one is open."""
    j = schema.jobs.c
    stamp = now_iso()
    with store.write(f"launch a scan of {outlet.id}") as conn:
        # A job whose process died (a gunicorn worker killed mid-scan) stays 'running': after
        # STALE_SECONDS without a change it no longer blocks a new scan.
        fresh = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=STALE_SECONDS)).isoformat(timespec="seconds")
        busy = conn.execute(sa.select(j.id).where(j.outlet_id == outlet.id, j.status.in_(ACTIVE),
                                                  j.updated_at > fresh).limit(1)).first()
        if busy is not None:
            raise ScanRefused("portal.scan.busy")
        round_id = conn.execute(schema.rounds.insert().values(
            label=f"portal scan {outlet.id} {stamp}", source="portal", checklist_hash=None,
            started_at=stamp)).inserted_primary_key[0]  # type: ignore[index]
        return int(conn.execute(schema.jobs.insert().values(
            round_id=round_id, schedule_id=None, outlet_id=outlet.id, outlet=outlet_to_json(outlet),
            checklist=checklist_path, options=json.dumps(options), status="pending", attempts=0,
            created_at=stamp, updated_at=stamp)).inserted_primary_key[0])  # type: ignore[index]


def latest_jobs(store: Store) -> dict[str, jobs.Job]:
    """Each outlet's most recent job (a portal scan or a scheduled one), in one query."""
    j = schema.jobs.c
    newest = sa.select(sa.func.max(j.id)).group_by(j.outlet_id).scalar_subquery()
    with store.read("read the latest jobs") as conn:
        rows = conn.execute(sa.select(schema.jobs).where(j.id.in_(newest)))
        return {r.outlet_id: jobs.Job(**{k: r._mapping[k] for k in jobs.Job.__dataclass_fields__}) for r in rows}


def run_scan_job(store: Store, job_id: int) -> None:
    """Run one job in this process (the in-process path): audit, merge reviews and waivers, store once."""
    from audit.catalogue.loader import load_checklist
    from audit.engine import run_audit
    from audit.portal.judgement import self_assessment
    from audit.result import result_to_dict

    job = jobs.start_job(store, job_id, f"{os.getpid()}@portal")
    if job is None:
        return
    try:
        outlet = outlet_from_json(job.outlet)
        checklist = load_checklist(job.checklist)
        options = jobs.job_audit_options(job, self_assessment=self_assessment(store, checklist, outlet.id,
                                                                              dt.date.today()))
        (result,) = asyncio.run(run_audit(checklist, [outlet], options))
        jobs.finish_job(store, job_id, result_to_dict(result))
    except Exception as exc:  # a bug or the database gone: the job says so, the portal goes on
        log.exception("scan job %s failed", job_id)
        jobs.fail_job(store, job_id, f"{type(exc).__name__}: {exc}")


class InProcessScans:
    """A bounded pool of scan threads, made on first use in each process (threads do not survive fork)."""

    def __init__(self, max_threads: int = MAX_THREADS) -> None:
        self.max_threads = max_threads
        self._lock = threading.Lock()
        self._pool: concurrent.futures.ThreadPoolExecutor | None = None
        self._pid = 0

    def submit(self, store: Store, job_id: int) -> concurrent.futures.Future[None]:
        """Run the job on the pool (it waits its turn when every thread is busy)."""
        with self._lock:
            if self._pool is None or self._pid != os.getpid():
                self._pool = concurrent.futures.ThreadPoolExecutor(self.max_threads, thread_name_prefix="l3audit-scan")
                self._pid = os.getpid()
            pool = self._pool
        with store.write(f"queue job {job_id} in-process") as conn:
            conn.execute(schema.jobs.update().where(schema.jobs.c.id == job_id, schema.jobs.c.status == "pending")
                         .values(status="queued", updated_at=now_iso()))
        return pool.submit(run_scan_job, store, job_id)


def send_to_queue(store: Store, redis_url: str, job_id: int) -> bool:
    """Hand the job to the Dramatiq queue; False when Redis is down (the job stays pending for a worker's tick)."""
    import dramatiq
    import redis

    from audit.schedule.queue import QueueSettings, declare_actor

    settings = QueueSettings(redis_url=redis_url, db=store.engine.url.render_as_string(hide_password=False))
    broker = settings.broker()
    try:
        actor = declare_actor(broker, settings)
        with store.write(f"queue job {job_id}") as conn:
            conn.execute(schema.jobs.update().where(schema.jobs.c.id == job_id, schema.jobs.c.status == "pending")
                         .values(status="queued", updated_at=now_iso()))
        try:
            actor.send(job_id)
        except (redis.RedisError, dramatiq.errors.BrokerConnectionError, OSError):
            jobs.unclaim(store, [job_id])
            return False
        return True
    finally:
        broker.close()
