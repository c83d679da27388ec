"""Output paths a user names (`-o`): only regular files are ever replaced, always atomically.

`os.replace` onto a symlink, a named pipe or a device replaces the link or the node itself (as
root, `-o /dev/null` would turn `/dev/null` into a regular file); writing through one follows it.
So every output path is checked with `lstat` first, and written to a temporary file in the same
folder that is then renamed over the checked path.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from audit.errors import AuditError
from audit.i18n import phrase


class OutputPathError(AuditError):
    """An output path names something that is not a regular file (a link, pipe, device or folder)."""


def check_output(path: Path) -> Path:
    """`path`, when it is absent or a regular file (not a link to one); OutputPathError otherwise."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return path
    except OSError as exc:
        raise OutputPathError(phrase("error.output.unusable", path=path, reason=exc.strerror or exc)) from exc
    if not stat.S_ISREG(info.st_mode):
        kind = ("link" if stat.S_ISLNK(info.st_mode) else "pipe" if stat.S_ISFIFO(info.st_mode)
                else "folder" if stat.S_ISDIR(info.st_mode) else "device")
        raise OutputPathError(phrase("error.output.not_regular", path=path, kind=phrase(f"error.output.kind.{kind}")))
    return path


def write_bytes_atomic(path: Path, data: bytes, fsync: bool = False) -> None:
    """Write `data` to a checked `path` through a temporary file in the same folder and a rename."""
    check_output(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if fsync:
                handle.flush()
                os.fsync(handle.fileno())
        check_output(path)  # again just before the rename: nothing swapped in meanwhile
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
