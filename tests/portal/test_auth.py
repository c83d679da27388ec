"""Logging in: sessions renewed at login, CSRF refused when missing or wrong, throttling, TOTP, audit log."""

from __future__ import annotations

import ssl

import httpx
import pyotp
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from audit.department.store import open_store
from audit.department.store.schema import audit_log
from audit.portal.users import add_user
from tests.portal.conftest import PASSWORD, csrf_of, login
from tests.probes.http.http_servers import Certificates


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


def _copy(app: Flask, cookie: str) -> FlaskClient:
    """Another browser holding a copy of a session cookie (a stolen one)."""
    thief = app.test_client()
    thief.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
    return thief


def test_a_cookie_copied_before_logout_is_refused_after_it(client: FlaskClient, app: Flask) -> None:
    """Given a session cookie copied while alice is logged in, when she logs out, then the copy is not logged in."""
    login(client, "alice")
    page = client.get("/outlet/o1/questionnaire").text
    stolen = _session_cookie(client, app)
    assert _copy(app, stolen).get("/outlet/o1/questionnaire").status_code == 200  # the copy works while she is in
    assert client.post("/logout", data={"csrf_token": csrf_of(page)}).status_code == 302
    thief = _copy(app, stolen)
    assert thief.get("/outlet/o1/questionnaire").status_code == 302
    assert thief.post("/outlet/o1/answers", data={"requirement_id": "x", "answer": "implemented",
                                                  "csrf_token": csrf_of(page)}).status_code in (302, 400)
    login(client, "alice")  # a new login is a new session; the old copy stays dead
    assert client.get("/outlet/o1/questionnaire").status_code == 200
    assert _copy(app, stolen).get("/outlet/o1/questionnaire").status_code == 302


def test_disabling_or_a_new_password_ends_sessions_and_enabling_revives_none(
        client: FlaskClient, app: Flask, store_path: str) -> None:
    from audit.portal.users import set_disabled, set_password

    login(client, "alice")
    stolen = _session_cookie(client, app)
    with open_store(store_path) as store:
        set_disabled(store, "alice")
        set_disabled(store, "alice", disabled=False)
    assert _copy(app, stolen).get("/outlet/o1/questionnaire").status_code == 302
    other = app.test_client()
    login(other, "bob")
    with open_store(store_path) as store:
        set_password(store, "bob", PASSWORD + " again")
    assert other.get("/outlet/o2/questionnaire").status_code == 302
    assert login(other, "bob", PASSWORD + " again").status_code == 302
    assert other.get("/outlet/o2/questionnaire").status_code == 200


def test_the_store_keeps_only_a_hash_of_the_session_id_and_refuses_an_expired_one(
        client: FlaskClient, app: Flask, store_path: str) -> None:
    import hashlib

    from audit.department.store.schema import portal_sessions

    login(client, "alice")
    with client.session_transaction() as s:
        sid = s["sid"]
    with open_store(store_path) as store, store.write("t") as conn:
        (row,) = conn.execute(sa.select(portal_sessions)).all()
        assert row.id_hash == hashlib.sha256(sid.encode()).hexdigest() and sid not in str(tuple(row))
        assert row.ended_at is None and row.expires_at > row.created_at
        conn.execute(portal_sessions.update().values(expires_at="2000-01-01T00:00:00+00:00"))
    assert client.get("/outlet/o1/questionnaire").status_code == 302


def test_logout_ends_the_session_server_side_under_gunicorn(served: int, certs: Certificates) -> None:
    """Given the served portal (gunicorn, TLS), a cookie copied before logout is refused after it."""
    base = f"https://127.0.0.1:{served}"
    verify = ssl.create_default_context(cafile=str(certs.ca))
    with httpx.Client(base_url=base, verify=verify, headers={"Referer": base + "/login"}) as alice:
        token = csrf_of(alice.get("/login").text)
        alice.post("/login", data={"username": "alice", "password": PASSWORD, "csrf_token": token})
        page = alice.get("/outlet/o1/questionnaire")
        assert page.status_code == 200
        stolen = {c.name: c.value for c in alice.cookies.jar if c.name.startswith("__Host-")}
        alice.post("/logout", data={"csrf_token": csrf_of(page.text)})
    with httpx.Client(base_url=base, verify=verify, cookies=stolen) as thief:
        reply = thief.get("/outlet/o1/questionnaire")
        assert reply.status_code == 302 and reply.headers["Location"].startswith("/login")
