"""`l3audit report`: re-render stored results in every format, refuse what cannot be read.

Given stored results, when `l3audit report` runs, then each format is written; an older schema
version or a cut-short file is refused in one line with exit 2; a result with missing parts renders.
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from audit.cli import cli

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
CHECKLIST = str(GOLDEN / "golden-checklist.yaml")


def _run(*args: str):
    return CliRunner().invoke(cli, ["report", *args], catch_exceptions=False)


@pytest.mark.parametrize("fmt,marker", [("html", "<!DOCTYPE html>"), ("md", "# Level-3 information security audit report"),
                                        ("json", '"schema_version": 1'), ("oscal", '"assessment-results"')])
def test_each_format_is_written(tmp_path: Path, fmt: str, marker: str) -> None:
    out = tmp_path / f"r.{fmt}"
    result = _run(str(GOLDEN / "result-hostile.json"), "--format", fmt, "--lang", "en", "-o", str(out),
                  "--checklist", CHECKLIST)
    assert result.exit_code == 0, result.output
    assert marker in out.read_text(encoding="utf-8")


def test_json_is_the_stored_result_unchanged(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    _run(str(GOLDEN / "result-good.json"), "--format", "json", "-o", str(out))
    assert json.loads(out.read_text()) == json.loads((GOLDEN / "result-good.json").read_text())


def test_the_catalogue_named_in_the_result_is_used_by_default(tmp_path: Path) -> None:
    result = _run(str(GOLDEN / "result-good.json"), "--format", "md")
    assert result.exit_code == 0 and "Báo Điện tử Mẫu An Toàn" in result.output


def test_an_older_schema_version_is_refused_in_one_line(tmp_path: Path) -> None:
    old = tmp_path / "old.json"
    old.write_text(json.dumps({"schema_version": 0, "outlet": {}}))
    result = _run(str(old))
    assert result.exit_code == 2
    assert "lược đồ phiên bản 0, cũ hơn" in result.output and "hãy đánh giá lại" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_a_newer_schema_version_asks_for_an_upgrade(tmp_path: Path) -> None:
    new = tmp_path / "new.json"
    new.write_text(json.dumps({"schema_version": 99}))
    result = _run(str(new))
    assert result.exit_code == 2 and "hãy nâng cấp l3audit" in result.output


def test_a_cut_short_file_is_refused(tmp_path: Path) -> None:
    cut = tmp_path / "cut.json"
    cut.write_text((GOLDEN / "result-good.json").read_text()[:700])
    result = _run(str(cut))
    assert result.exit_code == 2 and "bị cắt hoặc hỏng" in result.output


def test_a_result_with_missing_parts_renders_what_exists(tmp_path: Path) -> None:
    data = json.loads((GOLDEN / "result-hostile.json").read_text())
    del data["summary"], data["probe_attempts"]
    part = tmp_path / "part.json"
    part.write_text(json.dumps(data))
    result = _run(str(part), "--format", "md", "--lang", "en", "--checklist", CHECKLIST)
    assert result.exit_code == 0
    assert "The result has no 'summary'" in result.output and "L3\\-TLS\\-02" not in result.output
    assert "L3-TLS-02 TLS 1.0 and TLS 1.1 are refused" in result.output


def test_pdf_needs_an_output_file() -> None:
    result = _run(str(GOLDEN / "result-good.json"), "--format", "pdf")
    assert result.exit_code == 2 and "-o report.pdf" in result.output


def test_pdf_without_chromium_says_what_to_install(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("L3AUDIT_CHROMIUM", str(tmp_path / "no-such-browser"))
    result = _run(str(GOLDEN / "result-good.json"), "--format", "pdf", "-o", str(tmp_path / "r.pdf"))
    assert result.exit_code == 2 and "apt-get install chromium" in result.output


def _embedded_font_families(reader) -> set[str]:
    """The family names of every font the PDF embeds ("ABCDEF+NotoSans-Bold" gives "NotoSans")."""
    families = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            name = str(font.get_object()["/BaseFont"]).lstrip("/")
            families.add(name.split("+", 1)[-1].split("-", 1)[0])
    return families


@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian's chromium (apt-get install chromium)")
def test_pdf_has_the_expected_pages_and_text(tmp_path: Path) -> None:
    from pypdf import PdfReader

    out = tmp_path / "r.pdf"
    result = _run(str(GOLDEN / "result-hostile.json"), "--format", "pdf", "-o", str(out), "--checklist", CHECKLIST)
    assert result.exit_code == 0, result.output
    reader = PdfReader(str(out))
    pages = [p.extract_text() for p in reader.pages]
    assert len(pages) >= 6
    # The fonts the stylesheet asks for, and no other: text in Noto Sans, code in Noto Sans Mono
    # (Noto Sans Symbols2 draws the few symbols both lack, when a report has them).
    families = _embedded_font_families(reader)
    assert {"NotoSans", "NotoSansMono"} <= families <= {"NotoSans", "NotoSansMono", "NotoSansSymbols2"}, families
    assert "Tạp chí Mẫu Chưa Đạt" in pages[0] and "Chưa đáp ứng cấp độ 3" in pages[0]
    fix_first = [i for i, text in enumerate(pages) if "xếp theo mức độ nghiêm trọng" in text]
    assert len(fix_first) == 1 and "L3-TLS-01" not in pages[fix_first[0]]  # the summary has a page of its own
    # Each decided row takes a few lines: the results run over about one page per eight rows (13 rows here).
    groups = next(i for i, text in enumerate(pages) if text.startswith("Kết quả theo nhóm yêu cầu"))
    appendix = next(i for i, text in enumerate(pages) if i > groups and "Phụ lục A. Dữ kiện đo thô" in text)
    assert appendix - groups + 1 <= math.ceil(13 / 8) + 1
    everything = "\n".join(pages)
    for text in ("ssl_protocols TLSv1.2 TLSv1.3;", "Phụ lục B. Phương pháp", "Được miễn trừ theo W-2026-07", "<script>"):
        assert text in everything, text
    # Vietnamese in monospace cells (fact values) extracts with its marks stacked, not split apart.
    for text in ("Người thẩm định đã chấp nhận bằng chứng", "Đã triển khai", "Quy chế ATTT ban hành 2025"):
        assert text in everything, text


def test_pdf_without_chromium_says_so_in_vietnamese(tmp_path: Path, monkeypatch) -> None:
    from tests.test_vietnamese_errors import english_sentences

    monkeypatch.setenv("L3AUDIT_CHROMIUM", str(tmp_path / "no-such-browser"))
    result = _run(str(GOLDEN / "result-good.json"), "--format", "pdf", "-o", str(tmp_path / "r.pdf"), "--lang", "vi")
    assert result.exit_code == 2 and "không tìm thấy Chromium (gợi ý: apt-get install chromium" in result.output
    assert english_sentences(result.output) == [] and not (tmp_path / "r.pdf").exists()
