"""The words of an alert: one bilingual e-mail (Vietnamese first, then English) and the webhook JSON."""

from __future__ import annotations

import email.policy
import json
from collections.abc import Sequence
from email.message import EmailMessage
from typing import Any

from audit.i18n import t

LANGS = ("vi", "en")
# Python's header folder drops the space between two RFC 2047 encoded words it splits across lines
# ("hằng ngày" arrives as "hằngngày"); lines up to RFC 5322's 998-character limit are never folded.
_POLICY = email.policy.default.clone(max_line_length=998)


def describe(detail: dict[str, Any], outlet: str, lang: str) -> str:
    """One line for one finding."""
    values = {"outlet": outlet, "requirement": "", "site": "", "days": "", "path": "", **detail}
    return t(f"alert.{detail['kind']}", lang).format(**values)


def compose_email(outlet: str, alerts: Sequence[dict[str, Any]], sender: str, to: Sequence[str],
                  digest: bool) -> EmailMessage:
    """The e-mail for these alerts of one outlet (each alert a dict with `detail`)."""
    key = "alert.digest_subject" if digest else "alert.subject"
    message = EmailMessage(policy=_POLICY)
    message["Subject"] = " / ".join(t(key, lang).format(outlet=outlet, count=len(alerts)) for lang in LANGS)
    message["From"] = sender
    message["To"] = ", ".join(to)
    parts = []
    for lang in LANGS:
        lines = [t("alert.intro", lang).format(outlet=outlet), ""]
        lines += [f"- {describe(a['detail'], outlet, lang)}" for a in alerts]
        lines += ["", t("alert.footer", lang)]
        parts.append("\n".join(lines))
    message.set_content("\n\n----\n\n".join(parts) + "\n", charset="utf-8")
    return message


def webhook_body(alert: dict[str, Any]) -> bytes:
    """The JSON a webhook receives for one alert (canonical, so the HMAC is over exactly these bytes)."""
    outlet = alert["outlet_name"]
    payload = {
        "schema": "l3audit/alert/v1", "id": alert["id"], "outlet": {"id": alert["outlet_id"], "name": outlet},
        "kind": alert["detail"]["kind"], "finding": alert["finding"], "detail": alert["detail"],
        "round": alert["round_id"], "opened_at": alert["opened_at"],
        "text": {lang: describe(alert["detail"], outlet, lang) for lang in LANGS},
    }
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
