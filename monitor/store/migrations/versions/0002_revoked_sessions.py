"""Sessions ended by signing out, kept in the database (``revoked_sessions``) rather than in the
web server's memory, so a signed-out cookie stays refused after a restart.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import monitor.store.models

# revision identifiers, used by Alembic.
revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create ``revoked_sessions`` (unless there: a database made by ``create_all`` with these
    models, adopted at 0001, has it already)."""
    if sa.inspect(op.get_bind()).has_table("revoked_sessions"):
        return
    op.create_table(
        "revoked_sessions",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("expires_at", monitor.store.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("digest"),
    )
    op.create_index(
        op.f("ix_revoked_sessions_expires_at"), "revoked_sessions", ["expires_at"], unique=False
    )


def downgrade() -> None:
    """Drop ``revoked_sessions`` (signed-out cookies are then accepted until they expire)."""
    op.drop_table("revoked_sessions")
