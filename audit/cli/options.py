"""Options and error handling shared by the commands; light, so that every command can import it.

Nothing here imports the engine, the catalogue or rich: `l3audit probe tls` pays only for click.
"""

from __future__ import annotations

import functools
import sys
from typing import Any, Callable, TypeVar

import click

from audit.errors import AuditError
from audit.exitcodes import USAGE

F = TypeVar("F", bound=Callable[..., Any])

lang_option = click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True,
                           help="Language of reports and messages.")
checklist_option = click.option("--checklist", "checklist_ref", default="l3-starter", show_default=True,
                                help="Checklist id (see 'l3audit checklist list') or YAML file.")
timeout_option = click.option("--timeout", "timeout_seconds", type=click.FloatRange(0.1, 600), default=10.0,
                              show_default=True, help="Seconds allowed for each network operation.")
ca_file_option = click.option("--ca-file", type=click.Path(exists=True, dir_okay=False),
                              help="Trust these CA certificates (PEM) instead of the system store.")
nmap_option = click.option("--nmap/--no-nmap", "use_nmap", default=True, show_default=True,
                           help="Use nmap for port scans when installed (else a built-in connect scan).")


def handle_errors(func: F) -> F:
    """Turn our errors into one line on stderr and exit code 2; Ctrl-C into exit 130, no traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except AuditError as exc:
            click.echo(f"{click.style('error:', fg='red')} {exc}", err=True)
            sys.exit(USAGE)
        except KeyboardInterrupt:
            click.echo("interrupted; results already written are kept (use --resume)", err=True)
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
