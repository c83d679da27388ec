"""Evidence files of answers: where they may be, how they are hashed, and whether they still match.

Evidence belongs next to the answers file (a path outside its folder is refused), is hashed with
SHA-256 when the answer is given (within `limits.MAX_EVIDENCE_BYTES`; bundles use the same
function) and is checked again before every audit. Problems are phrases, said in the command's
language; `check_evidence` gives them as English lines too, for the results that store them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from audit.errors import LocatedError, Text
from audit.i18n import Phrase, phrase

if TYPE_CHECKING:
    from audit.selfassess.answers import Answer

OUTSIDE_HINT = phrase("error.evidence.outside.hint")
"""Where evidence files belong, said with every refused path."""


@dataclass(frozen=True)
class EvidenceItem:
    """A document backing an answer: a file (hashed at answer time) or a URL."""

    path: str = ""
    url: str = ""
    sha256: str = ""
    """Hex SHA-256 of the file when the answer was given; '' for URLs."""
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form, without empty keys."""
        data = {"path": self.path, "url": self.url, "sha256": self.sha256, "note": self.note}
        return {k: v for k, v in data.items() if v}


class EvidenceTooLargeError(ValueError):
    """An evidence file is larger than `limits.MAX_EVIDENCE_BYTES`: it is not read to the end."""

    def __init__(self, limit: int) -> None:
        self.phrase = phrase("error.evidence.too_large", limit=f"{limit:,}")
        super().__init__(str(self.phrase))


def sha256_file(path: Path, max_bytes: int | None = None) -> str:
    """Hex SHA-256 of a file's bytes, read in chunks; EvidenceTooLargeError past `max_bytes`.

    The size is checked before reading and again while reading (a file may grow meanwhile).
    """
    from audit.userfiles import limits

    limit = limits.MAX_EVIDENCE_BYTES if max_bytes is None else max_bytes
    if path.stat().st_size > limit:
        raise EvidenceTooLargeError(limit)
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            size += len(chunk)
            if size > limit:
                raise EvidenceTooLargeError(limit)
            digest.update(chunk)
    return digest.hexdigest()


def confined(base_dir: Path, item: str) -> Path | None:
    """The evidence file `item` inside `base_dir`, or None when it points outside (`../`, absolute, a link out).

    Evidence belongs next to the answers: a file elsewhere (`../../etc/hostname`) is not the outlet's to give.
    """
    if not item or Path(item).is_absolute():
        return None
    base = base_dir.resolve()
    target = (base / item).resolve()
    return target if target == base or base in target.parents else None


def evidence_from_text(item: str, base_dir: Path, error: Callable[[Text], LocatedError]) -> EvidenceItem:
    """An evidence item from what a person typed: a URL, or a file path hashed now (it must exist)."""
    item = item.strip()
    if item.startswith(("http://", "https://")):
        return EvidenceItem(url=item)
    target = confined(base_dir, item)
    if target is None:
        raise error(phrase("error.evidence.outside_folder", item=item, folder=base_dir.resolve()))
    if not target.is_file():
        raise error(phrase("error.evidence.not_found", item=item, folder=target.parent))
    try:
        return EvidenceItem(path=item, sha256=sha256_file(target))
    except EvidenceTooLargeError as exc:
        raise error(phrase("error.evidence.file_too_large", item=item, problem=exc.phrase)) from None


def evidence_problems(answer: Answer, base_dir: Path) -> list[Phrase]:
    """Problems with an answer's evidence files now: missing, or no longer matching the recorded hash."""
    problems: list[Phrase] = []
    for item in (e for e in answer.evidence if e.path):
        target = confined(base_dir, item.path)
        if target is None:
            problems.append(phrase("evidence.flag.outside", path=item.path))
        elif not target.is_file():
            problems.append(phrase("evidence.flag.missing", path=item.path))
        elif not item.sha256:
            problems.append(phrase("evidence.flag.no_hash", path=item.path))
        else:
            try:
                if sha256_file(target) != item.sha256:
                    problems.append(phrase("evidence.flag.changed", path=item.path))
            except EvidenceTooLargeError as exc:
                problems.append(phrase("evidence.flag.problem", path=item.path, problem=exc.phrase))
    return problems


def check_evidence(answer: Answer, base_dir: Path) -> list[str]:
    """`evidence_problems` as English lines: what results store (`evidence_flags`) and logs show."""
    return [str(problem) for problem in evidence_problems(answer, base_dir)]
