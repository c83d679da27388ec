"""Logging in: sessions renewed at login, CSRF refused when missing or wrong, throttling, TOTP, audit log."""

from __future__ import annotations

import pyotp
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from audit.department.store import open_store
from audit.department.store.schema import audit_log
from audit.portal.users import add_user
from tests.portal.conftest import PASSWORD, csrf_of, login


def _session_cookie(client: FlaskClient, app: Flask) -> str:
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    return cookie.value if cookie else ""


def test_login_sends_each_role_home(client: FlaskClient) -> None:
    """Given each role, when it logs in, then it lands in its own area."""
    assert login(client, "alice").headers["Location"] == "/outlet/o1/questionnaire"
    assert client.get("/outlet/o1/questionnaire").status_code == 200


def test_wrong_password_is_refused_and_logged(client: FlaskClient, store_path: str) -> None:
    """Given a wrong password, then 401, no session, and a login.failed row in the audit log."""
    assert login(client, "alice", "not the password").status_code == 401
    assert client.get("/outlet/o1/questionnaire").status_code == 302
    with open_store(store_path) as store, store.read("t") as conn:
        actions = [r.action for r in conn.execute(sa.select(audit_log))]
    assert "login.failed" in actions


def test_session_is_renewed_at_login(client: FlaskClient, app: Flask) -> None:
    """Given a session cookie from before login (a planted one), when the user logs in, then the
    session is a new one: its cookie and its random id differ, and the old cookie is not logged in."""
    client.get("/login")
    before = _session_cookie(client, app)
    with client.session_transaction() as s:
        s["sid"] = "planted"
    login(client, "alice")
    after = _session_cookie(client, app)
    assert before and after and before != after
    with client.session_transaction() as s:
        assert s["sid"] != "planted" and len(s["sid"]) >= 24
    stranger = app.test_client()
    stranger.set_cookie(app.config["SESSION_COOKIE_NAME"], before)
    assert stranger.get("/outlet/o1/questionnaire").status_code == 302


def test_missing_or_wrong_csrf_is_refused(client: FlaskClient) -> None:
    """Given a login or an answer posted without its token or with a forged one, then 400 and nothing done."""
    assert client.post("/login", data={"username": "alice", "password": PASSWORD}).status_code == 400
    assert client.post("/login", data={"username": "alice", "password": PASSWORD,
                                       "csrf_token": "forged"}).status_code == 400
    login(client, "alice")
    for token in (None, "forged"):
        data = {"requirement_id": "x", "answer": "implemented", **({"csrf_token": token} if token else {})}
        assert client.post("/outlet/o1/answers", data=data).status_code == 400
    assert client.post("/logout").status_code == 400
    assert client.get("/outlet/o1/questionnaire").status_code == 200  # still logged in


def test_throttling_after_five_failures(client: FlaskClient) -> None:
    """Given five failed logins for one account from one address, then even the right password is refused (429)."""
    for _ in range(5):
        assert login(client, "alice", "wrong password!").status_code == 401
    assert login(client, "alice").status_code == 429
    assert login(client, "bob").status_code == 302  # another account is not locked


def test_totp_for_an_officer(client: FlaskClient, store_path: str) -> None:
    """Given an officer with TOTP, then the password alone does not log in; password and code do."""
    secret = pyotp.random_base32()
    with open_store(store_path) as store:
        add_user(store, "carol", PASSWORD, "officer", totp_secret=secret)
    assert login(client, "carol").headers["Location"] == "/login/totp"
    assert client.get("/officer/outlets").status_code == 302
    page = client.get("/login/totp").text
    assert client.post("/login/totp", data={"code": "000000", "csrf_token": csrf_of(page)}).status_code == 401
    page = client.get("/login/totp").text
    reply = client.post("/login/totp", data={"code": pyotp.TOTP(secret).now(), "csrf_token": csrf_of(page)})
    assert reply.headers["Location"] == "/officer/outlets"
    assert client.get("/officer/outlets").status_code == 200


def test_disabled_user_is_logged_out(client: FlaskClient, store_path: str) -> None:
    """Given a logged-in user who is then disabled, then the next request is not logged in."""
    from audit.portal.users import set_disabled

    login(client, "alice")
    with open_store(store_path) as store:
        set_disabled(store, "alice")
    assert client.get("/outlet/o1/questionnaire").status_code == 302
    assert login(client, "alice").status_code == 401


def test_logout_ends_the_session(client: FlaskClient) -> None:
    login(client, "alice")
    page = client.get("/outlet/o1/questionnaire").text
    assert client.post("/logout", data={"csrf_token": csrf_of(page)}).status_code == 302
    assert client.get("/outlet/o1/questionnaire").status_code == 302


def test_language_switch(client: FlaskClient) -> None:
    """Given the default, then Vietnamese; after the switch link, English; a foreign `next` goes home."""
    assert "Đăng nhập" in client.get("/login").text
    assert client.get("/lang/en?next=//evil.example/").headers["Location"] == "/"
    assert "Log in" in client.get("/login").text
