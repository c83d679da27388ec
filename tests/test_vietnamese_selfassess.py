"""`--lang vi` runs of every self-assessment and checklist command, errors included, show Vietnamese only.

Given a small manual catalogue and its answers, When each subcommand runs in Vietnamese (check and
scan with answers, questionnaire, export-xlsx, import-xlsx, seal, review, interactive with typed
input, checklist lint and show, export) on good input and on the bad inputs an outlet really makes
(a future date, a spreadsheet day number, evidence outside the folder or missing, answers pinned to
another catalogue, "not applicable" without a reason, a typo in a fact name), Then what it prints has
no English text of the catalogue and no English sentence (`tests/test_vietnamese_errors.py`), and
an error still ends the command with exit code 2 (or 1 for `check`'s flagged evidence).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from openpyxl import load_workbook

from audit.cli import cli
from audit.exitcodes import OK, USAGE
from audit.i18n import MESSAGES
from audit.selfassess.workbook import KEYS
from tests.selfassess.support import reviewer_key, write_checklist
from tests.test_vietnamese_errors import english_sentences, invoke_vi
from tests.test_vietnamese_output import english_in

PENDING_ENGLISH = sorted({part.strip(" .,:;()") for entry in MESSAGES.values() if entry.get("en") != entry.get("vi")
                          for part in re.split(r"\{[^}]*\}", entry.get("en", ""))
                          if len(re.findall(r"[A-Za-z]{2,}", part.strip(" .,:;()"))) >= 2})
"""English texts of messages still pending in `audit.i18n.MESSAGES` (not yet in the .po files `english_in` reads)."""


def run_vi(*args: Any, input: str | None = None) -> tuple[int, str]:
    """As `invoke_vi` (--lang vi, English everywhere else), with the exit code and typed input."""
    result = CliRunner().invoke(cli, [str(a) for a in args] + ["--lang", "vi"], input=input, catch_exceptions=False,
                                env={"L3AUDIT_LANG": "en"})
    return result.exit_code, result.output


def assert_vietnamese(output: str) -> None:
    assert output.strip()
    assert english_in(output) == [], output
    assert [e for e in PENDING_ENGLISH if e in output] == [], output
    assert english_sentences(output) == [], output


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A catalogue, its questionnaire, answers good and bad, evidence, a reviewer key and workbooks."""
    base = tmp_path_factory.mktemp("vi-sa")
    checklist = write_checklist(base)
    template = base / "template.yaml"
    CliRunner().invoke(cli, ["self-assess", "questionnaire", "--checklist", str(checklist), "-o", str(template)],
                       catch_exceptions=False)
    (base / "quy-che.pdf").write_bytes(b"%PDF policy")
    outside = base.parent / f"{base.name}-outside.txt"
    outside.write_text("x", encoding="utf-8")

    def answers(name: str, **edits: dict[str, Any]) -> Path:
        data = yaml.safe_load(template.read_text(encoding="utf-8"))
        data["outlet"] = "bao-mau"
        for rid, fields in edits.items():
            data["answers"][rid.replace("_", "-")].update(fields)
        path = base / name
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return path

    paths = {
        "checklist": checklist, "template": template,
        "good": answers("good.yaml", POL_01={"answer": "implemented", "evidence": [{"path": "quy-che.pdf"}],
                                             "answered_at": "02/12/2026"}),
        "future": answers("future.yaml", POL_01={"answer": "implemented", "answered_at": "30/11/2099"}),
        "day_number": answers("day.yaml", POL_01={"answer": "implemented", "answered_at": 45992}),
        "outside": answers("outside.yaml", POL_01={"answer": "implemented", "evidence": [{"path": f"../{outside.name}"}]}),
        "missing": answers("missing.yaml", POL_01={"answer": "implemented", "evidence": [{"path": "khong-co.pdf"}]}),
        "na": answers("na.yaml", OPS_01={"answer": "not_applicable"}),
        "typo_id": answers("typo.yaml", POL_01={"answer": "implemented"}),
        "other_pin": answers("pin.yaml", POL_01={"answer": "implemented"}),
    }
    data = yaml.safe_load(paths["typo_id"].read_text(encoding="utf-8"))
    data["answers"]["POL-1"] = data["answers"].pop("POL-01")
    paths["typo_id"].write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    data = yaml.safe_load(paths["other_pin"].read_text(encoding="utf-8"))
    data["checklist"]["id"] = "l3-starter"
    paths["other_pin"].write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    sealed = base / "sealed.yaml"
    CliRunner().invoke(cli, ["self-assess", "seal", str(paths["good"]), "--checklist", str(checklist), "-o", str(sealed)],
                       catch_exceptions=False)
    paths["sealed"] = sealed
    paths["key"], paths["trusted"] = reviewer_key(base / "keys")
    book = base / "so.xlsx"
    CliRunner().invoke(cli, ["self-assess", "export-xlsx", "--checklist", str(checklist), "-o", str(book)],
                       catch_exceptions=False)
    paths["book"] = book
    for name, cells in {
        "book_future": {("POL-01", "answer"): "implemented", ("POL-01", "answered_at"): "30/11/2099"},
        "book_day_number": {("POL-01", "answer"): "implemented", ("POL-01", "answered_at"): 45992},
        "book_outside": {("POL-01", "answer"): "implemented", ("POL-01", "evidence"): f"../{outside.name}"},
        "book_missing": {("POL-01", "answer"): "implemented", ("POL-01", "evidence"): "khong-co.pdf"},
        "book_na": {("POL-01", "answer"): "not_applicable"},
        "book_bad_value": {("POL-01", "answer"): "yes", ("OPS-01", "requirement_id"): "POL-01"},
    }.items():
        workbook = load_workbook(book)
        sheet = workbook["answers"]
        row_of = {sheet.cell(r, 1).value: r for r in range(2, sheet.max_row + 1)}
        for (rid, key), value in cells.items():
            sheet.cell(row_of[rid], KEYS.index(key) + 1).value = value
        paths[name] = base / f"{name}.xlsx"
        workbook.save(paths[name])
    typo = (base / "typo-cat.yaml")
    typo.write_text(checklist.read_text(encoding="utf-8").replace("id: sa-manual", "id: typo-cat").replace(
        "    assessment: manual\n    references: [{standard: \"TCVN 11930:2017\", clause: \"8.1\"}]",
        "    assessment: automated\n    references: [{standard: \"TCVN 11930:2017\", clause: \"8.1\"}]\n"
        "    checks: [{id: c, expect: {fact: tls.protocls.TLSv1.0, op: eq, value: false}}]", 1), encoding="utf-8")
    paths["typo_checklist"] = typo
    nodiacritics = base / "nodiac.yaml"
    nodiacritics.write_text(checklist.read_text(encoding="utf-8").replace("id: sa-manual", "id: nodiac").replace(
        "Sao lưu hằng ngày, thử khôi phục hằng quý.", "Sao luu hang ngay, thu khoi phuc hang quy."), encoding="utf-8")
    paths["nodiac_checklist"] = nodiacritics
    return paths


TARGET = ("chet.test:1", "--resolve", "chet.test:1:127.31.2.254", "--no-nmap", "--timeout", "1")

ERRORS = {
    # name: (arguments, exit code)
    "check: a future date": (("self-assess", "check", "{future}", "--checklist", "{checklist}"), USAGE),
    "check: a spreadsheet day number": (("self-assess", "check", "{day_number}", "--checklist", "{checklist}"), USAGE),
    "check: evidence outside the folder": (("self-assess", "check", "{outside}", "--checklist", "{checklist}"), USAGE),
    "check: a missing evidence file": (("self-assess", "check", "{missing}", "--checklist", "{checklist}"), 1),
    "check: another catalogue": (("self-assess", "check", "{other_pin}", "--checklist", "{checklist}"), USAGE),
    "check: not applicable without a reason": (("self-assess", "check", "{na}", "--checklist", "{checklist}"), USAGE),
    "check: a typo in a requirement id": (("self-assess", "check", "{typo_id}", "--checklist", "{checklist}"), USAGE),
    "scan: a future date": (("scan", *TARGET, "--checklist", "{checklist}", "--answers", "{future}"), USAGE),
    "scan: another catalogue": (("scan", *TARGET, "--checklist", "{checklist}", "--answers", "{other_pin}"), USAGE),
    "scan: reviews without trusted keys": (("scan", *TARGET, "--checklist", "{checklist}", "--answers", "{good}",
                                            "--reviews", "{good}"), USAGE),
    "scan: answers of another outlet": (("scan", *TARGET, "--checklist", "{checklist}", "--answers", "{good}",
                                         "--outlet", "bao-thu"), USAGE),
    "seal: a missing evidence file": (("self-assess", "seal", "{missing}", "--checklist", "{checklist}",
                                       "-o", "{out}.yaml"), USAGE),
    "import-xlsx: a future date": (("self-assess", "import-xlsx", "{book_future}", "--checklist", "{checklist}",
                                    "-o", "{out}.yaml"), USAGE),
    "import-xlsx: a spreadsheet day number": (("self-assess", "import-xlsx", "{book_day_number}", "--checklist",
                                               "{checklist}", "-o", "{out}.yaml"), USAGE),
    "import-xlsx: evidence outside the folder": (("self-assess", "import-xlsx", "{book_outside}", "--checklist",
                                                  "{checklist}", "-o", "{out}.yaml"), USAGE),
    "import-xlsx: a missing evidence file": (("self-assess", "import-xlsx", "{book_missing}", "--checklist",
                                              "{checklist}", "-o", "{out}.yaml"), USAGE),
    "import-xlsx: not applicable without a reason": (("self-assess", "import-xlsx", "{book_na}", "--checklist",
                                                      "{checklist}", "-o", "{out}.yaml"), USAGE),
    "import-xlsx: a value outside the list, a row twice": (("self-assess", "import-xlsx", "{book_bad_value}",
                                                            "--checklist", "{checklist}", "-o", "{out}.yaml"), USAGE),
    "import-xlsx: another catalogue": (("self-assess", "import-xlsx", "{book}", "--checklist", "l3-starter",
                                        "-o", "{out}.yaml"), USAGE),
    "review: a rejection without a reason": (("self-assess", "review", "{sealed}", "--checklist", "{checklist}",
                                              "--requirement", "POL-01", "--decision", "rejected", "--reviewer", "Cục",
                                              "--key", "{key}", "-o", "{out}.json"), USAGE),
    "review: an unanswered requirement": (("self-assess", "review", "{sealed}", "--checklist", "{checklist}",
                                           "--requirement", "OPS-02", "--decision", "accepted", "--reviewer", "Cục",
                                           "--key", "{key}", "-o", "{out}.json"), USAGE),
    "export-xlsx: another catalogue's answers": (("self-assess", "export-xlsx", "--checklist", "{checklist}",
                                                  "--answers", "{other_pin}", "-o", "{out}.xlsx"), USAGE),
    "checklist lint: a typo in a fact": (("checklist", "lint", "{typo_checklist}"), USAGE),
    "checklist lint: warnings and an error": (("checklist", "lint", "{nodiac_checklist}"), USAGE),
    "checklist show: an unknown requirement": (("checklist", "show", "tcvn14423-2026-l3", "N3-SWA-1"), USAGE),
    "export: an unknown stored result": (("export", "999", "--db", "{out}.db", "-o", "{out}.json"), USAGE),
}

GOOD = {
    "check: good answers": ("self-assess", "check", "{sealed}", "--checklist", "{checklist}"),
    "questionnaire": ("self-assess", "questionnaire", "--checklist", "{checklist}", "-o", "{out}.yaml"),
    "export-xlsx: the template workbook": ("self-assess", "export-xlsx", "--checklist", "{checklist}", "-o", "{out}.xlsx"),
    "export-xlsx: with answers": ("self-assess", "export-xlsx", "--checklist", "{checklist}", "--answers", "{sealed}",
                                  "-o", "{out}.xlsx"),
    "import-xlsx: the template workbook": ("self-assess", "import-xlsx", "{book}", "--checklist", "{checklist}",
                                           "-o", "{out}.yaml"),
    "seal": ("self-assess", "seal", "{good}", "--checklist", "{checklist}", "-o", "{out}.yaml"),
    "review": ("self-assess", "review", "{sealed}", "--checklist", "{checklist}", "--requirement", "POL-01",
               "--decision", "accepted", "--reviewer", "Cục Báo chí", "--key", "{key}", "-o", "{out}.json"),
    "checklist lint: a shipped catalogue": ("checklist", "lint", "l3-starter"),
    "checklist show: a catalogue": ("checklist", "show", "l3-starter"),
    "checklist show: a requirement with checks": ("checklist", "show", "l3-starter", "L3-TLS-02"),
    "checklist show: a requirement and its crosswalk": ("checklist", "show", "tcvn11930-2017-l3", "L3-MGT-POL-01"),
    "checklist show: the other side of the crosswalk": ("checklist", "show", "tcvn14423-2026-l3", "N3-SWA-01"),
    "checklist crosswalk": ("checklist", "crosswalk"),
    "checklist coverage": ("checklist", "coverage"),
}


def _args(template: tuple[str, ...], folder: dict[str, Path], tmp_path: Path) -> list[str]:
    values = {**{k: str(v) for k, v in folder.items()}, "out": str(tmp_path / "out")}
    return [arg.format(**values) for arg in template]


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_each_error_is_one_vietnamese_line_and_a_nonzero_exit(case: str, folder: dict[str, Path], tmp_path: Path) -> None:
    args, expected = ERRORS[case]
    code, output = run_vi(*_args(args, folder, tmp_path))
    assert code == expected, output
    assert_vietnamese(output)
    if expected == USAGE:
        assert output.lstrip().startswith("lỗi:") or ": lỗi: " in output, output


@pytest.mark.parametrize("case", sorted(GOOD))
def test_each_command_speaks_vietnamese(case: str, folder: dict[str, Path], tmp_path: Path) -> None:
    code, output = run_vi(*_args(GOOD[case], folder, tmp_path))
    assert code == OK, output
    assert_vietnamese(output)


def test_the_errors_say_what_is_wrong_in_vietnamese(folder: dict[str, Path], tmp_path: Path) -> None:
    # Given the typical mistakes, Then each message names it in Vietnamese (not only "no English").
    said = {
        "future": "nằm trong tương lai", "day_number": "không phải là một trong các kiểu",
        "outside": "nằm ngoài thư mục của tệp trả lời", "other_pin": "nhưng cuộc đánh giá dùng 'sa-manual'",
        "na": "cần có lý do",
    }
    for name, words in said.items():
        output = invoke_vi("self-assess", "check", folder[name], "--checklist", folder["checklist"])
        assert words in output, output
    day = invoke_vi("self-assess", "import-xlsx", folder["book_day_number"], "--checklist", folder["checklist"],
                    "-o", tmp_path / "x.yaml")
    assert "45992 là một con số (số ngày của bảng tính?)" in day, day
    flagged = invoke_vi("self-assess", "check", folder["missing"], "--checklist", folder["checklist"])
    assert "khong-co.pdf: thiếu tệp" in flagged, flagged
    lint = invoke_vi("checklist", "lint", folder["typo_checklist"])
    assert "không có dữ kiện 'tls.protocls.TLSv1.0'" in lint and "có phải ý bạn là 'tls.protocols" in lint, lint
    shown = invoke_vi("checklist", "show", "l3-starter", "L3-TLS-02")
    assert "tls.protocols.TLSv1.0 bằng false" in shown and "Chỉ áp dụng khi" in shown, shown
    walk = invoke_vi("checklist", "show", "tcvn11930-2017-l3", "L3-MGT-POL-01")
    assert "Tương ứng trong tcvn14423-2026-l3" in walk, walk


def test_the_workbook_errors_are_all_listed_in_vietnamese(folder: dict[str, Path], tmp_path: Path) -> None:
    # Given a workbook with two problems, Then both are listed, each on its own Vietnamese line.
    output = invoke_vi("self-assess", "import-xlsx", folder["book_bad_value"], "--checklist", folder["checklist"],
                       "-o", tmp_path / "x.yaml")
    assert "'yes' không phải một giá trị được phép" in output and "xuất hiện hai lần" in output, output
    assert not (tmp_path / "x.yaml").exists()


def test_interactive_with_piped_input_speaks_vietnamese(folder: dict[str, Path], tmp_path: Path) -> None:
    # Given typed answers: a name, a bad choice, "implemented" with a missing then an outside then a real file,
    # "not applicable" (asked again without a reason), back, then quit.
    answers = tmp_path / "answers.yaml"
    (tmp_path / "quy-che.pdf").write_bytes(b"%PDF policy")
    typed = "\n".join([
        "Nguyễn Văn A",
        "7", "1", "Quy chế số 12", "khong-co.pdf", "../x.pdf", "quy-che.pdf", "",
        "Không áp dụng", "", "Không lưu dữ liệu tại chỗ", "", "",
        "b", "q",
    ]) + "\n"
    code, output = run_vi("self-assess", "interactive", "--checklist", folder["checklist"], "-f", answers,
                          input=typed)
    assert code == OK, output
    assert "không tìm thấy tệp bằng chứng 'khong-co.pdf'" in output and "nằm ngoài thư mục" in output, output
    assert "Đã trả lời 2/3 câu hỏi" in output, output
    assert_vietnamese(output)
    # When it is resumed with everything answered but one, Then the summary is Vietnamese too.
    code, output = run_vi("self-assess", "interactive", "--checklist", folder["checklist"], "-f", answers,
                          input="3\n\n\n")
    assert code == OK and "Đã trả lời 3/3 câu hỏi" in output, output
    assert_vietnamese(output)


def test_pending_english_texts_are_looked_for() -> None:
    # Guards the checks above: the pending texts (if any) are read, and the .po texts are there.
    assert all(isinstance(text, str) and text for text in PENDING_ENGLISH)
    assert english_in("answers are for checklist 'a', but the audit uses 'b'") or \
        any("but the audit uses" in text for text in PENDING_ENGLISH)
