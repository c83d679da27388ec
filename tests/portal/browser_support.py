"""Driving the served portal in Debian's Chromium (Playwright): one browser, a page that records dialogs and
console errors, logging in as a person does, and the outlet member's steps (answer, upload, submit).

Shared by the browser tests of tests/portal, so a change to the login form or the questionnaire is
followed in one place. Texts are looked up in the message catalogue in the page's language.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from audit.i18n import t
from tests.browser.test_report_browser import CHROMIUM, _require_browser
from tests.portal.conftest import PASSWORD

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page


@contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's Chromium under Playwright; skipped without it (a failure when CI=true)."""
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Watched:
    """A page of a fresh browser context, with the dialogs it opened and the console errors it logged
    (a CSP violation is a console error; a dialog means script from the page's data ran)."""

    page: Page
    dialogs: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)


def watched_page(browser: Browser) -> Watched:
    """A page in a new context (own cookies); the test CA is not in Chromium's store (TLS is test_serve.py's)."""
    page = browser.new_context(ignore_https_errors=True).new_page()
    watched = Watched(page)
    page.on("dialog", lambda d: (watched.dialogs.append(d.message), d.dismiss()))
    page.on("console", lambda m: watched.console.append(m.text) if m.type == "error" else None)
    return watched


def log_in(page: Page, base: str, username: str, lang: str = "vi") -> None:
    """Open the login page, fill the form and press the button, as a person does."""
    page.goto(base + "/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click(f"button[type=submit] >> text={t('portal.login.submit', lang)}")
    page.wait_for_load_state()


def log_out(page: Page, lang: str = "vi") -> None:
    """The header's log-out button."""
    page.click(f"header button >> text={t('portal.logout', lang)}")
    page.wait_for_url("**/login")


def answer_upload_submit(page: Page, outlet_id: str, evidence: Path, lang: str = "vi", rows: int = 10,
                         answers: tuple[str, ...] = ("implemented", "partly")) -> None:
    """On the questionnaire: answer the first `rows` rows, group page after group page (each saved as chosen,
    without a button), upload `evidence` to the first row of the last page, submit for review; ends on the
    overview, which says it was submitted."""
    from playwright.sync_api import expect

    saved = t("portal.autosave.saved", lang)
    n = 0  # one page per requirement group: answer its rows, then go to the next group
    while n < rows:
        questions = page.locator("article.question")
        for k in range(min(questions.count(), rows - n)):
            row = questions.nth(k)
            row.locator("select[name=answer]").select_option(answers[n % len(answers)])
            expect(row.locator(".autosave-status")).to_have_text(saved, timeout=10_000)
            n += 1
        if n < rows:
            page.click("nav.pager a[rel=next]")
            page.wait_for_load_state()
    assert page.locator("nav.groups li .progress.complete").count() >= 1  # the index counts what was saved
    first = page.locator("article.question").first
    first.locator("input[type=file]").set_input_files(str(evidence))
    first.locator("form.upload button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("article.question").first.locator(".evidence-files a").inner_text() == evidence.name
    page.click("#submit button[type=submit]")
    page.wait_for_url(f"**/outlet/{outlet_id}")
    assert t("portal.submit.done", lang) in page.locator("main").inner_text()
    assert page.locator("tr.submission.state-waiting").count() == 1
