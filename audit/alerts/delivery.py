"""Sending open alerts: webhooks at once, e-mail at once or as a daily digest, within a per-recipient rate limit.

Nothing is dropped: an alert whose e-mail or webhook could not go (server down, rate limit reached,
digest not due) stays unsent and the next tick tries again. The HMAC (RFC 2104, SHA-256) covers the
exact body bytes, sent as `X-L3audit-Signature: sha256=<hex>`, so a receiver checks what it got.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import smtplib
import ssl
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from audit.alerts.config import AlertConfig
from audit.alerts.messages import compose_email, webhook_body
from audit.department.store import schema
from audit.department.store.store import Store

SIGNATURE_HEADER = "X-L3audit-Signature"


@dataclass(frozen=True)
class DeliveryReport:
    """What one pass sent, and what is left for the next one."""

    emails: int = 0
    webhooks: int = 0
    waiting: int = 0
    problems: tuple[str, ...] = ()


def sign(body: bytes, secret: str) -> str:
    """The signature header value of `body`."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def _iso(value: dt.datetime) -> str:
    return value.astimezone(dt.timezone.utc).isoformat(timespec="seconds")


def _unsent(store: Store, column: str) -> list[dict[str, Any]]:
    a = schema.alerts.c
    with store.read("read unsent alerts") as conn:
        rows = conn.execute(sa.select(schema.alerts).where(a[column].is_(None), a.fixed_at.is_(None)).order_by(a.id))
        return [{**row._mapping, "detail": json.loads(row.detail)} for row in rows]


def _mark(store: Store, ids: list[int], column: str, when: str) -> None:
    with store.write("mark alerts sent") as conn:
        conn.execute(schema.alerts.update().where(schema.alerts.c.id.in_(ids)).values({column: when}))


def deliver_alerts(store: Store, config: AlertConfig, now: dt.datetime) -> DeliveryReport:
    """Send what is due now; see the module docstring."""
    problems: list[str] = []
    webhooks = _send_webhooks(store, config, now, problems) if config.webhook_url else 0
    emails, waiting = _send_emails(store, config, now, problems) if config.smtp else (0, 0)
    return DeliveryReport(emails=emails, webhooks=webhooks, waiting=waiting, problems=tuple(problems))


def _send_webhooks(store: Store, config: AlertConfig, now: dt.datetime, problems: list[str]) -> int:
    import httpx

    sent = 0
    with httpx.Client(timeout=15.0, follow_redirects=False) as client:
        for alert in _unsent(store, "webhook_sent_at"):
            body = webhook_body(alert)
            try:
                answer = client.post(config.webhook_url, content=body, headers={
                    "Content-Type": "application/json", SIGNATURE_HEADER: sign(body, config.webhook_secret)})
            except httpx.HTTPError as exc:
                problems.append(f"webhook {config.webhook_url}: {exc}")
                break
            if not answer.is_success:
                problems.append(f"webhook {config.webhook_url}: HTTP {answer.status_code}")
                break
            _mark(store, [alert["id"]], "webhook_sent_at", _iso(now))
            sent += 1
    return sent


def _recipients(alert: dict[str, Any], config: AlertConfig) -> list[str]:
    """Who gets this alert: the outlet's contact and the department, each once."""
    return list(dict.fromkeys(r for r in (alert["contact_email"], config.department_email) if r))


def _send_emails(store: Store, config: AlertConfig, now: dt.datetime, problems: list[str]) -> tuple[int, int]:
    """One message per recipient and outlet; the rate limit and the digest are counted per recipient.

    A recipient's limit being reached delays that recipient only: the department's full hour does
    not hold back an outlet's own contact, nor the other way round.
    """
    assert config.smtp is not None
    e = schema.alert_emails.c
    unsent = [a for a in _unsent(store, "email_sent_at") if not a["acked_at"]]
    with store.read("read e-mails sent") as conn:
        al = schema.alerts.c
        had = {(row.alert_id, row.recipient) for row in conn.execute(
            sa.select(e.alert_id, e.recipient).join(schema.alerts, al.id == e.alert_id)
            .where(al.email_sent_at.is_(None), al.fixed_at.is_(None)))}
        hour = _iso(now - dt.timedelta(hours=1))
        last_hour: dict[str, int] = {str(r): int(n) for r, n in conn.execute(
            sa.select(e.recipient, sa.func.count(sa.distinct(e.message_id))).where(e.sent_at >= hour)
            .group_by(e.recipient))}
        last_sent: dict[tuple[str, str], str] = {(r, o): when for r, o, when in conn.execute(
            sa.select(e.recipient, e.outlet_id, sa.func.max(e.sent_at)).group_by(e.recipient, e.outlet_id))}
    pending: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for alert in unsent:
        for recipient in _recipients(alert, config):
            if (alert["id"], recipient) not in had:
                pending[(recipient, alert["outlet_id"])].append(alert)
    sent, waiting = 0, 0
    groups = list(pending.items())
    for index, ((recipient, outlet_id), alerts) in enumerate(groups):
        previous = last_sent.get((recipient, outlet_id))
        due = config.digest == "none" or not previous or previous <= _iso(now - dt.timedelta(days=1))
        if not due or last_hour.get(recipient, 0) >= config.max_emails_per_hour:
            waiting += len(alerts)
            continue
        message = compose_email(alerts[0]["outlet_name"], alerts, config.smtp.sender, recipient,
                                digest=config.digest == "daily")
        try:
            _smtp_send(config, message)
        except (OSError, smtplib.SMTPException, ssl.SSLError) as exc:
            problems.append(f"SMTP {config.smtp.host}:{config.smtp.port}: {exc}")
            waiting += sum(len(group) for _, group in groups[index:])
            break
        _record_email(store, alerts, recipient, str(message["Message-ID"]), _iso(now), config)
        last_hour[recipient] = last_hour.get(recipient, 0) + 1
        sent += 1
    return sent, waiting


def _record_email(store: Store, alerts: list[dict[str, Any]], recipient: str, message_id: str, when: str,
                  config: AlertConfig) -> None:
    """Record that `recipient` has these alerts; an alert every recipient has is marked e-mailed."""
    e = schema.alert_emails.c
    with store.write("record an e-mail sent") as conn:
        conn.execute(schema.alert_emails.insert(), [{
            "alert_id": a["id"], "recipient": recipient, "outlet_id": a["outlet_id"], "message_id": message_id,
            "sent_at": when} for a in alerts])
        for alert in alerts:
            got = set(conn.execute(sa.select(e.recipient).where(e.alert_id == alert["id"])).scalars())
            if set(_recipients(alert, config)) <= got:
                conn.execute(schema.alerts.update().where(schema.alerts.c.id == alert["id"]).values(email_sent_at=when))


def _smtp_send(config: AlertConfig, message: Any) -> None:
    """Submit over SMTP, upgraded with STARTTLS before anything else is said (never sent in clear)."""
    smtp = config.smtp
    assert smtp is not None
    context = ssl.create_default_context(cafile=smtp.ca_file)
    with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout_seconds) as client:
        client.ehlo()
        client.starttls(context=context)  # raises SMTPNotSupportedError when the server does not offer it
        client.ehlo()
        if smtp.username:
            client.login(smtp.username, smtp.password)
        client.send_message(message)
