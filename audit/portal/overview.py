"""The outlet's overview: its latest report (the report's own view-model) and its history.

The verdict, score and fix-first list come from `audit.report.model.build_view`, the view-model the
HTML, PDF and Markdown reports are rendered from, so the portal says exactly what the report says.
"""

from __future__ import annotations

from typing import Any

from audit.catalogue.loader import Checklist
from audit.department.store import Store
from audit.portal.submit import outlet_submissions
from audit.report.messages import msg
from audit.report.model import build_view
from audit.report.text import format_datetime, format_percent


def outlet_overview(store: Store, checklist: Checklist, outlet_id: str, lang: str) -> dict[str, Any]:
    """The latest result's report view (None when nothing is stored) and the history, newest first."""
    results = store.results(outlet_id=outlet_id)
    withdrawn = store.withdrawn()
    counted = [r for r in results if r.id not in withdrawn]
    report = None
    if counted:
        latest = counted[-1]
        document = store.documents([latest.id])[latest.id]
        report = build_view(document, checklist if latest.checklist_hash == checklist.content_hash else None, lang)
    history = [{"id": r.id, "finished": format_datetime(r.finished_at, lang), "verdict": msg(f"verdict.{r.verdict}", lang),
                "pass_percent": format_percent(r.pass_percent, lang), "withdrawn": r.id in withdrawn,
                "signed": bool(r.signer)} for r in reversed(results)]
    submitted = [{**s, "submitted": format_datetime(s["submitted_at"], lang)} for s in outlet_submissions(store, outlet_id)]
    return {"report": report, "results": history, "submissions": submitted}
