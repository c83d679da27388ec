"""The outlet's overview: its latest report (the report's own view-model) and its history.

The verdict, score and fix-first list come from `audit.report.model.build_view`, the view-model the
HTML, PDF and Markdown reports are rendered from, so the portal says exactly what the report says.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from audit.catalogue.loader import Checklist
from audit.department.store import Store
from audit.i18n import t
from audit.portal.submit import outlet_submissions
from audit.portal.waivers import list_waivers
from audit.report.messages import msg
from audit.report.model import build_view
from audit.report.text import format_datetime, format_long_date, format_percent


def _waivers(store: Store, checklist: Checklist, outlet_id: str, document: dict[str, Any] | None, lang: str,
             today: dt.date) -> list[dict[str, Any]]:
    """The outlet's unrevoked portal waivers to the catalogue in force, soonest expiry first, each with a sentence
    on its expiry. An expiry takes effect at the outlet's next judgement, so a waiver past its day that the latest
    result still applies says so: the report above counts it until then."""
    applied = {str((r.get("waiver") or {}).get("id", "")) for r in (document or {}).get("requirements", [])
               if r.get("status") == "waived"}
    rows = []
    for w in list_waivers(store, outlet_id):
        if w.revoked_at or w.checklist_id != checklist.id:
            continue
        date = format_long_date(w.expires.isoformat(), lang)
        if w.state(today) == "active":
            note = t("portal.overview.waiver_active", lang, date=date, days=(w.expires - today).days)
        elif f"portal-{w.id}" in applied:
            note = t("portal.overview.waiver_expired_pending", lang, date=date)
        else:
            note = t("portal.overview.waiver_expired", lang, date=date)
        rows.append({"id": w.id, "requirement_id": w.requirement_id, "justification": w.justification,
                     "approver": w.approver, "state": w.state(today), "note": note})
    return rows


def outlet_overview(store: Store, checklist: Checklist, outlet_id: str, lang: str,
                    today: dt.date | None = None) -> dict[str, Any]:
    """The latest result's report view (None when nothing is stored), the outlet's waivers with their expiry,
    and the history, newest first."""
    results = store.results(outlet_id=outlet_id)
    withdrawn = store.withdrawn()
    counted = [r for r in results if r.id not in withdrawn]
    report = None
    document = None
    if counted:
        latest = counted[-1]
        document = store.documents([latest.id])[latest.id]
        report = build_view(document, checklist if latest.checklist_hash == checklist.content_hash else None, lang)
    history = [{"id": r.id, "finished": format_datetime(r.finished_at, lang), "verdict": msg(f"verdict.{r.verdict}", lang),
                "pass_percent": format_percent(r.pass_percent, lang), "withdrawn": r.id in withdrawn,
                "signed": bool(r.signer)} for r in reversed(results)]
    submitted = [{**s, "submitted": format_datetime(s["submitted_at"], lang)} for s in outlet_submissions(store, outlet_id)]
    waivers = _waivers(store, checklist, outlet_id, document, lang, today or dt.date.today())
    return {"report": report, "results": history, "submissions": submitted, "waivers": waivers}
