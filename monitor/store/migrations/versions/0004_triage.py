"""Triage models (``triage_models``: the trained model's bytes, its version, training window and
the verdicts it saw) and the audit of which model ranked which lead (``triage_ranks``).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import monitor.store.models

# revision identifiers, used by Alembic.
revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create ``triage_models`` and ``triage_ranks`` (unless there: a database made by
    ``create_all`` with these models, adopted at 0001, has them already)."""
    inspector = sa.inspect(op.get_bind())
    if not inspector.has_table("triage_models"):
        op.create_table(
            "triage_models",
            sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
            sa.Column("version", sa.Integer(), nullable=False),
            sa.Column("created_at", monitor.store.models.UTCDateTime(), nullable=False),
            sa.Column("trained_by", sa.String(length=100), nullable=False),
            sa.Column("window_start", monitor.store.models.UTCDateTime(), nullable=True),
            sa.Column("window_end", monitor.store.models.UTCDateTime(), nullable=True),
            sa.Column("n_verdicts", sa.Integer(), nullable=False),
            sa.Column("n_confirmed", sa.Integer(), nullable=False),
            sa.Column("lead_ids", sa.JSON(), nullable=False),
            sa.Column("features", sa.JSON(), nullable=False),
            sa.Column("metrics", sa.JSON(), nullable=False),
            sa.Column("model", sa.LargeBinary(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("version"),
        )
    if not inspector.has_table("triage_ranks"):
        op.create_table(
            "triage_ranks",
            sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
            sa.Column(
                "lead_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
            ),
            sa.Column("model_version", sa.Integer(), nullable=False),
            sa.Column("probability", sa.Float(precision=53), nullable=False),
            sa.Column("why", sa.JSON(), nullable=False),
            sa.Column("at", monitor.store.models.UTCDateTime(), nullable=False),
            sa.ForeignKeyConstraint(["lead_id"], ["leads.id"]),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("lead_id", "model_version", name="uq_triage_ranks_lead"),
        )
        op.create_index(op.f("ix_triage_ranks_lead_id"), "triage_ranks", ["lead_id"], unique=False)


def downgrade() -> None:
    """Drop the triage tables (rankings fall back to severity)."""
    op.drop_table("triage_ranks")
    op.drop_table("triage_models")
