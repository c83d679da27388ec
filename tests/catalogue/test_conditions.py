"""The condition language as pure functions: every operator, missing facts, and parse errors."""

from __future__ import annotations

import pytest

from audit.catalogue.conditions import AllOf, ConditionSyntaxError, Leaf, Operator, evaluate, parse_condition


def holds(data: dict, facts: dict) -> bool:
    return evaluate(parse_condition(data), facts)[0]


@pytest.mark.parametrize(
    ("op", "value", "observed", "expected"),
    [
        ("eq", True, True, True),
        ("eq", True, False, False),
        ("eq", 1, True, False),  # a boolean is not the number 1
        ("ne", "a", "b", True),
        ("lt", 10, 9, True),
        ("lte", 10, 10, True),
        ("gt", 10, 10, False),
        ("gte", 10, 11, True),
        ("gte", 10, "11", False),  # text never compares as a number
        ("in", ["a", "b"], "a", True),
        ("not_in", ["a", "b"], "c", True),
        ("contains", 22, [22, 80], True),
        ("contains", "nosniff", "x nosniff", True),
        ("not_contains", 22, [80], True),
        ("contains_any", [22, 3389], [80, 3389], True),
        ("contains_any", [22, 3389], [80, 443], False),
        ("matches", "(?i)^deny$", "DENY", True),
        ("matches", "^deny$", 5, False),
    ],
)
def test_given_a_present_fact_when_evaluated_then_operator_decides(op, value, observed, expected) -> None:
    assert holds({"fact": "x.y", "op": op, "value": value}, {"x.y": observed}) is expected


@pytest.mark.parametrize("op", ["eq", "lt", "lte", "gt", "gte", "in", "contains", "contains_any", "matches"])
def test_given_a_missing_fact_then_positive_operators_fail(op) -> None:
    value = {"in": ["a"], "contains_any": ["a"], "matches": "a"}.get(op, 1)
    assert holds({"fact": "x.y", "op": op, "value": value}, {}) is False
    assert holds({"fact": "x.y", "op": op, "value": value}, {"x.y": None}) is False


@pytest.mark.parametrize("op", ["ne", "not_in", "not_contains"])
def test_given_a_missing_fact_then_negative_operators_hold(op) -> None:
    value = ["a"] if op == "not_in" else "a"
    assert holds({"fact": "x.y", "op": op, "value": value}, {}) is True


def test_exists_and_absent() -> None:
    assert holds({"fact": "a", "op": "exists"}, {"a": 0}) is True
    assert holds({"fact": "a", "op": "exists"}, {}) is False
    assert holds({"fact": "a", "op": "absent"}, {}) is True
    assert holds({"fact": "a", "op": "absent"}, {"a": False}) is False


def test_combinators_evaluate_every_leaf_for_evidence() -> None:
    cond = parse_condition({"all": [
        {"fact": "a", "op": "eq", "value": 1},
        {"any": [{"fact": "b", "op": "eq", "value": 2}, {"not": {"fact": "c", "op": "exists"}}]},
    ]})
    assert isinstance(cond, AllOf)
    ok, evidence = evaluate(cond, {"a": 0, "b": 2})
    assert ok is False
    assert [e.fact for e in evidence] == ["a", "b", "c"]
    assert [e.satisfied for e in evidence] == [False, True, False]


def test_fact_names_with_dots_in_a_segment_are_plain_keys() -> None:
    assert holds({"fact": "tls.protocols.TLSv1.0", "op": "eq", "value": False}, {"tls.protocols.TLSv1.0": False})


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"fact": "a", "op": "equals", "value": 1}, "unknown operator 'equals'"),
        ({"fact": "a", "op": "gte", "value": "x"}, "compares numbers"),
        ({"fact": "a", "op": "in", "value": "x"}, "needs a list"),
        ({"fact": "a", "op": "exists", "value": 1}, "takes no value"),
        ({"fact": "a", "op": "eq"}, "needs a 'value'"),
        ({"fact": "a", "op": "matches", "value": "("}, "invalid regular expression"),
        ({"all": []}, "non-empty list"),
        ({"all": [{"fact": "a", "op": "exists"}], "any": []}, "must stand alone"),
        ({"fact": "a", "op": "eq", "value": 1, "extra": 2}, "unknown key"),
        (["a"], "must be a mapping"),
    ],
)
def test_given_a_malformed_condition_then_parse_says_what_is_wrong(data, message) -> None:
    with pytest.raises(ConditionSyntaxError, match=message):
        parse_condition(data)


def test_parse_resolves_parameters() -> None:
    cond = parse_condition({"fact": "a", "op": "gte", "value": {"param": "n"}},
                           lambda v, p: 7 if isinstance(v, dict) else v)
    assert cond == Leaf("a", Operator.GTE, 7)
