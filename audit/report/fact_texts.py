"""Fact values said in the report's language: cipher-suite weakness labels and bilingual objects.

Probes store some words inside fact values: the weakness classes of a cipher suite ("static key
exchange", "CBC in SSLv3/TLS 1.0", the names of shared/reference/probe-rules.md 4.1/4.4, which the
checklists compare against), texts in both languages ({"vi": ..., "en": ...} objects, a "reason"
beside its "reason_vi") and the Mozilla-profile issues (`probes.tls.grade.mozilla_issues`, phrases
since issue 15). They are translated here at render time, from fixed tables of the English texts,
so results stored by older releases read the same. Codes, ids and what servers sent stay as they
are. An English report shows every value exactly as stored.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from audit.i18n import t
from audit.report.messages import msg

WEAKNESS_KEYS = {
    "static key exchange": "suite_weakness.static_key_exchange",
    "anonymous": "suite_weakness.anonymous",
    "CBC in SSLv3/TLS 1.0": "suite_weakness.cbc_old_protocol",
    "64-bit block": "suite_weakness.block_64",
    "<112-bit": "suite_weakness.under_112",
    "NULL": "suite_weakness.null",
    "EXPORT": "suite_weakness.export",
    "RC4": "suite_weakness.rc4",
    "unknown suite": "suite_weakness.unknown",
}
"""English weakness label (probes.tls.wire.suites `weaknesses`, probes.tls.probe) -> report message key."""

MOZILLA_ISSUE_KEYS = tuple(f"probe.tls.mozilla.{name}" for name in (
    "protocols", "suites", "groups", "ecdh_bits", "dh_bits", "untrusted", "key_type", "rsa_bits", "curve", "signature",
    "lifespan", "compression", "heartbleed", "ccs_injection", "no_fallback_scsv", "no_secure_renegotiation",
    "no_extended_master_secret"))
"""The messages of `probes.tls.grade.mozilla_issues`: results stored before the issues kept their phrases
(`audit.phrases`) are read back against these English texts."""

_MAX_DEPTH = 8
"""How deep bilingual objects are looked for: fact values are shallow, a hostile one must not recurse forever."""

_MAX_ITEMS = 500
"""Items of one list or object looked at; the rest are shown as stored (the value is cut for display anyway)."""


def weakness_text(label: Any, lang: str) -> Any:
    """One weakness label in `lang`; a label we do not know (or not a string) as stored."""
    if lang == "en" or not isinstance(label, str) or label not in WEAKNESS_KEYS:
        return label
    return msg(WEAKNESS_KEYS[label], lang)


def weak_suite_line(line: Any, lang: str) -> Any:
    """A `tls.weak_cipher_suites` line ("TLSv1.0 NAME: static key exchange, anonymous") in `lang`."""
    if lang == "en" or not isinstance(line, str) or ": " not in line:
        return line
    suite, _, labels = line.partition(": ")
    return f"{suite}: {', '.join(str(weakness_text(w, lang)) for w in labels.split(', '))}"


@functools.lru_cache(maxsize=1)
def _issue_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(key, the English text as a pattern, each `{name}` a named group) of every Mozilla issue."""
    out = []
    for key in MOZILLA_ISSUE_KEYS:
        parts = re.split(r"\{(\w+)\}", t(key, "en"))
        pattern = "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts))
        out.append((key, re.compile(pattern)))
    return tuple(out)


def mozilla_issue_text(issue: Any, lang: str) -> Any:
    """A stored Mozilla-profile issue ("protocols TLSv1.0 are accepted but should be refused") in `lang`.

    For results written before the issues kept their phrases; a text that matches no issue is left as stored.
    """
    if lang == "en" or not isinstance(issue, str):
        return issue
    for key, pattern in _issue_patterns():
        found = pattern.fullmatch(issue)
        if found:
            return t(key, lang, **found.groupdict())
    return issue


def _bilingual(value: dict[str, Any], lang: str) -> Any:
    """The text of `lang` when `value` is exactly a {"vi": ..., "en": ...} object, else None."""
    if set(value) == {"vi", "en"} and all(isinstance(v, str) for v in value.values()):
        return value[lang] if value.get(lang) else value["en"]
    return None


def in_language(value: Any, lang: str, depth: int = 0) -> Any:
    """`value` with its bilingual texts and weakness labels said in `lang` only (codes kept).

    {"vi": ..., "en": ...} becomes the text of `lang`; {"reason": en, "reason_vi": vi} keeps one
    "reason" in `lang`; a "weaknesses" list has its labels translated. Recursive, `_MAX_DEPTH` deep.
    """
    if lang == "en" or depth > _MAX_DEPTH:
        return value
    if isinstance(value, list):
        return [in_language(v, lang, depth + 1) for v in value[:_MAX_ITEMS]] + value[_MAX_ITEMS:]
    if not isinstance(value, dict):
        return value
    picked = _bilingual(value, lang)
    if picked is not None:
        return picked
    out: dict[str, Any] = {}
    for i, (name, item) in enumerate(value.items()):
        if i >= _MAX_ITEMS:
            out[name] = item
        elif name == "weaknesses" and isinstance(item, list):
            out[name] = [weakness_text(w, lang) for w in item]
        elif name == "reason_vi" and "reason" in value:
            continue
        elif name == "reason" and isinstance(value.get("reason_vi"), str) and value["reason_vi"] and lang == "vi":
            out[name] = value["reason_vi"]
        else:
            out[name] = in_language(item, lang, depth + 1)
    return out


def fact_in_language(name: str, value: Any, lang: str) -> Any:
    """The value of fact `name` as a report in `lang` shows it (English: as stored)."""
    if lang == "en":
        return value
    if name == "tls.weak_cipher_suites" and isinstance(value, list):
        return [weak_suite_line(line, lang) for line in value]
    if name == "tls.weak_cipher_classes" and isinstance(value, list):
        return [weakness_text(label, lang) for label in value]
    if name.startswith("tls.mozilla_issues.") and isinstance(value, list):
        return [mozilla_issue_text(issue, lang) for issue in value]
    return in_language(value, lang)
