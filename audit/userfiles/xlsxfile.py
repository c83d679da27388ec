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

from audit.errors import AuditError
from audit.userfiles import limits
from audit.userfiles.raw import read_limited


def open_workbook(path: Path, error: Callable[[str, str], AuditError]) -> Any:
    """An openpyxl workbook (read-only, values only) from a checked XLSX file."""
    raw = read_limited(path, limits.MAX_XLSX_BYTES, error)
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise error(f"not a readable XLSX workbook ({exc})", "save it again as .xlsx") from exc
    if len(members) > limits.MAX_XLSX_MEMBERS:
        raise error(f"{len(members)} parts in the workbook (limit {limits.MAX_XLSX_MEMBERS})",
                    "export a new workbook and copy the answers into it")
    total = sum(m.file_size for m in members)
    if total > limits.MAX_XLSX_UNCOMPRESSED_BYTES:
        raise error(f"the workbook unpacks to {total} bytes (limit {limits.MAX_XLSX_UNCOMPRESSED_BYTES})",
                    "export a new workbook and copy the answers into it")
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    try:
        return load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises anything from KeyError to XML errors on a damaged file
        raise error(f"not a readable XLSX workbook ({type(exc).__name__}: {exc})", "save it again as .xlsx") from exc


def sheet_rows(book: Any, name: str, error: Callable[[str, str], AuditError]) -> list[tuple[Any, ...]]:
    """The values of a sheet's rows, refusing more than `MAX_XLSX_ROWS` (read-only sheets stream)."""
    rows: list[tuple[Any, ...]] = []
    try:
        for row in book[name].iter_rows(values_only=True):
            if len(rows) >= limits.MAX_XLSX_ROWS:
                raise error(f"sheet '{name}' has more than {limits.MAX_XLSX_ROWS} rows",
                            "export a new workbook and copy the answers into it")
            rows.append(tuple(row[:64]))
    except AuditError:
        raise
    except Exception as exc:
        raise error(f"sheet '{name}' cannot be read ({type(exc).__name__}: {exc})", "save it again as .xlsx") from exc
    return rows
