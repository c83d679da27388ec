"""Every character the reports can print has a glyph in the fonts the stylesheet names.

Given the report fonts (Noto Sans, Noto Sans Mono, Noto Sans Symbols2 from fonts-noto-core), when
we collect every character of the templates, the report and message code and the shipped
catalogues, then each one is drawn by one of them: Chromium never falls back to a font the machine
happens to have (tests/report/test_report_cli.py checks what a real PDF embeds).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FAMILIES = ("Noto Sans", "Noto Sans Mono", "Noto Sans Symbols2")
SOURCES = ("report_templates/*", "audit/report/*.py", "audit/i18n.py", "checklists/*.yaml")


def _coverage(family: str) -> set[int]:
    """The code points the installed font `family` covers (fc-match, then fc-query of its file)."""
    found = subprocess.run(["fc-match", "-f", "%{family}\n%{file}", family], capture_output=True, text=True, check=True)
    name, path = found.stdout.split("\n", 1)
    assert name.split(",")[0] == family, f"font {family} is not installed (apt-get install fonts-noto-core)"
    ranges = subprocess.run(["fc-query", "-f", "%{charset}", path], capture_output=True, text=True, check=True).stdout
    points: set[int] = set()
    for part in ranges.split():
        low, _, high = part.partition("-")
        points.update(range(int(low, 16), int(high or low, 16) + 1))
    return points


@pytest.mark.skipif(shutil.which("fc-match") is None, reason="needs fontconfig (apt-get install fontconfig)")
def test_every_character_of_the_reports_has_a_glyph() -> None:
    covered = set().union(*(_coverage(family) for family in FAMILIES))
    text = "".join(path.read_text(encoding="utf-8") for pattern in SOURCES for path in sorted(ROOT.glob(pattern))
                   if path.is_file())
    printable = {c for c in text if ord(c) > 0x7E and not re.match(r"\s", c)}
    assert len(printable) > 50  # Vietnamese letters at least: the collection itself worked
    missing = sorted(c for c in printable if ord(c) not in covered)
    assert not missing, [f"U+{ord(c):04X} {c}" for c in missing]
