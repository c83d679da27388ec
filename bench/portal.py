"""Portal benchmark: the department's dashboard page for N outlets, and U users on the questionnaire.

Run from the repository root: `.venv/bin/python -m bench.portal [--outlets 1000] [--repeat 15]
[--users 50] [--requests 20] [--think-seconds 1.0] [--workers 2] [--pg] [--json FILE]`.

(a) Dashboard: N outlets in the inventory, two rounds of synthetic results (every requirement of the
catalogue in force, statuses drawn from a seeded generator, so trends, regressions and the heatmap
have work to do), inserted in a temporary SQLite store (and with `--pg` a PostgreSQL database on the
tests' private server). An officer's GET /department is timed around the WSGI call (Flask's test
client, in process: the server's time, without a network), `--repeat` times after one warm-up, both
as after a change in the store (the portal's dashboard cache emptied: the view-model is built from
the store) and with the store unchanged (the fingerprint read, the build reused); medians are
reported, with the time of building `aggregate`'s view-model alone, the CPU time of this process for
both (on a shared machine the fairer comparison) and the queries each sends to the database.

(b) Questionnaire: `l3audit serve` (gunicorn, `--workers`) on a temporary SQLite store, on loopback
(127.18.3.2). U threads, each logged in as its own outlet member (httpx), wait at a barrier, then
load the questionnaire and save answers, `--requests` requests each (every fifth a page of one
requirement group, each user going round the groups, the others a saved row), pausing a uniformly random 0.5x to 1.5x `--think-seconds` between
requests like a person filling in the form. Latency is measured per request at the client; an error
is any exception or an answer other than 200 (page) or 302 (saved). Traffic goes to 127.0.0.0/8 only.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event as sa_event

from audit.catalogue.loader import Checklist, load_checklist, resolve_checklist
from audit.department.aggregate.build import Filters, build_dashboard
from audit.department.store import open_store
from audit.department.store.store import insert_result
from audit.portal.app import create_app
from audit.portal.questionnaire_pages import question_groups
from audit.portal.users import add_user
from audit.selfassess.questionnaire import questions

PASSWORD = "bench portal passphrase"
HOST = "127.18.3.2"
STATUS_WEIGHTS = {"pass": 70, "fail": 8, "error": 4, "manual": 15, "not_applicable": 3}


def synthetic_result(checklist: Checklist, i: int, day: str, seed: int) -> dict[str, Any]:
    """A result document for outlet i judged against every requirement of `checklist`."""
    rng = random.Random(seed)
    statuses = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()), k=len(checklist.requirements))
    counts = {s: statuses.count(s) for s in ("pass", "fail", "error", "manual", "not_applicable", "waived")}
    verdict = "not_compliant" if counts["fail"] else "incomplete" if counts["error"] or counts["manual"] else "compliant"
    decided = counts["pass"] + counts["fail"]
    applicable = len(statuses) - counts["not_applicable"]
    oid = f"o{i:04d}"
    return {
        "schema_version": 1, "tool": {"name": "l3audit", "version": "bench"},
        "outlet": {"id": oid, "name": f"Báo điện tử số {i}", "tags": [f"vung-{i % 7}"],
                   "sites": [{"url": f"https://{oid}.bench.test/", "host": f"{oid}.bench.test", "port": 443,
                              "scheme": "https", "http_port": 80, "address": None}]},
        "checklist": {"id": checklist.id, "title": "bench", "standard": checklist.standard, "level": 3,
                      "version": str(checklist.version), "content_hash": checklist.content_hash},
        "started_at": day, "finished_at": day, "probe_attempts": [],
        "requirements": [{"requirement_id": r.id, "status": s, "reason": "bench", "source": "probe", "sites": []}
                         for r, s in zip(checklist.requirements, statuses)],
        "summary": {"counts": counts, "total": len(statuses), "verdict": verdict,
                    "mandatory_failed": [r.id for r, s in zip(checklist.requirements, statuses) if s == "fail"],
                    "pass_percent": round(100.0 * counts["pass"] / decided, 1) if decided else None,
                    "coverage_percent": round(100.0 * decided / applicable, 1) if applicable else None},
    }


def fill_store(db: str, checklist: Checklist, outlets: int) -> float:
    """Inventory and two rounds of results for `outlets` outlets; returns the seconds it took."""
    start = time.perf_counter()
    with open_store(db) as store:
        add_user(store, "officer", PASSWORD, "officer")
        store.replace_inventory((f"o{i:04d}", f"Báo điện tử số {i}", (f"vung-{i % 7}",)) for i in range(outlets))
        for n, day in enumerate(("2026-11-02T03:00:00+00:00", "2026-12-01T03:00:00+00:00")):
            round_id = store.start_round(f"bench {n}", "run")
            with store.write("store bench results") as conn:
                for i in range(outlets):
                    insert_result(conn, synthetic_result(checklist, i, day, seed=i * 2 + n), round_id)
    return time.perf_counter() - start


def bench_dashboard(db: str, checklist: Checklist, outlets: int, repeat: int, backend: str) -> dict[str, Any]:
    """Median server time of GET /department over `repeat` requests (after one warm-up)."""
    store_seconds = fill_store(db, checklist, outlets)
    app = create_app(db, checklist=checklist.id, secret_key="bench-" + "k" * 40,
                     data_dir=tempfile.mkdtemp(prefix="l3audit-bench-data-"))  # PostgreSQL needs one
    client = app.test_client()
    token = _csrf(client.get("/login").text)
    assert client.post("/login", data={"username": "officer", "password": PASSWORD, "csrf_token": token}).status_code == 302
    first = client.get("/department")
    assert first.status_code == 200, first.text[:300]
    cold, cold_cpu, warm, build_times, build_cpu = [], [], [], [], []
    store = app.extensions["l3audit_store"]
    queries = {"n": 0}
    sa_event.listen(store.engine, "before_cursor_execute", lambda *_a: queries.__setitem__("n", queries["n"] + 1))
    cold_queries = build_queries = 0
    for _ in range(repeat):
        app.extensions.pop("l3audit_dashboard_cache", None)  # as after a new result: built from the store
        queries["n"] = 0
        start, cpu = time.perf_counter(), time.process_time()
        reply = client.get("/department")
        cold.append(time.perf_counter() - start)
        cold_cpu.append(time.process_time() - cpu)
        cold_queries = queries["n"]
        assert reply.status_code == 200
        start = time.perf_counter()
        reply = client.get("/department")  # nothing changed: the store's fingerprint is read, the build reused
        warm.append(time.perf_counter() - start)
        assert reply.status_code == 200
        queries["n"] = 0
        start, cpu = time.perf_counter(), time.process_time()
        build_dashboard(store, Filters(), "vi")
        build_times.append(time.perf_counter() - start)
        build_cpu.append(time.process_time() - cpu)
        build_queries = queries["n"]
    store.close()
    return {"backend": backend, "outlets": outlets, "results": 2 * outlets, "requirements": len(checklist.requirements),
            "store_seconds": round(store_seconds, 1), "cold_seconds": round(statistics.median(cold), 3),
            "cold_cpu_seconds": round(statistics.median(cold_cpu), 3), "cold_queries": cold_queries,
            "cold_max_seconds": round(max(cold), 3), "warm_seconds": round(statistics.median(warm), 3),
            "view_model_seconds": round(statistics.median(build_times), 3),
            "view_model_cpu_seconds": round(statistics.median(build_cpu), 3), "view_model_queries": build_queries,
            "page_kib": round(len(first.data) / 1024), "repeat": repeat}


def _free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def _csrf(html: str) -> str:
    marker = 'name="csrf_token"'
    at = html.index(marker)
    tag = html[html.rindex("<", 0, at):html.index(">", at)]
    return tag.split('value="')[1].split('"')[0]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))] if ordered else 0.0


def bench_questionnaire(checklist: Checklist, users: int, requests: int, think: float, workers: int,
                        work: Path, host: str = HOST) -> dict[str, Any]:
    """p95 latency and errors of `users` outlet members using the questionnaire of `l3audit serve` at once."""
    db = str(work / "load.db")
    with open_store(db) as store:
        store.replace_inventory((f"o{i:03d}", f"Báo {i}", ()) for i in range(users))
        for i in range(users):
            add_user(store, f"u{i:03d}", PASSWORD, "outlet", f"o{i:03d}")
    port = _free_port(host)
    server = subprocess.Popen(
        [sys.executable, "-c", "from audit.cli import main; main()", "serve", "--store", db, "--bind", f"{host}:{port}",
         "--checklist", checklist.id, "--workers", str(workers)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    rows = [q.requirement_id for q in questions(checklist)]
    pages = [g.id for g in question_groups(checklist)]
    latencies: dict[str, list[float]] = {"page": [], "save": [], "login": []}
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(users)

    def user(i: int) -> None:
        rng = random.Random(i)
        base, outlet = f"http://{host}:{port}", f"o{i:03d}"
        with httpx.Client(base_url=base, timeout=30) as client:
            try:
                token = _csrf(client.get("/login").text)
                start = time.perf_counter()
                reply = client.post("/login", data={"username": f"u{i:03d}", "password": PASSWORD, "csrf_token": token})
                with lock:
                    latencies["login"].append(time.perf_counter() - start)
                if reply.status_code != 302:
                    raise RuntimeError(f"login {reply.status_code}")
            except Exception as exc:  # noqa: BLE001 - every failure is an error to count
                with lock:
                    errors.append(f"login: {exc}")
                barrier.abort()
                return
            try:
                barrier.wait(timeout=120)
            except threading.BrokenBarrierError:
                return
            token = ""
            for n in range(requests):
                kind = "page" if n % 5 == 0 else "save"
                start = time.perf_counter()
                try:
                    if kind == "page":
                        reply = client.get(f"/outlet/{outlet}/questionnaire/{pages[(i + n) % len(pages)]}")
                        ok = reply.status_code == 200
                        if ok:
                            token = _csrf(reply.text)
                    else:
                        reply = client.post(f"/outlet/{outlet}/answers", data={
                            "requirement_id": rows[(i + n) % len(rows)], "answer": "partly",
                            "text": f"bench {n}", "csrf_token": token})
                        ok = reply.status_code == 302
                    elapsed = time.perf_counter() - start
                    with lock:
                        latencies[kind].append(elapsed)
                        if not ok:
                            errors.append(f"{kind} {reply.status_code}")
                except Exception as exc:  # noqa: BLE001
                    with lock:
                        errors.append(f"{kind}: {type(exc).__name__}")
                time.sleep(think * rng.uniform(0.5, 1.5))

    try:
        deadline = time.monotonic() + 60
        while True:
            with socket.socket() as s:
                if s.connect_ex((host, port)) == 0:
                    break
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("l3audit serve did not start: " + (server.stderr.read().decode()[-2000:] if server.stderr else ""))
            time.sleep(0.2)
        threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - start
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    both = latencies["page"] + latencies["save"]
    return {"users": users, "requests_per_user": requests, "think_seconds": think, "workers": workers,
            "questions": len(rows), "groups": len(pages), "requests": len(both), "errors": len(errors), "error_kinds": sorted(set(errors))[:5],
            "p95_ms": round(1000 * _percentile(both, 0.95)), "p50_ms": round(1000 * _percentile(both, 0.50)),
            "page_p95_ms": round(1000 * _percentile(latencies["page"], 0.95)),
            "save_p95_ms": round(1000 * _percentile(latencies["save"], 0.95)),
            "login_p95_ms": round(1000 * _percentile(latencies["login"], 0.95)),
            "throughput_per_second": round(len(both) / wall, 1), "wall_seconds": round(wall, 1)}


def render(dashboards: list[dict[str, Any]], load: dict[str, Any], command: str) -> str:
    """The Markdown for docs/benchmarks.md."""
    load_avg = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [f"`{command}` on {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
             f"load average {load_avg} at the end.", "",
             "| dashboard | outlets | results × requirements | GET /department, store changed | of which view-model "
             "| max | CPU (page / view-model) | queries (page / view-model) | store unchanged | page |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for d in dashboards:
        lines.append(f"| {d['backend']} | {d['outlets']} | {d['results']} × {d['requirements']} | {d['cold_seconds']:.3f} s "
                     f"| {d['view_model_seconds']:.3f} s | {d['cold_max_seconds']:.3f} s "
                     f"| {d['cold_cpu_seconds']:.3f} / {d['view_model_cpu_seconds']:.3f} s "
                     f"| {d['cold_queries']} / {d['view_model_queries']} | {d['warm_seconds']:.3f} s | {d['page_kib']} KiB |")
    lines += ["", "| questionnaire | users | requests | think time | p50 | p95 | p95 page / save | errors | req/s |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
              f"| gunicorn, {load['workers']} workers, {load['questions']} questions in {load['groups']} pages | {load['users']} | {load['requests']} "
              f"| {load['think_seconds']:g} s | {load['p50_ms']} ms | {load['p95_ms']} ms "
              f"| {load['page_p95_ms']} / {load['save_p95_ms']} ms | {load['errors']} | {load['throughput_per_second']} |"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--outlets", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--requests", type=int, default=20, help="requests per user after login")
    parser.add_argument("--think-seconds", type=float, default=1.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--checklist", default="tcvn14423-2026-l3")
    parser.add_argument("--pg", action="store_true", help="also the dashboard on PostgreSQL (the tests' private server)")
    parser.add_argument("--json", type=Path, help="also write the numbers as JSON here")
    parser.add_argument("--host", default=HOST, help=f"loopback address for the questionnaire's server (default {HOST})")
    args = parser.parse_args(argv)
    checklist = load_checklist(resolve_checklist(args.checklist))
    command = "python -m bench.portal " + " ".join(argv if argv is not None else sys.argv[1:])
    with tempfile.TemporaryDirectory(prefix="l3audit-bench-portal-") as folder:
        work = Path(folder)
        dashboards = [bench_dashboard(str(work / "dashboard.db"), checklist, args.outlets, args.repeat, "SQLite")]
        print(dashboards[-1], file=sys.stderr)
        if args.pg:
            from tests import pg

            url = pg.fresh_database()
            if url is None:
                raise SystemExit(f"--pg: {pg.SKIP_REASON}")
            dashboards.append(bench_dashboard(url, checklist, args.outlets, args.repeat, "PostgreSQL"))
            print(dashboards[-1], file=sys.stderr)
        load = bench_questionnaire(checklist, args.users, args.requests, args.think_seconds, args.workers, work,
                                   args.host)
        print(load, file=sys.stderr)
    text = render(dashboards, load, command.strip())
    print(text)
    if args.json:
        args.json.write_text(json.dumps({"dashboards": dashboards, "questionnaire": load}, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
