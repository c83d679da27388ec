"""Exceptions of l3audit. Each one reads as a complete, one-line message that ends in a hint.

The CLI prints `error.localized(lang)` and exits with code 2 for input errors; nothing here imports
other modules of ours. A message (and a located error's item and hint) may be a plain English string
or a `Phrase`: a catalogue key with its values (`audit.i18n.phrase`), rendered late, so that the CLI
says it in the command's language while `str(error)` stays English for logs and stored results.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, Union


class Phrase(Protocol):
    """A text that can be said in a language: `audit.i18n.Phrase` (a catalogue key and its values)."""

    def render(self, lang: str) -> str:
        """The text in `lang` (English when `lang` lacks it)."""


Text = Union[str, Phrase]
"""An English string, or a phrase of the catalogue."""


def say(text: Text, lang: str) -> str:
    """`text` in `lang`: a string is returned as it is, a phrase is rendered."""
    return text if isinstance(text, str) else text.render(lang)


class AuditError(Exception):
    """Base of every error l3audit raises on purpose; its first argument may be a `Phrase`."""

    def __init__(self, message: Text = "", *args: object) -> None:
        self.phrase = message
        super().__init__(say(message, "en"), *args)

    def localized(self, lang: str, hint_word: str = "hint") -> str:
        """The message in `lang` (English text of unconverted messages stays as it is)."""
        return str(self) if isinstance(self.phrase, str) else say(self.phrase, lang)


class LocatedError(AuditError):
    """An error in an input file: says which file, where, which item, what is wrong and what to do."""

    def __init__(
        self,
        message: Text,
        *,
        path: str = "",
        line: int | None = None,
        item: Text = "",
        hint: Text = "",
        more: Sequence[LocatedError] = (),
    ) -> None:
        self.phrases = (message, item, hint)
        self.message = say(message, "en")
        self.path = path
        self.line = line
        self.item = say(item, "en")
        self.hint = say(hint, "en")
        self.more = tuple(more)
        """Further problems found in the same file, reported with this one (one line each)."""
        super().__init__(self.message)
        self.args = (str(self),)

    def __str__(self) -> str:
        return "\n".join([self._compose(self.message, self.item, self.hint, "hint")] + [str(m) for m in self.more])

    def localized(self, lang: str, hint_word: str = "hint") -> str:
        """Where, item, message and hint, the phrases among them said in `lang` (`hint_word` as the hint's label).

        A subclass that writes its own `__str__` and no `localized` is shown as its `__str__` says.
        """
        if type(self).__str__ is not LocatedError.__str__:
            return str(self)
        message, item, hint = (say(text, lang) for text in self.phrases)
        return "\n".join([self._compose(message, item, hint, hint_word)]
                         + [m.localized(lang, hint_word) for m in self.more])

    def _compose(self, message: str, item: str, hint: str, hint_word: str) -> str:
        where = self.path
        if where and self.line is not None:
            where = f"{where}:{self.line}"
        parts = [p for p in (where, item) if p]
        text = ": ".join(parts + [message])
        if hint:
            text += f" ({hint_word}: {hint})"
        return text

    @property
    def problems(self) -> tuple[LocatedError, ...]:
        """This problem and the further ones, each on its own."""
        return (self,) + tuple(q for m in self.more for q in m.problems)


def raise_all(problems: Sequence[LocatedError]) -> None:
    """Raise nothing, or the first problem carrying the others (`more`), so a file's problems show at once."""
    if problems:
        first = problems[0]
        message, item, hint = first.phrases
        raise type(first)(message, path=first.path, line=first.line, item=item, hint=hint,
                          more=[*first.more, *problems[1:]])


class ChecklistError(LocatedError):
    """A checklist (catalogue) file is malformed, refers to unknown facts, or breaks a rule."""


class TrustAnchorError(LocatedError):
    """A DNSSEC trust-anchor file (`--trust-anchor`) cannot be read or has a line that is no DS/DNSKEY record."""


class InventoryError(LocatedError):
    """An inventory of outlets is malformed, or a site in it cannot be parsed."""


class TargetError(AuditError):
    """A target given on the command line cannot be parsed or is outside the audit's scope."""


class ProbeError(AuditError):
    """A probe could not measure. The engine turns it into an `error` attempt, never a `fail`."""


class ResultError(AuditError):
    """A stored result file cannot be read (wrong schema version, truncated, not JSON)."""


class StoreError(AuditError):
    """The results database cannot be used (locked, down, newer schema, bad URL); nothing was half-written."""


class ScheduleError(AuditError):
    """A schedule, job or queue request that cannot be done (unknown schedule, Redis unreachable, ...)."""


class AlertConfigError(LocatedError):
    """The alerts file (`l3audit worker --alerts`) is not usable: which file, which field, what to do."""
