"""`pip install .` (not editable) ships the checklists, schemas and templates, and l3audit finds them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_a_regular_install_ships_package_data(tmp_path: Path) -> None:
    target = tmp_path / "site"
    # Given a regular (non-editable) install into an empty folder, without dependencies
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
         "--target", str(target), str(ROOT)],
        check=True, capture_output=True, text=True, timeout=300,
    )
    # When l3audit runs from that folder (not from the source tree)
    env = dict(os.environ, PYTHONPATH=str(target))
    code = (
        "import audit, checklists, report_templates, probes.tls;"
        "from audit.cli import cli;"
        "assert audit.__file__.startswith(%r), audit.__file__;"
        "cli(['checklist', 'lint', 'l3-starter', '--lang', 'en'], standalone_mode=False)" % str(target)
    )
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    # Then the shipped checklist, its schema, the result schema and the templates are found
    assert run.returncode == 0, run.stderr
    assert "ok: l3-starter" in run.stdout
    for rel in ("checklists/l3-starter.yaml", "checklists/schema/checklist.schema.json",
                "audit/schemas/result.schema.json", "audit/schemas/inventory.schema.json",
                "audit/messages/vi/LC_MESSAGES/l3audit.mo", "audit/messages/en/LC_MESSAGES/l3audit.mo",
                "report_templates/report.html.j2", "report_templates/report.md.j2",
                "report_templates/report.css", "report_templates/snippets.yaml",
                "probes/ports/risky_ports.yaml", "probes/exposure/paths.yaml",
                "probes/tls/cipher_suites.json", "probes/tls/mozilla_profiles.json",
                "probes/http/observatory.yaml", "probes/http/owasp.yaml",
                "audit/portal/templates/base.html", "audit/portal/templates/questionnaire.html",
                "audit/portal/static/portal.css", "audit/portal/static/autosave.js",
                "audit/portal/templates/outlet_overview.html", "audit/portal/templates/evidence_refused.html",
                *(f"probes/{name}/facts.yaml" for name in ("tls", "http", "ports", "exposure"))):
        assert (target / rel).is_file(), rel
