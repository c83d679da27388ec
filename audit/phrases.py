"""Texts that probes store in English and reports say in the reader's language.

A probe's method line ("httpx GET of / over http and https ...") and its reasons ("blocked (HTTP 403,
...)", "rate limited (HTTP 429)") are stored in a result as English strings, as they always were:
logs, older readers and the golden files keep working. Beside them an attempt may carry `phrases`,
{English text: {"phrase": key, "values": {...}}}, so that a report in another language says the same
text from the catalogue (`audit.i18n`). A result without `phrases` (older ones) shows its English.

`PhraseText` is a `str` (the English text) that also remembers its key and values, so probe code can
keep joining, testing (`startswith("blocked")`) and storing reasons as strings while the runner
collects their phrases. Values that are server or library text (URLs, headers, exception messages)
are stored as they are and never translated.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from audit.i18n import Phrase, phrase, t


USUAL_TEXTS = {
    "All connection attempts failed": "net.all_attempts_failed",
    "connection refused": "net.refused",
    "Connection refused": "net.refused_capital",
    "timed out": "net.timed_out",
    "Server disconnected without sending a response.": "net.disconnected",
    "Connection reset by peer": "net.reset",
}
"""English text of httpx, the socket layer or our TLS scanner -> catalogue key with that same English."""


class PhraseText(str):
    """An English text (the `str` itself) that can be said in another language: key and values."""

    key: str
    values: dict[str, object]

    def __new__(cls, key: str, /, **values: object) -> PhraseText:
        text = super().__new__(cls, phrase(key, **{n: _as_phrase(v) for n, v in values.items()}).render("en"))
        text.key, text.values = key, values
        return text

    def render(self, lang: str) -> str:
        """The text in `lang` (English when `lang` lacks it), phrases among the values said in `lang` too."""
        return self.as_phrase().render(lang)

    def as_phrase(self) -> Phrase:
        """The same text as an `audit.i18n.Phrase` (nested `PhraseText` values turned too)."""
        return phrase(self.key, **{name: _as_phrase(value) for name, value in self.values.items()})

    def __reduce__(self) -> tuple[object, ...]:  # pickled (process pools) as the phrase it is
        return _rebuild, (self.key, self.values)


def _as_phrase(value: object) -> object:
    if isinstance(value, PhraseText):
        return value.as_phrase()
    if isinstance(value, (list, tuple)):
        return [_as_phrase(v) for v in value]
    return value


def _rebuild(key: str, values: dict[str, object]) -> PhraseText:
    return PhraseText(key, **values)


def said(key: str, /, **values: object) -> PhraseText:
    """The catalogue message `key` with `values`, as an English string that keeps its phrase."""
    return PhraseText(key, **values)


def joined(parts: Iterable[str], separator: str = "; ") -> str:
    """`parts` joined with `separator`, kept a phrase when any part is one (so each part is said in the
    reader's language); a plain `str` when none is, the very text `separator.join(parts)` gives."""
    items = list(parts)
    if not any(isinstance(p, PhraseText) for p in items):
        return separator.join(items)
    text = items[0] if items else ""
    for item in items[1:]:  # nested pairs: stored phrases stay plain {"phrase", "values"} objects
        text = said("text.pair", first=text, separator=separator, second=item)
    return text


def _encode(value: object) -> object:
    if isinstance(value, (PhraseText, Phrase)):
        return encode(value)
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return str(value) if isinstance(value, str) else value
    return str(value)


def encode(text: PhraseText | Phrase) -> dict[str, Any]:
    """The JSON form of a phrase: {"phrase": key, "values": {...}}, nested phrases alike."""
    return {"phrase": text.key, "values": {name: _encode(v) for name, v in text.values.items()}}


def _decode(value: object, lang: str) -> object:
    if isinstance(value, dict) and isinstance(value.get("phrase"), str):
        return render_stored(value, lang)
    if isinstance(value, str) and value in USUAL_TEXTS:  # stored before these texts were kept as phrases
        return t(USUAL_TEXTS[value], lang)
    if isinstance(value, list):
        return ", ".join(str(_decode(v, lang)) for v in value)
    return value


def render_stored(data: Mapping[str, Any], lang: str) -> str:
    """A stored phrase ({"phrase": key, "values": {...}}) said in `lang`."""
    values = data.get("values")
    filled = {str(k): _decode(v, lang) for k, v in values.items()} if isinstance(values, Mapping) else {}
    try:
        return t(str(data["phrase"]), lang, **filled)
    except (KeyError, IndexError, ValueError):  # a value the text needs is missing: English is kept by the caller
        return ""


def collect(texts: Iterable[object]) -> dict[str, dict[str, Any]]:
    """{English text: stored phrase} for every `PhraseText` among `texts` and inside mappings/lists of them."""
    out: dict[str, dict[str, Any]] = {}

    def visit(value: object) -> None:
        if isinstance(value, PhraseText):
            out[str(value)] = encode(value)
        elif isinstance(value, Mapping):
            for item in value.values():
                visit(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                visit(item)

    for text in texts:
        visit(text)
    return out


def say_stored(english: str, phrases: Any, lang: str) -> str:
    """`english` in `lang` when `phrases` (an attempt's) knows it; else `english` as stored."""
    if lang == "en" or not english or not isinstance(phrases, Mapping):
        return english
    stored = phrases.get(english)
    if isinstance(stored, Mapping):
        return render_stored(stored, lang) or english
    return english


def translate_within(text: str, phrases: Mapping[str, Any], lang: str) -> str:
    """`text` with every known English text inside it said in `lang` (longest first).

    A requirement's error reason is composed of its probes' reasons ("could not measure (http:
    blocked (...); http.headers: rate limited (...))"); each part the probes stored a phrase for is
    said in `lang`, the rest (ids, codes, quoted server text) stays as it is.
    """
    if lang == "en" or not text or not phrases:
        return text
    for english in sorted(phrases, key=len, reverse=True):
        if english and english in text:
            rendered = say_stored(english, phrases, lang)
            if rendered != english:
                text = text.replace(english, rendered)
    return text
