"""The outlet's overview: the latest report's verdict, score and fix-first list (the report's own view-model),
and the history of results and submissions, newest first."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from audit.report.model import build_view
from tests.portal.conftest import csrf_of, login
from tests.portal.outlet_results import automated_mandatory, checklist, probe_result, store_result


def test_no_result_yet(client: FlaskClient) -> None:
    login(client, "alice")
    page = client.get("/outlet/o1").text
    assert "Chưa có kết quả nào được lưu cho cơ quan này." in page and "Chưa nộp lần nào." in page


def test_latest_report_and_fix_first_are_the_reports_own(client: FlaskClient, app: Flask) -> None:
    """Given an older and a newer result of o1 (and one of o2), then the page shows the newer one's verdict, score
    and fix-first list, in the order `build_view` gives, and both results in the history, newest first."""
    store = app.extensions["l3audit_store"]
    cat = checklist()
    failing = tuple(automated_mandatory(cat, 3))
    store_result(store, probe_result("o1", finished_at="2026-11-01T08:00:00+00:00"))
    newer = probe_result("o1", failing=failing, finished_at="2026-11-20T08:00:00+00:00")
    store_result(store, newer)
    store_result(store, probe_result("o2", failing=tuple(automated_mandatory(cat, 5)), name="<b>Báo Hai</b>"))
    view = build_view(newer, cat, "vi")
    login(client, "alice")
    page = client.get("/outlet/o1").text
    assert view["verdict"]["text"] in page and view["verdict"]["score"] in page
    fix_first = re.search(r'<ol class="fix-first">(.*?)</ol>', page, re.S)
    assert fix_first, page
    shown = re.findall(r"<strong>([^<]+)</strong>", fix_first.group(1))
    assert shown == [r["id"] for r in view["fix_first"]] and sorted(shown) == sorted(failing)
    history = page[page.index('id="history"'):]
    assert history.count('<tr class="result">') == 2
    assert history.index("20/11/2026") < history.index("01/11/2026")


def test_in_english_and_for_officers(app: Flask) -> None:
    """Given the English switch, then the same page in English; an officer sees any outlet's overview."""
    store_result(app.extensions["l3audit_store"], probe_result("o2", failing=tuple(automated_mandatory(checklist(), 1))))
    officer = app.test_client()
    login(officer, "officer1")
    officer.get("/lang/en?next=/outlet/o2")
    page = officer.get("/outlet/o2").text
    assert "Fix first" in page and "Latest report" in page and "History" in page
    assert "/outlet/o2/questionnaire" not in page  # the questionnaire link is for the outlet's own members


def test_outlet_member_sees_nav_link_and_hostile_text_escaped(client: FlaskClient, app: Flask) -> None:
    hostile = '<script>alert(1)</script>'
    store_result(app.extensions["l3audit_store"], probe_result("o1", name=hostile))
    login(client, "alice")
    questionnaire = client.get("/outlet/o1/questionnaire").text
    assert 'href="/outlet/o1"' in questionnaire
    token = csrf_of(questionnaire)
    assert token
    page = client.get("/outlet/o1").text
    assert "<script>alert(1)" not in page
