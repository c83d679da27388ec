"""The results database: store results whole with their query columns, read them back by outlet,
round or date. Every write is one transaction: a result, its requirement statuses and its submission
are stored together or not at all, and storing the same document twice stores it once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from audit.department.dates import to_utc
from audit.errors import StoreError
from audit.i18n import phrase
from audit.department.store import migrations, schema
from audit.department.store.connection import create_engine, database_url, describe, described, guarded
from audit.department.store.summary import write_result_counts

STATUS_COLUMNS = ("pass", "fail", "error", "manual", "not_applicable", "waived")
_CHUNK = 500  # ids per IN (...) list: well under SQLite's and PostgreSQL's parameter limits


def now_iso() -> str:
    """Current UTC time, ISO 8601 with seconds (the format results use)."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def document_digest(data: dict[str, Any]) -> str:
    """sha256 of a result's canonical JSON: the identity that makes storing idempotent."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class StoredResult:
    """A stored result's query columns (the document itself is loaded only when needed)."""

    id: int
    round_id: int
    outlet_id: str
    outlet_name: str
    tags: tuple[str, ...]
    checklist_id: str
    checklist_hash: str
    started_at: str
    finished_at: str
    verdict: str
    pass_percent: float | None
    coverage_percent: float | None
    counts: dict[str, int]
    signer: str | None


def _row(r: Any) -> StoredResult:
    return StoredResult(
        id=r.id, round_id=r.round_id, outlet_id=r.outlet_id, outlet_name=r.outlet_name,
        tags=tuple(json.loads(r.tags)), checklist_id=r.checklist_id, checklist_hash=r.checklist_hash,
        started_at=r.started_at, finished_at=r.finished_at, verdict=r.verdict,
        pass_percent=r.pass_percent, coverage_percent=r.coverage_percent,
        counts={s: getattr(r, f"n_{s}") for s in STATUS_COLUMNS}, signer=r.signer)


def _columns(data: dict[str, Any]) -> dict[str, Any]:
    """The query columns of a result document; StoreError if it is not a result."""
    try:
        summary, outlet, checklist = data["summary"], data["outlet"], data["checklist"]
        counts = summary["counts"]
        return {
            "outlet_id": outlet["id"], "outlet_name": outlet.get("name", outlet["id"]),
            "tags": json.dumps(list(outlet.get("tags", [])), ensure_ascii=False),
            "checklist_id": checklist["id"], "checklist_hash": checklist["content_hash"],
            "checklist_version": str(checklist.get("version", "")),
            "started_at": to_utc(data["started_at"]), "finished_at": to_utc(data["finished_at"]),
            "verdict": summary["verdict"], "pass_percent": summary.get("pass_percent"),
            "coverage_percent": summary.get("coverage_percent"), "total": int(summary["total"]),
            **{f"n_{s}": int(counts.get(s, 0)) for s in STATUS_COLUMNS},
        }
    except (KeyError, TypeError, ValueError) as exc:
        raise StoreError(phrase("error.store.not_result", field=exc)) from exc


class Store:
    """A results database opened from a `--db` value; migrated to the current schema on open."""

    def __init__(self, db: str, busy_timeout_seconds: float = 5.0, migrate: bool = True) -> None:
        self.engine = create_engine(db, busy_timeout_seconds)
        if migrate:
            # Look first without the write lock, so opening a busy, current database never waits.
            with self.read("read the schema version") as conn:
                current = migrations.current_version(conn)
            if current != migrations.LATEST:
                with self.write("upgrade the schema") as conn:
                    migrations.migrate(conn)

    def __enter__(self) -> Store:  # noqa: PYI034 - Python 3.10 has no typing.Self
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release connections."""
        self.engine.dispose()

    def __str__(self) -> str:
        return describe(self.engine)

    @contextlib.contextmanager
    def write(self, doing: str) -> Iterator[sa.Connection]:
        """One write transaction (SQLite: taken with BEGIN IMMEDIATE); rolled back on any error."""
        with guarded(self.engine, doing), self.engine.connect() as raw:
            conn = raw.execution_options(l3audit_write=True)
            with conn.begin():
                yield conn

    @contextlib.contextmanager
    def read(self, doing: str) -> Iterator[sa.Connection]:
        """One read transaction (a consistent view)."""
        with guarded(self.engine, doing), self.engine.connect() as conn, conn.begin():
            yield conn

    def schema_version(self) -> int:
        """The database's schema version."""
        with self.read("read the schema version") as conn:
            return migrations.current_version(conn)

    # Rounds ---------------------------------------------------------------------------------
    def start_round(self, label: str, source: str, checklist_hash: str | None = None) -> int:
        """A new round (one `run`, or a set of imports); returns its id."""
        with self.write("start a round") as conn:
            return int(conn.execute(schema.rounds.insert().values(
                label=label, source=source, checklist_hash=checklist_hash, started_at=now_iso())).inserted_primary_key[0])  # type: ignore[index]

    def round_by_label(self, label: str, source: str) -> int:
        """The id of the round with this label and source, created if missing."""
        with self.write("find or start a round") as conn:
            found = conn.execute(sa.select(schema.rounds.c.id).where(
                schema.rounds.c.label == label, schema.rounds.c.source == source)).scalar()
            if found is not None:
                return int(found)
            return int(conn.execute(schema.rounds.insert().values(
                label=label, source=source, started_at=now_iso())).inserted_primary_key[0])  # type: ignore[index]

    def unfinished_run_round(self, checklist_hash: str) -> int | None:
        """The latest `run` round for this checklist that never finished (what `--resume` continues)."""
        r = schema.rounds.c
        with self.read("find an interrupted run") as conn:
            found = conn.execute(sa.select(r.id).where(
                r.source == "run", r.checklist_hash == checklist_hash, r.finished_at.is_(None)
            ).order_by(r.id.desc()).limit(1)).scalar()
        return None if found is None else int(found)

    def finish_round(self, round_id: int) -> None:
        """Mark a round complete."""
        with self.write("finish a round") as conn:
            conn.execute(schema.rounds.update().where(schema.rounds.c.id == round_id).values(finished_at=now_iso()))

    def rounds(self) -> list[dict[str, Any]]:
        """Every round with its number of results, oldest first."""
        r, res = schema.rounds.c, schema.results.c
        query = (sa.select(r.id, r.label, r.source, r.started_at, r.finished_at, sa.func.count(res.id).label("n"))
                 .select_from(schema.rounds.outerjoin(schema.results, res.round_id == r.id))
                 .group_by(r.id, r.label, r.source, r.started_at, r.finished_at).order_by(r.id))
        with self.read("list rounds") as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    # Results --------------------------------------------------------------------------------
    def add_result(self, data: dict[str, Any], round_id: int, signer: str | None = None,
                   submission: dict[str, Any] | None = None) -> tuple[int, bool]:
        """Store a result document with its statuses (and submission) in one transaction.

        Returns (result id, created). A document already stored (same digest) is not stored again.
        """
        columns = _columns(data)
        with self.write(f"store the result of {columns['outlet_id']}") as conn:
            return insert_result(conn, data, round_id, signer, submission)

    # Inventory --------------------------------------------------------------------------------
    def replace_inventory(self, outlets: Iterable[tuple[str, str, Sequence[str]]],
                          definitions: Mapping[str, str] | None = None) -> int:
        """Make (id, name, tags) the department's inventory, in one transaction; returns how many.

        The inventory file is the whole list: an outlet no longer in it stops counting; results stay.
        `definitions` (outlet id -> JSON of the whole outlet, audit.schedule.outlets) keeps the sites.
        """
        rows = [{"id": i, "name": n, "tags": json.dumps(list(t), ensure_ascii=False), "imported_at": now_iso(),
                 "definition": (definitions or {}).get(i)} for i, n, t in outlets]
        with self.write("store the inventory") as conn:
            conn.execute(schema.outlets.delete())
            if rows:
                conn.execute(schema.outlets.insert(), rows)
        return len(rows)

    def inventory(self) -> list[dict[str, Any]]:
        """The stored inventory, by id: dicts with id, name, tags, imported_at."""
        o = schema.outlets.c
        with self.read("read the inventory") as conn:
            return [{"id": r.id, "name": r.name, "tags": json.loads(r.tags), "imported_at": r.imported_at}
                    for r in conn.execute(sa.select(o.id, o.name, o.tags, o.imported_at).order_by(o.id))]

    def remove_outlet(self, outlet_id: str) -> bool:
        """Take one outlet out of the inventory (it stops counting on the dashboard); its results stay.

        False when the inventory has no such outlet.
        """
        with self.write("remove an outlet") as conn:
            return bool(conn.execute(schema.outlets.delete().where(schema.outlets.c.id == outlet_id)).rowcount)

    def withdraw(self, digest: str, reason: str) -> int:
        """Mark the result of a bundle (its sha256) or a result (its digest) withdrawn; returns its id.

        A prefix of at least 12 hex digits is enough. The result stays stored (history, diff, export);
        the dashboard no longer counts it. StoreError when nothing or several things match.
        """
        key = digest.strip().lower().removeprefix("sha256:")
        if len(key) < 12 or any(ch not in "0123456789abcdef" for ch in key):
            raise StoreError(phrase("error.store.digest", digest=repr(digest)))
        s, r = schema.submissions.c, schema.results.c
        with self.write("withdraw an import") as conn:
            found = {int(i) for (i,) in conn.execute(sa.select(s.result_id).where(s.bundle_sha256.like(key + "%")))}
            found |= {int(i) for (i,) in conn.execute(sa.select(r.id).where(
                r.digest.like(key + "%") | r.digest.like("sha256:" + key + "%")))}
            if len(found) != 1:
                raise StoreError(phrase("error.store.digest_none" if not found else "error.store.digest_many",
                                        count=len(found), digest=repr(digest)))
            result_id = found.pop()
            conn.execute(schema.withdrawals.insert().values(result_id=result_id, digest=key, reason=reason,
                                                            withdrawn_at=now_iso()))
            return result_id

    def withdrawn(self) -> dict[int, str]:
        """Withdrawn result ids and the reason given (the latest, when withdrawn twice)."""
        w = schema.withdrawals.c
        with self.read("read withdrawals") as conn:
            return {int(i): str(reason) for i, reason in conn.execute(sa.select(w.result_id, w.reason).order_by(w.id))}

    def withdrawn_digests(self) -> dict[str, str]:
        """Digests of withdrawn results and the reason given (for marking them wherever they are shown)."""
        w, r = schema.withdrawals.c, schema.results.c
        with self.read("read withdrawals") as conn:
            return {str(d): str(reason) for d, reason in conn.execute(
                sa.select(r.digest, w.reason).join(schema.results, r.id == w.result_id).order_by(w.id))}

    def add_submission(self, result_id: int, submission: dict[str, Any]) -> bool:
        """Record one more signed submission of an already stored result; False if this bundle is known.

        A result stored by `run` and then sent as a bundle, or re-signed with new answers, keeps each
        submission (signer, answers, evidence hashes): a submission is history, never dropped.
        """
        with self.write("store a submission") as conn:
            known = conn.execute(sa.select(schema.submissions.c.id).where(
                schema.submissions.c.bundle_sha256 == submission["bundle_sha256"])).scalar()
            if known is not None:
                return False
            conn.execute(schema.submissions.insert().values(result_id=result_id, imported_at=now_iso(), **submission))
            return True

    def submissions(self, result_id: int) -> list[dict[str, Any]]:
        """The submissions of a stored result, oldest first."""
        s = schema.submissions.c
        query = (sa.select(s.bundle_sha256, s.key_id, s.signer_name, s.signed_at, s.imported_at)
                 .where(s.result_id == result_id).order_by(s.id))
        with self.read("read submissions") as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def signer_names(self, ids: Iterable[int]) -> dict[int, str]:
        """The signer name of each result's latest submission (results stored by `run` have none)."""
        s = schema.submissions.c
        found: dict[int, str] = {}
        with self.read("read signer names") as conn:
            for chunk in _chunks(list(ids)):
                for rid, name, kid in conn.execute(sa.select(s.result_id, s.signer_name, s.key_id)
                                                   .where(s.result_id.in_(chunk)).order_by(s.id)):
                    found[int(rid)] = str(name or kid)
        return found

    def results(self, *, outlet_id: str | None = None, round_id: int | None = None, since: str | None = None,
                until: str | None = None, checklist_id: str | None = None,
                include_withdrawn: bool = True) -> list[StoredResult]:
        """Query columns of stored results, oldest first; `since`/`until` compare `finished_at`."""
        c = schema.results.c
        cols = [col for col in schema.results.columns if col.name != "document"]
        query = sa.select(*cols).order_by(c.finished_at, c.id)
        if outlet_id is not None:
            query = query.where(c.outlet_id == outlet_id)
        if round_id is not None:
            query = query.where(c.round_id == round_id)
        if since:
            query = query.where(c.finished_at >= since)
        if until:
            # A bare date includes that whole day ('~' sorts after the 'T' of timestamps).
            query = query.where(c.finished_at <= (until + "~" if len(until) == 10 else until))
        if checklist_id:
            query = query.where(c.checklist_id == checklist_id)
        if not include_withdrawn:
            query = query.where(c.id.not_in(sa.select(schema.withdrawals.c.result_id)))
        with self.read("read results") as conn:
            return [_row(r) for r in conn.execute(query)]

    def documents(self, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
        """The stored documents of these results, by id."""
        c = schema.results.c
        found: dict[int, dict[str, Any]] = {}
        with self.read("read result documents") as conn:
            for chunk in _chunks(list(ids)):
                for rid, text in conn.execute(sa.select(c.id, c.document).where(c.id.in_(chunk))):
                    found[int(rid)] = json.loads(text)
        return found

    def statuses(self, ids: Iterable[int]) -> dict[int, dict[str, str]]:
        """Requirement statuses of these results: {result id: {requirement id: status}}."""
        c = schema.requirement_results.c
        found: dict[int, dict[str, str]] = {}
        with self.read("read requirement statuses") as conn:
            for chunk in _chunks(list(ids)):
                for rid, req, status in conn.execute(
                        sa.select(c.result_id, c.requirement_id, c.status).where(c.result_id.in_(chunk))):
                    found.setdefault(int(rid), {})[req] = status
        return found

    def round_documents(self, round_id: int) -> dict[str, dict[str, Any]]:
        """The results of one round by outlet id (the latest when an outlet appears twice)."""
        rows = self.results(round_id=round_id)
        if not rows and round_id not in {r["id"] for r in self.rounds()}:
            raise StoreError(phrase("error.db.no_round", store=described(self.engine), round=round_id))
        docs = self.documents(r.id for r in rows)
        return {r.outlet_id: docs[r.id] for r in rows}

    def snapshot(self, until: str) -> dict[str, dict[str, Any]]:
        """Each outlet's latest result finished on or before `until` (a date or timestamp)."""
        latest: dict[str, StoredResult] = {}
        for row in self.results(until=until):
            latest[row.outlet_id] = row
        docs = self.documents(r.id for r in latest.values())
        return {o: docs[r.id] for o, r in latest.items()}

    def outlets_in_round(self, round_id: int) -> set[str]:
        """Outlet ids with a result in this round."""
        return {r.outlet_id for r in self.results(round_id=round_id)}


def insert_result(conn: sa.Connection, data: dict[str, Any], round_id: int, signer: str | None = None,
                  submission: dict[str, Any] | None = None) -> tuple[int, bool]:
    """Store a result document with its statuses (and submission) in the caller's write transaction.

    Returns (result id, created). A document already stored (same digest) is not stored again. Callers
    that must decide something in the same transaction (a queued job marked done together with its
    result, `audit.schedule.jobs`) use this; others call `Store.add_result`.
    """
    columns = _columns(data)
    digest = document_digest(data)
    existing = conn.execute(sa.select(schema.results.c.id).where(schema.results.c.digest == digest)).scalar()
    if existing is not None:
        return int(existing), False
    result_id = int(conn.execute(schema.results.insert().values(
        round_id=round_id, digest=digest, signer=signer, stored_at=now_iso(),
        document=json.dumps(data, ensure_ascii=False), **columns)).inserted_primary_key[0])  # type: ignore[index]
    statuses = {r["requirement_id"]: r["status"] for r in data.get("requirements", [])}
    if statuses:
        conn.execute(schema.requirement_results.insert(), [
            {"result_id": result_id, "requirement_id": k, "status": v} for k, v in statuses.items()])
        write_result_counts(conn, result_id, columns["checklist_id"], statuses)
    if submission is not None:
        conn.execute(schema.submissions.insert().values(result_id=result_id, imported_at=now_iso(), **submission))
    return result_id, True


def open_store(db: str, must_exist: bool = False) -> Store:
    """Open `db`; with `must_exist`, refuse a SQLite file that is not there (a typo would give an empty view)."""
    url = database_url(db)
    if must_exist and url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:") \
            and not Path(url.database).exists():
            raise StoreError(phrase("error.db.missing", file=url.database))  # the file itself: SQLite only
    return Store(db)


def _chunks(items: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start:start + _CHUNK]
