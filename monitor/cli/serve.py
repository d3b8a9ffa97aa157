"""`monitor serve`: the web page and JSON API (uvicorn)."""

from __future__ import annotations

import os
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
    "--secure-cookies", is_flag=True, help="Send cookies over HTTPS only (behind a TLS proxy)."
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
    import uvicorn

    from monitor.casework.scoring import ScoringError, ScoringRules
    from monitor.web.app import create_app
    from monitor.web.context import WebContext
    from monitor.web.ingest_rate import IngestRate

    cw = open_casework(config_path, db, sites)
    try:
        rules = ScoringRules.from_dict(cw.config.scoring)
    except ScoringError as exc:
        raise click.ClickException(str(exc)) from None
    web = cw.config.sections.get("web", {})
    secret, where = os.environ.get("MONITOR_WEB_SECRET") or None, "MONITOR_WEB_SECRET"
    if secret is None and web.get("secret"):
        secret, where = str(web["secret"]), "[web] secret"
    if secret is not None and len(secret.encode()) < 16:
        raise click.ClickException(f"{where} is shorter than 16 characters: use a longer one")
    if secret is None:
        click.echo(
            "note: neither MONITOR_WEB_SECRET nor [web] secret is set: sessions end when the "
            "server stops",
            err=True,
        )
    ctx = WebContext(
        cw.engine,
        lang=cw.config.lang,
        timezone=cw.config.timezone,
        registry=cw.registry,
        rules=rules,
        silent_hours=silent_hours,
    )
    if metrics_url is None and cw.config.metrics_port:
        metrics_url = f"http://127.0.0.1:{cw.config.metrics_port}/metrics"
    if metrics_url:
        ctx.ingest_rate = IngestRate(metrics_url)
    app = create_app(ctx, secret=secret, secure_cookies=secure_cookies)
    click.echo(f"outlet-watch web page on http://{host}:{port}/", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
