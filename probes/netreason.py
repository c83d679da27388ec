"""The usual texts of a failed network step, as catalogue phrases, so reports say them in their language.

Only exact texts are turned, and each phrase's English is the very text it replaces: stored results,
logs and every comparison on the English stay as they were. Anything else (an SSL library's message,
a server's words) stays as it came, cut to one bounded line.
"""

from __future__ import annotations

import re

from audit.phrases import USUAL_TEXTS, PhraseText, said

WITHIN = re.compile(r"within (\d+(?:\.\d+)?) s")
"""Our TLS scanner's "cannot connect within N s", its prefix taken off."""


def said_if_known(text: str) -> str:
    """`text` as a phrase (an English `str` that keeps its key) when it is one of the usual texts, else unchanged."""
    key = USUAL_TEXTS.get(text)
    if key:
        return said(key)
    within = WITHIN.fullmatch(text)
    return said("net.within", seconds=within.group(1)) if within else text


def exception_reason(exc: BaseException) -> str:
    """A one-line, bounded description of an exception (server text is hostile: cut it short)."""
    text = str(exc) or type(exc).__name__
    line = text.splitlines()[0][:200] if text.strip() else type(exc).__name__
    return said_if_known(line)


def reason_of(exc: BaseException) -> str:
    """An exception's message, kept a phrase when it was raised with one (`str(exc)` would drop it)."""
    first = exc.args[0] if exc.args else None
    return first if isinstance(first, PhraseText) else str(exc)
