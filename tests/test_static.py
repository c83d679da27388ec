"""The code stays mypy-clean and free of pyflakes errors (unused imports, undefined names)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_mypy_finds_no_issue() -> None:
    pytest.importorskip("mypy")
    result = run("mypy", "audit", "probes", "--ignore-missing-imports")
    assert result.returncode == 0, result.stdout[-3000:]


def test_ruff_finds_no_pyflakes_error() -> None:
    pytest.importorskip("ruff")
    result = run("ruff", "check", "--select", "F", "audit", "probes", "bench", "tests")
    assert result.returncode == 0, result.stdout[-3000:]
