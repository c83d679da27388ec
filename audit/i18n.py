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
    # --- issue 15 ---
    "probe.block.rate_limited_retry": {"vi": "bị giới hạn tần suất (HTTP {status}, Retry-After {seconds} giây)", "en": "rate limited (HTTP {status}, Retry-After {seconds} s)"},
    "probe.block.rate_limited": {"vi": "bị giới hạn tần suất (HTTP {status})", "en": "rate limited (HTTP {status})"},
    "probe.block.challenge": {"vi": "bị chặn (HTTP {status}, tiêu đề thử thách {header})", "en": "blocked (HTTP {status}, challenge header {header})"},
    "probe.block.page": {"vi": "bị chặn (HTTP {status}, trang chặn: {marker})", "en": "blocked (HTTP {status}, block page: {marker})"},
    "probe.block.uniform": {"vi": "bị chặn (HTTP {status} cho cả trang chủ lẫn một đường dẫn ngẫu nhiên: trang web từ chối công cụ kiểm tra) tại {url}", "en": "blocked (HTTP {status} for the home page and for a random path alike: the site refuses this client) at {url}"},
    "probe.http.at_url": {"vi": "{reason} tại {url}", "en": "{reason} at {url}"},
    "probe.http.no_answer": {"vi": "không có phản hồi ({reason})", "en": "no answer ({reason})"},
    "probe.http.nothing": {"vi": "không có phản hồi", "en": "no answer"},
    "probe.http.unreadable": {"vi": "phản hồi không đọc được ({reason})", "en": "unreadable answer ({reason})"},
    "probe.http.body_capped": {"vi": "nội dung vượt quá giới hạn kích thước", "en": "body larger than the size cap"},
    "probe.http.partial_body": {"vi": "chỉ nhận được một phần nội dung ({reason})", "en": "partial body ({reason})"},
    "probe.http.cert": {"vi": "lỗi chứng thư số: {reason}", "en": "cert: {reason}"},
    "probe.http.timed_out": {"vi": "{method} {url} không phản hồi sau {seconds} giây", "en": "{method} {url} timed out after {seconds} s"},
    "probe.http.failed": {"vi": "{method} {url} thất bại: {reason}", "en": "{method} {url} failed: {reason}"},
    "probe.http.body_stalled": {"vi": "chưa nhận đủ nội dung sau {seconds} giây", "en": "body not complete after {seconds} s"},
    "probe.http.body_unreadable": {"vi": "không đọc được nội dung: {reason}", "en": "body unreadable: {reason}"},
    "probe.http.unanswered": {"vi": "{url} (qua {address}) không trả lời yêu cầu HTTP: {reasons} (gợi ý: kiểm tra địa chỉ, cổng hoặc thời gian chờ)", "en": "{url} (via {address}) did not answer an HTTP request: {reasons} (hint: check the address and ports, or the timeout)"},
    "probe.http.method": {"vi": "httpx GET trang / qua http và https (HTTP/1.1 và HTTP/2), chỉ theo chuyển hướng trong các tên miền của cơ quan báo chí; yêu cầu CORS preflight; chấm điểm theo MDN Observatory v4", "en": "httpx GET of / over http and https (HTTP/1.1 and HTTP/2), redirects followed within the outlet's domains only; CORS preflight; MDN Observatory v4 scoring"},
    "probe.exposure.method": {"vi": "httpx GET {n} đường dẫn trên {url}, tối đa {rate} yêu cầu mỗi giây", "en": "httpx GET of {n} paths on {url}, at most {rate} per second"},
    "probe.exposure.unanswered": {"vi": "{url} không phản hồi: {reason}", "en": "{url} did not answer: {reason}"},
    "probe.exposure.blocked": {"vi": "{url}: {reason}; chưa xem được trang web (gợi ý: đề nghị cơ quan báo chí cho phép địa chỉ của đợt kiểm tra, hoặc khai báo user agent giống trình duyệt trong danh mục)", "en": "{url}: {reason}; the site was not seen (hint: ask the outlet to allow the audit's address, or allow a browser-like user agent in the inventory)"},
    "probe.exposure.budget": {"vi": "đã dùng hết hạn mức {n} yêu cầu trước khi đo được trang web; hãy tăng exposure_max_requests", "en": "request budget of {n} used up before the site could be measured; raise exposure_max_requests"},
    "probe.exposure.baseline_failed": {"vi": "các yêu cầu tới đường dẫn ngẫu nhiên thất bại ({reason}); không phân biệt được trang 404 giả", "en": "random-path requests failed ({reason}); cannot tell a soft 404 apart"},
    "probe.tls.method_plain": {"vi": "trang web được khai báo là http thường: không bắt tay TLS", "en": "site declared as plain http: no TLS handshake"},
    "probe.tls.method": {"vi": "{n} lần bắt tay bằng ClientHello của công cụ (tối đa {cap} lần cùng lúc)", "en": "{n} handshakes with our own ClientHello (at most {cap} at once)"},
    "probe.tls.cannot_connect": {"vi": "không kết nối được tới {where}: {detail} (gợi ý: kiểm tra địa chỉ, cổng và tường lửa)", "en": "cannot connect to {where}: {detail} (hint: check the address, port and firewall)"},
    "probe.tls.no_handshake": {"vi": "không bắt tay TLS được với {where}: {reasons} (gợi ý: kiểm tra cổng này có phục vụ TLS không)", "en": "no TLS handshake possible with {where}: {reasons} (hint: check that the port serves TLS)"},
    "probe.tls.no_certificate": {"vi": "máy chủ không gửi chứng thư số (chỉ có bộ mã ẩn danh?)", "en": "the server sent no certificate (anonymous suites only?)"},
    "probe.ports.how_nmap": {"vi": "nmap -sT -Pn", "en": "nmap -sT -Pn"},
    "probe.ports.how_nmap_sv": {"vi": "nmap -sT -Pn, sau đó -sV --version-intensity {intensity} trên các cổng mở ngoài cổng của trang web", "en": "nmap -sT -Pn then -sV --version-intensity {intensity} on open ports other than the site's"},
    "probe.ports.nmap_disabled": {"vi": "nmap bị tắt", "en": "nmap disabled"},
    "probe.ports.nmap_missing": {"vi": "chưa cài nmap", "en": "nmap not installed"},
    "probe.ports.how_connect": {"vi": "kết nối TCP bằng asyncio ({why}; không nhận diện được dịch vụ bằng nmap -sV)", "en": "asyncio TCP connect ({why}; nmap -sV service detection unavailable)"},
    "probe.ports.how_connect_banner": {"vi": "kết nối TCP bằng asyncio, có đọc banner ({why}; không nhận diện được dịch vụ bằng nmap -sV)", "en": "asyncio TCP connect with banner grab ({why}; nmap -sV service detection unavailable)"},
    "probe.ports.method": {"vi": "{how}, {n} cổng của {address}", "en": "{how}, {n} ports of {address}"},
    "probe.ports.all_filtered": {"vi": "không cổng nào trong {n} cổng đã quét của {address} phản hồi (tất cả bị lọc): máy chủ không hoạt động hoặc loại bỏ mọi gói tin từ máy quét này; hãy quét từ mạng khác để kết luận", "en": "none of the {n} scanned ports of {address} answered (all filtered): the host is down or drops every packet from this scanner; scan from another network to conclude"},
    "probe.ports.nmap_killed": {"vi": "nmap không hoàn tất trong {seconds} giây (đã bị dừng); hãy tăng timeout_seconds hoặc quét ít cổng hơn", "en": "nmap did not finish within {seconds} s (killed); raise timeout_seconds or scan fewer ports"},
    "probe.ports.nmap_not_installed": {"vi": "chưa cài nmap (apt-get install nmap)", "en": "nmap is not installed (apt-get install nmap)"},
    "probe.ports.host_timeout": {"vi": "lượt quét cổng của nmap trên {address} đã hết thời gian chờ {seconds} giây cho mỗi máy; hãy tăng scan_timeout_seconds", "en": "nmap's port scan of {address} hit its {seconds} s host timeout; raise scan_timeout_seconds"},
    "probe.dns.address": {"vi": "'{host}' là địa chỉ, không phải tên miền: dữ kiện DNS cần một tên miền", "en": "'{host}' is an address, not a name: DNS facts need a name"},
    "probe.dns.no_zone": {"vi": "không tìm được vùng DNS của {host} ({error})", "en": "could not find the zone of {host} ({error})"},
    "probe.dns.via_server": {"vi": "máy chủ phân giải {server}", "en": "resolver {server}"},
    "probe.dns.via_system": {"vi": "bộ phân giải của hệ thống", "en": "the system resolver"},
    "probe.dns.method": {"vi": "bộ phân giải bất đồng bộ dnspython qua {where}, vùng {zone}", "en": "dnspython asynchronous resolver via {where}, zone {zone}"},
    "probe.dns.caa_unproven": {"vi": "chưa chứng minh được việc không có bản ghi CAA: {why}", "en": "the absence of CAA is not proven: {why}"},
    "probe.mail.method": {"vi": "bộ phân giải bất đồng bộ dnspython qua {where}, tên miền thư {domain}", "en": "dnspython asynchronous resolver via {where}, mail domain {domain}"},
    "probe.mail.no_domain": {"vi": "'{host}' không có tên miền thư (đây là địa chỉ); hãy đặt mail_domain", "en": "'{host}' has no mail domain (an address); set mail_domain"},
    "probe.mail.mx_unknown": {"vi": "chưa biết bản ghi MX", "en": "MX records unknown"},
    "probe.mail.mx_no_address": {"vi": "{mx}: không có địa chỉ", "en": "{mx}: no address"},
    "probe.run.cancelled": {"vi": "không chạy: đợt kiểm tra đã bị hủy", "en": "not run: the audit was cancelled"},
    "probe.run.budget": {"vi": "phép đo không hoàn tất trong {seconds} giây", "en": "probe did not finish within {seconds} s"},
    "probe.run.internal": {"vi": "lỗi nội bộ trong phép đo {probe}: {error}", "en": "internal error in probe {probe}: {error}"},
    "probe.run.not_run": {"vi": "phép đo không chạy", "en": "probe did not run"},
    "probe.cli.attempt": {"vi": "{name} {target}: {status} ({seconds} giây)", "en": "{name} {target}: {status} ({seconds} s)"},
    "probe.cli.method": {"vi": "Cách đo: {method}", "en": "Method: {method}"},
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


def t(key: str, lang: str, /, **values: object) -> str:
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


class Phrase:
    """A catalogue key with its values, said in a language only when shown (`audit.errors.Phrase`).

    Errors carry phrases so that `str(error)` stays English (logs, stored results) while the CLI
    says the same message in the command's language. A value may itself be a phrase.
    """

    __slots__ = ("key", "values")

    def __init__(self, key: str, values: dict[str, object]) -> None:
        self.key, self.values = key, values

    def render(self, lang: str) -> str:
        """The text in `lang`, phrases among the values said in `lang` too."""
        values = {name: _said(value, lang) for name, value in self.values.items()}
        return t(self.key, lang, **values)

    def __str__(self) -> str:
        return self.render("en")

    def __repr__(self) -> str:
        return f"phrase({self.key!r}, **{self.values!r})"

    def __reduce__(self) -> tuple[object, ...]:
        return Phrase, (self.key, self.values)


def _said(value: object, lang: str) -> object:
    """A value of a phrase in `lang`: a phrase rendered, a list of them joined with commas."""
    if isinstance(value, Phrase):
        return value.render(lang)
    if isinstance(value, (list, tuple)):
        return ", ".join(str(_said(item, lang)) for item in value)
    return value


def phrase(key: str, /, **values: object) -> Phrase:
    """The message `key` with `values`, to be said later in whatever language is asked."""
    return Phrase(key, values)


class _ErrorPhrase:
    """Another error's whole message as a phrase, to wrap it in an error of ours without losing its language."""

    def __init__(self, error: BaseException) -> None:
        self.error = error

    def render(self, lang: str) -> str:
        return error_text(self.error, lang)

    def __str__(self) -> str:
        return str(self.error)


def said_by(error: BaseException) -> _ErrorPhrase:
    """`error`'s message, said in whatever language is asked later (for `raise OtherError(said_by(exc))`)."""
    return _ErrorPhrase(error)


def error_text(error: BaseException, lang: str) -> str:
    """An error's message in `lang`: phrases rendered, the hint labelled in `lang`; else `str(error)`."""
    localized = getattr(error, "localized", None)
    return localized(lang, t("error.hint_word", lang)) if callable(localized) else str(error)


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
