"""Benchmark start-up: whole `l3audit` processes against whole `sslyze` processes, same servers, one run.

Usage: `.venv/bin/python bench/startup.py [--rounds 15] [--servers modern,tls13,legacy] [--out docs/bench-startup.md]`
(needs `.venv-peers` with sslyze: `python bench/tls.py --setup-peers`). The TLS lab servers of
tests/probes/tls/tls_servers.py run on 127.0.2.x. Each round runs, for every server, `l3audit probe
tls` and `sslyze` (its default scan, and restricted to the checks our probe makes) one after the
other, alternating which goes first; then `l3audit --help`, `sslyze --help` and a bare `python -c
pass` for the interpreter's own start-up. The table gives medians and the ratio to sslyze. Import
times come from `python -X importtime` of the same command, summed per top-level package.
"""

from __future__ import annotations

import argparse
import collections
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.tls import SSLYZE_SAME  # noqa: E402
from tests.probes.tls import tls_peers, tls_servers  # noqa: E402

SERVERS = ("modern", "tls13", "legacy")
TARGET_PROBE_RATIO = 0.25
TARGET_HELP_SECONDS = 0.15


def timed(args: list[str], cwd: Path) -> float:
    """Wall seconds of one whole process; the process must succeed."""
    start = time.perf_counter()
    run = subprocess.run(args, capture_output=True, timeout=600, cwd=cwd, check=False)
    elapsed = time.perf_counter() - start
    if run.returncode not in (0, 1, 3):  # l3audit: 3 = incomplete; sslyze: 0
        raise SystemExit(f"{' '.join(args[:3])} exited {run.returncode}: {run.stderr.decode(errors='replace')[-300:]}")
    return elapsed


def import_breakdown(args: list[str], cwd: Path) -> list[tuple[str, float]]:
    """Cumulative import time per top-level package (from `-X importtime`), largest first.

    `args` is an l3audit command line; it runs as `python -X importtime -c 'main()' ARGS`.
    """
    run = subprocess.run([sys.executable, "-X", "importtime", "-c", "from audit.cli import main; main()", *args[1:]],
                         capture_output=True, text=True, cwd=cwd, timeout=600, check=False)
    totals: dict[str, float] = collections.defaultdict(float)
    for line in run.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line or "cumulative" in line:
            continue
        _, cumulative, raw = line[len("import time:"):].split("|")
        if len(raw) - len(raw.lstrip()) == 1:  # imported at top level, not nested under another import
            totals[raw.strip().split(".")[0]] += int(cumulative) / 1e6
    return sorted(totals.items(), key=lambda item: -item[1])


def main() -> None:
    """Run the rounds and write the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--servers", default=",".join(SERVERS))
    parser.add_argument("--out", default=str(ROOT / "docs" / "bench-startup.md"))
    args = parser.parse_args()
    sslyze = tls_peers.sslyze_python()
    exe = Path(sys.executable).with_name("l3audit")
    if sslyze is None or not exe.exists():
        raise SystemExit("needs .venv-peers with sslyze (python bench/tls.py --setup-peers) and l3audit installed")
    names = [n for n in args.servers.split(",") if n]
    host = tls_servers.HOST
    times: dict[tuple[str, str], list[float]] = collections.defaultdict(list)
    with tls_servers.TlsLab() as lab, tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        ca = lab.pki.ca_file

        def commands(name: str) -> dict[str, list[str]]:
            server = lab.servers[name]
            a, p = server.address, server.port
            return {
                "l3audit probe tls": [str(exe), "probe", "tls", f"{host}:{p}", "--json", "--resolve",
                                      f"{host}:{p}:{a}", "--ca-file", ca, "--timeout", "5"],
                "sslyze": [sslyze, "-m", "sslyze", "--quiet", f"--json_out={work}/s.json", f"--certinfo_ca_file={ca}",
                           f"{host}:{p}{{{a}}}"],
                "sslyze (same checks)": [sslyze, "-m", "sslyze", "--quiet", f"--json_out={work}/s.json", *SSLYZE_SAME,
                                         f"--certinfo_ca_file={ca}", f"{host}:{p}{{{a}}}"],
            }

        fixed = {"l3audit --help": [str(exe), "--help"], "sslyze --help": [sslyze, "-m", "sslyze", "--help"],
                 "python -c pass": [sys.executable, "-c", "pass"]}
        for round_no in range(args.rounds):
            for name in names:
                runs = list(commands(name).items())
                if round_no % 2:
                    runs.reverse()
                for tool, command in runs:
                    times[(name, tool)].append(timed(command, work))
            runs = list(fixed.items())
            for tool, command in runs[round_no % len(runs):] + runs[: round_no % len(runs)]:
                times[("", tool)].append(timed(command, work))
        breakdown = {"l3audit probe tls": import_breakdown(commands(names[0])["l3audit probe tls"], work),
                     "l3audit --help": import_breakdown(fixed["l3audit --help"], work)}
    table = render(names, times, breakdown, args.rounds)
    Path(args.out).write_text(table)
    print(table)


def render(names: list[str], times: dict, breakdown: dict, rounds: int) -> str:
    """The Markdown tables: probe start-up vs sslyze per server, help, and the imports."""
    med = {key: statistics.median(values) for key, values in times.items()}
    lines = [
        "# Start-up benchmark",
        "",
        f"`bench/startup.py`, {rounds} rounds, on {socket.gethostname()} ({time.strftime('%Y-%m-%d')}). Whole processes,",
        "started from a shell the way a user starts them, against the TLS lab servers on loopback; within a",
        "round the l3audit and sslyze runs alternate which goes first. Median wall seconds.",
        "",
        "| server | l3audit probe tls | sslyze | ratio | sslyze (same checks) | ratio | target |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for name in names:
        ours, peer, same = med[(name, "l3audit probe tls")], med[(name, "sslyze")], med[(name, "sslyze (same checks)")]
        verdict = "met" if ours / peer <= TARGET_PROBE_RATIO else "missed"
        lines.append(f"| {name} | {ours:.3f} | {peer:.3f} | {ours / peer:.2f}x | {same:.3f} | {ours / same:.2f}x | "
                     f"≤ {TARGET_PROBE_RATIO}x: {verdict} |")
    help_s = med[("", "l3audit --help")]
    lines += [
        "",
        "| command | median s | min s |",
        "|---|---:|---:|",
    ]
    for tool in ("python -c pass", "l3audit --help", "sslyze --help"):
        lines.append(f"| `{tool}` | {med[('', tool)]:.3f} | {min(times[('', tool)]):.3f} |")
    lines += ["", f"`l3audit --help` target under {TARGET_HELP_SECONDS} s: {'met' if help_s < TARGET_HELP_SECONDS else 'missed'}.",
              "", "Import time by top-level package (`python -X importtime`, cumulative seconds, one run):", ""]
    for command, rows in breakdown.items():
        top = ", ".join(f"{name} {seconds:.3f}" for name, seconds in rows[:8])
        lines.append(f"- `{command}`: {top}")
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
