"""The officer's review: the queue, the page (escaped, conflicts shown), accept/reject with reasons,
two officers on one submission (the second gets 409), and the stored result the dashboard counts."""

from __future__ import annotations

import hashlib
import json

import jsonschema
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from audit.department.aggregate.build import build_dashboard
from audit.department.store.schema import audit_log
from audit.portal.submissions import decisions_of, get_submission
from audit.result import result_schema
from tests.portal.conftest import csrf_of, login
from tests.portal.review_support import add_waiting, probe_result, row

MANUAL = ["L3-GOV-POL-01", "L3-GOV-ORG-01", "L3-GOV-ORG-02"]
BOTH_FAILING = "L3-NET-EXT-01"  # partly automated; the stored probe result fails it (no-risky-services ...)
HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'


def _manual_ids(app: Flask) -> list[str]:
    checklist = app.extensions["l3audit_checklist"]
    ids = [r.id for r in checklist.requirements if r.assessment.value == "manual"][:3]
    assert len(ids) == 3
    return ids


def _setup(app: Flask) -> tuple[int, list[str]]:
    """o1 has a probe result, then submits three manual rows and one that contradicts the probe."""
    store, checklist = app.extensions["l3audit_store"], app.extensions["l3audit_checklist"]
    store.add_result(probe_result(checklist, "o1"), store.round_by_label("run test", "run"))
    manual = _manual_ids(app)
    rows = [row(manual[0], "implemented", text=HOSTILE,
                evidence=[{"sha256": "ab" * 32, "filename": "chinh-sach.pdf", "size": 1234, "content_type": "application/pdf"}]),
            row(manual[1], "implemented"), row(manual[2], "not_applicable", justification="không có"),
            row(BOTH_FAILING, "implemented")]
    return add_waiting(store, checklist, "o1", rows), manual


def _officer(app: Flask, name: str = "officer1") -> FlaskClient:
    client = app.test_client()
    assert login(client, name).status_code == 302
    return client


def _form(page: str, **decisions: tuple[str, str]) -> dict[str, str]:
    version = page.split('name="version" value="', 1)[1].split('"', 1)[0]
    data = {"csrf_token": csrf_of(page), "version": version, "action": "save"}
    for rid, (decision, reason) in decisions.items():
        data[f"decision-{rid}"], data[f"reason-{rid}"] = decision, reason
    return data


def test_queue_lists_waiting_submissions_oldest_first(app: Flask) -> None:
    store, checklist = app.extensions["l3audit_store"], app.extensions["l3audit_checklist"]
    manual = _manual_ids(app)
    later = add_waiting(store, checklist, "o1", [row(manual[0], "implemented")], "2026-12-02T10:00:00+00:00")
    earlier = add_waiting(store, checklist, "o2", [row(manual[0], "partly")], "2026-12-01T08:00:00+00:00")
    page = _officer(app).get("/officer/submissions").text
    assert page.index(f"/officer/submissions/{earlier}") < page.index(f"/officer/submissions/{later}")
    assert "Báo Hai" in page and "alice" in page and "2026-12-01T08:00:00+00:00" in page


def test_review_page_escapes_text_shows_evidence_and_the_conflict(app: Flask) -> None:
    """Given an 'implemented' answer where the stored probe result fails the check, then the row is
    highlighted with the report's own conflict sentence and the failing site; hostile text is text."""
    sub_id, manual = _setup(app)
    page = _officer(app).get(f"/officer/submissions/{sub_id}").text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "chinh-sach.pdf" in page and "SHA-256 abababababab…" in page and f"/outlet/o1/evidence/{'ab' * 32}\" download>" in page
    conflict = page.split(f'id="r-{BOTH_FAILING}"', 1)[1].split("</article>", 1)[0]
    assert "conflict" in conflict and "Mâu thuẫn với kết quả đo" in conflict
    assert "Tự đánh giá ghi “Đã triển khai” nhưng kết quả đo là “Không đạt”" in conflict
    assert "https://o1.test" in conflict and "no-risky-services" not in page.split(f'id="r-{manual[0]}"')[1].split("</article>")[0]
    assert "Mâu thuẫn" not in page.split(f'id="r-{manual[1]}"', 1)[1].split("</article>", 1)[0]


def test_reject_needs_a_reason_accept_does_not(app: Flask) -> None:
    sub_id, manual = _setup(app)
    officer = _officer(app)
    page = officer.get(f"/officer/submissions/{sub_id}").text
    # Given a rejection without a reason, then 400 with the message, and nothing saved (version unchanged)
    reply = officer.post(f"/officer/submissions/{sub_id}", data=_form(page, **{manual[0]: ("rejected", " ")}))
    assert reply.status_code == 400 and "Cần ghi lý do" in reply.text
    store = app.extensions["l3audit_store"]
    assert decisions_of(store, sub_id) == {} and get_submission(store, sub_id).version == 1  # type: ignore[union-attr]
    # Given an accept without a reason and a reject with one, then both are saved and the version moves on
    reply = officer.post(f"/officer/submissions/{sub_id}", data=_form(
        page, **{manual[0]: ("accepted", ""), manual[1]: ("rejected", "tài liệu không ký")}))
    assert reply.status_code == 302
    saved = decisions_of(store, sub_id)
    assert {k: (v.decision, v.reason, v.officer) for k, v in saved.items()} == {
        manual[0]: ("accepted", "", "officer1"), manual[1]: ("rejected", "tài liệu không ký", "officer1")}
    assert get_submission(store, sub_id).version == 2  # type: ignore[union-attr]
    page = officer.get(f"/officer/submissions/{sub_id}").text
    assert "tài liệu không ký" in page and 'value="accepted" checked' in page


def test_second_officer_on_a_stale_page_gets_409_and_nothing_is_overwritten(app: Flask, store_path: str) -> None:
    sub_id, manual = _setup(app)
    first, second = _officer(app, "officer1"), _officer(app, "admin1")
    page_first = first.get(f"/officer/submissions/{sub_id}").text
    page_second = second.get(f"/officer/submissions/{sub_id}").text  # both rendered from version 1
    assert first.post(f"/officer/submissions/{sub_id}", data=_form(
        page_first, **{manual[0]: ("accepted", "")})).status_code == 302
    reply = second.post(f"/officer/submissions/{sub_id}", data=_form(
        page_second, **{manual[0]: ("rejected", "ghi đè")}))
    assert reply.status_code == 409 and "Một cán bộ khác đã lưu hồ sơ này" in reply.text
    store = app.extensions["l3audit_store"]
    kept = decisions_of(store, sub_id)
    assert (kept[manual[0]].decision, kept[manual[0]].officer) == ("accepted", "officer1")
    with store.read("t") as conn:
        actions = [r.action for r in conn.execute(sa.select(audit_log).order_by(audit_log.c.id))]
    assert "review.save" in actions and "review.conflict" in actions


def test_finishing_stores_a_result_that_changes_the_dashboard(app: Flask) -> None:
    """Given accepted and rejected rows, when the review is finished, then the submission is reviewed,
    a valid result is stored (accepted 'implemented' passes, a rejected one fails, the probe wins a
    conflict) and the dashboard's row for o1 moves."""
    sub_id, manual = _setup(app)
    store = app.extensions["l3audit_store"]
    before = next(o for o in build_dashboard(store)["outlets"] if o["id"] == "o1")
    officer = _officer(app)
    page = officer.get(f"/officer/submissions/{sub_id}").text
    undecided = _form(page, **{manual[0]: ("accepted", "")})
    undecided["action"] = "finish"
    reply = officer.post(f"/officer/submissions/{sub_id}", data=undecided)
    assert reply.status_code == 400 and "Còn mục chưa có quyết định" in reply.text
    data = _form(page, **{manual[0]: ("accepted", ""), manual[1]: ("rejected", "không có bằng chứng"),
                          manual[2]: ("accepted", "đúng"), BOTH_FAILING: ("accepted", "")})
    data["action"] = "finish"
    assert officer.post(f"/officer/submissions/{sub_id}", data=data).status_code == 302
    sub = get_submission(store, sub_id)
    assert sub is not None and sub.state == "reviewed" and sub.reviewed_by == "officer1" and sub.reviewed_at
    latest = store.results(outlet_id="o1")[-1]
    doc = store.documents([latest.id])[latest.id]
    jsonschema.validate(doc, result_schema())
    status = {r["requirement_id"]: r for r in doc["requirements"]}
    assert status[manual[0]]["status"] == "pass" and status[manual[0]]["source"] == "review"
    assert status[manual[1]]["status"] == "fail" and "không có bằng chứng" in status[manual[1]]["reason"]
    assert status[manual[2]]["status"] == "not_applicable"
    assert status[BOTH_FAILING]["status"] == "fail" and "conflict" in status[BOTH_FAILING]
    assert doc["probe_attempts"] and status[BOTH_FAILING]["sites"]  # the probe evidence is kept
    after = next(o for o in build_dashboard(store)["outlets"] if o["id"] == "o1")
    assert after["finished_at"] != before["finished_at"] and after["audits"] == before["audits"] + 1
    assert (before["pass_percent"], after["pass_percent"]) == (0.0, round(100 * 1 / 14, 1))
    assert after["manual"] == before["manual"] - 3
    # The page is read-only now, and a late save is told the review is over
    page = officer.get(f"/officer/submissions/{sub_id}").text
    assert 'name="action"' not in page and "Đã duyệt xong bởi officer1" in page
    assert officer.post(f"/officer/submissions/{sub_id}", data={**data, "version": "2"}).status_code == 409
    assert sub_id not in [int(x.split('"')[0]) for x in officer.get("/officer/submissions").text.split(
        "/officer/submissions/")[1:]]
    with store.read("t") as conn:
        finish = [json.loads(r.detail) for r in conn.execute(sa.select(audit_log).where(audit_log.c.action == "review.finish"))]
    assert finish and finish[0]["result_id"] == latest.id


def test_pages_show_no_raw_message_keys_in_either_language(app: Flask) -> None:
    """Given every officer page in Vietnamese and in English, then each word came from the catalogue."""
    sub_id, _manual = _setup(app)
    officer = _officer(app)
    paths = ["/officer/submissions", f"/officer/submissions/{sub_id}", "/officer/waivers", "/officer/outlets"]
    for lang in ("vi", "en"):
        officer.get(f"/lang/{lang}")
        for path in paths:
            page = officer.get(path).text
            assert "portal." not in page.replace("portal.css", ""), (lang, path)
    assert "Self-assessments waiting for review" in officer.get("/officer/submissions").text


def test_review_page_links_each_evidence_file_as_a_download(app: Flask) -> None:
    """Given alice submits a row with a PDF and an HTML page (accepted as text), when an officer opens the review,
    then each file has a download link that answers an attachment of octet-stream with nosniff, whatever it holds;
    another outlet's member cannot follow the link."""
    from tests.portal.test_access import FIRST
    from tests.portal.test_evidence import HTML, PDF, upload
    from tests.portal.test_submit import answer, submit

    alice = app.test_client()
    login(alice, "alice")
    assert upload(alice, PDF, "chính sách.pdf").status_code == 302
    assert upload(alice, HTML, "trang.txt").status_code == 302
    answer(alice, FIRST, "implemented")
    assert submit(alice).status_code == 302
    page = _officer(app).get("/officer/submissions").text
    sub_id = int(page.split('href="/officer/submissions/', 1)[1].split('"', 1)[0])
    officer = _officer(app)
    review = officer.get(f"/officer/submissions/{sub_id}").text
    links = {}
    for name, content in (("chính sách.pdf", PDF), ("trang.txt", HTML)):
        sha = hashlib.sha256(content).hexdigest()
        href = f"/outlet/o1/evidence/{sha}"
        assert f'<a href="{href}" download>{name}</a>' in review
        links[href] = content
    for href, content in links.items():
        reply = officer.get(href)
        assert reply.status_code == 200 and reply.data == content
        assert reply.headers["Content-Type"] == "application/octet-stream"
        assert reply.headers["Content-Disposition"].startswith("attachment;")
        assert reply.headers["X-Content-Type-Options"] == "nosniff"
        bob = app.test_client()
        login(bob, "bob")
        assert bob.get(href).status_code == 403
