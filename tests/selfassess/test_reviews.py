"""Reviewer decisions in their own signed file: role reviewer, checked wherever applied, never the outlet's.

Scans here target a closed port in 127.14.60.0/24: each ends in 'error' quickly, or is refused (exit 2)
before any packet is sent.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

from audit.department.bundle import BundleError, sign_bundle, verify_bundle
from audit.department.keys import KeyFileError, generate_key, load_trusted_keys
from audit.evaluation import judge_outlet, summarise
from audit.exitcodes import OK, USAGE
from audit.result import write_json_atomic
from audit.selfassess.merge import load_self_assessment
from audit.selfassess.reviews import ReviewsError
from tests.department.support import make_result
from tests.selfassess.support import (
    invoke_en,
    fill,
    invoke,
    load,
    review,
    reviewer_key,
    reviews_of,
    trusted_keys_of,
    write_checklist,
)

TARGET = ("chet.test:1", "--resolve", "chet.test:1:127.14.60.1", "--no-nmap", "--timeout", "2")
TODAY = dt.date(2026, 11, 26)


def reviewed(tmp_path: Path, outlet: str | None = "bao-mau") -> tuple[Path, Path, Path]:
    """Answers of `outlet` with POL-01 and OPS-01 implemented, and a reviewer's signed acceptance of both."""
    checklist_file = write_checklist(tmp_path)
    template = tmp_path / "t.yaml"
    assert invoke("self-assess", "questionnaire", "--checklist", checklist_file, "-o", template).exit_code == OK
    ok = {"answer": "implemented", "review": review()}
    answers = fill(template, tmp_path / "a.yaml", {"POL-01": ok, "OPS-01": ok}, outlet=outlet)
    return checklist_file, answers, reviews_of(answers)


def verdict(tmp_path: Path, answers: Path, reviews: Path, trusted: Path) -> str:
    checklist = load(tmp_path)
    assessment = load_self_assessment(checklist, [answers], None, TODAY, [reviews], trusted, ["bao-mau"])
    return str(summarise(checklist, judge_outlet(checklist, "bao-mau", {}, assessment))["verdict"])


def test_signed_reviews_count_and_the_scan_records_them(tmp_path: Path) -> None:
    # Given answers and a reviewer's signed acceptance, when judged, then the mandatory rows pass.
    _, answers, reviews = reviewed(tmp_path)
    assert verdict(tmp_path, answers, reviews, trusted_keys_of(answers)) == "compliant"
    # Without the reviews the same answers await a decision.
    checklist = load(tmp_path)
    bare = summarise(checklist, judge_outlet(checklist, "bao-mau", {}, load_self_assessment(checklist, [answers])))
    assert bare["verdict"] == "incomplete"


def test_the_outlets_own_approval_in_its_answers_file_is_refused(tmp_path: Path) -> None:
    checklist_file, answers, _ = reviewed(tmp_path)
    data = yaml.safe_load(answers.read_text(encoding="utf-8"))
    data["answers"]["POL-01"]["review"] = review()
    data["answers"]["OPS-01"]["review"] = review()
    answers.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = invoke_en("scan", *TARGET, "--checklist", checklist_file, "--answers", answers, "--outlet", "bao-mau")
    text = result.output.replace("\n", " ")
    assert result.exit_code == USAGE, text
    # Both blocks are named, each with its line, and the hint says where decisions go.
    assert text.count("an outlet cannot approve its own answers") == 2 and "requirement OPS-01" in text
    assert "--reviews FILE --trusted-keys FILE" in text


def test_reviews_signed_by_an_outlet_key_are_refused(tmp_path: Path) -> None:
    _, answers, reviews = reviewed(tmp_path)
    entry = yaml.safe_load(trusted_keys_of(answers).read_text(encoding="utf-8"))
    entry["keys"][0]["role"] = "outlet"
    as_outlet = tmp_path / "as-outlet.yaml"
    as_outlet.write_text(yaml.safe_dump(entry), encoding="utf-8")
    with pytest.raises(ReviewsError, match="whose role is 'outlet'; a reviews file must be signed by a key with "
                                           "role 'reviewer'"):
        verdict(tmp_path, answers, reviews, as_outlet)
    del entry["keys"][0]["role"]  # an entry without a role is an outlet's key
    as_outlet.write_text(yaml.safe_dump(entry), encoding="utf-8")
    with pytest.raises(ReviewsError, match="role is 'outlet'"):
        verdict(tmp_path, answers, reviews, as_outlet)
    entry["keys"][0]["role"] = "boss"
    as_outlet.write_text(yaml.safe_dump(entry), encoding="utf-8")
    with pytest.raises(ReviewsError, match="unknown role 'boss'"):
        verdict(tmp_path, answers, reviews, as_outlet)


@pytest.mark.parametrize("tamper", ["decision", "answers"])
def test_a_changed_reviews_file_or_changed_answers_are_refused(tmp_path: Path, tamper: str) -> None:
    _, answers, reviews = reviewed(tmp_path)
    if tamper == "decision":
        doc = json.loads(reviews.read_text(encoding="utf-8"))
        doc["payload"]["decisions"]["OPS-01"]["decision"] = "accepted"
        doc["payload"]["decisions"]["OPS-02"] = review()
        reviews.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        match = "the signature does not match the content"
    else:  # the outlet edits its answers after the review
        answers.write_text(answers.read_text(encoding="utf-8").replace("implemented", "partly", 1), encoding="utf-8")
        match = "the answers changed after the review"
    with pytest.raises(ReviewsError, match=match):
        verdict(tmp_path, answers, reviews, trusted_keys_of(answers))


def test_reviews_for_another_outlet_are_refused_naming_both(tmp_path: Path) -> None:
    checklist_file, answers, reviews = reviewed(tmp_path, outlet="bao-thu")
    trusted = trusted_keys_of(answers)
    result = invoke_en("scan", *TARGET, "--checklist", checklist_file, "--answers", answers, "--reviews", reviews,
                    "--trusted-keys", trusted, "--outlet", "bao-mau")
    text = result.output.replace("\n", " ")
    assert result.exit_code == USAGE, text
    assert "outlet 'bao-thu'" in text and "outlet 'bao-mau'" in text


def test_reviews_need_trusted_keys_and_answers(tmp_path: Path) -> None:
    checklist_file, answers, reviews = reviewed(tmp_path)
    result = invoke_en("scan", *TARGET, "--checklist", checklist_file, "--answers", answers, "--reviews", reviews,
                    "--outlet", "bao-mau")
    assert result.exit_code == USAGE and "--reviews needs --trusted-keys" in result.output.replace("\n", " ")
    result = invoke_en("scan", *TARGET, "--checklist", checklist_file, "--reviews", reviews,
                    "--trusted-keys", trusted_keys_of(answers), "--outlet", "bao-mau")
    assert result.exit_code == USAGE and "--reviews without --answers" in result.output.replace("\n", " ")


def test_a_reviewer_outside_its_outlets_is_refused(tmp_path: Path) -> None:
    _, answers, reviews = reviewed(tmp_path)
    entry = yaml.safe_load(trusted_keys_of(answers).read_text(encoding="utf-8"))
    entry["keys"][0]["outlets"] = ["bao-khac"]
    narrow = tmp_path / "narrow.yaml"
    narrow.write_text(yaml.safe_dump(entry), encoding="utf-8")
    with pytest.raises(ReviewsError, match="may not review for outlet 'bao-mau'"):
        verdict(tmp_path, answers, reviews, narrow)


def test_review_command_signs_with_a_reviewer_key_and_applies_through_scan(tmp_path: Path) -> None:
    checklist_file, answers, _ = reviewed(tmp_path)
    made = invoke("keys", "generate", "--name", "cuc", "--dir", tmp_path / "k", "--role", "reviewer")
    assert made.exit_code == OK, made.output
    assert load_trusted_keys(tmp_path / "k" / "cuc.pub.yaml").popitem()[1].role == "reviewer"
    out = tmp_path / "cuc.reviews.json"
    rejected = invoke("self-assess", "review", answers, "--checklist", checklist_file, "--requirement", "OPS-01",
                      "--decision", "rejected", "--reviewer", "Cục", "--key", tmp_path / "k" / "cuc.key", "-o", out)
    assert rejected.exit_code == USAGE and "từ chối cần có --reason" in rejected.output
    result = invoke("self-assess", "review", answers, "--checklist", checklist_file, "--requirement", "POL-01",
                    "--requirement", "OPS-01", "--decision", "accepted", "--reviewer", "Cục",
                    "--key", tmp_path / "k" / "cuc.key", "-o", out)
    assert result.exit_code == OK, result.output
    scan = invoke("scan", *TARGET, "--checklist", checklist_file, "--answers", answers, "--reviews", out,
                  "--trusted-keys", tmp_path / "k" / "cuc.pub.yaml", "--outlet", "bao-mau", "--json", tmp_path / "r.json")
    assert scan.exit_code == OK, scan.output
    rows = {r["requirement_id"]: r for r in json.loads((tmp_path / "r.json").read_text())["requirements"]}
    assert rows["POL-01"]["status"] == "pass" and rows["POL-01"]["source"] == "review"
    assert rows["POL-01"]["answer"]["review"]["reviewer"] == "Cục"
    # Extending a file signed by another key is refused.
    other, _ = reviewer_key(tmp_path / "other", "khac")
    again = invoke_en("self-assess", "review", answers, "--checklist", checklist_file, "--requirement", "POL-01",
                   "--decision", "accepted", "--reviewer", "Khác", "--key", other, "--add-to", out,
                   "-o", tmp_path / "x.json")
    assert again.exit_code == USAGE and "same --key" in again.output.replace("\n", " ")


def test_a_reviewer_key_cannot_sign_a_bundle_and_old_entries_stay_outlet_keys(tmp_path: Path) -> None:
    result = tmp_path / "bao-a.json"
    write_json_atomic(result, make_result("bao-a", {"L3-TLS-01": "pass"}, "2026-11-01T09:00:00+00:00"))
    key, public, _ = generate_key(tmp_path / "keys", "cuc", ("*",), "reviewer")
    bundle = tmp_path / "b.json"
    sign_bundle(result, key, bundle, "Cục")
    with pytest.raises(BundleError, match="whose role is 'reviewer'; a bundle must be signed by a key with role "
                                          "'department' or 'outlet'"):
        verify_bundle(bundle, load_trusted_keys(public))
    entry = yaml.safe_load(public.read_text(encoding="utf-8"))
    del entry["keys"][0]["role"]  # a trusted-keys file written before roles: the key is an outlet's
    public.write_text(yaml.safe_dump(entry), encoding="utf-8")
    assert verify_bundle(bundle, load_trusted_keys(public)).signer.role == "outlet"
    with pytest.raises(KeyFileError, match="unknown role"):
        generate_key(tmp_path / "keys", "x", ("*",), "boss")


def test_a_signed_reviews_file_outside_its_schema_is_refused_in_the_commands_language(tmp_path: Path) -> None:
    """Each schema problem of a well-signed reviews file said from the catalogue (not jsonschema's English)."""
    from audit.department.keys import load_private_key
    from audit.department.signing import sign_document
    from audit.i18n import error_text

    _, answers, reviews = reviewed(tmp_path)
    doc = json.loads(reviews.read_text(encoding="utf-8"))
    doc["payload"]["decisions"]["OPS-01"]["decision"] = "maybe"
    doc["payload"]["surprise"] = 1
    private, _ = reviewer_key(answers.parent / "reviewer-keys")
    reviews.write_text(json.dumps(sign_document(doc["format"], doc["payload"], load_private_key(private))),
                       encoding="utf-8")
    with pytest.raises(ReviewsError) as caught:
        verdict(tmp_path, answers, reviews, trusted_keys_of(answers))
    english, vietnamese = str(caught.value), error_text(caught.value, "vi")
    assert "(top): " in english and "decisions/OPS-01/decision: " in english, english  # the log stays English
    assert "decisions/OPS-01/decision" in vietnamese and "(gốc)" in vietnamese, vietnamese
    assert "is not one of" not in vietnamese and "Additional properties" not in vietnamese, vietnamese
