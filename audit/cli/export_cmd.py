"""`l3audit export RESULT_ID -o FILE`: a stored result back out as a result file, for `l3audit report`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from audit.cli.clicklang import command
from audit.cli.common import err_console, plain
from audit.cli.options import current_lang, handle_errors, lang_flag
from audit.cli.store_cmd import db_option
from audit.department.store import open_store
from audit.i18n import t
from audit.userfiles.output import check_output


@command("export", help="help.export")
@click.argument("result_id", type=click.IntRange(min=1))
@db_option
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="help.export.output")
@lang_flag
@handle_errors
def export(result_id: int, db: str, output: Path) -> None:
    """Write stored result RESULT_ID (see 'l3audit history OUTLET') as a result file for 'l3audit report'."""
    from audit.result import write_json_atomic

    check_output(output)
    with open_store(db, must_exist=True) as store:
        found = store.documents([result_id]).get(result_id)
    if found is None:
        err_console.print(f"{t('cli.error', current_lang())} {t('export.no_result', current_lang(), id=result_id)}",
                          highlight=False)
        sys.exit(2)
    write_json_atomic(output, found)
    err_console.print(t("export.written", current_lang(), path=plain(output), id=result_id,
                        outlet=plain(found["outlet"]["id"])), highlight=False)
