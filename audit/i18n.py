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
    "portal.overview.title": {"vi": "Tổng quan", "en": "Overview"},
    "portal.overview.latest": {"vi": "Báo cáo mới nhất", "en": "Latest report"},
    "portal.overview.date": {"vi": "Thời điểm", "en": "Date"},
    "portal.overview.score": {"vi": "Điểm", "en": "Score"},
    "portal.overview.coverage": {"vi": "Mức bao phủ", "en": "Coverage"},
    "portal.overview.decided": {"vi": "Đã kết luận", "en": "Decided"},
    "portal.overview.sites": {"vi": "Trang web", "en": "Sites"},
    "portal.overview.fix_first": {"vi": "Cần khắc phục trước", "en": "Fix first"},
    "portal.overview.fix_first_none": {"vi": "Không có yêu cầu bắt buộc nào bị đánh giá không đạt.", "en": "No mandatory requirement fails."},
    "portal.overview.no_result": {"vi": "Chưa có kết quả nào được lưu cho cơ quan này.", "en": "No result is stored for this outlet yet."},
    "portal.overview.history": {"vi": "Lịch sử", "en": "History"},
    "portal.overview.submissions": {"vi": "Các lần nộp để thẩm định", "en": "Submissions for review"},
    "portal.overview.submitted_at": {"vi": "Nộp lúc", "en": "Submitted"},
    "portal.overview.by": {"vi": "Người nộp", "en": "By"},
    "portal.overview.state": {"vi": "Trạng thái", "en": "State"},
    "portal.overview.reviewed": {"vi": "Thẩm định", "en": "Reviewed"},
    "portal.overview.no_submissions": {"vi": "Chưa nộp lần nào.", "en": "Nothing submitted yet."},
    "portal.overview.results": {"vi": "Các kết quả", "en": "Results"},
    "portal.overview.kind": {"vi": "Nguồn", "en": "Source"},
    "portal.overview.signed": {"vi": "hồ sơ có chữ ký số", "en": "signed bundle"},
    "portal.overview.run": {"vi": "lần quét của Sở", "en": "department's scan"},
    "portal.overview.withdrawn": {"vi": "đã rút", "en": "withdrawn"},
    "portal.overview.no_results": {"vi": "Chưa có kết quả.", "en": "No results yet."},
    "portal.submission.state.waiting": {"vi": "đang chờ thẩm định", "en": "waiting for review"},
    "portal.submission.state.reviewed": {"vi": "đã thẩm định", "en": "reviewed"},
    "portal.submission.state.superseded": {"vi": "đã được thay bằng lần nộp sau", "en": "superseded by a later submission"},
    "portal.submit.title": {"vi": "Nộp để thẩm định", "en": "Submit for review"},
    "portal.submit.explain": {"vi": "Khi nộp, các câu trả lời và tệp minh chứng hiện có được chụp lại, ký số bằng khóa của máy chủ và gửi cho Sở thẩm định. Bạn vẫn có thể sửa và nộp lại; lần nộp mới thay cho lần đang chờ.", "en": "Submitting takes a snapshot of the current answers and evidence files, signs it with the server's key and sends it to the department for review. You can still edit and submit again; a new submission replaces the one waiting."},
    "portal.submit.button": {"vi": "Nộp để thẩm định", "en": "Submit for review"},
    "portal.submit.waiting": {"vi": "Lần nộp lúc {at} (của {by}) đang chờ thẩm định.", "en": "The submission of {at} (by {by}) is waiting for review."},
    "portal.submit.nothing_answered": {"vi": "Chưa có câu hỏi nào được trả lời: hãy trả lời ít nhất một câu rồi nộp.", "en": "Nothing is answered yet: answer at least one question, then submit."},
    "portal.submit.done": {"vi": "Đã nộp để thẩm định.", "en": "Submitted for review."},
    "portal.submit.superseded": {"vi": "Đã nộp để thẩm định; lần nộp đang chờ trước đó đã được thay thế.", "en": "Submitted for review; the submission that was waiting has been superseded."},
    "portal.autosave.saved": {"vi": "Đã lưu", "en": "Saved"},
    "portal.autosave.saving": {"vi": "Đang lưu…", "en": "Saving…"},
    "portal.autosave.not_saved": {"vi": "Chưa lưu được — hãy bấm nút Lưu", "en": "Not saved — press the Save button"},
    "portal.evidence.title": {"vi": "Tệp minh chứng", "en": "Evidence files"},
    "portal.evidence.bytes": {"vi": "byte", "en": "bytes"},
    "portal.evidence.remove": {"vi": "Gỡ khỏi câu hỏi", "en": "Remove from this row"},
    "portal.evidence.none": {"vi": "Chưa có tệp nào.", "en": "No file yet."},
    "portal.evidence.choose": {"vi": "Chọn tệp (PDF, ảnh PNG/JPG, TXT, CSV, XLSX, DOCX, ODT)", "en": "Choose a file (PDF, PNG/JPG image, TXT, CSV, XLSX, DOCX, ODT)"},
    "portal.evidence.upload": {"vi": "Tải lên", "en": "Upload"},
    "portal.evidence.too_large": {"vi": "Tệp quá lớn: mỗi tệp minh chứng tối đa {mib} MiB.", "en": "The file is too large: each evidence file may be at most {mib} MiB."},
    "portal.evidence.type_refused": {"vi": "Loại tệp này không được nhận (hoặc nội dung không khớp với phần mở rộng). Các loại được nhận: {types}.", "en": "This type of file is not accepted (or its content does not match its extension). Accepted types: {types}."},
    "portal.evidence.no_file": {"vi": "Chưa chọn tệp nào.", "en": "No file was chosen."},
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
