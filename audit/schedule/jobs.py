"""Jobs: one outlet's audit in one round, and the states it goes through in the database.

pending (created, not yet handed to the queue) -> queued (its id is in Redis) -> running (a worker
took it) -> done (its result is stored) | failed (an error that was not a measurement: retried by
the queue, then left for `l3audit jobs retry`) | cancelled. Cancelling a running job is cooperative:
`cancel_job` records a request (`cancel_requested_at`); the worker asks before each probe, starts no
new one, lets running ones finish, and ends the job `cancelled` without storing its partial result.
Results already stored (the round's other jobs, earlier rounds) are kept. A worker killed mid-job leaves the job
`running`; the queue hands it to another worker, which runs it again. `finish_job` stores the
result and marks the job done in one transaction, and stores nothing when the job is already done,
so a job retried after its worker died is stored once.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from audit.department.store import schema
from audit.department.store.store import Store, insert_result, now_iso
from audit.errors import ScheduleError
from audit.i18n import phrase

if TYPE_CHECKING:
    from audit.runner import AuditOptions

OPEN = ("pending", "queued", "running", "failed")
"""States of a job that is not finished: its round is not complete while one is left."""


@dataclass(frozen=True)
class Job:
    """One job as stored (the outlet's JSON is left out)."""

    id: int
    round_id: int
    schedule_id: int | None
    outlet_id: str
    checklist: str
    options: str
    outlet: str
    status: str
    attempts: int
    worker: str | None
    error: str | None
    result_id: int | None
    updated_at: str
    cancel_requested_at: str | None = None
    """Set by `jobs cancel` on a running job; the worker stops it at the next probe."""


def _job(row: Any) -> Job:
    m = row._mapping
    return Job(**{k: m[k] for k in Job.__dataclass_fields__})


def list_jobs(store: Store, status: str | None = None, round_id: int | None = None) -> list[Job]:
    """Jobs, newest round first."""
    j = schema.jobs.c
    query = sa.select(schema.jobs).order_by(j.round_id.desc(), j.id)
    if status:
        query = query.where(j.status == status)
    if round_id is not None:
        query = query.where(j.round_id == round_id)
    with store.read("list jobs") as conn:
        return [_job(r) for r in conn.execute(query)]


def get_job(store: Store, job_id: int) -> Job:
    """One job; ScheduleError if there is none."""
    with store.read("read a job") as conn:
        row = conn.execute(sa.select(schema.jobs).where(schema.jobs.c.id == job_id)).first()
    if row is None:
        raise ScheduleError(phrase("error.jobs.none", id=job_id))
    return _job(row)


def _set(conn: sa.Connection, job_id: int, **values: Any) -> int:
    return int(conn.execute(schema.jobs.update().where(schema.jobs.c.id == job_id)
                            .values(updated_at=now_iso(), **values)).rowcount)


def claim_pending(store: Store, limit: int = 1000) -> list[int]:
    """Pending jobs moved to `queued`, to be sent now (the caller puts back those it could not send)."""
    j = schema.jobs.c
    with store.write("claim pending jobs") as conn:
        ids = [int(i) for i in conn.execute(sa.select(j.id).where(j.status == "pending").order_by(j.id).limit(limit)).scalars()]
        for job_id in ids:
            _set(conn, job_id, status="queued")
    return ids


def unclaim(store: Store, job_ids: list[int]) -> None:
    """Jobs that could not be sent (Redis down) go back to `pending`; the next tick sends them."""
    with store.write("put jobs back") as conn:
        for job_id in job_ids:
            conn.execute(schema.jobs.update().where(schema.jobs.c.id == job_id, schema.jobs.c.status == "queued")
                         .values(status="pending", updated_at=now_iso()))


def start_job(store: Store, job_id: int, worker: str) -> Job | None:
    """Mark a job running on `worker`; None when it is done or cancelled (nothing to do)."""
    with store.write(f"start job {job_id}") as conn:
        row = conn.execute(sa.select(schema.jobs).where(schema.jobs.c.id == job_id).with_for_update()).first()
        if row is None or row.status in ("done", "cancelled"):
            return None
        if row.cancel_requested_at is not None:  # cancelled while running, then its worker died
            _cancel(conn, job_id, int(row.round_id))
            return None
        _set(conn, job_id, status="running", worker=worker, attempts=row.attempts + 1, error=None)
    return get_job(store, job_id)


AfterStore = Callable[[sa.Connection, dict[str, Any], int], object]
"""Called in the storing transaction with (connection, result, round id): alerts are opened there."""


def finish_job(store: Store, job_id: int, data: dict[str, Any], after_store: AfterStore | None = None) -> bool:
    """Store the job's result and mark it done, in one transaction; False if it was already done.

    The round is marked finished when this was its last open job.
    """
    j = schema.jobs.c
    with store.write(f"store the result of job {job_id}") as conn:
        row = conn.execute(sa.select(j.status, j.round_id, j.cancel_requested_at).where(j.id == job_id)
                           .with_for_update()).first()
        if row is None or row.status in ("done", "cancelled"):
            return False
        if row.cancel_requested_at is not None:  # the request wins: a result cut short is not stored
            _cancel(conn, job_id, int(row.round_id))
            return False
        result_id, _ = insert_result(conn, data, int(row.round_id))
        if after_store is not None:
            after_store(conn, data, int(row.round_id))
        _set(conn, job_id, status="done", result_id=result_id, error=None)
        _finish_round_if_complete(conn, int(row.round_id))
    return True


def fail_job(store: Store, job_id: int, reason: str) -> None:
    """Record why a job could not run (the queue may still retry it)."""
    with store.write(f"record the failure of job {job_id}") as conn:
        conn.execute(schema.jobs.update().where(schema.jobs.c.id == job_id, schema.jobs.c.status != "done")
                     .values(status="failed", error=reason[:2000], updated_at=now_iso()))


def retry_job(store: Store, job_id: int) -> None:
    """Queue a failed or cancelled job again (the next tick sends it)."""
    job = get_job(store, job_id)
    if job.status not in ("failed", "cancelled"):
        raise ScheduleError(phrase("error.jobs.retry", id=job_id, status=job.status))
    with store.write(f"retry job {job_id}") as conn:
        _set(conn, job_id, status="pending", cancel_requested_at=None)


def cancel_job(store: Store, job_id: int) -> str:
    """Cancel a job; its round completes without it. Returns `cancelled`, or `cancelling` for a running job.

    A job not running yet is cancelled at once. A running one gets a cancel request that its worker
    honours before its next probe (`cancel_requested`); it then ends `cancelled`.
    """
    j = schema.jobs.c
    with store.write(f"cancel job {job_id}") as conn:
        row = conn.execute(sa.select(j.status, j.round_id).where(j.id == job_id).with_for_update()).first()
        if row is None:
            raise ScheduleError(phrase("error.jobs.none", id=job_id))
        if row.status == "running":
            _set(conn, job_id, cancel_requested_at=now_iso())
            return "cancelling"
        if row.status not in ("pending", "queued", "failed"):
            raise ScheduleError(phrase("error.jobs.cancel", id=job_id, status=row.status))
        _cancel(conn, job_id, int(row.round_id))
    return "cancelled"


def cancel_requested(store: Store, job_id: int) -> bool:
    """True when `jobs cancel` asked this job to stop (the worker's check between probes)."""
    with store.read(f"check job {job_id} for a cancel request") as conn:
        return conn.execute(sa.select(schema.jobs.c.cancel_requested_at)
                            .where(schema.jobs.c.id == job_id)).scalar() is not None


def end_cancelled(store: Store, job_id: int) -> None:
    """The worker stopped a job on request: mark it cancelled (nothing of it is stored)."""
    with store.write(f"cancel job {job_id}") as conn:
        row = conn.execute(sa.select(schema.jobs.c.round_id, schema.jobs.c.status)
                           .where(schema.jobs.c.id == job_id).with_for_update()).first()
        if row is not None and row.status != "done":
            _cancel(conn, job_id, int(row.round_id))


def _cancel(conn: sa.Connection, job_id: int, round_id: int) -> None:
    _set(conn, job_id, status="cancelled")
    _finish_round_if_complete(conn, round_id)


def _finish_round_if_complete(conn: sa.Connection, round_id: int) -> None:
    j, r = schema.jobs.c, schema.rounds.c
    left = conn.execute(sa.select(sa.func.count()).select_from(schema.jobs)
                        .where(j.round_id == round_id, j.status.in_(OPEN))).scalar()
    if not left:
        conn.execute(schema.rounds.update().where(r.id == round_id, r.finished_at.is_(None))
                     .values(finished_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")))


def job_audit_options(job: Job, **extra: Any) -> AuditOptions:
    """The `AuditOptions` of a stored job (its `options` JSON), one outlet at a time, plus `extra`."""
    from audit.runner import AuditOptions

    raw: dict[str, Any] = json.loads(job.options)
    return AuditOptions(timeout_seconds=float(raw.get("timeout_seconds", 10.0)),
                        per_host=int(raw.get("per_host", 2)), ca_file=raw.get("ca_file"),
                        use_nmap=bool(raw.get("use_nmap", True)), auditor=str(raw.get("auditor", "")),
                        concurrency=1, **extra)
