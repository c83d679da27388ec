"""Linting the shipped catalogues: everything the loader refuses, plus the house rules it does not enforce.

The loader (`audit.catalogue.loader.load_checklist`) already rejects schema errors, duplicate ids, unknown
facts, operators and parameters, and missing languages. Lint runs it on every catalogue, then
checks on the loaded data: the file stem equals the id, `extends` resolves to a lower level of the
same standard, a row is not both excluded and restated, manual rows name their evidence, Vietnamese
texts carry diacritics and are not copies of the English, declared parameters are used, and the
crosswalk's ids exist on both sides. The checks on loaded data are pure functions.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from audit.catalogue.loader import Checklist, builtin_checklists, load_checklist
from audit.errors import ChecklistError, say
from audit.errors import Text as Said
from audit.i18n import phrase, t
from audit.models import Assessment, Text


@dataclass(frozen=True)
class Finding:
    """One lint problem. `severity` is 'error' (the catalogue must not ship) or 'warning'."""

    severity: str
    source: str
    message: Said
    """What is wrong: a catalogue phrase (or plain English), said in the command's language by `localized`."""
    item: Said = ""
    line: int | None = None
    hint: Said = ""

    def localized(self, lang: str) -> str:
        """The one line `checklist lint` prints, in `lang`: where, item, severity, message, hint."""
        where = f"{self.source}:{self.line}" if self.line else self.source
        item = say(self.item, lang)
        text = f"{t(f'lint.severity.{self.severity}', lang)}: {say(self.message, lang)}"
        if self.hint:
            text += f" ({t('error.hint_word', lang)}: {say(self.hint, lang)})"
        return ": ".join([where] + ([item] if item else []) + [text])

    def __str__(self) -> str:
        return self.localized("en")


def _from_error(exc: ChecklistError, fallback: str) -> Finding:
    message, item, hint = exc.phrases
    return Finding("error", exc.path or fallback, message, item, exc.line, hint)


_WORD = re.compile(r"[A-Za-zÀ-ỹ]+")


def has_vietnamese_marks(text: str) -> bool:
    """True when the text has at least one letter with a Vietnamese diacritic (or đ)."""
    for char in text:
        if char in "đĐ":
            return True
        decomposed = unicodedata.normalize("NFD", char)
        if len(decomposed) > 1 and decomposed[0].isalpha():
            return True
    return False


def check_texts(owner: str, label: Said, text: Text) -> list[Finding]:
    """Both languages present, Vietnamese with diacritics, and not a copy of the English (pure)."""
    findings = []
    if not text.vi.strip() or not text.en.strip():
        findings.append(Finding("error", owner, phrase("lint.empty_language", label=label)))
        return findings
    words = _WORD.findall(text.vi)
    if len(words) < 4 or _is_configuration(text):
        return findings
    if text.vi.strip() == text.en.strip():
        findings.append(Finding("warning", owner, phrase("lint.copied_english", label=label)))
    elif not has_vietnamese_marks(text.vi):
        findings.append(Finding("warning", owner, phrase("lint.no_diacritics", label=label, text=repr(text.vi[:60]))))
    return findings


def _is_configuration(text: Text) -> bool:
    # Configuration snippets (nginx, Apache, PHP) read the same in both languages; prose should not.
    return text.vi.strip() == text.en.strip() and any(mark in text.en for mark in (";", "=", "{", "$"))


def check_checklist(checklist: Checklist, file: Path | None = None, parent: Checklist | None = None) -> list[Finding]:
    """House rules on a loaded catalogue (pure: the parent, if any, is passed in)."""
    source = str(file or checklist.path)
    findings: list[Finding] = []
    if file is not None and file.stem != checklist.id:
        findings.append(Finding("error", source, phrase("lint.file_name", stem=file.stem, id=checklist.id)))
    if checklist.extends:
        if parent is None:
            findings.append(Finding("error", source, phrase("lint.extends_unresolved", parent=checklist.extends)))
        else:
            if parent.standard != checklist.standard:
                findings.append(Finding("error", source, phrase("lint.extends_other_standard", parent=parent.id,
                                                                standard=parent.standard)))
            if parent.level >= checklist.level:
                findings.append(Finding("error", source, phrase("lint.extends_level", parent=parent.id,
                                                                parent_level=parent.level, level=checklist.level)))
    own_ids = {r.id for r in checklist.requirements if r.origin == checklist.id}
    for rid in sorted(set(checklist.excluded) & own_ids):
        findings.append(Finding("error", source, phrase("lint.excluded_restated"),
                                phrase("error.item.requirement", id=rid)))
    for gid in {r.group for r in checklist.requirements} - {g.id for g in checklist.groups}:
        findings.append(Finding("error", source, phrase("lint.group_undeclared", group=gid)))
    used = {p for r in checklist.requirements for p in r.parameters}
    for name in sorted(set(checklist.parameters) - used):
        findings.append(Finding("warning", source, phrase("lint.parameter_unused", name=name)))
    findings.extend(check_texts(source, phrase("lint.label.title"), checklist.title))
    for group in checklist.groups:
        findings.extend(check_texts(source, phrase("lint.label.group", id=group.id), group.title))
    for req in checklist.requirements:
        if req.origin != checklist.id:
            continue  # linted with the catalogue that defines it
        item = phrase("error.item.requirement", id=req.id)
        texts: list[tuple[Said, Text]] = [(phrase("lint.label.title"), req.title),
                                          (phrase("lint.label.description"), req.description),
                                          (phrase("lint.label.remediation"), req.remediation)]
        texts += [(phrase("lint.label.evidence", number=i + 1), e) for i, e in enumerate(req.evidence)]
        texts += [(phrase("lint.label.notes"), req.notes)] if req.notes else []
        for label, text in texts:
            findings.extend(replace_item(f, item) for f in check_texts(source, label, text))
        if req.assessment is not Assessment.AUTOMATED and not req.evidence:
            findings.append(Finding("error", source, phrase("lint.manual_evidence"), item))
        if not req.references:
            findings.append(Finding("error", source, phrase("lint.no_reference"), item))
    for rid, reason in checklist.excluded.items():
        findings.extend(replace_item(f, phrase("lint.item.exclusion", id=rid))
                        for f in check_texts(source, phrase("lint.label.reason"), reason))
    return findings


def replace_item(finding: Finding, item: Said) -> Finding:
    """The finding attributed to `item`."""
    return Finding(finding.severity, finding.source, finding.message, item, finding.line, finding.hint)


def lint_checklist(ref: str | Path) -> list[Finding]:
    """Load one catalogue (by id or path) and lint it."""
    try:
        checklist = load_checklist(ref)
    except ChecklistError as exc:
        return [_from_error(exc, str(ref))]
    parent = None
    if checklist.extends:
        try:
            parent = load_checklist(checklist.extends)
        except ChecklistError:
            parent = None
    file = Path(checklist.path)
    return check_checklist(checklist, file, parent)


def lint_crosswalk(path: str | Path | None = None) -> list[Finding]:
    """Load the crosswalk; every id must exist on its side (errors come from `load_crosswalk`)."""
    from audit.catalogue.crosswalk import crosswalk_path, load_crosswalk

    try:
        crosswalk = load_crosswalk(path)
    except ChecklistError as exc:
        return [_from_error(exc, str(path or crosswalk_path()))]
    findings: list[Finding] = []
    for mapping in crosswalk.mappings:
        if mapping.note:
            findings.extend(replace_item(f, phrase("lint.item.mapping", id=mapping.source_id))
                            for f in check_texts(crosswalk.path, phrase("lint.label.note"), mapping.note))
    return findings


def lint_all(refs: Iterable[str | Path] | None = None, crosswalk: bool = True) -> list[Finding]:
    """Lint the given catalogues (default: every shipped one) and the shipped crosswalk."""
    targets = list(refs) if refs is not None else list(builtin_checklists())
    findings: list[Finding] = []
    for ref in targets:
        findings.extend(lint_checklist(ref))
    if crosswalk:
        findings.extend(lint_crosswalk())
    return findings


def errors(findings: Iterable[Finding]) -> list[Finding]:
    """Only the findings that block shipping."""
    return [f for f in findings if f.severity == "error"]
