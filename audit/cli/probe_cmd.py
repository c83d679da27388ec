"""`l3audit probe NAME TARGET`: run one probe and print its facts; `l3audit probe facts`: what exists."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import click

from audit.cli.clicklang import command, group
from audit.cli.options import (
    ca_file_option, current_lang, domain_option, handle_errors, lang_flag, mozilla_option, nmap_option, resolver_option,
    setting_defaults, timeout_option, trust_anchor_option, trust_anchors,
)
from audit.i18n import t
from audit.models import AttemptStatus
from audit.phrases import say_stored
from audit.runner import AuditOptions, ProbeRunner
from audit.targets import target_with_resolve
from probes.facts import declared_facts
from probes.registry import probe_class, probe_names


@group(help="help.probe")
def probe() -> None:
    """Run one probe on one target and print what it found."""


def _probe_command(name: str) -> click.Command:
    @command(name=name, help="help.probe.run", help_values={"name": name})
    @click.argument("target")
    @click.option("--json", "as_json", is_flag=True, help="help.probe.run.as_json")
    @click.option("--resolve", "resolves", multiple=True, metavar="HOST:PORT:ADDRESS",
                  help="help.option.resolves")
    @click.option("--http-port", type=click.IntRange(1, 65535), default=None, help="help.option.http_port")
    @domain_option
    @ca_file_option
    @timeout_option
    @nmap_option
    @lang_flag
    @resolver_option
    @trust_anchor_option
    @mozilla_option
    @handle_errors
    def run_probe(target: str, as_json: bool, resolves: tuple[str, ...], http_port: int | None,
                domains: tuple[str, ...], ca_file: str | None, timeout_seconds: float, use_nmap: bool,
                resolver: str | None, trust_anchor: Path | None, mozilla: str | None) -> None:
        site = target_with_resolve(target, resolves, http_port, domains, probe_class(name).uses_presence)
        options = AuditOptions(timeout_seconds=timeout_seconds, ca_file=ca_file, use_nmap=use_nmap,
                               resolver=resolver, trust_anchors=trust_anchors(trust_anchor))

        async def go() -> dict:
            return (await ProbeRunner(options).attempt(name, site, setting_defaults(mozilla))).to_dict()

        attempt = asyncio.run(go())
        if as_json:
            click.echo(json.dumps(attempt, ensure_ascii=False, indent=2))
        else:
            _print_attempt(name, attempt, current_lang())
            for fact, value in sorted(attempt["facts"].items()):
                click.echo(f"  {fact} = {json.dumps(value, ensure_ascii=False)[:200]}")
        sys.exit(0 if attempt["status"] == AttemptStatus.COMPLETED.value else 3)

    return run_probe


def _print_attempt(name: str, attempt: dict, lang: str) -> None:
    """The attempt's status, method and error reason in `lang` (`audit.phrases`); its facts as stored."""
    seconds = f"{attempt['duration_seconds']:.2f}"
    status = attempt["status"]
    click.echo(t("probe.cli.attempt", lang, name=name, target=attempt["target"], status=t(f"reportview.attempt.{status}", lang),
                 seconds=seconds.replace(".", ",") if lang == "vi" else seconds))
    phrases = attempt.get("phrases")
    if attempt["method"]:
        click.echo("  " + t("probe.cli.method", lang, method=say_stored(attempt["method"], phrases, lang)))
    if attempt["error_reason"]:
        click.echo(f"  {say_stored(attempt['error_reason'], phrases, lang)}")


@probe.command(name="facts", help="help.probe.facts")
@click.argument("name", required=False)
@lang_flag
def facts(name: str | None) -> None:
    """List the facts a probe (or every probe) declares, for writing checklists, described in the run's language."""
    lang = current_lang()
    for probe_name in probe_names():
        if name and probe_name != name:
            continue
        for spec in declared_facts(probe_name):
            click.echo(f"{spec.name:45} {spec.type:7} {spec.describe(lang)}")


for _name in probe_names():
    probe.add_command(_probe_command(_name))
