"""Every declared fact is described in Vietnamese and English, and `probe facts` speaks the run's language.

Given the six facts.yaml files, each entry has a non-empty `vi` and `en` description, the Vietnamese
a translation (not the English copied); When `l3audit probe facts PROBE --lang vi` runs, Then it
prints the Vietnamese with no English sentence, and with `--lang en` the English; a declaration
file whose entry lacks `vi` is refused with the file and the entry named.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from audit.cli import cli
from probes.facts import declared_facts, parse_facts
from probes.registry import probe_names
from tests.test_vietnamese_errors import english_sentences
from tests.test_vietnamese_output import english_in

HEADER_NAMES = ("Retry-After",)
"""An HTTP header name the descriptions keep as is; the catalogue's English also quotes it
("rate limited (HTTP {status}, Retry-After {seconds} s)"), so `english_in` finds it."""


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False, env={"L3AUDIT_LANG": "en"})
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("probe", probe_names())
def test_every_fact_has_both_languages(probe: str) -> None:
    for spec in declared_facts(probe):
        assert spec.description.strip() and spec.description_vi.strip(), spec.name
        assert spec.description_vi != spec.description, spec.name
        assert spec.describe("vi") == spec.description_vi and spec.describe("en") == spec.description


@pytest.mark.parametrize("probe", probe_names())
def test_probe_facts_in_vietnamese_has_no_english(probe: str) -> None:
    output = run("probe", "facts", probe, "--lang", "vi")
    specs = declared_facts(probe)
    assert all(spec.name in output and spec.description_vi in output for spec in specs)
    assert english_sentences(output) == []
    assert [text for text in english_in(output) if text not in HEADER_NAMES] == []


@pytest.mark.parametrize("probe", probe_names())
def test_probe_facts_in_english_prints_the_english(probe: str) -> None:
    output = run("probe", "facts", probe, "--lang", "en")
    assert all(spec.description in output and spec.description_vi not in output for spec in declared_facts(probe))


def test_probe_facts_without_a_name_lists_every_probe_in_vietnamese() -> None:
    output = run("probe", "facts", "--lang", "vi")
    assert all(spec.description_vi in output for probe in probe_names() for spec in declared_facts(probe))


def test_an_entry_without_vietnamese_is_refused_with_file_and_entry(tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    path.write_text(
        "- name: tls.a\n  type: bool\n  description:\n    vi: \"Có\"\n    en: \"Yes\"\n"
        "- name: tls.b\n  type: bool\n  description:\n    en: \"Only English\"\n", encoding="utf-8")
    with pytest.raises(ValueError) as caught:
        parse_facts(path.read_text(encoding="utf-8"), "tls", str(path))
    assert str(caught.value).startswith(f"{path}: 'tls.b' (entry 2): ") and "no vi text" in str(caught.value)
