"""Exceptions of l3audit. Each one reads as a complete, one-line message that ends in a hint.

The CLI prints `str(error)` and exits with code 2 for input errors; nothing here imports other
modules of ours.
"""

from __future__ import annotations

from collections.abc import Sequence


class AuditError(Exception):
    """Base of every error l3audit raises on purpose."""


class LocatedError(AuditError):
    """An error in an input file: says which file, where, which item, what is wrong and what to do."""

    def __init__(
        self,
        message: str,
        *,
        path: str = "",
        line: int | None = None,
        item: str = "",
        hint: str = "",
        more: Sequence[LocatedError] = (),
    ) -> None:
        self.message = message
        self.path = path
        self.line = line
        self.item = item
        self.hint = hint
        self.more = tuple(more)
        """Further problems found in the same file, reported with this one (one line each)."""
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path
        if where and self.line is not None:
            where = f"{where}:{self.line}"
        parts = [p for p in (where, self.item) if p]
        text = ": ".join(parts + [self.message])
        if self.hint:
            text += f" (hint: {self.hint})"
        return "\n".join([text] + [str(m) for m in self.more])

    @property
    def problems(self) -> tuple[LocatedError, ...]:
        """This problem and the further ones, each on its own."""
        return (self,) + tuple(q for m in self.more for q in m.problems)


def raise_all(problems: Sequence[LocatedError]) -> None:
    """Raise nothing, or the first problem carrying the others (`more`), so a file's problems show at once."""
    if problems:
        first = problems[0]
        raise type(first)(first.message, path=first.path, line=first.line, item=first.item, hint=first.hint,
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
