"""Evidence files an outlet uploads for a requirement: content-addressed under the data folder.

A file is stored as `<data>/evidence/<first two hex digits>/<sha256>`, never under the name the
browser gave: that name (`../../x`, `..\\x`, a NUL, 5,000 characters) is cleaned to something
printable and kept only to be shown (escaped) and offered as the download name. The body is written
to a temporary file in the evidence folder, hashed as it arrives, and renamed into place only when
complete and accepted, so an upload cut off or refused leaves no file (OWASP File Upload Cheat
Sheet: allow-list extensions, check the content's signature, set a size limit, rename, store
outside the web root, serve with `Content-Disposition: attachment` and `nosniff`).
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import sqlalchemy as sa

from audit.department.store import Store
from audit.department.store.schema import portal_evidence
from audit.department.store.store import now_iso
from audit.errors import AuditError

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
ZIP = (b"PK\x03\x04",)
ALLOWED: dict[str, tuple[str, tuple[bytes, ...] | None]] = {
    # extension: (content type recorded, signatures the first bytes must start with; None: UTF-8 text)
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "txt": ("text/plain", None),
    "csv": ("text/csv", None),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ZIP),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ZIP),
    "odt": ("application/vnd.oasis.opendocument.text", ZIP),
}
"""The types an outlet may upload (policies, reports, screenshots, spreadsheets); anything else is refused."""
HEAD_BYTES = 64 * 1024
SHA256 = re.compile(r"^[0-9a-f]{64}$")


class EvidenceTypeError(AuditError):
    """The file's extension is not allowed, or its content does not match it."""


class EvidenceTooLargeError(AuditError):
    """The file is larger than the configured limit."""


@dataclass(frozen=True)
class StoredFile:
    """A file written into the evidence folder."""

    sha256: str
    size: int
    content_type: str


def display_name(raw: str) -> str:
    """The browser's file name made harmless for showing: last path part, no control characters, 200 at most."""
    name = re.split(r"[/\\]", raw or "")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().strip(".")
    if len(name) > 200:  # shortened, keeping the extension the type is judged by
        stem, dot, ext = name.rpartition(".")
        ext = ext[:10] if dot and stem else ""
        name = (stem if ext else name)[:200 - len(ext) - 1 if ext else 200] + ("." + ext if ext else "")
    return name or "evidence"


def download_name(name: str) -> str:
    """A conservative download name: letters (Vietnamese ones too), digits, space and `._-()`."""
    cleaned = "".join(ch if ch.isalnum() or ch in " ._-()" else "_" for ch in display_name(name))
    return cleaned.strip() or "evidence"


def extension(name: str) -> str:
    """The lower-case extension of a file name ('' when there is none)."""
    stem, dot, ext = display_name(name).rpartition(".")
    return ext.lower() if dot and stem else ""


def allowed_type(name: str) -> str:
    """The content type recorded for a file of this name; EvidenceTypeError when its extension is not allowed."""
    ext = extension(name)
    if ext not in ALLOWED:
        raise EvidenceTypeError(f"file type '.{ext}' is not allowed" if ext else "the file has no extension")
    return ALLOWED[ext][0]


def _content_matches(ext: str, head: bytes) -> bool:
    signatures = ALLOWED[ext][1]
    if signatures is not None:
        return head.startswith(signatures)
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 3  # a character cut by the 64 KiB window is fine
    return True


def evidence_dir(data_dir: Path) -> Path:
    """The evidence folder (made with mode 0700 when missing)."""
    folder = data_dir / "evidence"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def evidence_path(data_dir: Path, sha256: str) -> Path:
    """Where the file of this hash lives; ValueError for anything that is not a SHA-256 in hex."""
    if not SHA256.match(sha256):
        raise ValueError("not a sha256")
    return data_dir / "evidence" / sha256[:2] / sha256


def write_evidence(data_dir: Path, stream: BinaryIO, name: str, max_bytes: int = DEFAULT_MAX_BYTES) -> StoredFile:
    """Copy an upload into the evidence folder: temporary file, hash, checks, then an atomic rename.

    EvidenceTypeError or EvidenceTooLargeError (and any error reading `stream`) leave nothing behind.
    """
    content_type = allowed_type(name)
    folder = evidence_dir(data_dir)
    fd, tmp_name = tempfile.mkstemp(prefix=".upload-", dir=folder)  # mode 0600, same file system as the target
    tmp = Path(tmp_name)
    try:
        digest, size, head = hashlib.sha256(), 0, b""
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(1 << 16):
                size += len(chunk)
                if size > max_bytes:
                    raise EvidenceTooLargeError(f"the file is larger than {max_bytes} bytes")
                if len(head) < HEAD_BYTES:
                    head += chunk[:HEAD_BYTES - len(head)]
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if not _content_matches(extension(name), head):
            raise EvidenceTypeError(f"the content is not a .{extension(name)} file")
        sha = digest.hexdigest()
        final = evidence_path(data_dir, sha)
        final.parent.mkdir(mode=0o700, exist_ok=True)
        if final.exists():  # the same bytes were uploaded before: one copy is enough
            tmp.unlink()
        else:
            os.replace(tmp, final)
        return StoredFile(sha, size, content_type)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def add_evidence(store: Store, outlet_id: str, requirement_id: str, stored: StoredFile, filename: str,
                 username: str) -> int:
    """Record an uploaded file against a requirement of an outlet; returns the row id."""
    with store.write("record evidence") as conn:
        return int(conn.execute(portal_evidence.insert().values(
            outlet_id=outlet_id, requirement_id=requirement_id, sha256=stored.sha256,
            filename=display_name(filename), content_type=stored.content_type, size=stored.size,
            uploaded_by=username, uploaded_at=now_iso())).inserted_primary_key[0])  # type: ignore[index]


def evidence_rows(store: Store, outlet_id: str, *, include_removed: bool = False) -> list[dict[str, object]]:
    """The outlet's evidence, oldest first (removed rows only when asked)."""
    e = portal_evidence.c
    query = sa.select(portal_evidence).where(e.outlet_id == outlet_id).order_by(e.id)
    if not include_removed:
        query = query.where(e.removed_at.is_(None))
    with store.read("read evidence") as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def find_evidence(store: Store, outlet_id: str, sha256: str) -> dict[str, object] | None:
    """The latest row of this outlet naming this file (removed or not: a submission may still name it)."""
    e = portal_evidence.c
    with store.read("find evidence") as conn:
        row = conn.execute(sa.select(portal_evidence).where(e.outlet_id == outlet_id, e.sha256 == sha256)
                           .order_by(e.id.desc()).limit(1)).first()
    return dict(row._mapping) if row is not None else None


def remove_evidence(store: Store, outlet_id: str, evidence_id: int) -> bool:
    """Take a file off its row (removed_at set; the file is kept); False when there is no such live row."""
    e = portal_evidence.c
    with store.write("remove evidence") as conn:
        done = conn.execute(portal_evidence.update().where(
            e.id == evidence_id, e.outlet_id == outlet_id, e.removed_at.is_(None)).values(removed_at=now_iso()))
        return bool(done.rowcount)
