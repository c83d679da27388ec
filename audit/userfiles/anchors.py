"""Reading a DNSSEC trust-anchor file (`--trust-anchor FILE`): DS or DNSKEY lines in zone-file syntax."""

from __future__ import annotations

from pathlib import Path

from audit.errors import Text, TrustAnchorError
from audit.userfiles.raw import read_limited

MAX_ANCHOR_BYTES = 64 * 1024
"""A trust-anchor file holds a few records; anything larger is not one."""


def read_trust_anchors(path: Path) -> tuple[str, ...]:
    """The anchor lines of `path` (comments and blank lines dropped), each checked to be a DS or DNSKEY record.

    TrustAnchorError names the file and line of the first line that is not, or says why the file
    cannot be read; a file without any record is refused too (it would silently trust nothing).
    """
    from probes.dns.dnssec import load_trust_anchors  # dnspython: only when an anchor is given

    def error(message: Text, hint: Text = "") -> TrustAnchorError:
        return TrustAnchorError(message, path=str(path), hint=hint)

    raw = read_limited(path, MAX_ANCHOR_BYTES, error)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(f"not UTF-8 text (byte {exc.start})", "save the file as UTF-8") from None
    lines = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.split(";", 1)[0].strip():
            continue
        try:
            load_trust_anchors([line])
        except ValueError as exc:
            raise TrustAnchorError(str(exc), path=str(path), line=number,
                                   hint="one DS or DNSKEY record per line, e.g. 'test. DS 12345 13 2 <hex>'") from None
        lines.append(line)
    if not lines:
        raise error("no DS or DNSKEY record in the file", "give at least one anchor, or leave --trust-anchor out")
    return tuple(lines)
