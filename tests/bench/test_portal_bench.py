"""bench/portal.py with tiny sizes, so the benchmark cannot rot: it runs, serves, and reports no errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_portal_bench_runs_with_tiny_sizes(tmp_path: Path) -> None:
    """Given 5 outlets and 3 users, when the bench runs, then both tables are printed and nothing failed."""
    out = tmp_path / "bench.json"
    done = subprocess.run([sys.executable, "-m", "bench.portal", "--outlets", "5", "--repeat", "1", "--users", "3",
                           "--requests", "4", "--think-seconds", "0", "--json", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "| SQLite | 5 | 10 × 195 |" in done.stdout and "| gunicorn, 2 workers, 195 questions in 18 pages | 3 | 12 |" in done.stdout
    numbers = json.loads(out.read_text())
    assert numbers["questionnaire"]["errors"] == 0 and numbers["questionnaire"]["requests"] == 12
    dashboard = numbers["dashboards"][0]
    assert dashboard["outlets"] == 5 and 0 < dashboard["warm_seconds"] and 0 < dashboard["cold_seconds"]
