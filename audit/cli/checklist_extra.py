"""`l3audit checklist crosswalk|coverage`: one standard seen through the other, and how much is automated.

Attached to the `checklist` group by `audit/cli/checklist_cmd.py`; the work is done by
`audit.catalogue.crosswalk` and `audit.catalogue.coverage`, these commands only parse options and print.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from audit.cli.clicklang import command
from audit.catalogue.loader import builtin_checklists, load_checklist
from audit.cli.options import handle_errors, lang_option
from audit.catalogue.coverage import coverage as catalogue_coverage
from audit.catalogue.coverage import render_text
from audit.catalogue.crosswalk import load_crosswalk, translate
from audit.result import load_result
from audit.catalogue.tailoring import tailor_checklist
from audit.i18n import t

format_option = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
                             show_default=True, help="help.option.fmt")

OUTCOMES = ("met", "failed", "partly_met", "at_risk", "undecided", "new")
"""The outcomes of `audit.catalogue.crosswalk.Outcome`, each said by the message `crosswalk.outcome.<value>`."""


@command(help="help.checklist.coverage")
@click.argument("refs", nargs=-1)
@click.option("--tailoring", "tailoring_file", type=click.Path(exists=True, dir_okay=False),
              help="help.checklist.coverage.tailoring_file")
@format_option
@lang_option
@handle_errors
def coverage(refs: tuple[str, ...], tailoring_file: str | None, fmt: str, lang: str) -> None:
    """Per catalogue and group: rows automated, partly automated (both) and manual.

    REFS are checklist ids or files; without them every shipped catalogue is shown.
    """
    checklists = [tailor_checklist(tailoring_file)] if tailoring_file else []
    names = list(refs) if refs or tailoring_file else list(builtin_checklists())
    checklists += [load_checklist(ref) for ref in names]
    covered = [catalogue_coverage(c) for c in checklists]
    if fmt == "json":
        click.echo(json.dumps([c.to_dict() for c in covered], ensure_ascii=False, indent=2))
    else:
        click.echo(render_text(covered, lang).rstrip("\n"))


@command(help="help.checklist.crosswalk")
@click.argument("result_file", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option("--to", "target_ref", help="help.checklist.crosswalk.target_ref")
@click.option("--crosswalk", "crosswalk_file", type=click.Path(exists=True, dir_okay=False),
              help="help.checklist.crosswalk.crosswalk_file")
@format_option
@lang_option
@handle_errors
def crosswalk(result_file: str | None, target_ref: str | None, crosswalk_file: str | None, fmt: str,
              lang: str) -> None:
    """Show the TCVN 11930 -> TCVN 14423 crosswalk, or what a stored RESULT_FILE means under the other standard.

    With a result judged under one standard, every row of the other is classified: met by the same
    evidence, failed, partly met, at risk, undecided, or new (no counterpart).
    """
    walk = load_crosswalk(crosswalk_file)
    if result_file is None:
        _print_mappings(walk, fmt, lang)
        return
    result = load_result(Path(result_file))
    if target_ref is None:
        judged = (result.get("checklist") or {}).get("id", "")
        source_standard = load_checklist(walk.source).standard
        from_source = judged == walk.source or (result.get("checklist") or {}).get("standard") == source_standard
        target_ref = walk.target if from_source else walk.source
    translated = translate(result, target_ref, walk)
    if fmt == "json":
        click.echo(json.dumps(translated, ensure_ascii=False, indent=2))
        return
    labels = {outcome: t(f"crosswalk.outcome.{outcome}", lang) for outcome in OUTCOMES}
    target = load_checklist(translated["to"])
    titles = {r.id: r.title.get(lang) for r in target.requirements}
    click.echo(f"{translated['from']} -> {translated['to']}")
    for row in translated["rows"]:
        via = ", ".join(f"{c['id']}={c['status']}" for c in row["counterparts"]) or "-"
        click.echo(f"{row['id']:18} {labels[row['outcome']]:28} {titles.get(row['id'], '')}  [{via}]")
    click.echo("")
    click.echo("  ".join(f"{labels[k]}: {v}" for k, v in translated["counts"].items()))


def _print_mappings(walk, fmt: str, lang: str) -> None:  # type: ignore[no-untyped-def]
    if fmt == "json":
        data = [
            {"from": m.source_id, "to": list(m.target_ids), "relation": m.relation.value,
             "note": {"vi": m.note.vi, "en": m.note.en} if m.note else None}
            for m in walk.mappings
        ]
        click.echo(json.dumps({"id": walk.id, "source": walk.source, "target": walk.target, "mappings": data},
                              ensure_ascii=False, indent=2))
        return
    click.echo(f"{walk.source} -> {walk.target}: {walk.title.get(lang)}")
    for m in walk.mappings:
        targets = ", ".join(m.target_ids) or "-"
        line = f"{m.source_id:18} {t(f'crosswalk.relation_short.{m.relation.value}', lang):12} {targets}"
        if m.note:
            line += f"\n{'':31} {m.note.get(lang)}"
        click.echo(line)


def register(group: click.Group) -> None:
    """Attach these commands to the `checklist` group (called once by the CLI's registration)."""
    group.add_command(crosswalk)
    group.add_command(coverage)
