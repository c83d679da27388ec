"""Alert e-mail as received by a real aiosmtpd server: one message per recipient, a rate limit per
recipient, a multipart/alternative HTML part with hostile names escaped, acknowledged alerts not mailed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from audit.alerts.config import load_alert_config
from audit.alerts.delivery import deliver_alerts
from audit.alerts.register import ack_alert, list_alerts
from audit.alerts.state import record_findings
from audit.department.store import Store
from tests.alerts.receivers import SmtpServer, WebhookServer
from tests.alerts.test_alerts import T0, _with_tls
from tests.department.support import make_result

HOSTILE = '<script>alert("x")</script> & <b>Báo</b>'


def test_hostile_outlet_and_site_names_are_escaped_in_the_html_part(
        tmp_path: Path, receivers: tuple[SmtpServer, WebhookServer, Path]) -> None:
    smtp, _, config_file = receivers
    config = load_alert_config(config_file)
    # Given an outlet whose name and exposed path carry markup
    doc = make_result("bao-x", {"L3-TLS-01": "pass"}, "2026-12-01T00:00:00+00:00", name=HOSTILE)
    doc["probe_attempts"] = [{"probe": "exposure", "target": "https://x.test/<img src=x onerror=alert(1)>",
                              "status": "completed",
                              "facts": {"exposure.findings": [{"id": "git", "path": "/<svg onload=alert(2)>"}]}}]
    with Store(f"sqlite:///{tmp_path / 'a.db'}") as store:
        round_id = store.start_round("r", "schedule")
        with store.write("store") as conn:
            record_findings(conn, doc, round_id, 30)
        assert deliver_alerts(store, config, T0).emails == 1  # the department only: no contact
    # Then the HTML part shows the markup as text, never as markup; the plain part shows it as is
    ((rcpt, message),) = smtp.inbox.messages
    assert rcpt == ["attt@so.test"]
    html = message.get_body(("html",)).get_content()
    for raw in ("<script>", "<b>Báo</b>", "<img src=x", "<svg onload"):
        assert raw not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;Báo&lt;/b&gt;" in html
    assert "/&lt;svg onload=alert(2)&gt;" in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert HOSTILE in message.get_body(("plain",)).get_content()
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]


def test_the_rate_limit_is_per_recipient_and_acknowledged_alerts_are_not_mailed(
        tmp_path: Path, receivers: tuple[SmtpServer, WebhookServer, Path]) -> None:
    smtp, _, config_file = receivers
    data = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    config_file.write_text(yaml.safe_dump({**data, "max_emails_per_hour": 2}), encoding="utf-8")
    config = load_alert_config(config_file)
    with Store(f"sqlite:///{tmp_path / 'a.db'}") as store:
        round_id = store.start_round("r", "schedule")
        # Given three outlets, each with its own contact, failing at once; at most two e-mails per recipient an hour
        with store.write("store") as conn:
            for outlet in ("a", "b", "c"):
                doc = make_result(outlet, {"L3-TLS-01": "fail"}, "2026-12-01T00:00:00+00:00")
                doc["outlet"] = {**doc["outlet"], "contact": {"email": f"kt@{outlet}.test"}}
                record_findings(conn, doc, round_id, 30)
        first = deliver_alerts(store, config, T0)
        # Then every outlet's contact has its e-mail, the department two, and its third waits
        assert (first.emails, first.waiting) == (5, 1)
        assert sorted(r[0] for r, _ in smtp.inbox.messages) == [
            "attt@so.test", "attt@so.test", "kt@a.test", "kt@b.test", "kt@c.test"]
        waiting = [a for a in list_alerts(store) if not a.email_sent_at]
        assert len(waiting) == 1  # e-mailed to its contact, not yet to the department
        # And within the hour nothing more goes; after it, the department's third goes, no one gets a second
        assert deliver_alerts(store, config, T0 + dt.timedelta(minutes=30)).emails == 0
        assert deliver_alerts(store, config, T0 + dt.timedelta(hours=1, minutes=1)).emails == 1
        assert len(smtp.inbox.messages) == 6 and smtp.inbox.messages[-1][0] == ["attt@so.test"]
        assert all(a.email_sent_at for a in list_alerts(store))
        # When a new finding is acknowledged before the next tick, it is not e-mailed (its webhook still goes)
        with store.write("store") as conn:
            record_findings(conn, _with_tls(make_result("a", {"L3-TLS-01": "fail"}, "2026-12-02T00:00:00+00:00"), 3),
                            round_id, 30)
        (new,) = [a for a in list_alerts(store) if not a.email_sent_at]
        ack_alert(store, new.id, "An", "đã gia hạn")
        report = deliver_alerts(store, config, T0 + dt.timedelta(hours=3))
        assert (report.emails, report.webhooks) == (0, 1) and len(smtp.inbox.messages) == 6
