"""Every user-facing message exists in Vietnamese and English."""

from __future__ import annotations

import unicodedata

from audit.i18n import MESSAGES, t
from audit.models import Severity, Status


def test_every_message_has_both_languages() -> None:
    for key, entry in MESSAGES.items():
        assert set(entry) == {"vi", "en"}, key
        assert entry["vi"].strip() and entry["en"].strip(), key
        assert unicodedata.is_normalized("NFC", entry["vi"]), f"{key}: Vietnamese text must be NFC"


def test_every_status_and_severity_has_a_label() -> None:
    for status in Status:
        assert t(f"status.{status.value}", "vi") != f"status.{status.value}"
    for severity in Severity:
        assert t(f"severity.{severity.value}", "en") != f"severity.{severity.value}"


def test_vietnamese_uses_diacritics() -> None:
    assert t("status.fail", "vi") == "Không đạt"
    assert t("verdict.compliant", "vi") == "Đáp ứng cấp độ 3"
