"""The demo's PDF reports, as `make demo` prints them, meet the page target of issue 15: the front part
(cover, contents and conclusion, the fixes first when there are any) plus about one page per eight
rows, then the appendices (what each probe measured, the method, sample configurations); no page is
left nearly blank."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from audit.cli import cli
from audit.demo.outlets import DemoAddresses

pytestmark = pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian's chromium (apt-get install chromium)")

FRONT_PAGES = 3
"""Cover; contents and conclusion; the fixes first (a page of their own only when there are some)."""
APPENDIX_PAGES = 4
"""Pages after the one where the appendices begin, for the demo's attempts (TLS suites listed in full)."""


@pytest.fixture(scope="module")
def demo_reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`l3audit demo` with its PDFs, on addresses of its own (to run beside a real demo)."""
    from audit.cli import demo_cmd
    from audit.demo import outlets

    addresses = DemoAddresses(good="127.0.5.11", bad="127.0.5.12", offline="127.0.5.13", https_port=18643, http_port=18280)
    out = tmp_path_factory.mktemp("demo-pages") / "demo"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(demo_cmd, "demo_fleet", lambda folder: outlets.demo_fleet(folder, addresses))
        result = CliRunner().invoke(cli, ["demo", "--out", str(out), "--pdf", "--lang", "vi"])
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize("outlet", ["bao-mau-an-toan", "tap-chi-mau-chua-dat", "bao-mau-ngung-hoat-dong"])
def test_a_demo_pdf_takes_the_front_part_and_a_page_per_eight_rows(demo_reports: Path, outlet: str) -> None:
    from pypdf import PdfReader

    rows = len(json.loads((demo_reports / f"{outlet}.json").read_text(encoding="utf-8"))["requirements"])
    pages = [page.extract_text() for page in PdfReader(str(demo_reports / f"{outlet}.vi.pdf")).pages]
    groups = next(i for i, text in enumerate(pages) if "Kết quả theo nhóm yêu cầu" in text.splitlines())
    appendix = next(i for i, text in enumerate(pages) if i >= groups and "Phụ lục A. Dữ kiện đo thô" in text)
    assert groups <= FRONT_PAGES, f"the front part takes {groups} pages"
    assert appendix - groups + 1 <= math.ceil(rows / 8) + 1, f"{rows} rows over {appendix - groups + 1} pages"
    assert len(pages) - 1 - appendix <= APPENDIX_PAGES, f"appendices run over {len(pages) - appendix} pages"
    nearly_blank = [i + 1 for i, text in enumerate(pages[:-1]) if len(text.strip()) < 400]
    assert nearly_blank == [], f"pages {nearly_blank} of {len(pages)} are nearly blank"
