"""`l3audit checklist list|show|lint`: the shipped catalogues and checking new ones."""

from __future__ import annotations

import sys

import click

from audit.cli.clicklang import group
from audit.catalogue.loader import builtin_checklists, load_checklist
from audit.cli.common import out_console, plain
from audit.cli.options import handle_errors, lang_flag, lang_option
from audit.catalogue.lint import errors, lint_all
from audit.exitcodes import USAGE
from audit.i18n import t


@group(help="help.checklist")
def checklist() -> None:
    """Work with checklists (requirement catalogues)."""


@checklist.command(name="list", help="help.checklist.list")
@lang_option
@handle_errors
def list_(lang: str) -> None:
    """List shipped checklists: id, standard, level, number of requirements."""
    for ref in builtin_checklists():
        c = load_checklist(ref)
        click.echo(f"{c.id:24} {c.standard:36} {t('checklist.level', lang, level=c.level)}  "
                   f"{t('checklist.requirements', lang, count=len(c.requirements)):12}  {c.title.get(lang)}")


@checklist.command(help="help.checklist.show")
@click.argument("ref")
@lang_option
@handle_errors
def show(ref: str, lang: str) -> None:
    """Show a checklist's requirements: id, assessment, severity, title, clauses."""
    c = load_checklist(ref)
    out_console.print(f"[bold]{plain(c.id)}[/bold] {plain(c.version)} – {plain(c.title.get(lang))} ({plain(c.standard)}, {t('checklist.level', lang, level=c.level)})",
                      highlight=False)
    for req in c.requirements:
        refs = "; ".join(f"{r.standard} {r.clause}" for r in req.references)
        click.echo(f"{req.id:18} {req.assessment.value:9} {req.severity.value:8} {req.title.get(lang)}  [{refs}]")


@checklist.command(help="help.checklist.lint")
@click.argument("files", nargs=-1)
@lang_flag
def lint(files: tuple[str, ...]) -> None:
    """Lint checklist files or ids (default: every shipped one, and the crosswalk).

    Checks the schema, operators, facts, unique ids, levels, crosswalk targets and that every text
    has both languages. Exit 2 if any error is found; warnings are printed but do not fail.
    """
    findings = lint_all(files or None, crosswalk=not files)
    for finding in findings:
        click.echo(str(finding), err=finding.severity == "error")
    for ref in files or builtin_checklists():
        if not any(f.severity == "error" and str(ref) in f.source for f in findings):
            click.echo(f"ok: {ref}")
    sys.exit(USAGE if errors(findings) else 0)


def _attach_extra() -> None:
    from audit.cli import checklist_extra  # crosswalk and coverage

    checklist_extra.register(checklist)


_attach_extra()
