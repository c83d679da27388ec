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
    'error.hint_word': {'vi': 'gợi ý', 'en': 'hint'},
    'error.in_file': {'vi': '{path}: {message}', 'en': '{path}: {message}'},
    'error.in_file.hint': {'vi': '{path}: {message} (gợi ý: {hint})', 'en': '{path}: {message} (hint: {hint})'},
    'error.file.unreadable': {'vi': 'không đọc được tệp: "{reason}"', 'en': 'cannot read file: {reason}'},
    'error.file.not_regular': {'vi': 'không phải tệp thông thường (là ống dẫn, thiết bị hoặc thư mục)', 'en': 'not a regular file (a pipe, device or folder)'},
    'error.file.not_regular.hint': {'vi': 'hãy chỉ ra đường dẫn của một tệp thông thường', 'en': 'give the path of an ordinary file'},
    'error.file.too_large': {'vi': 'tệp quá lớn ({size} byte, giới hạn {limit})', 'en': 'file too large ({size} bytes, limit {limit})'},
    'error.file.too_large.hint': {'vi': 'hãy tách tệp, hoặc bỏ những phần không thuộc về tệp', 'en': 'split the file, or remove what does not belong in it'},
    'error.file.too_large_grew': {'vi': 'tệp quá lớn (hơn {limit} byte)', 'en': 'file too large (more than {limit} bytes)'},
    'error.file.split': {'vi': 'hãy tách tệp', 'en': 'split the file'},
    'error.file.not_utf8': {'vi': 'không phải UTF-8 hợp lệ tại byte {byte}', 'en': 'not valid UTF-8 at byte {byte}'},
    'error.file.not_utf8.hint': {'vi': 'hãy lưu tệp ở dạng UTF-8', 'en': 'save the file as UTF-8'},
    'error.file.nested': {'vi': 'lồng nhau sâu hơn {limit} cấp', 'en': 'nested more than {limit} levels deep'},
    'error.file.duplicate_key': {'vi': 'khóa {key} bị lặp', 'en': 'duplicate key {key}'},
    'error.json.incomplete': {'vi': 'JSON không đầy đủ (bị cắt hoặc hỏng?): "{problem}" tại dòng {line}', 'en': 'not complete JSON (truncated or corrupt?): {problem} at line {line}'},
    'error.json.incomplete.hint': {'vi': 'hãy xin lại tệp', 'en': 'ask for the file again'},
    'error.json.edited.hint': {'vi': 'tệp không do l3audit ghi ra, hoặc đã bị sửa', 'en': 'the file was not written by l3audit, or was edited'},
    'error.json.foreign.hint': {'vi': 'tệp không do l3audit ghi ra', 'en': 'the file was not written by l3audit'},
    'error.json.too_deep': {'vi': 'lồng nhau quá sâu', 'en': 'nested too deeply'},
    'error.json.not_number': {'vi': "'{name}' không phải số JSON", 'en': "'{name}' is not a JSON number"},
    'error.xlsx.unreadable': {'vi': 'không đọc được sổ tính XLSX ("{reason}")', 'en': 'not a readable XLSX workbook ({reason})'},
    'error.xlsx.save_again': {'vi': 'hãy lưu lại tệp ở dạng .xlsx', 'en': 'save it again as .xlsx'},
    'error.xlsx.parts': {'vi': 'sổ tính có {count} thành phần (giới hạn {limit})', 'en': '{count} parts in the workbook (limit {limit})'},
    'error.xlsx.unpacked': {'vi': 'sổ tính khi giải nén ra {size} byte (giới hạn {limit})', 'en': 'the workbook unpacks to {size} bytes (limit {limit})'},
    'error.xlsx.export_new': {'vi': 'hãy xuất một sổ tính mới rồi chép các câu trả lời sang', 'en': 'export a new workbook and copy the answers into it'},
    'error.xlsx.rows': {'vi': "trang '{sheet}' có hơn {limit} dòng", 'en': "sheet '{sheet}' has more than {limit} rows"},
    'error.xlsx.sheet_unreadable': {'vi': "không đọc được trang '{sheet}' (\"{reason}\")", 'en': "sheet '{sheet}' cannot be read ({reason})"},
    'error.output.unusable': {'vi': '{path}: không dùng được làm tệp kết quả: "{reason}"', 'en': '{path}: cannot use as output: {reason}'},
    'error.output.not_regular': {'vi': '{path}: là {kind}, không phải tệp thông thường; l3audit không thay thế cũng không đi theo nó (gợi ý: hãy chỉ ra đường dẫn của một tệp mới hoặc tệp thông thường)', 'en': '{path}: is {kind}, not a regular file; l3audit neither replaces nor follows it (hint: give the path of a new or ordinary file)'},
    'error.output.kind.link': {'vi': 'một liên kết tượng trưng', 'en': 'a symbolic link'},
    'error.output.kind.pipe': {'vi': 'một ống dẫn có tên', 'en': 'a named pipe'},
    'error.output.kind.folder': {'vi': 'một thư mục', 'en': 'a folder'},
    'error.output.kind.device': {'vi': 'một thiết bị hoặc socket', 'en': 'a device or socket'},
    'error.yaml.flatten': {'vi': 'hãy làm phẳng cấu trúc tệp', 'en': 'flatten the file'},
    'error.yaml.nodes': {'vi': 'hơn {limit} giá trị khi đã mở rộng các bí danh', 'en': 'more than {limit} values with aliases expanded'},
    'error.yaml.nodes.hint': {'vi': 'hãy bỏ các bí danh (*tên), viết đầy đủ các giá trị', 'en': 'remove the aliases (*name), write the values out'},
    'error.yaml.scalar': {'vi': 'một giá trị dài {size} ký tự (giới hạn {limit})', 'en': 'a value of {size} characters (limit {limit})'},
    'error.yaml.scalar.hint': {'vi': 'hãy rút ngắn, hoặc đính kèm văn bản dưới dạng tệp bằng chứng', 'en': 'shorten it, or attach the text as an evidence file'},
    'error.yaml.aliases': {'vi': 'hơn {limit} bí danh', 'en': 'more than {limit} aliases'},
    'error.yaml.aliases.hint': {'vi': 'hãy viết đầy đủ các giá trị', 'en': 'write the values out'},
    'error.yaml.invalid': {'vi': 'YAML không hợp lệ: "{problem}"', 'en': 'invalid YAML: {problem}'},
    'error.result.not_result': {'vi': '{path}: không phải tệp kết quả của l3audit (thiếu schema_version)', 'en': '{path}: not an l3audit result (no schema_version)'},
    'error.result.version': {'vi': '{path}: không hỗ trợ phiên bản lược đồ kết quả {version} (bản l3audit này đọc phiên bản {supported}); hãy chạy lại đợt đánh giá hoặc dùng bản l3audit tương ứng', 'en': '{path}: result schema version {version} is not supported (this l3audit reads version {supported}); re-run the audit or use the matching l3audit'},
    'error.result.invalid': {'vi': '{path}: kết quả không hợp lệ tại {where}: {problem}', 'en': '{path}: invalid result at {where}: {problem}'},
    'error.schema.top_level': {'vi': 'cấp ngoài cùng', 'en': 'top level'},
    'error.schema.at': {'vi': '{field}: {problem}', 'en': '{field}: {problem}'},
    'error.schema.unknown_keys': {'vi': 'khóa không được phép: {keys}', 'en': 'unknown key(s): {keys}'},
    'error.schema.required': {'vi': 'thiếu khóa bắt buộc {keys}', 'en': 'missing required key {keys}'},
    'error.schema.enum': {'vi': '{value} không thuộc các giá trị cho phép', 'en': '{value} is not one of the allowed values'},
    'error.schema.type': {'vi': '{value} không phải là {kind}', 'en': '{value} is not {kind}'},
    'error.schema.or': {'vi': 'một trong các kiểu: {items}', 'en': 'one of: {items}'},
    'error.schema.type.string': {'vi': 'chuỗi văn bản', 'en': 'a string'},
    'error.schema.type.object': {'vi': 'bảng khóa–giá trị (mapping)', 'en': 'a mapping'},
    'error.schema.type.array': {'vi': 'danh sách', 'en': 'a list'},
    'error.schema.type.integer': {'vi': 'số nguyên', 'en': 'an integer'},
    'error.schema.type.number': {'vi': 'số', 'en': 'a number'},
    'error.schema.type.boolean': {'vi': 'giá trị true/false', 'en': 'true or false'},
    'error.schema.type.null': {'vi': 'giá trị rỗng', 'en': 'empty'},
    'error.schema.pattern': {'vi': '{value} không đúng dạng yêu cầu', 'en': '{value} does not have the required form'},
    'error.schema.other': {'vi': 'giá trị không hợp lệ: "{problem}"', 'en': 'invalid value: {problem}'},
    'error.schema.hint.enum': {'vi': 'dùng một trong: {values}', 'en': 'use one of: {values}'},
    'error.schema.hint.keys': {'vi': 'các khóa được phép: {keys}', 'en': 'allowed keys: {keys}'},
    'error.schema.hint.required': {'vi': 'hãy thêm khóa còn thiếu', 'en': 'add the missing key'},
    'error.schema.hint.pattern': {'vi': 'phải khớp {pattern}', 'en': 'must match {pattern}'},
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
