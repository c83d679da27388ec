"""Scoring model l3audit-score/1: points per requirement and group, coverage beside each percentage, re-scoring."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest

from audit.errors import ResultError
from audit.evaluation import judge_outlet, summarise
from audit.models import RequirementResult, Status
from audit.result import result_schema
from audit.scoring import SCORING_MODEL, requirement_points, rescore, score
from tests.selfassess.support import assess, fill, invoke, load, review, write_checklist

TODAY = dt.date(2026, 11, 26)


def judged(tmp_path: Path, answers: dict) -> tuple:
    checklist_file = write_checklist(tmp_path)
    checklist = load(tmp_path)
    template = tmp_path / "t.yaml"
    invoke("self-assess", "questionnaire", "--checklist", checklist_file, "-o", template)
    filled = fill(template, tmp_path / "a.yaml", answers)
    results = judge_outlet(checklist, "bao-mau", {}, assess(checklist, [filled], None, TODAY))
    return checklist, results


@pytest.mark.parametrize("severity, status, credit, expected", [
    ("critical", "pass", "", (10.0, 10, True)),
    ("high", "fail", "", (0.0, 7, True)),
    ("critical", "fail", "partial", (5.0, 10, True)),
    ("medium", "waived", "", (0.0, 4, True)),
    ("low", "manual", "", (0.0, 2, False)),
    ("low", "error", "", (0.0, 2, False)),
    ("info", "not_applicable", "", (0.0, 0, False)),
])
def test_points_per_requirement(severity: str, status: str, credit: str, expected: tuple) -> None:
    assert requirement_points(severity, status, credit) == expected


def test_group_and_total_scores_carry_their_coverage(tmp_path: Path) -> None:
    checklist, results = judged(tmp_path, {
        "POL-01": {"answer": "implemented", "review": review()},          # high: 7/7
        "OPS-01": {"answer": "partly", "review": review()},               # critical, partial: 5/10
    })                                                                     # OPS-02 (medium) unanswered: not counted
    summary = summarise(checklist, results)
    s = summary["score"]
    assert (s["points"], s["max_points"], s["percent"]) == (12.0, 17, 70.6)
    assert (s["determined"], s["applicable"], s["coverage_percent"]) == (2, 3, 66.7)
    assert s["groups"]["policy"] == {"points": 7.0, "max_points": 7, "determined": 1, "applicable": 1,
                                     "percent": 100.0, "coverage_percent": 100.0}
    assert s["groups"]["ops"]["percent"] == 50.0 and s["groups"]["ops"]["coverage_percent"] == 50.0
    assert s["requirements"]["OPS-02"] == {"group": "ops", "status": "manual", "points": 0.0, "max_points": 4,
                                           "counted": False}
    assert s["model"] == SCORING_MODEL == summary["scoring_model"] and s["checklist_hash"] == checklist.content_hash
    # The existing summary keys are still there, with their meaning.
    assert summary["pass_percent"] == 50.0 and summary["coverage_percent"] == 66.7 and summary["total"] == 3


def test_rescoring_a_stored_result_gives_the_same_numbers(tmp_path: Path) -> None:
    checklist, results = judged(tmp_path, {
        "POL-01": {"answer": "implemented", "review": review()},
        "OPS-01": {"answer": "partly", "review": review()},
        "OPS-02": {"answer": "not_implemented"},
    })
    summary = summarise(checklist, results)
    stored = json.loads(json.dumps({  # what a result file keeps, after a JSON round trip
        "checklist": {"id": checklist.id, "version": checklist.version, "content_hash": checklist.content_hash},
        "requirements": [r.to_dict() for r in results],
        "summary": summary,
    }))
    assert rescore(stored, load(tmp_path)) == json.loads(json.dumps(summary))

    other = load(tmp_path, version="2")
    with pytest.raises(ResultError, match="load the catalogue version the result names"):
        rescore(stored, other)
    stored["summary"]["scoring_model"] = "l3audit-score/0"
    with pytest.raises(ResultError, match="scored with model 'l3audit-score/0'"):
        rescore(stored, checklist)


def test_rescoring_a_result_stored_before_scoring_existed_uses_the_current_model(tmp_path: Path) -> None:
    checklist = load(tmp_path)
    old = {"checklist": {"content_hash": checklist.content_hash},
           "requirements": [{"requirement_id": "POL-01", "status": "pass"}, {"requirement_id": "OPS-01", "status": "fail"},
                            {"requirement_id": "OPS-02", "status": "not_applicable"}],
           "summary": {"verdict": "not_compliant"}}
    summary = rescore(old, checklist)
    assert summary["score"]["percent"] == round(100 * 7 / 17, 1) and summary["verdict"] == "not_compliant"


def test_score_without_determined_requirements_is_none_not_zero(tmp_path: Path) -> None:
    checklist = load(tmp_path)
    s = score(checklist, [RequirementResult(r.id, Status.MANUAL, "", (), "manual").to_dict()
                          for r in checklist.requirements])
    assert s["percent"] is None and s["coverage_percent"] == 0.0


def test_summary_with_scoring_fits_the_result_schema(tmp_path: Path) -> None:
    checklist, results = judged(tmp_path, {"POL-01": {"answer": "implemented", "review": review()}})
    summary_schema = result_schema()["properties"]["summary"]
    requirement_schema = result_schema()["properties"]["requirements"]["items"]
    jsonschema.validate(summarise(checklist, results), summary_schema)
    for r in results:
        jsonschema.validate(r.to_dict(), requirement_schema)
