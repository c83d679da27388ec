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
    # --- issue 18 ---
    "portal.title": {"vi": "Cổng đánh giá an toàn thông tin cấp độ 3", "en": "Level-3 security assessment portal"},
    "portal.logout": {"vi": "Đăng xuất", "en": "Log out"},
    "portal.back": {"vi": "Quay lại", "en": "Back"},
    "portal.yes": {"vi": "Có", "en": "Yes"},
    "portal.no": {"vi": "Không", "en": "No"},
    "portal.role.admin": {"vi": "quản trị", "en": "admin"},
    "portal.role.officer": {"vi": "cán bộ", "en": "officer"},
    "portal.role.outlet": {"vi": "cơ quan báo chí", "en": "outlet"},
    "portal.login.title": {"vi": "Đăng nhập", "en": "Log in"},
    "portal.login.username": {"vi": "Tên đăng nhập", "en": "User name"},
    "portal.login.password": {"vi": "Mật khẩu", "en": "Password"},
    "portal.login.submit": {"vi": "Đăng nhập", "en": "Log in"},
    "portal.login.failed": {"vi": "Tên đăng nhập hoặc mật khẩu không đúng.", "en": "Wrong user name or password."},
    "portal.login.throttled": {"vi": "Quá nhiều lần đăng nhập sai. Hãy thử lại sau 15 phút.", "en": "Too many failed logins. Try again in 15 minutes."},
    "portal.login.totp_title": {"vi": "Mã xác thực hai lớp", "en": "Two-factor code"},
    "portal.login.totp_code": {"vi": "Mã 6 chữ số từ ứng dụng xác thực", "en": "The 6-digit code from your authenticator app"},
    "portal.login.totp_failed": {"vi": "Mã xác thực không đúng.", "en": "Wrong code."},
    "portal.error.title": {"vi": "Không thực hiện được", "en": "Could not do that"},
    "portal.error.csrf": {"vi": "Biểu mẫu đã hết hạn hoặc không hợp lệ. Hãy tải lại trang và thử lại.", "en": "The form expired or is not valid. Reload the page and try again."},
    "portal.error.400": {"vi": "Yêu cầu không hợp lệ.", "en": "The request is not valid."},
    "portal.error.403": {"vi": "Bạn không có quyền xem trang này.", "en": "You may not open this page."},
    "portal.error.404": {"vi": "Không tìm thấy trang.", "en": "No such page."},
    "portal.error.405": {"vi": "Phương thức không được phép.", "en": "Method not allowed."},
    "portal.error.413": {"vi": "Dữ liệu gửi lên quá lớn.", "en": "What was sent is too large."},
    "portal.answer.justification_needed": {"vi": "Trả lời “không áp dụng” cần nêu lý do.", "en": "A “not applicable” answer needs a justification."},
    "portal.answer.implemented": {"vi": "đã triển khai", "en": "implemented"},
    "portal.answer.partly": {"vi": "triển khai một phần", "en": "partly implemented"},
    "portal.answer.not_implemented": {"vi": "chưa triển khai", "en": "not implemented"},
    "portal.answer.not_applicable": {"vi": "không áp dụng", "en": "not applicable"},
    "portal.questionnaire.title": {"vi": "Bảng tự đánh giá", "en": "Self-assessment"},
    "portal.questionnaire.evidence": {"vi": "Bằng chứng cần có", "en": "Evidence asked for"},
    "portal.questionnaire.answer": {"vi": "Trả lời", "en": "Answer"},
    "portal.questionnaire.justification": {"vi": "Lý do (bắt buộc khi không áp dụng)", "en": "Justification (required when not applicable)"},
    "portal.questionnaire.text": {"vi": "Mô tả cách triển khai", "en": "How it is implemented"},
    "portal.questionnaire.save": {"vi": "Lưu", "en": "Save"},
    "portal.questionnaire.saved_by": {"vi": "Đã lưu bởi", "en": "Saved by"},
    "portal.outlets.title": {"vi": "Các cơ quan báo chí", "en": "Outlets"},
    "portal.outlets.id": {"vi": "Mã", "en": "Id"},
    "portal.outlets.name": {"vi": "Tên", "en": "Name"},
    "portal.outlets.verdict": {"vi": "Kết luận gần nhất", "en": "Latest verdict"},
    "portal.outlets.pass_percent": {"vi": "Tỷ lệ đạt (%)", "en": "Pass (%)"},
    "portal.outlets.finished_at": {"vi": "Thời điểm (UTC)", "en": "When (UTC)"},
    "portal.outlets.none": {"vi": "Chưa có cơ quan nào (nhập bằng 'l3audit outlets import').", "en": "No outlets yet (import them with 'l3audit outlets import')."},
    "portal.users.title": {"vi": "Tài khoản", "en": "Users"},
    "portal.users.role": {"vi": "Vai trò", "en": "Role"},
    "portal.users.outlet": {"vi": "Cơ quan", "en": "Outlet"},
    "portal.users.totp": {"vi": "Xác thực hai lớp", "en": "Two-factor"},
    "portal.users.state": {"vi": "Trạng thái", "en": "State"},
    "portal.users.active": {"vi": "đang hoạt động", "en": "active"},
    "portal.users.disabled": {"vi": "đã khóa", "en": "disabled"},
    "portal.users.disable": {"vi": "Khóa", "en": "Disable"},
    "portal.users.add": {"vi": "Thêm tài khoản", "en": "Add a user"},
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
