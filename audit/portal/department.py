"""The department's area: the live dashboard, its exports (XLSX, PDF) and the inventory of outlets.

The dashboard is `l3audit aggregate`'s view-model (audit.department.aggregate.build), built from the
store; the page renders the same `dashboard_sections.html.j2` as the standalone HTML, the XLSX is
the aggregate's own writer, and the PDF is the standalone page printed by Chromium as reports are
(audit.report.pdf). Filters are those the view-model has, read from the
query string and checked before anything is built (a bad one is a 400 page that says which). A
built dashboard is kept while the store's fingerprint is unchanged (audit.portal.department_data).
The page shows 100 outlets at a time, of one verdict or all, worst first
(audit.portal.department_page); the exports hold every outlet of the filtered view.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, g, redirect, render_template, request, url_for
from flask_wtf.file import FileField, FileRequired
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

import report_templates
from audit.department.aggregate.build import Filters, build_dashboard
from audit.department.aggregate.html import dashboard_context, render_dashboard_html
from audit.department.aggregate.xlsx import render_dashboard_xlsx
from audit.department.dates import DateFilterError, window
from audit.errors import AuditError
from audit.i18n import error_text
from audit.portal.access import roles_required
from audit.portal.department_data import (DashboardCache, filter_choices, inventory_rows,
                                         replace_inventory_from_upload)
from audit.portal.department_page import STATUSES, PageChoice, PageError, Pager, clamped, page_of, parse_page
from audit.portal.forms import PortalForm
from audit.portal.locale import current_lang

bp = Blueprint("department", __name__, url_prefix="/department",
               template_folder=str(Path(report_templates.__file__).resolve().parent))
MAX_TAGS, MAX_TAG_LENGTH, MAX_WAIVER_DAYS = 20, 200, 3650
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_TIMEOUT_SECONDS = 45.0
"""Under gunicorn's worker timeout (60 s, audit.portal.server): a stuck Chromium gives our 503 page, not a killed worker."""


class InventoryUploadForm(PortalForm):
    """The admin's inventory upload (its CSRF token checked by Flask-WTF; the size by MAX_CONTENT_LENGTH)."""

    file = FileField(validators=[FileRequired()])


class FilterError(ValueError):
    """A query-string filter that is not valid; `key` names the catalogue message that says why."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def parse_filters(args: MultiDict[str, str], checklists: set[str]) -> Filters:
    """The view-model's filters from a query string: since, until, tag (repeatable), checklist, waiver_days."""
    since = (args.get("since") or "").strip() or None
    until = (args.get("until") or "").strip() or None
    try:
        window(since, until)
    except DateFilterError as exc:
        raise FilterError("portal.department.bad_date") from exc
    tags = tuple(dict.fromkeys(t.strip() for t in args.getlist("tag") if t.strip()))
    if len(tags) > MAX_TAGS or any(len(t) > MAX_TAG_LENGTH for t in tags):
        raise FilterError("portal.department.bad_tag")
    checklist = (args.get("checklist") or "").strip() or None
    if checklist is not None and checklist not in checklists:
        raise FilterError("portal.department.bad_checklist")
    days_text = (args.get("waiver_days") or "30").strip()
    if not days_text.isdigit() or int(days_text) > MAX_WAIVER_DAYS:
        raise FilterError("portal.department.bad_waiver_days")
    return Filters(since, until, tags, checklist, int(days_text))


def filters_query(f: Filters) -> str:
    """The query string of `f` (for the export links: the file shows what the page shows)."""
    pairs = [("since", f.since), ("until", f.until), *(("tag", t) for t in f.tags), ("checklist", f.checklist)]
    return urlencode([(k, v) for k, v in pairs if v] + [("waiver_days", str(f.waiver_days))])


def page_query(filters_part: str, status: str | None, page: int) -> str:
    """The query string of one page: the view's filters, then the status filter and the page number."""
    return filters_part + "&" + urlencode([*([("status", status)] if status else []), ("page", str(page))])


@dataclass
class _Page:
    """One page of a built dashboard, rendered once (the same HTML for every officer)."""

    context: dict[str, Any]
    sections: Markup
    pager: Pager


@dataclass
class _Built:
    """One dashboard as built for a filter and a language: the view-model, and its pages as rendered
    (each made on first display; exports need only the view-model)."""

    view: dict[str, Any]
    pages: dict[PageChoice, _Page] = field(default_factory=dict)


def _built() -> tuple[_Built, dict[str, Any]]:
    """The dashboard for this request's filters (FilterError for a bad one), and the filter choices."""
    store = current_app.extensions["l3audit_store"]
    choices = filter_choices(store)
    filters = parse_filters(request.args, set(choices["checklists"]))
    lang = current_lang()
    cache = current_app.extensions.setdefault("l3audit_dashboard_cache", DashboardCache())
    built = cache.get(store, filters, lang, lambda: _Built(build_dashboard(store, filters, lang)))
    return built, choices | {"query": filters_query(filters)}


@bp.errorhandler(FilterError)
@bp.errorhandler(PageError)
def _bad_filter(exc: FilterError | PageError) -> tuple[str, int]:
    return render_template("error.html", message=exc.key), 400


def _download(data: bytes, mimetype: str, suffix: str) -> Response:
    name = f"dashboard-{dt.date.today().isoformat()}.{suffix}"
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("")
@roles_required("officer", "admin")
def dashboard() -> str:
    """The live dashboard with its filter form and export links; one page of outlets, worst first."""
    choice = parse_page(request.args)
    built, choices = _built()
    choice = clamped(built.view, choice)
    shown = built.pages.get(choice)
    if shown is None:  # the same HTML for every officer: rendered once per build and page
        view, pager = page_of(built.view, choice)
        context = dashboard_context(view)
        shown = _Page(context, Markup(render_template("dashboard_sections.html.j2", **context)), pager)
        built.pages[choice] = shown
    links = {n: page_query(choices["query"], choice.status, n) for n in (shown.pager.page - 1, shown.pager.page + 1)
             if 1 <= n <= shown.pager.pages}
    return render_template("department.html", v=built.view, w=shown.context["w"], sections=shown.sections,
                           choices=choices, pager=shown.pager, status=choice.status, statuses=STATUSES,
                           verdicts=shown.context["verdicts"], links=links)


@bp.route("/dashboard.xlsx")
@roles_required("officer", "admin")
def export_xlsx() -> Response:
    """The filtered dashboard as the aggregate's workbook."""
    built, choices = _built()
    g.audit_action, g.audit_detail = "dashboard.export", {"format": "xlsx", "query": choices["query"]}
    return _download(render_dashboard_xlsx(built.view), XLSX_TYPE, "xlsx")


@bp.route("/dashboard.pdf")
@roles_required("officer", "admin")
def export_pdf() -> Response | tuple[str, int]:
    """The filtered dashboard printed by Chromium; a clear 503 page when Chromium is missing or fails."""
    from audit.report.pdf import PdfError, find_chromium, html_to_pdf

    built, choices = _built()
    g.audit_action, g.audit_detail = "dashboard.export", {"format": "pdf", "query": choices["query"]}
    if find_chromium() is None:
        return render_template("error.html", message="portal.department.pdf_missing"), 503
    try:
        pdf = html_to_pdf(render_dashboard_html(built.view), timeout_seconds=PDF_TIMEOUT_SECONDS)
    except PdfError as exc:
        current_app.logger.warning("dashboard PDF: %s", exc)
        return render_template("error.html", message="portal.department.pdf_failed"), 503
    return _download(pdf, "application/pdf", "pdf")


def _inventory_page(message: str = "", detail: str = "", status: int = 200, **values: Any) -> tuple[str, int]:
    store = current_app.extensions["l3audit_store"]
    return render_template("department_outlets.html", rows=inventory_rows(store), form=InventoryUploadForm(),
                           message=message, message_values=values, failed=status >= 400, detail=detail), status


@bp.route("/outlets", methods=["GET"])
@roles_required("officer", "admin")
def outlets() -> tuple[str, int]:
    """The inventory: every outlet with its tags and the sites of its latest result (admins may import one)."""
    imported = request.args.get("imported", "")
    return _inventory_page("portal.inventory.imported", n=int(imported)) if imported.isdigit() else _inventory_page()


@bp.route("/outlets", methods=["POST"])
@roles_required("admin")
def import_outlets() -> Response | tuple[str, int]:
    """Replace the inventory with an uploaded YAML file, read through the hardened inventory loader."""
    form = InventoryUploadForm()
    if not form.validate_on_submit():
        return _inventory_page("portal.inventory.invalid", status=400)
    upload = form.file.data
    with tempfile.TemporaryDirectory(prefix="l3audit-inventory-") as work:
        path = Path(work) / "inventory.yaml"  # our own name: the upload's file name is never used as a path
        upload.save(str(path))
        try:
            count = replace_inventory_from_upload(current_app.extensions["l3audit_store"], path)
        except AuditError as exc:
            g.audit_action, g.audit_detail = "inventory.refused", {"error": str(exc)[:500]}
            return _inventory_page("portal.inventory.invalid", detail=error_text(exc, current_lang()).replace(str(path), "inventory.yaml"),
                                   status=400)
    g.audit_action, g.audit_detail = "inventory.import", {"outlets": count}
    return redirect(url_for("department.outlets", imported=count))  # type: ignore[return-value]
