"""Queue benchmark: N demo outlets audited through `l3audit worker` (1 and 2 worker processes, on a
real redis-server) against the same outlets audited in process by `l3audit run --db`.

Run from the repository root: `.venv/bin/python -m bench.queue [--outlets 100] [--threads 8]
[--out docs/bench-queue.md]`.

The outlets are bench.fleet's (half well, half badly configured HTTPS + HTTP servers, served from
this process), moved to this bench's loopback range 127.17.100.0 onwards. One worker process runs
`--threads` jobs at once, so it is compared with `run --concurrency` of the same number, and two
workers with twice that. Wall time for the queue runs from the schedule's firing to the last job
stored (the database is polled every 0.2 s); peak RSS is each worker process's (wait4), and the
overhead per job is the extra slot-time a job costs on the queue:
(queue wall - run wall) x jobs at once / outlets. Traffic goes to 127.0.0.0/8 only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import bench.fleet as fleet_bench
from audit.department.store import Store
from audit.schedule.jobs import list_jobs
from audit.schedule.queue import QueueSettings
from audit.schedule.schedules import add_schedule
from audit.schedule.worker import tick
from tests.schedule.redis_server import RedisServer

ROOT = Path(__file__).resolve().parent.parent


def address(i: int) -> str:
    """Outlet i's loopback address, in this issue's range (127.17.0.0/16)."""
    return f"127.17.{100 + i // 250}.{i % 250 + 1}"


fleet_bench.address = address  # the fleet servers and inventory use this bench's range


def bench_run(inventory: Path, ca_file: Path, work: Path, concurrency: int, count: int) -> dict[str, Any]:
    """`l3audit run --db` in one process."""
    db = str(work / f"run-{concurrency}.db")
    seconds, rss, code = fleet_bench.timed(fleet_bench.L3AUDIT + [
        "run", str(inventory), "--out", str(work / f"out-{concurrency}"), "--db", db, "--ca-file", str(ca_file),
        "--concurrency", str(concurrency), "--timeout", "5", "--no-nmap"])
    with Store(db) as store:
        stored = len(store.results())
    return {"how": f"`run --concurrency {concurrency}`", "slots": concurrency, "seconds": seconds,
            "rss": [rss], "stored": stored, "exit": code, "outlets": count}


def bench_queue(inventory: Path, ca_file: Path, work: Path, workers: int, threads: int, count: int,
                checklist: str) -> dict[str, Any]:
    """The same outlets as one schedule firing, through `workers` worker processes."""
    redis_server = RedisServer(work / f"redis-{workers}").start()
    db = f"sqlite:///{work / f'queue-{workers}.db'}"
    settings = QueueSettings(redis_url=redis_server.url, db=db)
    when = dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)
    with Store(db) as store:
        add_schedule(store, "bench", "month", ["all"], inventory, checklist, when,
                     {"timeout_seconds": 5, "use_nmap": False, "ca_file": str(ca_file)})
    procs = [subprocess.Popen(fleet_bench.L3AUDIT + [
        "worker", "--db", db, "--redis", redis_server.url, "--tick-seconds", "0", "--threads", str(threads)],
        stdout=subprocess.DEVNULL, stderr=(work / f"worker-{workers}-{i}.log").open("wb")) for i in range(workers)]
    time.sleep(3)  # let the workers start (interpreter and imports), as they would be before a round
    try:
        start = time.monotonic()
        (round_id,), _, _ = tick(settings, now=when)
        with Store(db) as store:
            while not all(j.status in ("done", "failed") for j in list_jobs(store, round_id=round_id)):
                time.sleep(0.2)
            seconds = time.monotonic() - start
            stored = len(store.results(round_id=round_id))
    finally:
        rss = []
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
            _, _, usage = os.wait4(proc.pid, 0)
            rss.append(usage.ru_maxrss / 1024)
        redis_server.stop()
    return {"how": f"{workers} worker process(es) x {threads} threads", "slots": workers * threads,
            "seconds": seconds, "rss": rss, "stored": stored, "exit": 0, "outlets": count}


def main() -> None:
    """Run the benchmark and write the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outlets", type=int, default=100)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "bench-queue.md")
    args = parser.parse_args()
    rows = []
    args.load = [os.getloadavg()]  # the machine is shared: its load is printed beside the numbers
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="l3audit-bench-queue-") as tmp:
        work = Path(tmp)
        with fleet_bench.fleet(args.outlets, work) as (inventory, ca_file, _servers):
            for workers in (1, 2):
                rows.append(bench_run(inventory, ca_file, work, workers * args.threads, args.outlets))
                print(rows[-1], file=sys.stderr)
                rows.append(bench_queue(inventory, ca_file, work, workers, args.threads, args.outlets, "l3-starter"))
                print(rows[-1], file=sys.stderr)
    args.load.append(os.getloadavg())
    args.minutes = (time.monotonic() - started) / 60
    args.out.write_text(render(rows, args), encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)


def render(rows: list[dict[str, Any]], args: argparse.Namespace) -> str:
    """The Markdown page."""
    lines = [
        "# Benchmark: audits through the queue (Dramatiq on Redis) against an in-process run", "",
        (f"`python -m bench.queue --outlets {args.outlets} --threads {args.threads}` on {dt.date.today().isoformat()}, "
         f"{os.cpu_count()} CPU(s), Python {platform.python_version()}, checklist l3-starter (tls, http, ports with the "
         "built-in scanner), every result stored in SQLite. The outlets' servers run in the benchmark process and "
         "share the CPUs with the audit. "
         f"Load average (1, 5, 15 min) at the start {', '.join(f'{x:.1f}' for x in args.load[0])}, at the end "
         f"{', '.join(f'{x:.1f}' for x in args.load[1])}; the whole benchmark took {args.minutes:.0f} min."), "",
        "| how | jobs at once | wall (s) | outlets/min | peak RSS per process (MiB) | stored | overhead per job (s) |",
        "|---|---:|---:|---:|---|---:|---:|",
    ]
    baseline = {r["slots"]: r["seconds"] for r in rows if r["how"].startswith("`run")}
    for r in rows:
        overhead = "" if r["how"].startswith("`run") else \
            f"{(r['seconds'] - baseline[r['slots']]) * r['slots'] / r['outlets']:+.2f}"
        lines.append(f"| {r['how']} | {r['slots']} | {r['seconds']:.1f} | {r['outlets'] / r['seconds'] * 60:.0f} | "
                     f"{' / '.join(f'{x:.0f}' for x in r['rss'])} | {r['stored']}/{r['outlets']} | {overhead} |")
    lines += ["", ("Overhead per job = (queue wall - in-process wall at the same number of jobs at once) x jobs at "
                   "once / outlets: the slot-time a job costs beyond its audit (message round trip, the database "
                   "reads and the transaction that stores result and state, a fresh event loop per job, the host "
                   "slot in Redis). `run` also renders an HTML report per outlet, which a job does not (reports are "
                   "made from the database afterwards, `l3audit report`), so a negative value means the queue costs "
                   "less than that rendering, or the noise of a shared machine exceeds it."), ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
