"""Launching a scan of an outlet from the officer's outlets page (audit.portal.scans does the work)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, g, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from audit.portal.access import roles_required
from audit.portal.scans import DEFAULT_OPTIONS, InProcessScans, ScanRefused, create_scan_job, send_to_queue, stored_outlet

bp = Blueprint("officer_scans", __name__, url_prefix="/officer")


def _pool() -> InProcessScans:
    """The app's in-process scan pool (one per app, made on first use)."""
    extensions = current_app.extensions
    if "l3audit_scans" not in extensions:
        extensions["l3audit_scans"] = InProcessScans()
    pool: InProcessScans = extensions["l3audit_scans"]
    return pool


@bp.route("/outlets/<outlet_id>/scan", methods=["POST"])
@roles_required("officer", "admin")
def launch(outlet_id: str) -> Response | tuple[str, int]:
    """Queue a scan of the outlet's sites (the queue with `serve --redis`, else a thread here)."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    store = current_app.extensions["l3audit_store"]
    outlet = stored_outlet(store, outlet_id)
    g.audit_detail = {"outlet_id": outlet_id}
    if outlet is None:
        g.audit_action = "scan.refused"
        return render_template("error.html", message="portal.scan.no_sites"), 400
    options = {**DEFAULT_OPTIONS, **current_app.config.get("L3AUDIT_SCAN_OPTIONS", {}),
               "auditor": current_user.username, "portal": True}
    checklist = current_app.extensions["l3audit_checklist"]
    try:
        job_id = create_scan_job(store, outlet, checklist.path, options)
    except ScanRefused as exc:
        g.audit_action = "scan.refused"
        return render_template("error.html", message=exc.key), 409
    redis_url = current_app.config.get("L3AUDIT_REDIS_URL")
    if redis_url:
        g.audit_detail["queued"] = send_to_queue(store, redis_url, job_id)
    else:
        _pool().submit(store, job_id)
    g.audit_action = "scan.launch"
    g.audit_detail.update(job=job_id, via="queue" if redis_url else "in-process")
    return redirect(url_for("officer.outlets"))  # type: ignore[return-value]
