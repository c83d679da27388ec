"""Portal waivers: granted through the form (every field checked), listed, revoked, and applied in the
stored result exactly as a waivers file is (waived until the expiry day, then listed as expired)."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from audit.department.aggregate.build import build_dashboard
from audit.department.store.schema import audit_log, portal_waivers
from audit.portal.judgement import judged_document
from audit.portal.waivers import list_waivers
from tests.portal.conftest import csrf_of, login
from tests.portal.review_support import probe_result

FAILING = "L3-X-SECTXT-01"  # automated; the stored probe result fails it
TODAY = dt.date.today()


@pytest.fixture()
def officer(app: Flask) -> FlaskClient:
    store, checklist = app.extensions["l3audit_store"], app.extensions["l3audit_checklist"]
    store.add_result(probe_result(checklist, "o1"), store.round_by_label("run test", "run"))
    client = app.test_client()
    login(client, "officer1")
    return client


def _grant(client: FlaskClient, **fields: str) -> object:
    page = client.get("/officer/waivers").text
    data = {"outlet_id": "o1", "requirement_id": FAILING, "justification": "đang thay nhà cung cấp",
            "approver": "Giám đốc Sở", "expires": (TODAY + dt.timedelta(days=20)).isoformat(), **fields}
    return client.post("/officer/waivers", data={**data, "csrf_token": csrf_of(page)})


def _latest(app: Flask, outlet_id: str = "o1") -> dict:
    store = app.extensions["l3audit_store"]
    latest = store.results(outlet_id=outlet_id)[-1]
    doc = store.documents([latest.id])[latest.id]
    return {r["requirement_id"]: r for r in doc["requirements"]}


def test_grant_applies_in_the_stored_result_and_the_dashboard(app: Flask, officer: FlaskClient) -> None:
    reply = _grant(officer)
    assert reply.status_code == 302  # type: ignore[attr-defined]
    page = officer.get("/officer/waivers").text
    assert "đang thay nhà cung cấp" in page and "Giám đốc Sở" in page and "Đang hiệu lực" in page
    row = _latest(app)[FAILING]
    assert row["status"] == "waived" and row["waiver"]["approver"] == "Giám đốc Sở"
    assert row["probe_status"] == "fail" and row["sites"]  # the check still ran
    board = build_dashboard(app.extensions["l3audit_store"])
    assert [(w["outlet_id"], w["requirement_id"], w["expired"]) for w in board["waivers"]] == [("o1", FAILING, False)]
    store = app.extensions["l3audit_store"]
    with store.read("t") as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(audit_log).where(
            audit_log.c.action == "waiver.add")).scalar() == 1


@pytest.mark.parametrize("field, value, message", [
    ("expires", TODAY.isoformat(), "trong tương lai"),
    ("expires", (TODAY - dt.timedelta(days=1)).isoformat(), "trong tương lai"),
    ("expires", "31/02/2027", "trong tương lai"),
    ("expires", (TODAY + dt.timedelta(days=4 * 366)).isoformat(), "ba năm"),
    ("justification", "   ", "lý do miễn trừ"),
    ("approver", "", "người phê duyệt"),
    ("requirement_id", "L3-NO-SUCH", "danh mục đang áp dụng"),
    ("outlet_id", "o9", "không có trong danh sách"),
])
def test_a_bad_field_is_refused_and_nothing_stored(app: Flask, officer: FlaskClient, field: str, value: str,
                                                   message: str) -> None:
    reply = _grant(officer, **{field: value})
    assert reply.status_code == 400 and message in reply.text  # type: ignore[attr-defined]
    assert list_waivers(app.extensions["l3audit_store"]) == []


def test_revoke_stops_the_waiver(app: Flask, officer: FlaskClient) -> None:
    _grant(officer)
    (waiver,) = list_waivers(app.extensions["l3audit_store"])
    page = officer.get("/officer/waivers").text
    assert officer.post(f"/officer/waivers/{waiver.id}/revoke", data={"csrf_token": csrf_of(page)}).status_code == 302
    assert _latest(app)[FAILING]["status"] == "fail"
    page = officer.get("/officer/waivers").text
    assert "Đã thu hồi" in page and "officer1" in page
    assert officer.post(f"/officer/waivers/{waiver.id}/revoke", data={"csrf_token": csrf_of(page)}).status_code == 404


def test_an_expired_waiver_stops_applying(app: Flask, officer: FlaskClient) -> None:
    """Given a waiver until day D, then on D it applies, after D it does not and is listed as expired."""
    _grant(officer, expires=(TODAY + dt.timedelta(days=5)).isoformat())
    store, checklist = app.extensions["l3audit_store"], app.extensions["l3audit_checklist"]
    on_the_day = judged_document(store, checklist, "o1", "officer1", today=TODAY + dt.timedelta(days=5))
    after = judged_document(store, checklist, "o1", "officer1", today=TODAY + dt.timedelta(days=6))
    assert {r["requirement_id"]: r["status"] for r in on_the_day["requirements"]}[FAILING] == "waived"
    late = {r["requirement_id"]: r for r in after["requirements"]}[FAILING]
    assert late["status"] == "fail" and late["expired_waivers"][0]["expired"] is True
    assert after["summary"]["expired_waivers"] == [late["expired_waivers"][0]["id"]]
    with store.write("t") as conn:  # the calendar moves on: the list shows it expired, with no revoke button
        conn.execute(portal_waivers.update().values(expires_at=(TODAY - dt.timedelta(days=1)).isoformat()))
    page = officer.get("/officer/waivers").text
    assert "Đã hết hạn" in page and "/revoke" not in page


def test_hostile_text_in_a_waiver_is_escaped(app: Flask, officer: FlaskClient) -> None:
    hostile = '<script>alert(1)</script><img src=x onerror=alert(2)>'
    assert _grant(officer, justification=hostile, approver=hostile).status_code == 302  # type: ignore[attr-defined]
    page = officer.get("/officer/waivers").text
    assert "<script>alert" not in page and "<img src=x" not in page and "&lt;script&gt;" in page


def test_the_outlet_sees_a_waiver_expiry_and_that_the_report_counts_it_until_the_next_judgement(
        app: Flask, officer: FlaskClient) -> None:
    """Given a waiver on o1, then o1's overview shows its expiry; once the day has passed with no new judgement,
    it says the report above still counts it until the next one; after that judgement, that it no longer applies."""
    from audit.portal.judgement import store_judgement

    _grant(officer, expires=(TODAY + dt.timedelta(days=5)).isoformat())  # granting judges o1 again: waived
    alice = app.test_client()
    login(alice, "alice")

    def section() -> str:
        page = alice.get("/outlet/o1").text
        return page.split('id="waivers"', 1)[1].split("</section>", 1)[0]

    shown = section()
    assert FAILING in shown and "đang thay nhà cung cấp" in shown and "Giám đốc Sở" in shown
    assert "Còn hiệu lực đến hết ngày" in shown and "(còn 5 ngày)" in shown
    store, checklist = app.extensions["l3audit_store"], app.extensions["l3audit_checklist"]
    with store.write("t") as conn:  # the calendar moves on; nothing judges o1 again
        conn.execute(portal_waivers.update().values(expires_at=(TODAY - dt.timedelta(days=1)).isoformat()))
    assert _latest(app)[FAILING]["status"] == "waived"
    shown = section()
    assert "Đã hết hạn sau ngày" in shown and "báo cáo mới nhất ở trên vẫn tính miễn trừ này" in shown
    alice.get("/lang/en")
    assert "the latest report above still counts it" in section()
    store_judgement(store, checklist, "o1", "officer1")  # the next judgement (a review, a scan, a waiver change)
    assert _latest(app)[FAILING]["status"] == "fail"
    shown = section()
    assert "no longer applied" in shown and "still counts it" not in shown
    bob = app.test_client()
    login(bob, "bob")
    assert 'id="waivers"' not in bob.get("/outlet/o2").text
