"""The receivers every alert test uses: an aiosmtpd server requiring STARTTLS and a webhook server
checking the HMAC, and the alerts file that points at them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from audit.demo.certs import KeyPair
from tests.alerts.receivers import SmtpServer, WebhookServer

SECRET = "khoa-bi-mat-thu-nghiem"


@pytest.fixture()
def receivers(tmp_path: Path, ca: KeyPair, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[SmtpServer, WebhookServer, Path]]:
    ca_file = tmp_path / "ca.pem"
    ca_file.write_bytes(ca.cert_pem())
    monkeypatch.setenv("L3AUDIT_WEBHOOK_SECRET", SECRET)
    with SmtpServer("127.17.6.1", ca, tmp_path / "smtp") as smtp, WebhookServer("127.17.6.2", SECRET) as hook:
        config = tmp_path / "alerts.yaml"
        config.write_text(yaml.safe_dump({
            "expiry_days": 30, "department_email": "attt@so.test", "max_emails_per_hour": 5,
            "smtp": {"host": smtp.address, "port": smtp.port, "from": "l3audit@so.test", "ca_file": str(ca_file)},
            "webhook": {"url": hook.url}}), encoding="utf-8")
        yield smtp, hook, config
