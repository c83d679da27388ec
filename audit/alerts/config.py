"""The alerts file (`l3audit worker --alerts alerts.yaml`): where alerts go and how often.

```yaml
expiry_days: 30                      # a certificate expiring within this many days alerts
department_email: attt@sotttt.gov.vn # gets its own e-mail of every alert
digest: none                         # none | daily: one e-mail per outlet per day
max_emails_per_hour: 60              # per recipient; more wait for the next hour, none dropped
smtp: {host: smtp.sotttt.gov.vn, port: 587, from: l3audit@sotttt.gov.vn, username: l3audit}
webhook: {url: https://hook.sotttt.gov.vn/l3audit}
```
Secrets never sit in the file: the SMTP password is `$L3AUDIT_SMTP_PASSWORD`, the webhook's HMAC key
`$L3AUDIT_WEBHOOK_SECRET`. The file is read like every file from a user: size-limited, no aliases
beyond what `audit.yamlfile` allows, every field checked, one clear line on a mistake.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from audit.errors import AlertConfigError
from audit.yamlfile import load_yaml


@dataclass(frozen=True)
class SmtpSettings:
    """An SMTP submission server; STARTTLS is always required (RFC 3207), never plain text."""

    host: str
    port: int = 587
    sender: str = ""
    username: str = ""
    password: str = ""
    ca_file: str | None = None
    """Trust these CAs for the server's certificate instead of the system store."""
    timeout_seconds: float = 30.0


@dataclass(frozen=True)
class AlertConfig:
    """Where alerts go and how often."""

    expiry_days: int = 30
    department_email: str = ""
    digest: str = "none"
    max_emails_per_hour: int = 60
    smtp: SmtpSettings | None = None
    webhook_url: str = ""
    webhook_secret: str = ""


_KEYS = {"expiry_days", "department_email", "digest", "max_emails_per_hour", "smtp", "webhook"}


def load_alert_config(path: Path) -> AlertConfig:
    """Read and check an alerts file; AlertConfigError names the file and the field."""
    data, _ = load_yaml(path, AlertConfigError)

    def bad(message: str) -> AlertConfigError:
        return AlertConfigError(message, path=str(path), line=getattr(data, "line", None))

    if not isinstance(data, dict):
        raise bad("an alerts file is a mapping (see docs/scheduling.md)")
    unknown = set(data) - _KEYS
    if unknown:
        raise bad(f"unknown field(s): {', '.join(sorted(map(str, unknown)))}")
    smtp_raw: Any = data.get("smtp")
    smtp = None
    if smtp_raw is not None:
        if not isinstance(smtp_raw, dict) or not isinstance(smtp_raw.get("host"), str) \
                or not isinstance(smtp_raw.get("from"), str):
            raise bad("smtp needs host and from")
        smtp = SmtpSettings(host=smtp_raw["host"], port=_int(smtp_raw.get("port", 587), "smtp.port", bad),
                            sender=smtp_raw["from"], username=str(smtp_raw.get("username", "")),
                            password=os.environ.get("L3AUDIT_SMTP_PASSWORD", ""),
                            ca_file=smtp_raw.get("ca_file"))
    webhook: Any = data.get("webhook") or {}
    if not isinstance(webhook, dict) or not isinstance(webhook.get("url", ""), str):
        raise bad("webhook needs url")
    if webhook.get("url") and not os.environ.get("L3AUDIT_WEBHOOK_SECRET"):
        raise bad("webhook.url is set but $L3AUDIT_WEBHOOK_SECRET is empty (the receiver checks the HMAC with it)")
    digest = data.get("digest", "none")
    if digest not in ("none", "daily"):
        raise bad(f"digest {digest!r}: use none or daily")
    return AlertConfig(expiry_days=_int(data.get("expiry_days", 30), "expiry_days", bad),
                       department_email=str(data.get("department_email", "")), digest=digest,
                       max_emails_per_hour=_int(data.get("max_emails_per_hour", 60), "max_emails_per_hour", bad),
                       smtp=smtp, webhook_url=str(webhook.get("url", "")),
                       webhook_secret=os.environ.get("L3AUDIT_WEBHOOK_SECRET", ""))


def _int(value: Any, name: str, bad: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100_000:
        raise bad(f"{name} must be a whole number from 0 to 100000")
    return value
