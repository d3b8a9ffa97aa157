"""``monitor demo``: the main job on embedded defaults."""

from __future__ import annotations

from pathlib import Path

import click

from monitor.cli.options import config_option

EPILOG = """\b
Examples:
  monitor demo                       # ./outlet-watch-demo/, 20 outlets, 30 days, about a minute
  monitor demo --lang en --dir /tmp/demo --outlets 30 --days 60"""


@click.command("demo", epilog=EPILOG)
@click.option(
    "--dir",
    "workdir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("outlet-watch-demo"),
    show_default=True,
    help="Folder for the demo's database and registry (its own files are rewritten).",
)
@click.option("--outlets", type=click.IntRange(2, 500), default=20, show_default=True)
@click.option("--days", type=click.IntRange(7, 365), default=30, show_default=True)
@click.option("--seed", type=int, default=2026, show_default=True)
@click.option(
    "--seconds",
    type=click.FloatRange(1, 3600),
    default=40.0,
    show_default=True,
    help="How long publishing the simulated days should take.",
)
@click.option(
    "--lang",
    type=click.Choice(["en", "zh"]),
    help="Language of every text (default: lang of monitor.toml or $MONITOR_LANG, else zh).",
)
@config_option("lang and timezone")
def demo(
    workdir: Path,
    outlets: int,
    days: int,
    seed: int,
    seconds: float,
    lang: str | None,
    config_path: Path | None,
) -> None:
    """Run the whole system on embedded defaults: an embedded MQTT broker, a SQLite file, the
    ingest daemon with live detection, simulated outlets (a few falsifying) publishing HJ 212 in
    accelerated time, leads, scores and alerts to the console."""
    from monitor.config import ConfigError, load_config
    from monitor.simulation.demo import DemoSettings, run_demo

    try:
        cfg = load_config(config_path, overrides={"lang": lang})
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    settings = DemoSettings(
        workdir=workdir,
        outlets=outlets,
        days=days,
        seed=seed,
        seconds=seconds,
        lang=cfg.lang,
        tz=cfg.timezone,
    )
    run_demo(settings, echo=click.echo)
