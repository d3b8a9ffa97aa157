"""``monitor serve`` as one call: the configuration, database and registry to a running web page.

:func:`serve` resolves what the page needs from the configuration (scoring rules, the session
secret from ``$MONITOR_WEB_SECRET`` or ``[web] secret``, the ingest daemon's metrics endpoint),
builds the application (:func:`build_app`, also for tests) and runs it with uvicorn until stopped.
A setting that cannot be used raises :class:`ServeError` with one line naming it and the fix.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Engine

from monitor.config import Config, check_keys
from monitor.web.limits import MAX_ANONYMOUS_BODY, MAX_BODY

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["ServeError", "ServeSettings", "build_app", "serve", "web_secret"]

SECRET_ENV = "MONITOR_WEB_SECRET"


class ServeError(ValueError):
    """A setting the web page cannot start with; the message is one line with the fix."""


@dataclass(frozen=True)
class ServeSettings:
    """Where to listen and how the page behaves (the options of ``monitor serve``)."""

    host: str = "127.0.0.1"
    port: int = 8080
    silent_hours: float = 3.0
    metrics_url: str | None = None
    secure_cookies: bool = False
    #: Addresses (comma-separated; ``*`` for any) whose X-Forwarded-For/-Proto are believed: the
    #: client address then is the forwarded one (the sign-in throttle's source) and a request
    #: forwarded as https gets Secure cookies.
    trusted_proxies: str = "127.0.0.1"
    #: Largest request body in bytes with a signed-in session cookie, and without one.
    max_body: int = MAX_BODY
    max_anonymous_body: int = MAX_ANONYMOUS_BODY


def web_secret(config: Config, env: Mapping[str, str] | None = None) -> str | None:
    """The session secret: ``$MONITOR_WEB_SECRET``, else ``[web] secret``, else None (a random
    one per process). Raises :class:`ServeError` when the one given is shorter than 16 bytes."""
    env = os.environ if env is None else env
    secret, where = env.get(SECRET_ENV) or None, SECRET_ENV
    web = config.sections.get("web", {})
    check_keys(web, "[web]", ("secret",), ServeError)
    if secret is None and web.get("secret"):
        secret, where = str(web["secret"]), "[web] secret"
    if secret is not None and len(secret.encode()) < 16:
        raise ServeError(f"{where} is shorter than 16 characters: use a longer one")
    return secret


def build_app(
    config: Config,
    engine: Engine,
    registry: Any | None,
    settings: ServeSettings = ServeSettings(),
    *,
    secret: str | None = None,
) -> FastAPI:
    """The web application over ``engine`` with the configured language, zone, scoring rules and
    (when ``settings.metrics_url`` or ``[ingest] metrics_port`` is set) the daemon's rate."""
    from monitor.casework.complaints import ComplaintError, ComplaintSettings
    from monitor.casework.scoring import ScoringError, ScoringRules
    from monitor.web.app import create_app
    from monitor.web.context import WebContext
    from monitor.web.ingest_rate import IngestRate

    try:
        rules = ScoringRules.from_dict(config.scoring)
        complaints = ComplaintSettings.from_dict(
            config.sections.get("complaints"), timezone=config.timezone
        )
    except (ScoringError, ComplaintError) as exc:
        raise ServeError(str(exc)) from None
    ctx = WebContext(
        engine,
        lang=config.lang,
        timezone=config.timezone,
        registry=registry,
        rules=rules,
        silent_hours=settings.silent_hours,
        complaint_settings=complaints,
    )
    metrics_url = settings.metrics_url
    if metrics_url is None and config.metrics_port:
        metrics_url = f"http://127.0.0.1:{config.metrics_port}/metrics"
    if metrics_url:
        ctx.ingest_rate = IngestRate(metrics_url)
    return create_app(
        ctx,
        secret=secret,
        secure_cookies=settings.secure_cookies,
        max_body=settings.max_body,
        max_anonymous_body=settings.max_anonymous_body,
    )


def serve(
    config: Config,
    engine: Engine,
    registry: Any | None,
    settings: ServeSettings = ServeSettings(),
    *,
    note: Callable[[str], None] = print,
    env: Mapping[str, str] | None = None,
) -> None:
    """Serve the web page until the process is stopped; ``note`` receives the lines a person
    starting it should read (where it listens, a session secret missing)."""
    import uvicorn

    secret = web_secret(config, env)
    app = build_app(config, engine, registry, settings, secret=secret)
    if secret is None:
        note(
            f"note: neither {SECRET_ENV} nor [web] secret is set: sessions end when the "
            "server stops"
        )
    note(f"outlet-watch web page on http://{settings.host}:{settings.port}/")
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level="warning",
        access_log=False,
        proxy_headers=True,
        forwarded_allow_ips=settings.trusted_proxies,
    )
