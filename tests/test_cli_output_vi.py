"""The non-error output of the store's commands in the command's language (issue 15, sweep).

Given a store with an inventory and results, When `outlets import|list|remove`, `history`, `diff`
and `aggregate` run with `--lang vi`, Then no English sentence nor English catalogue text is printed,
and the same commands with `--lang en` print no Vietnamese of ours (outlet names aside).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from audit.cli import cli
from audit.department.store import Store
from tests.department.support import make_result
from tests.department.test_inventory_denominator import INVENTORY
from tests.test_vietnamese_errors import english_in, english_sentences

VIETNAMESE_LETTER = re.compile(r"[À-ỹĐđ]")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    folder = tmp_path_factory.mktemp("out-vi")
    path = str(folder / "so.db")
    inventory = folder / "outlets.yaml"
    inventory.write_text(INVENTORY, encoding="utf-8")
    with Store(path) as store:
        one, two = store.start_round("10", "run"), store.start_round("11", "run")
        store.add_result(make_result("bao-a", {"L3-TLS-01": "fail", "L3-WEB-01": "pass"}, "2026-10-05T08:00:00+00:00"), one)
        store.add_result(make_result("bao-a", {"L3-TLS-01": "pass", "L3-WEB-01": "fail"}, "2026-11-05T08:00:00+00:00"), two)
    return path, inventory


def invoke(lang: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [*args, "--lang", lang], env={"L3AUDIT_LANG": "en" if lang == "vi" else "vi",
                                                                   "COLUMNS": "200"})
    return result.exit_code, result.output


def commands(path: str, inventory: Path, folder: Path) -> list[tuple[str, ...]]:
    return [("outlets", "import", str(inventory), "--db", path), ("outlets", "list", "--db", path),
            ("outlets", "remove", "bao-c", "--db", path), ("outlets", "remove", "bao-c", "--db", path),
            ("history", "bao-a", "--db", path), ("history", "--rounds", "--db", path),
            ("aggregate", "--db", path, "-o", str(folder / "d.html"))]


def test_the_store_commands_speak_vietnamese(db: tuple[str, Path], tmp_path: Path) -> None:
    path, inventory = db
    for args in commands(path, inventory, tmp_path):
        code, out = invoke("vi", *args)
        assert code in (0, 2), (args, out)
        assert english_sentences(out) == [] and english_in(out) == [], (args, out)
    _code, listed = invoke("vi", "outlets", "list", "--db", path)
    assert "Danh sách cơ quan báo chí" in listed and "Kết luận gần nhất" in listed


def test_the_same_commands_in_english(db: tuple[str, Path], tmp_path: Path) -> None:
    path, inventory = db
    for args in commands(path, inventory, tmp_path)[:4]:
        code, out = invoke("en", *args)
        for name in ("Báo C im lặng", "Báo A", "Báo B"):  # the outlets' names are data
            out = out.replace(name, "")
        assert VIETNAMESE_LETTER.findall(out) == [], (args, out)
    assert "No such outlet in the inventory: bao-c" in invoke("en", "outlets", "remove", "bao-c", "--db", path)[1]
