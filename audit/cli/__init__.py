"""The `l3audit` command line: a click group whose commands live one module per command group.

Commands only parse options, call one service function and choose the exit code; the work happens
in the engine and services. Exit codes: 0 all pass, 1 at least one fail, 2 usage or input error,
3 incomplete (errors, and no fail).
"""

from __future__ import annotations

import importlib

import click

from audit import __version__


# Each command lives in its own module, imported only when that command runs, so that
# `l3audit probe tls ...` does not pay for SQLAlchemy, openpyxl or the report engine at start-up.
COMMANDS: dict[str, str] = {
    "scan": "audit.cli.scan_cmd:scan",
    "run": "audit.cli.run_cmd:run",
    "probe": "audit.cli.probe_cmd:probe",
    "checklist": "audit.cli.checklist_cmd:checklist",
    "demo": "audit.cli.demo_cmd:demo",
    "report": "audit.cli.report_cmd:report",
    "self-assess": "audit.cli.selfassess_cmd:self_assess",
    "history": "audit.cli.store_cmd:history",
    "diff": "audit.cli.store_cmd:diff",
    "aggregate": "audit.cli.store_cmd:aggregate",
    "keys": "audit.cli.bundle_cmd:keys",
    "bundle": "audit.cli.bundle_cmd:bundle",
    "import": "audit.cli.bundle_cmd:import_",
}


class LazyGroup(click.Group):
    """A click group that imports a command's module on first use (explicit table, no side effects)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(COMMANDS))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module_name, attr = COMMANDS[cmd_name].split(":")
            self.add_command(getattr(importlib.import_module(module_name), attr), cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="l3audit")
def cli() -> None:
    """Audit press outlets' internet-facing systems against level-3 requirements (cấp độ 3)."""


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="l3audit")
