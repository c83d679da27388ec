"""`l3audit checklist list|show|lint`: the shipped catalogues and checking new ones."""

from __future__ import annotations

import sys

import click

from audit.cli.clicklang import group
from audit.catalogue.loader import builtin_checklists, load_checklist
from audit.cli.common import out_console, plain
from audit.cli.options import current_lang, handle_errors, lang_flag, lang_option
from audit.catalogue.lint import errors, lint_all
from audit.catalogue.model import Checklist, Requirement
from audit.errors import ChecklistError
from audit.exitcodes import USAGE
from audit.i18n import phrase, t


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
@click.argument("requirement_id", required=False)
@lang_option
@handle_errors
def show(ref: str, requirement_id: str | None, lang: str) -> None:
    """Show a checklist's requirements: id, assessment, severity, title, clauses."""
    c = load_checklist(ref)
    req = _requirement(c, requirement_id) if requirement_id is not None else None
    out_console.print(f"[bold]{plain(c.id)}[/bold] {plain(c.version)} – {plain(c.title.get(lang))} ({plain(c.standard)}, {t('checklist.level', lang, level=c.level)})",
                      highlight=False)
    if req is not None:
        _show_requirement(c, req, lang)
        return
    for req in c.requirements:
        refs = "; ".join(f"{r.standard} {r.clause}" for r in req.references)
        assessment = t(f"reportview.assessment.{req.assessment.value}", lang)
        severity = t(f"severity.{req.severity.value}", lang)
        click.echo(f"{req.id:18} {assessment:20} {severity:12} {req.title.get(lang)}  [{refs}]")


MANDATORY = {True: "sa.mandatory", False: "sa.optional"}
CHECK_KIND = {True: "checklist.show.supporting", False: "checklist.show.check"}


def _requirement(c: Checklist, requirement_id: str) -> Requirement:
    """The row `requirement_id` of the catalogue; ChecklistError with the closest id when there is none."""
    import difflib

    found = next((r for r in c.requirements if r.id == requirement_id), None)
    if found is None:
        close = difflib.get_close_matches(requirement_id, [r.id for r in c.requirements], n=1)
        raise ChecklistError(phrase("error.answers.unknown_requirement", id=requirement_id, checklist=c.id),
                             hint=phrase("error.checklist.did_you_mean", id=close[0]) if close
                             else phrase("error.answers.see_checklist_show"))
    return found


def _show_requirement(c: Checklist, req: Requirement, lang: str) -> None:
    """One row in full: its texts, how it is assessed, its checks in words and its crosswalk counterparts."""
    from audit.catalogue.wording import condition_lines

    group = next((g.title.get(lang) for g in c.groups if g.id == req.group), req.group)
    click.echo(f"{req.id}: {req.title.get(lang)}")
    click.echo(f"  {req.description.get(lang)}")
    rows = [("checklist.show.group", group),
            ("checklist.show.severity", t(f"severity.{req.severity.value}", lang)),
            ("checklist.show.assessment", t(f"reportview.assessment.{req.assessment.value}", lang)),
            ("checklist.show.mandatory", t(MANDATORY[req.mandatory], lang)),
            ("checklist.show.clauses", "; ".join(f"{r.standard} {r.clause}" for r in req.references))]
    for key, value in rows:
        click.echo(f"  {t(key, lang)}: {value}")
    if req.applies_if is not None:
        click.echo(f"  {t('checklist.show.applies_if', lang)}:")
        click.echo("\n".join(f"    {line}" for line in condition_lines(req.applies_if, lang)))
    for check in req.checks:
        kind = t(CHECK_KIND[check.supporting], lang)
        click.echo(f"  {kind} {check.id}" + (f": {check.title.get(lang)}" if check.title else ""))
        click.echo("\n".join(f"    {line}" for line in condition_lines(check.expect, lang)))
    if req.evidence:
        click.echo(f"  {t('checklist.show.evidence', lang)}:")
        for item in req.evidence:
            click.echo(f"    - {item.get(lang)}")
    click.echo(f"  {t('checklist.show.remediation', lang)}: {req.remediation.get(lang)}")
    _show_crosswalk(c, req, lang)


def _show_crosswalk(c: Checklist, req: Requirement, lang: str) -> None:
    """The rows of the other standard this row corresponds to (TCVN 11930 <-> TCVN 14423), when it is on a side."""
    from audit.catalogue.crosswalk import load_crosswalk

    walk = load_crosswalk()
    if c.id == walk.source:
        other, pairs = walk.target, walk.targets_of(req.id)
        notes = [m.note for m in walk.mappings if m.source_id == req.id and m.note]
    elif c.id == walk.target:
        other, pairs = walk.source, walk.sources_of(req.id)
        notes = [m.note for m in walk.mappings if req.id in m.target_ids and m.note]
    else:
        return
    click.echo(f"  {t('checklist.show.crosswalk', lang, other=other)}:")
    if not pairs:
        click.echo(f"    {t('checklist.show.no_counterpart', lang)}")
    for rid, relation in pairs:
        click.echo(f"    {rid}: {t(f'crosswalk.relation.{relation.value}', lang)}")
    for note in notes:
        click.echo(f"    {note.get(lang)}")


@checklist.command(help="help.checklist.lint")
@click.argument("files", nargs=-1)
@lang_flag
def lint(files: tuple[str, ...]) -> None:
    """Lint checklist files or ids (default: every shipped one, and the crosswalk).

    Checks the schema, operators, facts, unique ids, levels, crosswalk targets and that every text
    has both languages. Exit 2 if any error is found; warnings are printed but do not fail.
    """
    lang = current_lang()
    findings = lint_all(files or None, crosswalk=not files)
    for finding in findings:
        click.echo(finding.localized(lang), err=finding.severity == "error")
    for ref in files or builtin_checklists():
        if not any(f.severity == "error" and str(ref) in f.source for f in findings):
            click.echo(t("lint.ok", lang, ref=ref))
    sys.exit(USAGE if errors(findings) else 0)


def _attach_extra() -> None:
    from audit.cli import checklist_extra  # crosswalk and coverage

    checklist_extra.register(checklist)


_attach_extra()
