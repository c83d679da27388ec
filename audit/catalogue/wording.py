"""A requirement's checks and conditions said in words, for `l3audit checklist show` and other readers.

The checklist language is data (`all` / `any` / `not` around `{fact, op, value}` leaves, see
`audit.catalogue.conditions`); a person reading a catalogue wants the sentence it stands for:
"tls.protocols.TLSv1.0 bằng false". Fact names and values stay as they are (they are ids and
data); the operators and the combinators come from the message catalogue. Pure functions.
"""

from __future__ import annotations

import json
from typing import Any

from audit.catalogue.conditions import AllOf, AnyOf, Condition, Leaf, NotOf, Operator
from audit.i18n import t

_NO_VALUE = (Operator.EXISTS, Operator.ABSENT)


def value_text(value: Any) -> str:
    """A condition's value as written in a catalogue (JSON-like: true, 3, "x", [a, b])."""
    return json.dumps(value, ensure_ascii=False)


def condition_lines(condition: Condition, lang: str, depth: int = 0) -> list[str]:
    """The condition as indented lines: one per leaf, a heading line per `all` / `any` / `not`."""
    pad = "  " * depth
    if isinstance(condition, Leaf):
        op = t(f"condition.op.{condition.op.value}", lang)
        if condition.op in _NO_VALUE:
            return [f"{pad}{condition.fact} {op}"]
        return [f"{pad}{condition.fact} {op} {value_text(condition.value)}"]
    if isinstance(condition, NotOf):
        return [f"{pad}{t('condition.not', lang)}"] + condition_lines(condition.child, lang, depth + 1)
    key = "condition.all" if isinstance(condition, AllOf) else "condition.any"
    assert isinstance(condition, (AllOf, AnyOf))
    lines = [f"{pad}{t(key, lang)}"]
    for child in condition.children:
        lines += condition_lines(child, lang, depth + 1)
    return lines
