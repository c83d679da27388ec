"""Writing a run's results to a folder as each outlet finishes, and resuming an interrupted run.

Layout: `<out>/<outlet-id>.json` (the result), `<out>/<outlet-id>.<lang>.html` (the report) and
`<out>/summary.json` (one line per outlet). Every file is written atomically, so an interrupted run
keeps exactly the outlets it finished, and `--resume` skips those whose result matches the checklist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from audit.checklist import Checklist
from audit.errors import ResultError
from audit.exitcodes import exit_code_for
from audit.models import OutletResult
from audit.report import render_html
from audit.result import load_result, result_to_dict, write_json_atomic, write_text_atomic


@dataclass
class RunOutput:
    """A run's output folder."""

    folder: Path
    checklist: Checklist
    langs: tuple[str, ...] = ("vi",)
    written: list[dict[str, Any]] = field(default_factory=list)

    def result_path(self, outlet_id: str) -> Path:
        """Where an outlet's JSON result goes."""
        return self.folder / f"{outlet_id}.json"

    def finished(self) -> dict[str, dict[str, Any]]:
        """Results already in the folder for this checklist (by outlet id), for `--resume`.

        A file that cannot be read, or was judged against another checklist version, does not count.
        """
        done: dict[str, dict[str, Any]] = {}
        for path in sorted(self.folder.glob("*.json")):
            if path.name == "summary.json":
                continue
            try:
                data = load_result(path)
            except ResultError:
                continue
            if data["checklist"]["content_hash"] == self.checklist.content_hash:
                done[data["outlet"]["id"]] = data
        return done

    def write(self, result: OutletResult) -> dict[str, Any]:
        """Write one outlet's result and reports now; return the result as data."""
        data = result_to_dict(result)
        write_json_atomic(self.result_path(result.outlet.id), data)
        for lang in self.langs:
            html = render_html(data, self.checklist, lang)
            write_text_atomic(self.folder / f"{result.outlet.id}.{lang}.html", html)
        self.add(data)
        return data

    def add(self, data: dict[str, Any]) -> None:
        """Count a result (written now, or kept from an earlier run) in the run summary."""
        self.written.append(data)

    def write_summary(self) -> Path:
        """Write `summary.json` for the results counted so far."""
        rows = [{
            "outlet": d["outlet"]["id"],
            "name": d["outlet"]["name"],
            "verdict": d["summary"]["verdict"],
            "counts": d["summary"]["counts"],
            "pass_percent": d["summary"].get("pass_percent"),
            "coverage_percent": d["summary"].get("coverage_percent"),
            "result": self.result_path(d["outlet"]["id"]).name,
        } for d in sorted(self.written, key=lambda d: d["outlet"]["id"])]
        path = self.folder / "summary.json"
        write_json_atomic(path, {
            "checklist": self.checklist.id,
            "content_hash": self.checklist.content_hash,
            "outlets": rows,
            "exit_code": exit_code_for(self.written),
        })
        return path
