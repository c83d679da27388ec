"""The `l3audit` command line: a click group whose commands live one module per command group.

Commands only parse options, call one service function and choose the exit code; the work happens
in the engine and services. Exit codes: 0 all pass, 1 at least one fail, 2 usage or input error,
3 incomplete (errors, and no fail).
"""

from __future__ import annotations

import click

from audit import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="l3audit")
def cli() -> None:
    """Audit press outlets' internet-facing systems against level-3 requirements (cấp độ 3)."""


def _register() -> None:
    # Explicit registration, one line per command module (no import side effects).
    from audit.cli import checklist_cmd, demo_cmd, probe_cmd, run_cmd, scan_cmd

    cli.add_command(scan_cmd.scan)
    cli.add_command(run_cmd.run)
    cli.add_command(probe_cmd.probe)
    cli.add_command(checklist_cmd.checklist)
    cli.add_command(demo_cmd.demo)


_register()


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="l3audit")
