"""Benchmark the `tls` probe against sslyze (and sslscan, nmap ssl-enum-ciphers) on loopback servers.

Usage: `.venv/bin/python bench/tls.py [--rounds 5] [--servers modern,tls13,...] [--out docs/bench-tls.md]`
and, once, `--setup-peers` to create `.venv-peers` with sslyze (its pinned `cryptography` conflicts
with ours). The lab servers of tests/probes/tls/tls_servers.py run on 127.0.2.x; each round runs every
tool on every server, rotating the tool order so no tool always goes first. The table gives the
median wall time, the ratio to sslyze in the same mode (both as a CLI process, and both
in-process), and the TCP connections each tool opened, counted by a relay in a separate pass.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from audit.models import Target
from probes.interface import ProbeOptions
from probes.tls.probe import TlsProbe
from tests.probes.tls import tls_hostile, tls_peers, tls_servers

SERVERS = ("modern", "tls13", "legacy", "s_server", "tlslite")
# The sslyze checks that match what the tls probe does (no ROBOT, session resumption, early data,
# CCS injection or HTTP headers), so "same checks" compares like with like.
SSLYZE_SAME = ["--certinfo", "--sslv2", "--sslv3", "--tlsv1", "--tlsv1_1", "--tlsv1_2", "--tlsv1_3", "--compression",
               "--fallback", "--heartbleed", "--reneg", "--elliptic_curves", "--ems"]
SSLYZE_API = """
import sys, time
from pathlib import Path
from sslyze import (CertificateInfoExtraArgument, ScanCommand, ScanCommandsExtraArguments, Scanner,
                    ServerNetworkLocation, ServerScanRequest)
host, address, port, ca, same = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5] == "same"
SAME = {ScanCommand.CERTIFICATE_INFO, ScanCommand.SSL_2_0_CIPHER_SUITES, ScanCommand.SSL_3_0_CIPHER_SUITES,
        ScanCommand.TLS_1_0_CIPHER_SUITES, ScanCommand.TLS_1_1_CIPHER_SUITES, ScanCommand.TLS_1_2_CIPHER_SUITES,
        ScanCommand.TLS_1_3_CIPHER_SUITES, ScanCommand.TLS_COMPRESSION, ScanCommand.TLS_FALLBACK_SCSV,
        ScanCommand.HEARTBLEED, ScanCommand.SESSION_RENEGOTIATION, ScanCommand.ELLIPTIC_CURVES,
        ScanCommand.TLS_EXTENDED_MASTER_SECRET}
start = time.perf_counter()
extra = ScanCommandsExtraArguments(certificate_info=CertificateInfoExtraArgument(custom_ca_file=Path(ca)))
scanner = Scanner()
kwargs = {"scan_commands": SAME} if same else {}
scanner.queue_scans([ServerScanRequest(server_location=ServerNetworkLocation(host, port, ip_address=address),
                                       scan_commands_extra_arguments=extra, **kwargs)])
for _ in scanner.get_results():
    pass
print(time.perf_counter() - start)
"""


def tools(lab: tls_servers.TlsLab, work: Path) -> dict[str, Callable[[str, int], float]]:
    """Tool name -> run(address, port) returning wall seconds (or the tool's own in-process time)."""
    ca = lab.pki.ca_file
    host = tls_servers.HOST
    out: dict[str, Callable[[str, int], float]] = {}

    def ours_inprocess(address: str, port: int) -> float:
        start = time.perf_counter()
        asyncio.run(TlsProbe().measure(Target(host, port, address=address), ProbeOptions(timeout_seconds=5, ca_file=ca)))
        return time.perf_counter() - start

    def timed(args: list[str]) -> float:
        start = time.perf_counter()
        subprocess.run(args, capture_output=True, timeout=600, cwd=work, check=False)
        return time.perf_counter() - start

    out["l3audit (in-process)"] = ours_inprocess
    exe = Path(sys.executable).with_name("l3audit")
    if exe.exists():
        out["l3audit CLI"] = lambda a, p: timed([str(exe), "probe", "tls", f"{host}:{p}", "--json", "--resolve",
                                                f"{host}:{p}:{a}", "--ca-file", ca, "--timeout", "5"])
    python = tls_peers.sslyze_python()
    if python:
        def sslyze_cli(same: bool) -> Callable[[str, int], float]:
            flags = SSLYZE_SAME if same else []
            return lambda a, p: timed([python, "-m", "sslyze", "--quiet", f"--json_out={work}/s.json", *flags,
                                       f"--certinfo_ca_file={ca}", f"{host}:{p}{{{a}}}"])

        def sslyze_api(same: bool) -> Callable[[str, int], float]:
            return lambda a, p: float(subprocess.run(
                [python, "-c", SSLYZE_API, host, a, str(p), ca, "same" if same else "all"],
                capture_output=True, text=True, timeout=600, check=False).stdout.strip() or "nan")

        out["sslyze CLI"] = sslyze_cli(False)
        out["sslyze CLI (same checks)"] = sslyze_cli(True)
        out["sslyze (in-process)"] = sslyze_api(False)
        out["sslyze (in-process, same checks)"] = sslyze_api(True)
    if shutil.which("sslscan"):
        out["sslscan"] = lambda a, p: timed(["sslscan", "--no-colour", f"--sni-name={host}", f"{a}:{p}"])
    if shutil.which("nmap"):
        def nmap(address: str, port: int) -> float:
            data = work / f"nmap-{port}"
            data.mkdir(exist_ok=True)
            # A private services file maps the lab port to https, so ssl-enum-ciphers runs without -sV.
            (data / "nmap-services").write_text(f"https\t{port}/tcp\t0.5\n")
            return timed(["nmap", "-Pn", "-n", "-p", str(port), "--datadir", str(data),
                          "--script", "ssl-enum-ciphers,ssl-cert", address])
        out["nmap ssl-enum-ciphers"] = nmap
    return out


def count_connections(lab: tls_servers.TlsLab, name: str, run: Callable[[str, int], float]) -> int:
    """Connections one run of a tool opens, counted by a relay in front of the server."""
    server = lab.servers[name]
    relay = tls_hostile.Relay(server.address, server.port)
    try:
        run(server.address, relay.port)
        time.sleep(0.2)
        return relay.count
    finally:
        relay.close()


def main() -> None:
    """Run the rounds and write the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--servers", default=",".join(SERVERS))
    parser.add_argument("--out", default=str(ROOT / "docs" / "bench-tls.md"))
    parser.add_argument("--setup-peers", action="store_true", help="create .venv-peers with sslyze and exit")
    args = parser.parse_args()
    if args.setup_peers:
        subprocess.run([sys.executable, "-m", "venv", str(ROOT / ".venv-peers")], check=True)
        subprocess.run([str(ROOT / ".venv-peers" / "bin" / "pip"), "install", "sslyze"], check=True)
        return
    warnings.simplefilter("ignore")
    names = [n for n in args.servers.split(",") if n]
    with tls_servers.TlsLab() as lab, tempfile.TemporaryDirectory() as folder:
        runs = tools(lab, Path(folder))
        times: dict[tuple[str, str], list[float]] = {}
        order = list(runs)
        for round_no in range(args.rounds):
            rotated = order[round_no % len(order):] + order[: round_no % len(order)]
            for name in names:
                server = lab.servers[name]
                for tool in rotated:
                    times.setdefault((name, tool), []).append(runs[tool](server.address, server.port))
        conns = {(n, t): count_connections(lab, n, runs[t]) for n in names for t in runs
                 if "in-process" not in t or t.startswith("l3audit")}
        table = render(names, list(runs), times, conns, args.rounds)
    Path(args.out).write_text(table)
    print(table)


def render(names: list[str], tool_names: list[str], times: dict, conns: dict, rounds: int) -> str:
    """The Markdown table of medians, ratios and connection counts."""
    lines = [
        "# TLS probe benchmark",
        "",
        f"`bench/tls.py`, {rounds} rounds, tools alternating, loopback lab servers (tests/probes/tls/tls_servers.py),",
        f"on {socket.gethostname()} ({time.strftime('%Y-%m-%d')}). Median wall time per full scan of one server.",
        "Ratios compare like with like: l3audit CLI / sslyze CLI (both start a Python interpreter; the",
        "l3audit CLI start-up is mostly imports of the whole tool), and l3audit in-process / sslyze in-process",
        "(sslyze's own timing of its Scanner API). 'all' is sslyze's default scan (adds ROBOT, session",
        "resumption, early data, CCS injection); 'same' restricts sslyze to the checks the tls probe makes.",
        "Connections: TCP connections one scan opens (each one handshake attempt), counted by a relay in a",
        "separate pass. The machine is shared (2 cores), so absolute times vary; the ratios are the point.",
        "",
        "| server | tool | median s | min s | ratio to sslyze (all) | ratio to sslyze (same) | connections |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for name in names:
        for tool in tool_names:
            values = [v for v in times.get((name, tool), []) if not math.isnan(v)]
            if not values:
                continue
            ratios = []
            peer = {"l3audit CLI": "sslyze CLI", "l3audit (in-process)": "sslyze (in-process)"}.get(tool)
            for suffix in ("", ", same checks" if "in-process" in tool else " (same checks)"):
                ref = [v for v in times.get((name, _with(peer, suffix)), []) if not math.isnan(v)] if peer else []
                ratios.append(f"{statistics.median(values) / statistics.median(ref):.3f}x" if ref else "")
            count = conns.get((name, tool), "")
            lines.append(f"| {name} | {tool} | {statistics.median(values):.3f} | {min(values):.3f} | "
                         f"{ratios[0]} | {ratios[1]} | {count} |")
    lines.append(NOTES)
    return "\n".join(lines)


NOTES = """
## Reading the table

- **Same findings.** `tests/probes/tls/test_tls_sslyze.py` runs sslyze and our probe on the same lab
  servers and asserts that protocols, accepted suites, certificate verdicts (trust with the
  supplied CA, chain order and length, OCSP stapling), compression, secure renegotiation, EMS,
  fallback SCSV, Heartbleed, CCS injection and curves agree, with the legitimate differences named
  in its docstring (sslyze fails trust on a name mismatch; sslyze misses two anonymous CAMELLIA
  SHA-256 suites that `openssl s_client` confirms; FFDHE groups are ours only).
- **Handshake count.** Our probe offers every suite in one hello and removes the chosen one
  (N accepted suites -> N+1 hellos per protocol, plus one to learn the server's order), enumerates
  groups the same way, and adds one connection each for fallback SCSV, CCS injection and (only if
  the server echoes the extension) Heartbleed. sslyze tests suites one by one and runs ROBOT and
  resumption checks, hence ~575-600 connections per server.
- **tlslite** is a pure-Python server: every handshake costs it milliseconds of CPU, so all tools
  are bound by the server there.
- **CLI rows** include the start-up of the `l3audit` command: Python, then only the modules the
  `probe` command needs (commands load lazily), about 0.5 s on this machine, which is most of the
  row on fast servers. The probe itself is the in-process row.
"""


def _with(peer: str | None, suffix: str) -> str:
    """'sslyze (in-process)' + ', same checks' -> 'sslyze (in-process, same checks)'."""
    if peer is None or not suffix:
        return peer or ""
    if peer.endswith(")") and suffix.startswith(","):
        return peer[:-1] + suffix + ")"
    return peer + suffix


if __name__ == "__main__":
    main()
