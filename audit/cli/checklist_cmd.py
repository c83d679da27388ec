"""`l3audit checklist list|show|lint`: the shipped catalogues and checking new ones."""

from __future__ import annotations

import sys

import click

from audit.checklist import builtin_checklists, load_checklist
from audit.cli.common import handle_errors, lang_option, out_console
from audit.errors import ChecklistError
from audit.exitcodes import USAGE


@click.group()
def checklist() -> None:
    """Work with checklists (requirement catalogues)."""


@checklist.command(name="list")
@lang_option
@handle_errors
def list_(lang: str) -> None:
    """List shipped checklists: id, standard, level, number of requirements."""
    for ref in builtin_checklists():
        c = load_checklist(ref)
        click.echo(f"{c.id:24} {c.standard:36} level {c.level}  {len(c.requirements):4} req.  {c.title.get(lang)}")


@checklist.command()
@click.argument("ref")
@lang_option
@handle_errors
def show(ref: str, lang: str) -> None:
    """Show a checklist's requirements: id, assessment, severity, title, clauses."""
    c = load_checklist(ref)
    out_console.print(f"[bold]{c.id}[/bold] {c.version} – {c.title.get(lang)} ({c.standard}, level {c.level})",
                      highlight=False)
    for req in c.requirements:
        refs = "; ".join(f"{r.standard} {r.clause}" for r in req.references)
        click.echo(f"{req.id:18} {req.assessment.value:9} {req.severity.value:8} {req.title.get(lang)}  [{refs}]")


@checklist.command()
@click.argument("files", nargs=-1, required=True)
def lint(files: tuple[str, ...]) -> None:
    """Check checklist files (or ids): schema, operators, facts, ids. Exit 2 on the first bad file."""
    bad = 0
    for ref in files:
        try:
            c = load_checklist(ref)
        except ChecklistError as exc:
            click.echo(f"error: {exc}", err=True)
            bad += 1
            continue
        click.echo(f"ok: {c.id} ({len(c.requirements)} requirements) {c.path}")
    sys.exit(USAGE if bad else 0)
