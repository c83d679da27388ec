"""Golden-output tests: the view-model and the Markdown report of stored results, byte for byte.

Given the stored results under tests/golden/ and the frozen catalogue copy beside them, when the
view-model is built or the Markdown rendered, then the output equals the golden file. After an
intended change, regenerate with `L3AUDIT_UPDATE_GOLDEN=1 pytest tests/test_report_golden.py` and
review the diff like code.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from audit.catalogue.loader import Checklist, load_checklist
from audit.report import build_view, render

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
UPDATE = os.environ.get("L3AUDIT_UPDATE_GOLDEN") == "1"


@pytest.fixture(scope="module")
def checklist() -> Checklist:
    return load_checklist(str(GOLDEN / "golden-checklist.yaml"))


def _result(name: str) -> dict[str, Any]:
    return json.loads((GOLDEN / f"result-{name}.json").read_text(encoding="utf-8"))


def _compare(path: Path, actual: str) -> None:
    if UPDATE:
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"{path.name} missing: run with L3AUDIT_UPDATE_GOLDEN=1 to create it"
    assert actual == path.read_text(encoding="utf-8"), f"{path.name} differs (L3AUDIT_UPDATE_GOLDEN=1 to accept)"


@pytest.mark.parametrize("name,lang", [("hostile", "vi"), ("hostile", "en"), ("offline", "vi")])
def test_view_model_matches_golden(checklist: Checklist, name: str, lang: str) -> None:
    view = build_view(_result(name), checklist, lang)
    _compare(GOLDEN / f"view-{name}.{lang}.json", json.dumps(view, ensure_ascii=False, indent=1) + "\n")


@pytest.mark.parametrize("name,lang", [("hostile", "vi"), ("hostile", "en"), ("good", "vi"), ("offline", "en")])
def test_markdown_matches_golden(checklist: Checklist, name: str, lang: str) -> None:
    _compare(GOLDEN / f"report-{name}.{lang}.md", render(_result(name), checklist, "md", lang).decode("utf-8"))


def test_view_model_is_plain_data(checklist: Checklist) -> None:
    # Templates do no computing: the view holds only JSON types (no objects, no callables).
    view = build_view(_result("hostile"), checklist, "vi")
    assert json.loads(json.dumps(view)) == view
