"""Valid seed files for every loader of user files, and the loaders themselves, for the hostile-file tests."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Callable

from audit.catalogue.loader import Checklist, load_checklist
from audit.catalogue.tailoring import tailor_checklist
from audit.department.bundle import sign_bundle, verify_bundle
from audit.department.keys import generate_key, load_trusted_keys
from audit.inventory import load_inventory
from audit.report.migrate import read_result_for_report
from audit.result import load_result
from audit.selfassess.answers import Answer, AnswerValue, dump_answers, empty_answer_set, load_answers
from audit.selfassess.waivers import load_waivers
from audit.selfassess.workbook import export_workbook, import_workbook
from tests.selfassess.support import write_checklist

GOLDEN = Path(__file__).resolve().parent.parent / "golden"

WAIVERS = ("schema: l3audit/waivers/v1\nwaivers:\n  - id: W1\n    requirement: OPS-01\n    outlet: '*'\n"
           "    justification: lý do\n    approver: Cục\n    created: 2026-11-01\n    expires: 2027-01-01\n")
TAILORING = ("schema: l3audit/tailoring/v1\nid: bao-mau\nchecklist: tcvn11930-2017-l3\nlevel: 3\nnot_applicable:\n"
             "  - id: L3-MGT-POL-01\n    justification: {vi: \"Thử nghiệm\", en: \"Test\"}\n")
INVENTORY = ("outlets:\n  - id: bao-mau\n    name: Báo Mẫu\n    contact: {name: Phòng Kỹ thuật, email: kt@bao-mau.test}\n"
             "    sites: [\"https://127.14.0.1:8443\"]\n")


class Seeds:
    """Seed files in one folder, the catalogue they belong to, and a loader per kind of file."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.checklist_file = write_checklist(folder)
        self.checklist: Checklist = load_checklist(self.checklist_file)
        answers = empty_answer_set(self.checklist, "bao-mau").with_answer(
            Answer("POL-01", AnswerValue.IMPLEMENTED, text="Quy chế 2026", answered_at="2026-11-20"))
        self.texts: dict[str, str] = {
            "answers": dump_answers(answers), "waivers": WAIVERS, "tailoring": TAILORING, "inventory": INVENTORY,
            "checklist": self.checklist_file.read_text(encoding="utf-8"),
        }
        _private, public, _kid = generate_key(folder, "bao-mau", ("bao-mau-an-toan",))
        self.texts["trusted"] = public.read_text(encoding="utf-8")
        self.trusted = load_trusted_keys(public)
        result = folder / "result.json"
        shutil.copy(GOLDEN / "result-good.json", result)
        self.texts["result"] = result.read_text(encoding="utf-8")
        sign_bundle(result, folder / "bao-mau.key", folder / "bundle.json")
        self.texts["bundle"] = (folder / "bundle.json").read_text(encoding="utf-8")
        export_workbook(self.checklist, folder / "book.xlsx", answers)
        self.workbook = (folder / "book.xlsx").read_bytes()

    def loaders(self) -> dict[str, Callable[[Path], Any]]:
        """Kind of file -> the function that reads one (what the CLI calls)."""
        return {
            "answers": lambda p: load_answers(p, self.checklist),
            "waivers": lambda p: load_waivers(p, self.checklist),
            "tailoring": tailor_checklist,
            "inventory": load_inventory,
            "checklist": load_checklist,
            "trusted": load_trusted_keys,
            "result": load_result,
            "report-result": read_result_for_report,
            "bundle": lambda p: verify_bundle(p, self.trusted),
            "workbook": lambda p: import_workbook(p, self.checklist),
        }
