"""The declarative base every stored table derives from (one metadata, one schema), a transaction
helper and the slicing of long ``IN (...)`` lists."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import DeclarativeBase, Session

#: values bound in one ``IN (...)`` clause at most (SQLite's and drivers' parameter limits)
IN_CHUNK = 500

T = TypeVar("T")


class Base(DeclarativeBase):
    """Base of all outlet-watch tables."""


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """A session in one transaction: committed when the block ends, rolled back on an error.

    Objects stay readable after the commit (``expire_on_commit=False``).
    """
    with Session(engine, expire_on_commit=False) as session, session.begin():
        yield session


def in_chunks(items: Sequence[T], n: int = IN_CHUNK) -> Iterator[Sequence[T]]:
    """``items`` in slices of at most ``n``, for queries with ``IN (...)`` over many values."""
    for i in range(0, len(items), n):
        yield items[i : i + n]
