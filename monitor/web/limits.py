"""Limits checked on every request before anything reads it (a pure ASGI middleware, the outermost
of the application's own, so before the session cookie, authentication and routing).

- A body larger than ``max_body`` bytes is refused with 413: at once when its ``Content-Length``
  says so (the body is never read), else (chunked) as soon as the bytes received so far pass the
  limit, while they stream; so an unauthenticated client cannot make the server hold a large body.
- A ``Content-Length`` that is not a non-negative integer is refused with 400.
- A NUL character in the path or the query string (raw or ``%00``) is refused with 400: no filter,
  path parameter or name of the application holds one, and PostgreSQL refuses them in text.
"""

from __future__ import annotations

from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["MAX_BODY", "RequestLimits"]

#: Default largest request body in bytes (1 MiB): forms and JSON of the application are far
#: smaller.
MAX_BODY: Final = 1 << 20


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
    """The middleware (rules in the module docstring); ``max_body`` in bytes."""

    def __init__(self, app: ASGIApp, max_body: int = MAX_BODY) -> None:
        if max_body < 0:
            raise ValueError("max_body must be >= 0")
        self.app = app
        self.max_body = max_body

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
