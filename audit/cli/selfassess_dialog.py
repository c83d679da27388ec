"""The terminal dialogue of `self-assess interactive`: numbered choices, back, skip, quit with a summary.

Answers are saved after each one, so an interrupted session loses nothing; a resumed session counts
from where the file stands (question 7 of 40 stays 7) and takes the answerer's name from the file.
The choices accept the number, the Vietnamese or English label, or the code (`implemented`...).
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Callable

import click

from audit.i18n import error_text, t
from audit.selfassess.answers import Answer, AnswerSet, AnswersError, AnswerValue, EvidenceItem, evidence_from_text
from audit.selfassess.questionnaire import ANSWER_CHOICES, Question

COMMANDS = {"s": "skip", "skip": "skip", "b": "back", "back": "back", "q": "quit", "quit": "quit"}


def _fold(text: str) -> str:
    """Lower-case, NFC, single spaces: what a person types is compared to labels this way."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def read_choice(typed: str, lang: str) -> str | None:
    """The answer code or command a typed line means, or None when it means nothing."""
    folded = _fold(typed)
    if folded.isdigit() and 1 <= int(folded) <= len(ANSWER_CHOICES):
        return ANSWER_CHOICES[int(folded) - 1]
    if folded in COMMANDS:
        return COMMANDS[folded]
    for code in ANSWER_CHOICES:
        if folded in (code, _fold(t(f"answer.{code}", "vi")), _fold(t(f"answer.{code}", "en"))):
            return code
    if folded in (_fold(t("sa.word.skip", lang)), _fold(t("sa.word.back", lang)), _fold(t("sa.word.quit", lang))):
        return {_fold(t(f"sa.word.{w}", lang)): w for w in ("skip", "back", "quit")}[folded]
    return None


def show_question(q: Question, position: int, total: int, group_done: int, group_total: int, lang: str) -> None:
    """The question with its place in the catalogue and in its group, then the numbered choices."""
    flag = t("sa.mandatory", lang) if q.mandatory else t("sa.optional", lang)
    click.echo(f"\n[{position}/{total}] {q.group_title.get(lang)} ({group_done}/{group_total}) · {q.requirement_id} ({flag})")
    click.echo(f"  {q.title.get(lang)}: {q.description.get(lang)}")
    for ev in q.evidence:
        click.echo(f"  - {ev.get(lang)}")
    choices = "  ".join(f"{i}. {t(f'answer.{code}', lang)}" for i, code in enumerate(ANSWER_CHOICES, start=1))
    click.echo(f"  {choices}  ·  {t('sa.commands', lang)}")


def ask_evidence(base_dir: Path, lang: str) -> list[EvidenceItem]:
    """Evidence files or URLs, one per line, until an empty line; a bad one is said and asked again."""
    items: list[EvidenceItem] = []
    while True:
        text = click.prompt(t("sa.evidence", lang), default="", show_default=False).strip()
        if not text:
            return items
        try:
            items.append(evidence_from_text(text, base_dir, lambda m: AnswersError(m)))
        except AnswersError as exc:
            click.echo(f"  {error_text(exc, lang)}", err=True)


def print_summary(all_questions: list[Question], answers: AnswerSet, lang: str) -> None:
    """How many are answered, per group, and which mandatory rows are still unanswered."""
    done = sum(1 for q in all_questions if answers.get(q.requirement_id) is not None)
    click.echo("\n" + t("sa.resume", lang, done=done, total=len(all_questions)))
    groups: dict[str, list[Question]] = {}
    for q in all_questions:
        groups.setdefault(q.group_title.get(lang), []).append(q)
    for title, qs in groups.items():
        answered = sum(1 for q in qs if answers.get(q.requirement_id) is not None)
        click.echo(f"  {title}: {answered}/{len(qs)}")
    open_mandatory = [q.requirement_id for q in all_questions if q.mandatory and answers.get(q.requirement_id) is None]
    if open_mandatory:
        click.echo(t("sa.mandatory_open", lang, ids=", ".join(open_mandatory)))


def last_answerer(answers: AnswerSet) -> str:
    """The name on the most recent answer of the file, so a resumed session does not ask it again."""
    dated = sorted((a.answered_at, a.answered_by) for a in answers.answers.values() if a.answered_by)
    return dated[-1][1] if dated else ""


def run_dialogue(all_questions: list[Question], answers: AnswerSet, who: str, lang: str,
                 save: Callable[[AnswerSet], None], now: Callable[[], str]) -> AnswerSet:
    """Ask every unanswered question in order; back returns to the previous one asked."""
    todo = [q for q in all_questions if answers.get(q.requirement_id) is None]
    position = {q.requirement_id: i for i, q in enumerate(all_questions, start=1)}
    index = 0
    while 0 <= index < len(todo):
        q = todo[index]
        group = [g for g in all_questions if g.group == q.group]
        group_done = sum(1 for g in group if answers.get(g.requirement_id) is not None)
        show_question(q, position[q.requirement_id], len(all_questions), group_done, len(group), lang)
        choice = None
        while choice is None:
            choice = read_choice(click.prompt(t("sa.answer", lang)), lang)
            if choice is None:
                click.echo(t("sa.bad_choice", lang), err=True)
        if choice == "quit":
            break
        if choice in ("skip", "back"):
            index = max(index - 1, 0) if choice == "back" else index + 1
            continue
        justification = ""
        if choice == "not_applicable":
            while not justification.strip():
                justification = click.prompt(t("sa.justification", lang), default="", show_default=False)
        text = click.prompt(t("sa.text", lang), default="", show_default=False)
        evidence = ask_evidence(answers.base_dir, lang)
        answers = answers.with_answer(Answer(q.requirement_id, AnswerValue(choice), justification.strip(), text.strip(),
                                             tuple(evidence), who, now()))
        save(answers)  # after every answer: an interrupted session loses nothing
        click.echo(t("sa.saved", lang, path=answers.path or ""))
        index += 1
    print_summary(all_questions, answers, lang)
    return answers
