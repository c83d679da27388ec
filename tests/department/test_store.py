"""The results database on SQLite and on a real PostgreSQL: round trip, idempotence, transactions,
migrations, and clear errors for a locked, missing or unreachable database."""

from __future__ import annotations

import json
import socket
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from audit.errors import StoreError
from audit.department.store import Store, document_digest, migrations, open_store
from tests.department.support import database, make_result

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh database on each backend."""
    return database(request.param, tmp_path)


def test_store_round_trip_keeps_document_and_columns(db: str) -> None:
    # Given a new database and a result
    doc = make_result("bao-a", {"L3-TLS-01": "pass", "L3-WEB-01": "fail", "L3-NET-01": "error"},
                      "2026-10-01T08:00:00+00:00", name="Báo Ánh Sáng")
    with Store(db) as store:
        assert store.schema_version() == migrations.LATEST
        round_id = store.start_round("tháng 10", "run", doc["checklist"]["content_hash"])
        # When it is stored
        result_id, created = store.add_result(doc, round_id)
        # Then the query columns, the statuses and the whole document come back
        assert created
        [row] = store.results(outlet_id="bao-a")
        assert (row.outlet_name, row.verdict, row.pass_percent, row.counts["fail"]) == ("Báo Ánh Sáng", "not_compliant", 50.0, 1)
        assert store.statuses([result_id]) == {result_id: {"L3-TLS-01": "pass", "L3-WEB-01": "fail", "L3-NET-01": "error"}}
        assert store.documents([result_id])[result_id] == doc
        assert store.round_documents(round_id) == {"bao-a": doc}


def test_storing_the_same_result_twice_stores_it_once(db: str) -> None:
    doc = make_result("bao-a", {"R-1": "pass"}, "2026-10-01T08:00:00+00:00")
    with Store(db) as store:
        round_id = store.start_round("r", "import")
        first = store.add_result(doc, round_id)
        second = store.add_result(json.loads(json.dumps(doc)), round_id)
        assert first == (first[0], True) and second == (first[0], False)
        assert len(store.results()) == 1


def test_a_failed_write_leaves_nothing_half_written(db: str) -> None:
    # Given a submission row that the database will refuse (a required column missing)
    doc = make_result("bao-a", {"R-1": "pass", "R-2": "fail"}, "2026-10-01T08:00:00+00:00")
    with Store(db) as store:
        round_id = store.start_round("r", "import")
        with pytest.raises((StoreError, sa.exc.IntegrityError)):
            store.add_result(doc, round_id, submission={"bundle_sha256": "x"})
        # Then neither the result nor its statuses were stored
        assert store.results() == []
        with store.read("count") as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM requirement_results")).scalar() == 0


def test_snapshot_takes_each_outlets_latest_result_up_to_a_date(db: str) -> None:
    with Store(db) as store:
        r1, r2 = store.start_round("1", "run"), store.start_round("2", "run")
        store.add_result(make_result("a", {"R": "fail"}, "2026-09-01T00:00:00+00:00"), r1)
        store.add_result(make_result("b", {"R": "pass"}, "2026-09-02T00:00:00+00:00"), r1)
        store.add_result(make_result("a", {"R": "pass"}, "2026-10-01T00:00:00+00:00"), r2)
        assert {k: v["finished_at"][:10] for k, v in store.snapshot("2026-09-30").items()} == {"a": "2026-09-01", "b": "2026-09-02"}
        assert store.snapshot("2026-10-01")["a"]["summary"]["verdict"] == "compliant"  # a date includes its day
        assert [r["n"] for r in store.rounds()] == [2, 1]
        with pytest.raises(StoreError, match="no round 99"):
            store.round_documents(99)


def test_a_database_of_schema_1_is_upgraded_and_keeps_its_results(db: str) -> None:
    # Given a database created by an older l3audit (schema version 1) with one result in it
    store = Store(db, migrate=False)
    with store.write("old schema") as conn:
        migrations.migrate(conn, target=1)
        conn.execute(sa.text("INSERT INTO rounds (id, label, source, started_at) VALUES (1, 'old', 'run', '2026-01-01')"))
        doc = make_result("bao-cu", {"R": "pass"}, "2026-01-01T00:00:00+00:00")
        conn.execute(sa.text(
            "INSERT INTO results (id, round_id, digest, outlet_id, outlet_name, tags, checklist_id, checklist_hash, "
            "checklist_version, started_at, finished_at, verdict, pass_percent, coverage_percent, n_pass, n_fail, "
            "n_error, n_manual, n_not_applicable, n_waived, total, document, stored_at) VALUES (1, 1, :d, 'bao-cu', "
            "'Báo Cũ', '[]', 'l3-starter', :h, '1', :t, :t, 'compliant', 100, 100, 1, 0, 0, 0, 0, 0, 1, :doc, :t)"),
            {"d": document_digest(doc), "h": doc["checklist"]["content_hash"], "t": doc["finished_at"],
             "doc": json.dumps(doc)})
    assert store.schema_version() == 1
    store.close()
    # When this l3audit opens it
    with Store(db) as store:
        # Then it is migrated to the latest version and the old result is intact
        assert store.schema_version() == migrations.LATEST
        [row] = store.results()
        assert (row.outlet_id, row.signer) == ("bao-cu", None)
        assert store.add_result(doc, 1) == (1, False)


def test_a_newer_schema_is_refused_untouched(db: str) -> None:
    with Store(db) as store, store.write("pretend newer") as conn:
        conn.execute(sa.text("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 'x')"))
    with pytest.raises(StoreError, match="newer than this l3audit supports"):
        Store(db)


def test_a_failing_migration_rolls_back_entirely(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a migration that creates a table and then fails
    Store(db).close()

    def broken(conn: sa.Connection) -> None:
        conn.execute(sa.text("CREATE TABLE half_done (x INTEGER)"))
        raise sa.exc.OperationalError("ALTER TABLE", {}, Exception("disk full"))

    after = migrations.LATEST  # the broken one comes after whatever migrations exist
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS + ((after + 1, "broken", broken),))
    monkeypatch.setattr(migrations, "LATEST", after + 1)
    # When the store opens, the error is clear, and the half-made table is gone
    with pytest.raises(StoreError, match="upgrade the schema"):
        Store(db)
    monkeypatch.undo()
    with Store(db) as store:
        assert store.schema_version() == after
        with store.read("inspect") as conn:
            assert not sa.inspect(conn).has_table("half_done")


def test_a_locked_sqlite_file_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    Store(str(path)).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    try:
        with Store(str(path), busy_timeout_seconds=0.2) as store, pytest.raises(StoreError, match="locked .*hint"):
            store.add_result(make_result("a", {"R": "pass"}, "2026-10-01T00:00:00+00:00"), 1)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_postgresql_down_gives_a_clear_error_without_password() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens once the socket closes
    with pytest.raises(StoreError) as info:
        Store(f"postgresql://officer:s3cret@127.0.0.1:{port}/l3audit")
    assert "no connection to the database" in str(info.value) and "s3cret" not in str(info.value)


def test_bad_urls_and_missing_files_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="not supported"):
        Store("mysql://x@localhost/db")
    with pytest.raises(StoreError, match="no such database"):
        open_store(str(tmp_path / "typo.db"), must_exist=True)
    assert not (tmp_path / "typo.db").exists()
