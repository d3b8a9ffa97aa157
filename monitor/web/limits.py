"""Limits checked on every request before anything reads it (a pure ASGI middleware, the outermost
of the application's own, so before the session cookie, authentication and routing).

- A body larger than the limit is refused with 413: at once when its ``Content-Length`` says so
  (the body is never read), else (chunked) as soon as the bytes received so far pass the limit,
  while they stream. The limit is ``max_body`` (1 MiB) for a request whose session cookie is
  signed in (its signature checked, nothing looked up), else ``max_anonymous_body`` (64 KiB: the
  sign-in form and HTTP Basic API calls, whose credentials are only checked after the body is
  read); so a client without credentials makes the server hold at most 64 KiB per request (100
  such requests at once: a few MB).
- A ``Content-Length`` that is not a non-negative integer is refused with 400.
- A NUL character in the path or the query string (raw or ``%00``) is refused with 400: no filter,
  path parameter or name of the application holds one, and PostgreSQL refuses them in text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "MAX_ANONYMOUS_BODY",
    "MAX_ASSIGNEE",
    "MAX_BODY",
    "MAX_ID",
    "MAX_NOTE",
    "RequestLimits",
    "text_problem",
]

#: Default largest request body in bytes of a signed-in session (1 MiB): forms and JSON of the
#: application are far smaller.
MAX_BODY: Final = 1 << 20
#: Default largest request body in bytes without a signed-in session cookie (64 KiB: a lead
#: action's JSON with the longest note, every character escaped as ``\\uXXXX``, is under 40 KB).
MAX_ANONYMOUS_BODY: Final = 64 << 10


async def _answer(send: Send, status: int, text: str) -> None:
    body = text.encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class RequestLimits:
    """The middleware (rules in the module docstring); limits in bytes; ``signed_in(scope)`` tells
    whether the request's session cookie is signed in (None: every request gets ``max_body``)."""

    def __init__(
        self,
        app: ASGIApp,
        max_body: int = MAX_BODY,
        max_anonymous_body: int = MAX_ANONYMOUS_BODY,
        signed_in: Callable[[Scope], bool] | None = None,
    ) -> None:
        if max_body < 0 or max_anonymous_body < 0:
            raise ValueError("body limits must be >= 0")
        self.app = app
        self.max_body = max_body
        self.max_anonymous_body = min(max_anonymous_body, max_body)
        self.signed_in = signed_in

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query: bytes = scope.get("query_string", b"")
        if "\x00" in scope.get("path", "") or b"\x00" in query or b"%00" in query:
            await _answer(send, 400, "NUL characters are not allowed in the address")
            return
        length: int | None = None
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    length = int(value)
                except ValueError:
                    length = -1
                if length < 0:
                    await _answer(send, 400, "malformed Content-Length")
                    return
        limit = self.max_body
        if self.signed_in is not None and not self.signed_in(scope):
            limit = self.max_anonymous_body
        if length is not None and length > limit:
            await _answer(send, 413, f"request body larger than {limit} bytes")
            return

        received = 0
        started = refused = False

        async def counted() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # answered here and now (an exception would reach the application's own
                    # handlers wrapped in task groups); the application then sees a client that
                    # went away, and whatever it answers is dropped
                    refused = True
                    if not started:
                        await _answer(send, 413, f"request body larger than {limit} bytes")
                    return {"type": "http.disconnect"}
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            if refused:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, counted, tracked)


#: Longest note of a lead action (characters) and longest assignee (the ``leads.assignee`` column).
MAX_NOTE: Final = 5000
MAX_ASSIGNEE: Final = 100
#: Largest id or offset a query takes (PostgreSQL ``bigint``, SQLite ``INTEGER``).
MAX_ID: Final = 2**63 - 1


def text_problem(what: str, value: str | None, longest: int) -> str | None:
    """Why the text field ``what`` cannot be stored (too long, NUL), or None when it can."""
    if value is None:
        return None
    if len(value) > longest:
        return f"{what} is too long: at most {longest} characters (got {len(value)})"
    if "\x00" in value:
        return f"{what} holds a NUL character"
    return None
