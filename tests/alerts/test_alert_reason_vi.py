"""An outlet that stopped answering: its reason reaches the webhook and the e-mail in each language (issue 15).

Given a real scan of a site where nothing listens (connection refused), when its result is stored and
the alerts are delivered to the real receivers, then the webhook's `detail.reason` is the stored
English reason as before, `detail.reason_text` says it in Vietnamese and English from the phrase the
result kept, and each part of the e-mail gives the reason in its own language.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from audit.alerts.config import load_alert_config
from audit.alerts.delivery import deliver_alerts
from audit.alerts.findings import findings_of
from audit.alerts.messages import describe, webhook_body
from audit.alerts.register import list_alerts
from audit.alerts.state import record_findings
from audit.demo.servers import free_port
from audit.department.store import Store
from tests.alerts.receivers import SmtpServer, WebhookServer
from tests.alerts.test_alerts import T0
from tests.test_fleet_resume import _tls_only_checklist
from tests.test_vietnamese_probe_texts import english_left, invoke

HOST = "127.31.2.21"
VI_REASON = "không kết nối được tới"


@pytest.fixture(scope="module")
def refused(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The result of `l3audit scan` of a site whose port refuses connections (TLS requirement only)."""
    folder = tmp_path_factory.mktemp("down")
    port, out = free_port(HOST), folder / "down.json"
    _, output = invoke("scan", f"https://bao-a.test:{port}", "--resolve", f"bao-a.test:{port}:{HOST}",
                       "--checklist", _tls_only_checklist(folder), "--no-nmap", "--timeout", "1", "--json", out)
    assert out.exists(), output
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    data["outlet"]["contact"] = {"email": "kt@bao-a.test"}
    return data


def test_the_finding_carries_the_reason_and_its_phrase(refused: dict[str, Any]) -> None:
    down = findings_of(refused, 30).present["down||"]
    (attempt,) = refused["probe_attempts"]
    assert down["reason"] == attempt["error_reason"] and down["reason"].startswith("cannot connect to 127.31.2.21:")
    assert down["reason_phrase"] == attempt["phrases"][attempt["error_reason"]]


def test_the_webhook_and_the_e_mail_say_the_reason_in_each_language(
        refused: dict[str, Any], tmp_path: Path, receivers: tuple[SmtpServer, WebhookServer, Path]) -> None:
    smtp, hook, config_file = receivers
    config = load_alert_config(config_file)
    with Store(f"sqlite:///{tmp_path / 'a.db'}") as store:
        round_id = store.start_round("r", "schedule")
        with store.write("store") as conn:
            record_findings(conn, refused, round_id, config.expiry_days)
        report = deliver_alerts(store, config, T0)
        (alert,) = list_alerts(store)
    assert (report.webhooks, report.emails) == (1, 2)
    # Then the webhook keeps `detail.reason` in English and adds the reason in both languages
    (received,) = hook.received
    english = refused["probe_attempts"][0]["error_reason"]
    detail = received["detail"]
    assert detail["reason"] == english and "reason_phrase" not in detail
    assert detail["reason_text"]["en"] == english
    assert detail["reason_text"]["vi"].startswith(f"{VI_REASON} 127.31.2.21:")
    assert english_left(detail["reason_text"]["vi"]) == []
    assert received["text"]["vi"] == f"bao-a.test không còn phản hồi (lý do: {detail['reason_text']['vi']})"
    assert received["text"]["en"] == f"bao-a.test stopped answering (reason: {english})"
    assert json.loads(webhook_body(vars(alert))) == received  # what was sent is what the body says
    # And each part of the e-mail says the reason in its language, Vietnamese first
    body = smtp.inbox.messages[0][1].get_body(("plain",)).get_content()
    vietnamese, _, rest = body.partition("----")
    assert f"không còn phản hồi (lý do: {VI_REASON} 127.31.2.21:" in vietnamese and english not in vietnamese
    assert f"stopped answering (reason: {english})" in rest


def test_an_alert_opened_before_reasons_had_phrases_reads_as_before() -> None:
    # Given the detail an older release stored: the English reason only
    old = {"kind": "outlet_down", "reason": "timed out"}
    # Then the usual network texts are still said in Vietnamese, and other English stays as stored
    assert describe(old, "Báo A", "vi") == "Báo A không còn phản hồi (lý do: hết thời gian chờ)"
    assert describe(old, "Báo A", "en") == "Báo A stopped answering (reason: timed out)"
    assert describe({"kind": "outlet_down", "reason": ""}, "Báo A", "en") == "Báo A stopped answering"
    body = json.loads(webhook_body({"id": 1, "outlet_id": "a", "outlet_name": "Báo A", "finding": "down||",
                                    "detail": {"kind": "outlet_down", "reason": "ssl: bad record"},
                                    "round_id": 1, "opened_at": "2026-12-01T00:00:00+00:00"}))
    assert body["detail"] == {"kind": "outlet_down", "reason": "ssl: bad record",
                              "reason_text": {"vi": "ssl: bad record", "en": "ssl: bad record"}}
