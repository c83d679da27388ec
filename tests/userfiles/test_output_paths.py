"""Output paths: a link, a named pipe or a device is never replaced or followed; formats follow suffixes."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from audit.cli import cli
from audit.department.keys import generate_key
from audit.result import write_json_atomic
from audit.userfiles.output import OutputPathError, write_bytes_atomic
from tests.department.support import make_result

GOLDEN = Path(__file__).resolve().parent.parent / "golden"


def run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    return result.exit_code, result.output


@pytest.fixture()
def result_file(tmp_path: Path) -> Path:
    path = tmp_path / "bao-a.json"
    write_json_atomic(path, make_result("bao-a", {"L3-TLS-01": "pass"}, "2026-12-01T19:12:00+00:00"))
    return path


def test_a_symlink_a_pipe_and_a_device_are_refused_and_left_as_they_were(tmp_path: Path) -> None:
    target = tmp_path / "real.txt"
    target.write_text("giữ nguyên", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    for path, kind in ((link, "a symbolic link"), (fifo, "a named pipe"), (Path("/dev/null"), "a device")):
        with pytest.raises(OutputPathError, match=kind):
            write_bytes_atomic(path, b"{}")
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "giữ nguyên"
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_bundle_sign_to_dev_null_is_refused(tmp_path: Path, result_file: Path) -> None:
    """Given root running `bundle sign ... -o /dev/null`, then /dev/null stays the device it was."""
    key, _public, _ = generate_key(tmp_path / "keys", "bao-a", ("bao-a",))
    code, output = run("bundle", "sign", result_file, "--key", key, "-o", "/dev/null")
    assert code == 2 and "không phải tệp thông thường" in output, output
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_report_format_follows_the_suffix_or_is_refused(tmp_path: Path) -> None:
    golden = GOLDEN / "result-good.json"
    code, output = run("report", golden, "-o", tmp_path / "r.md")
    assert code == 0, output
    assert (tmp_path / "r.md").read_text(encoding="utf-8").lstrip().startswith("#")
    code, output = run("report", golden, "--format", "md", "-o", tmp_path / "r.html")
    assert code == 2 and "--format md nhưng tên tệp cho biết html" in output, output
    code, output = run("report", golden, "-o", tmp_path / "r.docx")
    assert code == 2 and "không ứng với định dạng báo cáo nào" in output, output


def test_aggregate_to_an_unknown_suffix_is_refused_and_to_a_pdf_name_writes_a_real_pdf(tmp_path: Path) -> None:
    """Given -o x.docx, then refused, nothing written; given -o x.pdf, then a PDF printed by Chromium, not HTML."""
    import pypdf

    from audit.department.store import Store
    from tests.department.support import make_result

    db = tmp_path / "l3audit.db"
    with Store(str(db)) as store:
        round_id = store.start_round("11", "run")
        store.add_result(make_result("bao-pdf", {"L3-TLS-01": "pass", "L3-WEB-01": "fail"},
                                     "2026-11-08T08:00:00+00:00", name="Báo Thử PDF"), round_id)
    code, output = run("aggregate", "--db", db, "-o", tmp_path / "x.docx")
    assert code == 2 and "'.docx' không thuộc dạng nào" in output and not (tmp_path / "x.docx").exists(), output
    code, output = run("aggregate", "--db", db, "-o", tmp_path / "x.pdf")
    assert code == 0, output
    data = (tmp_path / "x.pdf").read_bytes()
    assert data.startswith(b"%PDF-")
    text = "".join(page.extract_text() for page in pypdf.PdfReader(tmp_path / "x.pdf").pages)
    assert "Tổng hợp an toàn thông tin cấp độ 3" in text and "l3-starter" in text, text
