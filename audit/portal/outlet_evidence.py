"""Evidence on the questionnaire: upload a file to a row, download it (always as an attachment), remove it.

Uploads are the one place a larger body is accepted: the limit is raised for these routes only
(`L3AUDIT_EVIDENCE_MAX_BYTES`, 10 MiB by default, plus room for the form around the file) before
the CSRF check reads the form. Downloads are `application/octet-stream`, `attachment` and `nosniff`
whatever the file holds, so an uploaded HTML or SVG page never runs in the portal's origin.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, current_app, g, redirect, render_template, request, send_file
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from audit.portal.access import roles_required
from audit.portal.evidence import (
    ALLOWED,
    DEFAULT_MAX_BYTES,
    EvidenceTooLargeError,
    EvidenceTypeError,
    add_evidence,
    download_name,
    evidence_path,
    find_evidence,
    remove_evidence,
    write_evidence,
)
from audit.portal.forms import ActionForm
from audit.portal.questionnaire_pages import row_url
from audit.selfassess.questionnaire import questions

bp = Blueprint("evidence", __name__, url_prefix="/outlet")
FORM_OVERHEAD_BYTES = 64 * 1024  # the CSRF token, the row id and the multipart boundaries around the file


def max_bytes() -> int:
    """The configured size limit of one evidence file."""
    return int(current_app.config.get("L3AUDIT_EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES))


@bp.url_value_preprocessor
def _upload_limit(endpoint: str | None, _values: dict[str, Any] | None) -> None:
    # URL value preprocessors run before every before_request function, so the larger limit is in
    # place when Flask-WTF's CSRF check parses the form (Flask 3.1: per-request max_content_length).
    if endpoint == "evidence.upload":
        request.max_content_length = max_bytes() + FORM_OVERHEAD_BYTES


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_exc: Exception) -> tuple[str, int]:
    g.audit_action = "evidence.too_large"
    return _refused("portal.evidence.too_large", 413)


def _refused(message: str, status: int) -> tuple[str, int]:
    values = {"mib": f"{max_bytes() / (1024 * 1024):g}", "types": ", ".join(sorted(ALLOWED))}
    return render_template("evidence_refused.html", message=message, values=values,
                           outlet_id=request.view_args.get("outlet_id", "") if request.view_args else ""), status


def _data_dir() -> Path:
    return Path(current_app.extensions["l3audit_data"])


@bp.route("/<outlet_id>/evidence", methods=["POST"])
@roles_required("outlet")
def upload(outlet_id: str) -> Any:
    """Store the file under its SHA-256 and list it on the row; refused types 415, too large 413."""
    ActionForm()  # CSRFProtect has checked the token already
    requirement_id = request.form.get("requirement_id", "")
    if requirement_id not in {q.requirement_id for q in questions(current_app.extensions["l3audit_checklist"])}:
        abort(400)
    upload_file = request.files.get("file")
    if upload_file is None or not upload_file.filename:
        return _refused("portal.evidence.no_file", 400)
    try:
        stored = write_evidence(_data_dir(), upload_file.stream, upload_file.filename, max_bytes())  # type: ignore[arg-type]
    except EvidenceTypeError:
        g.audit_action = "evidence.refused_type"
        return _refused("portal.evidence.type_refused", 415)
    except EvidenceTooLargeError:
        g.audit_action = "evidence.too_large"
        return _refused("portal.evidence.too_large", 413)
    row = add_evidence(current_app.extensions["l3audit_store"], outlet_id, requirement_id, stored,
                       upload_file.filename, current_user.username)
    g.audit_action = "evidence.upload"
    g.audit_detail = {"outlet_id": outlet_id, "requirement_id": requirement_id, "sha256": stored.sha256,
                      "size": stored.size, "evidence_id": row}
    return redirect(row_url(current_app.extensions["l3audit_checklist"], outlet_id, requirement_id))


@bp.route("/<outlet_id>/evidence/<sha256>", methods=["GET"])
@roles_required("outlet", "officer", "admin")
def download(outlet_id: str, sha256: str) -> Response:
    """The file as a download: octet-stream, attachment, nosniff; only files this outlet uploaded."""
    row = find_evidence(current_app.extensions["l3audit_store"], outlet_id, sha256.lower())
    if row is None:
        abort(404)
    path = evidence_path(_data_dir(), str(row["sha256"]))
    if not path.is_file():
        abort(404)
    g.audit_detail = {"outlet_id": outlet_id, "sha256": row["sha256"]}
    response = send_file(path, mimetype="application/octet-stream", as_attachment=True,
                         download_name=download_name(str(row["filename"])), max_age=0, conditional=False, etag=False)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/<outlet_id>/evidence/<int:evidence_id>/remove", methods=["POST"])
@roles_required("outlet")
def remove(outlet_id: str, evidence_id: int) -> Any:
    """Take a file off its row; the file itself stays (a submission may name it)."""
    ActionForm()
    if not remove_evidence(current_app.extensions["l3audit_store"], outlet_id, evidence_id):
        abort(404)
    g.audit_action = "evidence.remove"
    g.audit_detail = {"outlet_id": outlet_id, "evidence_id": evidence_id}
    return redirect(row_url(current_app.extensions["l3audit_checklist"], outlet_id, request.form.get("requirement_id", "")))
