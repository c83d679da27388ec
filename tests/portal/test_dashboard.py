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
        # the verdict filter, with the tag still chosen: a page of the not-compliant outlets, then none compliant
        page.select_option("select[name=status]", "not_compliant")
        page.click("button >> text=Lọc")
        page.wait_for_url("**/department?*status=not_compliant*")
        assert "tag=ha-noi" in page.url
        assert page.locator("#page-place").inner_text().startswith("Trang 1/1: cơ quan 1–1 trong 1")
        assert page.locator("#outlets tr[data-outlet]").count() == 1 and page.locator("table.heat tbody tr").count() == 1
        page.select_option("select[name=status]", "compliant")
        page.click("button >> text=Lọc")
        page.wait_for_url("**/department?*status=compliant*")
        assert page.locator("tr[data-outlet]").count() == 0 and page.locator("#page-place").count() == 0
        assert page.locator("#total-outlets").inner_text() == "1"  # the totals: the tag's outlets, every verdict
    assert w.dialogs == [] and w.console == [], (w.dialogs, w.console)


@pytest.fixture()
def many(store_path: str) -> str:
    """Given seven outlets: three not compliant (o-a at 0% though named last, o-b and o-c at 50%), two
    incomplete, one compliant, one in the inventory with no result; o-b regressed since its first audit."""
    statuses = {
        "o-a": {"L3-TLS-01": "fail", "L3-WEB-01": "fail"}, "o-b": {"L3-TLS-01": "pass", "L3-WEB-01": "fail"},
        "o-c": {"L3-TLS-01": "fail", "L3-WEB-01": "pass"}, "o-d": {"L3-TLS-01": "pass", "L3-WEB-01": "manual"},
        "o-e": {"L3-TLS-01": "error", "L3-WEB-01": "pass"}, "o-f": {"L3-TLS-01": "pass", "L3-WEB-01": "pass"},
    }
    def name(o: str) -> str:
        return "Báo X" if o == "o-a" else f"Báo {o[-1].upper()}"

    with open_store(store_path) as store:
        store.replace_inventory([(o, name(o), ("mien-bac" if o < "o-d" else "mien-nam",)) for o in [*statuses, "o-g"]])
        first = store.start_round("r1", "run")
        store.add_result(make_result("o-b", {"L3-TLS-01": "pass", "L3-WEB-01": "pass"}, "2026-11-01T03:00:00+00:00",
                                     name="Báo B", tags=("mien-bac",)), first)
        second = store.start_round("r2", "run")
        for outlet, st in statuses.items():
            store.add_result(make_result(outlet, st, "2026-12-01T03:00:00+00:00", name=name(outlet),
                                         tags=("mien-bac" if outlet < "o-d" else "mien-nam",)), second)
    return store_path


def _shown(html: str) -> list[str]:
    """The outlet ids of the per-outlet table, in order."""
    table = html.split('<section id="outlets">')[1].split("</section>")[0]
    return [part.split('"')[0] for part in table.split('data-outlet="')[1:]]


def _heat_rows(html: str) -> list[str]:
    heat = html.split('<section id="heatmap">')[1].split("</section>")[0]
    return [part.split("</th>")[0] for part in heat.split('<th scope="row">')[1:]]


def test_dashboard_pages_worst_first_and_links_keep_the_filters(client: FlaskClient, many: str,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Given seven outlets and two a page, when an officer goes through the pages, then the outlets come
    worst first (not compliant by score then failures, no result, incomplete, compliant), the table,
    the heatmap and the regressions hold the page's outlets only, the totals stay whole, and the
    links to the next and previous page keep the filters."""
    monkeypatch.setattr("audit.portal.department_page.PAGE_SIZE", 2)
    login(client, "officer1")
    pages = []
    url = "/department"
    while url:
        html = client.get(url).text
        pages.append(html)
        assert '<strong id="total-outlets">7</strong>' in html
        nxt = html.split('rel="next" href="')[1].split('"')[0].replace("&amp;", "&") if 'rel="next"' in html else ""
        url = nxt
    assert [_shown(p) for p in pages] == [["o-a", "o-b"], ["o-c", "o-g"], ["o-d", "o-e"], ["o-f"]]
    assert "Trang 1/4: cơ quan 1–2 trong 7, kém nhất trước" in pages[0] and 'rel="prev"' not in pages[0]
    assert "Trang 4/4: cơ quan 7–7 trong 7" in pages[3] and 'rel="next"' not in pages[3]
    assert _heat_rows(pages[0]) == ["Báo X", "Báo B"] and _heat_rows(pages[1]) == ["Báo C"]  # o-g has no result
    regressions = [p.split('<section id="regressions">')[1].split("</section>")[0] for p in pages]
    assert ["Báo B" in r for r in regressions] == [True, False, False, False]
    assert all('id="top-failed"' in p and "L3-TLS-01" in p.split('id="top-failed"')[1] for p in pages)

    # the filters are kept by the page links, and the status filter narrows the pages
    first = client.get("/department?tag=mien-bac&status=not_compliant&waiver_days=7").text
    assert _shown(first) == ["o-a", "o-b"] and 'value="not_compliant" selected' in first
    link = first.split('rel="next" href="')[1].split('"')[0]
    assert link == "/department?tag=mien-bac&amp;waiver_days=7&amp;status=not_compliant&amp;page=2"
    second = client.get(link.replace("&amp;", "&")).text
    assert _shown(second) == ["o-c"] and 'rel="prev" href="/department?tag=mien-bac&amp;waiver_days=7&amp;status=not_compliant&amp;page=1"' in second
    assert _shown(client.get("/department?status=incomplete").text) == ["o-d", "o-e"]
    assert _shown(client.get("/department?status=no_result").text) == ["o-g"]
    assert _shown(client.get("/department?page=99").text) == ["o-f"]  # past the last page: the last one


def test_exports_stay_complete_whatever_page_or_status(client: FlaskClient, many: str,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Given two outlets a page, the spreadsheet linked from a page holds every outlet the filters select."""
    monkeypatch.setattr("audit.portal.department_page.PAGE_SIZE", 2)
    login(client, "officer1")
    page = client.get("/department?tag=mien-nam&status=compliant&page=2").text
    assert "/department/dashboard.xlsx?tag=mien-nam&amp;waiver_days=30" in page
    reply = client.get("/department/dashboard.xlsx?tag=mien-nam&waiver_days=30&status=compliant&page=2")
    rows = list(load_workbook(io.BytesIO(reply.data), read_only=True)["Cơ quan báo chí"].iter_rows(values_only=True))
    assert sorted(r[0] for r in rows[1:]) == ["o-d", "o-e", "o-f", "o-g"]  # o-g: no result, still counted


@pytest.mark.parametrize("query, key", [
    ("status=hong", "Kết luận lọc không hợp lệ"), ("page=0", "Số trang phải là số nguyên dương"),
    ("page=abc", "Số trang phải là số nguyên dương"), ("page=" + "9" * 30, "Số trang phải là số nguyên dương"),
])
def test_bad_page_or_status_is_refused_with_a_reason(client: FlaskClient, filled: str, query: str, key: str) -> None:
    login(client, "officer1")
    reply = client.get(f"/department?{query}")
    assert reply.status_code == 400 and key in reply.text
    client.get("/lang/en")
    assert client.get(f"/department?{query}").status_code == 400
