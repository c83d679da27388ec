"""Schema migrations: an ordered list of functions, and a table that records which have run.

Why not alembic: three tables and a handful of changes do not need a second tool, a config file and
a script folder shipped with the package; the same guarantees come from one rule: each migration
runs inside the transaction that records it, so a failed upgrade leaves the old schema intact
(PostgreSQL and SQLite both have transactional DDL; SQLite is driven with explicit BEGIN, see
`audit.department.store.connection`). Migrations are written with plain DDL so that a database created by an
older l3audit upgrades step by step. Never edit a released migration; append a new one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import sqlalchemy as sa

from audit.errors import StoreError
from audit.department.store import schema
from audit.i18n import phrase

Migration = tuple[int, str, Callable[[sa.Connection], None]]


def _v1_tables(conn: sa.Connection) -> None:
    """Version 1: rounds, results (without signer), requirement statuses. Frozen: do not edit."""
    m = sa.MetaData()
    sa.Table("rounds", m,
             sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("label", sa.String(200), nullable=False),
             sa.Column("source", sa.String(20), nullable=False),
             sa.Column("checklist_hash", sa.String(100)),
             sa.Column("started_at", sa.String(40), nullable=False),
             sa.Column("finished_at", sa.String(40)))
    text_cols = ("outlet_id", "outlet_name", "checklist_id", "checklist_hash", "checklist_version",
                 "started_at", "finished_at", "verdict")
    count_cols = ("n_pass", "n_fail", "n_error", "n_manual", "n_not_applicable", "n_waived", "total")
    sa.Table("results", m,
             sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("round_id", sa.Integer, sa.ForeignKey("rounds.id"), nullable=False),
             sa.Column("digest", sa.String(80), nullable=False, unique=True),
             *[sa.Column(n, sa.String(500), nullable=False) for n in text_cols],
             sa.Column("tags", sa.Text, nullable=False),
             sa.Column("pass_percent", sa.Float),
             sa.Column("coverage_percent", sa.Float),
             *[sa.Column(n, sa.Integer, nullable=False) for n in count_cols],
             sa.Column("document", sa.Text, nullable=False),
             sa.Column("stored_at", sa.String(40), nullable=False))
    sa.Table("requirement_results", m,
             sa.Column("result_id", sa.Integer, sa.ForeignKey("results.id"), primary_key=True),
             sa.Column("requirement_id", sa.String(200), primary_key=True),
             sa.Column("status", sa.String(20), nullable=False))
    m.create_all(conn)
    conn.execute(sa.text("CREATE INDEX ix_results_outlet ON results (outlet_id, finished_at)"))


def _v2_signed_submissions(conn: sa.Connection) -> None:
    """Version 2: who signed an imported result, the submissions table, and a status index."""
    conn.execute(sa.text("ALTER TABLE results ADD COLUMN signer VARCHAR(200)"))
    m = sa.MetaData()
    sa.Table("results", m, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("submissions", m,
             sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("bundle_sha256", sa.String(80), nullable=False, unique=True),
             sa.Column("result_id", sa.Integer, sa.ForeignKey("results.id"), nullable=False),
             sa.Column("key_id", sa.String(100), nullable=False),
             sa.Column("signer_name", sa.String(500), nullable=False),
             sa.Column("signed_at", sa.String(40), nullable=False),
             sa.Column("imported_at", sa.String(40), nullable=False),
             sa.Column("attachments", sa.Text, nullable=False))
    m.tables["submissions"].create(conn)
    conn.execute(sa.text("CREATE INDEX ix_reqres_requirement ON requirement_results (requirement_id, status)"))


def _v3_inventory(conn: sa.Connection) -> None:
    """Version 3 (issue 14): the inventory of outlets (the dashboard's denominator) and withdrawals."""
    m = sa.MetaData()
    sa.Table("outlets", m,
             sa.Column("id", sa.String(200), primary_key=True),
             sa.Column("name", sa.String(500), nullable=False),
             sa.Column("tags", sa.Text, nullable=False),
             sa.Column("imported_at", sa.String(40), nullable=False))
    sa.Table("results", m, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("withdrawals", m,
             sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("result_id", sa.Integer, sa.ForeignKey("results.id"), nullable=False),
             sa.Column("digest", sa.String(80), nullable=False),
             sa.Column("reason", sa.Text, nullable=False),
             sa.Column("withdrawn_at", sa.String(40), nullable=False))
    m.tables["outlets"].create(conn)
    m.tables["withdrawals"].create(conn)


def _v4_schedules_and_jobs(conn: sa.Connection) -> None:
    """Version 4 (issue 17): schedules of re-audits, the jobs each firing queues (audit.schedule), alerts (audit.alerts)."""
    m = sa.MetaData()
    sa.Table("rounds", m, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("schedules", m,
             sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("name", sa.String(200), nullable=False, unique=True),
             sa.Column("every", sa.String(10), nullable=False),
             sa.Column("outlets", sa.Text, nullable=False),
             sa.Column("inventory", sa.String(1000), nullable=False),
             sa.Column("checklist", sa.String(1000), nullable=False),
             sa.Column("options", sa.Text, nullable=False),
             sa.Column("next_at", sa.String(40), nullable=False),
             sa.Column("first_at", sa.String(40), nullable=False),
             sa.Column("last_round_id", sa.Integer))
    sa.Table("jobs", m,
             sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("round_id", sa.Integer, sa.ForeignKey("rounds.id"), nullable=False),
             sa.Column("schedule_id", sa.Integer),
             sa.Column("outlet_id", sa.String(200), nullable=False),
             sa.Column("outlet", sa.Text, nullable=False),
             sa.Column("checklist", sa.String(1000), nullable=False),
             sa.Column("options", sa.Text, nullable=False),
             sa.Column("status", sa.String(20), nullable=False),
             sa.Column("attempts", sa.Integer, nullable=False),
             sa.Column("worker", sa.String(200)),
             sa.Column("error", sa.Text),
             sa.Column("result_id", sa.Integer),
             sa.Column("created_at", sa.String(40), nullable=False),
             sa.Column("updated_at", sa.String(40), nullable=False))
    sa.Table("alerts", m,
             sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("outlet_id", sa.String(200), nullable=False),
             sa.Column("outlet_name", sa.String(500), nullable=False),
             sa.Column("contact_email", sa.String(500), nullable=False),
             sa.Column("finding", sa.String(1000), nullable=False),
             sa.Column("detail", sa.Text, nullable=False),
             sa.Column("round_id", sa.Integer, nullable=False),
             sa.Column("opened_at", sa.String(40), nullable=False),
             sa.Column("fixed_at", sa.String(40)),
             sa.Column("email_sent_at", sa.String(40)),
             sa.Column("webhook_sent_at", sa.String(40)))
    m.create_all(conn)
    conn.execute(sa.text("CREATE INDEX ix_jobs_status ON jobs (status, round_id)"))
    conn.execute(sa.text("CREATE INDEX ix_alerts_outlet ON alerts (outlet_id, fixed_at)"))


def _v5_alert_ack_mail_cancel(conn: sa.Connection) -> None:
    """Version 5 (issue 17): acknowledged alerts, e-mail sent per recipient, a cancel request on a running job."""
    for column in ("acked_at VARCHAR(40)", "acked_by VARCHAR(200)", "ack_note TEXT"):
        conn.execute(sa.text(f"ALTER TABLE alerts ADD COLUMN {column}"))
    conn.execute(sa.text("ALTER TABLE jobs ADD COLUMN cancel_requested_at VARCHAR(40)"))
    m = sa.MetaData()
    sa.Table("alerts", m, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("alert_emails", m,
             sa.Column("alert_id", sa.Integer, sa.ForeignKey("alerts.id"), primary_key=True),
             sa.Column("recipient", sa.String(500), primary_key=True),
             sa.Column("outlet_id", sa.String(200), nullable=False),
             sa.Column("message_id", sa.String(200), nullable=False),
             sa.Column("sent_at", sa.String(40), nullable=False))
    m.tables["alert_emails"].create(conn)
    conn.execute(sa.text("CREATE INDEX ix_alert_emails_recipient ON alert_emails (recipient, sent_at)"))


def _v6_portal(conn: sa.Connection) -> None:
    """Version 6 (issue 18): the portal's users, its audit log, failed logins, answers given in the portal."""
    m = sa.MetaData()
    sa.Table("users", m,
             sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("username", sa.String(200), nullable=False, unique=True),
             sa.Column("password_hash", sa.String(500), nullable=False),
             sa.Column("role", sa.String(20), nullable=False),
             sa.Column("outlet_id", sa.String(200)),
             sa.Column("totp_secret", sa.String(100)),
             sa.Column("disabled", sa.Integer, nullable=False),
             sa.Column("created_at", sa.String(40), nullable=False),
             sa.Column("password_changed_at", sa.String(40), nullable=False))
    sa.Table("audit_log", m,
             sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("at", sa.String(40), nullable=False),
             sa.Column("username", sa.String(200), nullable=False),
             sa.Column("ip", sa.String(100), nullable=False),
             sa.Column("action", sa.String(200), nullable=False),
             sa.Column("target", sa.String(1000), nullable=False),
             sa.Column("status", sa.Integer, nullable=False),
             sa.Column("detail", sa.Text, nullable=False))
    sa.Table("login_failures", m,
             sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("account", sa.String(200), nullable=False),
             sa.Column("ip", sa.String(100), nullable=False),
             sa.Column("at", sa.String(40), nullable=False))
    sa.Table("portal_answers", m,
             sa.Column("outlet_id", sa.String(200), primary_key=True),
             sa.Column("checklist_id", sa.String(200), primary_key=True),
             sa.Column("requirement_id", sa.String(200), primary_key=True),
             sa.Column("content_hash", sa.String(100), nullable=False),
             sa.Column("answer", sa.String(40)),
             sa.Column("justification", sa.Text, nullable=False),
             sa.Column("text", sa.Text, nullable=False),
             sa.Column("answered_by", sa.String(200), nullable=False),
             sa.Column("answered_at", sa.String(40), nullable=False))
    m.create_all(conn)
    conn.execute(sa.text("CREATE INDEX ix_audit_log_at ON audit_log (at)"))
    conn.execute(sa.text("CREATE INDEX ix_login_failures ON login_failures (account, ip, at)"))


def _v7_portal_review(conn: sa.Connection) -> None:
    """Version 7 (issue 18): evidence uploaded in the portal, submissions for review, per-row decisions, waivers."""
    m = sa.MetaData()
    sa.Table("submissions", m, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("portal_evidence", m,
             sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("outlet_id", sa.String(200), nullable=False),
             sa.Column("requirement_id", sa.String(200), nullable=False),
             sa.Column("sha256", sa.String(64), nullable=False),
             sa.Column("filename", sa.String(500), nullable=False),
             sa.Column("content_type", sa.String(200), nullable=False),
             sa.Column("size", sa.Integer, nullable=False),
             sa.Column("uploaded_by", sa.String(200), nullable=False),
             sa.Column("uploaded_at", sa.String(40), nullable=False),
             sa.Column("removed_at", sa.String(40)))
    sa.Table("portal_submissions", m,
             sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("outlet_id", sa.String(200), nullable=False),
             sa.Column("checklist_id", sa.String(200), nullable=False),
             sa.Column("content_hash", sa.String(100), nullable=False),
             sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id")),
             sa.Column("state", sa.String(20), nullable=False),
             sa.Column("version", sa.Integer, nullable=False),
             sa.Column("snapshot", sa.Text, nullable=False),
             sa.Column("submitted_by", sa.String(200), nullable=False),
             sa.Column("submitted_at", sa.String(40), nullable=False),
             sa.Column("reviewed_by", sa.String(200)),
             sa.Column("reviewed_at", sa.String(40)))
    sa.Table("portal_review_decisions", m,
             sa.Column("portal_submission_id", sa.Integer, sa.ForeignKey("portal_submissions.id"), primary_key=True),
             sa.Column("requirement_id", sa.String(200), primary_key=True),
             sa.Column("decision", sa.String(20), nullable=False),
             sa.Column("reason", sa.Text, nullable=False),
             sa.Column("officer", sa.String(200), nullable=False),
             sa.Column("decided_at", sa.String(40), nullable=False))
    sa.Table("portal_waivers", m,
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
             sa.Column("revoked_at", sa.String(40)))
    for name in ("portal_evidence", "portal_submissions", "portal_review_decisions", "portal_waivers"):
        m.tables[name].create(conn)
    conn.execute(sa.text("CREATE INDEX ix_portal_evidence_outlet ON portal_evidence (outlet_id, requirement_id)"))
    conn.execute(sa.text("CREATE INDEX ix_portal_submissions_state ON portal_submissions (state, outlet_id)"))
    conn.execute(sa.text("CREATE INDEX ix_portal_waivers_outlet ON portal_waivers (outlet_id, requirement_id)"))


def _v8_outlet_definitions(conn: sa.Connection) -> None:
    """Version 8 (issue 18): each inventory outlet kept whole (its sites), for scans launched from the portal."""
    conn.execute(sa.text("ALTER TABLE outlets ADD COLUMN definition TEXT"))


def _v9_portal_sessions(conn: sa.Connection) -> None:
    """Version 9 (issue 18): the portal's sessions kept server-side, so a logout or a disabled account ends them."""
    m = sa.MetaData()
    sa.Table("users", m, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("portal_sessions", m,
             sa.Column("id_hash", sa.String(64), primary_key=True),
             sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
             sa.Column("ip", sa.String(100), nullable=False),
             sa.Column("created_at", sa.String(40), nullable=False),
             sa.Column("expires_at", sa.String(40), nullable=False),
             sa.Column("ended_at", sa.String(40)))
    m.tables["portal_sessions"].create(conn)
    conn.execute(sa.text("CREATE INDEX ix_portal_sessions_user ON portal_sessions (user_id)"))


def _v10_status_covering_index(conn: sa.Connection) -> None:
    """Version 10 (issue 18): the dashboard counts a result's statuses by group from the index alone
    (audit.department.store.counts); the primary key (result id, requirement id) lacks the status."""
    conn.execute(sa.text("CREATE INDEX ix_reqres_result_status ON requirement_results "
                         "(result_id, requirement_id, status)"))


def _v11_result_group_counts(conn: sa.Connection) -> None:
    """Version 11 (issue 18): each result's statuses counted by requirement group, kept when a result is
    stored (audit.department.store.summary); results stored before are counted here."""
    from audit.department.store import summary

    m = sa.MetaData()
    sa.Table("results", m, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("result_group_counts", m,
             sa.Column("result_id", sa.Integer, sa.ForeignKey("results.id"), primary_key=True),
             sa.Column("grouping", sa.String(64), primary_key=True),
             sa.Column("group_id", sa.String(200), primary_key=True),
             sa.Column("first_unknown", sa.String(200)),
             sa.Column("passed", sa.Integer, nullable=False),
             sa.Column("failed", sa.Integer, nullable=False),
             sa.Column("judged", sa.Integer, nullable=False))
    m.tables["result_group_counts"].create(conn)
    summary.fill_all(conn)  # data, not schema: counted with the groups of the catalogues this l3audit has


MIGRATIONS: tuple[Migration, ...] = (
    (1, "results and rounds", _v1_tables),
    (2, "signed submissions", _v2_signed_submissions),
    (3, "inventory of outlets, withdrawals", _v3_inventory),
    (4, "schedules, jobs and alerts", _v4_schedules_and_jobs),
    (5, "alert acknowledgement, e-mail per recipient, job cancel requests", _v5_alert_ack_mail_cancel),
    (6, "portal users, audit log, login failures, answers", _v6_portal),
    (7, "portal evidence, submissions, review decisions, waivers", _v7_portal_review),
    (8, "inventory outlets kept whole (sites) for portal scans", _v8_outlet_definitions),
    (9, "portal sessions kept server-side", _v9_portal_sessions),
    (10, "requirement statuses: covering index by result", _v10_status_covering_index),
    (11, "requirement statuses counted by group per result", _v11_result_group_counts),
)
LATEST = MIGRATIONS[-1][0]


def current_version(conn: sa.Connection) -> int:
    """The schema version of the database (0 when empty)."""
    if not sa.inspect(conn).has_table("schema_migrations"):
        return 0
    value = conn.execute(sa.select(sa.func.max(schema.schema_migrations.c.version))).scalar()
    return int(value or 0)


def migrate(conn: sa.Connection, target: int | None = None) -> list[int]:
    """Apply the migrations above the database's version up to `target`, in the caller's transaction.

    Returns the versions applied. A database newer than this l3audit is refused, never touched.
    """
    if conn.dialect.name == "postgresql":
        # Two programs opening a new database at once: the second waits, then finds it migrated.
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(4733001)"))
    if not sa.inspect(conn).has_table("schema_migrations"):
        schema.schema_migrations.create(conn)
    version = current_version(conn)
    target = LATEST if target is None else target
    if version > LATEST:
        raise StoreError(phrase("error.store.newer", version=version, latest=LATEST))
    applied = []
    for number, name, apply in MIGRATIONS:
        if version < number <= target:
            apply(conn)
            conn.execute(schema.schema_migrations.insert().values(
                version=number, name=name,
                applied_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")))
            applied.append(number)
    return applied
