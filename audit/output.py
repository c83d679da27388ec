"""Writing a run's results to a folder as each outlet finishes, and resuming an interrupted run.

Layout: `<out>/<outlet-id>.json` (the result), `<out>/<outlet-id>.<lang>.html` (the report; `write_pdfs`
adds `<outlet-id>.<lang>.pdf`) and
`<out>/summary.json` (one line per outlet). Every file is written atomically, so an interrupted run
keeps exactly the outlets it finished, and `--resume` skips those whose result matches the checklist.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from audit.catalogue.loader import Checklist
from audit.errors import ResultError, Text
from audit.exitcodes import exit_code_for
from audit.i18n import phrase, said_by
from audit.models import OutletResult
from audit.report.formats import render_html, render_pdf
from audit.report.pdf import PdfError
from audit.result import load_result, result_to_dict, write_json_atomic, write_text_atomic


@dataclass
class RunOutput:
    """A run's output folder."""

    folder: Path
    checklist: Checklist
    langs: tuple[str, ...] = ("vi",)
    written: list[dict[str, Any]] = field(default_factory=list)
    notes: list[Text] = field(default_factory=list)
    """Why a PDF is missing, one note per cause (phrases: said in the command's language by the caller)."""
    """Things the caller should tell the user (for example why no PDF was written)."""

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

    def write_pdfs(self) -> list[Path]:
        """Print `<outlet-id>.<lang>.pdf` for every result counted so far (headless Chromium, two at once).

        Called after the scan, never from `write`: a browser run inside the audit's event loop would
        stall the probes still in flight. Without Chromium nothing is written and `notes` says why.
        """
        jobs = [(d["outlet"]["id"], lang) for d in self.written for lang in self.langs]

        def one(job: tuple[str, str]) -> Path | None:
            outlet_id, lang = job
            try:
                data = load_result(self.result_path(outlet_id))  # one result in memory per worker
                body = render_pdf(data, self.checklist, lang)
            except ResultError as exc:
                self._note(phrase("output.no_pdf_for", outlet=outlet_id, error=said_by(exc)))
                return None
            except PdfError as exc:
                self._note(exc.phrase)
                return None
            path = self.folder / f"{data['outlet']['id']}.{lang}.pdf"
            tmp = path.with_name(f".{path.name}.tmp")
            tmp.write_bytes(body)
            tmp.replace(path)
            return path

        with ThreadPoolExecutor(max_workers=2) as pool:
            return [p for p in pool.map(one, jobs) if p is not None]

    def _note(self, note: Text) -> None:
        if str(note) not in (str(n) for n in self.notes):
            self.notes.append(note)

    def add(self, data: dict[str, Any]) -> None:
        """Count a result (written now, or kept from an earlier run) in the run summary.

        Only its summary row is kept, so memory stays bounded however many outlets a run has.
        """
        self.written.append(slim(data))

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


def slim(data: dict[str, Any]) -> dict[str, Any]:
    """The part of a result the run summary and the exit code need: outlet id and name, and summary."""
    return {"outlet": {"id": data["outlet"]["id"], "name": data["outlet"]["name"]}, "summary": data["summary"]}
