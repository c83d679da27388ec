"""The department's pages: the live dashboard (aggregate's view-model), filters, exports, the inventory."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from audit.department.aggregate.build import Filters, build_dashboard
from audit.department.store import open_store
from audit.department.store.schema import results
from audit.report.pdf import find_chromium
from tests.department.support import make_result
from tests.portal.conftest import csrf_of, login

HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
INVENTORY = Path(__file__).parent / "data" / "inventory.yaml"


@pytest.fixture()
def filled(store_path: str) -> str:
    """Given two rounds for o1 (compliant, then a regression) and one for o2 (not compliant), o2 with a hostile name."""
    with open_store(store_path) as store:
        store.replace_inventory([("o1", "Báo Một", ("ha-noi",)), ("o2", "Báo Hai", ("tp-hcm",))])
        first = store.start_round("r1", "run")
        store.add_result(make_result("o1", {"L3-TLS-01": "pass", "L3-WEB-01": "pass"}, "2026-11-02T03:00:00+00:00",
                                     name="Báo Một", tags=("ha-noi",)), first)
        second = store.start_round("r2", "run")
        store.add_result(make_result("o1", {"L3-TLS-01": "pass", "L3-WEB-01": "fail"}, "2026-12-01T03:00:00+00:00",
                                     name="Báo Một", tags=("ha-noi",)), second)
        store.add_result(make_result("o2", {"L3-TLS-01": "fail", "L3-WEB-01": "pass"}, "2026-12-01T04:00:00+00:00",
                                     name=HOSTILE, tags=("tp-hcm",)), second)
    return store_path


def test_dashboard_shows_the_aggregate_view_model(client: FlaskClient, filled: str) -> None:
    """Given stored results, when an officer opens /department, then the numbers are those of `aggregate`."""
    login(client, "officer1")
    page = client.get("/department")
    assert page.status_code == 200
    with open_store(filled) as store:
        view = build_dashboard(store, Filters(), "vi")
    html = page.text
    assert f'<strong id="total-outlets">{view["totals"]["outlets"]}</strong>' in html
    assert 'data-outlet="o1"' in html and 'data-outlet="o2"' in html
    assert "Tổng hợp an toàn thông tin cấp độ 3" in html and "Cơ quan xấu đi so với lần trước" in html
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'style="' not in html  # the strict CSP forbids inline style; the share bar is SVG
    assert "unsafe-inline" not in page.headers["Content-Security-Policy"]
    client.get("/lang/en")
    english = client.get("/department").text
    assert "Level-3 information security across press outlets" in english and "Download the spreadsheet (XLSX)" in english


def test_filters_narrow_the_dashboard(client: FlaskClient, filled: str) -> None:
    """Given a tag or a window, then only those outlets and results are counted (as `aggregate --tag` would)."""
    login(client, "officer1")
    by_tag = client.get("/department?tag=tp-hcm").text
    assert 'data-outlet="o2"' in by_tag and 'data-outlet="o1"' not in by_tag
    assert 'value="tp-hcm" selected' in by_tag
    early = client.get("/department?until=2026-11-30").text
    assert '<strong id="total-outlets">2</strong>' in early  # o2 counts, with no result in the window
    assert "Chưa có kết quả" in early
    assert client.get("/department?since=02/11/2026&until=2026-12-01&waiver_days=7").status_code == 200


@pytest.mark.parametrize("query, key", [
    ("since=hom-qua", "Ngày lọc không hợp lệ"), ("since=2026-12-02&until=2026-12-01", "Ngày lọc không hợp lệ"),
    ("checklist=no-such", "Không có kết quả nào đã lưu dùng danh mục này"),
    ("waiver_days=-1", "Số ngày phải là số nguyên"), ("waiver_days=99999", "Số ngày phải là số nguyên"),
    ("tag=" + "x" * 201, "Nhãn lọc không hợp lệ"),
])
def test_bad_filters_are_refused_with_a_reason(client: FlaskClient, filled: str, query: str, key: str) -> None:
    login(client, "officer1")
    for path in ("/department", "/department/dashboard.xlsx"):
        reply = client.get(f"{path}?{query}")
        assert reply.status_code == 400 and key in reply.text


def test_xlsx_export_is_the_aggregate_workbook_of_the_filtered_view(client: FlaskClient, filled: str) -> None:
    login(client, "admin1")
    page = client.get("/department?tag=ha-noi").text
    assert "/department/dashboard.xlsx?tag=ha-noi&amp;waiver_days=30" in page
    reply = client.get("/department/dashboard.xlsx?tag=ha-noi")
    assert reply.status_code == 200 and reply.mimetype.endswith("spreadsheetml.sheet")
    assert reply.headers["Content-Disposition"].startswith('attachment; filename="dashboard-')
    book = load_workbook(io.BytesIO(reply.data), read_only=True)
    rows = list(book["Cơ quan báo chí"].iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["o1"]


def test_pdf_export_without_chromium_is_a_clear_page(client: FlaskClient, filled: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Given no Chromium, then a 503 page that says what to install, not a traceback."""
    monkeypatch.setenv("L3AUDIT_CHROMIUM", "/nonexistent/chromium")
    login(client, "officer1")
    reply = client.get("/department/dashboard.pdf")
    assert reply.status_code == 503 and "apt-get install chromium" in reply.text
    assert "Traceback" not in reply.text


def test_pdf_export_with_chromium(client: FlaskClient, filled: str) -> None:
    if find_chromium() is None:
        pytest.skip("chromium not installed (apt-get install chromium)")
    login(client, "officer1")
    reply = client.get("/department/dashboard.pdf?tag=ha-noi")
    assert reply.status_code == 200 and reply.mimetype == "application/pdf" and reply.data.startswith(b"%PDF")


def test_inventory_page_lists_outlets_with_sites_and_tags(client: FlaskClient, filled: str) -> None:
    login(client, "officer1")
    page = client.get("/department/outlets").text
    assert 'data-outlet="o1"' in page and "https://o1.test/" in page and "ha-noi" in page
    assert "Nhập danh sách" not in page  # the import form is the admin's


def test_admin_imports_an_inventory_and_a_bad_file_changes_nothing(client: FlaskClient, app: Flask, filled: str) -> None:
    """Given an admin, when a valid YAML is uploaded it replaces the inventory; a hostile one is refused whole."""
    login(client, "admin1")
    token = csrf_of(client.get("/department/outlets").text)
    reply = client.post("/department/outlets", data={"csrf_token": token, "file": (str(INVENTORY), "../../x.yaml")},
                        content_type="multipart/form-data")
    assert reply.status_code == 302
    assert "Đã nhập 2 cơ quan báo chí" in client.get(reply.headers["Location"]).text
    store = app.extensions["l3audit_store"]
    assert [e["id"] for e in store.inventory()] == ["o1", "o3"]
    bomb = b"a: &a [" + b"x," * 10 + b"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    for payload in (bomb, b"outlets: [{id: '<b>', name: x, sites: []}]\n", b"\xff\xfe not yaml"):
        reply = client.post("/department/outlets", data={"csrf_token": token, "file": (io.BytesIO(payload), "i.yaml")},
                            content_type="multipart/form-data")
        assert reply.status_code == 400 and "danh sách không thay đổi" in reply.text
        assert "<b>" not in reply.text.split("<main>")[1]
    assert [e["id"] for e in store.inventory()] == ["o1", "o3"]
    assert client.post("/department/outlets", data={"file": (str(INVENTORY), "i.yaml")},
                       content_type="multipart/form-data").status_code == 400  # no CSRF token


def test_dashboard_is_live_after_a_new_result_a_withdrawal_or_an_inventory(client: FlaskClient, filled: str) -> None:
    """Given a dashboard already shown (and kept while nothing changes), when a result is stored, one is
    withdrawn or the inventory replaced, then the next request shows it."""
    login(client, "officer1")
    assert '<strong id="total-compliant">0</strong>' in client.get("/department").text
    with open_store(filled) as store:
        round_id = store.start_round("r3", "run")
        store.add_result(make_result("o2", {"L3-TLS-01": "pass", "L3-WEB-01": "pass"}, "2026-12-02T03:00:00+00:00",
                                     name="Báo Hai", tags=("tp-hcm",)), round_id)
    assert '<strong id="total-compliant">1</strong>' in client.get("/department").text
    with open_store(filled) as store:
        newest = [r for r in store.results() if r.outlet_id == "o2"][-1]
        with store.read("t") as conn:
            digest = conn.execute(sa.select(results.c.digest).where(results.c.id == newest.id)).scalar_one()
        store.withdraw(digest, "gửi nhầm")
    assert '<strong id="total-compliant">0</strong>' in client.get("/department").text
    with open_store(filled) as store:
        store.replace_inventory([("o1", "Báo Một", ("ha-noi",)), ("o2", "Báo Hai", ("tp-hcm",)), ("o9", "Mới", ())])
    assert 'data-outlet="o9"' in client.get("/department").text


def test_dashboard_in_chromium_under_the_strict_csp(filled: str, served: int) -> None:
    """Given the served portal (gunicorn, TLS) with a hostile outlet name, when an officer opens the
    dashboard in Chromium, then no script runs, the CSP reports nothing, and the SVG share bar is laid out by our stylesheet."""
    from tests.portal.browser_support import chromium, log_in, watched_page

    with chromium() as browser:
        w = watched_page(browser)
        page = w.page
        log_in(page, f"https://127.0.0.1:{served}", "officer1")
        page.click("header >> text=Bảng tổng hợp")
        page.wait_for_url("**/department")
        assert page.locator("#total-outlets").inner_text() == "2"
        assert page.locator("tr[data-outlet=o2] strong").first.inner_text().startswith("<script>")
        assert page.evaluate("() => document.querySelector('svg.bar').getBoundingClientRect().width") > 100
        page.select_option("select[name=tag]", "ha-noi")
        page.click("button >> text=Lọc")
        page.wait_for_load_state()
        assert page.locator("tr[data-outlet]").count() >= 1 and page.locator("tr[data-outlet=o2]").count() == 0
    assert w.dialogs == [] and w.console == [], (w.dialogs, w.console)
