"""click in the command's language: its own messages, and our help texts.

Help texts (a command's help, an option's help, a `show_default` text, word metavars such as
`TARGET` or `FILE`) are catalogue keys in the code (`help="help.scan.json_file"`). `HelpCommand`
and `HelpGroup` resolve them only when click formats a help page, a usage line or a command list,
on a shallow copy of the command and its parameters, so parsing never sees a translated text. The
language is the one the command line asks for (`--lang` wherever it stands, even after
`--help`), else `L3AUDIT_LANG` and the locale, else Vietnamese.

click's own messages (usage errors, "Usage:", "Options"):

click asks the standard library's `gettext` for its texts, under gettext's default domain and the
process's locale. Rather than change that process-wide setting (which other libraries share), the
`gettext` and `ngettext` names that click's modules imported are pointed at our `click` catalogue
(`audit/messages/<lang>/LC_MESSAGES/click.mo`) for the language of the command line, and back at
the standard ones for English. The language is read from the arguments (`--lang vi`) before click
parses them, since a usage error is raised before any option's callback runs.
"""

from __future__ import annotations

import copy
import functools
import gettext
import re
import sys
from typing import Any, Callable, Sequence

import click

from audit.i18n import LANGS, LOCALE_DIR, default_lang, has, t

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


_chosen: list[str] = []
"""The language of the running command line, once `use_click_language` has been told it."""


def use_click_language(lang: str) -> None:
    """Make click's messages, and our help texts, from now on come in `lang`."""
    _chosen[:] = [lang]
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


LANG_META = "l3audit.lang"
"""Where the `--lang` option keeps its value in `click.Context.meta` (shared by nested contexts)."""


def remember_lang(ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """Keep the chosen language where help, error handling and nested commands find it."""
    if value:
        ctx.meta[LANG_META] = value
    return value


def inherited_lang() -> str:
    """The default of a command's `--lang`: the one given before the command (`l3audit --lang en scan`), else the default."""
    ctx = click.get_current_context(silent=True)
    chosen = ctx.meta.get(LANG_META) if ctx is not None else None
    return str(chosen) if chosen in LANGS else default_lang()


def help_lang(ctx: click.Context | None = None) -> str:
    """The language help is written in: `--lang` as parsed, else as read from the arguments, else the default."""
    chosen = ctx.meta.get(LANG_META) if ctx is not None else None
    if chosen in LANGS:
        return str(chosen)
    return _chosen[0] if _chosen else default_lang()


def say(text: str | None, lang: str, values: dict[str, object] | None = None) -> str | None:
    """A help text in `lang` when it is a catalogue key; any other text (or None) unchanged."""
    if not text or not has(text):
        return text
    return t(text, lang, **(values or {}))


METAVAR_WORD = re.compile(r"[A-Z][A-Z_]*[A-Z](?: RANGE)?|[A-Z]")


def say_metavar(metavar: str | None, lang: str) -> str | None:
    """A metavar with its words in `lang` (`FILE` -> `TỆP`, `[OPTIONS]` -> `[TÙY_CHỌN]`); choices stay as they are."""
    if not metavar:
        return metavar

    def word(match: re.Match[str]) -> str:
        key = "metavar." + match.group(0).replace(" ", "_")
        return t(key, lang) if has(key) else match.group(0)

    return METAVAR_WORD.sub(word, metavar)


def _said_param(param: click.Parameter, ctx: click.Context, lang: str) -> click.Parameter:
    """A copy of `param` whose help, default text and metavar are in `lang`."""
    said = copy.copy(param)
    said.metavar = say_metavar(param.make_metavar(ctx), lang)
    if isinstance(param, click.Option) and isinstance(said, click.Option):
        said.help = say(param.help, lang)
        if isinstance(param.show_default, str):
            said.show_default = say(param.show_default, lang)
    return said


class InLanguage(click.Command):
    """Resolves the help keys of a command when click formats its help, usage line or short help."""

    def __init__(self, *args: Any, help_values: dict[str, object] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.help_values = help_values or {}
        if not any(param.name == "lang" for param in self.params):  # `--lang` on every command and group
            self.params.append(click.Option(["--lang"], type=click.Choice(LANGS), callback=remember_lang,
                                            expose_value=False, is_eager=True, help="help.option.lang"))

    def in_lang(self, ctx: click.Context | None) -> InLanguage:
        """A shallow copy of this command with every text of its help in the command line's language."""
        lang = help_lang(ctx)
        said = copy.copy(self)
        said.help = say(self.help, lang, self.help_values)
        said.short_help = say(self.short_help, lang, self.help_values)
        said.epilog = say(self.epilog, lang, self.help_values)
        said.options_metavar = say_metavar(self.options_metavar, lang)
        if isinstance(said, click.Group):
            said.subcommand_metavar = say_metavar(said.subcommand_metavar, lang) or ""
        if ctx is not None:
            said.params = [_said_param(p, ctx, lang) for p in self.params]
            said._help_option = None  # made again, its text in click's catalogue's language of now
        return said

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Parse as click does; a refused value names its parameter by the translated metavar (`'TỆP_TRẢ_LỜI'`)."""
        try:
            return super().parse_args(ctx, args)
        except click.BadParameter as exc:
            if exc.param is not None:
                exc.param = _said_param(exc.param, ctx, help_lang(ctx))
            raise

    def get_help(self, ctx: click.Context) -> str:
        return super(InLanguage, self.in_lang(ctx)).get_help(ctx)

    def get_usage(self, ctx: click.Context) -> str:
        return super(InLanguage, self.in_lang(ctx)).get_usage(ctx)

    def get_short_help_str(self, limit: int = 45) -> str:
        return super(InLanguage, self.in_lang(click.get_current_context(silent=True))).get_short_help_str(limit)


class HelpCommand(InLanguage):
    """A command whose help texts are catalogue keys."""


class HelpGroup(InLanguage, click.Group):
    """A group whose help texts are catalogue keys, and whose subcommands are made the same way."""

    command_class = HelpCommand
    group_class = type  # subgroups are HelpGroups too



def command(name: str | None = None, **attrs: Any) -> Callable[[Callable[..., Any]], click.Command]:
    """`click.command` making a `HelpCommand` (help texts as catalogue keys)."""
    return click.command(name, cls=attrs.pop("cls", HelpCommand), **attrs)


def group(name: str | None = None, **attrs: Any) -> Callable[[Callable[..., Any]], click.Group]:
    """`click.group` making a `HelpGroup` (help texts as catalogue keys)."""
    return click.group(name, cls=attrs.pop("cls", HelpGroup), **attrs)  # type: ignore[return-value]
