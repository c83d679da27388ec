"""Exit codes of `l3audit`, as Bandit does: 0 clean, 1 findings, 2 usage or input error, 3 incomplete."""

from __future__ import annotations

from typing import Any, Iterable

OK = 0
"""Every requirement that could be judged passed, and nothing failed to measure."""
FINDINGS = 1
"""At least one requirement failed."""
USAGE = 2
"""Bad command line or bad input file (checklist, inventory, target)."""
INCOMPLETE = 3
"""No failure, but some requirement could not be measured (error)."""


def exit_code_for(results: Iterable[dict[str, Any]]) -> int:
    """The exit code for result documents: 1 if any fail, else 3 if any error, else 0."""
    counts = [r["summary"]["counts"] for r in results]
    if any(c.get("fail", 0) for c in counts):
        return FINDINGS
    if any(c.get("error", 0) for c in counts):
        return INCOMPLETE
    return OK
