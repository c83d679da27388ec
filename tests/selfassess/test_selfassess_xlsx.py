"""Self-assessment through an XLSX workbook: export with dropdowns, fill in, import, verdict; bad workbooks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

from audit.selfassess.answers import AnswersError, load_answers
from audit.evaluation import judge_outlet, summarise
from audit.exitcodes import OK, USAGE
from audit.selfassess.merge import load_self_assessment
from audit.selfassess.workbook import COLUMNS, KEYS, import_workbook
from tests.selfassess.support import invoke, load, write_checklist


def col(key: str) -> int:
    return KEYS.index(key) + 1


def export(tmp_path: Path) -> tuple[Path, Path]:
    checklist_file = write_checklist(tmp_path)
    book = tmp_path / "tu-danh-gia.xlsx"
    result = invoke("self-assess", "export-xlsx", "--checklist", checklist_file, "--outlet", "bao-mau", "-o", book)
    assert result.exit_code == OK, result.output
    return checklist_file, book


def rows(book_path: Path) -> dict[str, int]:
    sheet = load_workbook(book_path)["answers"]
    return {sheet.cell(r, 1).value: r for r in range(2, sheet.max_row + 1)}


def edit(book_path: Path, out: Path, values: dict[tuple[str, str], str]) -> Path:
    """What department staff do in their spreadsheet program."""
    book = load_workbook(book_path)
    sheet = book["answers"]
    where = rows(book_path)
    for (req_id, key), value in values.items():
        sheet.cell(where[req_id], col(key)).value = value
    book.save(out)
    return out


def test_workbook_round_trip_gives_the_same_answers_and_verdict(tmp_path: Path) -> None:
    checklist_file, book = export(tmp_path)
    sheet = load_workbook(book)["answers"]
    assert [c.value for c in sheet[1]] == [label for _k, label, _w in COLUMNS]
    lists = {str(dv.sqref): dv.formula1 for dv in sheet.data_validations.dataValidation}
    assert '"implemented,partly,not_implemented,not_applicable"' in lists.values()
    assert '"accepted,rejected"' in lists.values()
    assert set(rows(book)) == {"POL-01", "OPS-01", "OPS-02"}

    (tmp_path / "quy-che.pdf").write_bytes(b"%PDF policy")
    filled = edit(book, tmp_path / "filled.xlsx", {
        ("POL-01", "answer"): "implemented", ("POL-01", "evidence"): "quy-che.pdf\nhttps://baomau.vn/qc",
        ("POL-01", "answered_by"): "Trần Thị B", ("POL-01", "review_decision"): "accepted",
        ("POL-01", "reviewer"): "Cục Báo chí", ("POL-01", "reviewed_at"): "2026-11-25T10:00:00+00:00",
        ("OPS-01", "answer"): "partly", ("OPS-01", "text"): "Sao lưu hằng tuần",
        ("OPS-01", "review_decision"): "accepted", ("OPS-01", "reviewer"): "Cục Báo chí",
        ("OPS-01", "reviewed_at"): "2026-11-25T10:00:00+00:00",
    })
    out = tmp_path / "answers.yaml"
    result = invoke("self-assess", "import-xlsx", filled, "--checklist", checklist_file, "-o", out)
    assert result.exit_code == OK, result.output
    checklist = load(tmp_path)
    answers = load_answers(out, checklist)
    assert answers.outlet == "bao-mau"
    pol = answers.get("POL-01")
    assert pol.answered_by == "Trần Thị B" and len(pol.evidence[0].sha256) == 64 and pol.evidence[1].url
    # Export again from the YAML: the same answers come back out of the workbook.
    again = tmp_path / "again.xlsx"
    assert invoke("self-assess", "export-xlsx", "--checklist", checklist_file, "--answers", out, "-o", again).exit_code == OK
    assert import_workbook(again, checklist).answers == answers.answers

    summary = summarise(checklist, judge_outlet(checklist, "bao-mau", {},
                                                load_self_assessment(checklist, [out], None, dt.date(2026, 11, 26))))
    assert summary["verdict"] == "not_compliant" and summary["mandatory_failed"] == ["OPS-01"]
    assert summary["score"]["requirements"]["OPS-01"]["points"] == 5.0  # accepted 'partly': half of 10


@pytest.mark.parametrize("change, message", [
    ({("header", "answer"): "Answer"}, "header 'Answer' in cell G1 should be 'Trả lời / Answer'"),
    ({("POL-01", "answer"): "yes"}, ":2: requirement POL-01, cell G2: 'yes' is not an allowed value"),
    ({("OPS-01", "review_decision"): "ok"}, "cell M3: 'ok' is not an allowed value (hint: use one of: accepted, rejected)"),
    ({("POL-01", "requirement_id"): "POL-9"}, "unknown requirement id 'POL-9'"),
    ({("POL-01", "answer"): "not_applicable"}, "'not_applicable' needs a justification"),
    ({("POL-01", "answer"): "implemented", ("POL-01", "evidence"): "mat.pdf"}, "evidence file 'mat.pdf' not found"),
])
def test_bad_workbooks_are_refused_and_left_unchanged(tmp_path: Path, change: dict, message: str) -> None:
    checklist_file, book = export(tmp_path)
    workbook = load_workbook(book)
    sheet = workbook["answers"]
    where = rows(book)
    for (req_id, key), value in change.items():
        sheet.cell(1 if req_id == "header" else where[req_id], col(key)).value = value
    bad = tmp_path / "bad.xlsx"
    workbook.save(bad)
    before = bad.read_bytes()
    out = tmp_path / "answers.yaml"
    result = invoke("self-assess", "import-xlsx", bad, "--checklist", checklist_file, "-o", out)
    assert result.exit_code == USAGE and message in result.output.replace("\n", " "), result.output
    assert bad.read_bytes() == before and not out.exists()


def test_a_workbook_for_another_catalogue_version_is_refused(tmp_path: Path) -> None:
    _checklist_file, book = export(tmp_path)
    with pytest.raises(AnswersError, match="uses version 2"):
        import_workbook(book, load(tmp_path, version="2"))
