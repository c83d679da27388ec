"""Options and error handling shared by the commands; light, so that every command can import it.

Nothing here imports the engine, the catalogue or rich: `l3audit probe tls` pays only for click.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import Any, Callable, TypeVar

import click

from audit.cli.clicklang import LANG_META, inherited_lang, remember_lang
from audit.errors import AuditError
from audit.exitcodes import USAGE
from audit.i18n import default_lang, error_text, t

F = TypeVar("F", bound=Callable[..., Any])

def _lang(expose: bool) -> Callable[[F], F]:
    return click.option("--lang", type=click.Choice(["vi", "en"]), default=inherited_lang, callback=remember_lang,
                        expose_value=expose, is_eager=True, show_default="help.option.lang.default",
                        help="help.option.lang")


lang_option = _lang(True)
"""`--lang vi|en`, passed to the command as `lang`."""
lang_flag = _lang(False)
"""`--lang vi|en` for commands whose output has no words of ours but whose errors do."""


def current_lang() -> str:
    """The language of the running command (`--lang`, else the default)."""
    ctx = click.get_current_context(silent=True)
    return str(ctx.meta.get(LANG_META)) if ctx is not None and ctx.meta.get(LANG_META) else default_lang()
checklist_option = click.option("--checklist", "checklist_ref", default="l3-starter", show_default=True,
                                help="help.option.checklist_ref")
timeout_option = click.option("--timeout", "timeout_seconds", type=click.FloatRange(0.1, 600), default=10.0,
                              show_default=True, help="help.option.timeout_seconds")
ca_file_option = click.option("--ca-file", type=click.Path(exists=True, dir_okay=False),
                              help="help.option.ca_file")
nmap_option = click.option("--nmap/--no-nmap", "use_nmap", default=True, show_default=True,
                           help="help.option.use_nmap")

resolver_option = click.option("--resolver", default=None, metavar="ADDR[:PORT]",
                               help="help.option.resolver")
trust_anchor_option = click.option(
    "--trust-anchor", "trust_anchor", type=click.Path(dir_okay=False, path_type=Path), default=None, metavar="FILE",
    help="help.option.trust_anchor")


mozilla_option = click.option(
    "--mozilla-guidelines", "mozilla", type=click.Choice(("6.0", "5.7")), default=None,
    help="help.option.mozilla")


def setting_defaults(mozilla: str | None) -> dict[str, Any]:
    """Settings given on the command line, used where an outlet's inventory entry does not set them."""
    return {"mozilla_guidelines": mozilla} if mozilla else {}


def trust_anchors(path: Path | None) -> tuple[str, ...] | None:
    """The anchors of `--trust-anchor FILE`, read and checked now (None when not given)."""
    if path is None:
        return None
    from audit.userfiles.anchors import read_trust_anchors

    return read_trust_anchors(path)


def handle_errors(func: F) -> F:
    """Turn our errors into one line on stderr and exit code 2; Ctrl-C into exit 130, no traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except AuditError as exc:
            lang = current_lang()
            click.echo(f"{click.style(t('cli.error', lang), fg='red')} {error_text(exc, lang)}", err=True)
            sys.exit(USAGE)
        except KeyboardInterrupt:
            click.echo(t("cli.interrupted", current_lang()), err=True)
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


auditor_option = click.option("--auditor", default="", help="help.option.auditor")
tailoring_option = click.option(
    "--tailoring", "tailoring_file", type=click.Path(exists=True, dir_okay=False),
    help="help.option.tailoring_file")
domain_option = click.option(
    "--domain", "domains", multiple=True, metavar="DOMAIN",
    help="help.option.domains")
