"""The `l3audit` command line: a click group whose commands live one module per command group.

Commands only parse options, call one service function and choose the exit code; the work happens
in the engine and services. Exit codes: 0 all pass, 1 at least one fail, 2 usage or input error,
3 incomplete (errors, and no fail).
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from audit import __version__
from audit.cli.clicklang import HelpCommand, HelpGroup, group, help_lang, lang_of, use_click_language
from audit.i18n import t


# Each command lives in its own module, imported only when that command runs, so that
# `l3audit probe tls ...` does not pay for SQLAlchemy, openpyxl or the report engine at start-up.
# The help key is kept here too, so `l3audit --help` lists every command without importing any
# (tests/test_cli_imports.py checks that each key is its command's).
COMMANDS: dict[str, tuple[str, str]] = {
    "scan": ("audit.cli.scan_cmd:scan", "help.scan"),
    "run": ("audit.cli.run_cmd:run", "help.run"),
    "probe": ("audit.cli.probe_cmd:probe", "help.probe"),
    "checklist": ("audit.cli.checklist_cmd:checklist", "help.checklist"),
    "demo": ("audit.cli.demo_cmd:demo", "help.demo"),
    "report": ("audit.cli.report_cmd:report", "help.report"),
    "self-assess": ("audit.cli.selfassess_cmd:self_assess", "help.self-assess"),
    "history": ("audit.cli.store_cmd:history", "help.history"),
    "diff": ("audit.cli.diff_cmd:diff", "help.diff"),
    "aggregate": ("audit.cli.store_cmd:aggregate", "help.aggregate"),
    "keys": ("audit.cli.bundle_cmd:keys", "help.keys"),
    "bundle": ("audit.cli.bundle_cmd:bundle", "help.bundle"),
    "export": ("audit.cli.export_cmd:export", "help.export"),
    "outlets": ("audit.cli.outlets_cmd:outlets", "help.outlets"),
    "import": ("audit.cli.bundle_cmd:import_", "help.import"),
    "worker": ("audit.cli.worker_cmd:worker", "help.worker"),
    "schedule": ("audit.cli.schedule_cmd:schedule", "help.schedule"),
    "jobs": ("audit.cli.schedule_cmd:jobs", "help.jobs"),
    "alerts": ("audit.cli.alerts_cmd:alerts", "help.alerts"),
    "users": ("audit.cli.users_cmd:users", "help.users"),
    "serve": ("audit.cli.serve_cmd:serve", "help.serve"),
}
"""Command name -> ('module:attribute', the catalogue key of its help)."""


class LazyGroup(HelpGroup):
    """A click group that imports a command's module on first use (explicit table, no side effects)."""

    def main(self, args: Any = None, *rest: Any, **kwargs: Any) -> Any:
        """Run the command line, click's own messages (usage errors) in the language it asks for."""
        use_click_language(lang_of(sys.argv[1:] if args is None else list(args)))
        return super().main(args, *rest, **kwargs)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(COMMANDS))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module_name, attr = COMMANDS[cmd_name][0].split(":")
            self.add_command(getattr(importlib.import_module(module_name), attr), cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from the table, so that `--help` imports no command module."""
        limit = formatter.width - 6 - max(len(name) for name in self.list_commands(ctx))
        rows = []
        for name in self.list_commands(ctx):
            if name in self.commands or name not in COMMANDS:
                command = self.get_command(ctx, name)
                if command is None or command.hidden:
                    continue
                rows.append((name, command.get_short_help_str(limit)))
            else:
                rows.append((name, HelpCommand(name, help=COMMANDS[name][1]).get_short_help_str(limit)))
        if rows:
            with formatter.section(click.core._("Commands")):  # click's word, in its catalogue's language
                formatter.write_dl(rows)


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """`--version`: the version, in the command line's language (click's own option fixes its words at import)."""
    if value and not ctx.resilient_parsing:
        click.echo(t("cli.version", help_lang(ctx), version=__version__))
        ctx.exit()


@group(cls=LazyGroup, help="help.l3audit",
       context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
              help="help.option.version")
def cli() -> None:
    """Audit press outlets' internet-facing systems against level-3 requirements (cấp độ 3)."""


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="l3audit")
