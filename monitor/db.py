"""The declarative base every stored table derives from (one metadata, one schema)."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Base of all outlet-watch tables."""
