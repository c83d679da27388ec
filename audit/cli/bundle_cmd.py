"""`l3audit keys generate`, `l3audit bundle sign` and `l3audit import`: signed submissions.

An outlet (or an inspector) generates a key once and sends the department its public part; the
department lists it in a trusted-keys file with the outlets it may submit for. The outlet signs each
result into a bundle; the department imports bundles, which are verified completely before anything
is stored (exit 2 when any bundle is refused, with the reason).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from audit.cli.clicklang import command, group
from audit.department.bundle import IMPORTED, NEW_SUBMISSION, import_bundle, sign_bundle, verify_bundle
from audit.cli.common import err_console, plain
from audit.cli.options import current_lang, handle_errors, lang_flag
from audit.cli.store_cmd import db_option
from audit.errors import AuditError
from audit.i18n import error_text, t
from audit.inventory import load_inventory
from audit.department.keys import DEFAULT_ROLE, ROLES, generate_key, load_trusted_keys
from audit.department.store import open_store


@group(help="help.keys")
def keys() -> None:
    """Signing keys for submissions (Ed25519). Khóa ký số cho hồ sơ nộp."""


@keys.command("generate", help="help.keys.generate")
@click.option("--name", required=True, help="help.keys.generate.name")
@click.option("--dir", "folder", type=click.Path(file_okay=False, path_type=Path), default=Path("."), show_default=True)
@click.option("--outlet", "outlets", multiple=True, help="help.keys.generate.outlets")
@click.option("--role", type=click.Choice(ROLES), default=DEFAULT_ROLE, show_default=True,
              help="help.keys.generate.role")
@lang_flag
@handle_errors
def keys_generate(name: str, folder: Path, outlets: tuple[str, ...], role: str) -> None:
    """Make a key pair; send NAME.pub.yaml to the department, keep NAME.key secret."""
    private, public, kid = generate_key(folder, name, outlets, role)
    click.echo(f"{kid}\t{private}\t{public}")
    err_console.print(t("keys.generated", current_lang(), private=private, public=public), highlight=False)


@group(help="help.bundle")
def bundle() -> None:
    """Signed result bundles. Gói kết quả có chữ ký số."""


@bundle.command("sign", help="help.bundle.sign")
@click.argument("result", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--key", "key", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
              help="help.bundle.sign.key")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="help.bundle.sign.output")
@click.option("--answers", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="help.bundle.sign.answers")
@click.option("--evidence", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="help.bundle.sign.evidence")
@click.option("--signer", "signer_name", default="", help="help.bundle.sign.signer_name")
@lang_flag
@handle_errors
def bundle_sign(result: Path, key: Path, output: Path, answers: Path | None, evidence: tuple[Path, ...],
                signer_name: str) -> None:
    """Sign RESULT (a result JSON file) into a bundle for the department."""
    kid = sign_bundle(result, key, output, signer_name, answers, evidence)
    err_console.print(t("bundle.signed", current_lang(), path=plain(output), kid=kid), highlight=False)


@command("import", help="help.import")
@click.argument("bundles", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--trusted-keys", "trusted", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="help.import.trusted")
@click.option("--inventory", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="help.import.inventory")
@click.option("--round", "round_label", default=None, help="help.import.round_label")
@click.option("--checklist", "checklist_ref", default=None,
              help="help.import.checklist_ref")
@click.option("--withdraw", "withdraw_digest", default=None, metavar="DIGEST",
              help="help.import.withdraw_digest")
@click.option("--reason", default="", help="help.import.reason")
@db_option
@lang_flag
@handle_errors
def import_(bundles: tuple[Path, ...], trusted: Path | None, inventory: Path | None, round_label: str | None,
            checklist_ref: str | None, withdraw_digest: str | None, reason: str, db: str) -> None:
    """Verify signed BUNDLES and store their results (importing twice stores once).

    Nhập hồ sơ có chữ ký số: kiểm tra chữ ký và người ký trước khi lưu. `--withdraw DIGEST --reason ...`
    marks a wrong import withdrawn: kept and logged, no longer counted on the dashboard.
    """
    if withdraw_digest is not None:
        if not reason.strip() or bundles:
            raise click.UsageError(t("import.usage.withdraw", current_lang()))
        with open_store(db, must_exist=True) as store:
            result_id = store.withdraw(withdraw_digest, reason.strip())
        err_console.print(t("import.withdrawn", current_lang(), id=result_id, reason=plain(reason.strip())), highlight=False)
        return
    if not bundles or trusted is None:
        raise click.UsageError(t("import.usage.bundles", current_lang()))
    trusted_keys = load_trusted_keys(trusted)
    known = {o.id for o in load_inventory(inventory)} if inventory else None
    checklist = None
    if checklist_ref:
        from audit.catalogue.loader import load_checklist

        checklist = load_checklist(checklist_ref)
    refused = 0
    with open_store(db) as store:
        for path in bundles:
            try:
                verified = verify_bundle(path, trusted_keys, known, checklist)
                result_id, done = import_bundle(verified, store, round_label)
            except AuditError as exc:
                refused += 1
                err_console.print(f"[red]{t('import.refused', current_lang())}:[/red] {plain(error_text(exc, current_lang()))}",
                                  highlight=False, soft_wrap=True)
                continue
            lang = current_lang()
            state = t({IMPORTED: "import.imported", NEW_SUBMISSION: "import.new_submission"}.get(done, "import.already"), lang)
            err_console.print(t("import.line", lang, path=plain(path), state=state, id=result_id,
                                outlet=plain(verified.result["outlet"]["id"]), signer=verified.signer.id,
                                signer_name=plain(verified.signer.name), bundle=verified.sha256[:16]), highlight=False)
    sys.exit(2 if refused else 0)


def register(group: click.Group) -> None:
    """Add this module's commands to the l3audit group."""
    for cmd in (keys, bundle, import_):
        group.add_command(cmd)
