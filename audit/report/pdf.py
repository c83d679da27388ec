"""PDF from the HTML report, printed by headless Chromium (Debian's `chromium` package).

Why Chromium rather than WeasyPrint: the browser test already needs Chromium, so the PDF costs no
second rendering engine, and the PDF is then exactly the page that test checked (same CSS, same
fonts, same SVG charts). WeasyPrint would add a Python dependency tree (Pango, cairo) and a second,
slightly different CSS implementation to keep in step. The price is a ~2 s browser start per PDF.

Chromium runs with a throw-away profile, no network-facing background services and a CSP that
forbids every external load, so printing a report never sends a packet.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from audit.errors import AuditError
from audit.i18n import phrase

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT_SECONDS = 120.0


class PdfError(AuditError):
    """The PDF could not be made (no Chromium, or it failed); the message says what to install."""


def find_chromium() -> str | None:
    """The Chromium executable: `$L3AUDIT_CHROMIUM`, else the first of CHROMIUM_NAMES on PATH."""
    explicit = os.environ.get("L3AUDIT_CHROMIUM")
    if explicit:
        return explicit if Path(explicit).exists() else None
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def chromium_flags(profile: Path) -> list[str]:
    """Flags for a headless, sandbox-less (we run as root in CI), network-quiet Chromium."""
    return ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions",
            "--mute-audio", "--hide-scrollbars", f"--user-data-dir={profile}"]


def html_to_pdf(html: str, timeout_seconds: float = TIMEOUT_SECONDS) -> bytes:
    """Print `html` to PDF (A4, as the CSS `@page` says); PdfError when Chromium is missing or fails."""
    browser = find_chromium()
    if browser is None:
        raise PdfError(phrase("error.pdf.no_chromium"))
    with tempfile.TemporaryDirectory(prefix="l3audit-pdf-") as work:
        page, out = Path(work) / "report.html", Path(work) / "report.pdf"
        page.write_text(html, encoding="utf-8")
        cmd = [browser, *chromium_flags(Path(work) / "profile"), "--no-pdf-header-footer",
               f"--print-to-pdf={out}", page.as_uri()]
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=timeout_seconds, check=False)
        except subprocess.TimeoutExpired as exc:
            raise PdfError(phrase("error.pdf.timeout", seconds=f"{timeout_seconds:.0f}")) from exc
        if not out.exists() or out.stat().st_size == 0:
            tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
            said = phrase("error.pdf.said", text=tail[0][:300]) if tail else phrase("error.pdf.silent")
            raise PdfError(phrase("error.pdf.exited", code=proc.returncode, said=said))
        return out.read_bytes()
