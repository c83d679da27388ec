"""The authorization matrix: every route x every role x own and other outlet; answers saved; hostile text escaped."""

from __future__ import annotations

import datetime
import itertools
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from audit.catalogue.loader import load_checklist, resolve_checklist
from audit.selfassess.questionnaire import questions
from tests.portal.conftest import CHECKLIST, PASSWORD, csrf_of, login

_IN_A_MONTH = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
INVENTORY = Path(__file__).parent / "data" / "inventory.yaml"
FIRST = questions(load_checklist(resolve_checklist(CHECKLIST)))[0].requirement_id
ROLES = {"anonymous": None, "outlet": "alice", "officer": "officer1", "admin": "admin1"}
# (method, path with {outlet}, form data, who may): the outlet member only of its own outlet.
ROUTES = [
    ("GET", "/outlet/{outlet}/questionnaire", None, {"outlet:own"}),
    ("GET", "/outlet/{outlet}/questionnaire/NET", None, {"outlet:own"}),  # one group's page
    ("POST", "/outlet/{outlet}/answers", {"requirement_id": FIRST, "answer": "implemented"}, {"outlet:own"}),
    ("GET", "/officer/outlets", None, {"officer", "admin"}),
    ("GET", "/admin/users", None, {"admin"}),
    ("POST", "/admin/users", {"username": "newuser", "password": PASSWORD, "role": "officer"}, {"admin"}),
    ("POST", "/admin/users/bob/disable", {}, {"admin"}),
    # --- outlet pages: evidence, submit, overview (a 5th item: the status when allowed, if not 200/302;
    # these run on an empty store, so tests/portal/test_evidence.py repeats them with real files) ---
    ("GET", "/outlet/{outlet}", None, {"outlet:own", "officer", "admin"}),
    ("POST", "/outlet/{outlet}/evidence", {"requirement_id": FIRST}, {"outlet:own"}, 400),  # no file: 400
    ("GET", "/outlet/{outlet}/evidence/" + "ab" * 32, None, {"outlet:own", "officer", "admin"}, 404),  # no such file
    ("POST", "/outlet/{outlet}/evidence/1/remove", {}, {"outlet:own"}, 404),  # no such row
    ("POST", "/outlet/{outlet}/submit", {}, {"outlet:own"}, 400),  # nothing answered: 400
    # --- officer: review, waivers, scans (data made by _officer_data below) ---
    ("GET", "/officer/submissions", None, {"officer", "admin"}),
    ("GET", "/officer/submissions/1", None, {"officer", "admin"}),
    ("POST", "/officer/submissions/1", {"version": "1", "action": "save"}, {"officer", "admin"}),
    ("GET", "/officer/waivers", None, {"officer", "admin"}),
    ("POST", "/officer/waivers", {"outlet_id": "o1", "requirement_id": FIRST, "justification": "lý do",
                                  "approver": "Giám đốc", "expires": _IN_A_MONTH}, {"officer", "admin"}),
    ("POST", "/officer/waivers/1/revoke", {}, {"officer", "admin"}),
    ("POST", "/officer/outlets/{outlet}/scan", {}, {"officer", "admin"}),
    # --- one's own account: the sessions page and "log out everywhere" (every role, only its own) ---
    ("GET", "/account/sessions", None, {"outlet:own", "outlet:other", "officer", "admin"}),
    ("POST", "/account/sessions/end", {}, {"outlet:own", "outlet:other", "officer", "admin"}),
    # --- the department's pages ---
    ("GET", "/department", None, {"officer", "admin"}),
    ("GET", "/department/dashboard.xlsx", None, {"officer", "admin"}),
    ("GET", "/department/dashboard.pdf", None, {"officer", "admin"}),
    ("GET", "/department/outlets", None, {"officer", "admin"}),
    ("POST", "/department/outlets", {"file": (str(INVENTORY), "inventory.yaml")}, {"admin"}),
]
OK = {"GET": 200, "POST": 302}


# --- officer: review, waivers, scans ---
@pytest.fixture(autouse=True)
def _officer_data(store_path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A submission (id 1) of o1 waiting, a waiver (id 1), and sites for o1 and o2; scans are only queued."""
    from audit.department.store import open_store
    from audit.portal.scans import InProcessScans
    from audit.portal.waivers import add_waiver
    from tests.portal.review_support import add_waiting, row

    checklist = load_checklist(resolve_checklist(CHECKLIST))
    with open_store(store_path) as store:
        add_waiting(store, checklist, "o1", [row(FIRST, "implemented")])
        add_waiver(store, checklist, "o1", {"o1"}, FIRST, "lý do", "Giám đốc", datetime.date.today() + datetime.timedelta(days=9), "t")
        sites = {o: f'{{"id": "{o}", "name": "{o}", "tags": [], "settings": {{}}, "contact": {{"name": "", "email": "", '
                    f'"phone": ""}}, "sites": [{{"url": "https://{o}.test", "address": "127.18.2.99", "http_port": null}}]}}'
                 for o in ("o1", "o2")}
        store.replace_inventory([("o1", "Báo Một", ()), ("o2", "Báo Hai", ())], sites)
    monkeypatch.setattr(InProcessScans, "submit", lambda self, store, job_id: None)  # authorization, not scanning


@pytest.mark.parametrize("route, role, whose", list(itertools.product(range(len(ROUTES)), ROLES, ("own", "other"))))
def test_authorization_matrix(client: FlaskClient, route: int, role: str, whose: str) -> None:
    """Given a role and an outlet (alice's own o1 or another's o2), then only the allowed pairs get the page."""
    method, path, data, allowed, *when_allowed = ROUTES[route]
    path = path.format(outlet="o1" if whose == "own" else "o2")
    if ROLES[role]:
        assert login(client, ROLES[role]).status_code == 302
    token = csrf_of(client.get(_home(role) if ROLES[role] else "/login").text)
    reply = client.get(path) if method == "GET" else client.post(path, data={**(data or {}), "csrf_token": token})
    key = f"{role}:{whose}" if role == "outlet" else role
    if role == "anonymous":
        assert reply.status_code == 302 and "/login" in reply.headers["Location"]
    elif key in allowed:
        assert reply.status_code == (when_allowed[0] if when_allowed else OK[method]), reply.text[:300]
    else:
        assert reply.status_code == 403


def _home(role: str) -> str:
    return {"outlet": "/outlet/o1/questionnaire", "officer": "/officer/outlets", "admin": "/admin/users"}[role]


def test_answer_is_saved_and_shown(client: FlaskClient) -> None:
    """Given an outlet member who saves a row, then the page shows it selected with who saved it."""
    login(client, "alice")
    page = client.get("/outlet/o1/questionnaire").text
    reply = client.post("/outlet/o1/answers", data={"requirement_id": FIRST, "answer": "partly", "text": "một phần",
                                                    "csrf_token": csrf_of(page)})
    assert reply.status_code == 302
    page = client.get("/outlet/o1/questionnaire").text
    assert 'value="partly" selected' in page and "một phần" in page and "alice" in page


def test_not_applicable_needs_a_justification_and_unknown_rows_are_refused(client: FlaskClient) -> None:
    login(client, "alice")
    token = csrf_of(client.get("/outlet/o1/questionnaire").text)
    assert client.post("/outlet/o1/answers", data={"requirement_id": FIRST, "answer": "not_applicable",
                                                   "csrf_token": token}).status_code == 400
    assert client.post("/outlet/o1/answers", data={"requirement_id": "no.such", "answer": "partly",
                                                   "csrf_token": token}).status_code == 400


def test_hostile_text_is_escaped(client: FlaskClient, app: Flask) -> None:
    """Given script in an answer and in an outlet's name, then pages show it as text, never as markup."""
    hostile = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    store = app.extensions["l3audit_store"]
    store.replace_inventory([("o1", hostile, ())])
    login(client, "alice")
    token = csrf_of(client.get("/outlet/o1/questionnaire").text)
    client.post("/outlet/o1/answers", data={"requirement_id": FIRST, "answer": "partly", "text": hostile,
                                            "csrf_token": token})
    page = client.get("/outlet/o1/questionnaire").text
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    officer = app.test_client()
    login(officer, "officer1")
    listing = officer.get("/officer/outlets").text
    assert "<script>alert" not in listing and "<img src=x" not in listing


def test_security_headers_on_every_page(client: FlaskClient) -> None:
    """Given any page, then the strict CSP (no unsafe-inline), nosniff, no framing and no referrer."""
    for path in ("/login", "/admin/users", "/no-such-page"):
        headers = client.get(path).headers
        assert "unsafe-inline" not in headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in headers  # plain HTTP: only over TLS
    for cookie in client.get("/login").headers.getlist("Set-Cookie"):
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie, cookie
