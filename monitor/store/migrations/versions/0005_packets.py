"""Packet records (``packets``) and the habits behind transmission fingerprints
(``transmission_fingerprints``): the wire's evidence (issue 11, part 3).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import monitor.store.models

# revision identifiers, used by Alembic.
revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create ``packets`` and ``transmission_fingerprints`` (unless there: a database made by
    ``create_all`` with these models has them already). Packets received before are not
    recorded: their readings keep ``received_at`` and ``qn``."""
    inspector = sa.inspect(op.get_bind())
    if not inspector.has_table("packets"):
        op.create_table(
            "packets",
            sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
            sa.Column("mn", sa.String(length=32), nullable=False),
            sa.Column("digest", sa.String(length=32), nullable=False),
            sa.Column("cn", sa.String(length=8), nullable=False),
            sa.Column("qn", sa.String(length=32), nullable=True),
            sa.Column("st", sa.String(length=16), nullable=True),
            sa.Column("flag", sa.Integer(), nullable=True),
            sa.Column("data_time", monitor.store.models.UTCDateTime(), nullable=True),
            sa.Column("received_at", monitor.store.models.UTCDateTime(), nullable=False),
            sa.Column("kind", sa.String(length=16), nullable=False),
            sa.Column("fingerprint", sa.String(length=16), nullable=True),
            sa.Column("deviations", sa.String(length=256), nullable=False),
            sa.Column("cp_flag", sa.String(length=32), nullable=True),
            sa.Column("cp", sa.Text(), nullable=True),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("mn", "digest", name="uq_packets_digest"),
        )
    if not inspector.has_table("transmission_fingerprints"):
        op.create_table(
            "transmission_fingerprints",
            sa.Column("key", sa.String(length=16), nullable=False),
            sa.Column("habits", sa.Text(), nullable=False),
            sa.PrimaryKeyConstraint("key"),
        )


def downgrade() -> None:
    """Drop both tables (the packet records are lost; readings keep arrival time and QN)."""
    op.drop_table("transmission_fingerprints")
    op.drop_table("packets")
