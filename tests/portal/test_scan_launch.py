"""Scans launched from the officer's outlets page: in-process (no Redis) and on the task queue (a real
redis-server and an `l3audit worker`), against a real tiny HTTPS site on loopback; the result is stored."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from audit.cli import cli
from audit.department.store import open_store
from audit.department.store.schema import audit_log
from audit.portal.app import create_app
from audit.portal.scans import create_scan_job, stored_outlet
from audit.schedule.jobs import list_jobs
from tests.portal.conftest import csrf_of, login
from tests.probes.http.http_servers import Certificates, Reply, Running, Site, serve
from tests.schedule import redis_server as redis_module
from tests.schedule.support import start_worker, wait_for

HOST = "127.18.2.10"  # this helper's loopback range


def _checklist(folder: Path) -> Path:
    """The starter catalogue cut to its first requirement (TLS offered): one quick handshake per scan."""
    data = yaml.safe_load((Path(__file__).resolve().parents[2] / "checklists" / "l3-starter.yaml").read_text("utf-8"))
    data["id"], data["requirements"] = "l3-portal-scan-test", data["requirements"][:1]
    path = folder / "scan-test.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture()
def site(certs: Certificates) -> Iterator[Running]:
    with serve(Site("o1", https={"/": Reply()}), HOST, certs) as running:
        yield running


@pytest.fixture()
def inventory(tmp_path: Path, site: Running, store_path: str) -> str:
    """o1's one site is the loopback server, imported with `l3audit outlets import` (the sites are kept); o2 is gone."""
    path = tmp_path / "outlets.yaml"
    path.write_text(yaml.safe_dump({"schema": "l3audit/inventory/v1", "outlets": [
        {"id": "o1", "name": "Báo Một", "tags": ["test"], "contact": {"name": "KT", "email": "kt@o1.test"},
         "sites": [{"url": f"https://o1.test:{site.https_port}", "address": HOST, "http_port": None}]},
    ]}, allow_unicode=True), encoding="utf-8")
    assert CliRunner().invoke(cli, ["outlets", "import", str(path), "--db", store_path]).exit_code == 0
    return store_path


def _app(store_path: str, tmp_path: Path, certs: Certificates, redis_url: str | None = None) -> Flask:
    config = {"L3AUDIT_SCAN_OPTIONS": {"timeout_seconds": 3, "use_nmap": False, "ca_file": str(certs.ca)}}
    if redis_url:
        config["L3AUDIT_REDIS_URL"] = redis_url  # type: ignore[assignment]
    return create_app(store_path, checklist=str(_checklist(tmp_path)), secret_key="test-" + "k" * 40, config=config)


def _launch(client: FlaskClient, outlet_id: str) -> object:
    page = client.get("/officer/outlets").text
    return client.post(f"/officer/outlets/{outlet_id}/scan", data={"csrf_token": csrf_of(page)})


def _officer(app: Flask) -> FlaskClient:
    client = app.test_client()
    assert login(client, "officer1").status_code == 302
    return client


def _check_stored(app: Flask, site: Running) -> None:
    store = app.extensions["l3audit_store"]
    (job,) = list_jobs(store)
    assert job.status == "done" and job.result_id, job
    doc = store.documents([job.result_id])[job.result_id]
    assert doc["outlet"]["id"] == "o1" and doc["auditor"]["name"] == "officer1"
    assert {r["requirement_id"]: r["status"] for r in doc["requirements"]} == {"L3-TLS-01": "pass"}
    assert site.https_port and store.results(outlet_id="o1")[-1].id == job.result_id
    page = _officer(app).get("/officer/outlets").text
    assert "xong" in page and "compliant" in page
    with store.read("t") as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(audit_log).where(
            audit_log.c.action == "scan.launch")).scalar() == 1


def test_scan_runs_in_process_without_redis(inventory: str, tmp_path: Path, certs: Certificates, site: Running) -> None:
    app = _app(inventory, tmp_path, certs)
    officer = _officer(app)
    assert _launch(officer, "o1").status_code == 302  # type: ignore[attr-defined]
    store = app.extensions["l3audit_store"]
    wait_for(lambda: list_jobs(store)[0].status in ("done", "failed"), 60, "the in-process scan")
    _check_stored(app, site)


def test_one_scan_per_outlet_and_none_without_sites(inventory: str, tmp_path: Path, certs: Certificates) -> None:
    app = _app(inventory, tmp_path, certs)
    store, checklist = app.extensions["l3audit_store"], app.extensions["l3audit_checklist"]
    outlet = stored_outlet(store, "o1")
    assert outlet is not None and outlet.sites[0].address == HOST
    create_scan_job(store, outlet, checklist.path, {})  # still pending: a second one is refused
    officer = _officer(app)
    reply = _launch(officer, "o1")
    assert reply.status_code == 409 and "đang được quét" in reply.text  # type: ignore[attr-defined]
    reply = _launch(officer, "o2")
    assert reply.status_code == 400 and "không có trang web nào" in reply.text.lower()  # type: ignore[attr-defined]
    assert len(list_jobs(store)) == 1


def test_scan_goes_to_the_queue_with_redis(inventory: str, tmp_path: Path, certs: Certificates, site: Running,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(redis_module, "ADDRESS", "127.18.2.1")
    server = redis_module.RedisServer(tmp_path / "redis").start()
    worker = start_worker(inventory, server.url, tmp_path / "worker.log")
    try:
        app = _app(inventory, tmp_path, certs, server.url)
        assert _launch(_officer(app), "o1").status_code == 302  # type: ignore[attr-defined]
        store = app.extensions["l3audit_store"]
        assert list_jobs(store)[0].status in ("queued", "running", "done")
        wait_for(lambda: list_jobs(store)[0].status in ("done", "failed"), 90, "the worker to run the scan")
        assert list_jobs(store)[0].worker and "@portal" not in str(list_jobs(store)[0].worker)
        _check_stored(app, site)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        server.stop()
    with open_store(inventory) as store:
        assert store.schema_version() >= 8
