"""The department dashboard on a constructed history: compliance share per catalogue against the
national target, trends, heatmap, most-failed requirements, regressions, expiring waivers, filters;
every export format; and the HTML page in a real Chromium (no external request, no injected script)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import shutil
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from audit.department.aggregate.build import Filters, build_dashboard
from audit.department.aggregate.html import render_dashboard_html
from audit.cli import cli
from audit.department.store import Store
from tests.department.support import database, make_result

TODAY = dt.date(2026, 11, 20)
HOSTILE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
WAIVER = {"waiver": {"id": "W-1", "expires": "2026-12-01", "approver": "Sở TT&TT"}}
CHROMIUM = os.environ.get("L3AUDIT_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def _fill(store: Store) -> None:
    """Two catalogues, five outlets, three rounds (September, October, November 2026)."""
    sep, octo, nov = (store.start_round(n, "run") for n in ("09", "10", "11"))
    add = store.add_result
    # l3-starter (groups from the shipped checklist): a fixed its TLS, b regressed, c steady compliant
    add(make_result("a", {"L3-TLS-01": "fail", "L3-WEB-01": "pass"}, "2026-09-05T08:00:00+00:00"), sep)
    add(make_result("a", {"L3-TLS-01": "pass", "L3-WEB-01": "pass"}, "2026-10-05T08:00:00+00:00"), octo)
    add(make_result("b", {"L3-TLS-01": "pass", "L3-WEB-01": "pass"}, "2026-10-06T08:00:00+00:00",
                    tags=("hue",)), octo)
    add(make_result("b", {"L3-TLS-01": "fail", "L3-WEB-01": "waived"}, "2026-11-06T08:00:00+00:00",
                    tags=("hue",), extra={"L3-WEB-01": WAIVER}), nov)
    add(make_result("c", {"L3-TLS-01": "pass", "L3-WEB-01": "error"}, "2026-11-07T08:00:00+00:00",
                    name=HOSTILE), nov)
    # tcvn14423-l3 (not shipped here: groups fall back to the id's middle part)
    add(make_result("a", {"N3-DAT-10": "fail", "N3-NET-01": "pass"}, "2026-11-08T08:00:00+00:00",
                    checklist="tcvn14423-l3"), nov)
    add(make_result("d", {"N3-DAT-10": "pass", "N3-NET-01": "pass"}, "2026-11-09T08:00:00+00:00",
                    checklist="tcvn14423-l3"), nov)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    s = Store(database(request.param, tmp_path))
    _fill(s)
    return s


def test_dashboard_numbers_on_a_constructed_history(store: Store) -> None:
    view = build_dashboard(store, Filters(), "vi", today=TODAY)
    cats = {c["id"]: c for c in view["catalogues"]}
    assert (cats["l3-starter"]["outlets"], cats["l3-starter"]["compliant"], cats["l3-starter"]["share_percent"],
            cats["l3-starter"]["gap"]) == (3, 1, 33.3, 2)
    assert (cats["tcvn14423-l3"]["compliant"], cats["tcvn14423-l3"]["share_percent"]) == (1, 50.0)
    assert {c["target_percent"] for c in view["catalogues"]} == {100.0}
    outlets = {(o["catalogue"], o["id"]): o for o in view["outlets"]}
    assert (outlets[("l3-starter", "a")]["trend"], outlets[("l3-starter", "a")]["delta"]) == ("up", 50.0)
    assert outlets[("l3-starter", "a")]["series"] == [50.0, 100.0]
    assert outlets[("l3-starter", "b")]["trend"] == "down"
    assert outlets[("l3-starter", "c")]["trend"] == "new"
    assert view["totals"] == {"outlets": 5, "results": 7, "compliant": 2, "no_result": 0, "inventory": 0}
    # Most failed: L3-TLS-01 fails for 1 of 3 outlets, N3-DAT-10 for 1 of 2
    assert [(r["requirement_id"], r["failed"], r["outlets"]) for r in view["top_failed"]] == [
        ("L3-TLS-01", 1, 3), ("N3-DAT-10", 1, 2)]
    assert view["top_failed"][0]["title"] != "L3-TLS-01"  # titled from the shipped checklist
    [regression] = view["regressions"]
    assert (regression["id"], regression["requirements"], regression["to_verdict"]) == ("b", ["L3-TLS-01"], "not_compliant")
    assert [(w["outlet_id"], w["requirement_id"], w["days_left"]) for w in view["waivers"]] == [("b", "L3-WEB-01", 11)]
    heat = {h["catalogue"]: h for h in view["heatmaps"]}
    assert [g["id"] for g in heat["l3-starter"]["groups"]] == ["transport", "web", "network", "exposure"]
    b_row = next(r for r in heat["l3-starter"]["rows"] if r["id"] == "b")
    assert [c["label"] for c in b_row["cells"]] == ["0/1", "1/1", "–", "–"]
    assert [g["id"] for g in heat["tcvn14423-l3"]["groups"]] == ["DAT", "NET"]


def test_filters_by_date_range_tag_and_catalogue(store: Store) -> None:
    october = build_dashboard(store, Filters(since="2026-10-01", until="2026-10-31"), today=TODAY)
    assert {o["id"] for o in october["outlets"]} == {"a", "b"} and october["totals"]["compliant"] == 2
    hue = build_dashboard(store, Filters(tags=("hue",)), today=TODAY)
    assert [o["id"] for o in hue["outlets"]] == ["b"]
    only = build_dashboard(store, Filters(checklist="tcvn14423-l3", waiver_days=5), today=TODAY)
    assert {o["id"] for o in only["outlets"]} == {"a", "d"} and only["waivers"] == []


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.scripts += tag == "script"
        self.refs += [v or "" for k, v in attrs if k in ("src", "href", "action", "srcset")]


def test_html_is_self_contained_escaped_and_bilingual(store: Store) -> None:
    for lang, words in (("vi", "Tỷ lệ đáp ứng"), ("en", "Share compliant")):
        page = render_dashboard_html(build_dashboard(store, Filters(), lang, today=TODAY))
        parser = _Refs()
        parser.feed(page)
        assert parser.refs == [] and parser.scripts == 0
        assert words in page and "&lt;script&gt;" in page and HOSTILE not in page


def test_aggregate_command_writes_every_format(tmp_path: Path) -> None:
    db = str(tmp_path / "so.db")
    with Store(db) as s:
        _fill(s)
    runner = CliRunner()
    for name in ("dashboard.html", "dashboard.xlsx", "dashboard.csv", "dashboard.json"):
        done = runner.invoke(cli, ["aggregate", "--db", db, "-o", str(tmp_path / name), "--lang", "en"])
        assert done.exit_code == 0, done.output
    book = openpyxl.load_workbook(tmp_path / "dashboard.xlsx")
    assert book.sheetnames[:2] == ["Catalogue", "Outlets"] and book["Outlets"].max_row == 6
    raw = (tmp_path / "dashboard.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # byte-order mark, so that Excel reads UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 5 and rows[0]["Verdict"] and rows[0]["Outlet"]
    vi = runner.invoke(cli, ["aggregate", "--db", db, "-o", str(tmp_path / "vi.csv"), "--lang", "vi"])
    assert vi.exit_code == 0, vi.output
    header = (tmp_path / "vi.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("Mã,Tên cơ quan,Nhãn,Danh mục,Mã kết luận") and header.endswith("Kết luận")
    assert any(name.startswith("Heatmap ") for name in book.sheetnames)
    vi = runner.invoke(cli, ["aggregate", "--db", db, "-o", str(tmp_path / "vi.xlsx"), "--lang", "vi"])
    names = openpyxl.load_workbook(tmp_path / "vi.xlsx").sheetnames
    assert any(name.startswith("Bản đồ nhiệt ") for name in names) and not any("Heatmap" in n for n in names), names
    data = json.loads((tmp_path / "dashboard.json").read_text(encoding="utf-8"))
    assert data["totals"]["outlets"] == 5
    missing = runner.invoke(cli, ["aggregate", "--db", str(tmp_path / "nope.db"), "-o", str(tmp_path / "x.html")])
    assert missing.exit_code == 2 and "không có cơ sở dữ liệu này" in missing.output


def test_dashboard_in_a_real_browser(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "so.db"))
    _fill(store)
    # As in tests/browser: skipped without a browser, except in CI (CI=true), where the browser check is required.
    skip = pytest.fail if os.environ.get("CI") == "true" else pytest.skip
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip("playwright not installed (pip install playwright; it drives the system chromium)")
    if CHROMIUM is None:
        skip("chromium not installed (apt-get install chromium)")
    page_file = Path(os.environ.get("L3AUDIT_SCREENSHOT_DIR") or tmp_path) / "dashboard.html"
    page_file.write_text(render_dashboard_html(build_dashboard(store, Filters(), "vi", today=TODAY)), encoding="utf-8")
    requests: list[str] = []
    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1600})
            page.on("request", lambda r: requests.append(r.url))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(page_file.as_uri(), wait_until="load")
            page.screenshot(path=str(page_file.with_suffix(".png")), full_page=True)
            state = page.evaluate("""() => ({
                pwned: window.__pwned === undefined ? null : window.__pwned,
                sections: ['catalogues', 'outlets', 'heatmap', 'top-failed', 'regressions', 'waivers']
                    .filter(id => { const el = document.getElementById(id); return el && el.getBoundingClientRect().height > 0; }),
                sparklines: document.querySelectorAll('td.trend svg polyline').length,
                bar: document.querySelector('.bar .fill').getBoundingClientRect().width,
            })""")
        finally:
            browser.close()
    assert requests == [page_file.as_uri()] and errors == []
    assert state["pwned"] is None and len(state["sections"]) == 6
    assert state["sparklines"] == 5 and state["bar"] > 0
