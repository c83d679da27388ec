"""`l3audit scan TARGET`: audit one site and write its JSON result and HTML report."""

from __future__ import annotations

import asyncio
import re
import sys
from pathlib import Path

import click

from audit.cli.clicklang import command
from audit.cli.common import final_exit, get_checklist, print_summary
from audit.cli.options import (
    auditor_option, ca_file_option, checklist_option, domain_option, handle_errors, lang_option, nmap_option,
    mozilla_option, resolver_option, setting_defaults, trust_anchor_option, trust_anchors, tailoring_option,
    timeout_option,
)
from audit.cli.selfassess_options import self_assessment_options
from audit.engine import AuditOptions, run_audit
from audit.targets import target_with_resolve
from audit.selfassess.merge import load_for_outlets
from audit.models import Outlet
from audit.i18n import t
from audit.report.formats import render_html
from audit.report.reasons import result_phrases, short_reason
from audit.result import result_to_dict, write_json_atomic, write_text_atomic


@command(help="help.scan")
@click.argument("target")
@checklist_option
@tailoring_option
@click.option("--json", "json_file", type=click.Path(dir_okay=False, path_type=Path), help="help.scan.json_file")
@click.option("--html", "html_file", type=click.Path(dir_okay=False, path_type=Path), help="help.scan.html_file")
@lang_option
@ca_file_option
@timeout_option
@click.option("--resolve", "resolves", multiple=True, metavar="HOST:PORT:ADDRESS",
              help="help.scan.resolves")
@click.option("--http-port", type=click.IntRange(1, 65535), default=None,
              help="help.scan.http_port")
@click.option("--outlet", "outlet_opt", default=None, metavar="ID",
              help="help.scan.outlet_opt")
@domain_option
@nmap_option
@resolver_option
@trust_anchor_option
@mozilla_option
@auditor_option
@self_assessment_options
@handle_errors
def scan(target: str, checklist_ref: str, tailoring_file: str | None, json_file: Path | None,
         html_file: Path | None, lang: str,
         ca_file: str | None, timeout_seconds: float, resolves: tuple[str, ...], http_port: int | None,
         domains: tuple[str, ...], use_nmap: bool, resolver: str | None = None, trust_anchor: Path | None = None,
         mozilla: str | None = None, auditor: str = "",
         answers_files: tuple[Path, ...] = (), waivers_file: Path | None = None, reviews_files: tuple[Path, ...] = (),
         trusted_keys: Path | None = None, outlet_opt: str | None = None) -> None:
    """Audit one site: https://host[:port] or host[:port] (HTTPS assumed).

    Exit codes: 0 all pass, 1 a requirement failed, 2 usage or input error, 3 incomplete (errors, no fail).
    """
    checklist = get_checklist(checklist_ref, tailoring_file)  # a bad checklist stops us before any packet is sent
    site = target_with_resolve(target, resolves, http_port, domains)
    outlet_id = outlet_opt or re.sub(r"[^a-z0-9._-]+", "-", site.host.lower()).strip("-") or "site"
    outlet = Outlet(outlet_id, site.host, (site,), settings=setting_defaults(mozilla))
    assessment = load_for_outlets(checklist, answers_files, waivers_file, [outlet_id],
                                  reviews_files, trusted_keys)
    options = AuditOptions(auditor=auditor, timeout_seconds=timeout_seconds, ca_file=ca_file, use_nmap=use_nmap,
                           resolver=resolver, trust_anchors=trust_anchors(trust_anchor), self_assessment=assessment)
    result = asyncio.run(run_audit(checklist, [outlet], options))[0]
    data = result_to_dict(result)
    if json_file:
        write_json_atomic(json_file, data)
    if html_file:
        write_text_atomic(html_file, render_html(data, checklist, lang))
    print_summary([data], None, lang)
    phrases = result_phrases(data)  # the probes' reasons said in `lang` (audit.phrases)
    for req in data["requirements"]:
        if req["status"] in ("fail", "error"):
            status = t(f"status.{req['status']}", lang)
            click.echo(f"  {status}  {req['requirement_id']}: {short_reason(req, lang, phrases)}", file=sys.stderr)
    final_exit([data])
