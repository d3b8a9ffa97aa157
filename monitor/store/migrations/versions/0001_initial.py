"""The initial schema: readings, quarantine, casework tables and users (as shipped with
``Base.metadata.create_all`` before migrations existed).

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import monitor.store.models

# revision identifiers, used by Alembic.
revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create every table, its indexes and unique constraints."""
    op.create_table(
        "alerts",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("enterprise", sa.String(length=64), nullable=False),
        sa.Column("district", sa.String(length=100), nullable=False),
        sa.Column("leads", sa.JSON(), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("severity", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", monitor.store.models.UTCDateTime(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("round_started_at", monitor.store.models.UTCDateTime(), nullable=True),
        sa.Column("last_sent_at", monitor.store.models.UTCDateTime(), nullable=True),
        sa.Column("acked_by", sa.String(length=100), nullable=True),
        sa.Column("acked_at", monitor.store.models.UTCDateTime(), nullable=True),
        sa.Column("ack_note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_alerts_enterprise_status", "alerts", ["enterprise", "status"], unique=False)
    op.create_index(op.f("ix_alerts_status"), "alerts", ["status"], unique=False)

    op.create_table(
        "inspection_draws",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("shares", sa.JSON(), nullable=False),
        sa.Column("created_at", monitor.store.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("period", name="uq_inspection_draws_period"),
    )
    op.create_table(
        "leads",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("mn", sa.String(length=32), nullable=False),
        sa.Column("enterprise", sa.String(length=64), nullable=False),
        sa.Column("site_name", sa.String(length=200), nullable=False),
        sa.Column("district", sa.String(length=100), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("severity", sa.String(length=8), nullable=False),
        sa.Column("pollutants", sa.JSON(), nullable=False),
        sa.Column("start", monitor.store.models.UTCDateTime(), nullable=False),
        sa.Column("end", monitor.store.models.UTCDateTime(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("assignee", sa.String(length=100), nullable=True),
        sa.Column("opened_at", monitor.store.models.UTCDateTime(), nullable=False),
        sa.Column("updated_at", monitor.store.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_leads_enterprise"), "leads", ["enterprise"], unique=False)
    op.create_index("ix_leads_mn_end", "leads", ["mn", "end"], unique=False)
    op.create_index(op.f("ix_leads_status"), "leads", ["status"], unique=False)

    op.create_table(
        "quarantine",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("received_at", monitor.store.models.UTCDateTime(), nullable=False),
        sa.Column("topic", sa.Text(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("mn", sa.String(length=32), nullable=True),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("digest"),
    )
    op.create_index(op.f("ix_quarantine_mn"), "quarantine", ["mn"], unique=False)
    op.create_index(
        "ix_quarantine_reason_received", "quarantine", ["reason", "received_at"], unique=False
    )

    op.create_table(
        "readings",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("mn", sa.String(length=32), nullable=False),
        sa.Column("pollutant", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("ts", monitor.store.models.UTCDateTime(), nullable=False),
        sa.Column("value", sa.Float(precision=53), nullable=True),
        sa.Column("min", sa.Float(precision=53), nullable=True),
        sa.Column("max", sa.Float(precision=53), nullable=True),
        sa.Column("cou", sa.Float(precision=53), nullable=True),
        sa.Column("flag", sa.String(length=4), nullable=False),
        sa.Column("received_at", monitor.store.models.UTCDateTime(), nullable=False),
        sa.Column("qn", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("mn", "pollutant", "kind", "ts", name="uq_readings_key"),
    )
    op.create_table(
        "users",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("district", sa.String(length=100), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", monitor.store.models.UTCDateTime(), nullable=False),
        sa.Column("updated_at", monitor.store.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username"),
    )
    op.create_table(
        "alert_attempts",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("alert_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("recipient", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(length=8), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("at", monitor.store.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["alerts.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_alert_attempts_alert_id"), "alert_attempts", ["alert_id"], unique=False
    )

    op.create_table(
        "findings",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("detector", sa.String(length=64), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("mn", sa.String(length=32), nullable=False),
        sa.Column("pollutant", sa.String(length=16), nullable=True),
        sa.Column("start", monitor.store.models.UTCDateTime(), nullable=False),
        sa.Column("end", monitor.store.models.UTCDateTime(), nullable=False),
        sa.Column("severity", sa.String(length=8), nullable=False),
        sa.Column("confidence", sa.Float(precision=53), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("recorded_at", monitor.store.models.UTCDateTime(), nullable=False),
        sa.Column("lead_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.ForeignKeyConstraint(
            ["lead_id"],
            ["leads.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("fingerprint"),
    )
    op.create_index(op.f("ix_findings_lead_id"), "findings", ["lead_id"], unique=False)
    op.create_index(op.f("ix_findings_mn"), "findings", ["mn"], unique=False)

    op.create_table(
        "inspection_assignments",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("draw_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("enterprise", sa.String(length=64), nullable=False),
        sa.Column("district", sa.String(length=100), nullable=False),
        sa.Column("colour", sa.String(length=8), nullable=False),
        sa.Column("score", sa.Float(precision=53), nullable=True),
        sa.Column("inspectors", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["draw_id"],
            ["inspection_draws.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_inspection_assignments_draw_id"),
        "inspection_assignments",
        ["draw_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_inspection_assignments_enterprise"),
        "inspection_assignments",
        ["enterprise"],
        unique=False,
    )

    op.create_table(
        "lead_events",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("lead_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column("who", sa.String(length=100), nullable=False),
        sa.Column("at", monitor.store.models.UTCDateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["lead_id"],
            ["leads.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_lead_events_lead_id"), "lead_events", ["lead_id"], unique=False)

    op.create_table(
        "score_events",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("enterprise", sa.String(length=64), nullable=False),
        sa.Column("ts", monitor.store.models.UTCDateTime(), nullable=False),
        sa.Column("points", sa.Float(precision=53), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("lead_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("rule", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("who", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", monitor.store.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["lead_id"],
            ["leads.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_score_events_enterprise_ts", "score_events", ["enterprise", "ts"], unique=False
    )
    op.create_index(op.f("ix_score_events_lead_id"), "score_events", ["lead_id"], unique=False)


def downgrade() -> None:
    """Drop every table (their indexes go with them), dependents first."""
    op.drop_table("score_events")
    op.drop_table("lead_events")
    op.drop_table("inspection_assignments")
    op.drop_table("findings")
    op.drop_table("alert_attempts")
    op.drop_table("users")
    op.drop_table("readings")
    op.drop_table("quarantine")
    op.drop_table("leads")
    op.drop_table("inspection_draws")
    op.drop_table("alerts")
