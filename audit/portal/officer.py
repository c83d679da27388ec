"""The officer's area: every outlet of the inventory and its latest stored result."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from audit.portal.access import roles_required

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
    return render_template("outlets.html", rows=rows)
