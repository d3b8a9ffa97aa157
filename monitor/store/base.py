"""The declarative base every stored table derives from (one metadata, one schema)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.orm import DeclarativeBase, Session


class Base(DeclarativeBase):
    """Base of all outlet-watch tables."""


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """A session in one transaction: committed when the block ends, rolled back on an error.

    Objects stay readable after the commit (``expire_on_commit=False``).
    """
    with Session(engine, expire_on_commit=False) as session, session.begin():
        yield session
