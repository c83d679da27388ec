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
    'error.domain.empty': {'vi': 'tên rỗng', 'en': 'an empty name'},
    'error.domain.public_suffix': {'vi': "'{name}' là hậu tố công cộng, không phải tên miền có thể đăng ký", 'en': "'{name}' is a public suffix, not a registrable domain"},
    'error.item.outlet': {'vi': 'cơ quan {id}', 'en': 'outlet {id}'},
    'error.item.requirement': {'vi': 'yêu cầu {id}', 'en': 'requirement {id}'},
    'error.inventory.not_mapping': {'vi': "danh sách cơ quan phải là một bảng YAML có danh sách 'outlets'", 'en': "an inventory must be a YAML mapping with an 'outlets' list"},
    'error.inventory.duplicate_id': {'vi': "mã cơ quan '{id}' bị lặp", 'en': "duplicate outlet id '{id}'"},
    'error.inventory.duplicate_id.hint': {'vi': 'mỗi mã cơ quan phải là duy nhất', 'en': 'every outlet id must be unique'},
    'error.inventory.site.hint': {'vi': 'hãy viết trang dưới dạng https://host[:port] hoặc {{url: ..., address: ...}}', 'en': 'write sites as https://host[:port] or {{url: ..., address: ...}}'},
    'error.inventory.domain': {'vi': "tên miền '{domain}': {problem}", 'en': "domain '{domain}': {problem}"},
    'error.inventory.domain.hint': {'vi': 'hãy liệt kê các tên miền của chính cơ quan, ví dụ baomau.vn', 'en': "list the outlet's own domains, e.g. baomau.vn"},
    'error.inventory.outside': {'vi': "trang '{host}' không thuộc các tên miền của cơ quan ({domains})", 'en': "site '{host}' is not within the outlet's domains ({domains})"},
    'error.inventory.outside.hint': {'vi': "hãy liệt kê mọi tên miền có thể đăng ký của cơ quan dưới 'domains:'", 'en': "list every registrable domain of the outlet under 'domains:'"},
    'error.target.empty': {'vi': 'mục tiêu rỗng', 'en': 'empty target'},
    'error.target.range': {'vi': "'{target}' trông như một dải địa chỉ; l3audit chỉ đánh giá từng trang riêng lẻ", 'en': "'{target}' looks like an address range; l3audit audits single sites only"},
    'error.target.scheme': {'vi': "'{target}': không hỗ trợ giao thức '{scheme}' (hãy dùng https:// hoặc http://)", 'en': "'{target}': scheme '{scheme}' is not supported (use https:// or http://)"},
    'error.target.port': {'vi': "'{target}': cổng phải là một số từ 1 đến 65535", 'en': "'{target}': the port must be a number from 1 to 65535"},
    'error.target.host': {'vi': "'{target}': '{host}' không phải tên máy hoặc địa chỉ hợp lệ", 'en': "'{target}': '{host}' is not a valid host name or address"},
    'error.target.address': {'vi': "'{address}' không phải địa chỉ IP (cho --resolve / address)", 'en': "'{address}' is not an IP address (for --resolve / address)"},
    'error.target.domain': {'vi': "--domain '{domain}': {problem} (gợi ý: hãy cho tên miền của chính cơ quan, ví dụ baomau.vn)", 'en': "--domain '{domain}': {problem} (hint: give the outlet's own domain, e.g. baomau.vn)"},
    'error.target.outside': {'vi': "'{host}' không thuộc các tên miền đã cho ({domains}) (gợi ý: --domain nêu các tên miền có thể đăng ký của cơ quan, ví dụ baomau.vn)", 'en': "'{host}' is not within the domains given ({domains}) (hint: --domain names the outlet's registrable domains, e.g. baomau.vn)"},
    'error.resolve.form': {'vi': "--resolve '{spec}': cần dạng host:port:address, ví dụ example.vn:443:127.0.0.1", 'en': "--resolve '{spec}': expected host:port:address, e.g. example.vn:443:127.0.0.1"},
    'error.resolve.address': {'vi': "--resolve '{spec}': '{address}' không phải địa chỉ IP", 'en': "--resolve '{spec}': '{address}' is not an IP address"},
    'error.resolve.other_host': {'vi': "--resolve '{spec}' nêu '{host}', không phải mục tiêu '{target}' cũng không thuộc các tên miền của nó ({domains}) (gợi ý: thêm --domain cho tên miền khác của cùng cơ quan)", 'en': "--resolve '{spec}' names '{host}', which is not the target '{target}' nor a name within its domains ({domains}) (hint: add --domain for another domain of the same outlet)"},
    'error.scope.range': {'vi': "'{value}' là một dải hoặc danh sách, không phải một máy; l3audit chỉ đánh giá từng trang riêng lẻ (gợi ý: liệt kê từng trang trong danh sách cơ quan)", 'en': "'{value}' is a range or list, not one host; l3audit audits single sites only (hint: list each site in the inventory)"},
    'error.scope.unknown_host': {'vi': "'{host}' không có trong danh sách cơ quan hay trên dòng lệnh; từ chối kết nối tới nó (gợi ý: thêm trang vào danh sách cơ quan nếu nó thuộc cơ quan)", 'en': "'{host}' is not in the inventory or on the command line; refusing to contact it (hint: add the site to the inventory if it belongs to the outlet)"},
    'error.scope.outside': {'vi': "'{host}' không thuộc các tên miền của '{target}' ({domains}); từ chối kết nối tới nó", 'en': "'{host}' is not within the domains of '{target}' ({domains}); refusing to contact it"},
    'error.scope.address_range': {'vi': "'{address}' là một dải hoặc danh sách, không phải một máy; từ chối quét nó", 'en': "'{address}' is a range or list, not one host; refusing to scan it"},
    'error.scope.unknown_address': {'vi': "'{address}' không phải địa chỉ của trang nào đang được đánh giá; từ chối quét nó (gợi ý: cho trang bằng --resolve host:port:address hoặc 'address' trong danh sách cơ quan)", 'en': "'{address}' is not the address of any audited site; refusing to scan it (hint: give the site with --resolve host:port:address or an inventory 'address')"},
    'error.date.zone': {'vi': '{env}={name} không phải múi giờ (gợi ý: ví dụ {example})', 'en': '{env}={name} is not a time zone (hint: for example {example})'},
    'error.date.not_date': {'vi': '{option} {text} không phải một ngày (gợi ý: viết ngày dạng YYYY-MM-DD hoặc dd/mm/yyyy, ví dụ 2026-12-02 hoặc 02/12/2026)', 'en': '{option} {text} is not a date (hint: write the day as YYYY-MM-DD or dd/mm/yyyy, for example 2026-12-02 or 02/12/2026)'},
    'error.date.order': {'vi': '--since {since} muộn hơn --until {until} (gợi ý: hãy đổi chỗ hai ngày)', 'en': '--since {since} is after --until {until} (hint: swap them)'},
    'error.db.url': {'vi': '--db {value}: không phải URL cơ sở dữ liệu (gợi ý: một đường dẫn tệp, sqlite:///TỆP hoặc postgresql://NGƯỜI_DÙNG@MÁY/TÊN)', 'en': '--db {value}: not a database URL (hint: a file path, sqlite:///FILE or postgresql://USER@HOST/NAME)'},
    'error.db.backend': {'vi': '--db: không hỗ trợ cơ sở dữ liệu {backend} (gợi ý: SQLite hoặc PostgreSQL)', 'en': '--db: database {backend} is not supported (hint: SQLite or PostgreSQL)'},
    'error.db.locked': {'vi': '{where}: {doing}: cơ sở dữ liệu đang bị khóa ("{text}") (gợi ý: một l3audit hoặc chương trình khác đang ghi vào đó; hãy chờ xong rồi thử lại)', 'en': '{where}: {doing}: the database is locked ({text}) (hint: another l3audit or program is writing to it; wait for it to finish and retry)'},
    'error.db.connect': {'vi': '{where}: {doing}: không kết nối được ("{text}") (gợi ý: máy chủ có đang chạy và URL có đúng không?)', 'en': '{where}: {doing}: cannot connect ({text}) (hint: is the server running and the URL right?)'},
    'error.db.open': {'vi': '{where}: {doing}: không mở hoặc ghi được tệp ("{text}") (gợi ý: kiểm tra đường dẫn và quyền truy cập)', 'en': '{where}: {doing}: cannot open or write the file ({text}) (hint: check the path and permissions)'},
    'error.db.not_ours': {'vi': '{where}: {doing}: tệp không phải cơ sở dữ liệu của l3audit ("{text}") (gợi ý: kiểm tra --db)', 'en': '{where}: {doing}: the file is not an l3audit database ({text}) (hint: check --db)'},
    'error.db.other': {'vi': '{where}: {doing}: "{text}" (gợi ý: kiểm tra --db; chưa ghi gì cả)', 'en': '{where}: {doing}: {text} (hint: check --db; nothing was written)'},
    'error.db.missing': {'vi': "Tệp SQLite {file}: không có cơ sở dữ liệu này (gợi ý: hãy cho --db, hoặc lưu kết quả trước bằng 'l3audit run --db' hay 'l3audit import')", 'en': "SQLite file {file}: no such database (hint: give --db, or store results first with 'l3audit run --db' or 'l3audit import')"},
    'error.db.no_round': {'vi': "{store}: không có đợt {round} (gợi ý: 'l3audit history --rounds' liệt kê các đợt)", 'en': "{store}: there is no round {round} (hint: 'l3audit history --rounds' lists them)"},
    'error.report.suffix': {'vi': '{file}: phần đuôi tên tệp không ứng với định dạng báo cáo nào (gợi ý: .html, .pdf, .md, .json, .oscal.json, hoặc dùng --format)', 'en': '{file}: the suffix names no report format (hint: .html, .pdf, .md, .json, .oscal.json, or give --format)'},
    'error.report.mismatch': {'vi': '{file}: --format {format} nhưng tên tệp cho biết {named} (gợi ý: đặt tên *{suffix}, hoặc bỏ --format)', 'en': '{file}: --format {format} but the file name says {named} (hint: name it *{suffix}, or drop --format)'},
    'error.report.pdf_out': {'vi': 'báo cáo PDF cần một tệp đầu ra (gợi ý: thêm -o report.pdf)', 'en': 'a PDF needs an output file (hint: add -o report.pdf)'},
    'error.answers.not_mapping': {'vi': 'tệp trả lời phải là một bảng YAML (mapping)', 'en': 'an answers file must be a YAML mapping'},
    'error.waivers.not_mapping': {'vi': 'tệp miễn trừ phải là một bảng YAML (mapping)', 'en': 'a waivers file must be a YAML mapping'},
    'error.file.not_found': {'vi': 'không tìm thấy tệp', 'en': 'file not found'},
    'error.checklist.did_you_mean': {'vi': "có phải ý bạn là '{id}'?", 'en': "did you mean '{id}'?"},
    'error.checklist.list_hint': {'vi': "chạy 'l3audit checklist list'", 'en': "run 'l3audit checklist list'"},
    'error.checklist.unknown': {'vi': "không có bộ tiêu chí mã '{id}'", 'en': "unknown checklist id '{id}'"},
    'error.checklist.not_mapping': {'vi': 'bộ tiêu chí phải là một bảng YAML (mapping)', 'en': 'a checklist must be a YAML mapping'},
    'error.tailoring.path_hint': {'vi': 'hãy chỉ ra đường dẫn của một tệp điều chỉnh YAML', 'en': 'give the path of a tailoring YAML file'},
    'error.tailoring.not_mapping': {'vi': 'tệp điều chỉnh phải là một bảng YAML (mapping)', 'en': 'a tailoring file must be a YAML mapping'},
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
