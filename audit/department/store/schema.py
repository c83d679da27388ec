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
)
"""The department's inventory (`l3audit outlets import`): every outlet counts, results or not."""

withdrawals = sa.Table(
    "withdrawals", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("result_id", sa.Integer, sa.ForeignKey("results.id"), nullable=False),
    sa.Column("digest", sa.String(80), nullable=False),  # what the officer named: a bundle's or a result's
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("withdrawn_at", sa.String(40), nullable=False),
)
"""Imports withdrawn (`l3audit import --withdraw`): the result is kept and logged, not counted on the dashboard."""
