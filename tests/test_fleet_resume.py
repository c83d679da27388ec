"""Kill-and-resume of `l3audit run --db`: a real subprocess is killed with SIGKILL after some outlets
were stored; the rerun with --resume loses nothing and audits none of the stored outlets again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from audit.demo.servers import BannerListener
from audit.department.store import Store

OUTLETS = 8
ROOT = Path(__file__).resolve().parent.parent


def _tls_only_checklist(folder: Path) -> Path:
    """The starter checklist cut to its first requirement (TLS offered): no port scan, so each
    outlet costs about one stalled handshake and the test stays short."""
    data = yaml.safe_load((ROOT / "checklists" / "l3-starter.yaml").read_text(encoding="utf-8"))
    data["id"] = "l3-fleet-test"
    data["requirements"] = data["requirements"][:1]
    path = folder / "fleet-test.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture()
def slow_fleet(tmp_path: Path) -> Iterator[Path]:
    """OUTLETS outlets whose HTTPS port accepts and never answers, so each takes about a timeout."""
    listeners = [BannerListener(f"127.0.66.{10 + i}", 0, stall=True).start() for i in range(OUTLETS)]
    inventory = tmp_path / "outlets.yaml"
    inventory.write_text(yaml.safe_dump({"schema": "l3audit/inventory/v1", "outlets": [{
        "id": f"bao-{i:02d}", "name": f"Báo số {i}", "tags": ["tinh-a"],
        "sites": [{"url": f"https://bao-{i:02d}.test:{lst.port}", "address": lst.address, "http_port": None}],
    } for i, lst in enumerate(listeners)]}, allow_unicode=True), encoding="utf-8")
    try:
        yield inventory
    finally:
        for lst in listeners:
            lst.stop()


def _run(inventory: Path, out: Path, db: str, *extra: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "audit.cli", "run", str(inventory), "--out", str(out), "--db", db,
               "--no-nmap", "--timeout", "0.25", "--concurrency", "1",
               "--checklist", str(_tls_only_checklist(out.parent)), *extra]
    code = "import sys; from audit.cli import main; sys.argv[0] = 'l3audit'; main()"
    return subprocess.Popen([sys.executable, "-c", code, *command[3:]], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=os.environ | {"COLUMNS": "200"})


def _stored(db: str) -> dict[str, tuple[int, str]]:
    with Store(db) as store:
        return {r.outlet_id: (r.id, r.finished_at) for r in store.results()}


def test_killed_run_resumes_without_losing_or_rescanning(slow_fleet: Path, tmp_path: Path) -> None:
    out, db = tmp_path / "out", str(tmp_path / "so.db")
    # Given a run killed with SIGKILL once at least two outlets are stored
    first = _run(slow_fleet, out, db)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and first.poll() is None:
        if Path(db).exists() and len(_stored(db)) >= 2:
            break
        time.sleep(0.05)
    assert first.poll() is None, "the run finished before it could be killed: " + first.communicate()[1][-500:]
    first.send_signal(signal.SIGKILL)
    first.communicate()
    before = _stored(db)
    assert 2 <= len(before) < OUTLETS
    kept_files = {p.stem for p in out.glob("bao-*.json")}
    assert set(before) <= kept_files  # files are written before the database
    # When it is run again with --resume
    second = _run(slow_fleet, out, db, "--resume")
    _, err = second.communicate(timeout=180)
    # Then every outlet is stored exactly once, those done before keep their result, none is audited again
    after = _stored(db)
    assert set(after) == {f"bao-{i:02d}" for i in range(OUTLETS)}, err
    assert all(after[o] == before[o] for o in before)
    audited_again = [line for line in err.splitlines() if line.startswith("[")]
    assert len(audited_again) == OUTLETS - len(kept_files), err
    with Store(db) as store:
        assert len(store.results()) == OUTLETS
        [run_round] = store.rounds()
        assert run_round["n"] == OUTLETS and run_round["finished_at"] is not None
    assert {p.stem for p in out.glob("bao-*.json")} == set(after)


def test_run_stores_into_postgresql_by_url(slow_fleet: Path, tmp_path: Path) -> None:
    from tests.department.support import database

    db = database("postgresql", tmp_path)
    done = _run(slow_fleet, tmp_path / "out", db, "--concurrency", "8")
    _, err = done.communicate(timeout=180)
    stored = _stored(db)
    assert set(stored) == {f"bao-{i:02d}" for i in range(OUTLETS)}, err
    with Store(db) as store:
        assert {r.verdict for r in store.results()} == {"incomplete"}  # a stalled handshake is an error, never a fail
