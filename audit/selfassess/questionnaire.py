"""The self-assessment questionnaire: one question per requirement a person must judge.

A question is asked for every `manual` or `both` requirement that a tailoring has not marked not
applicable, with the evidence the reviewer will ask for, in Vietnamese and English. The same list of
questions drives the commented YAML template, the interactive session and the XLSX workbook, so all
three produce the same answers file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from audit.selfassess.answers import SCHEMA_ID
from audit.catalogue.loader import Checklist
from audit.models import Assessment, Text

ANSWER_CHOICES = ("implemented", "partly", "not_implemented", "not_applicable")


@dataclass(frozen=True)
class Question:
    """One question of the questionnaire, built from a requirement."""

    requirement_id: str
    group: str
    group_title: Text
    title: Text
    description: Text
    evidence: tuple[Text, ...]
    mandatory: bool
    severity: str
    assessment: str
    """'manual', or 'both' (a probe checks part of it; the answer covers the rest)."""


def questions(checklist: Checklist) -> list[Question]:
    """The questions for a (possibly tailored) catalogue, in catalogue order."""
    found = []
    for req in checklist.requirements:
        if req.assessment is Assessment.AUTOMATED or req.not_applicable:
            continue
        group = checklist.group(req.group)
        found.append(Question(
            requirement_id=req.id,
            group=req.group,
            group_title=group.title if group else Text(req.group, req.group),
            title=req.title,
            description=req.description,
            evidence=req.evidence,
            mandatory=req.mandatory,
            severity=req.severity.value,
            assessment=req.assessment.value,
        ))
    return found


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _comment(text: str, indent: str) -> list[str]:
    return [f"{indent}# {line}".rstrip() for line in text.splitlines() or [""]]


def render_template(checklist: Checklist, outlet: str | None = None) -> str:
    """A commented YAML answers template that `audit.selfassess.answers.load_answers` accepts as it is."""
    lines = [
        "# Bảng tự đánh giá an toàn thông tin cấp độ 3 / Level-3 information security self-assessment",
        f"# Danh mục / Checklist: {checklist.id} — {checklist.title.vi} / {checklist.title.en}",
        f"# Phiên bản / Version: {checklist.version}" + (f"; tùy chỉnh / tailoring: {checklist.tailoring}"
                                                          if checklist.tailoring else ""),
        "#",
        "# Với mỗi yêu cầu, điền / For each requirement, fill in:",
        "#   answer: implemented | partly | not_implemented | not_applicable",
        "#     (đã triển khai | triển khai một phần | chưa triển khai | không áp dụng)",
        "#   justification: bắt buộc khi not_applicable / required with not_applicable",
        "#   text: mô tả cách triển khai / how it is implemented",
        "#   evidence: - {path: tai-lieu/quy-che.pdf}   hoặc/or   - {url: https://...}",
        "#   answered_by, answered_at: người trả lời, thời điểm (ISO 8601) / who answered, when",
        "# Sau đó chạy / Then run: l3audit self-assess seal ANSWERS -o SEALED --checklist ...",
        "#   (ghi mã SHA-256 của các tệp bằng chứng / records the SHA-256 of evidence files)",
        "# Không sửa phần 'checklist' / Do not edit the 'checklist' block.",
        "",
        f"schema: {SCHEMA_ID}",
        "checklist:",
        f"  id: {_q(checklist.id)}",
        f"  version: {_q(checklist.version)}",
        f"  content_hash: {_q(checklist.content_hash)}",
        f"outlet: {_q(outlet) if outlet else 'null'}  # mã cơ quan báo chí trong danh sách / outlet id in the inventory",
        "answers:",
    ]
    qs = questions(checklist)
    if not qs:
        lines[-1] = "answers: {}  # danh mục không có câu hỏi / no question in this checklist"
    for q in qs:
        flag = "bắt buộc / mandatory" if q.mandatory else "không bắt buộc / optional"
        lines += ["", f"  # ── {q.requirement_id} · {q.group_title.vi} / {q.group_title.en} · {flag} · {q.severity}"]
        lines += _comment(f"VI: {q.title.vi}. {q.description.vi}", "  ")
        lines += _comment(f"EN: {q.title.en}. {q.description.en}", "  ")
        if q.assessment == "both":
            lines.append("  # (Một phần được kiểm tra tự động / Part of it is checked automatically)")
        if q.evidence:
            lines.append("  # Bằng chứng cần nộp / Evidence requested:")
            for ev in q.evidence:
                lines += _comment(f"  - {ev.vi} / {ev.en}", "  ")
        lines += [
            f"  {q.requirement_id}:",
            "    answer: null",
            "    justification: null",
            "    text: null",
            "    evidence: []",
            "    answered_by: null",
            "    answered_at: null",
        ]
    return "\n".join(lines) + "\n"
