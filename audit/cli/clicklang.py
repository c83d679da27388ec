"""click's own messages (usage errors, "Usage:", "Options") in the command's language.

click asks the standard library's `gettext` for its texts, under gettext's default domain and the
process's locale. Rather than change that process-wide setting (which other libraries share), the
`gettext` and `ngettext` names that click's modules imported are pointed at our `click` catalogue
(`audit/messages/<lang>/LC_MESSAGES/click.mo`) for the language of the command line, and back at
the standard ones for English. The language is read from the arguments (`--lang vi`) before click
parses them, since a usage error is raised before any option's callback runs.
"""

from __future__ import annotations

import functools
import gettext
import sys
from typing import Sequence

from audit.i18n import LANGS, LOCALE_DIR, default_lang

CLICK_DOMAIN = "click"
CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types", "utils",
                 "shell_completion", "_termui_impl")


def lang_of(args: Sequence[str]) -> str:
    """The language a command line asks for (`--lang X` or `--lang=X`), else the default one."""
    for index, arg in enumerate(args):
        value = args[index + 1] if arg == "--lang" and index + 1 < len(args) else (
            arg.partition("=")[2] if arg.startswith("--lang=") else "")
        if value in LANGS:
            return value
    return default_lang()


@functools.lru_cache(maxsize=None)
def click_catalogue(lang: str) -> gettext.NullTranslations | None:
    """Our translation of click's messages into `lang`; None for English (click's own words)."""
    if lang == "en":
        return None
    return gettext.translation(CLICK_DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)


def use_click_language(lang: str) -> None:
    """Make click's messages from now on come in `lang`."""
    catalogue = click_catalogue(lang)
    say = catalogue.gettext if catalogue else gettext.gettext
    say_plural = catalogue.ngettext if catalogue else gettext.ngettext
    for name in CLICK_MODULES:
        module = sys.modules.get(f"click.{name}")
        if module is None:
            continue
        if hasattr(module, "_"):
            module._ = say  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = say_plural  # type: ignore[attr-defined]
