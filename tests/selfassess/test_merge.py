"""Merging probe results, answers, reviews and waivers: conflicts, evidence hashes, the rule table."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest

from audit.selfassess.answers import Answer, AnswerValue, Decision, EvidenceItem, Review
from audit.demo.outlets import GOOD_HEADERS
from audit.demo.servers import SiteConfig
from audit.evaluation import judge_outlet, summarise
from audit.exitcodes import FINDINGS
from audit.selfassess.merge import merge_requirement
from audit.models import RequirementResult, Status
from audit.result import result_schema
from tests.selfassess.support import (
    invoke_en,
    WITH_PROBES,
    assess,
    fill,
    invoke,
    load,
    review,
    review_args,
    reviews_of,
    sign_decisions,
    write_checklist,
)

TODAY = dt.date(2026, 11, 26)


def test_an_answer_claiming_https_is_enforced_conflicts_with_a_probe_that_sees_plain_http(
        sites, ca_file, tmp_path: Path) -> None:
    # Given an HTTPS site whose plain-HTTP side serves content instead of redirecting ...
    target = sites.https("mau.test", SiteConfig(headers=GOOD_HEADERS), http=SiteConfig())
    checklist_file = write_checklist(tmp_path, WITH_PROBES)
    template = tmp_path / "t.yaml"
    invoke("self-assess", "questionnaire", "--checklist", checklist_file, "-o", template)
    # ... and an answer declaring that HTTPS is enforced (HTTP redirects to HTTPS), even accepted by a reviewer,
    answers = fill(template, tmp_path / "a.yaml", {"L3-WEB-01": {
        "answer": "implemented", "text": "Mọi truy cập HTTP đều chuyển sang HTTPS", "answered_by": "A",
        "review": review()}})
    out = tmp_path / "r.json"
    result = invoke("scan", f"mau.test:{target.port}", "--resolve", f"mau.test:{target.port}:{target.address}",
                    "--http-port", target.http_port, "--ca-file", ca_file, "--no-nmap", "--timeout", "3",
                    "--checklist", checklist_file, *review_args(answers), "--json", out)
    # When scanned, then the probe wins and the requirement is flagged as a conflict.
    assert result.exit_code == FINDINGS, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    web01 = next(r for r in data["requirements"] if r["requirement_id"] == "L3-WEB-01")
    assert web01["status"] == "fail" and web01["source"] == "probe"
    assert "declared 'implemented', but the probe found 'fail'; the probe wins" in web01["conflict"]
    assert "[conflict:" in web01["reason"] and web01["answer"]["answer"] == "implemented"
    assert data["summary"]["conflicts"] == ["L3-WEB-01"]
    assert data["summary"]["verdict"] == "not_compliant"
    jsonschema.validate(data, result_schema())


def test_evidence_that_no_longer_matches_its_hash_is_flagged_and_loses_its_acceptance(tmp_path: Path) -> None:
    checklist_file = write_checklist(tmp_path)
    checklist = load(tmp_path)
    template = tmp_path / "t.yaml"
    invoke("self-assess", "questionnaire", "--checklist", checklist_file, "-o", template)
    policy, logs = tmp_path / "quy-che.pdf", tmp_path / "backup.log"
    policy.write_bytes(b"v1")
    logs.write_bytes(b"ok")
    filled = fill(template, tmp_path / "f.yaml", {
        "POL-01": {"answer": "implemented", "evidence": [{"path": "quy-che.pdf"}]},
        "OPS-01": {"answer": "implemented", "evidence": [{"path": "backup.log"}]}})
    sealed = tmp_path / "s.yaml"
    invoke("self-assess", "seal", filled, "--checklist", checklist_file, "-o", sealed)
    sign_decisions(sealed, {"POL-01": review(), "OPS-01": review()}, None, reviews_of(sealed))  # the sealed file is reviewed
    assert invoke("self-assess", "check", sealed, "--checklist", checklist_file).exit_code == 0

    policy.write_bytes(b"v2 edited after the review")
    logs.unlink()
    check = invoke_en("self-assess", "check", sealed, "--checklist", checklist_file)
    assert check.exit_code == 1 and "file changed since the answer" in check.output and "file missing" in check.output

    results = judge_outlet(checklist, "bao-mau", {}, assess(checklist, [sealed], None, TODAY))
    by_id = {r.requirement_id: r.to_dict() for r in results}
    assert by_id["POL-01"]["status"] == "manual" and "needs a new review" in by_id["POL-01"]["reason"]
    assert by_id["POL-01"]["evidence_flags"] == ["quy-che.pdf: file changed since the answer (SHA-256 differs)"]
    assert by_id["OPS-01"]["evidence_flags"] == ["backup.log: file missing"]
    summary = summarise(checklist, results)
    assert summary["evidence_flagged"] == ["OPS-01", "POL-01"] and summary["verdict"] == "incomplete"


ACCEPTED = Review(Decision.ACCEPTED, "Cục", "2026-11-20")
REJECTED = Review(Decision.REJECTED, "Cục", "2026-11-20", "không có biên bản")


@pytest.mark.parametrize("probe, answer, review_, flags, expected, source, conflict", [
    # Only a person can decide (manual requirement, or 'both' with the automated part passed).
    (Status.MANUAL, None, None, (), Status.MANUAL, "manual", False),
    (Status.MANUAL, AnswerValue.IMPLEMENTED, None, (), Status.MANUAL, "answer", False),
    (Status.MANUAL, AnswerValue.IMPLEMENTED, ACCEPTED, (), Status.PASS, "review", False),
    (Status.MANUAL, AnswerValue.IMPLEMENTED, ACCEPTED, ("x: file missing",), Status.MANUAL, "answer", False),
    (Status.MANUAL, AnswerValue.IMPLEMENTED, REJECTED, (), Status.FAIL, "review", False),
    (Status.MANUAL, AnswerValue.PARTLY, ACCEPTED, (), Status.FAIL, "answer", False),
    (Status.MANUAL, AnswerValue.NOT_IMPLEMENTED, None, (), Status.FAIL, "answer", False),
    (Status.MANUAL, AnswerValue.NOT_APPLICABLE, None, (), Status.MANUAL, "answer", False),
    (Status.MANUAL, AnswerValue.NOT_APPLICABLE, ACCEPTED, (), Status.NOT_APPLICABLE, "review", False),
    (Status.MANUAL, AnswerValue.NOT_APPLICABLE, REJECTED, (), Status.MANUAL, "review", False),
    # A probe judged it: the probe wins, contradictions are flagged.
    (Status.FAIL, AnswerValue.IMPLEMENTED, ACCEPTED, (), Status.FAIL, "probe", True),
    (Status.FAIL, AnswerValue.NOT_APPLICABLE, None, (), Status.FAIL, "probe", True),
    (Status.FAIL, AnswerValue.PARTLY, None, (), Status.FAIL, "probe", False),
    (Status.PASS, AnswerValue.NOT_IMPLEMENTED, None, (), Status.PASS, "probe", True),
    (Status.PASS, AnswerValue.IMPLEMENTED, None, (), Status.PASS, "probe", False),
    # No measurement: an answer cannot stand in for the probe.
    (Status.ERROR, AnswerValue.IMPLEMENTED, ACCEPTED, (), Status.ERROR, "probe", False),
])
def test_merge_rules(probe: Status, answer, review_, flags, expected: Status, source: str, conflict: bool) -> None:
    base = RequirementResult("R-1", probe, "probe says so", (), "manual" if probe is Status.MANUAL else "probe")
    given = Answer("R-1", answer, "lý do" if answer is AnswerValue.NOT_APPLICABLE else "", "", (EvidenceItem(path="x"),),
                   "A", "2026-11-19", review_) if answer else None
    merged = merge_requirement(None, base, given, flags, [], TODAY)  # type: ignore[arg-type]
    assert (merged.status, merged.source, "conflict" in merged.to_dict()) == (expected, source, conflict)
    assert merged.to_dict()["probe_status"] == probe.value


def test_tailored_out_rows_are_left_alone() -> None:
    tailored = RequirementResult("R-1", Status.NOT_APPLICABLE, "not applicable (tailoring): no CMS", (), "tailoring")
    answer = Answer("R-1", AnswerValue.NOT_IMPLEMENTED)
    assert merge_requirement(None, tailored, answer, (), [], TODAY) is tailored  # type: ignore[arg-type]
