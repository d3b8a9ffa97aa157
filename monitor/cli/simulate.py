"""`monitor simulate`: write a labelled simulated fleet (readings, registry, labels)."""

from __future__ import annotations

from pathlib import Path

import click

from monitor.cli.options import config_option
from monitor.cli.progress import Progress, progress_option
from monitor.config import DEFAULT_TIMEZONE


@click.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="Folder to write into (created).",
)
@click.option("--outlets", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--days", type=click.IntRange(min=1), default=30, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--start",
    default="2026-01-01",
    show_default=True,
    help=f"First day (in the timezone of monitor.toml, else {DEFAULT_TIMEZONE}).",
)
@click.option("--falsifying-share", type=click.FloatRange(0, 1), default=0.3, show_default=True)
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "parquet"]), default="csv", show_default=True
)
@progress_option
@config_option("the timezone of --start")
def simulate(
    out_dir: Path,
    outlets: int,
    days: int,
    seed: int,
    start: str,
    falsifying_share: float,
    fmt: str,
    progress: bool | None,
    config_path: Path | None,
) -> None:
    """Simulate outlets (honest and falsifying) and write readings, sites.toml and labels.csv.

    \b
    Example:
      monitor simulate --out sim --outlets 50 --days 90 --seed 7
      monitor detect --readings sim/readings.csv --sites sim/sites.toml > findings.jsonl
    """
    import pandas as pd

    from monitor.config import ConfigError, load_config
    from monitor.simulation.fleet import write_simulation
    from monitor.simulation.simulator import simulate as run_simulation

    try:
        tz = load_config(config_path).timezone
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        first = pd.Timestamp(start)
    except ValueError as e:
        raise click.ClickException(f"--start {start!r} is not a date (e.g. 2026-01-01)") from e
    if first.tzinfo is None:
        first = first.tz_localize(tz)
    stages = Progress(progress)
    stages.stage(f"simulating {outlets} outlets x {days} days (seed {seed})")
    sim = run_simulation(outlets, days, seed, start=first, falsifying_share=falsifying_share, tz=tz)
    stages.stage(f"writing {len(sim.readings):,} readings to {out_dir}")
    paths = write_simulation(sim, out_dir, fmt=fmt, tz=tz)
    stages.stage("written")
    labels = sim.labels
    patterns = labels[labels["pattern"] != "exceedance"]
    click.echo(
        f"{outlets} outlets x {days} days: {len(sim.readings)} readings, "
        f"{len(sim.falsifying)} falsifying outlets, {len(patterns)} labelled patterns, "
        f"{int((labels['pattern'] == 'exceedance').sum())} exceedance runs",
        err=True,
    )
    for role, path in paths.items():
        click.echo(f"{role}: {path}", err=True)
