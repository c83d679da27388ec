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
    # --- issue 18 (officer pages: review, waivers, scans) ---
    "portal.nav.submissions": {"vi": "Hồ sơ chờ duyệt", "en": "Submissions to review"},
    "portal.nav.waivers": {"vi": "Miễn trừ", "en": "Waivers"},
    "portal.review.queue_title": {"vi": "Hồ sơ tự đánh giá chờ duyệt", "en": "Self-assessments waiting for review"},
    "portal.review.none_waiting": {"vi": "Không có hồ sơ nào chờ duyệt.", "en": "No submission is waiting for review."},
    "portal.review.submitted_by": {"vi": "Người gửi", "en": "Submitted by"},
    "portal.review.submitted_at": {"vi": "Thời điểm gửi", "en": "Submitted at"},
    "portal.review.rows": {"vi": "Số mục", "en": "Rows"},
    "portal.review.open": {"vi": "Duyệt", "en": "Review"},
    "portal.review.title": {"vi": "Duyệt hồ sơ", "en": "Review of submission"},
    "portal.review.other_catalogue": {
        "vi": "Hồ sơ này trả lời một phiên bản danh mục khác với danh mục đang áp dụng; câu trả lời sẽ không được tính khi chấm lại.",
        "en": "This submission answers another version of the catalogue than the one in force; its answers will not count when the outlet is judged again."},
    "portal.review.done_by": {"vi": "Đã duyệt xong bởi", "en": "Review finished by"},
    "portal.review.conflict": {"vi": "Mâu thuẫn với kết quả đo:", "en": "Conflicts with the probe result:"},
    "portal.review.no_probe_result": {"vi": "Chưa có kết quả đo nào của cơ quan này cho yêu cầu này.",
                                      "en": "No probe result of this outlet measures this requirement yet."},
    "portal.review.decision": {"vi": "Quyết định", "en": "Decision"},
    "portal.review.accept": {"vi": "Chấp nhận", "en": "Accept"},
    "portal.review.reject": {"vi": "Không chấp nhận", "en": "Reject"},
    "portal.review.reason": {"vi": "Lý do (bắt buộc khi không chấp nhận)", "en": "Reason (required to reject)"},
    "portal.review.decision_accepted": {"vi": "Đã chấp nhận", "en": "Accepted"},
    "portal.review.decision_rejected": {"vi": "Không chấp nhận", "en": "Rejected"},
    "portal.review.save": {"vi": "Lưu quyết định", "en": "Save decisions"},
    "portal.review.finish": {"vi": "Lưu và kết thúc duyệt", "en": "Save and finish the review"},
    "portal.review.reason_needed": {"vi": "Cần ghi lý do cho mỗi mục không chấp nhận.", "en": "Give a reason for every row you reject."},
    "portal.review.undecided": {
        "vi": "Còn mục chưa có quyết định: hãy chấp nhận hoặc không chấp nhận từng mục trước khi kết thúc.",
        "en": "Some rows have no decision yet: accept or reject each row before finishing."},
    "portal.review.stale": {
        "vi": "Một cán bộ khác đã lưu hồ sơ này sau khi bạn mở trang. Không có gì bị ghi đè; hãy mở lại hồ sơ để xem quyết định mới nhất.",
        "en": "Another officer saved this submission after you opened the page. Nothing was overwritten; open the submission again to see the latest decisions."},
    "portal.waivers.title": {"vi": "Miễn trừ yêu cầu", "en": "Waivers"},
    "portal.waivers.add": {"vi": "Cấp miễn trừ", "en": "Grant a waiver"},
    "portal.waivers.outlet": {"vi": "Cơ quan báo chí", "en": "Outlet"},
    "portal.waivers.requirement": {"vi": "Yêu cầu", "en": "Requirement"},
    "portal.waivers.justification": {"vi": "Lý do miễn trừ", "en": "Justification"},
    "portal.waivers.approver": {"vi": "Người phê duyệt", "en": "Approver"},
    "portal.waivers.expires": {"vi": "Hết hạn (ngày cuối còn hiệu lực)", "en": "Expires (last day it applies)"},
    "portal.waivers.created": {"vi": "Người cấp, thời điểm", "en": "Granted by, at"},
    "portal.waivers.state": {"vi": "Trạng thái", "en": "State"},
    "portal.waivers.active": {"vi": "Đang hiệu lực", "en": "Active"},
    "portal.waivers.expired": {"vi": "Đã hết hạn", "en": "Expired"},
    "portal.waivers.revoked": {"vi": "Đã thu hồi", "en": "Revoked"},
    "portal.waivers.revoke": {"vi": "Thu hồi", "en": "Revoke"},
    "portal.waivers.none": {"vi": "Chưa có miễn trừ nào.", "en": "No waiver yet."},
    "portal.waivers.bad_outlet": {"vi": "Cơ quan báo chí không có trong danh sách.", "en": "The outlet is not in the inventory."},
    "portal.waivers.bad_requirement": {"vi": "Yêu cầu không có trong danh mục đang áp dụng.", "en": "The requirement is not in the catalogue in force."},
    "portal.waivers.no_justification": {"vi": "Cần ghi lý do miễn trừ.", "en": "Give the justification."},
    "portal.waivers.no_approver": {"vi": "Cần ghi người phê duyệt.", "en": "Name the approver."},
    "portal.waivers.expiry_past": {"vi": "Ngày hết hạn phải là một ngày trong tương lai (YYYY-MM-DD).", "en": "The expiry must be a date in the future (YYYY-MM-DD)."},
    "portal.waivers.expiry_far": {"vi": "Miễn trừ không được kéo dài quá ba năm.", "en": "A waiver may not run longer than three years."},
    "portal.waivers.not_found": {"vi": "Không có miễn trừ này, hoặc đã bị thu hồi.", "en": "No such waiver, or it was revoked already."},
    "portal.scan.title": {"vi": "Quét", "en": "Scan"},
    "portal.scan.launch": {"vi": "Quét ngay", "en": "Scan now"},
    "portal.scan.state": {"vi": "Lần quét gần nhất", "en": "Latest scan"},
    "portal.scan.no_sites": {"vi": "Không có trang web nào của cơ quan này trong danh sách đã nhập.", "en": "The stored inventory lists no site of this outlet."},
    "portal.scan.busy": {"vi": "Cơ quan này đang được quét; hãy chờ lần quét xong.", "en": "This outlet is being scanned already; wait for that scan to end."},
    "portal.scan.status.pending": {"vi": "đang chờ", "en": "pending"},
    "portal.scan.status.queued": {"vi": "trong hàng đợi", "en": "queued"},
    "portal.scan.status.running": {"vi": "đang quét", "en": "running"},
    "portal.scan.status.done": {"vi": "xong", "en": "done"},
    "portal.scan.status.failed": {"vi": "lỗi", "en": "failed"},
    "portal.scan.status.cancelled": {"vi": "đã huỷ", "en": "cancelled"},
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
