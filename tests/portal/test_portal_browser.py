"""The portal in Debian's Chromium (Playwright): log in, answer a row with hostile text, switch to English.

Given the portal under gunicorn over TLS, when alice logs in and saves an answer whose text is script,
then the page shows it as text, no dialog opens, the strict CSP reports no violation (no console
error), and the English switch shows the same page in English. Skipped without Chromium or
Playwright, except in CI.
"""

from __future__ import annotations

from tests.portal.browser_support import chromium, log_in, watched_page

HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)>'


def test_login_and_answer_a_row_in_chromium(served: int) -> None:
    with chromium() as browser:
        w = watched_page(browser)
        page = w.page
        page.goto(f"https://127.0.0.1:{served}/")
        assert page.locator("h1").inner_text() == "Đăng nhập"
        log_in(page, f"https://127.0.0.1:{served}", "alice")
        page.wait_for_url("**/outlet/o1/questionnaire")
        first = page.locator("article.question").first
        first.locator("select[name=answer]").select_option("partly")
        first.locator("textarea[name=text]").fill(HOSTILE)
        first.locator("form.answer button[type=submit]").click()  # the row has upload buttons too
        page.wait_for_load_state()
        first = page.locator("article.question").first
        assert first.locator("select[name=answer]").input_value() == "partly"
        assert first.locator("textarea[name=text]").input_value() == HOSTILE
        assert "alice" in first.locator(".saved").inner_text()
        page.click("text=English")
        page.wait_for_load_state()
        assert page.locator("h1").inner_text().startswith("Self-assessment")
        assert page.locator("header button").inner_text() == "Log out"
    assert w.dialogs == [] and w.console == [], (w.dialogs, w.console)
