"""Why a requirement has its status, written out in the report's language.

A result stores its reason as a short English line for logs and machines ("failed check(s): ...",
"declared partly implemented"); the report writes sentences instead, from the structured parts the
result carries beside it: each site's evidence, the self-assessment answer and its review, the
conflict with the probe, the waiver and any expired one. Texts written by people (justifications,
reviewers' reasons) and by servers (error reasons) are quoted as they are. When a result holds none
of those parts, the stored line is shown, so nothing is lost.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from audit.phrases import USUAL_TEXTS, translate_within
from audit.report.fact_texts import fact_in_language
from audit.report.messages import msg
from audit.report.text import format_datetime, format_number, short

STRUCTURED_KEYS = ("answer", "conflict", "waiver", "expired_waivers", "evidence_flags", "credit")
"""Parts of a requirement result that become sentences (not a table of raw keys)."""


def _value(value: Any, lang: str) -> str:
    if isinstance(value, bool):
        return msg("yes", lang) if value else msg("no", lang)
    return format_number(value, lang)


def _failed_checks(site: dict[str, Any], lang: str, supporting: bool = False) -> str:
    """The facts that did not hold, of the deciding checks (or, with `supporting`, of the site's signals)."""
    signals = site.get("signals") or []
    parts = []
    for ev in site.get("evidence") or []:
        if not isinstance(ev, dict) or ev.get("satisfied"):
            continue
        if (ev.get("signal") in signals) if supporting else not ev.get("signal"):
            fact = str(ev.get("fact", "?"))
            observed = _value(fact_in_language(fact, ev.get("observed"), lang), lang) if ev.get("present", True) \
                else msg("report.absent", lang)
            parts.append(msg("reason.fact", lang, fact=short(ev.get("fact", "?"), 120), observed=observed,
                             expected=_value(fact_in_language(fact, ev.get("expected"), lang), lang)))
    return "; ".join(parts)


EVALUATION_PHRASES: dict[str, dict[str, Any]] = {
    "probe did not run": {"phrase": "probe.run.not_run", "values": {}},
    "does not apply to this site": {"phrase": "probe.run.not_applicable", "values": {}},
}
"""English reasons `audit.evaluation` itself writes into a site's error reason, as stored phrases."""

LIBRARY_PHRASES: dict[str, dict[str, Any]] = {
    text: {"phrase": key, "values": {}} for text, key in USUAL_TEXTS.items() if len(text.split()) >= 3}
"""httpx's and the socket layer's usual failures (`audit.phrases.USUAL_TEXTS`), for results stored before probes kept
their phrases; only texts of three words or more, so that no shorter one is replaced inside other words."""


def result_phrases(result: Mapping[str, Any]) -> dict[str, Any]:
    """{English text: stored phrase} of every probe attempt of `result` (`audit.phrases`), for its reasons."""
    known: dict[str, Any] = {**LIBRARY_PHRASES, **EVALUATION_PHRASES}
    for attempt in result.get("probe_attempts") or []:
        stored = attempt.get("phrases") if isinstance(attempt, dict) else None
        if isinstance(stored, dict):
            known.update(stored)
    return known


def site_sentence(site: dict[str, Any], lang: str, phrases: Mapping[str, Any] | None = None) -> str:
    """One sentence for one site's outcome; `phrases` (`result_phrases`) say the probes' reasons in `lang`."""
    target, status = short(site.get("target", "?"), 200), site.get("status")
    if status == "pass":
        return msg("reason.site_pass", lang, site=target)
    if status == "fail":
        checks, signals = _failed_checks(site, lang), _failed_checks(site, lang, supporting=True)
        text = msg("reason.site_fail", lang, site=target, checks=checks) if checks else \
            msg("reason.site_fail_plain", lang, site=target)
        return f"{text} {msg('reason.site_signals', lang, site=target, checks=signals)}" if signals else text
    if status == "waived":
        return msg("reason.site_waived", lang, site=target)
    if status == "manual":
        signals = _failed_checks(site, lang, supporting=True)
        return msg("reason.site_signals", lang, site=target, checks=signals) if signals else \
            msg("reason.site_manual", lang, site=target)
    if status == "not_applicable":
        detail = translate_within(str(site.get("reason", "")), EVALUATION_PHRASES if phrases is None else phrases, lang)
        return msg("reason.site_na", lang, site=target, detail=short(detail))
    detail = str(site.get("reason", ""))
    # audit.evaluation wraps the probes' reasons as "could not measure (...)"; the sentence says so already.
    if detail.startswith(_UNMEASURED) and detail.endswith(")"):
        detail = detail[len(_UNMEASURED):-1]
    detail = translate_within(detail, EVALUATION_PHRASES if phrases is None else phrases, lang)
    return msg("reason.site_error", lang, site=target, detail=short(detail) or "?")


_UNMEASURED = "could not measure ("


def _who(record: dict[str, Any], name_key: str, time_key: str, lang: str) -> str:
    name = short(record.get(name_key) or "?", 80)
    when = format_datetime(record.get(time_key), lang) if record.get(time_key) else ""
    return f"{name}, {when}" if when else name


def _evidence_file(item: dict[str, Any]) -> str:
    """An evidence file or URL, with the start of its SHA-256 so a reader can match the file."""
    name = short(item.get("path") or item.get("url") or "?", 120)
    digest = str(item.get("sha256") or "")
    return f"{name} (SHA-256 {digest[:16]}…)" if digest else name


def answer_sentences(answer: dict[str, Any], lang: str) -> list[str]:
    """The outlet's answer and the reviewer's decision on it, as sentences."""
    value = answer.get("answer")
    label = msg(f"answer.{value}", lang) if value else msg("reason.unanswered", lang)
    out = [msg("reason.answer", lang, answer=label, who=_who(answer, "answered_by", "answered_at", lang))]
    if answer.get("justification"):
        out.append(msg("reason.justification", lang, text=short(answer["justification"])))
    if answer.get("text"):
        out.append(msg("reason.answer_text", lang, text=short(answer["text"])))
    files = [_evidence_file(e) for e in answer.get("evidence") or [] if isinstance(e, dict)]
    if files:
        out.append(msg("reason.evidence_files", lang, files=", ".join(files)))
    review = answer.get("review")
    if isinstance(review, dict):
        who = _who(review, "reviewer", "reviewed_at", lang)
        if review.get("decision") == "accepted":
            out.append(msg("reason.review_accepted", lang, who=who))
        else:
            out.append(msg("reason.review_rejected", lang, who=who, why=short(review.get("reason") or "?")))
    elif value:
        out.append(msg("reason.awaiting_review", lang))
    return out


def waiver_sentence(waiver: dict[str, Any], lang: str) -> str:
    """A valid waiver: who approved it, until when, why, and whether the check still runs."""
    text = msg("reason.waiver", lang, id=short(waiver.get("id", "?"), 60), expires=short(waiver.get("expires", "?"), 40),
               approver=short(waiver.get("approver") or "?", 80), justification=short(waiver.get("justification") or "?"))
    still = msg("reason.waiver_still_checked", lang) if waiver.get("check_still_runs") else msg("reason.waiver_not_checked", lang)
    return f"{text} {still}"


def _conflict(data: dict[str, Any], lang: str) -> str:
    conflict = data.get("conflict")
    if isinstance(conflict, dict):  # {"answer": ..., "probe": ...}
        answer, probe = conflict.get("answer"), conflict.get("probe")
    else:  # older results: the sentence only, answer taken from the answer block
        answer = (data.get("answer") or {}).get("answer") if isinstance(data.get("answer"), dict) else None
        probe = data.get("status")
    answer_text = msg(f"answer.{answer}", lang) if answer else msg("reason.unanswered", lang)
    return msg("reason.conflict", lang, answer=answer_text, status=msg(f"status.{probe}", lang))


def reason_sentences(data: dict[str, Any], lang: str, phrases: Mapping[str, Any] | None = None) -> list[str]:
    """Why the requirement has its status: sentences in `lang` from the result's structured parts.

    `phrases` (`result_phrases` of the result) say the probes' stored English reasons in `lang`.
    """
    out: list[str] = []
    sites = [s for s in data.get("sites") or [] if isinstance(s, dict)]
    source, status = data.get("source"), data.get("status")
    if isinstance(data.get("waiver"), dict):
        out.append(waiver_sentence(data["waiver"], lang))
    if isinstance(data.get("answer"), dict) and source in ("answer", "review"):
        out += answer_sentences(data["answer"], lang)
        if data.get("credit") == "partial":
            out.append(msg("reason.partial_credit", lang))
    elif sites:
        passed = [s for s in sites if s.get("status") == "pass"]
        if len(passed) == len(sites):
            out.append(msg("reason.all_pass", lang, n=len(sites)) if len(sites) > 1 else site_sentence(sites[0], lang, phrases))
        else:
            out += [site_sentence(s, lang, phrases) for s in sites if s.get("status") != "pass"]
            if passed:
                out.append(msg("reason.others_pass", lang, n=len(passed)))
    elif status == "manual":
        out.append(msg("reason.manual", lang))
    if "conflict" in data:
        out.append(_conflict(data, lang))
    if data.get("evidence_flags"):
        out.append(msg("reason.evidence_changed", lang, files="; ".join(short(f, 120) for f in data["evidence_flags"])))
    for waiver in data.get("expired_waivers") or []:
        if isinstance(waiver, dict):
            out.append(msg("reason.waiver_expired", lang, id=short(waiver.get("id", "?"), 60),
                           expires=short(waiver.get("expires", "?"), 40)))
    if not out:  # nothing structured (tailoring, applies_if, an older result): the stored line
        out.append(short(data.get("reason", "")))
    return out


def short_reason(data: dict[str, Any], lang: str, phrases: Mapping[str, Any] | None = None) -> str:
    """The first sentence only, for summary tables."""
    return reason_sentences(data, lang, phrases)[0]
