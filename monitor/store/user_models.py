"""The ``users``, ``revoked_sessions`` and ``audit_log`` tables of the web application (on
:class:`monitor.store.base.Base`, created by :func:`monitor.store.store.create_schema` like every
other table).

``role`` is ``admin`` (sees and works every lead) or ``inspector`` (only the leads, enterprises
and quarantined messages of ``district``). ``password_hash`` is a scrypt hash in the format of
:func:`monitor.casework.staff.hash_password`; the password itself is never stored.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from monitor.store.base import Base
from monitor.store.models import UTCDateTime

__all__ = ["ROLES", "AuditRow", "RevokedSessionRow", "UserRow"]

#: Roles a user may have.
ROLES: tuple[str, ...] = ("admin", "inspector")

_PK = BigInteger().with_variant(Integer(), "sqlite")


class UserRow(Base):
    """A person who signs in to the web page: unique ``username``, role, district, password hash."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(_PK, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(16))
    district: Mapped[str] = mapped_column(String(100), default="")
    password_hash: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RevokedSessionRow(Base):
    """A session ended by signing out: the SHA-256 (hex) of its id, kept until ``expires_at``
    (when its cookie would have expired anyway), so a copy of its cookie stays refused after a
    restart and by every process serving the database."""

    __tablename__ = "revoked_sessions"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class AuditRow(Base):
    """One entry of the audit trail (:mod:`monitor.casework.audit`): ``who`` did ``action`` on
    ``object`` at ``at`` from ``source`` (``web 10.0.0.7``, ``api 10.0.0.7``, ``cli wang@host``),
    with its ``outcome`` (``ok``, ``failed``, ``refused``) and a short ``detail``. Rows are only
    ever added."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_at", "at"),
        Index("ix_audit_log_who_at", "who", "at"),
    )

    id: Mapped[int] = mapped_column(_PK, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    who: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))
    object: Mapped[str] = mapped_column(String(100), default="")
    source: Mapped[str] = mapped_column(String(200), default="")
    outcome: Mapped[str] = mapped_column(String(16), default="ok")
    detail: Mapped[str] = mapped_column(Text, default="")
