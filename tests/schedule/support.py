"""Builders for the queue tests: an inventory of loopback outlets, a one-requirement checklist,
worker processes started as `l3audit worker` would be on each machine."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from tests.test_fleet_resume import _tls_only_checklist as tls_only_checklist  # one requirement: TLS offered

__all__ = ["start_worker", "tls_only_checklist", "wait_for", "write_inventory"]

ROOT = Path(__file__).resolve().parents[2]


def write_inventory(path: Path, sites: dict[str, tuple[str, int]], tags: dict[str, list[str]] | None = None) -> Path:
    """An inventory: outlet id -> (address, HTTPS port) on loopback."""
    path.write_text(yaml.safe_dump({"schema": "l3audit/inventory/v1", "outlets": [{
        "id": outlet, "name": f"Báo {outlet}", "tags": (tags or {}).get(outlet, ["test"]),
        "contact": {"name": "Phòng Kỹ thuật", "email": f"kt@{outlet}.test"},
        "sites": [{"url": f"https://{outlet}.test:{port}", "address": address, "http_port": None}],
    } for outlet, (address, port) in sites.items()]}, allow_unicode=True), encoding="utf-8")
    return path


def start_worker(db: str, redis_url: str, log: Path, threads: int = 1, *extra: str) -> subprocess.Popen[bytes]:
    """One `l3audit worker` process (no ticking: the test fires schedules with its own clock)."""
    return subprocess.Popen(
        [sys.executable, "-c", "from audit.cli import main; main()", "worker", "--db", db, "--redis", redis_url,
         "--tick-seconds", "0",
         "--threads", str(threads), "--heartbeat-seconds", "2", "--host-slot-seconds", "8", *extra],
        cwd=ROOT, stdout=log.open("ab"), stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})


def wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    """Poll `condition` until true; AssertionError naming `what` after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")
