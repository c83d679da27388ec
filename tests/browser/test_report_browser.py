"""The HTML report in a real headless Chromium (Debian's `chromium`, driven by Playwright).

Given the report of a result whose server headers carry `<script>` and `onerror` payloads, when the
page loads in Chromium, then it makes no network request beyond itself, logs no console error, runs
no injected script, lays out every section, and a screenshot is taken (kept under the test's
tmp_path, and copied to $L3AUDIT_SCREENSHOT_DIR when set, for CI artefacts).

Playwright is used only as a library driving /usr/bin/chromium; it never downloads a browser. On a
machine without Chromium or Playwright the test is skipped, except in CI (CI=true), where it fails,
because the browser check is part of the report's definition of done.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from audit.catalogue.loader import load_checklist
from audit.report.formats import render_html

GOLDEN = Path(__file__).parent.parent / "golden"
CHROMIUM = os.environ.get("L3AUDIT_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def _require_browser() -> None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail("playwright is not installed (pip install playwright; it uses the system chromium)")
        pytest.skip("playwright not installed")
    if CHROMIUM is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium not installed (apt-get install chromium)")
        pytest.skip("chromium not installed")


@pytest.fixture(scope="module")
def page_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = json.loads((GOLDEN / "result-hostile.json").read_text(encoding="utf-8"))
    html = render_html(data, load_checklist(str(GOLDEN / "golden-checklist.yaml")), "vi")
    path = tmp_path_factory.mktemp("report") / "report.vi.html"
    path.write_text(html, encoding="utf-8")
    return path


@pytest.mark.parametrize("media", ["screen", "print"])
def test_report_loads_cleanly_and_injected_script_does_not_run(page_file: Path, tmp_path: Path, media: str) -> None:
    _require_browser()
    from playwright.sync_api import sync_playwright

    requests: list[str] = []
    console: list[str] = []
    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 1600})
            page.on("request", lambda r: requests.append(r.url))
            page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.emulate_media(media=media)
            page.goto(page_file.as_uri(), wait_until="load")
            shot = tmp_path / f"report-{media}.png"
            page.screenshot(path=str(shot), full_page=False)
            state = page.evaluate("""() => ({
                pwned: window.__pwned === undefined ? null : window.__pwned,
                title: document.title,
                scripts: document.querySelectorAll('script').length,
                imgs: document.querySelectorAll('img').length,
                text: document.body.innerText,
                sections: ['cover', 'toc', 'summary', 'fix-first', 'groups', 'appendix-facts', 'appendix-method']
                    .filter(id => { const el = document.getElementById(id); return el && el.getBoundingClientRect().height > 0; }),
                svgs: document.querySelectorAll('svg rect').length,
                closedShown: [...document.querySelectorAll('details.attempt:not([open]) table')]
                    .map(t => t.checkVisibility()),
            })""")
        finally:
            browser.close()
    assert requests == [page_file.as_uri()], requests
    assert not [c for c in console if c.startswith("error")], console
    assert not errors, errors
    assert state["pwned"] is None and "PWNED" not in state["title"]
    assert state["scripts"] == 0 and state["imgs"] == 0
    assert "<script>window.__pwned" in state["text"]  # shown as text, not run
    assert state["sections"] == ["cover", "toc", "summary", "fix-first", "groups", "appendix-facts", "appendix-method"]
    assert state["svgs"] > 0
    assert state["closedShown"] and all(state["closedShown"]) == (media == "print")  # paper shows closed sections
    assert shot.stat().st_size > 10_000
    keep = os.environ.get("L3AUDIT_SCREENSHOT_DIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(keep) / shot.name)


def test_the_check_would_see_a_script_that_ran(tmp_path: Path) -> None:
    # Control: the same payload, unescaped and without our CSP, does run; so the test above would
    # notice if escaping or the CSP ever failed.
    _require_browser()
    from playwright.sync_api import sync_playwright

    raw = tmp_path / "raw.html"
    raw.write_text('<!DOCTYPE html><title>t</title><script>window.__pwned = 1; document.title = "PWNED"</script>')
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            page.goto(raw.as_uri())
            assert page.evaluate("window.__pwned") == 1 and page.title() == "PWNED"
        finally:
            browser.close()
