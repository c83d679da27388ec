"""The checklist condition language: a closed set of operators, evaluated as pure functions.

A condition is `all` / `any` / `not` around leaves `{fact, op, value}` (checkov's YAML checks,
without a string mini-language and without eval). Parsing and checking a condition happens once, at
checklist load (`parse_condition`); evaluation (`evaluate`) only reads facts a probe collected.

A missing fact (absent, or null) satisfies only `absent` and the negative operators (`ne`, `not_in`,
`not_contains`), so a site without an HSTS header fails a `gte` check on its max-age.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Union

from audit.errors import Text, say
from audit.i18n import phrase
from audit.models import Evidence


class Operator(str, enum.Enum):
    """The closed set of leaf operators a checklist may use."""

    EQ = "eq"
    NE = "ne"
    LT = "lt"
    LTE = "lte"
    GT = "gt"
    GTE = "gte"
    IN = "in"
    NOT_IN = "not_in"
    CONTAINS = "contains"
    NOT_CONTAINS = "not_contains"
    CONTAINS_ANY = "contains_any"
    EXISTS = "exists"
    ABSENT = "absent"
    MATCHES = "matches"


NEGATIVE_OPERATORS = frozenset({Operator.NE, Operator.NOT_IN, Operator.NOT_CONTAINS, Operator.ABSENT})
"""Operators a missing fact satisfies."""

_MISSING = object()


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _ordered(compare: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    def test(observed: Any, expected: Any) -> bool:
        return _number(observed) and compare(observed, expected)

    return test


def _equal(observed: Any, expected: Any) -> bool:
    # True == 1 in Python; a checklist that compares a boolean fact with 1 is a mistake, not a match.
    return observed == expected and isinstance(observed, bool) == isinstance(expected, bool)


def _contains(observed: Any, expected: Any) -> bool:
    if isinstance(observed, str):
        return isinstance(expected, str) and expected in observed
    if isinstance(observed, (list, tuple)):
        return expected in observed
    if isinstance(observed, dict):
        return expected in observed
    return False


def _contains_any(observed: Any, expected: Any) -> bool:
    return any(_contains(observed, item) for item in expected)


def _matches(observed: Any, expected: Any) -> bool:
    return isinstance(observed, str) and re.search(expected, observed) is not None


# Each present-fact test takes (observed, expected). Negative operators are the negation of their
# positive twin on present facts, and true on missing ones (handled in `_evaluate_leaf`).
_TESTS: dict[Operator, Callable[[Any, Any], bool]] = {
    Operator.EQ: _equal,
    Operator.NE: lambda o, e: not _equal(o, e),
    Operator.LT: _ordered(lambda o, e: o < e),
    Operator.LTE: _ordered(lambda o, e: o <= e),
    Operator.GT: _ordered(lambda o, e: o > e),
    Operator.GTE: _ordered(lambda o, e: o >= e),
    Operator.IN: lambda o, e: o in e,
    Operator.NOT_IN: lambda o, e: o not in e,
    Operator.CONTAINS: _contains,
    Operator.NOT_CONTAINS: lambda o, e: not _contains(o, e),
    Operator.CONTAINS_ANY: _contains_any,
    Operator.EXISTS: lambda o, e: True,
    Operator.ABSENT: lambda o, e: False,
    Operator.MATCHES: _matches,
}


@dataclass(frozen=True)
class Leaf:
    """`{fact: <dotted name>, op: <operator>, value: ...}`."""

    fact: str
    op: Operator
    value: Any = None


@dataclass(frozen=True)
class AllOf:
    """True when every child is true (an empty `all` is rejected at load)."""

    children: tuple["Condition", ...]


@dataclass(frozen=True)
class AnyOf:
    """True when at least one child is true."""

    children: tuple["Condition", ...]


@dataclass(frozen=True)
class NotOf:
    """True when the child is false."""

    child: "Condition"


Condition = Union[Leaf, AllOf, AnyOf, NotOf]


class ConditionSyntaxError(ValueError):
    """A condition is malformed; `path` is where in the condition (for the caller's location)."""

    def __init__(self, message: Text, hint: Text = "", path: tuple[Any, ...] = ()) -> None:
        super().__init__(say(message, "en"))
        self.phrase = message
        self.hint = hint
        self.path = path


def _check_value(op: Operator, value: Any, has_value: bool, path: tuple[Any, ...]) -> None:
    """Reject a value that cannot work with `op`, with a hint on what would."""
    if op in (Operator.EXISTS, Operator.ABSENT):
        if has_value:
            raise ConditionSyntaxError(phrase("error.condition.takes_no_value", op=op.value),
                                       phrase("error.condition.takes_no_value.hint"), path)
        return
    if not has_value:
        raise ConditionSyntaxError(phrase("error.condition.needs_value", op=op.value),
                                   phrase("error.condition.needs_value.hint"), path)
    if op in (Operator.LT, Operator.LTE, Operator.GT, Operator.GTE) and not _number(value):
        raise ConditionSyntaxError(phrase("error.condition.numbers", op=op.value, value=repr(value)),
                                   phrase("error.condition.numbers.hint"), path)
    if op in (Operator.IN, Operator.NOT_IN, Operator.CONTAINS_ANY) and not isinstance(value, list):
        raise ConditionSyntaxError(phrase("error.condition.list", op=op.value, value=repr(value)),
                                   phrase("error.condition.list.hint"), path)
    if op in (Operator.IN, Operator.NOT_IN, Operator.CONTAINS_ANY) and None in value:
        # YAML reads NULL, null, Null and ~ as "nothing": a list meant to hold the word NULL never matches it
        raise ConditionSyntaxError(phrase("error.condition.null_in_list", op=op.value),
                                   phrase("error.condition.null_in_list.hint"), path)
    if op is Operator.MATCHES:
        if not isinstance(value, str):
            raise ConditionSyntaxError(phrase("error.condition.regex_string"), "", path)
        try:
            re.compile(value)
        except re.error as exc:
            raise ConditionSyntaxError(phrase("error.condition.regex", value=repr(value), problem=f"'{exc}'"), "",
                                       path) from exc


def parse_condition(
    data: Any,
    resolve_value: Callable[[Any, tuple[Any, ...]], Any] = lambda v, p: v,
    path: tuple[Any, ...] = (),
) -> Condition:
    """Turn YAML data into a `Condition`, checking operators and values; facts are checked by the caller.

    `resolve_value` replaces parameter references (`{param: name}`) by their values.
    """
    if not isinstance(data, Mapping):
        raise ConditionSyntaxError(phrase("error.condition.not_mapping", kind=type(data).__name__),
                                   phrase("error.condition.not_mapping.hint"), path)
    combinators = [k for k in ("all", "any", "not") if k in data]
    if combinators:
        if len(data) != 1:
            raise ConditionSyntaxError(phrase("error.condition.alone", key=combinators[0], keys=str(sorted(data))),
                                       phrase("error.condition.alone.hint"), path)
        key = combinators[0]
        inner = data[key]
        if key == "not":
            return NotOf(parse_condition(inner, resolve_value, path + ("not",)))
        if not isinstance(inner, list) or not inner:
            raise ConditionSyntaxError(phrase("error.condition.empty_list", key=key), "", path + (key,))
        children = tuple(parse_condition(c, resolve_value, path + (key, i)) for i, c in enumerate(inner))
        return AllOf(children) if key == "all" else AnyOf(children)
    unknown = sorted(set(data) - {"fact", "op", "value"})
    if unknown:
        raise ConditionSyntaxError(phrase("error.condition.unknown_keys", keys=str(unknown)),
                                   phrase("error.condition.unknown_keys.hint"), path)
    if "fact" not in data or "op" not in data:
        raise ConditionSyntaxError(phrase("error.condition.leaf"), "", path)
    try:
        op = Operator(data["op"])
    except ValueError:
        known = ", ".join(o.value for o in Operator)
        raise ConditionSyntaxError(phrase("error.condition.unknown_op", op=repr(data["op"])),
                                   phrase("error.use_one_of", choices=known), path) from None
    has_value = "value" in data
    value = resolve_value(data.get("value"), path + ("value",)) if has_value else None
    _check_value(op, value, has_value, path)
    return Leaf(fact=str(data["fact"]), op=op, value=value)


def leaves(condition: Condition) -> list[Leaf]:
    """Every leaf of a condition, in order; used to find the facts (and so the probes) it needs."""
    if isinstance(condition, Leaf):
        return [condition]
    if isinstance(condition, NotOf):
        return leaves(condition.child)
    return [leaf for child in condition.children for leaf in leaves(child)]


def _evaluate_leaf(leaf: Leaf, facts: Mapping[str, Any]) -> tuple[bool, Evidence]:
    observed = facts.get(leaf.fact, _MISSING)
    present = observed is not _MISSING and observed is not None
    if present:
        satisfied = bool(_TESTS[leaf.op](observed, leaf.value))
    else:
        satisfied = leaf.op in NEGATIVE_OPERATORS
    evidence = Evidence(
        fact=leaf.fact,
        op=leaf.op.value,
        expected=leaf.value,
        observed=observed if present else None,
        present=present,
        satisfied=satisfied,
    )
    return satisfied, evidence


def evaluate(condition: Condition, facts: Mapping[str, Any]) -> tuple[bool, list[Evidence]]:
    """Evaluate a condition on flat facts; return whether it holds and every leaf that was looked at.

    All leaves are evaluated (no short-circuit) so that reports show the whole evidence.
    """
    if isinstance(condition, Leaf):
        satisfied, leaf_evidence = _evaluate_leaf(condition, facts)
        return satisfied, [leaf_evidence]
    if isinstance(condition, NotOf):
        satisfied, evidence = evaluate(condition.child, facts)
        return not satisfied, evidence
    results = [evaluate(child, facts) for child in condition.children]
    collected = [e for _, ev in results for e in ev]
    if isinstance(condition, AllOf):
        return all(ok for ok, _ in results), collected
    return any(ok for ok, _ in results), collected
