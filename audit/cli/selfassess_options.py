"""Options and helpers shared by the self-assessment commands and by `scan` / `run` (`--answers`, `--waivers`)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from audit.selfassess.answers import AnswersError
from audit.catalogue.loader import Checklist
from audit.cli.common import get_checklist
from audit.cli.options import current_lang
from audit.i18n import phrase, t

out_option = click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
                          help="help.option.output")
tailoring_option = click.option("--tailoring", "tailoring_file", type=click.Path(exists=True, dir_okay=False),
                                help="help.self-assess.check.tailoring_file")
outlet_option = click.option("--outlet", default=None, help="help.option.outlet")


def tt(key: str) -> str:
    """A message in the command's language (`--lang`, else the default one)."""
    return t(key, current_lang())


def new_file(path: Path) -> Path:
    """`path`, refused when it exists: l3audit writes new files and never overwrites one."""
    if os.path.lexists(path):  # a dangling link too: writing would create its target
        raise AnswersError(phrase("error.output.exists"), path=str(path), hint=phrase("error.output.exists.hint"))
    return path


def catalogue(ref: str, tailoring_file: str | None) -> Checklist:
    """The catalogue the answers are for: `--checklist`, or the one a `--tailoring` file shapes."""
    if tailoring_file:
        # Loaded only when used: tailoring is optional input.
        from audit.catalogue.tailoring import tailor_checklist

        return tailor_checklist(tailoring_file)
    return get_checklist(ref)


def self_assessment_options(func: Any) -> Any:
    """`--answers FILE` (repeatable, one per outlet), `--reviews FILE` (repeatable, signed by reviewers),
    `--trusted-keys FILE` (to verify them) and `--waivers FILE` for `scan` and `run`."""
    func = click.option("--trusted-keys", "trusted_keys", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                        help="help.option.trusted_keys")(func)
    func = click.option("--reviews", "reviews_files", multiple=True,
                        type=click.Path(exists=True, dir_okay=False, path_type=Path),
                        help="help.option.reviews_files")(func)
    func = click.option("--waivers", "waivers_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                        help="help.option.waivers_file")(func)
    return click.option("--answers", "answers_files", multiple=True,
                        type=click.Path(exists=True, dir_okay=False, path_type=Path),
                        help="help.option.answers_files")(func)
