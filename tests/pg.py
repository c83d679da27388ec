"""A private PostgreSQL server for tests: initdb in a temporary folder, pg_ctl on a loopback port.

Started once per test session on first use and stopped at exit. PostgreSQL refuses to run as root,
so as root the cluster is owned by and run as the `postgres` user (runuser). If the binaries are
missing or the server cannot start, `postgres_url()` returns None and the reason is kept in
`SKIP_REASON`, so tests skip with that reason. Set L3AUDIT_TEST_PG_URL to use an existing server.
"""

from __future__ import annotations

import atexit
import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

SKIP_REASON = ""
_server: PgCluster | None = None
_started = False
_names = itertools.count(1)


def _bin_dir() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]), reverse=True)
    for folder in candidates:
        if Path(folder, "initdb").exists() and Path(folder, "pg_ctl").exists():
            return Path(folder)
    found = shutil.which("initdb")
    return Path(found).resolve().parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PgCluster:
    """One throw-away cluster; `url(dbname)` names a database on it (user l3audit, trust auth)."""

    listen_addresses = "127.0.0.1"
    """Where the server listens (a test reaching it from a network namespace adds its bridge address)."""
    hba_lines: tuple[str, ...] = ()
    """Lines added to pg_hba.conf after initdb (clients from other addresses than loopback)."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.folder = Path(tempfile.mkdtemp(prefix="l3audit-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self.as_root = os.geteuid() == 0

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=self.folder, check=False)

    def start(self) -> None:
        """initdb and start; RuntimeError with the server's words when it cannot."""
        if self.as_root:
            shutil.chown(self.folder, "postgres", "postgres")
        done = self._run("initdb", "-D", str(self.data), "-U", "l3audit", "-A", "trust", "-E", "UTF8",
                         "--no-sync", "--locale=C")
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed: {done.stderr.strip() or done.stdout.strip()}")
        if self.hba_lines:
            with (self.data / "pg_hba.conf").open("a") as hba:
                hba.writelines(f"{line}\n" for line in self.hba_lines)
        self.resume()

    def resume(self) -> None:
        """Start the server on its data folder (again, after `halt`); RuntimeError when it cannot."""
        options = (f"-p {self.port} -k {self.folder} -c listen_addresses={self.listen_addresses} -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=100")
        done = self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "log"), "-o", options, "-w",
                         "-t", "30", "start")
        if done.returncode != 0:
            log = (self.folder / "log").read_text(errors="replace")[-2000:] if (self.folder / "log").exists() else ""
            raise RuntimeError(f"pg_ctl start failed: {done.stderr.strip()} {log}")

    def halt(self) -> None:
        """Stop the server (fast shutdown: open connections are cut) and keep its files, for `resume`."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def stop(self) -> None:
        """Stop the server and delete its files."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, dbname: str = "postgres") -> str:
        """A SQLAlchemy URL for a database on this cluster."""
        return f"postgresql://l3audit@127.0.0.1:{self.port}/{dbname}"


def postgres_server_url() -> str | None:
    """The URL of the session's PostgreSQL server (maintenance database), started on first call."""
    global _server, _started, SKIP_REASON
    if os.environ.get("L3AUDIT_TEST_PG_URL"):
        return os.environ["L3AUDIT_TEST_PG_URL"]
    if not _started:
        _started = True
        bin_dir = _bin_dir()
        if bin_dir is None:
            SKIP_REASON = "PostgreSQL is not installed (apt-get install postgresql)"
            return None
        cluster = PgCluster(bin_dir)
        try:
            cluster.start()
        except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
            SKIP_REASON = f"PostgreSQL could not start locally: {exc}"
            shutil.rmtree(cluster.folder, ignore_errors=True)
            return None
        _server = cluster
        atexit.register(cluster.stop)
    return _server.url() if _server else None


def fresh_database() -> str | None:
    """A new, empty database on the test server; its URL (None when there is no server)."""
    base = postgres_server_url()
    if base is None:
        return None
    import sqlalchemy as sa  # here, so that importing this helper never needs the driver

    from audit.department.store.connection import database_url
    name = f"t_{os.getpid()}_{next(_names)}_{uuid.uuid4().hex[:6]}"
    engine = sa.create_engine(database_url(base), isolation_level="AUTOCOMMIT")
    deadline = time.monotonic() + 10
    while True:
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
            break
        except sa.exc.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    engine.dispose()
    return str(database_url(base).set(database=name).render_as_string(hide_password=False))
