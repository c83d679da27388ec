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


# Each command lives in its own module, imported only when that command runs, so that
# `l3audit probe tls ...` does not pay for SQLAlchemy, openpyxl or the report engine at start-up.
# The one-line help is kept here too, so `l3audit --help` lists every command without importing
# any (tests/test_cli_imports.py checks that each line matches its command's docstring).
COMMANDS: dict[str, tuple[str, str]] = {
    "scan": ("audit.cli.scan_cmd:scan", "Audit one site: https://host[:port] or host[:port] (HTTPS assumed)."),
    "run": ("audit.cli.run_cmd:run", "Audit every outlet of INVENTORY, writing each result as soon as it is done."),
    "probe": ("audit.cli.probe_cmd:probe", "Run one probe on one target and print what it found."),
    "checklist": ("audit.cli.checklist_cmd:checklist", "Work with checklists (requirement catalogues)."),
    "demo": ("audit.cli.demo_cmd:demo",
             "Audit three demo outlets (well configured, badly configured, offline) on loopback."),
    "report": ("audit.cli.report_cmd:report", "Re-render a stored RESULT_FILE without scanning again."),
    "self-assess": ("audit.cli.selfassess_cmd:self_assess",
                    "Self-assessment: questionnaire, answers (YAML, interactive, XLSX) and reviews."),
    "history": ("audit.cli.store_cmd:history", "Every stored audit of OUTLET, oldest first, with what changed each time."),
    "diff": ("audit.cli.diff_cmd:diff",
             "Compare two audits: OLD and NEW are result files, run folders, round ids or @dates."),
    "aggregate": ("audit.cli.store_cmd:aggregate",
                  "Dashboard across outlets: compliance share against the national target, heatmap, trends."),
    "keys": ("audit.cli.bundle_cmd:keys", "Signing keys for submissions (Ed25519). Khóa ký số cho hồ sơ nộp."),
    "bundle": ("audit.cli.bundle_cmd:bundle", "Signed result bundles. Gói kết quả có chữ ký số."),
    "export": ("audit.cli.export_cmd:export",
               "Write stored result RESULT_ID (see 'l3audit history OUTLET') as a result file for 'l3audit report'."),
    "outlets": ("audit.cli.outlets_cmd:outlets",
                "The department's inventory of outlets: every one counts on the dashboard, results or not."),
    "import": ("audit.cli.bundle_cmd:import_",
               "Verify signed BUNDLES and store their results (importing twice stores once)."),
    "worker": ("audit.cli.worker_cmd:worker", "Run queued audits and fire due schedules, until stopped (SIGTERM or Ctrl-C)."),
    "schedule": ("audit.cli.schedule_cmd:schedule",
                 "Re-audits on a schedule: each firing is a round of queued jobs. Lịch đánh giá lại định kỳ."),
    "jobs": ("audit.cli.schedule_cmd:jobs", "Queued audits: list, retry, cancel. Các lượt đánh giá trong hàng đợi."),
    "alerts": ("audit.cli.alerts_cmd:alerts",
               "Alerts from scheduled re-audits: list, acknowledge. Cảnh báo từ các đợt đánh giá định kỳ."),
    "users": ("audit.cli.users_cmd:users", "Accounts of the portal ('l3audit serve'): admins, officers and outlet members."),
    "serve": ("audit.cli.serve_cmd:serve",
              "Serve the portal for outlets, officers and the department (gunicorn; HTTPS with --tls-cert)."),
}
"""Command name -> ('module:attribute', the first paragraph of its help)."""


class LazyGroup(click.Group):
    """A click group that imports a command's module on first use (explicit table, no side effects)."""

    def main(self, args: Any = None, *rest: Any, **kwargs: Any) -> Any:
        """Run the command line, click's own messages (usage errors) in the language it asks for."""
        from audit.cli.clicklang import lang_of, use_click_language

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
                rows.append((name, click.Command(name, help=COMMANDS[name][1]).get_short_help_str(limit)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="l3audit")
def cli() -> None:
    """Audit press outlets' internet-facing systems against level-3 requirements (cấp độ 3)."""


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="l3audit")
