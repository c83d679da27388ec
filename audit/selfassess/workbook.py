"""Answers as an XLSX workbook, because department staff work in spreadsheets.

`export_workbook` writes one row per question (with any answers already given) on sheet `answers`,
a dropdown (data validation) of Vietnamese labels for the answer ("Đã triển khai"; the English
label or the code is accepted too), and the catalogue pin on sheet `meta`. The workbook is
the outlet's: it has no reviewer columns, and one that carries them (an outlet approving itself) is
refused. `import_workbook` reads it back into an `AnswerSet` through the same validation as a YAML
answers file and reports every problem at once, each with its cell and a hint: edited headers, a
changed pin, values outside the dropdown, duplicated, unknown or missing requirement rows, dates
that are not ISO or dd/mm/yyyy (a spreadsheet day number is not a date), evidence outside the
workbook's folder, over-long cells. The file is checked through `audit.userfiles.xlsxfile` before
openpyxl reads it. The workbook itself is never rewritten by an import.
"""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped]

from audit.errors import Text
from audit.i18n import phrase, t
from audit.selfassess.answers import SCHEMA_ID, AnswersError, AnswerSet, answers_from_data, raise_problems
from audit.selfassess.dates import DATE_HINT, DateError, iso_date
from audit.selfassess.evidence import OUTSIDE_HINT, evidence_from_text
from audit.userfiles import limits
from audit.userfiles.output import write_bytes_atomic
from audit.userfiles.xlsxfile import open_workbook, sheet_rows
from audit.catalogue.loader import Checklist
from audit.selfassess.questionnaire import ANSWER_CHOICES, questions

COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("requirement_id", "Mã yêu cầu / Requirement", 14),
    ("group", "Nhóm / Group", 16),
    ("mandatory", "Bắt buộc / Mandatory", 10),
    ("question_vi", "Câu hỏi (tiếng Việt)", 50),
    ("question_en", "Question (English)", 50),
    ("evidence_requested", "Bằng chứng cần nộp / Evidence requested", 40),
    ("answer", "Trả lời / Answer", 18),
    ("justification", "Lý do không áp dụng / Justification", 30),
    ("text", "Mô tả / Description", 40),
    ("evidence", "Bằng chứng (tệp hoặc URL, mỗi dòng một mục) / Evidence (file or URL, one per line)", 40),
    ("answered_by", "Người trả lời / Answered by", 18),
    ("answered_at", "Thời điểm trả lời (YYYY-MM-DD hoặc dd/mm/yyyy) / Answered at", 20),
)
KEYS = [c[0] for c in COLUMNS]
META_KEYS = ("schema", "checklist_id", "checklist_version", "content_hash", "outlet")
NEW_WORKBOOK = phrase("error.workbook.export_new")
REVIEWER_WORDS = ("review", "thẩm định", "reviewer", "accepted", "decision")
"""Header words of reviewer columns: an outlet's workbook carrying them is refused (it would approve itself)."""


def answer_label(code: str) -> str:
    """The Vietnamese label the workbook's dropdown offers for an answer code ("Đã triển khai")."""
    return t(f"answer.{code}", "vi")


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def answer_code(value: str) -> str | None:
    """The answer code a cell means: the dropdown's Vietnamese label, the English one, or the code itself."""
    folded = _fold(value)
    for code in ANSWER_CHOICES:
        if folded in (code, _fold(t(f"answer.{code}", "vi")), _fold(t(f"answer.{code}", "en"))):
            return code
    return None


def _col(key: str) -> str:
    return get_column_letter(KEYS.index(key) + 1)


def export_workbook(checklist: Checklist, path: Path, answers: AnswerSet | None = None, outlet: str | None = None) -> None:
    """Write the questionnaire (and any answers given so far) as an XLSX workbook."""
    book = Workbook()
    sheet = book.active
    sheet.title = "answers"
    sheet.append([label for _key, label, _width in COLUMNS])
    for i, (_key, _label, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
        sheet.cell(1, i).font = Font(bold=True)
    for q in questions(checklist):
        given = answers.answers.get(q.requirement_id) if answers else None
        data = given.to_dict() if given else {}
        evidence = "\n".join(
            (e.get("url") or e["path"]) + (f" sha256:{e['sha256']}" if e.get("sha256") else "")
            for e in data.get("evidence", [])
        )
        sheet.append([
            q.requirement_id, q.group, "x" if q.mandatory else "", f"{q.title.vi}. {q.description.vi}",
            f"{q.title.en}. {q.description.en}", "\n".join(f"- {e.vi} / {e.en}" for e in q.evidence),
            answer_label(data["answer"]) if data.get("answer") else None, data.get("justification"), data.get("text"), evidence or None,
            data.get("answered_by"), data.get("answered_at"),
        ])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    last = max(sheet.max_row, 2)
    for key, choices in (("answer", tuple(answer_label(code) for code in ANSWER_CHOICES)),):
        rule = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True,
                              showErrorMessage=True, errorTitle="l3audit",
                              error="Chọn trong danh sách / pick from the list")
        rule.add(f"{_col(key)}2:{_col(key)}{last}")
        sheet.add_data_validation(rule)
    sheet.freeze_panes = "B2"
    meta = book.create_sheet("meta")
    pin = (SCHEMA_ID, checklist.id, checklist.version, checklist.content_hash,
           outlet or (answers.outlet if answers else None) or "")
    for key, value in zip(META_KEYS, pin):
        meta.append([key, value])
    buffer = io.BytesIO()
    book.save(buffer)
    write_bytes_atomic(path, buffer.getvalue())


def import_workbook(path: Path, checklist: Checklist) -> AnswerSet:
    """Read a filled-in workbook; AnswersError (AnswersErrors for several) naming each row and cell."""

    def refuse(message: Text, hint: Text) -> AnswersError:
        return AnswersError(message, path=str(path), hint=hint)

    book = open_workbook(path, refuse)
    try:
        for name in ("answers", "meta"):
            if name not in book.sheetnames:
                raise AnswersError(phrase("error.workbook.no_sheet", name=name), path=str(path), hint=NEW_WORKBOOK)
        rows = sheet_rows(book, "answers", refuse)
        meta = {str(r[0]): ("" if r[1] is None else str(r[1]))
                for r in sheet_rows(book, "meta", refuse) if len(r) > 1 and r[0]}
    finally:
        book.close()
    problems: list[AnswersError] = []
    _check_header(rows[0] if rows else (), path, problems)
    if meta.get("schema") != SCHEMA_ID:
        problems.append(AnswersError(phrase("error.workbook.meta_schema", found=meta.get("schema"), expected=SCHEMA_ID),
                                     path=str(path), hint=NEW_WORKBOOK))
    data: dict[str, Any] = {
        "schema": SCHEMA_ID,
        "checklist": {"id": meta.get("checklist_id", ""), "version": meta.get("checklist_version", ""),
                      "content_hash": meta.get("content_hash", "")},
        "outlet": meta.get("outlet") or None,
        "answers": {},
    }
    row_of: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        cells = {k: (row[i] if i < len(row) else None) for i, k in enumerate(KEYS)}
        extra = [(i, v) for i, v in enumerate(row[len(KEYS):], start=len(KEYS)) if _text(v) is not None]
        req_id = _text(cells["requirement_id"])
        if req_id is None:
            if any(_text(v) is not None for v in row):
                problems.append(AnswersError(phrase("error.workbook.no_id", row=number), path=str(path), line=number,
                                             hint=phrase("error.workbook.no_id.hint")))
            continue
        if extra:
            problems.append(AnswersError(phrase("error.workbook.extra_cell", cell=f"{get_column_letter(extra[0][0] + 1)}{number}"),
                                         path=str(path), line=number, item=phrase("error.item.requirement", id=req_id),
                                         hint=phrase("error.workbook.extra_cell.hint")))
        if req_id in row_of:
            problems.append(AnswersError(phrase("error.workbook.twice", id=req_id, first=row_of[req_id], row=number),
                                         path=str(path), line=number, item=phrase("error.item.requirement", id=req_id),
                                         hint=phrase("error.workbook.twice.hint")))
            continue
        row_of[req_id] = number
        data["answers"][req_id] = _row_answer(cells, number, path, problems)
    for q in questions(checklist):
        if q.requirement_id not in row_of and meta.get("checklist_id") == checklist.id:
            problems.append(AnswersError(phrase("error.workbook.row_missing", id=q.requirement_id), path=str(path),
                                         item=phrase("error.item.requirement", id=q.requirement_id),
                                         hint=phrase("error.workbook.row_missing.hint")))
    try:
        answer_set = answers_from_data(data, path, checklist,
                                       locate=lambda where: row_of.get(where[1]) if len(where) > 1 else 1)
    except AnswersError as exc:
        problems.append(exc)
    raise_problems(problems)
    return answer_set


def _check_header(header_row: tuple[Any, ...], path: Path, problems: list[AnswersError]) -> None:
    header = [("" if v is None else str(v)) for v in header_row]
    for i, (_key, label, _width) in enumerate(COLUMNS):
        found = header[i] if i < len(header) else ""
        if found != label:
            problems.append(AnswersError(phrase("error.workbook.header", found=found, cell=f"{get_column_letter(i + 1)}1",
                                                label=label),
                                         path=str(path), line=1, hint=phrase("error.workbook.header.hint")))
    for i, found in enumerate(header[len(COLUMNS):], start=len(COLUMNS)):
        if found.strip() and any(word in found.lower() for word in REVIEWER_WORDS):
            problems.append(AnswersError(
                phrase("error.workbook.reviewer_column", found=found, cell=f"{get_column_letter(i + 1)}1"),
                path=str(path), line=1, hint=phrase("error.workbook.reviewer_column.hint")))


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return text.strip() or None


def _row_answer(cells: dict[str, Any], number: int, path: Path, problems: list[AnswersError]) -> dict[str, Any]:
    req_id = str(cells["requirement_id"]).strip()

    def error(message: Text, key: str = "", hint: Text = "") -> None:
        where = (phrase("error.item.requirement_cell", id=req_id, cell=f"{_col(key)}{number}") if key
                 else phrase("error.item.requirement", id=req_id))
        problems.append(AnswersError(message, path=str(path), line=number, item=where, hint=hint))

    for key in KEYS:
        text = _text(cells[key])
        if text is not None and len(text) > limits.MAX_SCALAR_CHARS:
            error(phrase("error.workbook.too_long", count=len(text), limit=limits.MAX_SCALAR_CHARS), key,
                  phrase("error.workbook.too_long.hint"))
            cells[key] = None
    value = _text(cells["answer"])
    code = answer_code(value) if value is not None else None
    if value is not None and code is None:
        error(phrase("error.workbook.bad_answer", value=value), "answer",
              phrase("error.use_one_of", choices=", ".join(answer_label(c) for c in ANSWER_CHOICES)))
    cells["answer"] = code
    answered_at = None
    if cells["answered_at"] is not None and _text(cells["answered_at"]) is not None:
        try:
            answered_at = iso_date(cells["answered_at"])
        except DateError as exc:
            error(phrase("error.answers.answered_at", field="answered_at", problem=exc.phrase), "answered_at", DATE_HINT)
    evidence = []
    for line in (_text(cells["evidence"]) or "").splitlines():
        parts = line.split()
        if not parts:
            continue
        digest = next((p[len("sha256:"):] for p in parts[1:] if p.startswith("sha256:")), "")
        if parts[0].startswith(("http://", "https://")):
            evidence.append({"url": parts[0]})
            continue
        try:  # hashed now unless recorded: the import is when the answer is handed in
            item = evidence_from_text(parts[0], path.parent, lambda m: AnswersError(m))
        except AnswersError as exc:
            error(exc.phrases[0], "evidence", OUTSIDE_HINT)
            continue
        evidence.append({"path": item.path, "sha256": digest or item.sha256})
    return {
        "answer": _text(cells["answer"]), "justification": _text(cells["justification"]),
        "text": _text(cells["text"]), "evidence": evidence, "answered_by": _text(cells["answered_by"]),
        "answered_at": answered_at,
    }
