"""Self-assessment through the YAML template: questionnaire -> answers -> verdict, and bad answers files."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from audit.i18n import error_text
from audit.selfassess.answers import AnswersError, load_answers
from audit.demo.outlets import GOOD_HEADERS
from audit.demo.servers import SiteConfig, security_txt_files
from audit.evaluation import judge_outlet, summarise
from audit.exitcodes import OK, USAGE
from audit.selfassess.merge import load_self_assessment
from audit.selfassess.questionnaire import questions
from audit.result import result_schema
from tests.selfassess.support import (
    invoke_en,
    WITH_PROBES,
    fill,
    invoke,
    load,
    assess,
    review,
    review_args,
    reviewer_key,
    write_checklist,
)


def verdict(checklist, answers: Path) -> dict:
    """Judge a manual-only catalogue from answers alone (no probe needed)."""
    assessment = assess(checklist, [answers], None, dt.date(2026, 11, 26))
    return summarise(checklist, judge_outlet(checklist, "bao-mau", {}, assessment))


def questionnaire(tmp_path: Path, checklist_file: Path) -> Path:
    out = tmp_path / "template.yaml"
    result = invoke("self-assess", "questionnaire", "--checklist", checklist_file, "-o", out)
    assert result.exit_code == OK, result.output
    return out


def test_given_a_catalogue_then_one_bilingual_question_per_manual_or_both_requirement(tmp_path: Path) -> None:
    checklist = load(tmp_path, WITH_PROBES)
    qs = questions(checklist)
    assert sorted(q.requirement_id for q in qs) == ["POL-01", "WEB-HSTS-PLAN"]  # automated starter rows are not asked
    template = questionnaire(tmp_path, write_checklist(tmp_path, WITH_PROBES))
    text = template.read_text(encoding="utf-8")
    assert "Quyết định ban hành quy chế / The decision issuing the policy" in text
    assert "VI: Có quy chế bảo đảm an toàn thông tin" in text and "EN: An information security policy exists" in text
    # The untouched template is a valid answers file with nothing answered yet.
    answers = load_answers(template, checklist)
    assert answers.get("POL-01") is None and set(answers.answers) == {"POL-01", "WEB-HSTS-PLAN"}


def test_yaml_round_trip_reaches_compliant_only_with_accepted_evidence(tmp_path: Path) -> None:
    checklist_file = write_checklist(tmp_path)
    checklist = load(tmp_path)
    template = questionnaire(tmp_path, checklist_file)
    (tmp_path / "quy-che.pdf").write_bytes(b"%PDF policy")
    (tmp_path / "backup.log").write_text("2026-11-25 ok\n")
    given = {
        "POL-01": {"answer": "implemented", "text": "Quyết định 12/QĐ", "evidence": [{"path": "quy-che.pdf"}],
                   "answered_by": "Nguyễn Văn A"},
        "OPS-01": {"answer": "implemented", "evidence": [{"path": "backup.log"}], "answered_by": "Nguyễn Văn A"},
    }
    filled = fill(template, tmp_path / "filled.yaml", given)
    sealed = tmp_path / "sealed.yaml"
    result = invoke("self-assess", "seal", filled, "--checklist", checklist_file, "-o", sealed)
    assert result.exit_code == OK, result.output
    data = yaml.safe_load(sealed.read_text(encoding="utf-8"))
    assert len(data["answers"]["POL-01"]["evidence"][0]["sha256"]) == 64
    assert data["answers"]["POL-01"]["answered_at"]

    # Declared but not reviewed: not enough for a verdict.
    summary = verdict(checklist, sealed)
    assert summary["verdict"] == "incomplete" and summary["mandatory_open"] == ["OPS-01", "POL-01"]

    # The reviewer decides in a file of their own, signed with their key; a second decision is added to it.
    key, trusted = reviewer_key(tmp_path / "keys")
    before = sealed.read_bytes()
    first, reviews = tmp_path / "r1.json", tmp_path / "reviews.json"
    for req_id, previous, out in (("POL-01", (), first), ("OPS-01", ("--add-to", first), reviews)):
        result = invoke("self-assess", "review", sealed, "--checklist", checklist_file, "--requirement", req_id,
                        "--decision", "accepted", "--reviewer", "Cục Báo chí", "--key", key, *previous, "-o", out)
        assert result.exit_code == OK, result.output
    assert sealed.read_bytes() == before  # the outlet's answers are not touched
    signed = json.loads(reviews.read_text(encoding="utf-8"))
    assert signed["format"] == "l3audit/reviews/v1" and sorted(signed["payload"]["decisions"]) == ["OPS-01", "POL-01"]
    assert signed["payload"]["answers"]["sha256"] == hashlib.sha256(before).hexdigest()
    summary = summarise(checklist, judge_outlet(checklist, "bao-mau", {}, load_self_assessment(
        checklist, [sealed], None, dt.date(2026, 11, 26), [reviews], trusted)))
    assert summary["verdict"] == "compliant"  # OPS-02 is optional and unanswered
    assert summary["coverage_percent"] == pytest.approx(66.7)

    # The reviewer rejects the backup evidence: the mandatory requirement fails.
    rejected = fill(sealed, tmp_path / "rejected.yaml", {"POL-01": {"review": review()},
                                                         "OPS-01": {"review": review(decision="rejected",
                                                                                     reason="no restore test")}})
    summary = verdict(checklist, rejected)
    assert summary["verdict"] == "not_compliant" and summary["mandatory_failed"] == ["OPS-01"]


def test_scan_with_answers_explains_each_requirement(sites, ca_file, tmp_path: Path) -> None:
    checklist_file = write_checklist(tmp_path, WITH_PROBES)
    template = questionnaire(tmp_path, checklist_file)
    answers = fill(template, tmp_path / "a.yaml", {
        "POL-01": {"answer": "implemented", "answered_by": "A", "review": review()},
        "WEB-HSTS-PLAN": {"answer": "implemented", "answered_by": "A", "review": review()},
    })
    target = sites.https("tot.test", SiteConfig(headers=GOOD_HEADERS, files=security_txt_files()), http_redirect=True)
    out = tmp_path / "r.json"
    result = invoke("scan", f"tot.test:{target.port}", "--resolve", f"tot.test:{target.port}:{target.address}",
                    "--http-port", target.http_port, "--ca-file", ca_file, "--no-nmap", "--timeout", "3",
                    "--checklist", checklist_file, *review_args(answers), "--json", out)
    assert result.exit_code == OK, result.output
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    by_id = {r["requirement_id"]: r for r in data["requirements"]}
    assert by_id["POL-01"]["status"] == "pass" and by_id["POL-01"]["source"] == "review"
    assert by_id["WEB-HSTS-PLAN"]["status"] == "pass" and by_id["WEB-HSTS-PLAN"]["probe_status"] == "manual"
    assert by_id["L3-TLS-01"]["source"] == "probe"
    assert data["summary"]["verdict"] == "compliant"
    jsonschema.validate(data, result_schema())
    score = data["summary"]["score"]
    assert score["model"] == "l3audit-score/1" and score["percent"] == 100.0
    assert score["requirements"]["POL-01"]["points"] == 7


@pytest.mark.parametrize("edit, message", [
    (lambda d: d["answers"].update({"POL-99": {"answer": "implemented"}}),
     "unknown requirement id 'POL-99' in checklist 'sa-manual' (hint: did you mean 'POL-01'?)"),
    (lambda d: d["answers"]["POL-01"].update({"answer": "not_applicable"}),
     "requirement POL-01: 'not_applicable' needs a justification"),
    (lambda d: d["answers"]["POL-01"].update({"answer": "yes"}),
     "answers.POL-01.answer: 'yes' is not one of"),
    (lambda d: d["answers"]["POL-01"].update({"answer": "implemented", "review": review()}),
     "requirement POL-01: a 'review' block in an outlet's answers file: an outlet cannot approve its own answers"),
])
def test_bad_answers_are_refused_with_a_located_error_and_left_unchanged(tmp_path: Path, edit, message: str) -> None:
    checklist_file = write_checklist(tmp_path)
    template = questionnaire(tmp_path, checklist_file)
    data = yaml.safe_load(template.read_text(encoding="utf-8"))
    edit(data)
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    before = bad.read_bytes()
    with pytest.raises(AnswersError) as caught:
        load_answers(bad, load(tmp_path))
    assert message in str(caught.value) and str(caught.value).startswith(f"{bad}:")
    # Through the CLI: exit 2 before any packet is sent (the target does not even exist).
    result = invoke("scan", "chet.test:1", "--resolve", "chet.test:1:127.0.0.254", "--no-nmap",
                    "--checklist", checklist_file, "--answers", bad)
    # the CLI says the same error in the command's language (Vietnamese, as conftest pins it)
    assert result.exit_code == USAGE and " ".join(error_text(caught.value, "vi").split()) in " ".join(result.output.split())
    assert bad.read_bytes() == before


def test_answers_for_another_catalogue_version_are_refused(tmp_path: Path) -> None:
    template = questionnaire(tmp_path, write_checklist(tmp_path, version="1"))
    newer = load(tmp_path, version="2")
    with pytest.raises(AnswersError) as caught:
        load_answers(template, newer)
    text = str(caught.value)
    assert f"{template}:" in text and "answers are for 'sa-manual' version 1" in text and "uses version 2" in text
    assert "self-assess questionnaire" in text


def test_outputs_never_overwrite_an_existing_file(tmp_path: Path) -> None:
    checklist_file = write_checklist(tmp_path)
    existing = tmp_path / "answers.yaml"
    existing.write_text("mine\n")
    result = invoke("self-assess", "questionnaire", "--checklist", checklist_file, "-o", existing)
    assert result.exit_code == USAGE and "không ghi đè" in result.output
    assert existing.read_text() == "mine\n"


def test_questionnaire_of_a_tailored_shipped_catalogue(tmp_path: Path) -> None:
    from audit.catalogue.loader import load_checklist
    from audit.catalogue.tailoring import tailor_checklist

    tailoring = tmp_path / "tailoring.yaml"
    tailoring.write_text(
        "schema: l3audit/tailoring/v1\nid: bao-mau\nchecklist: tcvn11930-2017-l3\nlevel: 3\nnot_applicable:\n"
        "  - id: L3-MGT-POL-01\n    justification: {vi: \"Thử nghiệm\", en: \"Test\"}\n", encoding="utf-8")
    out = tmp_path / "q.yaml"
    result = invoke("self-assess", "questionnaire", "--tailoring", tailoring, "-o", out)
    assert result.exit_code == OK, result.output
    tailored = tailor_checklist(tailoring)
    untailored = load_checklist("tcvn11930-2017-l3")
    answers = load_answers(out, tailored)
    assert "L3-MGT-POL-01" not in answers.answers
    assert len(answers.answers) == len(questions(untailored)) - 1
    with pytest.raises(AnswersError, match="generate a new questionnaire"):
        load_answers(out, untailored)  # same version, other content hash: the tailoring changed the questions


def test_run_applies_each_outlets_own_answers_and_refuses_an_unnamed_file(tmp_path: Path) -> None:
    checklist_file = write_checklist(tmp_path)
    inventory = tmp_path / "outlets.yaml"
    inventory.write_text("schema: l3audit/inventory/v1\noutlets:\n"
                         "  - {id: bao-mau, name: Báo Mẫu, sites: ['https://mau.test:1']}\n"
                         "  - {id: bao-khac, name: Báo Khác, sites: ['https://khac.test:1']}\n", encoding="utf-8")
    template = questionnaire(tmp_path, checklist_file)
    ok = {"answer": "implemented", "review": review()}
    mau = fill(template, tmp_path / "mau.yaml", {"POL-01": ok, "OPS-01": ok}, outlet="bao-mau")
    khac = fill(template, tmp_path / "khac.yaml", {"POL-01": ok, "OPS-01": {"answer": "not_implemented"}},
                outlet="bao-khac")
    out = tmp_path / "out"
    result = invoke("run", inventory, "--out", out, "--checklist", checklist_file, "--no-nmap",
                    *review_args(mau, khac))
    verdicts = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))["summary"]["verdict"]
                for p in out.glob("bao-*.json")}
    assert verdicts == {"bao-mau": "compliant", "bao-khac": "not_compliant"}, result.output
    unnamed = fill(template, tmp_path / "unnamed.yaml", {"POL-01": ok})
    result = invoke_en("run", inventory, "--out", tmp_path / "out2", "--checklist", checklist_file, "--answers", unnamed)
    assert result.exit_code == USAGE and "names no outlet" in result.output
