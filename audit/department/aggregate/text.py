"""Words of the department dashboard and exports, in Vietnamese (default) and English."""

from __future__ import annotations

from audit.i18n import t as base_text

LABELS: dict[str, dict[str, str]] = {
    "title": {"vi": "Tổng hợp an toàn thông tin cấp độ 3 của các cơ quan báo chí",
              "en": "Level-3 information security across press outlets"},
    "generated": {"vi": "Lập lúc", "en": "Generated"},
    "filters": {"vi": "Phạm vi", "en": "Scope"},
    "all": {"vi": "tất cả", "en": "all"},
    "from": {"vi": "từ", "en": "from"},
    "to": {"vi": "đến", "en": "to"},
    "tags": {"vi": "Nhãn", "en": "Tags"},
    "outlets": {"vi": "Cơ quan báo chí", "en": "Outlets"},
    "results": {"vi": "Lượt đánh giá", "en": "Audits"},
    "catalogues": {"vi": "Tỷ lệ đáp ứng so với mục tiêu quốc gia", "en": "Share compliant against the national target"},
    "catalogue": {"vi": "Danh mục", "en": "Catalogue"},
    "compliant": {"vi": "Đáp ứng", "en": "Compliant"},
    "not_compliant": {"vi": "Chưa đáp ứng", "en": "Not compliant"},
    "incomplete": {"vi": "Chưa đủ căn cứ", "en": "Incomplete"},
    "share": {"vi": "Tỷ lệ đáp ứng", "en": "Share compliant"},
    "target": {"vi": "Mục tiêu", "en": "Target"},
    "gap": {"vi": "Còn thiếu", "en": "Gap"},
    "per_outlet": {"vi": "Từng cơ quan báo chí", "en": "Per outlet"},
    "outlet": {"vi": "Cơ quan báo chí", "en": "Outlet"},
    "verdict": {"vi": "Kết luận", "en": "Verdict"},
    "score": {"vi": "Điểm (% đạt)", "en": "Score (% pass)"},
    "coverage": {"vi": "Độ bao phủ", "en": "Coverage"},
    "failed": {"vi": "Không đạt", "en": "Failed"},
    "trend": {"vi": "Xu hướng", "en": "Trend"},
    "last_audit": {"vi": "Lần đánh giá gần nhất", "en": "Last audit"},
    "signer": {"vi": "Người ký", "en": "Signer"},
    "trend.up": {"vi": "tốt lên", "en": "better"},
    "trend.down": {"vi": "xấu đi", "en": "worse"},
    "trend.same": {"vi": "không đổi", "en": "unchanged"},
    "trend.new": {"vi": "lần đầu", "en": "first audit"},
    "trend.none": {"vi": "chưa có", "en": "none"},
    "heatmap": {"vi": "Bản đồ nhiệt: cơ quan × nhóm yêu cầu (đạt / đã kết luận)",
                "en": "Heatmap: outlets × requirement groups (passed / decided)"},
    "top_failed": {"vi": "Yêu cầu không đạt nhiều nhất", "en": "Requirements failed most"},
    "requirement": {"vi": "Yêu cầu", "en": "Requirement"},
    "failed_outlets": {"vi": "Số cơ quan không đạt", "en": "Outlets failing"},
    "regressions": {"vi": "Cơ quan xấu đi so với lần trước", "en": "Outlets that regressed since their previous audit"},
    "before": {"vi": "Trước", "en": "Before"},
    "after": {"vi": "Sau", "en": "After"},
    "regressed_reqs": {"vi": "Yêu cầu chuyển sang không đạt", "en": "Requirements now failing"},
    "waivers": {"vi": "Miễn trừ sắp hết hạn", "en": "Waivers expiring soon"},
    "waiver": {"vi": "Miễn trừ", "en": "Waiver"},
    "expires": {"vi": "Hết hạn", "en": "Expires"},
    "days_left": {"vi": "Còn (ngày)", "en": "Days left"},
    "expired": {"vi": "đã hết hạn", "en": "expired"},
    "none": {"vi": "Không có.", "en": "None."},
    "within_days": {"vi": "trong vòng {n} ngày", "en": "within {n} days"},
    "legend": {"vi": "Xanh: không có yêu cầu không đạt; vàng: đạt từ 50%; đỏ: dưới 50%; xám: chưa kết luận được.",
               "en": "Green: nothing failed; amber: at least 50% passed; red: under 50%; grey: nothing decided."},
}


def label(key: str, lang: str, **values: object) -> str:
    """A dashboard word in `lang` (verdict.* and status.* come from audit.i18n)."""
    if key.startswith(("verdict.", "status.", "dashboard.")):
        text = base_text(key, lang)
        return text.format(**values) if values else text
    text = LABELS[key]["en" if lang == "en" else "vi"]
    return text.format(**values) if values else text
