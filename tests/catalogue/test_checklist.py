"""Loading checklists: shipped ones load and match the published schema; bad ones fail precisely."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from audit.catalogue.loader import builtin_checklists, load_checklist
from audit.errors import ChecklistError

ROOT = Path(__file__).resolve().parents[2]

MINIMAL = """\
schema: l3audit/checklist/v1
id: t
title: {vi: "Thử", en: "Test"}
standard: "TCVN 11930:2017"
level: 3
version: "1"
groups:
  - {id: g, title: {vi: "Nhóm", en: "Group"}}
parameters:
  days: {value: 14, min: 0, max: 365, description: {vi: "Số ngày", en: "Days"}}
requirements:
  - id: R-1
    group: g
    title: {vi: "Tiêu đề", en: "Title"}
    description: {vi: "Mô tả", en: "Description"}
    remediation: {vi: "Khắc phục", en: "Fix"}
    severity: high
    assessment: automated
    references: [{standard: "TCVN 11930:2017", clause: "7.2.1"}]
    checks:
      - id: c1
        expect: {fact: tls.certificate.days_until_expiry, op: gte, value: {param: days}}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("ref", sorted(builtin_checklists()))
def test_every_shipped_checklist_loads_and_validates_against_the_published_schema(ref: str) -> None:
    checklist = load_checklist(ref)
    assert checklist.id == ref, "a shipped checklist's file name must be its id"
    assert checklist.requirements
    schema = json.loads((ROOT / "docs" / "checklist.schema.json").read_text())
    import yaml

    jsonschema.validate(yaml.safe_load(Path(checklist.path).read_text(encoding="utf-8")), schema)


def test_minimal_checklist_loads_with_parameter_resolved(tmp_path: Path) -> None:
    checklist = load_checklist(write(tmp_path, MINIMAL))
    req = checklist.requirement("R-1")
    assert req.checks[0].expect.value == 14
    assert req.probes == ["tls"]
    assert checklist.content_hash.startswith("sha256:")


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("op: gte", "op: greater", r"t.yaml:\d+: requirement R-1: unknown operator 'greater' \(hint: use one of: eq"),
        ("tls.certificate.days_until_expiry", "tls.certificate.days_until_expire",
         r"t.yaml:\d+: requirement R-1: unknown fact 'tls.certificate.days_until_expire' \(hint: did you mean 'tls.certificate.days_until_expiry'"),
        ("tls.certificate.days_until_expiry", "smtp.mx", r"unknown fact 'smtp.mx' \(hint: facts start with a probe name"),
        ("{param: days}", "{param: dayz}", r"requirement R-1: unknown parameter 'dayz' \(hint: did you mean 'days'"),
        ("severity: high", "severity: urgent", r"t.yaml:\d+: requirement R-1: .*severity.*urgent.*hint: use one of: critical"),
        ('en: "Title"', 'fr: "Titre"', r"requirement R-1: .*title"),
        ("value: 14,", "value: 400,", r"parameter 'days' = 400 is above its maximum 365"),
        ("group: g", "group: h", r"requirement R-1: unknown group 'h'"),
        ("assessment: automated", "assessment: manual", r"a manual requirement has automated checks"),
        ("op: gte, value: {param: days}", "op: eq, value: {param: days}, extra: 1", r"unknown key"),
        ("{fact: tls.certificate.days_until_expiry, op: gte, value: {param: days}}",
         "{fact: tls.weak_cipher_classes, op: contains_any, value: [NULL, RC4]}",
         r"requirement R-1: the list of 'contains_any' holds an empty item .*hint: quote the word, e.g. \"NULL\""),
    ],
)
def test_given_a_typo_then_the_error_names_file_line_requirement_and_hint(tmp_path, old, new, expected) -> None:
    assert old in MINIMAL
    with pytest.raises(ChecklistError, match=expected):
        load_checklist(write(tmp_path, MINIMAL.replace(old, new, 1)))


def test_operator_type_mismatch_is_refused(tmp_path: Path) -> None:
    text = MINIMAL.replace("tls.certificate.days_until_expiry, op: gte, value: {param: days}",
                           "tls.certificate.trusted, op: gte, value: 1")
    with pytest.raises(ChecklistError, match="needs a number, but fact 'tls.certificate.trusted' is bool"):
        load_checklist(write(tmp_path, text))


def test_duplicate_requirement_ids_are_refused(tmp_path: Path) -> None:
    block = MINIMAL.split("requirements:\n", 1)[1]
    with pytest.raises(ChecklistError, match=r"t.yaml:\d+: requirement R-1: duplicate requirement id 'R-1'"):
        load_checklist(write(tmp_path, MINIMAL + block))


def test_malformed_yaml_gives_the_line(tmp_path: Path) -> None:
    with pytest.raises(ChecklistError, match=r"t.yaml:[45]: invalid YAML: (did not find )?expected ',' or '\]'"):
        load_checklist(write(tmp_path, MINIMAL.replace('standard: "TCVN 11930:2017"', "standard: [unclosed")))


def test_duplicate_yaml_keys_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ChecklistError, match="duplicate key 'level'"):
        load_checklist(write(tmp_path, MINIMAL.replace("level: 3\n", "level: 3\nlevel: 2\n")))


def test_unknown_checklist_id_suggests_the_closest(tmp_path: Path) -> None:
    with pytest.raises(ChecklistError, match="unknown checklist id 'l3-startr' \\(hint: did you mean 'l3-starter'"):
        load_checklist("l3-startr")


def test_extends_inherits_and_excludes_with_reason(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(MINIMAL, encoding="utf-8")
    child = tmp_path / "child.yaml"
    child.write_text(MINIMAL.replace("id: R-1", "id: R-2").replace(
        "id: t\n", "id: child\nextends: t\nexclude:\n  - {id: R-1, reason: {vi: \"Không\", en: \"No\"}}\n"),
        encoding="utf-8")
    loaded = load_checklist(child)
    assert [r.id for r in loaded.requirements] == ["R-2"]
    assert loaded.excluded["R-1"].en == "No"
