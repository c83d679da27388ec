"""The message catalogue: every message in Vietnamese and English, compiled files up to date,
English fallback with a warning at run time, the language default."""

from __future__ import annotations

import logging
import shutil
import unicodedata
from pathlib import Path

import pytest

from audit import i18n
from audit.i18n import LANGS, default_lang, t
from audit.messages import build
from audit.models import Severity, Status


def test_catalogue_is_complete_and_compiled() -> None:
    # Given the .po files; Then every key has both texts, every .mo matches its .po, and every
    # key the code names literally exists.
    assert build.problems() == []


def test_every_message_is_nfc_and_not_blank() -> None:
    for lang in LANGS:
        for message in build.read_catalogue(lang):
            if message.id:
                assert str(message.string).strip(), (lang, message.id)
                assert unicodedata.is_normalized("NFC", str(message.string)), (lang, message.id)


def test_no_pending_dict_entries_left_unmerged() -> None:
    # Entries added to audit.i18n.MESSAGES by a branch must lack neither language.
    for key, entry in i18n.MESSAGES.items():
        assert set(entry) == set(LANGS) and all(v.strip() for v in entry.values()), key


def test_check_finds_a_missing_translation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a copy of the catalogue where one Vietnamese text is emptied
    copy = tmp_path / "messages"
    shutil.copytree(i18n.LOCALE_DIR, copy)
    monkeypatch.setattr(build, "LOCALE_DIR", copy)
    catalogue = build.read_catalogue("vi")
    catalogue["status.fail"].string = ""
    build.write_catalogue("vi", catalogue)
    # Then check reports it, and also that the .mo is stale
    found = build.problems()
    assert "vi: status.fail: no translation" in found
    assert any("not compiled from the current .po" in line for line in found)


def test_missing_vietnamese_falls_back_to_english_with_a_warning(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    # Given a compiled catalogue without the Vietnamese text of status.fail
    copy = tmp_path / "messages"
    shutil.copytree(i18n.LOCALE_DIR, copy)
    monkeypatch.setattr(build, "LOCALE_DIR", copy)
    catalogue = build.read_catalogue("vi")
    del catalogue["status.fail"]
    build.write_catalogue("vi", catalogue)
    build.compile_all()
    monkeypatch.setattr(i18n, "LOCALE_DIR", copy)
    i18n.catalogue.cache_clear()
    i18n._warn_missing.cache_clear()
    logger = logging.getLogger("audit.i18n")
    handlers = logger.handlers[:]
    for handler in handlers:  # this test wants the warning the autouse fixture would fail on
        logger.removeHandler(handler)
    try:
        with caplog.at_level(logging.WARNING, logger="audit.i18n"):
            assert t("status.fail", "vi") == "Fail"
            assert t("status.pass", "vi") == "Đạt"
    finally:
        for handler in handlers:
            logger.addHandler(handler)
        i18n.catalogue.cache_clear()
        i18n._warn_missing.cache_clear()
    assert "status.fail" in caplog.text and "English" in caplog.text


def test_pending_entries_are_moved_into_the_po_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a copy of the catalogue and an i18n.py with an issue block in MESSAGES
    copy = tmp_path / "messages"
    shutil.copytree(i18n.LOCALE_DIR, copy)
    monkeypatch.setattr(build, "LOCALE_DIR", copy)
    source = tmp_path / "i18n.py"
    source.write_text('X = 1\nMESSAGES: dict[str, dict[str, str]] = {\n    # --- issue 99 ---\n'
                      '    "demo.word": {"vi": "Từ mẫu", "en": "Sample word"},\n}\n\n\ndef t(): ...\n',
                      encoding="utf-8")
    # When importing
    assert build.import_pending(source) == 1
    # Then the .po files have it, the dict is empty again, the rest of the file is kept
    assert build.read_catalogue("vi")["demo.word"].string == "Từ mẫu"
    assert build.read_catalogue("en")["demo.word"].string == "Sample word"
    assert build.pending_entries(source)[0] == {}
    assert source.read_text(encoding="utf-8").startswith("X = 1\n") and "def t(): ..." in source.read_text()
    assert not [p for p in build.problems() if "demo.word" in p or "compiled" in p]


def test_unknown_key_is_shown_as_itself() -> None:
    assert t("no.such.key", "vi") == "no.such.key"


def test_every_status_and_severity_has_a_label() -> None:
    for status in Status:
        assert t(f"status.{status.value}", "vi") != f"status.{status.value}"
    for severity in Severity:
        assert t(f"severity.{severity.value}", "en") != f"severity.{severity.value}"


def test_vietnamese_uses_diacritics() -> None:
    assert t("status.fail", "vi") == "Không đạt"
    assert t("verdict.compliant", "vi") == "Đáp ứng cấp độ 3"
    assert t("sa.saved", "en", path="a.yaml") == "Saved a.yaml"


@pytest.mark.parametrize(("environ", "expected"), [
    ({}, "vi"),
    ({"LANG": "C.UTF-8"}, "vi"),
    ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LC_ALL": "vi_VN.UTF-8", "LANG": "en_US.UTF-8"}, "vi"),
    ({"L3AUDIT_LANG": "en", "LANG": "vi_VN.UTF-8"}, "en"),
    ({"L3AUDIT_LANG": "fr", "LANG": "fr_FR.UTF-8"}, "vi"),
])
def test_language_default(environ: dict[str, str], expected: str) -> None:
    # Given L3AUDIT_LANG and the locale variables; Then the first that names vi or en wins, else vi
    assert default_lang(environ) == expected
