"""The tables of the results database, as SQLAlchemy Core metadata (the current schema version).

A result is stored whole (`results.document`, the JSON exactly as `l3audit run` writes it) plus the
columns queries need: outlet, checklist id and content hash, timestamps, verdict, score, coverage and
counts. `requirement_results` holds one status per requirement so diffs and the dashboard never parse
documents. `rounds` groups results (one `run`, or the imports of one day) so two rounds can be
compared. `submissions` records signed bundles that were imported. The tables are created and changed
only by `audit.department.store.migrations`; this module describes them for queries.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

schema_migrations = sa.Table(
    "schema_migrations", metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("applied_at", sa.String(40), nullable=False),
)

rounds = sa.Table(
    "rounds", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("label", sa.String(200), nullable=False),
    sa.Column("source", sa.String(20), nullable=False),  # run | import
    sa.Column("checklist_hash", sa.String(100)),
    sa.Column("started_at", sa.String(40), nullable=False),
    sa.Column("finished_at", sa.String(40)),  # null while a run is going (or was interrupted)
)

results = sa.Table(
    "results", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("round_id", sa.Integer, sa.ForeignKey("rounds.id"), nullable=False),
    sa.Column("digest", sa.String(80), nullable=False, unique=True),  # sha256 of the canonical document
    sa.Column("outlet_id", sa.String(200), nullable=False),
    sa.Column("outlet_name", sa.String(500), nullable=False),
    sa.Column("tags", sa.Text, nullable=False),  # JSON list
    sa.Column("checklist_id", sa.String(200), nullable=False),
    sa.Column("checklist_hash", sa.String(100), nullable=False),
    sa.Column("checklist_version", sa.String(100), nullable=False),
    sa.Column("started_at", sa.String(40), nullable=False),
    sa.Column("finished_at", sa.String(40), nullable=False),
    sa.Column("verdict", sa.String(40), nullable=False),
    sa.Column("pass_percent", sa.Float),
    sa.Column("coverage_percent", sa.Float),
    sa.Column("n_pass", sa.Integer, nullable=False),
    sa.Column("n_fail", sa.Integer, nullable=False),
    sa.Column("n_error", sa.Integer, nullable=False),
    sa.Column("n_manual", sa.Integer, nullable=False),
    sa.Column("n_not_applicable", sa.Integer, nullable=False),
    sa.Column("n_waived", sa.Integer, nullable=False),
    sa.Column("total", sa.Integer, nullable=False),
    sa.Column("document", sa.Text, nullable=False),
    sa.Column("signer", sa.String(200)),  # key id of the bundle's signer (schema v2)
    sa.Column("stored_at", sa.String(40), nullable=False),
)

requirement_results = sa.Table(
    "requirement_results", metadata,
    sa.Column("result_id", sa.Integer, sa.ForeignKey("results.id"), primary_key=True),
    sa.Column("requirement_id", sa.String(200), primary_key=True),
    sa.Column("status", sa.String(20), nullable=False),
)

submissions = sa.Table(
    "submissions", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("bundle_sha256", sa.String(80), nullable=False, unique=True),
    sa.Column("result_id", sa.Integer, sa.ForeignKey("results.id"), nullable=False),
    sa.Column("key_id", sa.String(100), nullable=False),
    sa.Column("signer_name", sa.String(500), nullable=False),
    sa.Column("signed_at", sa.String(40), nullable=False),
    sa.Column("imported_at", sa.String(40), nullable=False),
    sa.Column("attachments", sa.Text, nullable=False),  # JSON: answers and evidence hashes
)

outlets = sa.Table(
    "outlets", metadata,
    sa.Column("id", sa.String(200), primary_key=True),
    sa.Column("name", sa.String(500), nullable=False),
    sa.Column("tags", sa.Text, nullable=False),  # JSON list
    sa.Column("imported_at", sa.String(40), nullable=False),
    sa.Column("definition", sa.Text),  # v8: JSON of the outlet as the inventory gives it (sites...); null before
)
"""The department's inventory (`l3audit outlets import`): every outlet counts, results or not.

`definition` (schema v8) keeps each outlet whole (sites, contact, settings; audit.schedule.outlets),
so a scan launched from the portal knows what to audit without the inventory file."""

withdrawals = sa.Table(
    "withdrawals", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("result_id", sa.Integer, sa.ForeignKey("results.id"), nullable=False),
    sa.Column("digest", sa.String(80), nullable=False),  # what the officer named: a bundle's or a result's
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("withdrawn_at", sa.String(40), nullable=False),
)
"""Imports withdrawn (`l3audit import --withdraw`): the result is kept and logged, not counted on the dashboard."""

# Schema v4 (issue 17): re-audits on a schedule. The database, not the queue, is the record of what
# was asked and what was done; Redis only carries job ids to workers (audit.schedule).
schedules = sa.Table(
    "schedules", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("every", sa.String(10), nullable=False),  # day | week | month
    sa.Column("outlets", sa.Text, nullable=False),  # JSON list: ["all"] | ["tag:NAME", "ID", ...]
    sa.Column("inventory", sa.String(1000), nullable=False),  # read again at each firing
    sa.Column("checklist", sa.String(1000), nullable=False),  # id or file, as --checklist takes it
    sa.Column("options", sa.Text, nullable=False),  # JSON: timeout_seconds, per_host, ca_file, use_nmap
    sa.Column("next_at", sa.String(40), nullable=False),  # ISO 8601 UTC of the next firing
    sa.Column("first_at", sa.String(40), nullable=False),  # the first firing: a month keeps its day
    sa.Column("last_round_id", sa.Integer),
)

jobs = sa.Table(
    "jobs", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("round_id", sa.Integer, sa.ForeignKey("rounds.id"), nullable=False),
    sa.Column("schedule_id", sa.Integer),  # null for a job not started by a schedule
    sa.Column("outlet_id", sa.String(200), nullable=False),
    sa.Column("outlet", sa.Text, nullable=False),  # JSON: the outlet as the inventory gave it at firing
    sa.Column("checklist", sa.String(1000), nullable=False),
    sa.Column("options", sa.Text, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),  # pending queued running done failed cancelled
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("worker", sa.String(200)),  # pid@host of the last worker that started it
    sa.Column("error", sa.Text),
    sa.Column("result_id", sa.Integer),
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.Column("updated_at", sa.String(40), nullable=False),
    sa.Column("cancel_requested_at", sa.String(40)),  # `jobs cancel` on a running job; the worker stops (v5)
)

alerts = sa.Table(
    "alerts", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("outlet_id", sa.String(200), nullable=False),
    sa.Column("outlet_name", sa.String(500), nullable=False),
    sa.Column("contact_email", sa.String(500), nullable=False),  # the outlet's, when the alert opened
    sa.Column("finding", sa.String(1000), nullable=False),  # kind|target|item (audit.alerts.findings)
    sa.Column("detail", sa.Text, nullable=False),  # JSON
    sa.Column("round_id", sa.Integer, nullable=False),  # the round that first saw it
    sa.Column("opened_at", sa.String(40), nullable=False),
    sa.Column("fixed_at", sa.String(40)),  # set by the first later result that measured it fixed
    sa.Column("email_sent_at", sa.String(40)),  # set once every recipient has it (alert_emails)
    sa.Column("webhook_sent_at", sa.String(40)),
    sa.Column("acked_at", sa.String(40)),  # `l3audit alerts ack` (v5): seen by a person; stays open until fixed
    sa.Column("acked_by", sa.String(200)),
    sa.Column("ack_note", sa.Text),
)

alert_emails = sa.Table(
    "alert_emails", metadata,  # one row per alert and recipient that received it (v5)
    sa.Column("alert_id", sa.Integer, sa.ForeignKey("alerts.id"), primary_key=True),
    sa.Column("recipient", sa.String(500), primary_key=True),
    sa.Column("outlet_id", sa.String(200), nullable=False),
    sa.Column("message_id", sa.String(200), nullable=False),  # one message may carry several alerts
    sa.Column("sent_at", sa.String(40), nullable=False),
)

# Schema v6 (issue 18): the portal (audit.portal). Passwords are Argon2id hashes, never plain text.
users = sa.Table(
    "users", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("username", sa.String(200), nullable=False, unique=True),
    sa.Column("password_hash", sa.String(500), nullable=False),  # argon2-cffi's encoded hash
    sa.Column("role", sa.String(20), nullable=False),  # admin | officer | outlet
    sa.Column("outlet_id", sa.String(200)),  # the one outlet of an `outlet` member; null otherwise
    sa.Column("totp_secret", sa.String(100)),  # base32 (pyotp); null: no second factor
    sa.Column("disabled", sa.Integer, nullable=False),  # 1: may not log in; kept for the audit log
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.Column("password_changed_at", sa.String(40), nullable=False),
)

audit_log = sa.Table(
    "audit_log", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", sa.String(40), nullable=False),
    sa.Column("username", sa.String(200), nullable=False),  # '' when nobody is logged in
    sa.Column("ip", sa.String(100), nullable=False),
    sa.Column("action", sa.String(200), nullable=False),  # login.ok, login.failed, answers.save, GET outlet.questionnaire ...
    sa.Column("target", sa.String(1000), nullable=False),  # the path, or the account acted upon
    sa.Column("status", sa.Integer, nullable=False),  # the HTTP status answered (0 for the CLI)
    sa.Column("detail", sa.Text, nullable=False),  # JSON
)
"""Every action in the portal and on `l3audit users`, appended, never updated."""

login_failures = sa.Table(
    "login_failures", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("account", sa.String(200), nullable=False),
    sa.Column("ip", sa.String(100), nullable=False),
    sa.Column("at", sa.String(40), nullable=False),
)
"""Failed logins per account and address, for throttling shared by every gunicorn worker."""

portal_answers = sa.Table(
    "portal_answers", metadata,
    sa.Column("outlet_id", sa.String(200), primary_key=True),
    sa.Column("checklist_id", sa.String(200), primary_key=True),
    sa.Column("requirement_id", sa.String(200), primary_key=True),
    sa.Column("content_hash", sa.String(100), nullable=False),  # the catalogue the answer was given against
    sa.Column("answer", sa.String(40)),  # an audit.selfassess.answers.AnswerValue; null: not answered
    sa.Column("justification", sa.Text, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("answered_by", sa.String(200), nullable=False),
    sa.Column("answered_at", sa.String(40), nullable=False),
)
"""The answers an outlet saves in the portal: the working copy, before any submission."""


# Schema v7 (issue 18): what the portal keeps beside the answers.
portal_evidence = sa.Table(
    "portal_evidence", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("outlet_id", sa.String(200), nullable=False),
    sa.Column("requirement_id", sa.String(200), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),  # the file is stored under the data folder by this hash
    sa.Column("filename", sa.String(500), nullable=False),  # as given by the browser, shown only (never a path)
    sa.Column("content_type", sa.String(200), nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("uploaded_by", sa.String(200), nullable=False),
    sa.Column("uploaded_at", sa.String(40), nullable=False),
    sa.Column("removed_at", sa.String(40)),  # removed from the row; the file stays (a submission may name it)
)
"""Evidence files an outlet uploaded for a requirement."""

portal_submissions = sa.Table(
    "portal_submissions", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("outlet_id", sa.String(200), nullable=False),
    sa.Column("checklist_id", sa.String(200), nullable=False),
    sa.Column("content_hash", sa.String(100), nullable=False),
    sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id")),  # the server-signed bundle, imported
    sa.Column("state", sa.String(20), nullable=False),  # waiting | reviewed | superseded
    sa.Column("version", sa.Integer, nullable=False),  # raised by every review change: two officers cannot overwrite
    sa.Column("snapshot", sa.Text, nullable=False),  # JSON: the answers and evidence hashes as submitted
    sa.Column("submitted_by", sa.String(200), nullable=False),
    sa.Column("submitted_at", sa.String(40), nullable=False),
    sa.Column("reviewed_by", sa.String(200)),
    sa.Column("reviewed_at", sa.String(40)),
)
"""A snapshot of an outlet's answers submitted for review in the portal."""

portal_review_decisions = sa.Table(
    "portal_review_decisions", metadata,
    sa.Column("portal_submission_id", sa.Integer, sa.ForeignKey("portal_submissions.id"), primary_key=True),
    sa.Column("requirement_id", sa.String(200), primary_key=True),
    sa.Column("decision", sa.String(20), nullable=False),  # accepted | rejected
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("officer", sa.String(200), nullable=False),
    sa.Column("decided_at", sa.String(40), nullable=False),
)
"""An officer's decision on one row of a submission."""

portal_waivers = sa.Table(
    "portal_waivers", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("outlet_id", sa.String(200), nullable=False),
    sa.Column("checklist_id", sa.String(200), nullable=False),
    sa.Column("requirement_id", sa.String(200), nullable=False),
    sa.Column("justification", sa.Text, nullable=False),
    sa.Column("approver", sa.String(200), nullable=False),
    sa.Column("expires_at", sa.String(40), nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.Column("revoked_by", sa.String(200)),
    sa.Column("revoked_at", sa.String(40)),
)
"""Waivers granted in the portal: justification, approver and expiry, like a waivers file."""

# Schema v9 (issue 18): the portal's sessions (audit.portal.sessions).
portal_sessions = sa.Table(
    "portal_sessions", metadata,
    sa.Column("id_hash", sa.String(64), primary_key=True),  # SHA-256 of the session id, never the id itself
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("ip", sa.String(100), nullable=False),  # the address that logged in (for the audit, not checked)
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.Column("expires_at", sa.String(40), nullable=False),  # login + the session lifetime; not extended
    sa.Column("ended_at", sa.String(40)),  # set at logout, when the account is disabled or its password changed
)
"""Live sessions: a session cookie counts only while its id has a row here that has not ended or expired."""

# Schema v11 (issue 18): each result's statuses counted by requirement group when stored (audit.department.store.summary).
result_group_counts = sa.Table(
    "result_group_counts", metadata,
    sa.Column("result_id", sa.Integer, sa.ForeignKey("results.id"), primary_key=True),
    sa.Column("grouping", sa.String(64), primary_key=True),  # the key of the catalogue's grouping counted under
    sa.Column("group_id", sa.String(200), primary_key=True),
    sa.Column("first_unknown", sa.String(200)),  # a fallback group: its smallest requirement id; null otherwise
    sa.Column("passed", sa.Integer, nullable=False),  # pass and waived
    sa.Column("failed", sa.Integer, nullable=False),
    sa.Column("judged", sa.Integer, nullable=False),  # every status stored for the group's requirements
)
"""A result's passed, failed and judged requirements per group: the dashboard's heatmap without reading every status."""
