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
from tests.selfassess.support import invoke, invoke_en, load, reviewer_key, write_checklist


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
    # the dropdown offers the Vietnamese labels; codes and English labels are still accepted (below)
    assert '"Đã triển khai,Triển khai một phần,Chưa triển khai,Không áp dụng"' in lists.values()
    assert '"accepted,rejected"' not in lists.values()  # the outlet's workbook has no reviewer columns
    assert set(rows(book)) == {"POL-01", "OPS-01", "OPS-02"}

    (tmp_path / "quy-che.pdf").write_bytes(b"%PDF policy")
    filled = edit(book, tmp_path / "filled.xlsx", {
        ("POL-01", "answer"): "implemented", ("POL-01", "evidence"): "quy-che.pdf\nhttps://baomau.vn/qc",
        ("POL-01", "answered_by"): "Trần Thị B", ("POL-01", "answered_at"): "25/11/2026",
        ("OPS-01", "answer"): "Triển khai một phần", ("OPS-01", "text"): "Sao lưu hằng tuần",
        ("OPS-02", "answer"): "not implemented",
    })
    out = tmp_path / "answers.yaml"
    result = invoke("self-assess", "import-xlsx", filled, "--checklist", checklist_file, "-o", out)
    assert result.exit_code == OK, result.output
    checklist = load(tmp_path)
    answers = load_answers(out, checklist)
    assert answers.outlet == "bao-mau"
    pol = answers.get("POL-01")
    assert pol.answered_by == "Trần Thị B" and len(pol.evidence[0].sha256) == 64 and pol.evidence[1].url
    assert pol.answered_at == "2026-11-25" and pol.review is None
    assert answers.get("OPS-01").answer.value == "partly" and answers.get("OPS-02").answer.value == "not_implemented"
    assert load_workbook(filled)["answers"].cell(rows(filled)["POL-01"], col("answer")).value == "implemented"
    # Export again from the YAML: the same answers come back out of the workbook.
    again = tmp_path / "again.xlsx"
    assert invoke("self-assess", "export-xlsx", "--checklist", checklist_file, "--answers", out, "-o", again).exit_code == OK
    assert import_workbook(again, checklist).answers == answers.answers
    assert load_workbook(again)["answers"].cell(rows(again)["POL-01"], col("answer")).value == "Đã triển khai"

    # The department's decisions, made apart from the outlet's workbook, in a reviews file signed by the reviewer.
    key, trusted = reviewer_key(tmp_path / "keys")
    reviews = tmp_path / "reviews.json"
    assert invoke("self-assess", "review", out, "--checklist", checklist_file, "--requirement", "POL-01",
                  "--requirement", "OPS-01", "--decision", "accepted", "--reviewer", "Cục Báo chí", "--key", key,
                  "-o", reviews).exit_code == OK
    summary = summarise(checklist, judge_outlet(checklist, "bao-mau", {}, load_self_assessment(
        checklist, [out], None, dt.date(2026, 11, 26), [reviews], trusted, ["bao-mau"])))
    assert summary["verdict"] == "not_compliant" and summary["mandatory_failed"] == ["OPS-01"]
    assert summary["score"]["requirements"]["OPS-01"]["points"] == 5.0  # accepted 'partly': half of 10


@pytest.mark.parametrize("change, message", [
    ({("header", "answer"): "Answer"}, "header 'Answer' in cell G1 should be 'Trả lời / Answer'"),
    ({("POL-01", "answer"): "yes"}, ":2: requirement POL-01, cell G2: 'yes' is not an allowed value"),
    ({("POL-01", "answered_at"): 45992}, "cell L2: answered_at: 45992 is a number"),
    ({("POL-01", "answered_at"): "31/02/2026"}, "answered_at: '31/02/2026' is not a date"),
    ({("POL-01", "answered_at"): "30/11/2099"}, "answered_at: 2099-11-30 is in the future"),
    ({("POL-01", "answer"): "implemented", ("POL-01", "evidence"): "../../etc/hostname"},
     "evidence file '../../etc/hostname' is outside the answers' folder"),
    ({("OPS-01", "requirement_id"): "POL-01"}, "requirement POL-01 appears twice (rows 2 and 3)"),
    ({("OPS-01", "requirement_id"): None, ("OPS-01", "answer"): "partly"}, "row 3 has answers but no requirement id"),
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
    result = invoke_en("self-assess", "import-xlsx", bad, "--checklist", checklist_file, "-o", out)
    assert result.exit_code == USAGE and message in result.output.replace("\n", " "), result.output
    assert bad.read_bytes() == before and not out.exists()


def test_a_workbook_for_another_catalogue_version_is_refused(tmp_path: Path) -> None:
    _checklist_file, book = export(tmp_path)
    with pytest.raises(AnswersError, match="uses version 2"):
        import_workbook(book, load(tmp_path, version="2"))


def test_an_outlet_workbook_with_reviewer_columns_is_refused(tmp_path: Path) -> None:
    """Given a workbook where the outlet added the old reviewer columns and approved itself."""
    checklist_file, book = export(tmp_path)
    workbook = load_workbook(book)
    sheet = workbook["answers"]
    base = len(KEYS) + 1
    sheet.cell(1, base).value = "Kết luận thẩm định / Review decision"
    sheet.cell(1, base + 1).value = "Người thẩm định / Reviewer"
    sheet.cell(rows(book)["POL-01"], col("answer")).value = "implemented"
    sheet.cell(rows(book)["POL-01"], base).value = "accepted"
    bad = tmp_path / "self-approved.xlsx"
    workbook.save(bad)
    out = tmp_path / "answers.yaml"
    result = invoke_en("self-assess", "import-xlsx", bad, "--checklist", checklist_file, "-o", out)
    text = result.output.replace("\n", " ")
    assert result.exit_code == USAGE and "reviewer column 'Kết luận thẩm định / Review decision'" in text, text
    assert "cell M2 is outside the answer columns" in text and not out.exists()


def test_every_problem_of_a_workbook_is_reported_at_once(tmp_path: Path) -> None:
    """Given a workbook with a deleted row, a bad value and a bad date, then all three are named."""
    checklist_file, book = export(tmp_path)
    workbook = load_workbook(book)
    sheet = workbook["answers"]
    where = rows(book)
    sheet.cell(where["POL-01"], col("answer")).value = "yes"
    sheet.cell(where["POL-01"], col("answered_at")).value = "hom-qua"
    sheet.delete_rows(where["OPS-02"])
    bad = tmp_path / "many.xlsx"
    workbook.save(bad)
    with pytest.raises(AnswersError) as caught:
        import_workbook(bad, load(tmp_path))
    lines = str(caught.value).splitlines()
    assert any("cell G2: 'yes' is not an allowed value" in x for x in lines), lines
    assert any("cell L2: answered_at: 'hom-qua' is not a date" in x for x in lines), lines
    assert any("the row of requirement OPS-02 is missing" in x for x in lines), lines


def test_a_zip_bomb_workbook_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    """Given an XLSX whose shared strings unpack to 200 MB from a few hundred kB."""
    import zipfile

    _checklist_file, book = export(tmp_path)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item))
        with dst.open("xl/padding.xml", "w") as handle:
            block = b"A" * (1 << 20)
            for _ in range(200):
                handle.write(block)
    assert bomb.stat().st_size < 2_000_000
    with pytest.raises(AnswersError, match="unpacks to .* bytes"):
        import_workbook(bomb, load(tmp_path))
