"""The TCVN 11930 -> TCVN 14423 crosswalk: it resolves both ways, and a stored result translates."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from audit.catalogue.loader import Checklist, load_checklist
from audit.cli.checklist_extra import crosswalk as crosswalk_cmd
from audit.catalogue.crosswalk import Crosswalk, Relation, crosswalk_path, load_crosswalk, translate
from audit.errors import ChecklistError
from audit.evaluation import summarise
from audit.models import ChecklistRef, Outlet, OutletResult, RequirementResult, Status, Target
from audit.result import result_to_dict, write_json_atomic


@cache
def catalogue(ref: str) -> Checklist:
    return load_checklist(ref)


@cache
def walk() -> Crosswalk:
    return load_crosswalk(source=catalogue("tcvn11930-2017-l3"), target=catalogue("tcvn14423-2026-l3"))


def test_every_legacy_item_is_mapped_once_and_every_target_exists() -> None:
    legacy = catalogue("tcvn11930-2017-l3")
    current = catalogue("tcvn14423-2026-l3")
    assert [m.source_id for m in walk().mappings] == [r.id for r in legacy.requirements]
    current_ids = {r.id for r in current.requirements}
    assert all(t in current_ids for m in walk().mappings for t in m.target_ids)


def test_the_crosswalk_resolves_both_ways() -> None:
    # Forward: a legacy item to current rows; backward: a current row to the legacy items behind it.
    assert walk().targets_of("L3-NET-DESIGN-01") == [("N3-NET-20", Relation.EQUIVALENT)]
    assert ("L3-NET-DESIGN-01", Relation.EQUIVALENT) in walk().sources_of("N3-NET-20")
    legacy_ids = {r.id for r in catalogue("tcvn11930-2017-l3").requirements}
    for row in catalogue("tcvn14423-2026-l3").requirements:
        for source_id, _ in walk().sources_of(row.id):
            assert source_id in legacy_ids
            assert row.id in [t for t, _ in walk().targets_of(source_id)]


def test_items_with_no_counterpart_say_why() -> None:
    unmapped = {m.source_id: m for m in walk().mappings if m.relation is Relation.NONE}
    assert set(unmapped) == {"L3-MGT-POL-01", "L3-MGT-ORG-03"}
    assert all(m.note and "Nghị định 331" in m.note.vi for m in unmapped.values())


def result_under(checklist: Checklist, statuses: dict[str, Status]) -> dict[str, Any]:
    """A stored result (the JSON of audit.result) with the given statuses, the rest manual."""
    results = tuple(
        RequirementResult(r.id, statuses.get(r.id, Status.MANUAL), "test", (), "probe") for r in checklist.requirements
    )
    outlet = Outlet("bao-mau", "Báo Mẫu", (Target("baomau.vn", 443),))
    ref = ChecklistRef(checklist.id, checklist.title.en, checklist.standard, checklist.level, checklist.version,
                       checklist.content_hash)
    result = OutletResult(outlet, ref, "2026-11-26T00:00:00+00:00", "2026-11-26T00:01:00+00:00", "test", (), results,
                          summarise(checklist, results))
    return result_to_dict(result)


def outcomes(translated: dict[str, Any]) -> dict[str, str]:
    return {row["id"]: row["outcome"] for row in translated["rows"]}


def test_given_a_legacy_result_then_current_rows_are_met_failed_partly_met_or_new() -> None:
    legacy = catalogue("tcvn11930-2017-l3")
    result = result_under(legacy, {
        "L3-NET-DESIGN-01": Status.PASS,   # equivalent -> met
        "L3-NET-WAF-01": Status.FAIL,      # equivalent -> failed
        "L3-APP-COMM-01": Status.FAIL,     # partial -> at risk
        "L3-OPS-RISK-01": Status.PASS,     # partial -> partly met
    })
    translated = translate(result, catalogue("tcvn14423-2026-l3"), walk())
    got = outcomes(translated)
    assert len(got) == 195
    assert got["N3-NET-20"] == "met"
    assert got["N3-NET-15"] == "failed"
    assert got["N3-DAT-10"] == got["N3-DAT-11"] == "at_risk"
    assert got["N3-RSK-01"] == "partly_met"
    assert got["N3-RSK-04"] == "new" and got["N3-PEN-01"] == "new"
    assert got["N3-LOG-01"] == "new" and got["N3-LOG-08"] == "undecided"
    assert translated["counts"]["new"] == 74
    assert sum(translated["counts"].values()) == 195


def test_given_a_current_result_then_legacy_items_are_translated_back() -> None:
    current = catalogue("tcvn14423-2026-l3")
    result = result_under(current, {"N3-NET-20": Status.PASS, "N3-DAT-10": Status.PASS, "N3-HWA-09": Status.FAIL})
    got = outcomes(translate(result, catalogue("tcvn11930-2017-l3"), walk()))
    assert got["L3-NET-DESIGN-01"] == "met"
    assert got["L3-APP-AUTH-02"] == "partly_met"
    assert got["L3-SRV-DISP-01"] == "failed"
    assert got["L3-MGT-POL-01"] == got["L3-MGT-ORG-03"] == "new"


def test_translating_to_the_same_standard_is_refused() -> None:
    result = result_under(catalogue("tcvn11930-2017-l3"), {})
    with pytest.raises(ChecklistError, match="same standard"):
        translate(result, catalogue("tcvn11930-2017-l3"), walk())
    stranger = dict(result, checklist={"id": "iso-27001", "standard": "ISO/IEC 27001"})
    with pytest.raises(ChecklistError, match="neither side"):
        translate(stranger, catalogue("tcvn14423-2026-l3"), walk())


def broken(tmp_path: Path, old: str, new: str) -> Path:
    text = crosswalk_path().read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "crosswalk.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("- N3-NET-20\n", "- N3-NET-99\n", r"crosswalk.yaml:\d+: mapping L3-NET-DESIGN-01: 'N3-NET-99' is not a requirement of 'tcvn14423-2026-l3'"),
        ("from: L3-NET-WAF-01", "from: L3-NET-WAF-09", r"mapping L3-NET-WAF-09: 'L3-NET-WAF-09' is not a requirement of 'tcvn11930-2017-l3'"),
        ("relation: equivalent", "relation: same", r"mappings\.\d+\.relation: 'same' is not one of"),
    ],
)
def test_a_crosswalk_naming_an_unknown_row_is_refused_with_its_line(tmp_path: Path, old: str, new: str,
                                                                     message: str) -> None:
    path = broken(tmp_path, old, new)
    with pytest.raises(ChecklistError, match=message):
        load_crosswalk(path, catalogue("tcvn11930-2017-l3"), catalogue("tcvn14423-2026-l3"))


def test_a_crosswalk_that_forgets_a_legacy_item_is_refused(tmp_path: Path) -> None:
    text = crosswalk_path().read_text(encoding="utf-8")
    start = text.index("- from: L3-X-HDR-01")
    path = tmp_path / "crosswalk.yaml"
    path.write_text(text[:start], encoding="utf-8")
    with pytest.raises(ChecklistError, match=r"1 item\(s\) of 'tcvn11930-2017-l3' are not in the crosswalk: L3-X-HDR-01"):
        load_crosswalk(path, catalogue("tcvn11930-2017-l3"), catalogue("tcvn14423-2026-l3"))


def test_cli_translates_a_stored_result_file(tmp_path: Path) -> None:
    result = result_under(catalogue("tcvn11930-2017-l3"), {"L3-NET-DESIGN-01": Status.PASS})
    path = tmp_path / "bao-mau.json"
    write_json_atomic(path, result)
    runner = CliRunner()
    out = runner.invoke(crosswalk_cmd, [str(path), "--format", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["to"] == "tcvn14423-2026-l3" and outcomes(data)["N3-NET-20"] == "met"
    text = runner.invoke(crosswalk_cmd, [str(path), "--lang", "vi"])
    assert text.exit_code == 0
    assert "N3-NET-20" in text.output and "đạt (cùng bằng chứng)" in text.output
    table = runner.invoke(crosswalk_cmd, ["--lang", "en"])
    assert table.exit_code == 0 and "L3-MGT-POL-01      none" in table.output


def test_the_extra_commands_attach_to_a_checklist_group() -> None:
    import click

    from audit.cli.checklist_extra import register

    group = click.Group("checklist")
    register(group)
    assert {"crosswalk", "coverage"} <= set(group.commands)
