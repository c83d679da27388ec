"""Reading the bytes of a user file: a regular file only, and never more than a budget."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Callable

from audit.errors import AuditError, Text
from audit.i18n import phrase


def read_limited(path: Path, max_bytes: int, error: Callable[[Text, Text], AuditError]) -> bytes:
    """The file's bytes; `error(message, hint)` is raised when it is not a regular file or is too large.

    The type is checked on the open descriptor (no race with a swapped name), and at most
    `max_bytes + 1` bytes are read, so a growing file or a lying size cannot exhaust memory.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise error(phrase("error.file.unreadable", reason=exc.strerror or exc), "") from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise error(phrase("error.file.not_regular"), phrase("error.file.not_regular.hint"))
        if info.st_size > max_bytes:
            raise error(phrase("error.file.too_large", size=info.st_size, limit=max_bytes),
                        phrase("error.file.too_large.hint"))
        with os.fdopen(fd, "rb", closefd=True) as handle:
            fd = -1
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise error(phrase("error.file.unreadable", reason=exc.strerror or exc), "") from exc
    finally:
        if fd >= 0:
            os.close(fd)
    if len(data) > max_bytes:
        raise error(phrase("error.file.too_large_grew", limit=max_bytes), phrase("error.file.split"))
    return data
