"""The portal in Debian's Chromium (Playwright): log in, answer a row with hostile text, switch to English.

Given the portal under gunicorn over TLS, when alice logs in and saves an answer whose text is script,
then the page shows it as text, no dialog opens, the strict CSP reports no violation (no console
error), and the English switch shows the same page in English. Skipped without Chromium or
Playwright, except in CI.
"""

from __future__ import annotations

from tests.browser.test_report_browser import CHROMIUM, _require_browser
from tests.portal.conftest import PASSWORD

HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)>'


def test_login_and_answer_a_row_in_chromium(served: int) -> None:
    _require_browser()
    from playwright.sync_api import sync_playwright

    dialogs: list[str] = []
    console: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            # The test CA is not in Chromium's store; the TLS itself is checked by test_serve.py.
            context = browser.new_context(ignore_https_errors=True)
            page = context.new_page()
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
            base = f"https://127.0.0.1:{served}"
            page.goto(base + "/")
            assert page.locator("h1").inner_text() == "Đăng nhập"
            page.fill("#username", "alice")
            page.fill("#password", PASSWORD)
            page.click("button[type=submit] >> text=Đăng nhập")
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
        finally:
            browser.close()
    assert dialogs == [] and console == [], (dialogs, console)
