"""The officer's review in Debian's Chromium (Playwright), served by gunicorn over TLS.

Given a submission with script in its text and a row that contradicts the probe result, when an
officer opens it, then the text is shown as text (no dialog), the conflict is highlighted, and no
console error (a CSP violation) appears; when the officer rejects a row without a reason the page
says a reason is needed, and with decisions on every row the review finishes and the queue is empty.
"""

from __future__ import annotations

import pytest

from audit.catalogue.loader import load_checklist, resolve_checklist
from audit.department.store import open_store
from tests.portal.browser_support import chromium, log_in, watched_page
from tests.portal.conftest import CHECKLIST
from tests.portal.review_support import add_waiting, probe_result, row

HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)>'
CONFLICTING = "L3-NET-EXT-01"


@pytest.fixture()
def waiting(store_path: str) -> tuple[int, list[str]]:
    checklist = load_checklist(resolve_checklist(CHECKLIST))
    manual = [r.id for r in checklist.requirements if r.assessment.value == "manual"][:2]
    with open_store(store_path) as store:
        store.add_result(probe_result(checklist, "o1"), store.round_by_label("run test", "run"))
        sub = add_waiting(store, checklist, "o1", [row(manual[0], "implemented", text=HOSTILE),
                                                   row(manual[1], "partly"), row(CONFLICTING, "implemented")])
    return sub, manual


def test_officer_reviews_in_chromium(waiting: tuple[int, list[str]], served: int) -> None:
    sub, manual = waiting
    with chromium() as browser:
        w = watched_page(browser)
        page = w.page
        log_in(page, f"https://127.0.0.1:{served}", "officer1")
        page.wait_for_url("**/officer/outlets")
        page.click("text=Hồ sơ chờ duyệt")
        page.click(f"a[href='/officer/submissions/{sub}']")
        page.wait_for_url(f"**/officer/submissions/{sub}")
        first = page.locator(f"#r-{manual[0]}")
        assert HOSTILE in first.inner_text()
        conflict = page.locator(f"#r-{CONFLICTING}")
        assert "conflict" in (conflict.get_attribute("class") or "")
        assert "Mâu thuẫn với kết quả đo" in conflict.inner_text()
        # A rejection without a reason is refused with the message
        page.locator(f"#r-{manual[1]} input[value=rejected]").check()
        page.click("button[value=save]")
        assert "Cần ghi lý do" in page.locator("p.error").first.inner_text()
        # Decisions on every row, then finish
        page.locator(f"#r-{manual[0]} input[value=accepted]").check()
        page.locator(f"#r-{manual[1]} input[value=rejected]").check()
        page.locator(f"#r-{manual[1]} textarea").fill("thiếu biên bản")
        page.locator(f"#r-{CONFLICTING} input[value=accepted]").check()
        page.click("button[value=finish]")
        page.wait_for_url("**/officer/submissions")
        assert "Không có hồ sơ nào chờ duyệt" in page.locator("main").inner_text()
        page.click("text=English")
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == "Self-assessments waiting for review"
    # The refused rejection is answered 400 on purpose (Chromium logs that); anything else is a fault.
    unexpected = [m for m in w.console if "status of 400" not in m]
    assert w.dialogs == [] and unexpected == [] and len(w.console) <= 1, (w.dialogs, w.console)
