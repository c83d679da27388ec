"""`l3audit run INVENTORY --out DIR`: audit every outlet of an inventory, resumable."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import click

from audit.cli.clicklang import command
from audit.cli.common import audit_outlets, err_console, final_exit, get_checklist, print_summary
from audit.cli.options import (
    auditor_option, ca_file_option, checklist_option, handle_errors, lang_option, nmap_option, resolver_option,
    mozilla_option, setting_defaults, tailoring_option, trust_anchor_option, trust_anchors,
    timeout_option,
)
from audit.cli.selfassess_options import self_assessment_options
from audit.engine import AuditOptions
from audit.i18n import t
from audit.inventory import load_inventory
from audit.selfassess.merge import load_for_outlets
from audit.output import RunOutput, slim
from audit.department.store.run_output import open_run_output


@command(help="help.run")
@click.argument("inventory", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="help.run.out_dir")
@checklist_option
@tailoring_option
@lang_option
@ca_file_option
@timeout_option
@click.option("--concurrency", type=click.IntRange(1, 256), default=64, show_default=True,
              help="help.run.concurrency")
@click.option("--per-host", type=click.IntRange(1, 16), default=2, show_default=True,
              help="help.run.per_host")
@click.option("--resume", is_flag=True, help="help.run.resume")
@click.option("--db", default=None, help="help.run.db")
@nmap_option
@resolver_option
@trust_anchor_option
@mozilla_option
@auditor_option
@self_assessment_options
@handle_errors
def run(inventory: Path, out_dir: Path, checklist_ref: str, tailoring_file: str | None, lang: str,
        ca_file: str | None,
        timeout_seconds: float, concurrency: int, per_host: int, resume: bool, use_nmap: bool, resolver: str | None = None,
        trust_anchor: Path | None = None, mozilla: str | None = None,
        auditor: str = "",
        db: str | None = None,
        answers_files: tuple[Path, ...] = (), waivers_file: Path | None = None, reviews_files: tuple[Path, ...] = (),
        trusted_keys: Path | None = None) -> None:
    """Audit every outlet of INVENTORY, writing each result as soon as it is done.

    Exit codes: 0 all pass, 1 a requirement failed, 2 usage or input error, 3 incomplete (errors, no fail).
    """
    checklist = get_checklist(checklist_ref, tailoring_file)
    defaults = setting_defaults(mozilla)
    outlets = [dataclasses.replace(o, settings={**defaults, **o.settings}) for o in load_inventory(inventory)]
    assessment = load_for_outlets(checklist, answers_files, waivers_file, [o.id for o in outlets],
                                  reviews_files, trusted_keys)
    output = RunOutput(out_dir, checklist, (lang,)) if db is None else open_run_output(
        db, out_dir, checklist, (lang,), resume, outlets)
    kept = {k: slim(v) for k, v in output.finished().items()} if resume else {}
    for data in kept.values():
        output.add(data)
    todo = [o for o in outlets if o.id not in kept]
    if kept:
        err_console.print(t("run.resume", lang, done=len(kept), todo=len(todo)))
    options = AuditOptions(auditor=auditor, timeout_seconds=timeout_seconds, ca_file=ca_file, use_nmap=use_nmap, resolver=resolver,
                           trust_anchors=trust_anchors(trust_anchor), concurrency=concurrency, per_host=per_host, self_assessment=assessment)
    results = audit_outlets(checklist, todo, options, output, sys.stderr.isatty())
    output.write_summary()
    all_results = list(kept.values()) + results
    print_summary(all_results, out_dir, lang)
    final_exit(all_results)
