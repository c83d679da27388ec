"""Alerts: findings from stored results, one alert per finding until fixed, e-mail received by a
real aiosmtpd server over STARTTLS (Vietnamese content checked), webhooks with their HMAC checked,
digest and rate limit; and end to end, through the queue with two workers."""

from __future__ import annotations

import datetime as dt
import signal
from pathlib import Path
from typing import Any

import pytest
import yaml

from audit.alerts.config import load_alert_config
from audit.alerts.delivery import deliver_alerts
from audit.alerts.findings import findings_of
from audit.alerts.state import record_findings
from audit.demo.certs import KeyPair, make_leaf
from audit.demo.servers import SiteConfig, WebServer, server_tls_context
from audit.department.store import Store
from audit.errors import AlertConfigError
from audit.schedule.jobs import list_jobs
from audit.schedule.queue import QueueSettings
from audit.schedule.schedules import add_schedule
from audit.schedule.worker import tick
from tests.alerts.receivers import SmtpServer, WebhookServer
from tests.department.support import make_result
from tests.schedule.redis_server import RedisServer
from tests.schedule.support import start_worker, tls_only_checklist, wait_for, write_inventory

T0 = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.timezone.utc)


def _with_tls(doc: dict[str, Any], days: int | None, target: str = "bao-a.test:443") -> dict[str, Any]:
    """A result whose TLS probe measured a certificate expiring in `days` (None: the probe failed)."""
    attempt: dict[str, Any] = {"probe": "tls", "target": target, "started_at": doc["started_at"],
                               "duration_seconds": 0.1, "tool": "python-ssl", "tool_version": "3"}
    if days is None:
        attempt.update(status="error", facts={}, error_reason="timed out")
    else:
        attempt.update(status="completed", facts={"tls.certificate.days_until_expiry": days})
    return {**doc, "probe_attempts": [attempt], "outlet": {**doc["outlet"], "contact": {"email": "kt@bao-a.test"}}}


def test_a_finding_is_measured_before_it_is_raised_or_cleared() -> None:
    # Given results with a failure, an expiring certificate, and one whose probes could not run
    failing = _with_tls(make_result("bao-a", {"L3-TLS-01": "fail", "L3-WEB-01": "error"}, "2026-12-01T00:00:00+00:00"), 10)
    found = findings_of(failing, 30)
    assert set(found.present) == {"fail|L3-TLS-01|", "cert|bao-a.test:443|"}
    # Then an `error` requirement neither raises nor clears; a probe that failed clears nothing
    assert not found.clears("fail|L3-WEB-01|")
    down = findings_of(_with_tls(make_result("bao-a", {"L3-TLS-01": "error"}, "2026-12-02T00:00:00+00:00"), None), 30)
    assert "down||" in down.present
    assert not down.clears("cert|bao-a.test:443|") and not down.clears("fail|L3-TLS-01|")
    fixed = findings_of(_with_tls(make_result("bao-a", {"L3-TLS-01": "pass"}, "2026-12-03T00:00:00+00:00"), 80), 30)
    assert fixed.clears("cert|bao-a.test:443|") and fixed.clears("fail|L3-TLS-01|") and fixed.clears("down||")


def test_an_expiring_certificate_alerts_once_by_mail_and_webhook_until_fixed(
        tmp_path: Path, receivers: tuple[SmtpServer, WebhookServer, Path]) -> None:
    smtp, hook, config_file = receivers
    config = load_alert_config(config_file)
    with Store(f"sqlite:///{tmp_path / 'a.db'}") as store:
        round_id = store.start_round("r", "schedule")

        def stored(doc: dict[str, Any]) -> None:
            with store.write("store") as conn:
                record_findings(conn, doc, round_id, config.expiry_days)

        # Given a certificate that expires in 10 days, seen in two rounds in a row
        stored(_with_tls(make_result("bao-a", {"L3-TLS-01": "pass"}, "2026-12-01T00:00:00+00:00"), 10))
        first = deliver_alerts(store, config, T0)
        stored(_with_tls(make_result("bao-a", {"L3-TLS-01": "pass"}, "2026-12-02T00:00:00+00:00"), 9))
        second = deliver_alerts(store, config, T0 + dt.timedelta(days=1))
        # Then exactly one e-mail to each recipient (the outlet, the department) and one webhook, over STARTTLS
        assert (first.emails, first.webhooks, second.emails, second.webhooks) == (2, 1, 0, 0)
        assert len(smtp.inbox.messages) == 2 and smtp.inbox.tls_seen == [True, True]
        assert sorted(rcpt for rcpt, _ in smtp.inbox.messages) == [["attt@so.test"], ["kt@bao-a.test"]]
        for rcpt, message in smtp.inbox.messages:
            assert message["To"] == rcpt[0] and "Cc" not in message
            assert message.get_content_type() == "multipart/alternative"
            body = message.get_body(("plain",)).get_content()
            assert "Chứng thư số của bao-a.test:443 hết hạn sau 10 ngày" in body
            assert "The certificate of bao-a.test:443 expires in 10 days" in body
            html = message.get_body(("html",)).get_content()
            assert "<li>Chứng thư số của bao-a.test:443 hết hạn sau 10 ngày</li>" in html
            assert "cảnh báo mới" in message["Subject"]
        assert hook.rejected == 0 and [h["kind"] for h in hook.received] == ["cert_expiring"]
        assert hook.received[0]["text"]["vi"].startswith("Chứng thư số")
        # And once renewed (measured fixed), a later expiry alerts again
        stored(_with_tls(make_result("bao-a", {"L3-TLS-01": "pass"}, "2026-12-03T00:00:00+00:00"), 85))
        stored(_with_tls(make_result("bao-a", {"L3-TLS-01": "pass"}, "2026-12-04T00:00:00+00:00"), 5))
        assert deliver_alerts(store, config, T0 + dt.timedelta(days=3)).emails == 2
        assert len(smtp.inbox.messages) == 4 and len(hook.received) == 2


def test_digest_and_rate_limit_delay_mail_and_lose_none(
        tmp_path: Path, receivers: tuple[SmtpServer, WebhookServer, Path]) -> None:
    smtp, _, config_file = receivers
    data = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    config_file.write_text(yaml.safe_dump({**data, "digest": "daily", "max_emails_per_hour": 2}), encoding="utf-8")
    config = load_alert_config(config_file)
    with Store(f"sqlite:///{tmp_path / 'a.db'}") as store:
        round_id = store.start_round("r", "schedule")
        # Given three outlets failing at once, with at most two e-mails an hour
        with store.write("store") as conn:
            for outlet in ("a", "b", "c"):
                record_findings(conn, make_result(outlet, {"L3-TLS-01": "fail"}, "2026-12-01T00:00:00+00:00"),
                                round_id, 30)
        first = deliver_alerts(store, config, T0)
        assert (first.emails, first.waiting) == (2, 1)
        # Then the third goes the next hour; a new failure of `a` the same day waits for its digest
        with store.write("store") as conn:
            record_findings(conn, make_result("a", {"L3-TLS-01": "fail", "L3-WEB-01": "fail"},
                                              "2026-12-01T05:00:00+00:00"), round_id, 30)
        later = deliver_alerts(store, config, T0 + dt.timedelta(hours=2))
        assert (later.emails, later.waiting) == (1, 1)
        next_day = deliver_alerts(store, config, T0 + dt.timedelta(days=1, hours=1))
        assert next_day.emails == 1 and "bản tổng hợp hằng ngày" in smtp.inbox.messages[-1][1]["Subject"]
        assert len(smtp.inbox.messages) == 4


def test_a_bad_alerts_file_is_one_clear_line(tmp_path: Path) -> None:
    path = tmp_path / "alerts.yaml"
    path.write_text("digest: hourly\n", encoding="utf-8")
    with pytest.raises(AlertConfigError, match="alerts.yaml.*digest 'hourly': use none or daily"):
        load_alert_config(path)


def test_a_schedule_through_two_workers_sends_one_mail_and_one_webhook_for_an_expiring_certificate(
        tmp_path: Path, ca: KeyPair, receivers: tuple[SmtpServer, WebhookServer, Path]) -> None:
    smtp, hook, alerts = receivers
    # Given a site whose certificate expires in 10 days, a daily schedule and two workers
    cert, key = make_leaf(["sap-het-han.test"], ca, days_valid=10).write(tmp_path / "site", "site")
    redis_server = RedisServer(tmp_path / "redis").start()
    db = f"sqlite:///{tmp_path / 'audits.db'}"
    with WebServer("127.17.7.1", 0, SiteConfig(), server_tls_context(cert, key)) as site:
        inventory = write_inventory(tmp_path / "outlets.yaml", {"sap-het-han": ("127.17.7.1", site.port)})
        settings = QueueSettings(redis_url=redis_server.url, db=db, alerts_file=str(alerts))
        with Store(db) as store:
            add_schedule(store, "ngay", "day", ["all"], inventory, str(tls_only_checklist(tmp_path)), T0,
                         {"timeout_seconds": 5, "use_nmap": False, "ca_file": str(alerts.parent / "ca.pem")})
        workers = [start_worker(db, redis_server.url, tmp_path / f"w{i}.log", 1, "--alerts", str(alerts))
                   for i in range(2)]
        try:
            with Store(db) as store:
                # When the schedule fires two days running (injected clock) and each round completes
                for day in range(2):
                    (round_id,), _, _ = tick(settings, now=T0 + dt.timedelta(days=day))
                    wait_for(lambda: all(j.status == "done" for j in list_jobs(store, round_id=round_id)), 60,
                             f"round {round_id}")
                    tick(settings, now=T0 + dt.timedelta(days=day, minutes=5))
                rounds = [r for r in store.rounds() if r["source"] == "schedule"]
        finally:
            for w in workers:
                w.send_signal(signal.SIGTERM)
                w.wait(timeout=60)
            redis_server.stop()
    # Then two finished rounds, and exactly one e-mail and one webhook
    assert len(rounds) == 2 and all(r["finished_at"] and r["n"] == 1 for r in rounds)
    assert sorted(r for r, _ in smtp.inbox.messages) == [["attt@so.test"], ["kt@sap-het-han.test"]]
    assert len(hook.received) == 1
    assert f"Chứng thư số của https://sap-het-han.test:{site.port}/ hết hạn sau" in \
        smtp.inbox.messages[0][1].get_body(("plain",)).get_content()
    assert hook.received[0]["kind"] == "cert_expiring" and hook.received[0]["detail"]["days"] in (9, 10)


def test_an_exposure_and_an_outlet_that_stopped_answering_read_well_in_both_languages() -> None:
    from audit.alerts.messages import compose_email

    # Given a result whose exposure probe found a readable .git, and one where nothing answered
    doc = make_result("bao-a", {"L3-TLS-01": "pass"}, "2026-12-01T00:00:00+00:00")
    doc["probe_attempts"] = [{"probe": "exposure", "target": "https://bao-a.test/", "status": "completed",
                              "facts": {"exposure.findings": [{"id": "git", "path": "/.git/config"}]}}]
    exposed = findings_of(doc, 30)
    (detail,) = exposed.present.values()
    down = findings_of(_with_tls(doc, None), 30).present["down||"]
    # Then the e-mail says so in Vietnamese first, then English
    body = compose_email("Báo A", [{"detail": detail}, {"detail": down}], "l3audit@so.test", "kt@bao-a.test",
                         digest=False).get_body(("plain",)).get_content()
    assert "Lộ tệp hoặc đường dẫn /.git/config tại https://bao-a.test/" in body
    assert "Báo A không còn phản hồi" in body and "Báo A stopped answering" in body
    assert body.index("không còn phản hồi") < body.index("stopped answering")
