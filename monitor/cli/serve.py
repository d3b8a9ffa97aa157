"""`monitor serve`: the web page and JSON API (uvicorn)."""

from __future__ import annotations

from pathlib import Path

import click

import monitor.store.user_models  # noqa: F401  (registers the users table)
from monitor.cli.options import casework_options, open_casework


@click.command()
@casework_options
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True)
@click.option(
    "--silent-hours",
    type=click.FloatRange(min=0, min_open=True),
    default=3.0,
    show_default=True,
    help="An outlet without data for longer counts as silent.",
)
@click.option(
    "--metrics-url",
    help="The ingest daemon's Prometheus endpoint for messages/s (default: "
    "http://127.0.0.1:METRICS_PORT/metrics when [ingest] metrics_port is set).",
)
@click.option(
    "--secure-cookies",
    is_flag=True,
    help="Send cookies over HTTPS only (they are whenever a request comes over https, directly "
    "or from a trusted proxy).",
)
@click.option(
    "--trusted-proxy",
    "trusted_proxies",
    multiple=True,
    default=("127.0.0.1",),
    show_default=True,
    help="Address of a reverse proxy whose X-Forwarded-For and X-Forwarded-Proto are believed "
    "(repeat for several; '*' for any).",
)
@click.option(
    "--max-body",
    type=click.IntRange(min=0),
    default=1 << 20,
    show_default=True,
    help="Largest request body in bytes with a signed-in session (larger: 413, unread).",
)
@click.option(
    "--max-anonymous-body",
    type=click.IntRange(min=0),
    default=64 << 10,
    show_default=True,
    help="Largest request body in bytes without a signed-in session (sign-in, HTTP Basic).",
)
def serve(
    config_path: Path | None,
    db: str | None,
    sites: Path | None,
    host: str,
    port: int,
    silent_hours: float,
    metrics_url: str | None,
    secure_cookies: bool,
    trusted_proxies: tuple[str, ...],
    max_body: int,
    max_anonymous_body: int,
) -> None:
    """Serve the web page: overview, lead queue, lead evidence with charts, enterprises,
    inspections, quarantine; and the JSON API under /api (OpenAPI at /openapi.json).

    Sessions are signed with $MONITOR_WEB_SECRET or `secret` of the [web] table of monitor.toml
    (at least 16 characters; without either a random secret is used and sessions end when the
    server stops). Create accounts with `monitor users add`.

    \b
    Example:
      monitor users add admin --role admin
      MONITOR_WEB_SECRET=... monitor serve --db sqlite:///outlet-watch.db --sites sites.toml --port 8080
    """
    from monitor.web.serve import ServeError, ServeSettings
    from monitor.web.serve import serve as serve_web

    cw = open_casework(config_path, db, sites)
    settings = ServeSettings(
        host,
        port,
        silent_hours,
        metrics_url,
        secure_cookies,
        ",".join(trusted_proxies),
        max_body,
        max_anonymous_body,
    )
    try:
        serve_web(
            cw.config,
            cw.engine,
            cw.registry,
            settings,
            note=lambda line: click.echo(line, err=True),
        )
    except ServeError as exc:
        raise click.ClickException(str(exc)) from None
