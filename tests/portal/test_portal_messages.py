"""The portal's own messages in the page's language: error pages, form errors, login and upload refusals.

Given the portal on a SQLite store (Flask's test client: these are status pages, the browser tests
drive the flows), When each error is provoked (CSRF token missing, 400, 401, 403, 404, 405, 413,
415, 429, 500, 503, empty or too short fields, a refused password, a wrong TOTP code, an upload of
an executable), Then the Vietnamese page holds no English sentence and no English text of the
catalogue, and the English page (the language switch's cookie) no Vietnamese.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable
from typing import Any

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient

from audit.department.store import open_store
from audit.errors import StoreError
from audit.portal import throttle
from audit.portal.locale import LANG_COOKIE
from audit.portal.users import add_user
from tests.portal.conftest import PASSWORD, csrf_of, login
from tests.portal.test_access import FIRST
from tests.test_vietnamese_errors import english_in, english_sentences

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
VIETNAMESE_LETTER = re.compile(r"[À-ỹĐđ]")
DATA = ("Báo Một", "Báo Hai", "Tiếng Việt")  # outlet names from the store; the switch names each language in itself


def visible_text(page: str) -> str:
    """What a reader sees: the text between tags, scripts and styles left out, entities decoded."""
    page = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", page)
    return html.unescape(re.sub(r"(?s)<[^>]+>", "\n", page))


def _csrf_missing(client: FlaskClient) -> Any:
    return client.post("/login", data={"username": "alice", "password": "x"})


def _not_found(client: FlaskClient) -> Any:
    return client.get("/no/such/page")


def _method(client: FlaskClient) -> Any:
    return client.post("/lang/vi")


def _forbidden(client: FlaskClient) -> Any:
    login(client, "alice")
    return client.get("/officer/outlets")


def _bad_request(client: FlaskClient) -> Any:
    login(client, "admin1")
    token = csrf_of(client.get("/admin/users").text)
    return client.post("/admin/users/admin1/disable", data={"csrf_token": token})


def _wrong_password(client: FlaskClient) -> Any:
    return login(client, "alice", "not the password")


def _empty_fields(client: FlaskClient) -> Any:
    token = csrf_of(client.get("/login").text)
    return client.post("/login", data={"username": "", "password": "", "csrf_token": token})


def _too_long(client: FlaskClient) -> Any:
    token = csrf_of(client.get("/login").text)
    return client.post("/login", data={"username": "a" * 201, "password": "x", "csrf_token": token})


def _throttled(client: FlaskClient) -> Any:
    for _ in range(throttle.MAX_FAILURES):
        login(client, "alice", "wrong")
    return login(client, "alice")


def _totp(code: str) -> Callable[[FlaskClient], Any]:
    def provoke(client: FlaskClient) -> Any:
        login(client, "carol")
        return client.post("/login/totp", data={"code": code, "csrf_token": csrf_of(client.get("/login/totp").text)})
    return provoke


def _add_user(data: dict[str, str]) -> Callable[[FlaskClient], Any]:
    def provoke(client: FlaskClient) -> Any:
        login(client, "admin1")
        token = csrf_of(client.get("/admin/users").text)
        return client.post("/admin/users", data={**data, "csrf_token": token})
    return provoke


def _upload(content: bytes, name: str) -> Callable[[FlaskClient], Any]:
    def provoke(client: FlaskClient) -> Any:
        login(client, "alice")
        token = csrf_of(client.get("/outlet/o1/questionnaire").text)
        return client.post("/outlet/o1/evidence", content_type="multipart/form-data", data={
            "requirement_id": FIRST, "csrf_token": token, "file": (io.BytesIO(content), name)})
    return provoke


def _too_large_upload(client: FlaskClient) -> Any:
    client.application.config["L3AUDIT_EVIDENCE_MAX_BYTES"] = 1000
    return _upload(b"%PDF-1.4\n" + b"0" * 5000, "big.pdf")(client)


def _too_large_form(client: FlaskClient) -> Any:
    return client.post("/login", data={"username": "a", "password": "x" * (2 * 1024 * 1024)})


def _store_down(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> Any:
    token = csrf_of(client.get("/login").text)

    def unreachable(*_args: object, **_kwargs: object) -> bool:
        raise StoreError("connection refused")

    monkeypatch.setattr(throttle, "is_throttled", unreachable)
    return client.post("/login", data={"username": "alice", "password": PASSWORD, "csrf_token": token})


CASES: dict[str, tuple[Callable[..., Any], int, str]] = {
    # name: (provoke, status, a phrase of the Vietnamese page)
    "csrf": (_csrf_missing, 400, "Biểu mẫu đã hết hạn"),
    "404": (_not_found, 404, "Không tìm thấy trang"),
    "405": (_method, 405, "Phương thức không được phép"),
    "403": (_forbidden, 403, "không có quyền"),
    "400": (_bad_request, 400, "Yêu cầu không hợp lệ"),
    "401 password": (_wrong_password, 401, ""),
    "empty fields": (_empty_fields, 400, "Phải điền mục này"),
    "too long": (_too_long, 400, "Không được dài quá 200 ký tự"),
    "429 throttled": (_throttled, 429, ""),
    "totp too short": (_totp("12"), 400, "Phải dài từ 6 đến 8 ký tự"),
    "totp wrong": (_totp("000000"), 401, ""),
    "new user, empty": (_add_user({"username": "", "password": "", "role": "officer"}), 400, "Phải điền mục này"),
    "new user, bad role": (_add_user({"username": "dave", "password": PASSWORD, "role": "root"}), 400,
                           "Lựa chọn không hợp lệ"),
    "new user, short password": (_add_user({"username": "dave", "password": "short", "role": "officer"}), 400, ""),
    "upload, executable": (_upload(EXE, "setup.exe"), 415, ""),
    "upload, no file": (_upload(b"", ""), 400, ""),
    "upload, too large": (_too_large_upload, 413, ""),
    "413": (_too_large_form, 413, "quá lớn"),
    "503": (_store_down, 503, ""),
}


@pytest.fixture()
def carol(store_path: str) -> str:
    """An officer with TOTP."""
    secret = pyotp.random_base32()
    with open_store(store_path) as store:
        add_user(store, "carol", PASSWORD, "officer", totp_secret=secret)
    return secret


def _provoke(name: str, client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> Any:
    provoke, status, _phrase = CASES[name]
    reply = provoke(client, monkeypatch) if provoke is _store_down else provoke(client)
    assert reply.status_code == status, (name, reply.status_code, reply.text[:800])
    return reply


@pytest.mark.parametrize("name", CASES)
def test_each_error_in_vietnamese(name: str, app: Flask, carol: str, monkeypatch: pytest.MonkeyPatch) -> None:
    client = app.test_client()
    reply = _provoke(name, client, monkeypatch)
    text = visible_text(reply.text)
    assert 'role="alert"' in reply.text, text  # the page says what went wrong, not only its status
    assert english_sentences(text) == [], text
    assert english_in(text) == [], text
    assert CASES[name][2] in text, text


@pytest.mark.parametrize("name", CASES)
def test_each_error_in_english(name: str, app: Flask, carol: str, monkeypatch: pytest.MonkeyPatch) -> None:
    client = app.test_client()
    client.set_cookie(LANG_COOKIE, "en")
    reply = _provoke(name, client, monkeypatch)
    text = visible_text(reply.text)
    for data in DATA:
        text = text.replace(data, "")
    assert 'role="alert"' in reply.text and VIETNAMESE_LETTER.findall(text) == [], text


def test_an_error_without_its_own_message_says_its_code(app: Flask) -> None:
    """Given a status no page of ours names (418), the page is still ours and in the page's language."""
    from werkzeug.exceptions import ImATeapot

    @app.route("/teapot-test")
    def _teapot() -> None:
        raise ImATeapot()

    reply = app.test_client().get("/teapot-test")
    assert reply.status_code == 418 and "mã lỗi HTTP 418" in visible_text(reply.text)


def test_a_server_error_is_our_page(app: Flask) -> None:
    @app.route("/boom-test")
    def _boom() -> None:
        raise RuntimeError("boom")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    reply = app.test_client().get("/boom-test")
    text = visible_text(reply.text)
    assert reply.status_code == 500 and "Máy chủ gặp lỗi" in text and english_sentences(text) == []
