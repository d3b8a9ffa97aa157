"""``monitor ingest``: run the ingest daemon (MQTT -> store) until SIGTERM/SIGINT."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from monitor.cli.options import config_option
from monitor.config import ConfigError, load_config

EPILOG = """\b
Examples:
  monitor ingest --broker mqtt://127.0.0.1:1883 --db sqlite:///outlet-watch.db --sites sites.toml
  monitor ingest --broker mqtts://ingest:PASS@broker:8883 --ca-file ca.pem \\
      --db postgresql+psycopg://ow@db/ow --sites sites.toml --topic '$share/ow/hj212/+'
  monitor ingest --broker embedded --sites sites.toml     # amqtt on 127.0.0.1:1883

Exit codes: 0 after a clean stop, 1 on bad configuration, 3 when another daemon took over the
client id."""


@click.command("ingest", epilog=EPILOG)
@click.option("--broker", help="mqtt://[user:pass@]host[:port], mqtts://..., or embedded[:PORT].")
@click.option(
    "--db", "database", help="SQLAlchemy URL (sqlite:///file.db, postgresql+psycopg://...)."
)
@click.option("--sites", type=click.Path(path_type=Path), help="Site registry TOML.")
@click.option("--topic", help="Subscription, default hj212/+ (or $share/GROUP/hj212/+).")
@click.option("--topic-template", help='Topic naming the MN, default hj212/{mn}; "" accepts any.')
@click.option("--client-id", help="Stable MQTT client id (unique per daemon).")
@click.option(
    "--ca-file", type=click.Path(path_type=Path), help="CA certificate (PEM) for mqtts://."
)
@click.option("--batch-size", type=int, help="Messages per commit, default 2000.")
@click.option(
    "--batch-interval",
    "batch_interval_s",
    type=float,
    help="Seconds before a partial batch commits.",
)
@click.option("--metrics-port", type=int, help="Serve Prometheus /metrics on 127.0.0.1:PORT.")
@click.option(
    "--strict/--lenient",
    default=None,
    help="Quarantine packets that bend HJ 212 (stray header ';', keys in another case, data "
    "segment over 1,024 bytes, joined BeginTime/EndTime, Modbus CRC) instead of storing them "
    "with the deviation counted per MN; default lenient ([ingest] strict).",
)
@click.option(
    "--worker-process/--no-worker-process",
    default=True,
    show_default=True,
    help="Decode and commit in a second process (another core than the MQTT client); "
    "--no-worker-process keeps everything in one process.",
)
@click.option(
    "--live/--no-live",
    default=True,
    show_default=True,
    help="Run the window detectors after each committed batch (leads, scores, alerts).",
)
@config_option("broker, database, registry, live detection and alerts")
def ingest(config_path: Path | None, worker_process: bool, live: bool, **flags: object) -> None:
    """Receive HJ 212 / JSON messages from MQTT and store them, acknowledging each message only
    after it is committed; bad messages go to the quarantine with their reason."""
    from monitor.services.ingest import IngestServiceError, run_ingest

    try:
        cfg = load_config(config_path, overrides=flags)
        code = run_ingest(cfg, worker_process=worker_process, live=live)
    except (ConfigError, IngestServiceError) as exc:
        raise click.ClickException(str(exc)) from None
    if code:
        sys.exit(code)
