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
    # self-assessment: dates, evidence, answers files (audit/selfassess/dates.py, evidence.py, answers.py)
    "error.answer_date.hint": {
        "vi": "viết ngày dạng YYYY-MM-DD (ISO 8601, có thể kèm giờ) hoặc dd/mm/yyyy",
        "en": "write dates as YYYY-MM-DD (ISO 8601, optionally with a time) or dd/mm/yyyy"},
    "error.answer_date.number": {
        "vi": "{value} là một con số (số ngày của bảng tính?), không phải một ngày",
        "en": "{value} is a number (a spreadsheet day count?), not a date"},
    "error.answer_date.not_date": {
        "vi": "'{text}' không phải một ngày",
        "en": "'{text}' is not a date"},
    "error.answer_date.future": {
        "vi": "ngày {day} nằm trong tương lai",
        "en": "{day} is in the future"},
    "error.evidence.too_large": {
        "vi": "lớn hơn giới hạn bằng chứng {limit} byte, không tính mã băm",
        "en": "larger than the evidence limit of {limit} bytes, not hashed"},
    "error.evidence.outside_folder": {
        "vi": "tệp bằng chứng '{item}' nằm ngoài thư mục của tệp trả lời ({folder})",
        "en": "evidence file '{item}' is outside the answers' folder {folder}"},
    "error.evidence.outside": {
        "vi": "tệp bằng chứng '{item}' nằm ngoài thư mục của tệp trả lời",
        "en": "evidence file '{item}' is outside the answers' folder"},
    "error.evidence.outside.hint": {
        "vi": "hãy đặt tệp bằng chứng trong thư mục của tệp trả lời (hoặc của sổ tính) và ghi đường dẫn tương đối "
              "từ thư mục đó",
        "en": "put evidence files in the folder of the answers file (or workbook) and give paths relative to it"},
    "error.evidence.not_found": {
        "vi": "không tìm thấy tệp bằng chứng '{item}' (đã tìm trong {folder})",
        "en": "evidence file '{item}' not found (looked in {folder})"},
    "error.evidence.file_too_large": {
        "vi": "tệp bằng chứng '{item}' {problem}",
        "en": "evidence file '{item}' is {problem}"},
    "evidence.flag.outside": {
        "vi": "{path}: nằm ngoài thư mục của tệp trả lời, không được nhận làm bằng chứng",
        "en": "{path}: outside the answers' folder, not accepted as evidence"},
    "evidence.flag.missing": {
        "vi": "{path}: thiếu tệp",
        "en": "{path}: file missing"},
    "evidence.flag.no_hash": {
        "vi": "{path}: chưa ghi mã băm SHA-256",
        "en": "{path}: no SHA-256 recorded"},
    "evidence.flag.changed": {
        "vi": "{path}: tệp đã thay đổi sau khi trả lời (mã băm SHA-256 khác)",
        "en": "{path}: file changed since the answer (SHA-256 differs)"},
    "evidence.flag.problem": {
        "vi": "{path}: {problem}",
        "en": "{path}: {problem}"},
    "error.answers.self_review": {
        "vi": "tệp trả lời của cơ quan có khối 'review': cơ quan không thể tự duyệt câu trả lời của mình",
        "en": "a 'review' block in an outlet's answers file: an outlet cannot approve its own answers"},
    "error.answers.self_review.hint": {
        "vi": "hãy xoá khối đó; quyết định của người thẩm định nằm trong một tệp thẩm định có chữ ký "
              "('l3audit self-assess review ... --key', rồi 'scan --reviews FILE --trusted-keys FILE')",
        "en": "remove it; reviewer decisions go in a signed reviews file ('l3audit self-assess review ... --key', "
              "then 'scan --reviews FILE --trusted-keys FILE')"},
    "error.answers.other_checklist": {
        "vi": "câu trả lời dành cho bộ tiêu chí '{pinned}', nhưng cuộc đánh giá dùng '{used}'",
        "en": "answers are for checklist '{pinned}', but the audit uses '{used}'"},
    "error.answers.other_checklist.hint": {
        "vi": "hãy dùng --checklist {pinned}, hoặc trả lời đúng bảng câu hỏi",
        "en": "use --checklist {pinned}, or answer the right questionnaire"},
    "error.answers.other_version": {
        "vi": "câu trả lời dành cho '{id}' phiên bản {pinned} ({pinned_hash}...), nhưng cuộc đánh giá dùng phiên bản "
              "{used} ({used_hash}...)",
        "en": "answers are for '{id}' version {pinned} ({pinned_hash}...), but the audit uses version {used} "
              "({used_hash}...)"},
    "error.answers.other_version.hint": {
        "vi": "hãy tạo bảng câu hỏi mới bằng 'l3audit self-assess questionnaire' rồi chép các câu trả lời sang",
        "en": "generate a new questionnaire with 'l3audit self-assess questionnaire' and carry the answers over"},
    "error.answers.unknown_requirement": {
        "vi": "bộ tiêu chí '{checklist}' không có yêu cầu mã '{id}'",
        "en": "unknown requirement id '{id}' in checklist '{checklist}'"},
    "error.answers.see_checklist_show": {
        "vi": "xem 'l3audit checklist show'",
        "en": "see 'l3audit checklist show'"},
    "error.answers.na_justification": {
        "vi": "'not_applicable' (không áp dụng) cần có lý do (vì sao yêu cầu không áp dụng)",
        "en": "'not_applicable' needs a justification (why the requirement does not apply)"},
    "error.answers.answered_at": {
        "vi": "answered_at (thời điểm trả lời): {problem}",
        "en": "answered_at: {problem}"},
    # self-assessment workbook (audit/selfassess/workbook.py)
    "error.item.requirement_cell": {
        "vi": "yêu cầu {id}, ô {cell}",
        "en": "requirement {id}, cell {cell}"},
    "error.workbook.export_new": {
        "vi": "hãy xuất một sổ tính mới",
        "en": "export a new workbook"},
    "error.workbook.no_sheet": {
        "vi": "thiếu trang tính '{name}'",
        "en": "sheet '{name}' is missing"},
    "error.workbook.meta_schema": {
        "vi": "trang tính meta: schema là '{found}', cần là '{expected}'",
        "en": "sheet meta: schema is '{found}', expected '{expected}'"},
    "error.workbook.no_id": {
        "vi": "dòng {row} có câu trả lời nhưng không có mã yêu cầu (ô A{row})",
        "en": "row {row} has answers but no requirement id (cell A{row})"},
    "error.workbook.no_id.hint": {
        "vi": "đừng xoá mã yêu cầu",
        "en": "do not delete the requirement id"},
    "error.workbook.extra_cell": {
        "vi": "ô {cell} nằm ngoài các cột trả lời",
        "en": "cell {cell} is outside the answer columns"},
    "error.workbook.extra_cell.hint": {
        "vi": "quyết định của người thẩm định không ghi vào sổ tính của cơ quan",
        "en": "reviewer decisions are not written in the outlet's workbook"},
    "error.workbook.twice": {
        "vi": "yêu cầu {id} xuất hiện hai lần (dòng {first} và {row})",
        "en": "requirement {id} appears twice (rows {first} and {row})"},
    "error.workbook.twice.hint": {
        "vi": "mỗi yêu cầu chỉ giữ một dòng",
        "en": "keep one row per requirement"},
    "error.workbook.row_missing": {
        "vi": "thiếu dòng của yêu cầu {id}",
        "en": "the row of requirement {id} is missing"},
    "error.workbook.row_missing.hint": {
        "vi": "đừng xoá dòng; hãy để trống câu trả lời",
        "en": "do not delete rows; leave the answer empty instead"},
    "error.workbook.header": {
        "vi": "tiêu đề '{found}' ở ô {cell} phải là '{label}'",
        "en": "header '{found}' in cell {cell} should be '{label}'"},
    "error.workbook.header.hint": {
        "vi": "đừng sửa dòng tiêu đề; hãy xuất một sổ tính mới",
        "en": "do not edit the header row; export a new workbook"},
    "error.workbook.reviewer_column": {
        "vi": "cột thẩm định '{found}' (ô {cell}) trong sổ tính của cơ quan",
        "en": "reviewer column '{found}' (cell {cell}) in an outlet's workbook"},
    "error.workbook.reviewer_column.hint": {
        "vi": "cơ quan không tự thẩm định câu trả lời của mình; hãy xuất một sổ tính mới (việc thẩm định là của "
              "cơ quan quản lý, trong tệp riêng)",
        "en": "an outlet does not review its own answers; export a new workbook (reviews are the "
              "department's, in their own file)"},
    "error.workbook.too_long": {
        "vi": "{count} ký tự (giới hạn {limit})",
        "en": "{count} characters (limit {limit})"},
    "error.workbook.too_long.hint": {
        "vi": "hãy đính kèm văn bản dài dưới dạng bằng chứng",
        "en": "attach long text as evidence"},
    "error.workbook.bad_answer": {
        "vi": "'{value}' không phải một giá trị được phép",
        "en": "'{value}' is not an allowed value"},
    # self-assessment with scan/run: answers, reviews and waivers together (audit/selfassess/merge.py, reviews.py,
    # waivers.py)
    "error.answers.second_file": {
        "vi": "tệp trả lời thứ hai cho cơ quan '{outlet}'",
        "en": "a second answers file for outlet '{outlet}'"},
    "error.answers.second_file_unnamed": {
        "vi": "tệp trả lời thứ hai không nêu cơ quan",
        "en": "a second answers file for no outlet"},
    "error.answers.second_file.hint": {
        "vi": "mỗi cơ quan một tệp trả lời, mỗi tệp có mã 'outlet:' của mình",
        "en": "give one answers file per outlet, each with its 'outlet:' id"},
    "error.answers.other_outlet": {
        "vi": "câu trả lời dành cho cơ quan '{outlet}', nhưng cuộc đánh giá này là của cơ quan '{audited}'",
        "en": "the answers are for outlet '{outlet}', but this audit is of outlet '{audited}'"},
    "error.answers.other_outlet.hint": {
        "vi": "hãy đánh giá với --outlet {outlet}, hoặc cho cơ quan '{audited}' tệp trả lời riêng",
        "en": "audit it with --outlet {outlet}, or give outlet '{audited}' its own answers"},
    "error.answers.no_outlet": {
        "vi": "tệp trả lời không nêu cơ quan, nhưng có nhiều cơ quan được đánh giá",
        "en": "the answers file names no outlet, but several outlets are audited"},
    "error.answers.no_outlet.hint": {
        "vi": "hãy đặt 'outlet:' là mã của cơ quan",
        "en": "set 'outlet:' to the outlet's id"},
    "error.answers.outlet_not_in_inventory": {
        "vi": "cơ quan '{outlet}' không có trong danh mục",
        "en": "outlet '{outlet}' is not in the inventory"},
    "error.answers.outlet_not_in_inventory.hint": {
        "vi": "hãy kiểm tra mã 'outlet:'",
        "en": "check the 'outlet:' id"},
    "error.waivers.other_outlet": {
        "vi": "không miễn trừ nào trong tệp áp dụng cho cơ quan '{outlet}'; chúng dành cho: {others}",
        "en": "no waiver in the file applies to outlet '{outlet}'; they are for: {others}"},
    "error.waivers.other_outlet.hint": {
        "vi": "hãy đánh giá với --outlet ID của cơ quan được miễn trừ, hoặc dùng '*'",
        "en": "audit with --outlet ID of the outlet the waivers are for, or use '*'"},
    "error.waivers.duplicate": {
        "vi": "mã miễn trừ '{id}' bị trùng",
        "en": "duplicate waiver id '{id}'"},
    "error.waivers.duplicate.hint": {
        "vi": "mỗi miễn trừ cần một mã riêng",
        "en": "every waiver needs its own id"},
    "error.waivers.no_justification": {
        "vi": "lý do miễn trừ để trống",
        "en": "the justification is empty"},
    "error.waivers.no_justification.hint": {
        "vi": "hãy nêu vì sao hiện chưa thể đáp ứng yêu cầu",
        "en": "say why the requirement cannot be met now"},
    "error.waivers.order": {
        "vi": "ngày hết hạn ({expires}) sớm hơn ngày tạo ({created})",
        "en": "expires ({expires}) is before created ({created})"},
    "error.waivers.no_match": {
        "vi": "'{pattern}' không khớp yêu cầu nào của bộ tiêu chí '{checklist}'",
        "en": "'{pattern}' matches no requirement of checklist '{checklist}'"},
    "error.waivers.no_match.hint": {
        "vi": "hãy kiểm tra mã hoặc mẫu (xem 'l3audit checklist show')",
        "en": "check the id or pattern (see 'l3audit checklist show')"},
    "error.waivers.bad_date": {
        "vi": "'{text}' không phải một ngày có thật",
        "en": "'{text}' is not a real date"},
    "error.waivers.bad_date.hint": {
        "vi": "viết dạng YYYY-MM-DD",
        "en": "write YYYY-MM-DD"},
    "reviews.no_outlet": {
        "vi": "(không nêu)",
        "en": "(none)"},
    "reviews.any_outlet": {
        "vi": "(bất kỳ)",
        "en": "(any)"},
    "error.reviews.no_trusted_keys": {
        "vi": "--reviews cần --trusted-keys: quyết định thẩm định chỉ được tính khi chữ ký của nó được kiểm tra "
              "(gợi ý: tệp khoá tin cậy của cơ quan quản lý, có khoá của người thẩm định với role: reviewer)",
        "en": "--reviews needs --trusted-keys: reviewer decisions count only when their signature is checked "
              "(hint: the department's trusted-keys file, with the reviewer's key as role: reviewer)"},
    "error.reviews.no_answers": {
        "vi": "--reviews mà không có --answers: các quyết định là về câu trả lời của một cơ quan "
              "(gợi ý: đưa tệp trả lời đã được thẩm định bằng --answers)",
        "en": "--reviews without --answers: the decisions are on an outlet's answers "
              "(hint: give the reviewed answers file with --answers)"},
    "error.reviews.other_outlet": {
        "vi": "{path}: các quyết định dành cho cơ quan '{outlet}', nhưng cuộc đánh giá này là của cơ quan "
              "'{audited}' (gợi ý: hãy đánh giá với --outlet {outlet}, hoặc cho cơ quan '{audited}' tệp thẩm định riêng)",
        "en": "{path}: the reviews are for outlet '{outlet}', but this audit is of outlet '{audited}' "
              "(hint: audit it with --outlet {outlet}, or give outlet '{audited}' its own reviews)"},
    "error.reviews.second_file": {
        "vi": "{path}: tệp thẩm định thứ hai cho cơ quan '{outlet}' (tệp đầu: {first}) "
              "(gợi ý: mỗi tệp trả lời một tệp thẩm định)",
        "en": "{path}: a second reviews file for outlet '{outlet}' (first: {first}) "
              "(hint: one reviews file per answers file)"},
    "error.reviews.no_answers_for": {
        "vi": "{path}: các quyết định dành cho cơ quan '{outlet}', nhưng không có tệp trả lời nào của cơ quan đó "
              "(gợi ý: --answers với tệp đã được thẩm định)",
        "en": "{path}: the reviews are for outlet '{outlet}', but no answers file for it was given "
              "(hint: --answers with the reviewed file)"},
    "error.reviews.not_from_file": {
        "vi": "chỉ thẩm định được câu trả lời đọc từ tệp (mã băm SHA-256 của tệp được ký)",
        "en": "only answers read from a file can be reviewed (their SHA-256 is signed)"},
    "error.reviews.no_answer": {
        "vi": "{path}: yêu cầu {id} chưa có câu trả lời để thẩm định",
        "en": "{path}: requirement {id} has no answer to review"},
    "error.reviews.rejection_reason": {
        "vi": "yêu cầu {id}: từ chối cần có lý do (gợi ý: --reason)",
        "en": "requirement {id}: a rejection needs a reason (hint: --reason)"},
    "error.reviews.invalid": {
        "vi": "{path}: tệp thẩm định đã ký không hợp lệ: {problems} (gợi ý: tệp phải do '{made_by}' tạo)",
        "en": "{path}: the signed reviews are invalid: {problems} (hint: made by '{made_by}')"},
    "error.reviews.other_checklist": {
        "vi": "{path}: các quyết định dành cho bộ tiêu chí '{id}' phiên bản {version}, nhưng cuộc đánh giá dùng "
              "'{used}' phiên bản {used_version} (gợi ý: hãy thẩm định câu trả lời theo bộ tiêu chí mà cuộc đánh giá dùng)",
        "en": "{path}: the reviews are for checklist '{id}' version {version}, but the audit uses '{used}' version "
              "{used_version} (hint: review answers to the catalogue the audit uses)"},
    "error.reviews.not_allowed": {
        "vi": "{path}: người thẩm định {key} ({name}) không được thẩm định cho cơ quan {outlet} "
              "(gợi ý: mục 'outlets' của khoá đó trong tệp khoá tin cậy)",
        "en": "{path}: reviewer {key} ({name}) may not review for outlet {outlet} "
              "(hint: its 'outlets' in the trusted-keys file)"},
    "error.reviews.reviewed_at": {
        "vi": "{path}: yêu cầu {id}: reviewed_at (thời điểm thẩm định): {problem}",
        "en": "{path}: requirement {id}: reviewed_at: {problem}"},
    "error.reviews.rejected_no_reason": {
        "vi": "{path}: yêu cầu {id}: câu trả lời bị từ chối cần có lý do",
        "en": "{path}: requirement {id}: a rejected answer needs a reason"},
    "error.reviews.other_key": {
        "vi": "{problem} (chỉ bổ sung được tệp thẩm định ký bằng cùng một --key)",
        "en": "{problem} (only a reviews file signed with the same --key can be extended)"},
    "error.reviews.answers_other_outlet": {
        "vi": "{path}: các quyết định dành cho cơ quan '{outlet}', nhưng câu trả lời {answers} là của cơ quan "
              "'{answers_outlet}' (gợi ý: đưa tệp thẩm định của mỗi cơ quan cùng với câu trả lời của cơ quan đó)",
        "en": "{path}: the reviews are for outlet '{outlet}', but the answers {answers} are for outlet "
              "'{answers_outlet}' (hint: give each outlet's reviews with its own answers)"},
    "error.reviews.answers_changed": {
        "vi": "{path}: các quyết định là về câu trả lời '{name}' (SHA-256 {reviewed}...), nhưng {answers} có SHA-256 "
              "{found}...: câu trả lời đã thay đổi sau khi thẩm định (gợi ý: đề nghị người thẩm định xem lại các câu "
              "trả lời này)",
        "en": "{path}: the reviews are of answers '{name}' (SHA-256 {reviewed}...), but {answers} has SHA-256 "
              "{found}...: the answers changed after the review (hint: ask the reviewer to review these answers)"},
    "error.reviews.unanswered": {
        "vi": "{path}: yêu cầu {id}: có quyết định về một câu hỏi mà câu trả lời {answers} bỏ trống "
              "(gợi ý: tệp không do '{made_by}' tạo)",
        "en": "{path}: requirement {id}: a decision on a question the answers {answers} leave unanswered "
              "(hint: the file was not made by '{made_by}')"},
    # catalogues: loader, conditions, lint, show (audit/catalogue/*, audit/cli/checklist_cmd.py)
    "error.use_one_of": {
        "vi": "hãy dùng một trong: {choices}",
        "en": "use one of: {choices}"},
    "error.condition.takes_no_value": {
        "vi": "toán tử '{op}' không nhận giá trị",
        "en": "operator '{op}' takes no value"},
    "error.condition.takes_no_value.hint": {
        "vi": "hãy bỏ 'value'",
        "en": "remove 'value'"},
    "error.condition.needs_value": {
        "vi": "toán tử '{op}' cần một 'value'",
        "en": "operator '{op}' needs a 'value'"},
    "error.condition.needs_value.hint": {
        "vi": "hãy thêm 'value: ...'",
        "en": "add 'value: ...'"},
    "error.condition.numbers": {
        "vi": "toán tử '{op}' so sánh các số, nhưng nhận được {value}",
        "en": "operator '{op}' compares numbers, got {value}"},
    "error.condition.numbers.hint": {
        "vi": "hãy dùng một số, hoặc 'eq' cho văn bản",
        "en": "use a number, or 'eq' for text"},
    "error.condition.list": {
        "vi": "toán tử '{op}' cần giá trị là một danh sách, nhưng nhận được {value}",
        "en": "operator '{op}' needs a list value, got {value}"},
    "error.condition.list.hint": {
        "vi": "hãy viết giá trị dạng [a, b, ...]",
        "en": "write the value as [a, b, ...]"},
    "error.condition.regex_string": {
        "vi": "toán tử 'matches' cần một chuỗi biểu thức chính quy",
        "en": "operator 'matches' needs a regular expression string"},
    "error.condition.regex": {
        "vi": "biểu thức chính quy {value} không hợp lệ: {problem}",
        "en": "invalid regular expression {value}: {problem}"},
    "error.condition.not_mapping": {
        "vi": "điều kiện phải là một bảng (mapping), nhưng nhận được {kind}",
        "en": "a condition must be a mapping, got {kind}"},
    "error.condition.not_mapping.hint": {
        "vi": "hãy dùng {fact: ..., op: ..., value: ...} hoặc all/any/not",
        "en": "use {fact: ..., op: ..., value: ...} or all/any/not"},
    "error.condition.alone": {
        "vi": "'{key}' phải đứng một mình trong bảng của nó, nhưng có các khoá {keys}",
        "en": "'{key}' must stand alone in its mapping, found keys {keys}"},
    "error.condition.alone.hint": {
        "vi": "hãy lồng các khoá kia vào bên trong nó",
        "en": "nest the other keys inside it"},
    "error.condition.empty_list": {
        "vi": "'{key}' cần một danh sách điều kiện không rỗng",
        "en": "'{key}' needs a non-empty list of conditions"},
    "error.condition.unknown_keys": {
        "vi": "điều kiện có khoá không xác định {keys}",
        "en": "unknown key(s) {keys} in condition"},
    "error.condition.unknown_keys.hint": {
        "vi": "một điều kiện lá chỉ có fact, op và value",
        "en": "a leaf has only fact, op and value"},
    "error.condition.leaf": {
        "vi": "một điều kiện lá cần 'fact' và 'op'",
        "en": "a leaf condition needs 'fact' and 'op'"},
    "error.condition.unknown_op": {
        "vi": "không có toán tử {op}",
        "en": "unknown operator {op}"},
    "error.checklist.unknown_parameter": {
        "vi": "không có tham số '{name}'",
        "en": "unknown parameter '{name}'"},
    "error.checklist.unknown_text_parameter": {
        "vi": "văn bản dùng tham số không có '{name}'",
        "en": "unknown parameter '{name}' in text"},
    "error.checklist.declare_parameter": {
        "vi": "hãy khai báo nó trong 'parameters'",
        "en": "declare it under 'parameters'"},
    "error.checklist.fact_probe": {
        "vi": "tên dữ kiện bắt đầu bằng tên một phép đo: {probes}",
        "en": "facts start with a probe name: {probes}"},
    "error.checklist.see_facts": {
        "vi": "xem 'l3audit probe facts {probe}'",
        "en": "see 'l3audit probe facts {probe}'"},
    "error.checklist.unknown_fact": {
        "vi": "không có dữ kiện '{fact}'",
        "en": "unknown fact '{fact}'"},
    "error.checklist.op_number": {
        "vi": "toán tử '{op}' cần một số, nhưng dữ kiện '{fact}' có kiểu {type}",
        "en": "operator '{op}' needs a number, but fact '{fact}' is {type}"},
    "error.checklist.op_number.hint": {
        "vi": "hãy dùng eq/ne cho giá trị đúng/sai và văn bản",
        "en": "use eq/ne for booleans and text"},
    "error.checklist.op_list": {
        "vi": "toán tử '{op}' cần một danh sách hoặc văn bản, nhưng dữ kiện '{fact}' có kiểu {type}",
        "en": "operator '{op}' needs a list or text, but fact '{fact}' is {type}"},
    "error.checklist.duplicate_check": {
        "vi": "mã phép kiểm tra '{id}' bị trùng",
        "en": "duplicate check id '{id}'"},
    "error.checklist.automated_supporting": {
        "vi": "một yêu cầu tự động có phép kiểm tra hỗ trợ",
        "en": "an automated requirement has a supporting check"},
    "error.checklist.automated_supporting.hint": {
        "vi": "tín hiệu hỗ trợ không bao giờ quyết định một dòng: hãy đặt assessment là 'both', hoặc bỏ 'supporting'",
        "en": "a supporting signal never decides a row: set assessment to 'both', or drop 'supporting'"},
    "error.checklist.manual_checks": {
        "vi": "một yêu cầu thủ công có phép kiểm tra tự động",
        "en": "a manual requirement has automated checks"},
    "error.checklist.manual_checks.hint": {
        "vi": "hãy đặt assessment là 'both' hoặc 'automated', hoặc bỏ các phép kiểm tra",
        "en": "set assessment to 'both' or 'automated', or remove the checks"},
    "error.checklist.no_checks": {
        "vi": "assessment là '{assessment}' nhưng không có phép kiểm tra nào",
        "en": "assessment is '{assessment}' but there are no checks"},
    "error.checklist.no_checks.hint": {
        "vi": "hãy thêm phép kiểm tra, hoặc đặt assessment là 'manual'",
        "en": "add checks, or set assessment to 'manual'"},
    "error.checklist.param_number": {
        "vi": "tham số '{name}' phải là một số, nhưng nhận được {value}",
        "en": "parameter '{name}' must be a number, got {value}"},
    "error.checklist.param_below": {
        "vi": "tham số '{name}' = {value} nhỏ hơn mức tối thiểu {min}",
        "en": "parameter '{name}' = {value} is below its minimum {min}"},
    "error.checklist.param_above": {
        "vi": "tham số '{name}' = {value} lớn hơn mức tối đa {max}",
        "en": "parameter '{name}' = {value} is above its maximum {max}"},
    "error.checklist.cycle": {
        "vi": "'extends' tạo thành vòng lặp: {chain}",
        "en": "'extends' makes a cycle: {chain}"},
    "error.checklist.bad_exclude": {
        "vi": "loại trừ '{id}', nhưng '{parent}' không định nghĩa yêu cầu này",
        "en": "excludes '{id}', which '{parent}' does not define"},
    "error.checklist.bad_exclude.hint": {
        "vi": "hãy kiểm tra mã, hoặc bỏ mục loại trừ",
        "en": "check the id, or remove the exclusion"},
    "error.checklist.duplicate_requirement": {
        "vi": "mã yêu cầu '{id}' bị trùng",
        "en": "duplicate requirement id '{id}'"},
    "error.checklist.duplicate_requirement.hint": {
        "vi": "mỗi mã phải là duy nhất trong một bộ tiêu chí",
        "en": "every id must be unique in a checklist"},
    "error.checklist.unknown_group": {
        "vi": "không có nhóm '{group}'",
        "en": "unknown group '{group}'"},
    "error.checklist.declare_group": {
        "vi": "hãy khai báo nó trong 'groups'",
        "en": "declare it under 'groups'"},
    "lint.severity.error": {
        "vi": "lỗi",
        "en": "error"},
    "lint.severity.warning": {
        "vi": "cảnh báo",
        "en": "warning"},
    "lint.ok": {
        "vi": "đạt: {ref}",
        "en": "ok: {ref}"},
    "lint.empty_language": {
        "vi": "{label}: thiếu một ngôn ngữ",
        "en": "{label}: a language is empty"},
    "lint.copied_english": {
        "vi": "{label}: văn bản tiếng Việt là bản chép của tiếng Anh",
        "en": "{label}: Vietnamese text is a copy of the English"},
    "lint.no_diacritics": {
        "vi": "{label}: văn bản tiếng Việt không có dấu: {text}",
        "en": "{label}: Vietnamese text has no diacritics: {text}"},
    "lint.file_name": {
        "vi": "tên tệp '{stem}' khác mã '{id}'",
        "en": "file name '{stem}' differs from the id '{id}'"},
    "lint.extends_unresolved": {
        "vi": "không tìm thấy 'extends: {parent}'",
        "en": "'extends: {parent}' does not resolve"},
    "lint.extends_other_standard": {
        "vi": "kế thừa '{parent}' của một tiêu chuẩn khác ({standard})",
        "en": "extends '{parent}' of another standard ({standard})"},
    "lint.extends_level": {
        "vi": "kế thừa '{parent}' cấp độ {parent_level}, không thấp hơn cấp độ {level}",
        "en": "extends '{parent}' of level {parent_level}, not lower than {level}"},
    "lint.excluded_restated": {
        "vi": "một dòng vừa bị loại trừ vừa được viết lại",
        "en": "a row is both excluded and restated"},
    "lint.group_undeclared": {
        "vi": "nhóm '{group}' chưa được khai báo",
        "en": "group '{group}' is not declared"},
    "lint.parameter_unused": {
        "vi": "tham số '{name}' được khai báo nhưng không yêu cầu nào dùng",
        "en": "parameter '{name}' is declared but no requirement uses it"},
    "lint.manual_evidence": {
        "vi": "yêu cầu thủ công phải nêu bằng chứng mà người thẩm định yêu cầu",
        "en": "a manual requirement must name the evidence a reviewer asks for"},
    "lint.no_reference": {
        "vi": "không dẫn chiếu điều khoản nào",
        "en": "no clause reference"},
    "lint.label.title": {
        "vi": "tiêu đề",
        "en": "title"},
    "lint.label.group": {
        "vi": "nhóm {id}",
        "en": "group {id}"},
    "lint.label.description": {
        "vi": "mô tả",
        "en": "description"},
    "lint.label.remediation": {
        "vi": "cách khắc phục",
        "en": "remediation"},
    "lint.label.evidence": {
        "vi": "bằng chứng {number}",
        "en": "evidence {number}"},
    "lint.label.notes": {
        "vi": "ghi chú",
        "en": "notes"},
    "lint.label.reason": {
        "vi": "lý do",
        "en": "reason"},
    "lint.label.note": {
        "vi": "ghi chú",
        "en": "note"},
    "lint.item.exclusion": {
        "vi": "loại trừ {id}",
        "en": "exclusion {id}"},
    "lint.item.mapping": {
        "vi": "ánh xạ {id}",
        "en": "mapping {id}"},
    "condition.op.eq": {"vi": "bằng", "en": "equals"},
    "condition.op.ne": {"vi": "khác", "en": "differs from"},
    "condition.op.lt": {"vi": "nhỏ hơn", "en": "is less than"},
    "condition.op.lte": {"vi": "nhỏ hơn hoặc bằng", "en": "is at most"},
    "condition.op.gt": {"vi": "lớn hơn", "en": "is greater than"},
    "condition.op.gte": {"vi": "lớn hơn hoặc bằng", "en": "is at least"},
    "condition.op.in": {"vi": "là một trong", "en": "is one of"},
    "condition.op.not_in": {"vi": "không là một trong", "en": "is none of"},
    "condition.op.contains": {"vi": "chứa", "en": "contains"},
    "condition.op.not_contains": {"vi": "không chứa", "en": "does not contain"},
    "condition.op.contains_any": {"vi": "chứa ít nhất một trong", "en": "contains at least one of"},
    "condition.op.exists": {"vi": "có giá trị", "en": "is present"},
    "condition.op.absent": {"vi": "không có giá trị", "en": "is absent"},
    "condition.op.matches": {"vi": "khớp biểu thức chính quy", "en": "matches the regular expression"},
    "condition.all": {"vi": "tất cả các điều kiện sau đều đúng:", "en": "all of the following hold:"},
    "condition.any": {"vi": "ít nhất một điều kiện sau đúng:", "en": "at least one of the following holds:"},
    "condition.not": {"vi": "điều kiện sau không đúng:", "en": "the following does not hold:"},
    "checklist.show.group": {"vi": "Nhóm", "en": "Group"},
    "checklist.show.severity": {"vi": "Mức độ", "en": "Severity"},
    "checklist.show.assessment": {"vi": "Cách đánh giá", "en": "Assessed"},
    "checklist.show.mandatory": {"vi": "Tính bắt buộc", "en": "Mandatory"},
    "checklist.show.clauses": {"vi": "Điều khoản", "en": "Clauses"},
    "checklist.show.applies_if": {"vi": "Chỉ áp dụng khi", "en": "Applies only when"},
    "checklist.show.check": {"vi": "Phép kiểm tra", "en": "Check"},
    "checklist.show.supporting": {"vi": "Tín hiệu hỗ trợ (không quyết định kết quả)",
                                  "en": "Supporting signal (never decides the row)"},
    "checklist.show.evidence": {"vi": "Bằng chứng cần nộp", "en": "Evidence requested"},
    "checklist.show.remediation": {"vi": "Cách khắc phục", "en": "Remediation"},
    "checklist.show.crosswalk": {"vi": "Tương ứng trong {other}", "en": "Counterparts in {other}"},
    "checklist.show.no_counterpart": {"vi": "không có dòng tương ứng", "en": "no counterpart"},
    "crosswalk.relation.equivalent": {"vi": "tương đương (cùng bằng chứng đáp ứng cả hai)",
                                      "en": "equivalent (the same evidence meets both)"},
    "crosswalk.relation.partial": {"vi": "tương ứng một phần", "en": "partly corresponding"},
    "crosswalk.relation.none": {"vi": "không có dòng tương ứng", "en": "no counterpart"},
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
