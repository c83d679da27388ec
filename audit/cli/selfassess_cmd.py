"""`l3audit self-assess ...`: produce, check and hand in self-assessment answers.

Three ways to answer, one answers file: a commented YAML template (`questionnaire`), a terminal
session (`interactive`, saved after every answer, resumable) and an XLSX workbook (`export-xlsx`,
`import-xlsx`). `seal` records the SHA-256 of evidence files in a new file, `check` validates an
answers file and its evidence, `review` adds a reviewer's decision into a new file. Input files are
never rewritten, except the interactive session's own file.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import click

from audit.cli.clicklang import group
from audit.errors import Text
from audit.selfassess.answers import (
    AnswersError,
    empty_answer_set,
    evidence_from_text,
    evidence_problems,
    load_answers,
    now_iso,
    relocate,
    save_answers,
)
from audit.cli import selfassess_review_cmd
from audit.cli.options import checklist_option, current_lang, handle_errors, lang_flag, lang_option
from audit.i18n import phrase, t
from audit.cli.selfassess_options import (
    catalogue,
    new_file,
    out_option,
    outlet_option,
    tailoring_option,
    tt,
)
from audit.selfassess.questionnaire import questions, render_template
from audit.result import write_text_atomic


@group("self-assess", help="help.self-assess")
def self_assess() -> None:
    """Self-assessment: questionnaire, answers (YAML, interactive, XLSX) and reviews."""


@self_assess.command("questionnaire", help="help.self-assess.questionnaire")
@checklist_option
@tailoring_option
@outlet_option
@out_option
@lang_flag
@handle_errors
def questionnaire_cmd(checklist_ref: str, tailoring_file: str | None, outlet: str | None, output: Path) -> None:
    """Write a commented YAML answers template for the checklist's manual questions."""
    checklist = catalogue(checklist_ref, tailoring_file)
    write_text_atomic(new_file(output), render_template(checklist, outlet))
    click.echo(t("sa.written_questions", current_lang(), path=output, count=len(questions(checklist))))


@self_assess.command("interactive", help="help.self-assess.interactive")
@checklist_option
@tailoring_option
@outlet_option
@click.option("-f", "--file", "path", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="help.self-assess.interactive.path")
@click.option("--by", "answered_by", default=None,
              help="help.self-assess.interactive.answered_by")
@lang_option
@handle_errors
def interactive_cmd(checklist_ref: str, tailoring_file: str | None, outlet: str | None, path: Path,
                    answered_by: str | None, lang: str) -> None:
    """Answer question by question in the terminal; stop at any time and resume later."""
    from audit.cli.selfassess_dialog import last_answerer, run_dialogue

    checklist = catalogue(checklist_ref, tailoring_file)
    answers = load_answers(path, checklist) if path.exists() else empty_answer_set(checklist, outlet, str(path))
    all_questions = questions(checklist)
    done = sum(1 for q in all_questions if answers.get(q.requirement_id) is not None)
    click.echo(t("sa.resume", lang, done=done, total=len(all_questions)))
    if done == len(all_questions):
        return
    who = answered_by or last_answerer(answers) or click.prompt(t("sa.who", lang))
    run_dialogue(all_questions, answers, who, lang, lambda a: save_answers(path, a), now_iso)


@self_assess.command("seal", help="help.self-assess.seal")
@click.argument("answers_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@checklist_option
@tailoring_option
@out_option
@lang_flag
@handle_errors
def seal_cmd(answers_file: Path, checklist_ref: str, tailoring_file: str | None, output: Path) -> None:
    """Record the SHA-256 of evidence files (and the answer time) into a new answers file."""
    checklist = catalogue(checklist_ref, tailoring_file)
    answers = load_answers(answers_file, checklist)
    for req_id, answer in answers.answers.items():
        if answer.answer is None:
            continue
        def error(message: Text, r: str = req_id) -> AnswersError:
            return AnswersError(message, path=str(answers_file), item=phrase("error.item.requirement", id=r))

        evidence = tuple(e if e.sha256 or not e.path else evidence_from_text(e.path, answers.base_dir, error)
                         for e in answer.evidence)
        answers = answers.with_answer(replace(answer, evidence=evidence, answered_at=answer.answered_at or now_iso()))
    new_file(output)
    save_answers(output, relocate(answers, output))
    click.echo(f"{tt('cli.written')}: {output}")


@self_assess.command("check", help="help.self-assess.check")
@click.argument("answers_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@checklist_option
@tailoring_option
@lang_flag
@handle_errors
def check_cmd(answers_file: Path, checklist_ref: str, tailoring_file: str | None) -> None:
    """Validate an answers file and its evidence; exit 1 if some evidence no longer matches."""
    checklist = catalogue(checklist_ref, tailoring_file)
    answers = load_answers(answers_file, checklist)
    total = len(questions(checklist))
    answered = sum(1 for q in questions(checklist) if answers.get(q.requirement_id))
    click.echo(t("sa.check.answered", current_lang(), path=answers_file, answered=answered, total=total))
    flagged = 0
    for req_id, answer in answers.answers.items():
        for problem in evidence_problems(answer, answers.base_dir):
            flagged += 1
            click.echo(f"  {req_id}: {problem.render(current_lang())}", err=True)
    sys.exit(1 if flagged else 0)


# The reviewer's and the spreadsheet commands live in their own module (thin CLI modules).
self_assess.add_command(selfassess_review_cmd.review_cmd)
self_assess.add_command(selfassess_review_cmd.export_xlsx_cmd)
self_assess.add_command(selfassess_review_cmd.import_xlsx_cmd)
