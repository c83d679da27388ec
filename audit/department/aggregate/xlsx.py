"""The dashboard as an Excel workbook (openpyxl): one sheet per section, header rows frozen.

Departments forward spreadsheets; each sheet is a plain table (no formulas, no macros) so the
numbers stay the ones the dashboard shows.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from audit.department.aggregate.csv import safe_cell
from audit.department.aggregate.text import label

INVALID_TITLE = set('[]:*?/\\')
FILLS = {"good": "ACEEBB", "warn": "FAE17D", "bad": "FF8182", "none": "EAEEF2"}


def _sheet(book: Workbook, title: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> Any:
    clean = "".join(" " if ch in INVALID_TITLE else ch for ch in title).strip()[:31]
    while clean in book.sheetnames:  # titles must be unique; long catalogue ids may collide once cut
        clean = clean[:28] + f" {len(book.sheetnames)}"
    sheet = book.create_sheet(clean)
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(["" if v is None else safe_cell(v) for v in row])
    sheet.freeze_panes = "A2"
    return sheet


def render_dashboard_xlsx(view: dict[str, Any]) -> bytes:
    """The workbook bytes for a view-model built by `build_dashboard`."""
    lang = view["lang"]
    w = lambda key: label(key, lang)
    book = Workbook()
    book.remove(book.active)
    _sheet(book, w("catalogue"), [w("catalogue"), "id", w("outlets"), w("compliant"), w("not_compliant"),
                                  w("incomplete"), w("share") + " (%)", w("target") + " (%)", w("gap")],
           [[c["title"], c["id"], c["outlets"], c["compliant"], c["not_compliant"], c["incomplete"],
             c["share_percent"], c["target_percent"], c["gap"]] for c in view["catalogues"]])
    _sheet(book, w("outlets"), ["id", w("outlet"), w("tags"), w("catalogue"), w("verdict"), w("score"),
                                w("coverage") + " (%)", w("failed"), w("trend"), w("last_audit")],
           [[o["id"], o["name"], ", ".join(o["tags"]), o["catalogue"], label(f"verdict.{o['verdict']}", lang),
             o["pass_percent"], o["coverage_percent"], o["fail"], w(f"trend.{o['trend']}"), o["finished_at"]]
            for o in view["outlets"]])
    for heat in view["heatmaps"]:
        title = label("heatmap_sheet", lang, catalogue=heat["catalogue"])
        sheet = _sheet(book, title, [w("outlet")] + [g["title"] for g in heat["groups"]],
                       [[r["name"]] + [c["percent"] for c in r["cells"]] for r in heat["rows"]])
        for row_index, row in enumerate(heat["rows"], start=2):
            for col_index, cell in enumerate(row["cells"], start=2):
                sheet.cell(row_index, col_index).fill = PatternFill("solid", fgColor=FILLS[cell["level"]])
    _sheet(book, w("top_failed")[:31], [w("requirement"), w("catalogue"), w("failed_outlets"), w("outlets"), "%"],
           [[f"{r['requirement_id']} {r['title']}", r["catalogue"], r["failed"], r["outlets"], r["share_percent"]]
            for r in view["top_failed"]])
    _sheet(book, w("regressions")[:31], [w("outlet"), w("catalogue"), w("before"), w("after"), w("regressed_reqs")],
           [[r["name"], r["catalogue"], label(f"verdict.{r['from_verdict']}", lang), label(f"verdict.{r['to_verdict']}", lang),
             ", ".join(r["requirements"])] for r in view["regressions"]])
    _sheet(book, w("waivers")[:31], [w("outlet"), w("requirement"), w("waiver"), w("expires"), w("days_left")],
           [[x["outlet_name"], x["requirement_id"], x["waiver_id"], x["expires"], x["days_left"]] for x in view["waivers"]])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
