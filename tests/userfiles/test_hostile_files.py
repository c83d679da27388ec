"""Hostile user files: each named case of issue 14 is refused with one clean, located line; and a
property test feeds random and mutated YAML, JSON and XLSX to every loader: a clean error or success,
never a traceback or a hang."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.errors import AuditError, LocatedError
from audit.yamlfile import load_yaml
from tests.selfassess.support import invoke
from tests.userfiles.seeds import Seeds

ALIAS_BOMB = "".join(
    f"l{i}: &l{i} [{', '.join([f'*l{i - 1}' if i else 'x'] * 10)}]\n" for i in range(9)
) + "answers: *l8\n"


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> Seeds:
    return Seeds(tmp_path_factory.mktemp("seeds"))


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("text, message", [
    (ALIAS_BOMB, "values with aliases expanded"),
    ("a: " + "[" * 200 + "]" * 200 + "\n", "nested more than 64 levels deep"),
    ("schema: x\nwhen: 2027-02-30\n", ":2: invalid YAML: impossible date or time '2027-02-30'"),
    ("threshold: .nan\n", ":1: invalid YAML: '.nan' is not a finite number"),
    ("limit: -.inf\n", "'-.inf' is not a finite number"),
    ("text: " + "x" * 200_000 + "\n", ":1: a value of 200000 characters (limit 100000)"),
    ("? [a, b]\n: c\n", "a mapping or list used as a key"),
])
def test_hostile_yaml_is_refused_with_its_line(tmp_path: Path, text: str, message: str) -> None:
    """Given a hostile YAML text, when the shared reader loads it, then one located error says why."""
    with pytest.raises(LocatedError) as caught:
        load_yaml(write(tmp_path, "f.yaml", text))
    assert message in str(caught.value)


def test_a_file_larger_than_the_budget_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # a 50 MB file; sparse, costs no disk
    with pytest.raises(LocatedError, match="file too large .*52428800 bytes"):
        load_yaml(path)


def test_a_named_pipe_is_refused_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "answers.yaml"
    os.mkfifo(fifo)
    with pytest.raises(LocatedError, match="not a regular file"):
        load_yaml(fifo)


def test_an_alias_bomb_in_answers_gives_exit_2_in_seal_and_scan(seeds: Seeds, tmp_path: Path) -> None:
    bomb = write(tmp_path, "answers.yaml", seeds.texts["answers"] + ALIAS_BOMB.replace("answers:", "extra:"))
    result = invoke("self-assess", "seal", bomb, "--checklist", seeds.checklist_file, "-o", tmp_path / "s.yaml")
    assert result.exit_code == 2 and "mở rộng các bí danh" in result.output, result.output


def test_a_deeply_nested_checklist_is_a_clean_lint_error(tmp_path: Path) -> None:
    path = write(tmp_path, "deep.yaml", "schema: l3audit/checklist/v1\nid: x\nrequirements: " + "[" * 5000 + "]" * 5000)
    result = invoke("checklist", "lint", path)
    assert result.exit_code != 0 and "Traceback" not in result.output and "deep" in result.output, result.output


def test_a_nan_tailoring_parameter_is_refused(tmp_path: Path) -> None:
    from audit.catalogue.tailoring import load_tailoring

    path = write(tmp_path, "t.yaml", "schema: l3audit/tailoring/v1\nid: x\nchecklist: tcvn11930-2017-l3\nlevel: 3\n"
                 "parameters:\n  max_age: .nan\n")
    with pytest.raises(LocatedError, match=":6: invalid YAML: '.nan' is not a finite number"):
        load_tailoring(path)


@pytest.mark.parametrize("text, message", [
    ('{"schema_version": 1, "x": NaN}', "'NaN' is not a JSON number"),
    ('{"schema_version": 1, "schema_version": 2}', "duplicate key 'schema_version'"),
    ('{"schema_version": 1, "x": ' + "[" * 100 + "]" * 100 + "}", "nested more than 64 levels"),
    ('{"schema_version": 1', "not complete JSON"),
])
def test_hostile_json_results_and_bundles_are_refused(seeds: Seeds, tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, "r.json", text)
    for kind in ("result", "report-result", "bundle"):
        with pytest.raises(AuditError, match=message):
            seeds.loaders()[kind](path)


# --- the property test -------------------------------------------------------------------------

HOSTILE = ["&a ", "*a", "*b", "<<: *a\n", "[", "]", "{", "}", ": ", "- ", "\n  ", "\t", ".nan", ".inf", "2027-02-30",
           "30/11/2026", "? [x]\n: y\n", "!!python/object/apply:os.system ['true']", "!!binary AAAA", "\x00",
           "'", '"', "null", "~", "[/b]", "NaN", "Infinity", "1e999", '"a": 1, "a": 2', "\\ud800", "%YAML 1.1\n---\n"]


def mutate(data: st.DataObject, text: str) -> str:
    """Delete a slice, insert hostile snippets, duplicate a line: what a careless or malicious editor does."""
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        action = data.draw(st.sampled_from(["insert", "delete", "duplicate", "random"]))
        if action == "insert":
            text = text[:at] + data.draw(st.sampled_from(HOSTILE)) + text[at:]
        elif action == "delete":
            text = text[:at] + text[at + data.draw(st.integers(1, 200)):]
        elif action == "duplicate":
            lines = text.splitlines(keepends=True) or [""]
            i = data.draw(st.integers(0, len(lines) - 1))
            text = "".join(lines[: i + 1] + lines[i:])
        else:
            text = text[:at] + data.draw(st.text(max_size=20)) + text[at:]
    return text


def expect_clean(load: object, path: Path) -> None:
    try:
        load(path)  # type: ignore[operator]
    except AuditError as exc:
        assert str(exc) and "Traceback" not in str(exc)


TEXT_KINDS = ["answers", "waivers", "tailoring", "inventory", "checklist", "trusted", "result", "report-result", "bundle"]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_text_files_give_a_clean_error_or_success(seeds: Seeds, tmp_path: Path, data: st.DataObject) -> None:
    kind = data.draw(st.sampled_from(TEXT_KINDS))
    seed = seeds.texts["result" if kind == "report-result" else kind]
    text = data.draw(st.one_of(st.just(seed), st.text(max_size=300))) if data.draw(st.booleans()) else seed
    path = tmp_path / f"{kind}.input"
    path.write_bytes(mutate(data, text).encode("utf-8", "surrogatepass"))
    expect_clean(seeds.loaders()[kind], path)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_workbooks_give_a_clean_error_or_success(seeds: Seeds, tmp_path: Path, data: st.DataObject) -> None:
    raw = seeds.workbook
    if data.draw(st.booleans()):  # flip bytes of the zip itself
        buf = bytearray(raw)
        for _ in range(data.draw(st.integers(1, 8))):
            buf[data.draw(st.integers(0, len(buf) - 1))] = data.draw(st.integers(0, 255))
        raw = bytes(buf)
    else:  # a well-formed zip whose XML members were mutated
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            victim = data.draw(st.sampled_from([i.filename for i in src.infolist()]))
            for item in src.infolist():
                body = src.read(item)
                if item.filename == victim:
                    body = mutate(data, body.decode("utf-8", "replace")).encode("utf-8", "surrogatepass")
                dst.writestr(item, body)
        raw = out.getvalue()
    path = tmp_path / "book.xlsx"
    path.write_bytes(raw)
    expect_clean(seeds.loaders()["workbook"], path)
