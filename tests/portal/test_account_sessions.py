"""A user's own sessions (/account/sessions) and "log out everywhere": only one's own, CSRF, every copy refused."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from audit.department.store.schema import audit_log
from tests.portal.conftest import csrf_of, login


def test_user_sees_only_their_own_sessions_this_one_marked(app: Flask) -> None:
    """Given alice logged in from two browsers and the officer from a third, when alice opens her
    sessions page, then it lists her two sessions, this browser's marked, and none of the officer's."""
    laptop, phone, officer = app.test_client(), app.test_client(), app.test_client()
    for client, name in ((laptop, "alice"), (phone, "alice"), (officer, "officer1")):
        assert login(client, name).status_code == 302
    page = laptop.get("/account/sessions")
    assert page.status_code == 200
    table = page.text.split('<table id="sessions">')[1].split("</table>")[0]
    assert table.count("<tr") == 3  # the header and two sessions
    assert table.count('class="current"') == 1 and "Phiên này" in table
    assert "Đăng xuất khỏi mọi nơi" in page.text
    assert officer.get("/account/sessions").text.split('<table id="sessions">')[1].split("</table>")[0].count("<tr") == 2
    laptop.get("/lang/en")
    assert "Log out everywhere" in laptop.get("/account/sessions").text


def test_log_out_everywhere_ends_every_copy_and_needs_the_csrf_token(app: Flask) -> None:
    """Given alice in two browsers, when one posts "log out everywhere" (without the token: refused),
    then both are logged out, a copy of the cookie is refused, the officer stays logged in, and the
    audit log has the action."""
    laptop, phone, officer = app.test_client(), app.test_client(), app.test_client()
    for client, name in ((laptop, "alice"), (phone, "alice"), (officer, "officer1")):
        login(client, name)
    assert laptop.post("/account/sessions/end", data={}).status_code == 400  # no CSRF token
    assert phone.get("/outlet/o1/questionnaire").status_code == 200
    token = csrf_of(laptop.get("/account/sessions").text)
    reply = laptop.post("/account/sessions/end", data={"csrf_token": token})
    assert reply.status_code == 302 and reply.headers["Location"].endswith("/login")
    for client in (laptop, phone):
        again = client.get("/outlet/o1/questionnaire")
        assert again.status_code == 302 and "/login" in again.headers["Location"]
    assert officer.get("/officer/outlets").status_code == 200
    store = app.extensions["l3audit_store"]
    with store.read("t") as conn:
        rows = [(r.action, r.username) for r in conn.execute(sa.select(audit_log).order_by(audit_log.c.id))]
    assert ("sessions.end_all", "alice") in rows
    assert login(laptop, "alice").status_code == 302  # a new login works as before
    assert laptop.get("/account/sessions").text.count('class="current"') == 1
