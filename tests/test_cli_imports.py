"""Commands load only what they use: the modules each command imports, not how long it takes.

Given a fresh interpreter, when `l3audit --help`, `l3audit probe tls` (against a real TLS server)
or `l3audit checklist lint` runs, then none of the heavy libraries it does not need is imported,
and no probe but the one it runs. `--help` lists every command from the table in `audit.cli`,
whose help key must be each command's own.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest

from audit.cli import COMMANDS, cli

HEAVY = ("jsonschema", "jinja2", "httpx", "openpyxl", "sqlalchemy")
FOR_PROBE_TLS_TOO = ("rich", "publicsuffixlist", "dns")  # the PSL is read only by probes that follow redirects
PROBE_PACKAGES = ("probes.tls", "probes.http", "probes.ports", "probes.exposure", "probes.dns", "probes.mail")
ROOT = Path(__file__).resolve().parents[1]

_RUN = """
import json, sys
from audit.cli import cli
try:
    cli.main(sys.argv[1:], prog_name="l3audit")
except SystemExit as exit:
    code = exit.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


def _imports(*args: str) -> tuple[int, set[str], str]:
    """Run `l3audit ARGS` in a fresh interpreter; its exit code, imported modules and stdout."""
    run = subprocess.run([sys.executable, "-c", _RUN, *args], capture_output=True, text=True, cwd=ROOT,
                         timeout=120, check=False)
    report = json.loads(run.stderr.strip().splitlines()[-1])
    return report["code"], set(report["modules"]), run.stdout


def _loaded(modules: set[str], packages: tuple[str, ...]) -> set[str]:
    return {p for p in packages if any(m == p or m.startswith(p + ".") for m in modules)}


def test_help_imports_no_command_module() -> None:
    code, modules, out = _imports("--help")
    assert code == 0 and "self-assess" in out and "aggregate" in out
    assert _loaded(modules, HEAVY + ("rich", "yaml", "cryptography", "probes")) == set()
    # audit.i18n and audit.cli.clicklang (standard library only) give click's "Usage:" its language
    assert not [m for m in modules if m.startswith("audit.") and m not in ("audit.cli", "audit.cli.clicklang", "audit.i18n")]


def test_probe_tls_imports_the_tls_probe_only(sites, ca_file: str) -> None:
    target = sites.https("imports.test")
    code, modules, out = _imports("probe", "tls", f"{target.host}:{target.port}", "--ca-file", ca_file,
                                  "--resolve", f"{target.host}:{target.port}:{target.address}")
    assert code == 0 and "tls.protocols.TLSv1.2 = true" in out, out
    assert _loaded(modules, HEAVY + FOR_PROBE_TLS_TOO) == set()
    assert _loaded(modules, PROBE_PACKAGES) == {"probes.tls"}
    assert not _loaded(modules, ("audit.catalogue", "audit.selfassess", "audit.report", "audit.department"))


def test_validating_a_checklist_imports_no_probe_code() -> None:
    code, modules, out = _imports("checklist", "lint", "l3-starter")
    assert code == 0, out
    assert _loaded(modules, PROBE_PACKAGES) == set()
    assert _loaded(modules, ("httpx", "openpyxl", "sqlalchemy", "cryptography")) == set()


def test_users_list_imports_no_web_framework(tmp_path: Path) -> None:
    """`l3audit users` shares the portal's rules (audit.portal.users) without loading Flask or gunicorn."""
    from audit.department.store import open_store

    open_store(str(tmp_path / "users.db")).close()
    code, modules, out = _imports("users", "list", "--db", str(tmp_path / "users.db"))
    assert code == 0, out
    assert _loaded(modules, ("flask", "flask_login", "flask_wtf", "flask_babel", "gunicorn", "werkzeug")) == set()


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_table_help_matches_the_command(name: str) -> None:
    command = cli.get_command(click.Context(cli), name)
    assert command is not None
    assert COMMANDS[name][1] == command.help
