"""`l3audit self-assess review | export-xlsx | import-xlsx`: reviewer decisions and spreadsheets.

Each writes a new file (`-o`, refused if it exists); the input files are never rewritten. A review is
a reviews file signed with the reviewer's key (`audit.selfassess.reviews`), never a change to the
outlet's answers.
"""

from __future__ import annotations

from pathlib import Path

import click

from audit.cli.clicklang import command
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


@command("review", help="help.self-assess.review")
@click.argument("answers_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@checklist_option
@tailoring_option
@click.option("--requirement", "requirement_ids", multiple=True, required=True,
              help="help.self-assess.review.requirement_ids")
@click.option("--decision", type=click.Choice([d.value for d in Decision]), required=True)
@click.option("--reason", default="", help="help.self-assess.review.reason")
@click.option("--reviewer", required=True, help="help.self-assess.review.reviewer")
@click.option("--key", "key_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
              help="help.self-assess.review.key_file")
@click.option("--add-to", "previous", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="help.self-assess.review.previous")
@out_option
@lang_flag
@handle_errors
def review_cmd(answers_file: Path, checklist_ref: str, tailoring_file: str | None, requirement_ids: tuple[str, ...],
               decision: str, reason: str, reviewer: str, key_file: Path, previous: Path | None, output: Path) -> None:
    """Decide on answers, writing a new reviews file signed with the reviewer's key (the answers file is not changed)."""
    # Loaded only when used: signing needs cryptography.
    from audit.department.keys import load_private_key
    from audit.result import write_json_atomic
    from audit.selfassess.reviews import ReviewsError, own_decisions, sign_reviews

    checklist = catalogue(checklist_ref, tailoring_file)
    answers = load_answers(answers_file, checklist)
    private = load_private_key(key_file)
    decisions: dict[str, Review] = {}
    if previous is not None:
        earlier = own_decisions(previous, private, checklist)
        if earlier.answers_sha256 != answers.sha256 or earlier.outlet != answers.outlet:
            raise ReviewsError(phrase("error.reviews.other_answers", path=previous, name=earlier.answers_name,
                                      answers=answers_file))
        decisions.update(earlier.decisions)
    for requirement_id in requirement_ids:
        if answers.get(requirement_id) is None:
            raise AnswersError(phrase("error.review.no_answer", id=requirement_id), path=str(answers_file))
    if decision == Decision.REJECTED.value and not reason.strip():
        raise AnswersError(phrase("error.review.reason"), path=str(answers_file),
                           item=phrase("error.item.requirement", id=requirement_ids[0]))
    now = now_iso()
    decisions.update({rid: Review(Decision(decision), reviewer, now, reason.strip()) for rid in requirement_ids})
    document = sign_reviews(answers, decisions, private, reviewer)
    write_json_atomic(new_file(output), document)
    click.echo(f"{tt('cli.written')}: {output}")


@command("export-xlsx", help="help.self-assess.export-xlsx")
@checklist_option
@tailoring_option
@outlet_option
@click.option("--answers", "answers_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="help.self-assess.export-xlsx.answers_file")
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


@command("import-xlsx", help="help.self-assess.import-xlsx")
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
