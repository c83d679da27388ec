"""SPF (RFC 7208): the record's syntax, how many DNS lookups it costs, and its final `all` qualifier.

Only what a published record says is judged, never a sender: terms are parsed per section 4.6.1 and
12, and the lookup-causing terms (include, a, mx, ptr, exists, redirect) are counted through
includes and redirects; more than 10 is a permanent error (section 4.6.4). When a way to ask for
other records is given, the targets of `a` and `mx` are looked up too: more than two "void" lookups
(no record, or a name that does not exist) and an `mx` with more than ten exchangers are permanent
errors as well (section 4.6.4). `exists` targets are not asked for (a literal one that does not exist
is the mechanism's ordinary "no match"; checkdmarc counts them the same way).

Macros (section 7) are checked against the grammar of section 7.1 (`%{` letter, digits, `r`,
delimiters `}`, and the escapes `%%`, `%_`, `%-`; `c`, `r` and `t` only in `exp`; none in `ip4`/`ip6`)
and not expanded, as checkdmarc treats them: their values depend on the sender being judged (`%{i}`,
`%{s}`, `%{l}`, `%{o}`, `%{h}`), and a published record is audited without one. A term with a
macro costs its one lookup, is not followed and adds no void lookup; it is listed in `macro_terms`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Awaitable, Callable

from audit.phrases import said
from probes.netreason import reason_of

LOOKUP_LIMIT = 10
"""RFC 7208 section 4.6.4."""
VOID_LIMIT = 2
"""RFC 7208 section 4.6.4: lookups answering no record or NXDOMAIN."""
MX_NAME_LIMIT = 10
"""RFC 7208 section 4.6.4: exchangers an `mx` mechanism may look up."""
MECHANISMS = {"all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists"}
LOOKUP_TERMS = {"include", "a", "mx", "ptr", "exists"}
MACRO_LETTERS = set("slodiphv")
"""Section 7.2: the letters allowed in a domain-spec."""
EXP_ONLY_LETTERS = set("crt")
"""Section 7.2: allowed only in the explanation string of `exp`."""
_MACRO = re.compile(r"%(?:[%_-]|\{([a-zA-Z])([0-9]*)([rR]?)([.\-+,/_=]*)\})")
_TERM = re.compile(r"^([+\-~?]?)([a-z][a-z0-9_.\-]*)(?:([:=/])(.*))?$", re.IGNORECASE)


class SpfError(Exception):
    """A record that is not valid SPF (a permerror); `str()` says why, `args[0]` is that reason as a phrase."""


@dataclass
class SpfResult:
    """The outcome of checking a domain's SPF record."""

    record: str = ""
    valid: bool = False
    error: str = ""
    lookups: int = 0
    void_lookups: int = 0
    """`a` and `mx` targets that had no record (counted only when records could be asked for)."""
    all_qualifier: str = ""
    """'-', '~', '?' or '+' of the final `all` (following redirects); '' when there is none."""
    includes: list[str] = field(default_factory=list)
    macro_terms: list[str] = field(default_factory=list)
    """Terms with a macro (section 7): each counted as one lookup, not expanded nor followed."""


def spf_records(txts: list[str]) -> list[str]:
    """The TXT strings that are SPF records (`v=spf1` alone or followed by a space, section 4.5)."""
    return [t for t in txts if t.lower() == "v=spf1" or t.lower().startswith("v=spf1 ")]


def check_macros(value: str, exp: bool = False) -> bool:
    """Whether `value` holds a macro; SpfError when one is outside the grammar of section 7.1."""
    pos, found = 0, False
    while (start := value.find("%", pos)) != -1:
        match = _MACRO.match(value, start)
        if match is None:
            raise SpfError(said("probe.mail.spf.bad_macro", value=value[:60], position=start))
        letter, digits = match.group(1), match.group(2)
        if letter is not None:
            found = True
            allowed = MACRO_LETTERS | (EXP_ONLY_LETTERS if exp else set())
            if letter.lower() not in allowed:
                if letter.lower() in EXP_ONLY_LETTERS:
                    raise SpfError(said("probe.mail.spf.letter_exp_only", value=value[:60], letter=letter))
                raise SpfError(said("probe.mail.spf.letter_not_allowed", value=value[:60], letter=letter))
            if digits and int(digits) == 0:
                raise SpfError(said("probe.mail.spf.zero_labels", value=value[:60]))
        pos = match.end()
    return found


def parse_terms(record: str) -> list[tuple[str, str, str]]:
    """(qualifier, name, value) for each term; SpfError on a term outside the grammar of section 12."""
    terms = []
    for word in record.split()[1:]:
        match = _TERM.match(word)
        if not match:
            raise SpfError(said("probe.mail.spf.not_a_term", word=word[:60]))
        qualifier, name, sep, value = match.group(1), match.group(2).lower(), match.group(3) or "", match.group(4) or ""
        if sep == "=":
            if qualifier:
                raise SpfError(said("probe.mail.spf.modifier_qualifier", name=name))
            if name in ("redirect", "exp"):
                check_macros(value, exp=name == "exp")
            terms.append(("", f"={name}", value))
            continue
        if name not in MECHANISMS:
            raise SpfError(said("probe.mail.spf.unknown_mechanism", name=name))
        if name in ("include", "exists") and not value:
            raise SpfError(said("probe.mail.spf.needs_domain", name=name))
        if name in ("ip4", "ip6") and not value:
            raise SpfError(said("probe.mail.spf.needs_address", name=name))
        if name in ("ip4", "ip6") and "%" in value:
            raise SpfError(said("probe.mail.spf.macro_in_address", name=name, value=value[:60]))
        if name in LOOKUP_TERMS:
            check_macros(value)
        terms.append((qualifier or "+", name, value))
    modifiers = [n for _, n, _ in terms if n.startswith("=")]
    for once in ("=redirect", "=exp"):
        if modifiers.count(once) > 1:
            raise SpfError(said("probe.mail.spf.repeated_modifier", name=once[1:]))
    return terms


Records = Callable[[str, str], Awaitable[list[str]]]
"""(name, record type) -> the record values, [] for none or NXDOMAIN; raises on unanswered questions."""


async def check_spf(domain: str, txt: Callable[[str], Awaitable[list[str]]],
                    records: Records | None = None) -> SpfResult:
    """Check `domain`'s SPF record, fetching TXT records with `txt` (which raises on unanswered questions).

    With `records`, the targets of `a` and `mx` are looked up for the void-lookup and
    MX-name limits; without it only the lookup count is checked.
    """
    result = SpfResult()
    spf = spf_records(await txt(domain))
    if not spf:
        result.error = said("probe.mail.spf.none")
        return result
    if len(spf) > 1:
        result.record = spf[0]
        result.error = said("probe.mail.spf.several")
        return result
    result.record = spf[0]
    try:
        result.all_qualifier = await _walk(domain, spf[0], txt, result, depth=0, records=records)
    except SpfError as exc:
        result.error = reason_of(exc)  # the phrase it was raised with, not only its English
        return result
    result.valid = result.lookups <= LOOKUP_LIMIT and result.void_lookups <= VOID_LIMIT
    if result.lookups > LOOKUP_LIMIT:
        result.error = said("probe.mail.spf.too_many_lookups", n=result.lookups, limit=LOOKUP_LIMIT)
    elif result.void_lookups > VOID_LIMIT:
        result.error = said("probe.mail.spf.too_many_void", n=result.void_lookups, limit=VOID_LIMIT)
    return result


async def _count_void(name: str, value: str, domain: str, records: Records, result: SpfResult) -> None:
    """Look up the target of an `a` or `mx` term; count it when void (section 4.6.4)."""
    target = value.split("/", 1)[0] or domain
    if "%" in target or result.lookups > LOOKUP_LIMIT:
        return
    if name == "mx":
        found = await records(target, "MX")
        if len(found) > MX_NAME_LIMIT:
            raise SpfError(said("probe.mail.spf.too_many_mx", target=target, n=len(found), limit=MX_NAME_LIMIT))
    else:
        found = await records(target, "A") or await records(target, "AAAA")
    if not found:
        result.void_lookups += 1


async def _walk(domain: str, record: str, txt: Callable[[str], Awaitable[list[str]]], result: SpfResult,
                depth: int, records: Records | None = None) -> str:
    """Count lookups in `record` and its includes; return the `all` qualifier that ends it."""
    terms = parse_terms(record)
    final = ""
    redirect = ""
    for qualifier, name, value in terms:
        if name == "=redirect":
            redirect = value
            continue
        if name in LOOKUP_TERMS:
            result.lookups += 1
            if "%" in value:
                result.macro_terms.append(f"{name}:{value}")
        if name == "all":
            final = qualifier
        if records is not None and name in ("a", "mx"):
            await _count_void(name, value, domain, records, result)
        if name == "include" and "%" not in value and result.lookups <= LOOKUP_LIMIT and depth < LOOKUP_LIMIT:
            result.includes.append(value)
            included = spf_records(await txt(value))
            if len(included) != 1:
                raise SpfError(said("probe.mail.spf.include_records", target=value, n=len(included)))
            await _walk(value, included[0], txt, result, depth + 1, records)
    if redirect and not final:  # a redirect is ignored when the record has an `all` (section 6.1)
        result.lookups += 1
        if "%" in redirect:
            result.macro_terms.append(f"redirect={redirect}")
        if "%" in redirect or result.lookups > LOOKUP_LIMIT or depth >= LOOKUP_LIMIT:
            return ""
        target = spf_records(await txt(redirect))
        if len(target) != 1:
            raise SpfError(said("probe.mail.spf.redirect_records", target=redirect, n=len(target)))
        return await _walk(redirect, target[0], txt, result, depth + 1, records)
    return final
