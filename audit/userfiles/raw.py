"""Reading the bytes of a user file: a regular file only, and never more than a budget."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Callable

from audit.errors import AuditError


def read_limited(path: Path, max_bytes: int, error: Callable[[str, str], AuditError]) -> bytes:
    """The file's bytes; `error(message, hint)` is raised when it is not a regular file or is too large.

    The type is checked on the open descriptor (no race with a swapped name), and at most
    `max_bytes + 1` bytes are read, so a growing file or a lying size cannot exhaust memory.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise error(f"cannot read file: {exc.strerror or exc}", "") from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise error("not a regular file (a pipe, device or folder)", "give the path of an ordinary file")
        if info.st_size > max_bytes:
            raise error(f"file too large ({info.st_size} bytes, limit {max_bytes})",
                        "split the file, or remove what does not belong in it")
        with os.fdopen(fd, "rb", closefd=True) as handle:
            fd = -1
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise error(f"cannot read file: {exc.strerror or exc}", "") from exc
    finally:
        if fd >= 0:
            os.close(fd)
    if len(data) > max_bytes:
        raise error(f"file too large (more than {max_bytes} bytes)", "split the file")
    return data
