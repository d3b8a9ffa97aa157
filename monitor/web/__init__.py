"""The web page of outlet-watch (``monitor serve``): pages and a JSON API for enforcement staff.

Public names: :func:`create_app` and :class:`WebContext` (imported lazily, so importing the
users table does not load the web framework), the users API in :mod:`monitor.casework.staff`.
"""

from __future__ import annotations

from typing import Any

__all__ = ["WebContext", "create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from monitor.web.app import create_app

        return create_app
    if name == "WebContext":
        from monitor.web.context import WebContext

        return WebContext
    raise AttributeError(name)
