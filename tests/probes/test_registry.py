"""The probe registry and the fact declarations: data, read without importing any probe.

Given the registry, each entry names a class whose `name` is its key and whose facts.yaml loads;
a broken declaration file is refused with its file and the entry at fault.
"""

from __future__ import annotations

import pytest

from probes.facts import declared_facts, parse_facts
from probes.registry import PROBES, declared_fact_names, fact_spec, probe_class, probe_names


@pytest.mark.parametrize("name", sorted(PROBES))
def test_each_entry_names_its_class_and_declares_facts(name: str) -> None:
    cls = probe_class(name)
    assert cls.name == name
    assert cls.facts() == declared_facts(name) and len(declared_facts(name)) >= 10
    assert all(spec.name.startswith(f"{name}.") for spec in declared_facts(name))


def test_fact_lookup_uses_the_first_segment_and_families() -> None:
    assert fact_spec("tls.grade").type == "str"
    assert fact_spec("http.headers.x-frame-options") is not None  # a member of the http.headers.* family
    assert fact_spec("tls.no_such_fact") is None and fact_spec("nosuchprobe.x") is None
    assert "tls.grade" in declared_fact_names() and probe_names() == sorted(PROBES)


@pytest.mark.parametrize("text,message", [
    ("- name: tls.a\n  type: bool\n", "must have exactly name, type and description"),
    ("- name: http.a\n  type: bool\n  description: {vi: x, en: x}\n", "not a fact name under 'tls.'"),
    ("- name: tls.a\n  type: boolean\n  description: {vi: x, en: x}\n", "has type 'boolean'"),
    ("- {name: tls.a, type: int, description: {vi: x, en: x}}\n- {name: tls.a, type: int, description: {vi: y, en: y}}\n",
     "declared twice"),
    ("- name: tls.a\n  type: bool\n  description: x\n", "'tls.a' (entry 1): description must be a mapping with vi and en"),
    ("- name: tls.a\n  type: bool\n  description: {en: x}\n", "'tls.a' (entry 1): description has no vi text"),
    ("- name: tls.a\n  type: bool\n  description: {vi: '  ', en: x}\n", "'tls.a' (entry 1): description has no vi text"),
    ("- name: tls.a\n  type: bool\n  description: {vi: x, en: x, fr: x}\n", "'tls.a' (entry 1): description has unknown key fr"),
    ("name: tls.a\n", "expected a list of facts"),
    ("- [unclosed\n", "not valid YAML"),
])
def test_a_broken_declaration_file_is_refused_with_its_name(text: str, message: str) -> None:
    with pytest.raises(ValueError, match="probes/tls/facts.yaml") as caught:
        parse_facts(text, "tls", "probes/tls/facts.yaml")
    assert message in str(caught.value)
