"""The officer's area: every outlet of the inventory, its latest stored result and its latest scan."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_wtf import FlaskForm

from audit.portal.access import roles_required
from audit.portal.scans import latest_jobs

bp = Blueprint("officer", __name__, url_prefix="/officer")


@bp.route("/outlets")
@roles_required("officer", "admin")
def outlets() -> str:
    """The inventory (and any outlet with results but not in it), each with its latest verdict."""
    store = current_app.extensions["l3audit_store"]
    latest = {r.outlet_id: r for r in store.results()}  # oldest first: the last one wins
    rows = [{"id": e["id"], "name": e["name"], "latest": latest.get(e["id"])} for e in store.inventory()]
    listed = {r["id"] for r in rows}
    rows += [{"id": oid, "name": r.outlet_name, "latest": r} for oid, r in sorted(latest.items()) if oid not in listed]
    return render_template("outlets.html", rows=rows, jobs=latest_jobs(store), action=FlaskForm())
