"""The words of an alert: one bilingual e-mail per recipient (Vietnamese first, then English) and the webhook JSON.

The e-mail is multipart/alternative (RFC 2046 5.1.4): the plain-text part first, then an HTML part
rendered from `report_templates/alert_email.html.j2` with autoescape on, since outlet names, site
addresses and paths come from inventories and scanned servers. Both parts carry the same lines,
built once from the message catalogue.
"""

from __future__ import annotations

import email.policy
import email.utils
import functools
import json
from collections.abc import Sequence
from email.message import EmailMessage
from typing import Any

from audit.i18n import t
from audit.phrases import USUAL_TEXTS, say_stored

LANGS = ("vi", "en")
# Python's header folder drops the space between two RFC 2047 encoded words it splits across lines
# ("hằng ngày" arrives as "hằngngày"); lines up to RFC 5322's 998-character limit are never folded.
_POLICY = email.policy.default.clone(max_line_length=998)


def reason_text(detail: dict[str, Any], lang: str) -> str:
    """An outlet_down reason in `lang`: from the phrase the result kept for it (`audit.phrases`), else as stored.

    Alerts opened before phrases were carried (no `reason_phrase`) still say the usual network
    texts ("timed out") in `lang`; any other stored reason is shown in its English, as the report does.
    """
    reason = str(detail.get("reason") or "")
    stored = detail.get("reason_phrase")
    if isinstance(stored, dict):
        return say_stored(reason, {reason: stored}, lang)
    if lang != "en" and reason in USUAL_TEXTS:
        return t(USUAL_TEXTS[reason], lang)
    return reason


def describe(detail: dict[str, Any], outlet: str, lang: str) -> str:
    """One line for one finding (an outlet that stopped answering: with its reason, when one was stored)."""
    values = {"outlet": outlet, "requirement": "", "site": "", "days": "", "path": "", **detail}
    key = f"alert.{detail['kind']}"
    if detail["kind"] == "outlet_down" and detail.get("reason"):
        key, values["reason"] = "alert.outlet_down_reason", reason_text(detail, lang)
    return t(key, lang).format(**values)


def webhook_detail(detail: dict[str, Any]) -> dict[str, Any]:
    """The detail a webhook receives: as stored, with an outlet_down reason in each language (`reason_text`).

    `reason` stays the stored English (receivers written for it keep working); the phrase it was
    said from is ours, not part of the webhook's document.
    """
    out = {k: v for k, v in detail.items() if k != "reason_phrase"}
    if detail.get("kind") == "outlet_down" and detail.get("reason"):
        out["reason_text"] = {lang: reason_text(detail, lang) for lang in LANGS}
    return out


@functools.lru_cache(maxsize=1)
def _template() -> Any:
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("report_templates", ""), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env.get_template("alert_email.html.j2")


def email_view(outlet: str, alerts: Sequence[dict[str, Any]], digest: bool) -> dict[str, Any]:
    """The e-mail's words as plain strings: subject, and per language the intro, one line per alert, the footer."""
    key = "alert.digest_subject" if digest else "alert.subject"
    return {
        "subject": " / ".join(t(key, lang).format(outlet=outlet, count=len(alerts)) for lang in LANGS),
        "parts": [{"lang": lang, "intro": t("alert.intro", lang).format(outlet=outlet),
                   "lines": [describe(a["detail"], outlet, lang) for a in alerts],
                   "footer": t("alert.footer", lang)} for lang in LANGS],
    }


def compose_email(outlet: str, alerts: Sequence[dict[str, Any]], sender: str, to: str,
                  digest: bool) -> EmailMessage:
    """The e-mail to one recipient for these alerts of one outlet (each alert a dict with `detail`)."""
    view = email_view(outlet, alerts, digest)
    message = EmailMessage(policy=_POLICY)
    message["Subject"] = view["subject"]
    message["From"] = sender
    message["To"] = to
    message["Date"] = email.utils.formatdate(usegmt=True)
    # The sender's domain, not socket.getfqdn(): no DNS lookup, and the id names who sent it.
    message["Message-ID"] = email.utils.make_msgid("l3audit", domain=sender.rpartition("@")[2] or "l3audit.invalid")
    text = "\n\n----\n\n".join("\n".join([p["intro"], "", *[f"- {line}" for line in p["lines"]], "", p["footer"]])
                               for p in view["parts"])
    message.set_content(text + "\n", charset="utf-8")
    message.add_alternative(_template().render(**view), subtype="html", charset="utf-8")
    return message


def webhook_body(alert: dict[str, Any]) -> bytes:
    """The JSON a webhook receives for one alert (canonical, so the HMAC is over exactly these bytes)."""
    outlet = alert["outlet_name"]
    payload = {
        "schema": "l3audit/alert/v1", "id": alert["id"], "outlet": {"id": alert["outlet_id"], "name": outlet},
        "kind": alert["detail"]["kind"], "finding": alert["finding"], "detail": webhook_detail(alert["detail"]),
        "round": alert["round_id"], "opened_at": alert["opened_at"],
        "text": {lang: describe(alert["detail"], outlet, lang) for lang in LANGS},
    }
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
