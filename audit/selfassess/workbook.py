"""Answers as an XLSX workbook, because department staff work in spreadsheets.

`export_workbook` writes one row per question (with any answers already given) on sheet `answers`,
dropdowns (data validation) for the answer and the review decision, and the catalogue pin on sheet
`meta`. `import_workbook` reads it back into an `AnswerSet` through the same validation as a YAML
answers file; edited headers, a changed pin or a value outside a dropdown are refused with the cell
named. The workbook itself is never rewritten by an import.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped]

from audit.selfassess.answers import (
    SCHEMA_ID,
    AnswersError,
    AnswerSet,
    answers_from_data,
    evidence_from_text,
)
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
    ("answered_at", "Thời điểm trả lời / Answered at", 20),
    ("review_decision", "Kết luận thẩm định / Review decision", 14),
    ("review_reason", "Lý do / Reason", 30),
    ("reviewer", "Người thẩm định / Reviewer", 18),
    ("reviewed_at", "Thời điểm thẩm định / Reviewed at", 20),
)
KEYS = [c[0] for c in COLUMNS]
META_KEYS = ("schema", "checklist_id", "checklist_version", "content_hash", "outlet")
DECISIONS = ("accepted", "rejected")


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
        review = data.get("review") or {}
        evidence = "\n".join(
            (e.get("url") or e["path"]) + (f" sha256:{e['sha256']}" if e.get("sha256") else "")
            for e in data.get("evidence", [])
        )
        sheet.append([
            q.requirement_id, q.group, "x" if q.mandatory else "", f"{q.title.vi}. {q.description.vi}",
            f"{q.title.en}. {q.description.en}", "\n".join(f"- {e.vi} / {e.en}" for e in q.evidence),
            data.get("answer"), data.get("justification"), data.get("text"), evidence or None,
            data.get("answered_by"), data.get("answered_at"), review.get("decision"), review.get("reason"),
            review.get("reviewer"), review.get("reviewed_at"),
        ])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    last = max(sheet.max_row, 2)
    for key, choices in (("answer", ANSWER_CHOICES), ("review_decision", DECISIONS)):
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
    book.save(path)


def import_workbook(path: Path, checklist: Checklist) -> AnswerSet:
    """Read a filled-in workbook; AnswersError naming the row and cell on any problem."""
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise AnswersError(f"not a readable XLSX workbook: {exc}", path=str(path)) from exc
    for name in ("answers", "meta"):
        if name not in book.sheetnames:
            raise AnswersError(f"sheet '{name}' is missing", path=str(path), hint="export a new workbook")
    rows = list(book["answers"].iter_rows(values_only=True))
    meta = {str(r[0]): ("" if r[1] is None else str(r[1])) for r in book["meta"].iter_rows(values_only=True) if r and r[0]}
    book.close()
    header = [("" if v is None else str(v)) for v in (rows[0] if rows else ())]
    for i, (_key, label, _width) in enumerate(COLUMNS):
        found = header[i] if i < len(header) else ""
        if found != label:
            raise AnswersError(f"header '{found}' in cell {get_column_letter(i + 1)}1 should be '{label}'",
                               path=str(path), line=1, hint="do not edit the header row; export a new workbook")
    if meta.get("schema") != SCHEMA_ID:
        raise AnswersError(f"sheet meta: schema is '{meta.get('schema')}', expected '{SCHEMA_ID}'", path=str(path))
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
        req_id = cells["requirement_id"]
        if req_id is None or str(req_id).strip() == "":
            continue
        req_id = str(req_id).strip()
        row_of[req_id] = number
        data["answers"][req_id] = _row_answer(cells, number, path)
    return answers_from_data(data, path, checklist,
                             locate=lambda where: row_of.get(where[1]) if len(where) > 1 else 1)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return text.strip() or None


def _row_answer(cells: dict[str, Any], number: int, path: Path) -> dict[str, Any]:
    req_id = str(cells["requirement_id"]).strip()

    def error(message: str, key: str = "", hint: str = "") -> AnswersError:
        where = f"requirement {req_id}" + (f", cell {_col(key)}{number}" if key else "")
        return AnswersError(message, path=str(path), line=number, item=where, hint=hint)

    for key, choices in (("answer", ANSWER_CHOICES), ("review_decision", DECISIONS)):
        value = _text(cells[key])
        if value is not None and value not in choices:
            raise error(f"'{value}' is not an allowed value", key, "use one of: " + ", ".join(choices))
    evidence = []
    for line in (_text(cells["evidence"]) or "").splitlines():
        parts = line.split()
        if not parts:
            continue
        digest = next((p[len("sha256:"):] for p in parts[1:] if p.startswith("sha256:")), "")
        if parts[0].startswith(("http://", "https://")):
            evidence.append({"url": parts[0]})
        elif digest:
            evidence.append({"path": parts[0], "sha256": digest})
        else:  # hashed now: the import is when the answer is handed in
            item = evidence_from_text(parts[0], path.parent, lambda m: error(m, "evidence"))
            evidence.append({"path": item.path, "sha256": item.sha256})
    answer: dict[str, Any] = {
        "answer": _text(cells["answer"]), "justification": _text(cells["justification"]),
        "text": _text(cells["text"]), "evidence": evidence, "answered_by": _text(cells["answered_by"]),
        "answered_at": _text(cells["answered_at"]),
    }
    if _text(cells["review_decision"]):
        answer["review"] = {"decision": _text(cells["review_decision"]), "reason": _text(cells["review_reason"]),
                            "reviewer": _text(cells["reviewer"]) or "", "reviewed_at": _text(cells["reviewed_at"]) or ""}
    return answer
