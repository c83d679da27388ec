"""The usual texts of a failed network step, as catalogue phrases, so reports say them in their language.

Only known texts are turned, and each phrase's English is the very text it replaces: stored results,
logs and every comparison on the English stay as they were. The usual texts are the socket layer's
and httpx's ("connection refused", "All connection attempts failed"), OpenSSL's as Python's ssl module
words them ("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has expired
(_ssl.c:1006)") and the operating system's ("[Errno 101] Network is unreachable"). Anything else (a
library's other messages, a server's words) stays as it came, cut to one bounded line, and is shown
quoted in other languages: it is what the library said, not ours to translate.
"""

from __future__ import annotations

import re

from audit.phrases import USUAL_TEXTS, PhraseText, said

WITHIN = re.compile(r"within (\d+(?:\.\d+)?) s")
"""Our TLS scanner's "cannot connect within N s", its prefix taken off."""

OPENSSL = re.compile(r"\[SSL: (?P<code>[A-Z0-9_]+)\] (?P<text>.+?)(?P<tail> \(_ssl\.c:\d+\))?")
"""Python's ssl module's words for an OpenSSL error: its code, OpenSSL's text and where in _ssl.c."""

VERIFY = re.compile(r"certificate verify failed: (?P<why>.+)")
MISMATCH = re.compile(r"(?P<kind>Hostname|IP address) mismatch, certificate is not valid for (?P<name>'[^'\n]{0,200}')\.")
ERRNO = re.compile(r"\[Errno (?P<number>-?\d+)\] (?P<text>.+)")

SSL_CODES = {
    "WRONG_VERSION_NUMBER": "net.ssl.wrong_version",
    "TLSV1_ALERT_PROTOCOL_VERSION": "net.ssl.protocol_version",
    "UNSUPPORTED_PROTOCOL": "net.ssl.protocol_version",
    "SSLV3_ALERT_HANDSHAKE_FAILURE": "net.ssl.handshake_failure",
    "NO_PROTOCOLS_AVAILABLE": "net.ssl.protocol_version",
    "UNEXPECTED_EOF_WHILE_READING": "net.ssl.eof",
    "TLSV1_UNRECOGNIZED_NAME": "net.ssl.unrecognized_name",
    "TLSV1_ALERT_INTERNAL_ERROR": "net.ssl.internal_error",
    "UNSAFE_LEGACY_RENEGOTIATION_DISABLED": "net.ssl.legacy_renegotiation",
    "DH_KEY_TOO_SMALL": "net.ssl.dh_key_too_small",
    "EE_KEY_TOO_SMALL": "net.ssl.key_too_small",
    "CA_MD_TOO_WEAK": "net.ssl.md_too_weak",
}
"""OpenSSL error codes -> a phrase whose English is OpenSSL's own text (`{text}`), said in other languages."""

VERIFY_TEXTS = {
    "self-signed certificate": "net.verify.self_signed",
    "self signed certificate": "net.verify.self_signed",
    "self-signed certificate in certificate chain": "net.verify.self_signed_chain",
    "self signed certificate in certificate chain": "net.verify.self_signed_chain",
    "certificate has expired": "net.verify.expired",
    "certificate is not yet valid": "net.verify.not_yet_valid",
    "unable to get local issuer certificate": "net.verify.no_issuer",
    "unable to verify the first certificate": "net.verify.first",
    "unable to get issuer certificate": "net.verify.no_issuer",
    "certificate signature failure": "net.verify.signature",
    "invalid CA certificate": "net.verify.invalid_ca",
    "certificate revoked": "net.verify.revoked",
    "CA certificate key too weak": "net.verify.ca_key_weak",
}
"""OpenSSL's certificate verification texts -> a phrase with that same English (`{text}`)."""

ERRNO_TEXTS = {
    "Connection refused": "net.refused_capital",
    "Connection reset by peer": "net.reset",
    "Network is unreachable": "net.errno.unreachable",
    "No route to host": "net.errno.no_route",
    "Name or service not known": "net.errno.no_name",
    "Temporary failure in name resolution": "net.errno.name_failure",
    "Cannot assign requested address": "net.errno.no_address",
    "Connection timed out": "net.errno.timed_out",
    "Broken pipe": "net.errno.broken_pipe",
}
"""The operating system's error texts (after "[Errno N] ") -> a phrase."""


def said_if_known(text: str) -> str:
    """`text` as a phrase (an English `str` that keeps its key) when it is one of the usual texts, else unchanged."""
    key = USUAL_TEXTS.get(text)
    if key:
        return said(key)
    within = WITHIN.fullmatch(text)
    if within:
        return said("net.within", seconds=within.group(1))
    return _openssl(text) or _errno(text) or text


def _openssl(text: str) -> PhraseText | None:
    match = OPENSSL.fullmatch(text)
    if not match:
        return None
    code, detail, tail = match.group("code"), match.group("text"), match.group("tail") or ""
    verify = VERIFY.fullmatch(detail)
    if verify:
        detail = said("net.verify.failed", why=_verify_reason(verify.group("why")))
    elif code in SSL_CODES:
        detail = said(SSL_CODES[code], text=detail)
    else:
        detail = said("net.verbatim", text=detail)
    return said("net.ssl", code=code, detail=detail, tail=tail)


def _verify_reason(why: str) -> str:
    mismatch = MISMATCH.fullmatch(why)
    if mismatch:
        kind = "net.verify.host_mismatch" if mismatch.group("kind") == "Hostname" else "net.verify.ip_mismatch"
        return said(kind, name=mismatch.group("name"))
    key = VERIFY_TEXTS.get(why)
    return said(key, text=why) if key else said("net.verbatim", text=why)


def _errno(text: str) -> PhraseText | None:
    match = ERRNO.fullmatch(text)
    if not match:
        return None
    key = ERRNO_TEXTS.get(match.group("text"))
    if key is None:
        return None
    inner = said(key) if key in ("net.refused_capital", "net.reset") else said(key, text=match.group("text"))
    return said("net.errno", number=match.group("number"), text=inner)


def library_text(text: str) -> str:
    """A library's or a server's one-line text: a phrase when it is a usual one, else quoted verbatim
    in other languages (its English, the text itself, unchanged)."""
    known = said_if_known(text)
    return known if isinstance(known, PhraseText) else said("net.verbatim", text=text)


def exception_reason(exc: BaseException) -> str:
    """A one-line, bounded description of an exception (server text is hostile: cut it short)."""
    text = str(exc) or type(exc).__name__
    line = text.splitlines()[0][:200] if text.strip() else type(exc).__name__
    if line == type(exc).__name__:
        return line  # a class name ("ReadTimeout") is a code
    return library_text(line)


def exception_said(exc: BaseException) -> str:
    """`"<ExceptionClass>: <its text>"`, bounded, the text a phrase or quoted verbatim (`exception_reason`)."""
    return said("net.exception", name=type(exc).__name__, text=exception_reason(exc))


def reason_of(exc: BaseException) -> str:
    """An exception's message, kept a phrase when it was raised with one (`str(exc)` would drop it)."""
    first = exc.args[0] if exc.args else None
    return first if isinstance(first, PhraseText) else str(exc)
