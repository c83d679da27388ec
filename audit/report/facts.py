"""The appendix of raw probe facts, arranged for reading: TLS versions and suites, the certificate,
open ports, HTTP headers, then every fact as name and value.

Probes add facts over time (cipher suites per version, observatory scores, exposure checks); the
arrangement picks out the names it knows and leaves everything, known or not, in the full list, so a
new fact is never lost from the report.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from audit.phrases import say_stored, translate_within
from audit.report.fact_texts import fact_in_language, weakness_text
from audit.report.messages import msg
from audit.report.text import format_datetime, format_number, short

Row = dict[str, str]

_CERT_KEYS = ("subject", "issuer", "san", "not_before", "not_after", "days_until_expiry", "key_type", "key_bits",
              "signature_algorithm", "trusted", "verify_error", "self_signed", "hostname_matches", "serial")


def _yes_no(value: Any, lang: str) -> str:
    if isinstance(value, bool):
        return msg("yes", lang) if value else msg("no", lang)
    return format_number(value, lang)


def tls_protocol_rows(facts: dict[str, Any], lang: str) -> list[Row]:
    """One row per TLS version the probe tried: accepted or refused."""
    prefix = "tls.protocols."
    return [{"name": key[len(prefix):], "value": msg("accepted", lang) if value else msg("refused", lang),
             "ok": "fail" if value and key[len(prefix):] in ("SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1") else "pass"}
            for key, value in sorted(facts.items()) if key.startswith(prefix) and isinstance(value, bool)]


def _suite_line(item: Any, lang: str) -> str:
    """One suite: its name, then bits, AEAD / forward secrecy, and weaknesses (said in `lang`) when the probe gave them."""
    if not isinstance(item, dict):
        return short(item, 120)
    notes = [f"{item['bits']} bit"] if isinstance(item.get("bits"), int) else []
    notes += [flag.upper() if flag == "aead" else "FS" for flag in ("aead", "forward_secrecy") if item.get(flag)]
    weak = [short(weakness_text(w, lang), 60) for w in item.get("weaknesses") or []]
    line = short(item.get("name", "?"), 120) + (f" ({', '.join(notes)})" if notes else "")
    return line + (f" ⚠ {'; '.join(weak)}" if weak else "")


def tls_suite_rows(facts: dict[str, Any], lang: str = "en") -> list[Row]:
    """One row per TLS version with its suites, one per line (`tls.cipher_suite_details.<version>` when
    the probe recorded details, else the names in `tls.cipher_suites.<version>`); weaknesses said in `lang`."""
    rows = []
    for key, value in sorted(facts.items()):
        if not key.startswith("tls.cipher_suites."):
            continue
        version = key[len("tls.cipher_suites."):]
        detailed = facts.get(f"tls.cipher_suite_details.{version}")
        items = detailed if isinstance(detailed, list) else value if isinstance(value, list) else [value]
        rows.append({"name": version, "value": "\n".join(_suite_line(i, lang) for i in items[:200])})
    return rows


def _reason(item: dict[str, Any], lang: str) -> str:
    reason = item.get("reason")
    if isinstance(reason, dict):
        return short(reason.get(lang) or reason.get("vi") or "")
    if lang == "vi" and item.get("reason_vi"):
        return short(item["reason_vi"])
    return short(reason or "")


def rating_rows(facts: dict[str, Any], lang: str) -> list[Row]:
    """Grades and scores (TLS grade with its caps, HTTP Observatory score with its deductions)."""
    rows = []
    for key in ("tls.grade", "tls.grade_if_trusted", "tls.grade_score", "tls.mozilla_profile",
                "http.observatory.grade", "http.observatory.score"):
        if key in facts:
            rows.append({"name": key, "value": format_number(facts[key], lang)})
    for key in ("tls.grade_caps", "tls.grade_warnings"):
        for item in facts.get(key) or []:
            if isinstance(item, dict):
                cap = f"{short(item.get('cap'), 4)}: " if item.get("cap") else ""
                rows.append({"name": f"{key}.{short(item.get('code', '?'), 40)}", "value": cap + _reason(item, lang)})
    for item in facts.get("http.observatory.modifiers") or []:
        if isinstance(item, dict) and item.get("modifier"):
            rows.append({"name": f"http.observatory.{short(item.get('test', '?'), 60)}",
                         "value": f"{item['modifier']:+}: {_reason(item, lang)}"
                         if isinstance(item["modifier"], int) else _reason(item, lang)})
    return rows


def certificate_rows(facts: dict[str, Any], lang: str, phrases: Mapping[str, Any] | None = None) -> list[Row]:
    """The certificate's subject, issuer, validity, key and trust; then its chain, if recorded.

    Why it does not verify (`verify_error`, cryptography's words) is said in `lang` when the attempt
    stored its phrase (`audit.phrases`)."""
    rows = []
    for key in _CERT_KEYS:
        full = f"tls.certificate.{key}"
        if full in facts:
            value = facts[full]
            if key == "verify_error" and isinstance(value, str):
                value = say_stored(value, phrases, lang)
            text = format_datetime(value, lang) if key.startswith("not_") else _yes_no(value, lang)
            rows.append({"name": key, "value": text})
    for key in ("chain_length", "chain_in_order", "missing_intermediate"):
        if f"tls.certificate.{key}" in facts:
            rows.append({"name": key, "value": _yes_no(facts[f"tls.certificate.{key}"], lang)})
    chain = facts.get("tls.certificate.chain_subjects") or facts.get("tls.certificate.chain")
    if isinstance(chain, list):
        for i, cert in enumerate(chain[:10]):
            rows.append({"name": f"chain[{i}]", "value": short(cert)})
    return rows


def port_rows(facts: dict[str, Any]) -> list[Row]:
    """One row per open port: number, protocol, service, product and version."""
    rows = []
    for item in (facts.get("ports.open") or [])[:500]:
        if isinstance(item, dict):
            rows.append({
                "port": short(item.get("port")), "protocol": short(item.get("protocol", "")),
                "service": short(item.get("service", ""), 80),
                "product": short(" ".join(str(item.get(k) or "") for k in ("product", "version")).strip(), 120),
            })
        else:
            rows.append({"port": short(item), "protocol": "", "service": "", "product": ""})
    return rows


def header_rows(facts: dict[str, Any]) -> list[Row]:
    """The HTTP response headers the probe recorded (values come from the server: untrusted)."""
    prefix = "http.headers."
    # Header names come from the server too: cut them like values.
    return [{"name": short(key[len(prefix):], 120), "value": short(value)}
            for key, value in sorted(facts.items()) if key.startswith(prefix)]


def redirect_rows(facts: dict[str, Any]) -> list[Row]:
    """The redirect chains hop by hop (plain HTTP, then HTTPS): where a visitor was sent, and why it stopped.

    URLs and Location values come from the server: cut and escaped like any other value.
    """
    rows = []
    for key in ("http.redirect.chain", "http.https.chain"):
        hops = facts.get(key)
        if not isinstance(hops, list):
            continue
        for i, hop in enumerate(hops[:20]):
            if isinstance(hop, dict):
                arrow = f" → {short(hop.get('location'), 300)}" if hop.get("location") else ""
                rows.append({"name": f"{key.split('.')[1]}[{i}]",
                             "value": f"{short(hop.get('status'), 4)} {short(hop.get('url'), 300)}{arrow}"})
    if facts.get("http.redirect.off_host"):
        rows.append({"name": "off_host", "value": short(facts.get("http.redirect.final_url"), 300)})
    return rows


def all_fact_rows(facts: dict[str, Any], lang: str, phrases: Mapping[str, Any] | None = None) -> list[Row]:
    """Every fact, sorted by name, its value on one line.

    The probe's own reasons inside a value (`http.unmeasured`, `dns.errors`, `tls.mozilla_issues.*`)
    are said in `lang` when the attempt stored their phrases (`audit.phrases`); bilingual objects and
    weakness labels show the text of `lang` (`audit.report.fact_texts`); what servers sent stays as it was.
    """
    def shown(key: str, value: Any) -> str:
        if isinstance(value, bool):
            return _yes_no(value, lang)
        value = fact_in_language(key, value, lang)
        if not phrases or isinstance(value, (int, float)) or value is None:
            return short(value)
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
        return short(translate_within(text, phrases, lang))

    return [{"name": short(key, 120), "value": shown(key, value)} for key, value in sorted(facts.items())]


def attempt_view(attempt: dict[str, Any], lang: str) -> dict[str, Any]:
    """One probe attempt: how it ran, and its facts arranged in the sections above."""
    raw = attempt.get("facts")
    facts: dict[str, Any] = raw if isinstance(raw, dict) else {}
    status = str(attempt.get("status", ""))
    phrases = attempt.get("phrases")  # English texts of the attempt said in `lang` (audit.phrases); older results: none
    duration = attempt.get("duration_seconds")
    return {
        "probe": short(attempt.get("probe", "?"), 60),
        "target": short(attempt.get("target", "?"), 200),
        "status": status,
        "status_text": msg(f"attempt.{status}", lang) if status in ("completed", "error") else short(status),
        "tool": short(attempt.get("tool", ""), 120),
        "tool_version": short(attempt.get("tool_version", ""), 160),
        "method": short(say_stored(str(attempt.get("method") or ""), phrases, lang)),
        "started": format_datetime(attempt.get("started_at"), lang),
        "duration": f"{format_number(round(duration, 2), lang)} s" if isinstance(duration, (int, float)) else "—",
        "error": short(say_stored(str(attempt.get("error_reason") or ""), phrases, lang)),
        "fact_count": len(facts),
        "ratings": rating_rows(facts, lang),
        "protocols": tls_protocol_rows(facts, lang),
        "suites": tls_suite_rows(facts, lang),
        "certificate": certificate_rows(facts, lang, phrases if isinstance(phrases, Mapping) else None),
        "ports": port_rows(facts),
        "redirects": redirect_rows(facts),
        "headers": header_rows(facts),
        "facts": all_fact_rows(facts, lang, phrases if isinstance(phrases, Mapping) else None),
    }
