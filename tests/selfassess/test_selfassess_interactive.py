"""The interactive self-assessment: question by question, saved after each answer, resumable."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from audit.selfassess.answers import load_answers, sha256_file
from audit.evaluation import judge_outlet, summarise
from audit.exitcodes import OK, USAGE
from tests.selfassess.support import assess, fill, invoke, invoke_en, load, review, write_checklist


def test_given_answers_typed_in_two_sessions_then_the_file_resumes_and_gives_a_verdict(tmp_path: Path) -> None:
    checklist_file = write_checklist(tmp_path)
    checklist = load(tmp_path)
    answers = tmp_path / "answers.yaml"
    policy = tmp_path / "quy-che.pdf"
    policy.write_bytes(b"%PDF policy v1")
    # Session 1: answer the first question (with a missing file retried, then a real one and a URL), then quit.
    first = "\n".join([
        "Nguyễn Văn A",                       # who
        "implemented", "Quy chế số 12",       # POL-01 answer, text
        "khong-co.pdf", str(policy.name), "https://baomau.vn/quy-che", "",  # evidence (bad one retried)
        "quit",
    ]) + "\n"
    result = invoke("self-assess", "interactive", "--checklist", checklist_file, "-f", answers, "--outlet", "bao-mau",
                    input=first)
    assert result.exit_code == OK, result.output
    assert "Có quy chế bảo đảm an toàn thông tin" in result.output and "Quyết định ban hành quy chế" in result.output
    assert "không tìm thấy tệp bằng chứng 'khong-co.pdf'" in result.output  # said in the session's language
    saved = load_answers(answers, checklist)
    pol = saved.get("POL-01")
    assert pol is not None and pol.answered_by == "Nguyễn Văn A" and pol.text == "Quy chế số 12"
    assert pol.evidence[0].sha256 == sha256_file(policy) and pol.evidence[1].url == "https://baomau.vn/quy-che"
    assert saved.get("OPS-01") is None and saved.outlet == "bao-mau"

    # Session 2 resumes at the next unanswered question.
    second = "\n".join([  # noqa: FLY002 - one typed line per prompt
        "not_applicable", "", "Không lưu dữ liệu tại chỗ (dùng dịch vụ đám mây)", "", "",  # OPS-01 (justification asked twice)
        "not_implemented", "", "",                                                    # OPS-02
    ]) + "\n"
    result = invoke("self-assess", "interactive", "--checklist", checklist_file, "-f", answers, "--by", "B",
                    input=second)
    assert result.exit_code == OK, result.output
    assert "1/3" in result.output  # one of three answered before this session
    saved = load_answers(answers, checklist)
    assert saved.get("OPS-01").justification.startswith("Không lưu dữ liệu")
    assert saved.get("POL-01").answered_by == "Nguyễn Văn A"  # earlier answers kept

    # A third session has nothing left to ask.
    result = invoke("self-assess", "interactive", "--checklist", checklist_file, "-f", answers)
    assert result.exit_code == OK and "3/3" in result.output

    # The reviewer accepts both; the optional OPS-02 fails but the verdict only gates mandatory rows.
    reviewed = fill(answers, tmp_path / "reviewed.yaml", {"POL-01": {"review": review()},
                                                            "OPS-01": {"review": review()}})
    assessment = assess(checklist, [reviewed], None, dt.date(2026, 11, 26))
    results = judge_outlet(checklist, "bao-mau", {}, assessment)
    summary = summarise(checklist, results)
    assert {r.requirement_id: r.status.value for r in results} == {
        "POL-01": "pass", "OPS-01": "not_applicable", "OPS-02": "fail"}
    assert summary["verdict"] == "compliant"


def test_given_an_answers_file_of_another_catalogue_then_interactive_refuses_to_resume(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    invoke("self-assess", "questionnaire", "--checklist", write_checklist(tmp_path, version="1"), "-o", answers)
    before = answers.read_bytes()
    result = invoke_en("self-assess", "interactive", "--checklist", write_checklist(tmp_path, version="2", name="v2.yaml"),
                    "-f", answers, input="A\n")
    assert result.exit_code == USAGE and "version 1" in result.output
    assert answers.read_bytes() == before
    assert yaml.safe_load(before)["checklist"]["version"] == "1"


def test_given_numbers_labels_back_and_skip_then_answers_are_saved_and_a_summary_shown(tmp_path: Path) -> None:
    checklist_file = write_checklist(tmp_path)
    checklist = load(tmp_path)
    answers = tmp_path / "answers.yaml"
    # Given: a name, "1" for POL-01, then back to POL-01 and "Chưa triển khai" typed in Vietnamese,
    # a wrong word (asked again), skip OPS-01, quit at OPS-02.
    typed = "\n".join(["Nguyễn Văn A", "1", "", "", "b", "chưa triển khai", "", "", "xyz", "s", "q"]) + "\n"
    result = invoke("self-assess", "interactive", "--checklist", checklist_file, "-f", answers, input=typed)
    assert result.exit_code == OK, result.output
    assert "1. Đã triển khai" in result.output and "Hãy gõ số 1–4" in result.output
    saved = load_answers(answers, checklist)
    assert saved.get("POL-01").answer.value == "not_implemented" and saved.get("OPS-01") is None
    # Then the summary gives the count per group and the mandatory rows still open
    assert "Đã trả lời 1/3 câu hỏi" in result.output and "Yêu cầu bắt buộc chưa trả lời" in result.output
    # When resuming, the name is not asked again and the counter goes on from the file's position
    again = invoke("self-assess", "interactive", "--checklist", checklist_file, "-f", answers, "--lang", "en",
                   input="2\n\n\nq\n")
    assert again.exit_code == OK, again.output
    assert "[2/3]" in again.output and "Who is answering" not in again.output and "1. Implemented" in again.output
    assert load_answers(answers, checklist).get("OPS-01").answered_by == "Nguyễn Văn A"
