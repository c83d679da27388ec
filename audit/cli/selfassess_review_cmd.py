"""`l3audit self-assess review | export-xlsx | import-xlsx`: reviewer decisions and spreadsheets.

Each writes a new file (`-o`, refused if it exists); the input files are never rewritten.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click

from audit.selfassess.answers import (
    AnswersError,
    Decision,
    Review,
    load_answers,
    now_iso,
    relocate,
    save_answers,
)
from audit.cli.options import checklist_option, handle_errors, lang_flag
from audit.i18n import phrase
from audit.cli.selfassess_options import (
    catalogue,
    new_file,
    out_option,
    outlet_option,
    tailoring_option,
    tt,
)


@click.command("review")
@click.argument("answers_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@checklist_option
@tailoring_option
@click.option("--requirement", "requirement_id", required=True, help="Requirement id the decision is about.")
@click.option("--decision", type=click.Choice([d.value for d in Decision]), required=True)
@click.option("--reason", default="", help="Why (required when rejected).")
@click.option("--reviewer", required=True, help="Who decides.")
@out_option
@lang_flag
@handle_errors
def review_cmd(answers_file: Path, checklist_ref: str, tailoring_file: str | None, requirement_id: str, decision: str, reason: str,
               reviewer: str, output: Path) -> None:
    """Add a reviewer's decision to one answer, writing a new file (the original answer is kept)."""
    checklist = catalogue(checklist_ref, tailoring_file)
    answers = load_answers(answers_file, checklist)
    answer = answers.get(requirement_id)
    if answer is None:
        raise AnswersError(phrase("error.review.no_answer", id=requirement_id), path=str(answers_file))
    if decision == Decision.REJECTED.value and not reason.strip():
        raise AnswersError(phrase("error.review.reason"), path=str(answers_file),
                           item=phrase("error.item.requirement", id=requirement_id))
    review = Review(Decision(decision), reviewer, now_iso(), reason.strip())
    new_file(output)
    save_answers(output, relocate(answers.with_answer(replace(answer, review=review)), output))
    click.echo(f"{tt('cli.written')}: {output}")


@click.command("export-xlsx")
@checklist_option
@tailoring_option
@outlet_option
@click.option("--answers", "answers_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Fill the workbook with these answers.")
@out_option
@lang_flag
@handle_errors
def export_xlsx_cmd(checklist_ref: str, tailoring_file: str | None, outlet: str | None, answers_file: Path | None, output: Path) -> None:
    """Write the questionnaire as an XLSX workbook with dropdowns."""
    from audit.selfassess.workbook import export_workbook

    checklist = catalogue(checklist_ref, tailoring_file)
    answers = load_answers(answers_file, checklist) if answers_file else None
    export_workbook(checklist, new_file(output), answers, outlet)
    click.echo(f"{tt('cli.written')}: {output}")


@click.command("import-xlsx")
@click.argument("workbook", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@checklist_option
@tailoring_option
@out_option
@lang_flag
@handle_errors
def import_xlsx_cmd(workbook: Path, checklist_ref: str, tailoring_file: str | None, output: Path) -> None:
    """Read a filled-in workbook into a new YAML answers file."""
    from audit.selfassess.workbook import import_workbook

    checklist = catalogue(checklist_ref, tailoring_file)
    answers = import_workbook(workbook, checklist)
    new_file(output)
    save_answers(output, relocate(answers, output))
    click.echo(f"{tt('cli.written')}: {output}")
