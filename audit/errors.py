"""Exceptions of l3audit. Each one reads as a complete, one-line message that ends in a hint.

The CLI prints `str(error)` and exits with code 2 for input errors; nothing here imports other
modules of ours.
"""

from __future__ import annotations


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
    ) -> None:
        self.message = message
        self.path = path
        self.line = line
        self.item = item
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path
        if where and self.line is not None:
            where = f"{where}:{self.line}"
        parts = [p for p in (where, self.item) if p]
        text = ": ".join(parts + [self.message])
        if self.hint:
            text += f" (hint: {self.hint})"
        return text


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
