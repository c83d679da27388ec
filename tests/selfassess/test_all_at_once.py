"""Validation reports everything at once: every schema error of a YAML file, every waiver and inventory
problem, each with file, line and hint; evidence files past the size limit are not hashed."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from audit.errors import InventoryError
from audit.inventory import load_inventory
from audit.selfassess.answers import AnswersError, check_evidence, load_answers, sha256_file, EvidenceTooLargeError
from audit.selfassess.answers import Answer, AnswerValue, EvidenceItem
from audit.selfassess.waivers import WaiverError, load_waivers
from audit.catalogue.tailoring import tailor_checklist
from audit.errors import ChecklistError
from tests.selfassess.support import invoke, load, write_checklist


def lines(error: Exception) -> list[str]:
    return str(error).splitlines()


def test_every_schema_error_of_an_answers_file_is_reported_with_its_line(tmp_path: Path) -> None:
    # Given an answers file with three schema errors in three places,
    checklist_file = write_checklist(tmp_path)
    template = tmp_path / "t.yaml"
    assert invoke("self-assess", "questionnaire", "--checklist", checklist_file, "-o", template).exit_code == 0
    data = yaml.safe_load(template.read_text(encoding="utf-8"))
    data["answers"]["POL-01"]["answer"] = "yes"
    data["answers"]["OPS-01"]["colour"] = "blue"
    data["answers"]["OPS-02"]["evidence"] = [{"url": "ftp://x"}]
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    # when loaded, then all three are named, in line order, each with the file, its line and a hint.
    with pytest.raises(AnswersError) as caught:
        load_answers(bad, load(tmp_path))
    got = lines(caught.value)
    assert len(got) == 3, got
    assert all(line.startswith(f"{bad}:") for line in got)
    assert "requirement POL-01" in got[0] and "'yes' is not one of" in got[0] and "hint: use one of" in got[0]
    assert "requirement OPS-01" in got[1] and "unknown key(s)" in got[1] and "allowed keys" in got[1]
    assert "requirement OPS-02" in got[2]
    numbers = [int(line.split(":")[1]) for line in got]
    assert numbers == sorted(numbers) and len(set(numbers)) == 3


def test_every_waiver_problem_is_reported(tmp_path: Path) -> None:
    base = {"id": "W1", "requirement": "OPS-01", "outlet": "bao-mau", "justification": "lý do",
            "approver": "Cục", "created": "2026-11-01", "expires": "2027-03-31"}
    waivers = [
        {**base, "justification": "  "},
        {**base, "id": "W2", "expires": "2026-10-01"},
        {**base, "id": "W2", "requirement": "NET-*"},          # duplicate id and no match: two problems
        {**base, "id": "W4", "created": "2026-02-30"},
    ]
    path = tmp_path / "waivers.yaml"
    path.write_text(yaml.safe_dump({"schema": "l3audit/waivers/v1", "waivers": waivers}, allow_unicode=True),
                    encoding="utf-8")
    with pytest.raises(WaiverError) as caught:
        load_waivers(path, load(tmp_path))
    text = str(caught.value)
    for expected in ("waiver W1: the justification is empty", "waiver W2: expires (2026-10-01) is before created",
                     "duplicate waiver id 'W2'", "'NET-*' matches no requirement", "'2026-02-30' is not a real date"):
        assert expected in text, text
    assert len(lines(caught.value)) == 5


def test_every_schema_error_of_a_waivers_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "waivers.yaml"
    path.write_text("schema: l3audit/waivers/v1\nwaivers:\n  - id: W1\n    requirement: OPS-01\n"
                    "  - id: W2\n    requirement: OPS-01\n    outlet: bao-mau\n    colour: red\n", encoding="utf-8")
    with pytest.raises(WaiverError) as caught:
        load_waivers(path, load(tmp_path))
    got = lines(caught.value)
    assert any("waiver W1" in line for line in got) and any("waiver W2" in line and "colour" in line for line in got)


def test_every_inventory_problem_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "inv.yaml"
    path.write_text("outlets:\n"
                    "  - {id: bao-a, name: A, sites: ['https://a.vn']}\n"
                    "  - {id: bao-a, name: A2, sites: ['https://a2.vn']}\n"
                    "  - {id: bao-c, name: C, sites: ['ftp://c.vn']}\n"
                    "  - {id: Bao-D, name: D, sites: ['https://d.vn']}\n", encoding="utf-8")
    with pytest.raises(InventoryError) as caught:
        load_inventory(path)
    text = str(caught.value)
    assert "Bao-D" in text or "outlets.3.id" in text, text  # the schema error first (then semantics are not run)
    path.write_text("outlets:\n"
                    "  - {id: bao-a, name: A, sites: ['https://a.vn']}\n"
                    "  - {id: bao-a, name: A2, sites: ['https://a2.vn']}\n"
                    "  - {id: bao-c, name: C, sites: ['ftp://c.vn']}\n", encoding="utf-8")
    with pytest.raises(InventoryError) as caught:
        load_inventory(path)
    got = lines(caught.value)
    assert len(got) == 2, got
    assert "inv.yaml:3: outlet bao-a: duplicate outlet id" in got[0] and "outlet bao-c" in got[1]


def test_every_schema_error_of_a_tailoring_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "tailoring.yaml"
    path.write_text("schema: l3audit/tailoring/v1\nid: bao-mau\nchecklist: tcvn11930-2017-l3\nlevel: 9\n"
                    "colour: red\n", encoding="utf-8")
    with pytest.raises(ChecklistError) as caught:
        tailor_checklist(path)
    got = lines(caught.value)
    assert len(got) >= 2 and any("level" in line for line in got) and any("colour" in line for line in got), got


def test_an_evidence_file_past_the_size_limit_is_not_hashed(tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    big.write_bytes(b"x" * 2048)
    with pytest.raises(EvidenceTooLargeError):
        sha256_file(big, max_bytes=1024)
    assert len(sha256_file(big, max_bytes=4096)) == 64
    from audit.userfiles import limits

    answer = Answer("POL-01", AnswerValue.IMPLEMENTED, evidence=(EvidenceItem(path="big.bin", sha256="0" * 64),))
    old = limits.MAX_EVIDENCE_BYTES
    limits.MAX_EVIDENCE_BYTES = 1024
    try:
        assert check_evidence(answer, tmp_path) == ["big.bin: larger than the evidence limit of 1,024 bytes, not hashed"]
    finally:
        limits.MAX_EVIDENCE_BYTES = old


def test_a_type_error_says_what_to_write(tmp_path: Path) -> None:
    checklist_file = write_checklist(tmp_path)
    template = tmp_path / "t.yaml"
    assert invoke("self-assess", "questionnaire", "--checklist", checklist_file, "-o", template).exit_code == 0
    data = yaml.safe_load(template.read_text(encoding="utf-8"))
    data["answers"]["POL-01"]["text"] = 5
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(AnswersError, match=r"answers\.POL-01\.text: 5 is not of type .* \(hint: write "):
        load_answers(bad, load(tmp_path))
