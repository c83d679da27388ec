"""User-facing words in Vietnamese and English, from the gettext catalogue in `audit/messages/`.

Every text a person reads comes through `t(key, lang)`: the compiled `.mo` files are read with the
standard library's `gettext` (no third-party import, so start-up stays cheap). A text missing in
the requested language falls back to English with a logged warning (tests fail on it instead, see
`audit.messages.build.problems`); an unknown key is shown as itself, visible rather than silent.

While a branch is open, new messages may be added to `MESSAGES` below, one block per issue under a
`# --- issue N ---` comment; `make messages` moves them into the `.po` files.
"""

from __future__ import annotations

import functools
import gettext
import logging
import os
from pathlib import Path

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"
DOMAIN = "l3audit"
LOCALE_DIR = Path(__file__).resolve().parent / "messages"

log = logging.getLogger(__name__)

MESSAGES_DICT_TEMPLATE = '''MESSAGES: dict[str, dict[str, str]] = {
    # Pending entries, {key: {"vi": ..., "en": ...}}, one block per issue under "# --- issue N ---".
}
'''

MESSAGES: dict[str, dict[str, str]] = {
    # Pending entries, {key: {"vi": ..., "en": ...}}, one block per issue under "# --- issue N ---".
    # --- issue 18 --- (the department's pages, demo --serve, the database-down page)
    "portal.nav.dashboard": {"vi": "Bảng tổng hợp", "en": "Dashboard"},
    "portal.nav.inventory": {"vi": "Danh sách cơ quan báo chí", "en": "Outlets inventory"},
    "portal.department.filter": {"vi": "Lọc", "en": "Filter"},
    "portal.department.since": {"vi": "Từ ngày", "en": "From"},
    "portal.department.until": {"vi": "Đến ngày", "en": "To"},
    "portal.department.date_hint": {"vi": "YYYY-MM-DD hoặc dd/mm/yyyy", "en": "YYYY-MM-DD or dd/mm/yyyy"},
    "portal.department.tags": {"vi": "Nhãn (chọn một hoặc nhiều)", "en": "Tags (one or more)"},
    "portal.department.catalogue": {"vi": "Danh mục", "en": "Catalogue"},
    "portal.department.any_catalogue": {"vi": "Mọi danh mục", "en": "Every catalogue"},
    "portal.department.waiver_days": {"vi": "Miễn trừ hết hạn trong (ngày)", "en": "Waivers expiring within (days)"},
    "portal.department.export_xlsx": {"vi": "Tải về bảng tính (XLSX)", "en": "Download the spreadsheet (XLSX)"},
    "portal.department.export_pdf": {"vi": "Tải về bản in (PDF)", "en": "Download for print (PDF)"},
    "portal.department.bad_date": {
        "vi": "Ngày lọc không hợp lệ: hãy viết YYYY-MM-DD hoặc dd/mm/yyyy, và ngày bắt đầu không được sau ngày kết thúc.",
        "en": "A date filter is not valid: write YYYY-MM-DD or dd/mm/yyyy, and the start may not be after the end."},
    "portal.department.bad_tag": {"vi": "Nhãn lọc không hợp lệ (tối đa 20 nhãn, mỗi nhãn tối đa 200 ký tự).",
                                  "en": "A tag filter is not valid (at most 20 tags of at most 200 characters)."},
    "portal.department.bad_checklist": {"vi": "Không có kết quả nào đã lưu dùng danh mục này.",
                                        "en": "No stored result uses this catalogue."},
    "portal.department.bad_waiver_days": {"vi": "Số ngày phải là số nguyên từ 0 đến 3650.",
                                          "en": "The number of days must be a whole number from 0 to 3650."},
    "portal.department.pdf_missing": {
        "vi": "Không tạo được bản PDF: máy chủ chưa cài Chromium (apt-get install chromium). "
              "Bảng tính XLSX vẫn tải về được.",
        "en": "Cannot make the PDF: Chromium is not installed on the server (apt-get install chromium). "
              "The XLSX spreadsheet can still be downloaded."},
    "portal.department.pdf_failed": {"vi": "Không tạo được bản PDF (Chromium gặp lỗi). Hãy thử lại sau.",
                                     "en": "Cannot make the PDF (Chromium failed). Please try again later."},
    "portal.inventory.tags": {"vi": "Nhãn", "en": "Tags"},
    "portal.inventory.sites": {"vi": "Trang web (theo kết quả gần nhất)", "en": "Sites (from the latest result)"},
    "portal.inventory.not_listed": {"vi": "có kết quả nhưng không có trong danh sách",
                                    "en": "has results but is not in the inventory"},
    "portal.inventory.import": {"vi": "Nhập danh sách (YAML)", "en": "Import an inventory (YAML)"},
    "portal.inventory.import_help": {
        "vi": "Tệp YAML giống tệp của lệnh 'l3audit run'. Danh sách mới thay thế toàn bộ danh sách hiện có; "
              "kết quả đã lưu được giữ nguyên.",
        "en": "A YAML file like the one 'l3audit run' reads. It replaces the whole current list; stored results are kept."},
    "portal.inventory.file": {"vi": "Tệp", "en": "File"},
    "portal.inventory.imported": {"vi": "Đã nhập {n} cơ quan báo chí.", "en": "Imported {n} outlets."},
    "portal.inventory.invalid": {"vi": "Tệp không phải danh sách hợp lệ; danh sách không thay đổi.",
                                 "en": "The file is not a valid inventory; nothing was changed."},
    "portal.unavailable.title": {"vi": "Tạm thời không phục vụ được", "en": "Temporarily unavailable"},
    "portal.unavailable.text": {
        "vi": "Hiện không kết nối được cơ sở dữ liệu. Yêu cầu vừa rồi chưa được lưu; mọi thứ đã lưu trước đó "
              "vẫn còn nguyên. Vui lòng thử lại sau ít phút.",
        "en": "The database cannot be reached right now. This request was not saved; everything saved before is "
              "intact. Please try again in a few minutes."},
    "portal.unavailable.retry": {"vi": "Thử lại", "en": "Try again"},
    "cli.demo_portal": {"vi": "Cổng thông tin demo", "en": "Demo portal"},
    "cli.demo_accounts": {"vi": "Tài khoản demo (mật khẩu chỉ in một lần, hãy ghi lại):",
                          "en": "Demo accounts (passwords are printed only once; note them):"},
    "cli.demo_stop": {"vi": "Nhấn Ctrl-C để dừng.", "en": "Press Ctrl-C to stop."},
    "cli.demo_stopped": {"vi": "Đã dừng cổng thông tin demo.", "en": "The demo portal has stopped."},
}


@functools.lru_cache(maxsize=None)
def catalogue(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of `lang`; an empty one (every key missing) if its `.mo` is absent."""
    try:
        return gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang])
    except OSError:
        log.warning("no compiled message catalogue for %r in %s", lang, LOCALE_DIR)
        return gettext.NullTranslations()


def _lookup(key: str, lang: str) -> str | None:
    """The text of `key` in `lang` alone, or None when that language lacks it."""
    entry = MESSAGES.get(key)
    if entry is not None:
        return entry.get(lang) or None
    text = catalogue(lang).gettext(key)
    return None if text == key else text  # gettext answers the id itself when it has no text


@functools.lru_cache(maxsize=None)
def _warn_missing(key: str, lang: str) -> None:
    """Log, once per key and language, that English stood in for a missing translation."""
    log.warning("message %r has no %s translation; English shown instead", key, lang)


def has(key: str) -> bool:
    """True when the catalogue (or a pending entry) knows `key` in some language."""
    return any(_lookup(key, lang) is not None for lang in LANGS)


def t(key: str, lang: str, **values: object) -> str:
    """The message `key` in `lang`, `{name}` fields filled from `values`.

    English stands in (with a logged warning) when `lang` lacks the text; the key itself is
    returned when no language has it.
    """
    text = _lookup(key, lang)
    if text is None:
        text = _lookup(key, "en")
        if text is None:
            return key
        _warn_missing(key, lang)
    return text.format(**values) if values else text


def default_lang(environ: dict[str, str] | None = None) -> str:
    """The language when `--lang` is not given: `L3AUDIT_LANG`, then the locale, else Vietnamese.

    The locale variables are read in gettext's order (LANGUAGE, LC_ALL, LC_MESSAGES, LANG); a value
    naming neither Vietnamese nor English (`C`, `POSIX`, `fr_FR`) does not count.
    """
    env = os.environ if environ is None else environ
    for name in ("L3AUDIT_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        for part in env.get(name, "").split(":"):
            code = part.strip().lower()[:2]
            if code in LANGS:
                return code
    return DEFAULT_LANG
