"""`--help` of every command in the command's language: Vietnamese by default, English on request.

Given the whole click tree (every command and subcommand, each imported), When `CMD --help` runs
with `--lang vi` (and `L3AUDIT_LANG=en`, so that only the option decides), Then the page holds no
English sentence (`english_sentences`), no English text of the catalogue (`english_in`) and no key
left unresolved; with `--lang en` it holds no Vietnamese at all. The language is honoured wherever
`--lang` stands (before the command, after it, after `--help`), and usage errors say their usage
line in it too.
"""

from __future__ import annotations

import re

import click
import pytest
from click.testing import CliRunner

from audit.cli import COMMANDS, cli
from audit.i18n import _lookup
from tests.test_vietnamese_errors import english_in, english_sentences

VIETNAMESE_LETTER = re.compile(r"[À-ỹĐđ]")
LEFT_KEY = re.compile(r"\b(?:help|metavar)\.[\w.-]+")


def command_paths() -> list[tuple[str, ...]]:
    """Every command path of the tree, the root's `()` first; each module imported on the way."""
    paths: list[tuple[str, ...]] = []

    def walk(command: click.Command, path: tuple[str, ...], ctx: click.Context) -> None:
        paths.append(path)
        if isinstance(command, click.Group):
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                assert sub is not None, name
                walk(sub, (*path, name), click.Context(sub, parent=ctx, info_name=name))

    walk(cli, (), click.Context(cli, info_name="l3audit"))
    return paths


PATHS = command_paths()


def help_page(*args: str, env: dict[str, str] | None = None) -> str:
    result = CliRunner().invoke(cli, list(args), prog_name="l3audit", catch_exceptions=False,
                                env=env or {"L3AUDIT_LANG": "en"})
    assert result.exit_code == 0, result.output
    return result.output


def test_the_walk_reaches_every_command() -> None:
    assert len(PATHS) > 50 and ("self-assess", "export-xlsx") in PATHS and ("probe", "tls") in PATHS
    assert {path[0] for path in PATHS if path} == set(COMMANDS)


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "l3audit")
def test_the_vietnamese_help_has_no_english(path: tuple[str, ...]) -> None:
    page = help_page(*path, "--help", "--lang", "vi")
    assert "Cách dùng:" in page and "Tùy chọn:" in page
    assert english_sentences(page) == [], page
    assert english_in(page) == [], page
    assert LEFT_KEY.findall(page) == [], page


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "l3audit")
def test_the_english_help_has_no_vietnamese(path: tuple[str, ...]) -> None:
    page = help_page(*path, "--help", "--lang", "en", env={"L3AUDIT_LANG": "vi"})
    assert "Usage:" in page and "Options:" in page
    assert VIETNAMESE_LETTER.findall(page) == [], page
    assert LEFT_KEY.findall(page) == [], page


def test_every_help_key_has_both_languages() -> None:
    """Given every help text and word metavar the tree uses, each is a key with vi and en texts."""
    keys: set[str] = set()

    def walk(command: click.Command, ctx: click.Context) -> None:
        keys.update(k for k in (command.help, command.short_help, command.epilog) if k)
        for param in command.params:
            if isinstance(param, click.Option):
                keys.update(k for k in (param.help, param.show_default) if isinstance(k, str) and k)
        if isinstance(command, click.Group):
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                assert sub is not None
                walk(sub, click.Context(sub, parent=ctx, info_name=name))

    walk(cli, click.Context(cli, info_name="l3audit"))
    assert len(keys) > 150
    for key in sorted(keys):
        assert key.startswith("help."), f"{key!r}: a help text written out instead of a catalogue key"
        for lang in ("vi", "en"):
            assert _lookup(key, lang), f"{key}: no {lang} text"


@pytest.mark.parametrize("args", [
    ("scan", "--lang", "en", "--help"),
    ("scan", "--help", "--lang", "en"),
    ("--lang", "en", "scan", "--help"),
    ("self-assess", "review", "--help", "--lang=en"),
])
def test_lang_wherever_it_stands(args: tuple[str, ...]) -> None:
    page = help_page(*args, env={"L3AUDIT_LANG": "vi"})
    assert "Usage: l3audit" in page and "Options:" in page and not VIETNAMESE_LETTER.search(page), page


def test_the_default_is_vietnamese_and_the_environment_can_say_english() -> None:
    assert "Cách dùng: l3audit scan [TÙY_CHỌN] ĐÍCH" in help_page("scan", "--help", env={"L3AUDIT_LANG": ""})
    assert "Usage: l3audit scan [OPTIONS] TARGET" in help_page("scan", "--help", env={"L3AUDIT_LANG": "en"})
    assert "Audit one site" in help_page("--help", env={"L3AUDIT_LANG": "en"})


def test_the_probe_commands_name_their_probe() -> None:
    assert "Chạy phép đo 'dns' trên ĐÍCH" in help_page("probe", "dns", "--help", "--lang", "vi")
    assert "Run the 'mail' probe on TARGET" in help_page("probe", "mail", "--help", "--lang", "en")


def test_a_usage_error_shows_its_usage_line_in_the_language() -> None:
    result = CliRunner().invoke(cli, ["scan", "--lang", "vi"], prog_name="l3audit", env={"L3AUDIT_LANG": "en"})
    assert result.exit_code == 2
    assert "Cách dùng: l3audit scan [TÙY_CHỌN] ĐÍCH" in result.output and english_sentences(result.output) == []
    a_lang_before_the_command = CliRunner().invoke(cli, ["--lang", "en", "scan"], prog_name="l3audit", env={"L3AUDIT_LANG": "vi"})
    assert "Usage: l3audit scan [OPTIONS] TARGET" in a_lang_before_the_command.output


def test_the_language_before_the_command_reaches_the_command() -> None:
    """`l3audit --lang en report x` runs `report` in English: the root's choice is its --lang default."""
    result = CliRunner().invoke(cli, ["--lang", "en", "report", "/nonexistent/r.json"], prog_name="l3audit",
                           env={"L3AUDIT_LANG": "vi"})
    assert result.exit_code == 2 and result.output.startswith("error: ") and "cannot read file" in result.output


def test_the_version_in_the_language() -> None:
    assert help_page("--version", "--lang", "vi").startswith("l3audit, phiên bản ")
    assert help_page("--lang", "en", "--version", env={"L3AUDIT_LANG": "vi"}).startswith("l3audit, version ")
