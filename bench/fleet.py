"""Fleet benchmark: `l3audit run --db` over N demo outlets, `aggregate` over 1,000 stored outlets,
and the same outlets audited by sslyze + nmap run per outlet in sequence.

Run from the repository root: `.venv/bin/python -m bench.fleet [--sizes 50,200] [--aggregate 1000]
[--peer-sample 10] [--out docs/bench-fleet.md]`.

Each outlet gets its own loopback address (127.0.100.1 onwards) with an HTTPS server on 8443 and a
plain-HTTP server on 8080, half configured well (TLS 1.2+, certificate from a bench CA, redirect,
security headers), half badly (TLS 1.0 accepted, no headers, no redirect). The servers run in this
process; `l3audit run` runs as a subprocess whose wall time and peak RSS (wait4) are measured. The
aggregate benchmark stores two rounds of results for `--aggregate` outlets (copies of real results
from the fleet run) and times the `l3audit aggregate` command end to end (interpreter start
included). sslyze comes from `.venv-peers/bin/sslyze` when present. Traffic goes to 127.0.0.0/8 only.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import datetime as dt
import json
import os
import platform
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from audit.demo.outlets import GOOD_HEADERS
from audit.demo.certs import make_ca, make_leaf
from audit.demo.servers import ServerGroup, SiteConfig, WebServer, server_tls_context
from audit.department.store import Store

ROOT = Path(__file__).resolve().parent.parent
L3AUDIT = [sys.executable, "-c", "import sys; from audit.cli import main; sys.argv[0] = 'l3audit'; main()"]
SSLYZE = ROOT / ".venv-peers" / "bin" / "sslyze"


NOTES = [
    ("- Per outlet the time is mostly waiting, not computing: the exposure probe spaces its ~40 GETs at 4 per second "
     "(about 10 s per site), the ports probe its connects (100/s per host) and listens 2 s for a passive banner on "
     "open ports. The engine runs at most `--per-host` (2) probes on one host and `--concurrency` x `--per-host` "
     "probes in all, so throughput grows with `--concurrency` until the CPUs (shared with the 2 x N test servers "
     "run by the benchmark itself) are the limit."),
    ("- Politeness is per host and does not change with `--concurrency`: the busiest second column is what one host "
     "received at most, whatever the number of outlets audited at once."),
    ("- Peak memory grows little with the outlets: finished probe attempts are dropped, and results go to disk and "
     "the database as each outlet finishes."),
    ("- Timings on a shared machine are upper bounds (the load average at the start is printed above); rerun the "
     "command for your own machine."),
]


def address(i: int) -> str:
    """The loopback address of outlet i."""
    return f"127.0.{100 + i // 250}.{i % 250 + 1}"


@contextlib.contextmanager
def fleet(count: int, work: Path) -> Iterator[tuple[Path, Path, dict[str, list[WebServer]]]]:
    """Start `count` outlets; yield (inventory file, CA file, each outlet's address -> its servers)."""
    ca = make_ca("l3audit bench CA")
    ca_file = work / "ca.pem"
    ca_file.write_bytes(ca.cert_pem())
    good_cert, good_key = make_leaf(["*.fleet.test"], ca).write(work, "good")
    bad_cert, bad_key = make_leaf(["*.fleet.test"], None, expired=True).write(work, "bad")
    good_tls = server_tls_context(good_cert, good_key)
    bad_tls = server_tls_context(bad_cert, bad_key, min_version=ssl.TLSVersion.TLSv1)
    outlets = []
    servers: dict[str, list[WebServer]] = {}
    with contextlib.ExitStack() as stack:
        for i in range(count):
            name, ip, good = f"o{i:04d}.fleet.test", address(i), i % 2 == 0
            if good:
                pair = (WebServer(ip, 8443, SiteConfig(headers=GOOD_HEADERS), good_tls),
                        WebServer(ip, 8080, SiteConfig(redirect_to=f"https://{name}:8443/")))
            else:
                pair = (WebServer(ip, 8443, SiteConfig(server_header="nginx/1.14.0"), bad_tls),
                        WebServer(ip, 8080, SiteConfig(server_header="nginx/1.14.0")))
            servers[ip] = list(pair)
            outlets.append({"id": f"bao-{i:04d}", "name": f"Báo thử nghiệm {i}", "tags": ["tinh-" + "abc"[i % 3]],
                            "sites": [{"url": f"https://{name}:8443", "address": ip, "http_port": 8080}]})
        stack.enter_context(ServerGroup([server for pair in servers.values() for server in pair]))
        inventory = work / "outlets.yaml"
        inventory.write_text(yaml.safe_dump({"schema": "l3audit/inventory/v1", "outlets": outlets},
                                            allow_unicode=True), encoding="utf-8")
        yield inventory, ca_file, servers


def busiest_second(arrivals: list[float]) -> int:
    """The most requests that arrived within any one second (a sliding window)."""
    times, most, first = sorted(arrivals), 0, 0
    for last, now in enumerate(times):
        while now - times[first] >= 1.0:
            first += 1
        most = max(most, last - first + 1)
    return most


def host_rates(servers: dict[str, list[WebServer]]) -> dict[str, float]:
    """Per host (both its servers): the busiest second, as max and median over hosts, and requests per host."""
    busiest = sorted(busiest_second([t for s in pair for t in s.server.arrivals]) for pair in servers.values())
    counts = sorted(sum(len(s.server.arrivals) for s in pair) for pair in servers.values())
    middle = len(busiest) // 2
    return {"host_max_per_second": busiest[-1] if busiest else 0, "host_median_per_second": busiest[middle] if busiest else 0,
            "host_requests_median": counts[middle] if counts else 0}


def timed(command: list[str]) -> tuple[float, float, int]:
    """Run a command; (wall seconds, peak RSS in MiB, exit code)."""
    start = time.monotonic()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    return time.monotonic() - start, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def bench_run(count: int, work: Path, concurrency: int, nmap: bool) -> dict[str, Any]:
    """Audit `count` outlets with `l3audit run --db`; returns the table row."""
    with fleet(count, work) as (inventory, ca_file, servers):
        out, db = work / f"out-{concurrency}-{nmap}", str(work / f"fleet-{concurrency}-{nmap}.db")
        seconds, rss, code = timed(L3AUDIT + ["run", str(inventory), "--out", str(out), "--db", db, "--ca-file",
                                              str(ca_file), "--concurrency", str(concurrency), "--timeout", "5",
                                              "--nmap" if nmap else "--no-nmap"])
        with Store(db) as store:
            rows = store.results()
        rates = host_rates(servers)
    verdicts = {v: sum(1 for r in rows if r.verdict == v) for v in ("compliant", "not_compliant", "incomplete")}
    return {"outlets": count, "concurrency": concurrency, "nmap": nmap, "seconds": seconds,
            "per_second": count / seconds, "rss_mib": rss, "stored": len(rows), "exit": code, **verdicts, **rates}


def bench_peers(count: int, sample: int, work: Path, ports: list[int]) -> dict[str, Any] | None:
    """sslyze then nmap, per outlet in sequence, on `sample` outlets; extrapolated to `count`."""
    if not SSLYZE.exists() or not shutil.which("nmap"):
        return None
    with fleet(sample, work) as _:
        start = time.monotonic()
        for i in range(sample):
            subprocess.run([str(SSLYZE), "--quiet", f"o{i:04d}.fleet.test:8443{{{address(i)}}}"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300, check=False)
            subprocess.run(["nmap", "-sT", "-Pn", "-n", "-p", ",".join(map(str, ports)), address(i)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300, check=False)
        seconds = time.monotonic() - start
    return {"sample": sample, "seconds": seconds, "per_outlet": seconds / sample, "extrapolated": seconds / sample * count}


def bench_aggregate(outlets: int, template_dir: Path, work: Path) -> dict[str, Any]:
    """Store two rounds for `outlets` outlets (copies of real results), then time `aggregate`."""
    templates = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(template_dir.glob("bao-*.json"))[:2]]
    db = str(work / "aggregate.db")
    start = time.monotonic()
    with Store(db) as store:
        for n, day in enumerate(("2026-10-01", "2026-11-01")):
            round_id = store.start_round(day, "run")
            for i in range(outlets):
                doc = copy.deepcopy(templates[(i + n * (i % 5 == 0)) % len(templates)])
                doc["outlet"].update(id=f"bao-{i:04d}", name=f"Báo thử nghiệm {i}", tags=["tinh-" + "abc"[i % 3]])
                doc["finished_at"] = doc["started_at"] = f"{day}T08:{i // 60 % 60:02d}:{i % 60:02d}+00:00"
                store.add_result(doc, round_id)
    store_seconds = time.monotonic() - start
    row: dict[str, Any] = {"outlets": outlets, "results": 2 * outlets, "store_seconds": store_seconds}
    for fmt in ("html", "xlsx"):
        seconds, rss, code = timed(L3AUDIT + ["aggregate", "--db", db, "-o", str(work / f"dashboard.{fmt}")])
        row[fmt] = (seconds, rss, code)
    row["html_bytes"] = (work / "dashboard.html").stat().st_size
    return row


def main() -> None:
    """Run the benchmarks and write the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50,200")
    parser.add_argument("--concurrency", default="8,32", help="`run --concurrency` values to compare")
    parser.add_argument("--aggregate", type=int, default=1000)
    parser.add_argument("--peer-sample", type=int, default=10)
    parser.add_argument("--nmap", action="store_true", help="let l3audit use nmap (default: built-in scanner)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "bench-fleet.md")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    runs, last_out = [], None
    with tempfile.TemporaryDirectory(prefix="l3audit-bench-") as tmp:
        work = Path(tmp)
        for count in sizes:
            for concurrency in (int(c) for c in args.concurrency.split(",")):
                sub = work / f"n{count}-c{concurrency}"
                sub.mkdir()
                runs.append(bench_run(count, sub, concurrency, args.nmap))
                last_out = sub / f"out-{concurrency}-{args.nmap}"
                print(runs[-1], file=sys.stderr)
        assert last_out is not None
        scanned = json.loads(next(last_out.glob("bao-*.json")).read_text(encoding="utf-8"))
        ports = next((a["facts"].get("ports.scanned") for a in scanned["probe_attempts"] if a["probe"] == "ports"), None)
        (work / "peers").mkdir()
        peers = bench_peers(max(sizes), args.peer_sample, work / "peers", ports or [21, 22, 23, 3306, 6379])
        print(peers, file=sys.stderr)
        (work / "agg").mkdir()
        aggregate = bench_aggregate(args.aggregate, last_out, work / "agg")
        print(aggregate, file=sys.stderr)
    args.out.write_text(render(runs, peers, aggregate, args), encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)


def render(runs: list[dict[str, Any]], peers: dict[str, Any] | None, agg: dict[str, Any], args: argparse.Namespace) -> str:
    """The Markdown page."""
    cpus = os.cpu_count()
    lines = [
        "# Benchmark: auditing a fleet of outlets, and the department dashboard", "",
        (f"`python -m bench.fleet --sizes {args.sizes} --concurrency {args.concurrency} --aggregate {args.aggregate} "
         f"--peer-sample {args.peer_sample}{' --nmap' if args.nmap else ''}` on {dt.date.today().isoformat()}, "
         f"{cpus} CPU(s), Python {platform.python_version()}. Outlets are real HTTPS + HTTP servers on 127.0.x.y "
         "(half well configured, half badly), served from the benchmark process itself, so they share the CPUs "
         "with the audit. Each run stores every result in SQLite as it goes (`--db`)."), "",
        f"Machine load average at the start: {os.getloadavg()[0]:.1f}.", "",
        "## `l3audit run --db` (the default checklist l3-starter: tls, http, exposure and ports probes)", "",
        ("| outlets | --concurrency | port scanner | wall (s) | outlets/s | peak RSS (MiB) | stored | compliant "
         "| not compliant | incomplete | HTTP requests per host (median) | busiest second on one host (max / median) |"),
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        lines.append(f"| {r['outlets']} | {r['concurrency']} | {'nmap' if r['nmap'] else 'built-in'} | {r['seconds']:.1f} | "
                     f"{r['per_second']:.1f} | {r['rss_mib']:.0f} | {r['stored']} | {r['compliant']} | "
                     f"{r['not_compliant']} | {r['incomplete']} | {r['host_requests_median']} | "
                     f"{r['host_max_per_second']} / {r['host_median_per_second']} |")
    lines += ["", ("Target: 200 outlets in under 60 s on 2 cores while each host sees at most the polite rate. "
                   "The busiest second counts every HTTP request a host's two servers received in any one-second "
                   "window: the exposure probe spaces its GETs at 4 per second, and the http probe's few requests "
                   "(both roots, the redirect, a CORS preflight) can fall in the same second."), "", "## sslyze + nmap per outlet, in sequence", ""]
    if peers is None:
        lines.append("Not measured: sslyze (`.venv-peers/bin/sslyze`) or nmap is not installed.")
    else:
        lines += [("| outlets measured | wall (s) | per outlet (s) | extrapolated to "
                   f"{max(r['outlets'] for r in runs)} outlets (s) |"), "|---|---|---|---|",
                  f"| {peers['sample']} | {peers['seconds']:.1f} | {peers['per_outlet']:.2f} | {peers['extrapolated']:.0f} |",
                  "", ("Each outlet: `sslyze --quiet HOST:8443{ADDRESS}` (all default scan commands), then "
                       "`nmap -sT -Pn -n -p PORTS ADDRESS` with the port list our ports probe scans. sslyze measures far "
                       "more TLS detail than l3audit's tls probe; the comparison is of the workflow (one tool after "
                       "another, one outlet after another), not of equal work, and it yields no verdicts, history or "
                       "dashboard.")]
    lines += ["", f"## `l3audit aggregate` on {agg['outlets']} outlets", "",
              (f"{agg['results']} stored results (two rounds of {agg['outlets']} outlets, copies of real results), "
               f"stored in {agg['store_seconds']:.1f} s (one transaction per result)."), "",
              "| format | wall (s), command end to end | peak RSS (MiB) | exit |", "|---|---|---|---|"]
    for fmt in ("html", "xlsx"):
        seconds, rss, code = agg[fmt]
        lines.append(f"| {fmt} | {seconds:.2f} | {rss:.0f} | {code} |")
    lines += ["", f"The HTML dashboard is {agg['html_bytes'] / 1024:.0f} KiB. Target: under 5 s for 1,000 outlets.", "",
              "## Notes", "", *NOTES, ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
