"""PDF reports of a run folder (`RunOutput.write_pdfs`), as `make demo` writes them.

Given results counted in a run folder, when PDFs are requested, then one PDF per outlet and
language is written; without Chromium nothing is written and a note says what to install.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from audit.catalogue.loader import load_checklist
from audit.output import RunOutput

GOLDEN = Path(__file__).resolve().parents[1] / "golden"


def _output(folder: Path) -> RunOutput:
    output = RunOutput(folder, load_checklist(str(GOLDEN / "golden-checklist.yaml")), ("vi", "en"))
    data = json.loads((GOLDEN / "result-offline.json").read_text(encoding="utf-8"))
    output.result_path(data["outlet"]["id"]).write_text(json.dumps(data), encoding="utf-8")  # as a run leaves it
    output.add(data)
    return output


def test_without_chromium_no_pdf_is_written_and_a_note_says_why(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("L3AUDIT_CHROMIUM", str(tmp_path / "absent"))
    output = _output(tmp_path)
    assert output.write_pdfs() == []
    assert len(output.notes) == 1 and "apt-get install chromium" in str(output.notes[0])
    assert "apt-get install chromium" in output.notes[0].render("vi") and "Chromium" in output.notes[0].render("vi")


@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian's chromium")
def test_one_pdf_per_outlet_and_language(tmp_path: Path) -> None:
    written = _output(tmp_path).write_pdfs()
    assert sorted(p.name for p in written) == ["bao-mau-ngung-hoat-dong.en.pdf", "bao-mau-ngung-hoat-dong.vi.pdf"]
    assert all(p.read_bytes().startswith(b"%PDF") for p in written)
