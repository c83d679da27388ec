"""User-facing words in Vietnamese and English: statuses, verdicts, and CLI messages.

Vietnamese is the default language of reports; every entry must exist in both languages (a test
checks it).
"""

from __future__ import annotations

LANGS = ("vi", "en")

MESSAGES: dict[str, dict[str, str]] = {
    "status.pass": {"vi": "Đạt", "en": "Pass"},
    "status.fail": {"vi": "Không đạt", "en": "Fail"},
    "status.error": {"vi": "Lỗi đo", "en": "Error"},
    "status.not_applicable": {"vi": "Không áp dụng", "en": "Not applicable"},
    "status.manual": {"vi": "Cần đánh giá thủ công", "en": "Manual review"},
    "status.waived": {"vi": "Được miễn trừ", "en": "Waived"},
    "verdict.compliant": {"vi": "Đáp ứng cấp độ 3", "en": "Meets level 3"},
    "verdict.not_compliant": {"vi": "Chưa đáp ứng cấp độ 3", "en": "Does not meet level 3"},
    "verdict.incomplete": {"vi": "Chưa đủ căn cứ kết luận", "en": "Not enough evidence for a verdict"},
    "severity.critical": {"vi": "Nghiêm trọng", "en": "Critical"},
    "severity.high": {"vi": "Cao", "en": "High"},
    "severity.medium": {"vi": "Trung bình", "en": "Medium"},
    "severity.low": {"vi": "Thấp", "en": "Low"},
    "severity.info": {"vi": "Thông tin", "en": "Info"},
    "report.title": {"vi": "Báo cáo đánh giá an toàn thông tin cấp độ 3", "en": "Level-3 information security audit report"},
    "report.outlet": {"vi": "Cơ quan báo chí", "en": "Press outlet"},
    "report.sites": {"vi": "Trang được đánh giá", "en": "Sites audited"},
    "report.checklist": {"vi": "Danh mục yêu cầu", "en": "Checklist"},
    "report.date": {"vi": "Thời gian đánh giá", "en": "Audit time"},
    "report.tool": {"vi": "Công cụ", "en": "Tool"},
    "report.verdict": {"vi": "Kết luận", "en": "Verdict"},
    "report.summary": {"vi": "Tổng hợp", "en": "Summary"},
    "report.requirement": {"vi": "Yêu cầu", "en": "Requirement"},
    "report.status": {"vi": "Kết quả", "en": "Result"},
    "report.reason": {"vi": "Lý do", "en": "Reason"},
    "report.severity": {"vi": "Mức độ", "en": "Severity"},
    "report.references": {"vi": "Điều khoản", "en": "Clauses"},
    "report.remediation": {"vi": "Khắc phục", "en": "Remediation"},
    "report.evidence": {"vi": "Bằng chứng", "en": "Evidence"},
    "report.probes": {"vi": "Các lần đo", "en": "Probe attempts"},
    "report.pass_percent": {"vi": "Tỷ lệ đạt", "en": "Pass rate"},
    "report.coverage": {"vi": "Độ bao phủ", "en": "Coverage"},
    "report.mandatory_failed": {"vi": "Yêu cầu bắt buộc không đạt", "en": "Mandatory requirements failed"},
    "report.observed": {"vi": "quan sát", "en": "observed"},
    "report.expected": {"vi": "yêu cầu", "en": "expected"},
    "report.absent": {"vi": "không có", "en": "absent"},
    "report.method": {"vi": "Phương pháp", "en": "Method"},
    "report.duration": {"vi": "Thời lượng", "en": "Duration"},
    "report.confidence.standard_text": {"vi": "Nguyên văn tiêu chuẩn", "en": "Standard text"},
    "report.confidence.paraphrase": {"vi": "Diễn giải thứ cấp", "en": "Secondary paraphrase"},
    "report.confidence.interpretation": {"vi": "Diễn giải kỹ thuật", "en": "Technical interpretation"},
    "cli.written": {"vi": "Đã ghi", "en": "Written"},
    # Self-assessment, waivers and scoring (issue 7)
    "sa.resume": {"vi": "Đã trả lời {done}/{total} câu hỏi", "en": "{done}/{total} questions answered"},
    "sa.who": {"vi": "Người trả lời", "en": "Who is answering"},
    "sa.answer": {"vi": "Trả lời (skip: bỏ qua, quit: dừng)", "en": "Answer (skip, quit)"},
    "sa.justification": {"vi": "Lý do không áp dụng (bắt buộc)", "en": "Why it does not apply (required)"},
    "sa.text": {"vi": "Mô tả cách triển khai", "en": "How it is implemented"},
    "sa.evidence": {"vi": "Bằng chứng: đường dẫn tệp hoặc URL (để trống để tiếp tục)",
                    "en": "Evidence: file path or URL (empty to go on)"},
    "sa.saved": {"vi": "Đã lưu {path}", "en": "Saved {path}"},
    "answer.implemented": {"vi": "Đã triển khai", "en": "Implemented"},
    "answer.partly": {"vi": "Triển khai một phần", "en": "Partly implemented"},
    "answer.not_implemented": {"vi": "Chưa triển khai", "en": "Not implemented"},
    "answer.not_applicable": {"vi": "Không áp dụng", "en": "Not applicable"},
    "review.accepted": {"vi": "Bằng chứng được chấp nhận", "en": "Evidence accepted"},
    "review.rejected": {"vi": "Bằng chứng bị từ chối", "en": "Evidence rejected"},
    "source.probe": {"vi": "Đo tự động", "en": "Probe"},
    "source.manual": {"vi": "Chưa có người đánh giá", "en": "Awaiting a person"},
    "source.tailoring": {"vi": "Tùy chỉnh danh mục", "en": "Tailoring"},
    "source.answer": {"vi": "Tự đánh giá", "en": "Self-assessment"},
    "source.review": {"vi": "Thẩm định", "en": "Review"},
    "source.waiver": {"vi": "Miễn trừ", "en": "Waiver"},
    "report.conflict": {"vi": "Mâu thuẫn giữa tự đánh giá và kết quả đo (kết quả đo được dùng)",
                        "en": "Self-assessment contradicts the probe (the probe wins)"},
    "report.evidence_flagged": {"vi": "Tệp bằng chứng đã thay đổi hoặc bị thiếu",
                                "en": "Evidence file changed or missing"},
    "report.waiver_expired": {"vi": "Miễn trừ đã hết hạn, không còn áp dụng", "en": "Waiver expired; no longer applies"},
    "report.score": {"vi": "Điểm", "en": "Score"},
    "report.points": {"vi": "điểm", "en": "points"},
    "report.scoring_model": {"vi": "Mô hình tính điểm", "en": "Scoring model"},
    "cli.demo_done": {"vi": "Báo cáo demo nằm trong", "en": "Demo reports are in"},
    # --- issue 13 ---
    "report.redirect_chain": {"vi": "Chuỗi chuyển hướng", "en": "Redirect chain"},
}


def t(key: str, lang: str) -> str:
    """The message `key` in `lang` ('vi' or 'en'); the key itself if unknown (visible, not silent)."""
    entry = MESSAGES.get(key)
    if entry is None:
        return key
    return entry.get(lang) or entry["vi"]
