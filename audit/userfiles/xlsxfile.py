"""XLSX user files: the zip directory is checked before openpyxl reads a byte of XML.

An XLSX is a zip. A zip bomb (1 GiB of shared strings in 1 MB) is refused from the sizes its
directory declares; Python's zipfile never returns more than a member's declared size (the CRC
check fails instead), so the declared total really bounds what openpyxl can read.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any, Callable

from audit.errors import AuditError, Text
from audit.i18n import phrase
from audit.userfiles import limits
from audit.userfiles.raw import read_limited


def open_workbook(path: Path, error: Callable[[Text, Text], AuditError]) -> Any:
    """An openpyxl workbook (read-only, values only) from a checked XLSX file."""
    raw = read_limited(path, limits.MAX_XLSX_BYTES, error)
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise error(phrase("error.xlsx.unreadable", reason=exc), phrase("error.xlsx.save_again")) from exc
    if len(members) > limits.MAX_XLSX_MEMBERS:
        raise error(phrase("error.xlsx.parts", count=len(members), limit=limits.MAX_XLSX_MEMBERS),
                    phrase("error.xlsx.export_new"))
    total = sum(m.file_size for m in members)
    if total > limits.MAX_XLSX_UNCOMPRESSED_BYTES:
        raise error(phrase("error.xlsx.unpacked", size=total, limit=limits.MAX_XLSX_UNCOMPRESSED_BYTES),
                    phrase("error.xlsx.export_new"))
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    try:
        return load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises anything from KeyError to XML errors on a damaged file
        raise error(phrase("error.xlsx.unreadable", reason=f"{type(exc).__name__}: {exc}"),
                    phrase("error.xlsx.save_again")) from exc


def sheet_rows(book: Any, name: str, error: Callable[[Text, Text], AuditError]) -> list[tuple[Any, ...]]:
    """The values of a sheet's rows, refusing more than `MAX_XLSX_ROWS` (read-only sheets stream)."""
    rows: list[tuple[Any, ...]] = []
    try:
        for row in book[name].iter_rows(values_only=True):
            if len(rows) >= limits.MAX_XLSX_ROWS:
                raise error(phrase("error.xlsx.rows", sheet=name, limit=limits.MAX_XLSX_ROWS),
                            phrase("error.xlsx.export_new"))
            rows.append(tuple(row[:64]))
    except AuditError:
        raise
    except Exception as exc:
        raise error(phrase("error.xlsx.sheet_unreadable", sheet=name, reason=f"{type(exc).__name__}: {exc}"),
                    phrase("error.xlsx.save_again")) from exc
    return rows
