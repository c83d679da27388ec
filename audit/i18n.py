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
    # help texts of the command line (audit.cli.clicklang resolves them when click formats help)
    "help.l3audit": {"vi": "Đánh giá các hệ thống có kết nối Internet của cơ quan báo chí theo yêu cầu cấp độ 3.",
        "en": "Audit press outlets' internet-facing systems against level-3 requirements."},
    "help.aggregate": {"vi": "Bảng tổng hợp toàn bộ cơ quan báo chí đã lưu: tỷ lệ tuân thủ so với mục tiêu quốc gia, bản đồ nhiệt, xu hướng.",
        "en": "Dashboard across outlets: compliance share against the national target, heatmap, trends."},
    "help.alerts": {"vi": "Cảnh báo từ các đợt đánh giá định kỳ: liệt kê, xác nhận đã biết.",
        "en": "Alerts from scheduled re-audits: list, acknowledge."},
    "help.alerts.ack": {"vi": "Xác nhận đã biết cảnh báo MÃ_CẢNH_BÁO: cảnh báo vẫn mở cho tới khi một kết quả cho thấy đã khắc phục, và không gửi thư lại.",
        "en": "Acknowledge alert ALERT_ID: it stays open until a result shows it fixed, and is not e-mailed again."},
    "help.alerts.list": {"vi": "Liệt kê cảnh báo, cũ nhất trước: các cảnh báo còn mở (đã xác nhận hay chưa), hoặc với --all cả các cảnh báo đã khắc phục.",
        "en": "List alerts, oldest first: open (acknowledged or not), or with --all fixed ones too."},
    "help.bundle": {"vi": "Gói kết quả có chữ ký số.",
        "en": "Signed result bundles."},
    "help.bundle.sign": {"vi": "Ký KẾT_QUẢ (một tệp kết quả JSON) thành một gói gửi Sở.",
        "en": "Sign RESULT (a result JSON file) into a bundle for the department."},
    "help.checklist": {"vi": "Làm việc với danh mục yêu cầu.",
        "en": "Work with checklists (requirement catalogues)."},
    "help.checklist.coverage": {"vi": "Theo từng danh mục và nhóm: số dòng tự động, tự động một phần (cả hai cách) và thủ công.\n\nTHAM_CHIẾU là mã hoặc tệp danh mục; không nêu thì hiện mọi danh mục đi kèm.",
        "en": "Per catalogue and group: rows automated, partly automated (both) and manual.\n\nREFS are checklist ids or files; without them every shipped catalogue is shown."},
    "help.checklist.crosswalk": {"vi": "Hiện bảng đối chiếu TCVN 11930 -> TCVN 14423, hoặc ý nghĩa của một TỆP_KẾT_QUẢ đã lưu theo tiêu chuẩn kia.\n\nVới một kết quả được xét theo một tiêu chuẩn, mỗi dòng của tiêu chuẩn kia được xếp loại: đạt nhờ cùng bằng chứng, không đạt, đạt một phần, có rủi ro, chưa quyết định, hoặc mới (không có dòng tương ứng).",
        "en": "Show the TCVN 11930 -> TCVN 14423 crosswalk, or what a stored RESULT_FILE means under the other standard.\n\nWith a result judged under one standard, every row of the other is classified: met by the same evidence, failed, partly met, at risk, undecided, or new (no counterpart)."},
    "help.checklist.lint": {"vi": "Kiểm tra tệp hoặc mã danh mục (mặc định: mọi danh mục đi kèm, và bảng đối chiếu).\n\nKiểm tra lược đồ, toán tử, dữ kiện, mã không trùng, cấp độ, đích đối chiếu và mọi văn bản có đủ hai ngôn ngữ. Thoát với mã 2 nếu có lỗi; cảnh báo được in ra nhưng không làm thất bại.",
        "en": "Lint checklist files or ids (default: every shipped one, and the crosswalk).\n\nChecks the schema, operators, facts, unique ids, levels, crosswalk targets and that every text has both languages. Exit 2 if any error is found; warnings are printed but do not fail."},
    "help.checklist.list": {"vi": "Liệt kê các danh mục đi kèm: mã, tiêu chuẩn, cấp độ, số yêu cầu.",
        "en": "List shipped checklists: id, standard, level, number of requirements."},
    "help.checklist.show": {"vi": "Hiện các yêu cầu của một danh mục: mã, cách đánh giá, mức nghiêm trọng, tiêu đề, điều khoản.",
        "en": "Show a checklist's requirements: id, assessment, severity, title, clauses."},
    "help.demo": {"vi": "Đánh giá ba cơ quan mẫu (cấu hình tốt, cấu hình kém, ngoại tuyến) trên địa chỉ loopback.\n\nThoát với mã 0 khi bản mẫu đã chạy; các phát hiện của từng cơ quan nằm trong báo cáo. Với --serve, cổng thông tin (`l3audit serve`) sau đó chạy trên các cơ quan này cho tới khi nhấn Ctrl-C.",
        "en": "Audit three demo outlets (well configured, badly configured, offline) on loopback.\n\nExits 0 when the demo ran; the outlets' own findings are in the reports. With --serve, the portal (`l3audit serve`) then runs on them until Ctrl-C."},
    "help.diff": {"vi": "So sánh hai đợt đánh giá: CŨ và MỚI là tệp kết quả, thư mục lần chạy, mã đợt hoặc @ngày.\n\nThoát với mã 1 khi có điểm xấu đi, ngược lại 0.",
        "en": "Compare two audits: OLD and NEW are result files, run folders, round ids or @dates.\n\nExit 1 when something regressed, else 0."},
    "help.export": {"vi": "Ghi kết quả đã lưu MÃ_KẾT_QUẢ (xem 'l3audit history CƠ_QUAN') thành tệp kết quả cho 'l3audit report'.",
        "en": "Write stored result RESULT_ID (see 'l3audit history OUTLET') as a result file for 'l3audit report'."},
    "help.history": {"vi": "Mọi lần đánh giá đã lưu của CƠ_QUAN, cũ nhất trước, kèm những gì thay đổi mỗi lần.\n\nVới --rounds: danh sách các đợt đã lưu.",
        "en": "Every stored audit of OUTLET, oldest first, with what changed each time.\n\nWith --rounds: the list of stored rounds."},
    "help.import": {"vi": "Kiểm tra chữ ký của các GÓI và lưu kết quả của chúng (nhập hai lần chỉ lưu một lần).\n\nKiểm tra chữ ký và người ký trước khi lưu. `--withdraw MÃ_BĂM --reason ...` đánh dấu một lần nhập sai là đã rút: vẫn giữ và ghi nhật ký, không còn tính trên bảng tổng hợp.",
        "en": "Verify signed BUNDLES and store their results (importing twice stores once).\n\nSignatures and signers are checked before anything is stored. `--withdraw DIGEST --reason ...` marks a wrong import withdrawn: kept and logged, no longer counted on the dashboard."},
    "help.jobs": {"vi": "Các lượt đánh giá trong hàng đợi: liệt kê, chạy lại, hủy.",
        "en": "Queued audits: list, retry, cancel."},
    "help.jobs.cancel": {"vi": "Hủy lượt đánh giá: ngay lập tức khi chưa chạy; lượt đang chạy dừng trước phép đo kế tiếp.",
        "en": "Cancel jobs: at once when not running yet; a running one stops before its next probe."},
    "help.jobs.list": {"vi": "Liệt kê các lượt đánh giá, đợt mới nhất trước.",
        "en": "List jobs, newest round first."},
    "help.jobs.retry": {"vi": "Đưa lại vào hàng đợi các lượt thất bại hoặc đã hủy (nhịp kế tiếp của một tiến trình xử lý sẽ gửi chúng).",
        "en": "Queue failed or cancelled jobs again (a worker's next tick sends them)."},
    "help.keys": {"vi": "Khóa ký số cho hồ sơ nộp (Ed25519).",
        "en": "Signing keys for submissions (Ed25519)."},
    "help.keys.generate": {"vi": "Tạo một cặp khóa; gửi TÊN.pub.yaml cho Sở, giữ bí mật TÊN.key.",
        "en": "Make a key pair; send NAME.pub.yaml to the department, keep NAME.key secret."},
    "help.outlets": {"vi": "Danh sách cơ quan báo chí của Sở: mọi cơ quan đều được tính trên bảng tổng hợp, dù có kết quả hay chưa.",
        "en": "The department's inventory of outlets: every one counts on the dashboard, results or not."},
    "help.outlets.import": {"vi": "Lưu DANH_SÁCH (tệp YAML của `l3audit run`) làm danh sách cơ quan của Sở, thay cho danh sách trước.",
        "en": "Store INVENTORY (the YAML of `l3audit run`) as the department's list of outlets, replacing the last one."},
    "help.outlets.list": {"vi": "Danh sách cơ quan đã lưu, kèm kết luận đã lưu gần nhất của mỗi cơ quan ('-' khi chưa có).",
        "en": "The stored inventory, with each outlet's latest stored verdict ('-' when it has none)."},
    "help.outlets.remove": {"vi": "Đưa MÃ_CƠ_QUAN ra khỏi danh sách (không còn tính trên bảng tổng hợp); các kết quả đã lưu vẫn giữ.",
        "en": "Take OUTLET_ID out of the inventory (it stops counting on the dashboard); its stored results stay."},
    "help.probe": {"vi": "Chạy một phép đo trên một đích và in những gì tìm thấy.",
        "en": "Run one probe on one target and print what it found."},
    "help.probe.run": {"vi": "Chạy phép đo '{name}' trên ĐÍCH (https://host[:port] hoặc host[:port]).",
        "en": "Run the '{name}' probe on TARGET (https://host[:port] or host[:port])."},
    "help.probe.facts": {"vi": "Liệt kê các dữ kiện mà một phép đo (hoặc mọi phép đo) khai báo, để viết danh mục.",
        "en": "List the facts a probe (or every probe) declares, for writing checklists."},
    "help.report": {"vi": "Dựng lại báo cáo từ một TỆP_KẾT_QUẢ đã lưu mà không quét lại.",
        "en": "Re-render a stored RESULT_FILE without scanning again."},
    "help.run": {"vi": "Đánh giá mọi cơ quan trong DANH_SÁCH, ghi từng kết quả ngay khi xong.\n\nMã thoát: 0 tất cả đạt, 1 có yêu cầu không đạt, 2 lỗi cách dùng hoặc dữ liệu vào, 3 chưa đầy đủ (có lỗi đo, không có không đạt).",
        "en": "Audit every outlet of INVENTORY, writing each result as soon as it is done.\n\nExit codes: 0 all pass, 1 a requirement failed, 2 usage or input error, 3 incomplete (errors, no fail)."},
    "help.scan": {"vi": "Đánh giá một trang: https://host[:port] hoặc host[:port] (mặc định HTTPS).\n\nMã thoát: 0 tất cả đạt, 1 có yêu cầu không đạt, 2 lỗi cách dùng hoặc dữ liệu vào, 3 chưa đầy đủ (có lỗi đo, không có không đạt).",
        "en": "Audit one site: https://host[:port] or host[:port] (HTTPS assumed).\n\nExit codes: 0 all pass, 1 a requirement failed, 2 usage or input error, 3 incomplete (errors, no fail)."},
    "help.schedule": {"vi": "Đánh giá lại theo lịch định kỳ: mỗi lần kích hoạt là một đợt gồm các lượt trong hàng đợi.",
        "en": "Re-audits on a schedule: each firing is a round of queued jobs."},
    "help.schedule.add": {"vi": "Thêm lịch TÊN: đánh giá các cơ quan được chọn trong DANH_SÁCH mỗi ngày, mỗi tuần hoặc mỗi tháng.",
        "en": "Add schedule NAME: audit the chosen outlets of INVENTORY every day, week or month."},
    "help.schedule.list": {"vi": "Liệt kê các lịch cùng lần kích hoạt kế tiếp.",
        "en": "List schedules with their next firing."},
    "help.schedule.remove": {"vi": "Xóa lịch TÊN (các đợt và kết quả của nó vẫn giữ).",
        "en": "Remove schedule NAME (its rounds and results are kept)."},
    "help.schedule.tick": {"vi": "Kích hoạt các lịch đến hạn và gửi các lượt đang chờ một lần (việc mỗi tiến trình xử lý làm sau mỗi --tick-seconds).",
        "en": "Fire due schedules and send pending jobs once (what each worker does every --tick-seconds)."},
    "help.self-assess": {"vi": "Tự đánh giá: bảng câu hỏi, câu trả lời (YAML, hỏi đáp trên màn hình, XLSX) và xét duyệt.",
        "en": "Self-assessment: questionnaire, answers (YAML, interactive, XLSX) and reviews."},
    "help.self-assess.check": {"vi": "Kiểm tra một tệp câu trả lời và bằng chứng của nó; thoát với mã 1 nếu có bằng chứng không còn khớp.",
        "en": "Validate an answers file and its evidence; exit 1 if some evidence no longer matches."},
    "help.self-assess.export-xlsx": {"vi": "Ghi bảng câu hỏi thành sổ tính XLSX có danh sách chọn.",
        "en": "Write the questionnaire as an XLSX workbook with dropdowns."},
    "help.self-assess.import-xlsx": {"vi": "Đọc một sổ tính đã điền thành một tệp câu trả lời YAML mới.",
        "en": "Read a filled-in workbook into a new YAML answers file."},
    "help.self-assess.interactive": {"vi": "Trả lời từng câu hỏi trên màn hình dòng lệnh; dừng lúc nào cũng được và tiếp tục sau.",
        "en": "Answer question by question in the terminal; stop at any time and resume later."},
    "help.self-assess.questionnaire": {"vi": "Ghi một mẫu câu trả lời YAML có chú thích cho các câu hỏi thủ công của danh mục.",
        "en": "Write a commented YAML answers template for the checklist's manual questions."},
    "help.self-assess.review": {"vi": "Quyết định về các câu trả lời, ghi một tệp xét duyệt mới ký bằng khóa của người xét duyệt (tệp câu trả lời không bị sửa).",
        "en": "Decide on answers, writing a new reviews file signed with the reviewer's key (the answers file is not changed)."},
    "help.self-assess.seal": {"vi": "Ghi mã SHA-256 của các tệp bằng chứng (và thời điểm trả lời) vào một tệp câu trả lời mới.",
        "en": "Record the SHA-256 of evidence files (and the answer time) into a new answers file."},
    "help.serve": {"vi": "Chạy cổng thông tin cho cơ quan báo chí, cán bộ và Sở (gunicorn; HTTPS với --tls-cert).",
        "en": "Serve the portal for outlets, officers and the department (gunicorn; HTTPS with --tls-cert)."},
    "help.users": {"vi": "Tài khoản của cổng thông tin ('l3audit serve'): quản trị viên, cán bộ và thành viên cơ quan.",
        "en": "Accounts of the portal ('l3audit serve'): admins, officers and outlet members."},
    "help.users.add": {"vi": "Thêm TÊN_ĐĂNG_NHẬP với một mật khẩu (băm Argon2id; ít nhất 12 ký tự).",
        "en": "Add USERNAME with a password (Argon2id hash; at least 12 characters)."},
    "help.users.disable": {"vi": "Vô hiệu hóa TÊN_ĐĂNG_NHẬP: tài khoản không đăng nhập được, và các phiên đang mở kết thúc ở yêu cầu kế tiếp.",
        "en": "Disable USERNAME: it cannot log in, and its open sessions end at their next request."},
    "help.users.list": {"vi": "Mọi tài khoản: tên, vai trò, cơ quan, TOTP, trạng thái.",
        "en": "Every account: name, role, outlet, TOTP, state."},
    "help.users.passwd": {"vi": "Đặt mật khẩu mới cho TÊN_ĐĂNG_NHẬP.",
        "en": "Give USERNAME a new password."},
    "help.worker": {"vi": "Chạy các lượt đánh giá trong hàng đợi và kích hoạt các lịch đến hạn, cho tới khi bị dừng (SIGTERM hoặc Ctrl-C).",
        "en": "Run queued audits and fire due schedules, until stopped (SIGTERM or Ctrl-C)."},
    "help.option.db": {"vi": "Cơ sở dữ liệu kết quả: một tệp SQLite hoặc một URL postgresql:// (biến môi trường L3AUDIT_DB).",
        "en": "Results database: a SQLite file or a postgresql:// URL (env L3AUDIT_DB)."},
    "help.aggregate.output": {"vi": "Tệp cần ghi (dashboard.html, .xlsx, .csv hoặc .json).",
        "en": "File to write (dashboard.html, .xlsx, .csv or .json)."},
    "help.aggregate.fmt": {"vi": "Định dạng đầu ra (mặc định: theo phần mở rộng của tệp; phần mở rộng không phải định dạng nào thì bị từ chối).",
        "en": "Output format (default: from the file extension; a suffix that is no format is refused)."},
    "help.aggregate.since": {"vi": "Chỉ các lần đánh giá xong từ ngày này trở đi (YYYY-MM-DD hoặc dd/mm/yyyy, theo L3AUDIT_TZ, mặc định Asia/Ho_Chi_Minh).",
        "en": "Only audits finished on or after this day (YYYY-MM-DD or dd/mm/yyyy, in L3AUDIT_TZ, default Asia/Ho_Chi_Minh)."},
    "help.aggregate.until": {"vi": "Chỉ các lần đánh giá xong đến hết ngày này (YYYY-MM-DD hoặc dd/mm/yyyy).",
        "en": "Only audits finished on or before this day (YYYY-MM-DD or dd/mm/yyyy)."},
    "help.aggregate.tags": {"vi": "Chỉ các cơ quan có nhãn này (lặp lại được: có một trong các nhãn).",
        "en": "Only outlets with this tag (repeatable: any of them)."},
    "help.aggregate.checklist": {"vi": "Chỉ danh mục có mã này.",
        "en": "Only this catalogue id."},
    "help.aggregate.waiver_days": {"vi": "Liệt kê các miễn trừ hết hạn trong số ngày này.",
        "en": "List waivers expiring within this many days."},
    "help.option.lang": {"vi": "Ngôn ngữ của báo cáo và thông báo.",
        "en": "Language of reports and messages."},
    "help.option.version": {"vi": "Hiện phiên bản rồi thoát.", "en": "Show the version and exit."},
    "help.option.lang.default": {"vi": "L3AUDIT_LANG, nếu không thì theo locale, nếu không thì vi",
        "en": "L3AUDIT_LANG, else the locale, else vi"},
    "help.alerts.ack.by": {"vi": "Người xác nhận (mặc định: tên đăng nhập).",
        "en": "Who acknowledges (default: the login name)."},
    "help.alerts.ack.note": {"vi": "Lý do, hoặc việc đang làm để xử lý.",
        "en": "Why, or what is being done about it."},
    "help.alerts.list.outlet_id": {"vi": "Chỉ cảnh báo của cơ quan này.",
        "en": "Only this outlet's alerts."},
    "help.alerts.list.only_open": {"vi": "Chỉ cảnh báo còn mở (mặc định), hoặc cả cảnh báo đã khắc phục.",
        "en": "Open alerts only (default), or fixed ones too."},
    "help.option.as_json": {"vi": "In ra JSON.",
        "en": "Print JSON."},
    "help.bundle.sign.key": {"vi": "Khóa bí mật tạo bởi 'l3audit keys generate'.",
        "en": "Private key from 'l3audit keys generate'."},
    "help.bundle.sign.output": {"vi": "Tệp gói cần ghi.",
        "en": "Bundle file to write."},
    "help.bundle.sign.answers": {"vi": "Tệp câu trả lời tự đánh giá đưa vào gói.",
        "en": "Self-assessment answers file to include."},
    "help.bundle.sign.evidence": {"vi": "Tệp bằng chứng có mã sha256 được đưa vào gói (lặp lại được).",
        "en": "Evidence file whose sha256 is included (repeatable)."},
    "help.bundle.sign.signer_name": {"vi": "Tên người ký hiển thị (mặc định: tên tệp khóa).",
        "en": "Name shown for the signer (default: the key file name)."},
    "help.checklist.coverage.tailoring_file": {"vi": "Áp dụng một tệp điều chỉnh trước (danh mục của nó là danh mục được hiện).",
        "en": "Apply a tailoring file first (its catalogue is then the one shown)."},
    "help.option.fmt": {"vi": "Định dạng đầu ra.",
        "en": "Output format."},
    "help.checklist.crosswalk.target_ref": {"vi": "Danh mục của tiêu chuẩn kia cần chuyển sang (mặc định: phía còn lại của bảng đối chiếu).",
        "en": "Catalogue of the other standard to translate to (default: the other side of the crosswalk)."},
    "help.checklist.crosswalk.crosswalk_file": {"vi": "Tệp đối chiếu (mặc định: checklists/crosswalk.yaml đi kèm).",
        "en": "Crosswalk file (default: the shipped checklists/crosswalk.yaml)."},
    "help.demo.out_dir": {"vi": "Thư mục chứa kết quả và báo cáo của bản mẫu.",
        "en": "Folder for the demo's results and reports."},
    "help.option.checklist_ref": {"vi": "Mã danh mục (xem 'l3audit checklist list') hoặc tệp YAML.",
        "en": "Checklist id (see 'l3audit checklist list') or YAML file."},
    "help.option.use_nmap": {"vi": "Dùng nmap để quét cổng khi đã cài (nếu không thì dùng bộ quét kết nối có sẵn).",
        "en": "Use nmap for port scans when installed (else a built-in connect scan)."},
    "help.option.auditor": {"vi": "Người thực hiện đánh giá (cán bộ hoặc đơn vị), hiện trên báo cáo.",
        "en": "Who runs the audit (officer or unit), shown on reports."},
    "help.demo.pdf": {"vi": "In thêm báo cáo PDF bằng Chromium không giao diện (bỏ qua, kèm ghi chú, khi không có).",
        "en": "Also print PDF reports with headless Chromium (skipped, with a note, without it)."},
    "help.demo.serve": {"vi": "Sau đó chạy cổng thông tin trên kết quả của bản mẫu, in tài khoản mẫu một lần (Ctrl-C để dừng).",
        "en": "Then serve the portal on the demo's results, with demo accounts printed once (Ctrl-C stops it)."},
    "help.demo.bind": {"vi": "Với --serve: MÁY:CỔNG loopback.",
        "en": "With --serve: loopback HOST:PORT."},
    "help.diff.db": {"vi": "Cơ sở dữ liệu cho mã đợt (7, round:7) và ngày (@2026-11-01); cho ngày phát hiện đầu tiên từ lịch sử (mặc định: $L3AUDIT_DB, nếu không thì ./l3audit.db khi có).",
        "en": "Database for round ids (7, round:7) and dates (@2026-11-01); gives first-seen dates from history (default: $L3AUDIT_DB, else ./l3audit.db when it exists)."},
    "help.diff.as_json": {"vi": "In ra JSON thay cho bảng.",
        "en": "Print JSON instead of tables."},
    "help.export.output": {"vi": "Tệp kết quả cần ghi (JSON, cho 'l3audit report'); một tệp thường đã có sẽ bị thay.",
        "en": "Result file to write (JSON, for 'l3audit report'); an existing regular file is replaced."},
    "help.history.list_rounds": {"vi": "Liệt kê các đợt đã lưu (mã dùng cho 'l3audit diff') thay vào đó.",
        "en": "List the stored rounds (ids for 'l3audit diff') instead."},
    "help.history.as_json": {"vi": "In ra JSON thay cho bảng.",
        "en": "Print JSON instead of a table."},
    "help.import.trusted": {"vi": "Tệp YAML các khóa công khai Sở chấp nhận, kèm các cơ quan mà mỗi khóa được nộp hồ sơ thay.",
        "en": "YAML file of public keys the department accepts, with the outlets each may submit for."},
    "help.import.inventory": {"vi": "Từ chối kết quả của các cơ quan không có trong danh sách này.",
        "en": "Refuse results for outlets not in this inventory."},
    "help.import.round_label": {"vi": "Nhãn đợt để xếp các lần nhập (mặc định: 'import NGÀY').",
        "en": "Round label to file imports under (default: 'import DATE')."},
    "help.import.checklist_ref": {"vi": "Danh mục (mã hoặc tệp) đã dùng để xét kết quả, để xét lại khi danh mục đó không đi kèm.",
        "en": "Catalogue (id or file) the results were judged against, to re-judge them when it is not shipped."},
    "help.import.withdraw_digest": {"vi": "Rút một lần nhập sai (mã sha256 của gói như lệnh import đã in, hoặc mã băm của kết quả).",
        "en": "Withdraw a wrong import (the bundle's sha256 as import printed it, or a result digest)."},
    "help.import.reason": {"vi": "Lý do rút lần nhập (bắt buộc với --withdraw; được ghi nhật ký).",
        "en": "Why the import is withdrawn (required with --withdraw; logged)."},
    "help.jobs.list.round_id": {"vi": "Chỉ đợt này.",
        "en": "Only this round."},
    "help.keys.generate.name": {"vi": "Tên khóa: các tệp TÊN.key và TÊN.pub.yaml.",
        "en": "Key name: files NAME.key and NAME.pub.yaml."},
    "help.keys.generate.outlets": {"vi": "Mã cơ quan mà khóa này nộp hồ sơ thay (lặp lại được; không nêu: mọi cơ quan).",
        "en": "Outlet id this key submits for (repeatable; none: any)."},
    "help.keys.generate.role": {"vi": "Khóa ký gì: gói của cơ quan, quyết định xét duyệt (self-assess review), gói của Sở.",
        "en": "What the key signs: outlet bundles, reviewer decisions (self-assess review), department bundles."},
    "help.probe.run.as_json": {"vi": "In lần đo dưới dạng JSON.",
        "en": "Print the attempt as JSON."},
    "help.option.resolves": {"vi": "Kết nối tới ĐỊA_CHỈ cho MÁY (như curl).",
        "en": "Connect to ADDRESS for HOST (like curl)."},
    "help.option.http_port": {"vi": "Cổng HTTP thường (mặc định 80).",
        "en": "Plain-HTTP port (default 80)."},
    "help.option.domains": {"vi": "Một tên miền đăng ký của cơ quan: chuyển hướng được theo, và --resolve được chấp nhận, cho các tên thuộc nó (mặc định: tên miền đăng ký của chính đích); lặp lại được.",
        "en": "A registrable domain of the outlet: redirects are followed, and --resolve accepted, for names within it (default: the target's own registrable domain); repeatable."},
    "help.option.ca_file": {"vi": "Tin các chứng thư CA này (PEM) thay cho kho của hệ thống.",
        "en": "Trust these CA certificates (PEM) instead of the system store."},
    "help.option.timeout_seconds": {"vi": "Số giây cho phép với mỗi thao tác mạng.",
        "en": "Seconds allowed for each network operation."},
    "help.option.resolver": {"vi": "Hỏi máy chủ DNS này (phép đo dns và mail) thay cho bộ phân giải của hệ thống.",
        "en": "Ask this DNS server (dns and mail probes) instead of the system resolver."},
    "help.option.trust_anchor": {"vi": "Mỏ neo tin cậy DNSSEC (dòng DS hoặc DNSKEY) cho phép đo dns, thay cho mỏ neo của gốc; thiết lập dnssec_trust_anchors của cơ quan vẫn được ưu tiên.",
        "en": "DNSSEC trust anchors (DS or DNSKEY lines) for the dns probe, instead of the root's; an outlet's dnssec_trust_anchors setting still wins."},
    "help.option.mozilla": {"vi": "Hướng dẫn TLS phía máy chủ của Mozilla mà phép đo tls kiểm tra (mặc định 6.0); thiết lập mozilla_guidelines của cơ quan vẫn được ưu tiên.",
        "en": "Mozilla server-side TLS guidelines the tls probe checks (default 6.0); an outlet's mozilla_guidelines setting still wins."},
    "help.report.fmt": {"vi": "Định dạng báo cáo (oscal: JSON kết quả đánh giá OSCAL).",
        "en": "Report format (oscal: OSCAL assessment-results JSON)."},
    "help.report.out_file": {"vi": "Ghi vào đây (mặc định: đầu ra chuẩn; bắt buộc với pdf).",
        "en": "Write here (default: standard output; required for pdf)."},
    "help.report.checklist_ref": {"vi": "Mã danh mục hoặc tệp YAML cho các văn bản (mặc định: danh mục nêu trong kết quả).",
        "en": "Catalogue id or YAML file for the texts (default: the one named in the result)."},
    "help.run.out_dir": {"vi": "Thư mục chứa một tệp JSON và một báo cáo HTML cho mỗi cơ quan, cùng summary.json.",
        "en": "Folder for one JSON and one HTML report per outlet, plus summary.json."},
    "help.option.tailoring_file": {"vi": "Một tệp điều chỉnh (danh mục, tham số, các dòng không áp dụng); thay cho --checklist.",
        "en": "A tailoring file (catalogue, parameters, rows not applicable); overrides --checklist."},
    "help.run.concurrency": {"vi": "Số cơ quan đánh giá cùng lúc (mỗi cơ quan là một máy riêng; --per-host giữ tải trên từng máy ở mức thấp).",
        "en": "Outlets audited at once (each outlet is its own host; --per-host keeps each one's load low)."},
    "help.run.per_host": {"vi": "Số phép đo cùng lúc nhắm vào một máy (để lịch sự với máy đó).",
        "en": "Probes at once against one host (politeness)."},
    "help.run.resume": {"vi": "Bỏ qua các cơ quan đã có kết quả cho danh mục này trong --out.",
        "en": "Skip outlets whose result for this checklist is already in --out."},
    "help.run.db": {"vi": "Lưu thêm mỗi kết quả vào cơ sở dữ liệu này (tệp SQLite hoặc URL postgresql://); với --resume, tiếp tục đợt bị gián đoạn của nó.",
        "en": "Also store each result in this database (SQLite file or postgresql:// URL); with --resume, continue its interrupted round."},
    "help.option.answers_files": {"vi": "Câu trả lời tự đánh giá (YAML), mỗi cơ quan một tệp; được kiểm tra trước khi quét.",
        "en": "Self-assessment answers (YAML), one file per outlet; checked before scanning."},
    "help.option.waivers_file": {"vi": "Các miễn trừ (YAML) áp dụng cho kết quả; được kiểm tra trước khi quét.",
        "en": "Waivers (YAML) applied to the results; checked before scanning."},
    "help.option.reviews_files": {"vi": "Quyết định của người xét duyệt (ký bằng 'self-assess review'), mỗi tệp câu trả lời một tệp.",
        "en": "Reviewer decisions (signed by 'self-assess review'), one file per answers file."},
    "help.option.trusted_keys": {"vi": "Tệp khóa tin cậy dùng để kiểm tra chữ ký của các quyết định xét duyệt (vai trò: reviewer).",
        "en": "Trusted-keys file the reviews' signatures are checked against (role: reviewer)."},
    "help.scan.json_file": {"vi": "Ghi kết quả JSON vào đây.",
        "en": "Write the result JSON here."},
    "help.scan.html_file": {"vi": "Ghi báo cáo HTML vào đây.",
        "en": "Write the HTML report here."},
    "help.scan.resolves": {"vi": "Đánh giá MÁY tại ĐỊA_CHỈ thay vì phân giải tên (như curl); lặp lại được.",
        "en": "Audit HOST at ADDRESS instead of resolving it (like curl); repeatable."},
    "help.scan.http_port": {"vi": "Cổng của phía HTTP thường của trang (mặc định 80).",
        "en": "Port of the site's plain-HTTP side (default 80)."},
    "help.scan.outlet_opt": {"vi": "Cơ quan sở hữu trang này (mặc định: theo tên máy); câu trả lời và miễn trừ phải là của cơ quan đó.",
        "en": "The outlet this site belongs to (default: from the host name); answers and waivers must be its."},
    "help.schedule.add.inventory": {"vi": "Danh sách cơ quan, được đọc lại mỗi lần kích hoạt.",
        "en": "The inventory, read again at each firing."},
    "help.schedule.add.every": {"vi": "Bao lâu một lần.",
        "en": "How often."},
    "help.schedule.add.outlets": {"vi": "all, tag:TÊN, hoặc các mã cơ quan (lặp lại hoặc ngăn cách bằng dấu phẩy).",
        "en": "all, tag:NAME, or outlet ids (repeat or separate with commas)."},
    "help.schedule.add.checklist_ref": {"vi": "Mã hoặc tệp danh mục.",
        "en": "Checklist id or file."},
    "help.schedule.add.first_at": {"vi": "Lần kích hoạt đầu tiên, ISO 8601 (mặc định: ngay bây giờ).",
        "en": "First firing, ISO 8601 (default: now)."},
    "help.schedule.add.per_host": {"vi": "Số phép đo cùng lúc nhắm vào một máy.",
        "en": "Probes at once against one host."},
    "help.option.redis_url": {"vi": "Redis của hàng đợi (biến môi trường L3AUDIT_REDIS); mọi tiến trình xử lý và mọi máy dùng chung một Redis.",
        "en": "The queue's Redis (env L3AUDIT_REDIS); every worker and machine uses the same one."},
    "help.schedule.tick.now": {"vi": "Kích hoạt như thể bây giờ là thời điểm này (ISO 8601); mặc định: bây giờ.",
        "en": "Fire as if it were this time (ISO 8601); default: now."},
    "help.option.alerts_file": {"vi": "Tệp cảnh báo (thư điện tử, webhook, bản tóm tắt, giới hạn tần suất); xem docs/scheduling.md.",
        "en": "Alerts file (e-mail, webhook, digest, rate limit); see docs/scheduling.md."},
    "help.self-assess.check.tailoring_file": {"vi": "Tệp điều chỉnh: danh mục, tham số và các dòng không áp dụng của nó được dùng.",
        "en": "Tailoring file: its catalogue, parameters and not-applicable rows are used."},
    "help.option.outlet": {"vi": "Mã cơ quan (như trong danh sách cơ quan) mà các câu trả lời thuộc về.",
        "en": "Outlet id (as in the inventory) the answers are for."},
    "help.self-assess.export-xlsx.answers_file": {"vi": "Điền sẵn sổ tính bằng các câu trả lời này.",
        "en": "Fill the workbook with these answers."},
    "help.option.output": {"vi": "Tệp mới cần ghi (không bao giờ ghi đè một tệp đã có).",
        "en": "New file to write (an existing file is never overwritten)."},
    "help.self-assess.interactive.path": {"vi": "Tệp câu trả lời cần tạo hoặc tiếp tục; được lưu sau mỗi câu trả lời.",
        "en": "Answers file to create or resume; saved after every answer."},
    "help.self-assess.interactive.answered_by": {"vi": "Người trả lời (mặc định: tên ở câu trả lời cuối trong tệp, nếu không thì hỏi một lần).",
        "en": "Who answers (default: the name on the file's last answer, else asked once)."},
    "help.self-assess.review.requirement_ids": {"vi": "Mã yêu cầu mà quyết định nói tới (lặp lại được: cùng một quyết định cho từng mã).",
        "en": "Requirement id the decision is about (repeatable: the same decision for each)."},
    "help.self-assess.review.reason": {"vi": "Lý do (bắt buộc khi từ chối).",
        "en": "Why (required when rejected)."},
    "help.self-assess.review.reviewer": {"vi": "Người quyết định.",
        "en": "Who decides."},
    "help.self-assess.review.key_file": {"vi": "Khóa bí mật của người xét duyệt ('l3audit keys generate --role reviewer').",
        "en": "The reviewer's private key ('l3audit keys generate --role reviewer')."},
    "help.self-assess.review.previous": {"vi": "Một tệp xét duyệt trước đó của các câu trả lời này, ký bằng cùng khóa: các quyết định của nó được giữ.",
        "en": "An earlier reviews file of these answers, signed with the same key: its decisions are kept."},
    "help.serve.bind": {"vi": "MÁY:CỔNG để lắng nghe.",
        "en": "HOST:PORT to listen on."},
    "help.serve.tls_cert": {"vi": "Phục vụ HTTPS với chứng thư này (PEM).",
        "en": "Serve HTTPS with this certificate (PEM)."},
    "help.serve.tls_key": {"vi": "Khóa bí mật của chứng thư (PEM).",
        "en": "The certificate's private key (PEM)."},
    "help.serve.checklist_ref": {"vi": "Danh mục đang có hiệu lực: các câu hỏi của nó là bảng câu hỏi của các cơ quan.",
        "en": "The catalogue in force: its questions are the outlets' questionnaire."},
    "help.serve.workers": {"vi": "Số tiến trình xử lý của gunicorn.",
        "en": "gunicorn worker processes."},
    "help.serve.data_dir": {"vi": "Thư mục chứa tệp bằng chứng, hồ sơ nộp đã ký và khóa của máy chủ (mặc định: cạnh tệp SQLite; bắt buộc với PostgreSQL).",
        "en": "Folder for evidence files, signed submissions and the server's key (default: next to the SQLite file; required with PostgreSQL)."},
    "help.serve.signing_key": {"vi": "Khóa Ed25519 (tạo bởi 'l3audit keys generate') dùng để ký hồ sơ nộp (mặc định: một khóa được tạo một lần trong thư mục dữ liệu).",
        "en": "Ed25519 key (from 'l3audit keys generate') that signs submissions (default: one made once in the data folder)."},
    "help.serve.evidence_max_mb": {"vi": "Dung lượng tối đa của một tệp bằng chứng mà cơ quan được tải lên, tính bằng MiB.",
        "en": "Largest evidence file an outlet may upload, in MiB."},
    "help.serve.redis_url": {"vi": "Gửi các lần quét do cán bộ khởi chạy tới hàng đợi này (redis://...; `l3audit worker` chạy chúng). Không có thì chúng chạy ngay trong tiến trình của cổng thông tin.",
        "en": "Send scans launched by officers to this task queue (redis://...; `l3audit worker` runs them). Without it they run in the portal's own process."},
    "help.users.add.role": {"vi": "admin (quản trị viên), officer (cán bộ), hoặc outlet (thành viên của một cơ quan).",
        "en": "admin, officer, or outlet (a member of one outlet)."},
    "help.users.add.outlet_id": {"vi": "Mã cơ quan của một thành viên cơ quan.",
        "en": "The outlet id of an outlet member."},
    "help.users.add.totp": {"vi": "Hỏi mã TOTP khi đăng nhập (cán bộ và quản trị viên); in ra khóa bí mật.",
        "en": "Ask for a TOTP code at login (officers and admins); prints the secret."},
    "help.option.password_stdin": {"vi": "Đọc mật khẩu từ dòng đầu tiên của đầu vào chuẩn.",
        "en": "Read the password from the first line of stdin."},
    "help.users.disable.enable": {"vi": "Thay vào đó, bật lại tài khoản.",
        "en": "Enable the account again instead."},
    "help.worker.processes": {"vi": "Số tiến trình xử lý trên máy này.",
        "en": "Worker processes on this machine."},
    "help.worker.threads": {"vi": "Số lượt chạy cùng lúc trong mỗi tiến trình (mỗi lượt đánh giá một cơ quan).",
        "en": "Jobs at once in each process (each job audits one outlet)."},
    "help.worker.tick_seconds": {"vi": "Bao lâu một lần kích hoạt các lịch đến hạn và gửi các lượt đang chờ (0: không bao giờ, chỉ chạy lượt).",
        "en": "How often to fire due schedules and send pending jobs (0: never, only run jobs)."},
    "help.worker.heartbeat_seconds": {"vi": "Một tiến trình xử lý im lặng lâu như vậy bị coi là đã chết; các lượt của nó chuyển sang tiến trình khác.",
        "en": "A worker silent this long is taken for dead; its jobs go to another worker."},
    "help.worker.host_slot_seconds": {"vi": "Thời gian dài nhất một lượt giữ một máy (phần giữ của tiến trình đã chết kết thúc sau thời gian này).",
        "en": "Longest time one job holds a host (a dead worker's hold ends after this)."},
    # portal: every HTTP error page, and WTForms' validation messages (audit.portal.forms keeps %(min)d/%(max)d for WTForms)
    "portal.error.401": {"vi": "Bạn cần đăng nhập để xem trang này.", "en": "You need to log in to open this page."},
    "portal.error.415": {"vi": "Loại dữ liệu gửi lên không được chấp nhận.", "en": "That type of content is not accepted."},
    "portal.error.429": {"vi": "Có quá nhiều yêu cầu trong thời gian ngắn. Hãy chờ một lát rồi thử lại.",
                         "en": "Too many requests in a short time. Wait a moment and try again."},
    "portal.error.500": {"vi": "Máy chủ gặp lỗi khi xử lý yêu cầu. Hãy thử lại; nếu lỗi còn, báo cho quản trị viên.",
                         "en": "The server failed to handle the request. Try again; if it persists, tell the administrator."},
    "portal.error.503": {"vi": "Dịch vụ tạm thời không sẵn sàng. Hãy thử lại sau ít phút.",
                         "en": "The service is unavailable for now. Try again in a few minutes."},
    "portal.error.other": {"vi": "Không thực hiện được yêu cầu (mã lỗi HTTP {code}).",
                           "en": "The request could not be served (HTTP error {code})."},
    "portal.form.required": {"vi": "Phải điền mục này.", "en": "This field is required."},
    "portal.form.too_short": {"vi": "Phải có ít nhất %(min)d ký tự.", "en": "Field must be at least %(min)d characters long."},
    "portal.form.too_long": {"vi": "Không được dài quá %(max)d ký tự.", "en": "Field cannot be longer than %(max)d characters."},
    "portal.form.exact_length": {"vi": "Phải có đúng %(max)d ký tự.", "en": "Field must be exactly %(max)d characters long."},
    "portal.form.length_between": {"vi": "Phải dài từ %(min)d đến %(max)d ký tự.",
                                   "en": "Field must be between %(min)d and %(max)d characters long."},
    "portal.form.bad_choice": {"vi": "Lựa chọn không hợp lệ.", "en": "Not a valid choice."},
    "portal.form.bad_date": {"vi": "Ngày không hợp lệ.", "en": "Not a valid date value."},
    "portal.form.invalid": {"vi": "Giá trị không hợp lệ.", "en": "Invalid input."},
    # accounts (audit.portal.users): the same words for `l3audit users` and the admin page
    "error.user.short_password": {"vi": "mật khẩu có {length} ký tự, ít hơn {minimum} (gợi ý: dùng một cụm mật khẩu gồm nhiều từ)",
                                  "en": "the password has {length} characters, fewer than {minimum} (hint: use a passphrase of several words)"},
    "error.user.bad_name": {"vi": "tên đăng nhập {username}: chỉ dùng chữ, số và . _ @ -",
                            "en": "user name {username}: use letters, digits and . _ @ - only"},
    "error.user.bad_role": {"vi": "vai trò {role}: phải là một trong {roles}", "en": "role {role}: not one of {roles}"},
    "error.user.outlet_needed": {"vi": "thành viên cơ quan cần --outlet MÃ (ở trang quản trị: ô Cơ quan); quản trị viên và cán bộ thì không",
                                 "en": "an outlet member needs --outlet ID (on the admin page: the Outlet field); admins and officers take none"},
    "error.user.exists": {"vi": "tài khoản {username} đã có (gợi ý: 'l3audit users passwd' đổi mật khẩu)",
                          "en": "user {username} exists already (hint: 'l3audit users passwd' changes a password)"},
    "error.user.unknown": {"vi": "không có tài khoản {username} (gợi ý: 'l3audit users list')",
                           "en": "no user {username} (hint: 'l3audit users list')"},
    "error.user.totp_role": {"vi": "--totp chỉ dành cho cán bộ và quản trị viên", "en": "--totp is for officers and admins"},
    # metavars that are words (TARGET, FILE, [OPTIONS]), translated in usage lines and option lists
    "metavar.ADDR": {"vi": "ĐỊA_CHỈ", "en": "ADDR"},
    "metavar.ADDRESS": {"vi": "ĐỊA_CHỈ", "en": "ADDRESS"},
    "metavar.ALERT_ID": {"vi": "MÃ_CẢNH_BÁO", "en": "ALERT_ID"},
    "metavar.ANSWERS_FILE": {"vi": "TỆP_TRẢ_LỜI", "en": "ANSWERS_FILE"},
    "metavar.ARGS": {"vi": "ĐỐI_SỐ", "en": "ARGS"},
    "metavar.BOOLEAN": {"vi": "CÓ_KHÔNG", "en": "BOOLEAN"},
    "metavar.BUNDLES": {"vi": "GÓI", "en": "BUNDLES"},
    "metavar.COMMAND": {"vi": "LỆNH", "en": "COMMAND"},
    "metavar.DIGEST": {"vi": "MÃ_BĂM", "en": "DIGEST"},
    "metavar.DIRECTORY": {"vi": "THƯ_MỤC", "en": "DIRECTORY"},
    "metavar.DOMAIN": {"vi": "TÊN_MIỀN", "en": "DOMAIN"},
    "metavar.FILE": {"vi": "TỆP", "en": "FILE"},
    "metavar.FILES": {"vi": "TỆP", "en": "FILES"},
    "metavar.FLOAT_RANGE": {"vi": "SỐ_THỰC", "en": "FLOAT RANGE"},
    "metavar.HOST": {"vi": "MÁY", "en": "HOST"},
    "metavar.ID": {"vi": "MÃ", "en": "ID"},
    "metavar.INTEGER": {"vi": "SỐ_NGUYÊN", "en": "INTEGER"},
    "metavar.INTEGER_RANGE": {"vi": "SỐ_NGUYÊN", "en": "INTEGER RANGE"},
    "metavar.INVENTORY": {"vi": "DANH_SÁCH", "en": "INVENTORY"},
    "metavar.JOB_IDS": {"vi": "MÃ_LƯỢT", "en": "JOB_IDS"},
    "metavar.NAME": {"vi": "TÊN", "en": "NAME"},
    "metavar.NEW": {"vi": "MỚI", "en": "NEW"},
    "metavar.OLD": {"vi": "CŨ", "en": "OLD"},
    "metavar.OPTIONS": {"vi": "TÙY_CHỌN", "en": "OPTIONS"},
    "metavar.OUTLET": {"vi": "CƠ_QUAN", "en": "OUTLET"},
    "metavar.OUTLET_ID": {"vi": "MÃ_CƠ_QUAN", "en": "OUTLET_ID"},
    "metavar.PORT": {"vi": "CỔNG", "en": "PORT"},
    "metavar.REF": {"vi": "THAM_CHIẾU", "en": "REF"},
    "metavar.REFS": {"vi": "THAM_CHIẾU", "en": "REFS"},
    "metavar.RESULT": {"vi": "KẾT_QUẢ", "en": "RESULT"},
    "metavar.RESULT_FILE": {"vi": "TỆP_KẾT_QUẢ", "en": "RESULT_FILE"},
    "metavar.RESULT_ID": {"vi": "MÃ_KẾT_QUẢ", "en": "RESULT_ID"},
    "metavar.TARGET": {"vi": "ĐÍCH", "en": "TARGET"},
    "metavar.TEXT": {"vi": "VĂN_BẢN", "en": "TEXT"},
    "metavar.USERNAME": {"vi": "TÊN_ĐĂNG_NHẬP", "en": "USERNAME"},
    "metavar.WORKBOOK": {"vi": "SỔ_TÍNH", "en": "WORKBOOK"},
    "metavar.PATH": {"vi": "ĐƯỜNG_DẪN", "en": "PATH"},
    "metavar.FILENAME": {"vi": "TÊN_TỆP", "en": "FILENAME"},
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
