"""Complaints (信访) with their audit trail and attachments, inspection results and supervision
findings (``results``), the record behind a score entry (``score_events.ref``) and the complaint
of an overdue-complaint alert (``alerts.complaint_id``).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import monitor.store.models

# revision identifiers, used by Alembic.
revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the complaint and result tables; add ``score_events.ref`` and ``alerts.complaint_id``
    (each unless there: a database made by ``create_all`` with these models, adopted at 0001, has
    them already)."""
    inspector = sa.inspect(op.get_bind())
    if not inspector.has_table("results"):
        op.create_table(
            "results",
            sa.Column(
                "id",
                sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                autoincrement=True,
                nullable=False,
            ),
            sa.Column("source", sa.String(length=16), nullable=False),
            sa.Column("enterprise", sa.String(length=64), nullable=False),
            sa.Column("at", monitor.store.models.UTCDateTime(), nullable=False),
            sa.Column("period", sa.String(length=7), nullable=True),
            sa.Column("authority", sa.String(length=200), nullable=False),
            sa.Column("problem", sa.Boolean(), nullable=False),
            sa.Column("category", sa.String(length=32), nullable=True),
            sa.Column("evidence", sa.Text(), nullable=False),
            sa.Column("penalty", sa.Float(precision=53), nullable=False),
            sa.Column("minor", sa.Boolean(), nullable=False),
            sa.Column("unintentional", sa.Boolean(), nullable=False),
            sa.Column("corrected", sa.Boolean(), nullable=False),
            sa.Column("rectified_at", monitor.store.models.UTCDateTime(), nullable=True),
            sa.Column("who", sa.String(length=100), nullable=False),
            sa.Column("recorded_at", monitor.store.models.UTCDateTime(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
        )
        with op.batch_alter_table("results", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_results_enterprise"), ["enterprise"], unique=False)
            batch_op.create_index(batch_op.f("ix_results_source"), ["source"], unique=False)
    if not inspector.has_table("complaints"):
        op.create_table(
            "complaints",
            sa.Column(
                "id",
                sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                autoincrement=True,
                nullable=False,
            ),
            sa.Column("channel", sa.String(length=16), nullable=False),
            sa.Column("received_at", monitor.store.models.UTCDateTime(), nullable=False),
            sa.Column("contact", sa.Text(), nullable=False),
            sa.Column("enterprise", sa.String(length=64), nullable=True),
            sa.Column("location", sa.Text(), nullable=False),
            sa.Column("district", sa.String(length=100), nullable=False),
            sa.Column("text", sa.Text(), nullable=False),
            sa.Column("status", sa.String(length=16), nullable=False),
            sa.Column("accept_due", monitor.store.models.UTCDateTime(), nullable=False),
            sa.Column("reply_due", monitor.store.models.UTCDateTime(), nullable=False),
            sa.Column("accepted_at", monitor.store.models.UTCDateTime(), nullable=True),
            sa.Column("assignee", sa.String(length=100), nullable=True),
            sa.Column("handled_at", monitor.store.models.UTCDateTime(), nullable=True),
            sa.Column("substantiated", sa.Boolean(), nullable=True),
            sa.Column("result", sa.Text(), nullable=False),
            sa.Column("replied_at", monitor.store.models.UTCDateTime(), nullable=True),
            sa.Column("reply", sa.Text(), nullable=False),
            sa.Column("closed_at", monitor.store.models.UTCDateTime(), nullable=True),
            sa.Column("satisfied", sa.Boolean(), nullable=True),
            sa.Column(
                "lead_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
            ),
            sa.ForeignKeyConstraint(
                ["lead_id"],
                ["leads.id"],
            ),
            sa.PrimaryKeyConstraint("id"),
        )
        with op.batch_alter_table("complaints", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_complaints_district"), ["district"], unique=False)
            batch_op.create_index(
                batch_op.f("ix_complaints_enterprise"), ["enterprise"], unique=False
            )
            batch_op.create_index(batch_op.f("ix_complaints_lead_id"), ["lead_id"], unique=False)
            batch_op.create_index(
                batch_op.f("ix_complaints_received_at"), ["received_at"], unique=False
            )
            batch_op.create_index(batch_op.f("ix_complaints_status"), ["status"], unique=False)
    if not inspector.has_table("complaint_attachments"):
        op.create_table(
            "complaint_attachments",
            sa.Column(
                "id",
                sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                autoincrement=True,
                nullable=False,
            ),
            sa.Column(
                "complaint_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
            ),
            sa.Column("sha256", sa.String(length=64), nullable=False),
            sa.Column("name", sa.String(length=255), nullable=False),
            sa.Column("size", sa.BigInteger(), nullable=False),
            sa.Column("added_at", monitor.store.models.UTCDateTime(), nullable=False),
            sa.ForeignKeyConstraint(
                ["complaint_id"],
                ["complaints.id"],
            ),
            sa.PrimaryKeyConstraint("id"),
        )
        with op.batch_alter_table("complaint_attachments", schema=None) as batch_op:
            batch_op.create_index(
                batch_op.f("ix_complaint_attachments_complaint_id"), ["complaint_id"], unique=False
            )
    if not inspector.has_table("complaint_events"):
        op.create_table(
            "complaint_events",
            sa.Column(
                "id",
                sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                autoincrement=True,
                nullable=False,
            ),
            sa.Column(
                "complaint_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
            ),
            sa.Column("action", sa.String(length=16), nullable=False),
            sa.Column("from_status", sa.String(length=16), nullable=True),
            sa.Column("to_status", sa.String(length=16), nullable=False),
            sa.Column("who", sa.String(length=100), nullable=False),
            sa.Column("at", monitor.store.models.UTCDateTime(), nullable=False),
            sa.Column("note", sa.Text(), nullable=False),
            sa.ForeignKeyConstraint(
                ["complaint_id"],
                ["complaints.id"],
            ),
            sa.PrimaryKeyConstraint("id"),
        )
        with op.batch_alter_table("complaint_events", schema=None) as batch_op:
            batch_op.create_index(
                batch_op.f("ix_complaint_events_complaint_id"), ["complaint_id"], unique=False
            )
    if "complaint_id" not in {c["name"] for c in inspector.get_columns("alerts")}:
        with op.batch_alter_table("alerts", schema=None) as batch_op:
            batch_op.add_column(sa.Column("complaint_id", sa.Integer(), nullable=True))
            batch_op.create_index(
                batch_op.f("ix_alerts_complaint_id"), ["complaint_id"], unique=False
            )
    if "ref" not in {c["name"] for c in inspector.get_columns("score_events")}:
        with op.batch_alter_table("score_events", schema=None) as batch_op:
            batch_op.add_column(sa.Column("ref", sa.String(length=32), nullable=True))
            batch_op.create_index(batch_op.f("ix_score_events_ref"), ["ref"], unique=False)


def downgrade() -> None:
    """Drop them again (score entries of complaints and results stay, without their ref)."""
    with op.batch_alter_table("score_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_score_events_ref"))
        batch_op.drop_column("ref")

    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alerts_complaint_id"))
        batch_op.drop_column("complaint_id")

    with op.batch_alter_table("complaint_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaint_events_complaint_id"))

    op.drop_table("complaint_events")
    with op.batch_alter_table("complaint_attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaint_attachments_complaint_id"))

    op.drop_table("complaint_attachments")
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaints_status"))
        batch_op.drop_index(batch_op.f("ix_complaints_received_at"))
        batch_op.drop_index(batch_op.f("ix_complaints_lead_id"))
        batch_op.drop_index(batch_op.f("ix_complaints_enterprise"))
        batch_op.drop_index(batch_op.f("ix_complaints_district"))

    op.drop_table("complaints")
    with op.batch_alter_table("results", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_results_source"))
        batch_op.drop_index(batch_op.f("ix_results_enterprise"))

    op.drop_table("results")
