"""Options and error handling shared by the commands; light, so that every command can import it.

Nothing here imports the engine, the catalogue or rich: `l3audit probe tls` pays only for click.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import Any, Callable, TypeVar

import click

from audit.errors import AuditError
from audit.exitcodes import USAGE
from audit.i18n import default_lang, error_text, t

F = TypeVar("F", bound=Callable[..., Any])

LANG_META = "l3audit.lang"


def _remember_lang(ctx: click.Context, _param: click.Parameter, value: str) -> str:
    """Keep the chosen language where error handling finds it, even for commands that do not take it."""
    ctx.meta[LANG_META] = value
    return value


def _lang(expose: bool) -> Callable[[F], F]:
    return click.option("--lang", type=click.Choice(["vi", "en"]), default=default_lang, callback=_remember_lang,
                        expose_value=expose, is_eager=True, show_default="L3AUDIT_LANG, else the locale, else vi",
                        help="Language of reports and messages.")


lang_option = _lang(True)
"""`--lang vi|en`, passed to the command as `lang`."""
lang_flag = _lang(False)
"""`--lang vi|en` for commands whose output has no words of ours but whose errors do."""


def current_lang() -> str:
    """The language of the running command (`--lang`, else the default)."""
    ctx = click.get_current_context(silent=True)
    return str(ctx.meta.get(LANG_META)) if ctx is not None and ctx.meta.get(LANG_META) else default_lang()
checklist_option = click.option("--checklist", "checklist_ref", default="l3-starter", show_default=True,
                                help="Checklist id (see 'l3audit checklist list') or YAML file.")
timeout_option = click.option("--timeout", "timeout_seconds", type=click.FloatRange(0.1, 600), default=10.0,
                              show_default=True, help="Seconds allowed for each network operation.")
ca_file_option = click.option("--ca-file", type=click.Path(exists=True, dir_okay=False),
                              help="Trust these CA certificates (PEM) instead of the system store.")
nmap_option = click.option("--nmap/--no-nmap", "use_nmap", default=True, show_default=True,
                           help="Use nmap for port scans when installed (else a built-in connect scan).")

resolver_option = click.option("--resolver", default=None, metavar="ADDR[:PORT]",
                               help="Ask this DNS server (dns and mail probes) instead of the system resolver.")
trust_anchor_option = click.option(
    "--trust-anchor", "trust_anchor", type=click.Path(dir_okay=False, path_type=Path), default=None, metavar="FILE",
    help="DNSSEC trust anchors (DS or DNSKEY lines) for the dns probe, instead of the root's; "
         "an outlet's dnssec_trust_anchors setting still wins.")


mozilla_option = click.option(
    "--mozilla-guidelines", "mozilla", type=click.Choice(("6.0", "5.7")), default=None,
    help="Mozilla server-side TLS guidelines the tls probe checks (default 6.0); "
         "an outlet's mozilla_guidelines setting still wins.")


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


auditor_option = click.option("--auditor", default="", help="Who runs the audit (officer or unit), shown on reports.")
tailoring_option = click.option(
    "--tailoring", "tailoring_file", type=click.Path(exists=True, dir_okay=False),
    help="A tailoring file (catalogue, parameters, rows not applicable); overrides --checklist.")
domain_option = click.option(
    "--domain", "domains", multiple=True, metavar="DOMAIN",
    help="A registrable domain of the outlet: redirects are followed, and --resolve accepted, for names "
         "within it (default: the target's own registrable domain); repeatable.")
