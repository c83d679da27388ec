"""OSCAL export: the assessment-results document validates against NIST's OSCAL JSON schema.

Given stored results (pass, fail, waiver, self-assessment answer, offline site), when exported as
OSCAL, then the document is valid OSCAL 1.x assessment-results and maps statuses as documented.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from audit.catalogue.loader import load_checklist
from audit.report.oscal import build_oscal

GOLDEN = Path(__file__).resolve().parents[1] / "golden"


def _oscal_validator() -> jsonschema.Draft7Validator:
    text = (GOLDEN / "oscal" / "oscal_complete_schema.json").read_text(encoding="utf-8")
    # Python's re has no \p{..} classes: translate to the equivalent Unicode-aware classes.
    text = text.replace("\\\\p{L}", "[^\\\\W\\\\d_]").replace("\\\\p{N}", "\\\\d")
    schema = json.loads(text)
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft7Validator:
    return _oscal_validator()


def _load(name: str) -> dict[str, Any]:
    return json.loads((GOLDEN / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", ["result-hostile.json", "result-good.json", "result-offline.json"])
def test_oscal_export_is_valid_against_the_oscal_schema(validator, name: str) -> None:
    doc = build_oscal(_load(name), load_checklist(str(GOLDEN / "golden-checklist.yaml")), "vi")
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}" for e in errors[:5])


def test_the_schema_translation_keeps_token_patterns_strict(validator) -> None:
    # Given a finding whose target id is not an OSCAL token, then the schema rejects it (the
    # translated patterns still bite).
    doc = build_oscal(_load("result-good.json"), None, "en")
    doc["assessment-results"]["results"][0]["findings"][0]["target"]["target-id"] = "9 bad id"
    assert list(validator.iter_errors(doc))


def test_statuses_map_to_findings_observations_and_approved_deviations() -> None:
    doc = build_oscal(_load("result-hostile.json"), load_checklist(str(GOLDEN / "golden-checklist.yaml")), "en")
    result = doc["assessment-results"]["results"][0]
    by_target = {f["target"]["target-id"]: f for f in result["findings"]}
    assert by_target["L3-TLS-01"]["target"]["status"] == {"state": "satisfied", "reason": "pass"}
    assert by_target["L3-TLS-02"]["target"]["status"]["state"] == "not-satisfied"
    waived = by_target["L3-WEB-04"]
    risk = {r["uuid"]: r for r in result["risks"]}[waived["related-risks"][0]["risk-uuid"]]
    assert risk["status"] == "deviation-approved"
    observation = {o["uuid"]: o for o in result["observations"]}[by_target["L3-TLS-02"]["related-observations"][0]["observation-uuid"]]
    assert observation["methods"] == ["TEST"]
    assert any(e["href"].startswith("tap-chi-mau-chua-dat.json#/probe_attempts/") for e in observation["relevant-evidence"])


def test_an_offline_site_is_never_exported_as_a_failure() -> None:
    doc = build_oscal(_load("result-offline.json"), None, "en")
    findings = doc["assessment-results"]["results"][0]["findings"]
    errors = [f for f in findings if any(p["value"] == "error" for p in f["props"] if p["name"] == "status")]
    assert errors and all(f["target"]["status"]["reason"] == "other" for f in errors)


def test_the_same_result_exports_the_same_document() -> None:
    data = _load("result-hostile.json")
    assert build_oscal(data, None, "vi") == build_oscal(json.loads(json.dumps(data)), None, "vi")


def test_answers_become_examine_observations_with_hashed_evidence() -> None:
    doc = build_oscal(_load("result-hostile.json"), None, "en")
    result = doc["assessment-results"]["results"][0]
    finding = next(f for f in result["findings"] if f["target"]["target-id"] == "L3-ORG-99")
    obs = {o["uuid"]: o for o in result["observations"]}[finding["related-observations"][0]["observation-uuid"]]
    assert obs["methods"] == ["EXAMINE"]
    assert obs["relevant-evidence"] == [{"href": "quy-che-attt.pdf", "description": "sha256 " + "ab" * 32}]
    waiver = next(r for r in result["risks"])
    assert "expires: 2027-03-31" in waiver["statement"] and "Trưởng phòng ATTT" in waiver["statement"]
