"""The deployment file (docs/deploy/compose.yaml) names only commands, options and variables that
exist, so it cannot go stale as the command line changes."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import click
import yaml

from audit.cli import cli

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docs" / "deploy" / "compose.yaml"


def _invocations() -> list[list[str]]:
    """Every `l3audit ...` the file runs (each service's command, and those its comments tell a person
    to type), and the systemd unit's in docs/scheduling.md."""
    text = COMPOSE.read_text(encoding="utf-8")
    services: dict[str, Any] = yaml.safe_load(text)["services"]
    found = [list(s["command"]) for s in services.values() if s.get("command", [""])[0] == "l3audit"]
    for line in text.splitlines():
        if line.lstrip().startswith("#") and re.search(r"\brun --rm \w+ l3audit ", line):
            found.append(shlex.split(line.split(" --rm ", 1)[1])[1:])
    for line in (ROOT / "docs" / "scheduling.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("ExecStart="):  # the systemd unit of the same page
            argv = shlex.split(line.split("=", 1)[1].split("#", 1)[0])
            found.append(["l3audit", *argv[1:]])
    return found


def _check(argv: list[str]) -> None:
    """The subcommands exist; every option is one of the command's, with a valid choice if it has choices."""
    assert argv[0] == "l3audit", argv
    command: click.Command = cli
    words = argv[1:]
    with click.Context(cli) as ctx:
        while isinstance(command, click.Group):
            sub = command.get_command(ctx, words[0])
            assert sub is not None, f"{' '.join(argv)}: no command {words[0]!r}"
            command, words = sub, words[1:]
    options = {opt: p for p in command.params if isinstance(p, click.Option) for opt in p.opts + p.secondary_opts}
    for index, word in enumerate(words):
        if not word.startswith("--"):
            continue
        name = word.split("=", 1)[0]
        assert name in options, f"{' '.join(argv)}: {command.name} has no option {name}"
        param = options[name]
        if isinstance(param.type, click.Choice) and not param.is_flag:
            assert words[index + 1] in param.type.choices, f"{' '.join(argv)}: {name} {words[index + 1]}"
        if isinstance(param.type, (click.IntRange, click.FloatRange)):
            param.type(words[index + 1], param, None)  # raises when out of range


def test_the_compose_file_runs_redis_postgres_workers_a_scheduler_and_the_portal() -> None:
    services = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))["services"]
    assert {"redis", "postgres", "worker", "scheduler", "portal"} <= set(services)
    assert services["worker"]["deploy"]["replicas"] >= 2
    assert "--appendonly" in services["redis"]["command"]  # queued messages survive a restart
    # docs/scheduling.md points to it
    assert "deploy/compose.yaml" in (ROOT / "docs" / "scheduling.md").read_text(encoding="utf-8")


def test_every_command_and_option_in_the_deployment_exists() -> None:
    invocations = _invocations()
    assert {tuple(i[:2]) for i in invocations} >= {("l3audit", "worker"), ("l3audit", "serve"), ("l3audit", "users")}
    for argv in invocations:
        _check(argv)


def test_every_variable_the_deployment_sets_is_read_by_l3audit() -> None:
    text = COMPOSE.read_text(encoding="utf-8") + (COMPOSE.parent / "worker.env.example").read_text(encoding="utf-8")
    names = set(re.findall(r"\bL3AUDIT_[A-Z_]+", text))
    assert {"L3AUDIT_DB", "L3AUDIT_REDIS"} <= names
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "audit").rglob("*.py"))
    assert not {n for n in names if f'"{n}"' not in sources}, "variables no code reads"


def test_a_stale_option_would_be_caught() -> None:
    # Given an option that does not exist, Then the check names it
    try:
        _check(["l3audit", "worker", "--procs", "2"])
    except AssertionError as exc:
        assert "no option --procs" in str(exc)
    else:
        raise AssertionError("a made-up option passed the check")
