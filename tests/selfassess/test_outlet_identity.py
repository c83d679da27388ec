"""Whose answers? `scan --outlet ID`: answers and waivers for another outlet are refused, both ids named,
before any packet is sent; the outlet's own are applied."""

from __future__ import annotations

import json
from pathlib import Path

from audit.exitcodes import USAGE
from audit.selfassess.answers import Answer, AnswerValue, dump_answers, empty_answer_set
from tests.selfassess.support import invoke, invoke_en, load, write_checklist

# A closed port in this loopback range: the scan ends quickly in 'error', never a pass or fail.
TARGET = ("chet.test:1", "--resolve", "chet.test:1:127.14.0.1", "--no-nmap", "--timeout", "2")


def answers_for(tmp_path: Path, outlet: str) -> Path:
    checklist = load(tmp_path)
    given = empty_answer_set(checklist, outlet).with_answer(Answer("POL-01", AnswerValue.NOT_IMPLEMENTED))
    path = tmp_path / f"{outlet}.answers.yaml"
    path.write_text(dump_answers(given), encoding="utf-8")
    return path


def waivers_for(tmp_path: Path, outlet: str) -> Path:
    path = tmp_path / "waivers.yaml"
    path.write_text(f"schema: l3audit/waivers/v1\nwaivers:\n  - id: W1\n    requirement: OPS-01\n    outlet: {outlet}\n"
                    "    justification: lý do\n    approver: Cục\n    created: 2026-11-01\n    expires: 2099-01-01\n",
                    encoding="utf-8")
    return path


def test_answers_of_another_outlet_are_refused_naming_both(tmp_path: Path) -> None:
    checklist = write_checklist(tmp_path)
    answers = answers_for(tmp_path, "bao-thu")
    result = invoke_en("scan", *TARGET, "--checklist", checklist, "--answers", answers, "--outlet", "bao-mau")
    text = result.output.replace("\n", " ")
    assert result.exit_code == USAGE, text
    assert "the answers are for outlet 'bao-thu', but this audit is of outlet 'bao-mau'" in text
    assert "--outlet bao-thu" in text


def test_a_waiver_for_another_outlet_is_refused_and_applies_with_its_outlet_id(tmp_path: Path) -> None:
    checklist = write_checklist(tmp_path)
    waivers = waivers_for(tmp_path, "bao-thu")
    refused = invoke_en("scan", *TARGET, "--checklist", checklist, "--waivers", waivers)
    assert refused.exit_code == USAGE and "no waiver in the file applies to outlet 'chet.test'" in refused.output
    out = tmp_path / "r.json"
    done = invoke("scan", *TARGET, "--checklist", checklist, "--waivers", waivers, "--outlet", "bao-thu", "--json", out)
    assert done.exit_code != USAGE, done.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["outlet"]["id"] == "bao-thu"
    assert {r["requirement_id"]: r["status"] for r in data["requirements"]}["OPS-01"] == "waived"
