"""One flow across the roles in Debian's Chromium, against the real `l3audit serve` (gunicorn, TLS):
an outlet member answers ten rows (saved as typed), uploads evidence and submits; an officer reviews
and accepts every row; the department's dashboard shows the outlet's numbers move. Then the same
flow in English, chosen with the header's one-click switch, for the other outlet.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from audit.catalogue.loader import load_checklist, resolve_checklist
from audit.department.store import open_store
from tests.portal.browser_support import Watched, answer_upload_submit, chromium, log_in, log_out, watched_page
from tests.portal.conftest import CHECKLIST
from tests.portal.review_support import probe_result
from tests.portal.test_evidence import PDF

if TYPE_CHECKING:
    from playwright.sync_api import Page

# Asserted as literals (not looked up) so that the English run proves the words are English.
ENGLISH = {"login": "Log in", "questionnaire": "Self-assessment", "submitted": "Submitted for review.",
           "queue": "Self-assessments waiting for review", "none_waiting": "No submission is waiting for review.",
           "dashboard": "Level-3 information security across press outlets"}


@pytest.fixture()
def probed(store_path: str) -> str:
    """Given a probe result for each outlet (most checks fail, manual rows undecided)."""
    checklist = load_checklist(resolve_checklist(CHECKLIST))
    with open_store(store_path) as store:
        round_id = store.round_by_label("run test", "run")
        for outlet_id in ("o1", "o2"):
            store.add_result(probe_result(checklist, outlet_id), round_id)
    return store_path


def _numbers(page: Page, outlet_id: str, lang: str) -> tuple[float, str]:
    """The outlet's score (a number) and its whole row, as the dashboard shows them."""
    page.click(f"header >> text={'Dashboard' if lang == 'en' else 'Bảng tổng hợp'}")
    page.wait_for_url("**/department")
    if lang == "en":
        assert ENGLISH["dashboard"] in page.locator("main").inner_text()
    row = page.locator(f"tr[data-outlet={outlet_id}]")
    score = row.locator("td.num").first.inner_text()
    found = re.search(r"\d+(?:[.,]\d+)?", score)
    assert found, score
    return float(found.group(0).replace(",", ".")), row.inner_text()


def _flow(w: Watched, base: str, member: str, outlet_id: str, lang: str, evidence: Path) -> None:
    page = w.page
    page.goto(base + "/login")
    if lang == "en":
        page.click("header >> text=English")  # the one-click switch; a cookie keeps it for both people
        page.wait_for_url("**/login")
        assert page.locator("h1").inner_text() == ENGLISH["login"]
    # The outlet member: ten rows saved as chosen, one file, submitted
    log_in(page, base, member, lang)
    page.wait_for_url(f"**/outlet/{outlet_id}/questionnaire")
    if lang == "en":
        assert page.locator("h1").inner_text().startswith(ENGLISH["questionnaire"])
    answer_upload_submit(page, outlet_id, evidence, lang, answers=("implemented",))
    if lang == "en":
        assert ENGLISH["submitted"] in page.locator("main").inner_text()
    log_out(page, lang)
    # The officer: the dashboard before, the review with every row accepted, the dashboard after
    log_in(page, base, "officer1", lang)
    page.wait_for_url("**/officer/outlets")
    before, before_row = _numbers(page, outlet_id, lang)
    page.click(f"header >> text={'Submissions to review' if lang == 'en' else 'Hồ sơ chờ duyệt'}")
    page.wait_for_url("**/officer/submissions")
    if lang == "en":
        assert page.locator("h1").inner_text() == ENGLISH["queue"]
    page.locator("main a[href^='/officer/submissions/']").first.click()
    page.wait_for_url("**/officer/submissions/*")
    rows = page.locator("article.question")
    assert rows.count() == 10
    assert page.locator("main a[download]").inner_text() == evidence.name  # the file, as a download link
    for n in range(rows.count()):
        rows.nth(n).locator("input[value=accepted]").check()
    page.click("button[value=finish]")
    page.wait_for_url("**/officer/submissions")
    none_waiting = ENGLISH["none_waiting"] if lang == "en" else "Không có hồ sơ nào chờ duyệt."
    assert none_waiting in page.locator("main").inner_text()
    after, after_row = _numbers(page, outlet_id, lang)
    assert after > before, (before_row, after_row)
    log_out(page, lang)


def test_outlet_submits_officer_accepts_dashboard_moves_in_vietnamese_then_english(
        probed: str, served: int, tmp_path: Path) -> None:
    evidence = tmp_path / "biên bản.pdf"
    evidence.write_bytes(PDF)
    base = f"https://127.0.0.1:{served}"
    with chromium() as browser:
        for member, outlet_id, lang in (("alice", "o1", "vi"), ("bob", "o2", "en")):
            w = watched_page(browser)
            _flow(w, base, member, outlet_id, lang, evidence)
            assert w.dialogs == [] and w.console == [], (lang, w.dialogs, w.console)
