"""bench/fleet.py with tiny sizes, so the benchmark cannot rot, and the per-host politeness it reports holds."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
POLITE_SECOND = 9
"""The exposure probe's 4 GETs per second, plus the http probe's requests at the start (both roots,
the redirect, a retry): more in one second on one host would break the politeness the docs promise."""


def test_fleet_bench_runs_and_no_host_gets_more_than_the_polite_rate(tmp_path: Path) -> None:
    """Given 4 demo outlets (the default audit, exposure included), then all are judged and each host stays polite."""
    out = tmp_path / "fleet.md"
    done = subprocess.run([sys.executable, "-m", "bench.fleet", "--sizes", "4", "--concurrency", "4",
                           "--aggregate", "4", "--peer-sample", "1", "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    row = next(line for line in out.read_text(encoding="utf-8").splitlines() if line.startswith("| 4 | 4 |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[6:10] == ["4", "2", "2", "0"], row  # stored, compliant, not compliant, incomplete
    busiest = re.fullmatch(r"(\d+) / (\d+)", cells[11])
    assert busiest and 0 < int(busiest.group(1)) <= POLITE_SECOND, row
    assert int(cells[10]) >= 30, row  # the exposure probe ran: its catalogue is about 40 GETs
