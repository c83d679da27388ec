"""The outlet pages under the real `l3audit serve` (gunicorn, TLS): an upload cut off mid-body over a real socket
leaves no file and no row; and, in Debian's Chromium, typing into a justification saves it without the button."""

from __future__ import annotations

import json
import socket
import ssl
import time
from pathlib import Path

import httpx
import sqlalchemy as sa

from audit.department.store import open_store
from audit.department.store.schema import portal_evidence, portal_submissions
from tests.browser.test_report_browser import CHROMIUM, _require_browser
from tests.portal.conftest import PASSWORD, csrf_of
from tests.portal.test_access import FIRST
from tests.portal.test_evidence import PDF
from tests.probes.http.http_servers import Certificates

BOUNDARY = "l3auditcutoff"


def _session(port: int, certs: Certificates) -> tuple[str, str]:
    """Log alice in over HTTPS; her session cookie and a CSRF token."""
    base = f"https://127.0.0.1:{port}"
    with httpx.Client(base_url=base, verify=ssl.create_default_context(cafile=str(certs.ca))) as client:
        page = client.get("/login")
        client.post("/login", data={"username": "alice", "password": PASSWORD, "csrf_token": csrf_of(page.text)},
                    headers={"Referer": base + "/login"})
        token = csrf_of(client.get("/outlet/o1/questionnaire").text)
        cookie = next(c for c in client.cookies.jar if c.name.startswith("__Host-"))
        return f"{cookie.name}={cookie.value}", token


def _raw_upload(port: int, certs: Certificates, cookie: str, token: str, content: bytes, declared_extra: int) -> bytes:
    """POST a multipart upload by hand; declare `declared_extra` more bytes than are sent, then close."""
    body = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n"
            f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"requirement_id\"\r\n\r\n{FIRST}\r\n"
            f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cut.pdf\"\r\n"
            "Content-Type: application/pdf\r\n\r\n").encode() + content + f"\r\n--{BOUNDARY}--\r\n".encode()
    head = (f"POST /outlet/o1/evidence HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {cookie}\r\n"
            f"Referer: https://127.0.0.1:{port}/outlet/o1/questionnaire\r\n"
            f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
            f"Content-Length: {len(body) + declared_extra}\r\nConnection: close\r\n\r\n").encode()
    context = ssl.create_default_context(cafile=str(certs.ca))
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw, \
            context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
        tls.sendall(head + (body[: len(body) // 2] if declared_extra else body))
        if declared_extra:
            return b""  # closed mid-body: the server never gets the rest
        reply = b""
        while chunk := tls.recv(65536):
            reply += chunk
        return reply


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in (folder / "evidence").rglob("*") if p.is_file()) if (folder / "evidence").exists() else []


def _rows(store_path: str) -> int:
    with open_store(store_path) as store, store.read("test") as conn:
        return len(conn.execute(sa.select(portal_evidence)).all())


def test_upload_cut_off_mid_body_leaves_no_file_and_no_row(served: int, certs: Certificates, store_path: str) -> None:
    """Given gunicorn, when an upload declares more bytes than it sends and the connection closes, then nothing is
    kept; the same request sent whole is stored (so the cut one was a valid upload, only incomplete)."""
    data = Path(store_path + ".portal-data")
    cookie, token = _session(served, certs)
    content = PDF + b"%" + b"x" * 300_000 + b"\n"
    _raw_upload(served, certs, cookie, token, content, declared_extra=200_000)
    time.sleep(1.5)  # let the worker read to the end of what was sent and give up
    assert _files(data) == [] and _rows(store_path) == 0
    whole = _raw_upload(served, certs, cookie, token, content, declared_extra=0)
    assert whole.startswith(b"HTTP/1.1 302"), whole[:300]
    assert len(_files(data)) == 1 and _rows(store_path) == 1
    assert not [p for p in _files(data) if p.name.startswith(".upload-")]


def test_typing_saves_without_the_button_in_chromium(served: int) -> None:
    """Given alice typing a justification, then the row says 'Đã lưu' without any click, and a reload shows it."""
    _require_browser()
    from playwright.sync_api import expect, sync_playwright

    console: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_context(ignore_https_errors=True).new_page()
            page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
            base = f"https://127.0.0.1:{served}"
            page.goto(base + "/login")
            page.fill("#username", "alice")
            page.fill("#password", PASSWORD)
            page.click("button[type=submit] >> text=Đăng nhập")
            page.wait_for_url("**/outlet/o1/questionnaire")
            row = page.locator("article.question").first
            box = row.locator("textarea[name=justification]")
            box.click()
            box.press_sequentially("Đã có quy trình <b>sao lưu</b>", delay=20)
            expect(row.locator(".autosave-status")).to_have_text("Đã lưu", timeout=10_000)
            page.reload()
            row = page.locator("article.question").first
            assert row.locator("textarea[name=justification]").input_value() == "Đã có quy trình <b>sao lưu</b>"
            assert "alice" in row.locator(".saved").inner_text()
        finally:
            browser.close()
    assert console == [], console


def test_outlet_answers_ten_rows_uploads_and_submits_in_chromium(served: int, store_path: str, tmp_path: Path) -> None:
    """Given alice in Chromium, when she answers ten rows (saved as she goes), uploads a PDF and submits, then the
    overview says so and the store holds a waiting submission of ten rows with the file."""
    _require_browser()
    from playwright.sync_api import expect, sync_playwright

    evidence = tmp_path / "chính sách.pdf"
    evidence.write_bytes(PDF)
    console: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_context(ignore_https_errors=True).new_page()
            page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
            page.goto(f"https://127.0.0.1:{served}/login")
            page.fill("#username", "alice")
            page.fill("#password", PASSWORD)
            page.click("button[type=submit] >> text=Đăng nhập")
            page.wait_for_url("**/outlet/o1/questionnaire")
            n = 0  # one page per requirement group: answer its rows, then "next group"
            while n < 10:
                rows = page.locator("article.question")
                for k in range(min(rows.count(), 10 - n)):
                    row = rows.nth(k)
                    row.locator("select[name=answer]").select_option("partly" if n % 2 else "implemented")
                    expect(row.locator(".autosave-status")).to_have_text("Đã lưu", timeout=10_000)
                    n += 1
                if n < 10:
                    page.click("nav.pager a[rel=next]")
                    page.wait_for_load_state()
            first_group = page.locator("nav.groups li").first
            assert "đã trả lời" in first_group.inner_text()  # the index counts what the script saved
            assert page.locator("nav.groups li .progress.complete").count() >= 1
            first = page.locator("article.question").first
            first.locator("input[type=file]").set_input_files(str(evidence))
            first.locator("form.upload button[type=submit]").click()
            page.wait_for_load_state()
            first = page.locator("article.question").first
            assert first.locator(".evidence-files a").inner_text() == "chính sách.pdf"
            page.click("#submit button[type=submit]")
            page.wait_for_url("**/outlet/o1")
            assert "Đã nộp để thẩm định" in page.locator("main").inner_text()
            assert page.locator("tr.submission.state-waiting").count() == 1
        finally:
            browser.close()
    assert console == [], console
    with open_store(store_path) as store, store.read("test") as conn:
        (snapshot,) = conn.execute(sa.select(portal_submissions.c.snapshot)).scalars().all()
    rows = json.loads(snapshot)["rows"]
    assert len(rows) == 10
    assert [e["filename"] for r in rows for e in r["evidence"]] == ["chính sách.pdf"]
