"""``monitor export``: stored readings out as a readings file (DESIGN.md section 5) or a Parquet
dataset partitioned by month and outlet bucket (section 10)."""

from __future__ import annotations

from pathlib import Path

import click

from monitor.cli.options import config_option
from monitor.cli.progress import Progress, progress_option
from monitor.config import DEFAULT_TIMEZONE

EPILOG = """\b
Examples:
  monitor export --db sqlite:///outlet-watch.db --out readings.csv
  monitor export --config monitor.toml --mn 61011500000001 --from 2026-06-01 \\
      --to 2026-06-30 --kind hour --kind day --out june.parquet
  monitor export --mn 61011500000001 --from 2026-06-01 --to 2026-06-30 --out june.xlsx
  monitor export --db postgresql://monitor@db/monitor --out history/   # a Parquet dataset"""


@click.command("export", epilog=EPILOG)
@click.option("--db", "database", envvar="MONITOR_DB",
              help="Store URL (default: $MONITOR_DB or monitor.toml).")  # fmt: skip
@click.option("--out", type=click.Path(path_type=str), required=True,
              help="Output: a .csv or .parquet file (an .xlsx workbook for people, at most "
                   "1,048,575 rows), or a directory (a name ending in / or "
                   "without a suffix) for a Parquet dataset: month=YYYY-MM/bucket=NN/"
                   "part-0.parquet.")  # fmt: skip
@click.option("--buckets", type=click.IntRange(min=1), default=None,
              help="Outlet buckets of a dataset (default 16): the outlet's bucket is CRC-32 of "
                   "its MN modulo this.")  # fmt: skip
@click.option("--mn", "mns", multiple=True, help="Only these outlets (repeatable; default all).")
@click.option("--from", "from_", help="First day or time (local time unless an offset).")
@click.option("--to", "to", help="Last day (inclusive) or time.")
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(["rtd", "minute", "hour", "day"]),
    help="Kinds of reading (repeatable; default hour).",
)
@click.option(
    "--tz",
    help="Zone of ts in CSV output and of --from/--to without an offset (default: timezone of "
    f"monitor.toml, else {DEFAULT_TIMEZONE}).",
)
@progress_option
@config_option()
def export(
    database: str | None,
    out: str,
    buckets: int | None,
    mns: tuple[str, ...],
    from_: str | None,
    to: str | None,
    kinds: tuple[str, ...],
    tz: str | None,
    progress: bool | None,
    config_path: Path | None,
) -> None:
    """Write stored readings as a readings file or a Parquet dataset that `monitor detect
    --readings` reads back, one outlet at a time."""
    from monitor.cli.options import parse_time
    from monitor.clock import TICK
    from monitor.config import ConfigError, load_config
    from monitor.store.export import DEFAULT_BUCKETS, ExportError, export_readings, readings_format

    try:
        cfg = load_config(config_path, overrides={"database": database, "timezone": tz})
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    start = parse_time(from_, cfg.timezone, end=False)
    end = parse_time(to, cfg.timezone, end=True)
    try:
        if buckets is not None and readings_format(out) != "dataset":
            raise ExportError(
                f"--buckets: {out} is a file; give a directory for a dataset, or drop --buckets"
            )
        with Progress(progress) as bar:
            result = export_readings(
                cfg.database,
                out,
                mns=mns,
                start=start,
                end=None if end is None else end + TICK,  # --to is inclusive
                kinds=kinds or ("hour",),
                tz=cfg.timezone,
                buckets=buckets or DEFAULT_BUCKETS,
                started=lambda n: bar.start(n, "export"),
                step=bar.step,
            )
    except ExportError as exc:
        raise click.ClickException(str(exc)) from None
    files = f" ({result.files} files)" if readings_format(out) == "dataset" else ""
    click.echo(
        f"wrote {result.readings:,} readings of {result.outlets} outlet(s) to {result.path}{files}",
        err=True,
    )
