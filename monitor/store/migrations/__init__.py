"""Alembic migrations of the outlet-watch schema (shipped inside the package).

Run them with ``monitor db upgrade`` or :func:`monitor.store.migrate.upgrade`; ``alembic.ini`` beside
this file serves the plain ``alembic`` command from any folder, e.g. for a new revision::

    alembic -c "$(python -c 'import monitor.store.migrations as m; print(m.INI)')" \\
        -x db=sqlite:///scratch.db revision --autogenerate --rev-id 0002 -m "what changed"
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["HEAD_REVISION", "INI", "SCRIPT_LOCATION"]

#: The newest revision in ``versions/`` (a test checks it against Alembic's head): a database
#: stamped at it needs no Alembic at start-up (:func:`monitor.store.store.create_schema`).
HEAD_REVISION = "0007"

#: The folder holding ``env.py``, ``script.py.mako`` and ``versions/``.
SCRIPT_LOCATION: Path = Path(__file__).resolve().parent
#: The shipped ``alembic.ini`` (``script_location`` is its own folder).
INI: Path = SCRIPT_LOCATION / "alembic.ini"
