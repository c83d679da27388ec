"""The HTML report's content and safety, checked as text (the browser test checks it rendered).

Given stored results with hostile server strings, when rendered as HTML, then every value is
escaped and cut, the page references nothing outside itself, and the report says what it should in
both languages.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from audit.catalogue.loader import Checklist, load_checklist
from audit.i18n import LANGS
from audit.report.formats import render_html
from audit.report.requirements import load_snippets
from audit.report.text import MAX_VALUE_CHARS, format_datetime, format_long_date, format_percent, short

GOLDEN = Path(__file__).resolve().parents[1] / "golden"


@pytest.fixture(scope="module")
def checklist() -> Checklist:
    return load_checklist(str(GOLDEN / "golden-checklist.yaml"))


def _result(name: str) -> dict[str, Any]:
    return json.loads((GOLDEN / f"result-{name}.json").read_text(encoding="utf-8"))


def test_hostile_server_strings_are_escaped_never_markup(checklist: Checklist) -> None:
    html = render_html(_result("hostile"), checklist, "vi")
    assert "<script" not in html.lower()
    assert "<img" not in html.lower()
    assert "&lt;script&gt;window.__pwned" in html


def test_long_values_are_cut_and_control_characters_shown(checklist: Checklist) -> None:
    html = render_html(_result("hostile"), checklist, "en")
    assert "A" * MAX_VALUE_CHARS not in html and "A" * (MAX_VALUE_CHARS - 1) + "…" in html
    assert "\x07" not in html and "\x1b" not in html and "\\x07" in html and "\\x1b" in html


def test_the_page_is_self_contained(checklist: Checklist) -> None:
    html = render_html(_result("hostile"), checklist, "vi")
    assert "default-src 'none'" in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html, re.IGNORECASE)
    assert "<link" not in html and "@import" not in html and "url(" not in html


def test_vietnamese_report_has_cover_fix_first_groups_and_appendices(checklist: Checklist) -> None:
    html = render_html(_result("hostile"), checklist, "vi")
    for text in ("Báo cáo đánh giá an toàn thông tin cấp độ 3", "Tạp chí Mẫu Chưa Đạt", "Chưa đáp ứng cấp độ 3",
                 "26/11/2026 18:41 (UTC)", "ngày 26 tháng 11 năm 2026", "Cục An toàn thông tin", "Cần khắc phục trước",
                 "Phụ lục A. Dữ kiện đo thô", "Phụ lục B. Phương pháp", "TCVN 14423:2026", "5.4.2.4 b",
                 "ssl_protocols TLSv1.2 TLSv1.3;", "SSLProtocol -all +TLSv1.2 +TLSv1.3", "Miễn trừ có thời hạn",
                 "đến ngày 2027-03-31", "Bằng chứng kèm theo: quy-che-attt.pdf", "39,2% (31 / 79 điểm)", "<svg",
                 "Quyết định của người thẩm định", "Mâu thuẫn giữa tự đánh giá và kết quả đo", "24 / 45 điểm · 53,3%", "Bộ mã hóa theo phiên bản TLS",
                 "AES128-SHA", "6379/tcp", "Mục lục"):
        assert text in html, text
    # Reasons, answers and waivers are sentences, not raw keys or the stored English line.
    for raw in ("answer.evidence[", "waiver.justification", "expired_waivers[", "failed check(s)", "declared "):
        assert raw not in html, raw


def test_english_report_uses_english_words_and_dates(checklist: Checklist) -> None:
    html = render_html(_result("hostile"), checklist, "en")
    for text in ("Level-3 information security audit report", "Does not meet level 3", "26 November 2026 18:41 (UTC)",
                 "Fix first", "Appendix A. Raw probe facts", "39.2% (31 / 79 points)"):
        assert text in html, text
    assert "Chưa đáp ứng" not in html


def test_fix_first_lists_mandatory_failures_worst_first(checklist: Checklist) -> None:
    html = render_html(_result("hostile"), checklist, "en")
    section = html.split('id="fix-first"')[1].split("</section>")[0]
    ids = re.findall(r'href="#req-([A-Z0-9-]+)"', section)
    assert ids == ["L3-CERT-01", "L3-NET-01", "L3-TLS-02", "L3-WEB-01", "L3-WEB-02", "L3-WEB-03"]


def test_a_result_with_missing_parts_renders_what_exists_and_says_what_is_missing() -> None:
    data = _result("hostile")
    for part in ("summary", "probe_attempts", "tool"):
        del data[part]
    html = render_html(data, None, "en")
    assert "The result has no &#39;summary&#39;" in html and "could not be loaded" in html
    assert "L3-TLS-02" in html and "Tạp chí Mẫu Chưa Đạt" in html


def test_an_empty_result_still_renders() -> None:
    assert "No verdict" in render_html({"schema_version": 1}, None, "en")


def test_dates_and_numbers_follow_the_language() -> None:
    assert format_datetime("2026-11-26T18:30:00+00:00", "vi") == "26/11/2026 18:30 (UTC)"
    assert format_datetime("2026-11-26T18:30:00+07:00", "vi") == "26/11/2026 18:30 (UTC+07:00)"
    assert format_long_date("2026-01-05T00:00:00Z", "vi") == "ngày 05 tháng 01 năm 2026"
    assert format_long_date("2026-01-05T00:00:00Z", "en") == "5 January 2026"
    assert (format_percent(33.3, "vi"), format_percent(100.0, "en"), format_percent(None, "vi")) == ("33,3%", "100%", "—")
    assert short("x" * 1000, 10) == "x" * 9 + "…"


def test_snippets_are_complete() -> None:
    for snippet in load_snippets():
        assert snippet["nginx"].strip() and snippet["apache"].strip() and snippet["facts"], snippet["id"]
        assert set(snippet["title"]) == set(LANGS), snippet["id"]


def test_a_configuration_snippet_comments_in_the_reports_language_only() -> None:
    from audit.report.requirements import load_snippets, snippets_for

    failed = sorted({pattern.replace("*", "x") for s in load_snippets() for pattern in s["facts"]})
    for lang, other in (("vi", "en"), ("en", "vi")):
        shown = "\n".join(s["nginx"] + "\n" + s["apache"] for s in snippets_for(failed, lang))
        assert "#vi:" not in shown and "#en:" not in shown
        assert ("# trong khối server" in shown) == (lang == "vi") and ("# in the server" in shown) == (lang == "en")
        assert "ssl_protocols TLSv1.2 TLSv1.3;" in shown  # the configuration itself is the same in both
