"""A `--lang vi` run of each command, errors included, shows no English message of the catalogue.

Given the catalogue's English texts that differ from their Vietnamese ones (at least two words, so
that codes and names such as "TLS" do not count), When each command runs in Vietnamese, Then none
of those texts appears in what it prints or writes.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from audit.cli import cli
from audit.department.store import Store
from audit.messages.build import read_catalogue
from tests.department.support import make_result

GOLDEN = Path(__file__).parent / "golden"


CODE_WORDS = ("reportview.suite_weakness.",)
"""Messages whose English is also a code: the weakness classes are the values checklists compare
(`tls.weak_cipher_classes`), quoted as such by `probe facts`; reports translate them (tests/report)."""

def english_texts() -> list[str]:
    """The English literal parts (two words or more) of every message whose Vietnamese differs."""
    vi = {m.id: str(m.string) for m in read_catalogue("vi") if m.id}
    texts: set[str] = set()
    for message in read_catalogue("en"):
        if message.id and not str(message.id).startswith(CODE_WORDS) and str(message.string) != vi.get(message.id):
            for part in re.split(r"\{[^}]*\}", str(message.string)):
                part = part.strip(" .,:;()")
                if len(re.findall(r"[A-Za-z]{2,}", part)) >= 2:  # two words, not an id
                    texts.add(part)
    return sorted(texts)


ENGLISH = english_texts()


def english_in(text: str) -> list[str]:
    """The catalogue's English texts found in `text`."""
    return [e for e in ENGLISH if e in text]


def run_vi(*args: str) -> str:
    """Run one command with --lang vi (no other language hint) and return all it printed."""
    result = CliRunner().invoke(cli, [*args, "--lang", "vi"], catch_exceptions=False, env={"L3AUDIT_LANG": "en"})
    return result.output


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("store") / "so.db")
    with Store(path) as store:
        one, two = store.start_round("10", "run"), store.start_round("11", "run")
        store.add_result(make_result("a", {"L3-TLS-01": "fail", "L3-WEB-01": "pass"}, "2026-10-05T08:00:00+00:00"), one)
        store.add_result(make_result("a", {"L3-TLS-01": "pass", "L3-WEB-01": "fail"}, "2026-11-05T08:00:00+00:00"), two)
    return path


def test_the_catalogue_has_english_texts_to_look_for() -> None:
    # Guards the test below against passing because it looks for nothing.
    assert "Does not meet level 3" in ENGLISH and len(ENGLISH) > 100


@pytest.mark.parametrize("args", [
    ("scan", "ftp://x"),
    ("scan", "chet.test:1", "--resolve", "chet.test:1:127.15.0.254", "--http-port", "2", "--no-nmap", "--timeout", "1"),
    ("run", "no-such-inventory.yaml", "--out", "out"),
    ("report", "no-such-result.json"),
    ("checklist", "list"),
    ("checklist", "show", "l3-starter"),
    ("checklist", "lint", "l3-starter"),
    ("self-assess", "check", "no-such-answers.yaml"),
    ("probe", "facts", "tls"),
])
def test_command_output_is_vietnamese(args: tuple[str, ...]) -> None:
    assert english_in(run_vi(*args)) == []


def test_store_commands_are_vietnamese(db: str, tmp_path: Path) -> None:
    outputs = [run_vi("history", "a", "--db", db), run_vi("diff", "round:1", "round:2", "--db", db),
               run_vi("history", "nobody", "--db", db), run_vi("aggregate", "--db", str(tmp_path / "no.db"), "-o", "x.html")]
    for name in ("dashboard.html", "dashboard.csv"):
        outputs.append(run_vi("aggregate", "--db", db, "-o", str(tmp_path / name)))
        outputs.append((tmp_path / name).read_text(encoding="utf-8-sig"))
    for output in outputs:
        assert english_in(output) == []


@pytest.mark.parametrize("name", ["result-hostile.json", "result-offline.json", "result-good.json"])
def test_reports_are_vietnamese(name: str, tmp_path: Path) -> None:
    result = tmp_path / name
    shutil.copy(GOLDEN / name, result)
    for fmt in ("html", "md"):
        out = tmp_path / f"report.{fmt}"
        printed = run_vi("report", str(result), "--format", fmt, "--checklist", str(GOLDEN / "golden-checklist.yaml"),
                         "-o", str(out))
        assert english_in(printed + out.read_text(encoding="utf-8")) == []
