"""``monitor export``: stored readings out as a readings file (DESIGN.md section 5)."""

from __future__ import annotations

from pathlib import Path

import click
import pandas as pd

EPILOG = """\b
Examples:
  monitor export --db sqlite:///outlet-watch.db --out readings.csv
  monitor export --db sqlite:///outlet-watch.db --mn 61011500000001 --from 2026-06-01 \\
      --to 2026-06-30 --kind hour --kind day --out june.parquet"""


@click.command("export", epilog=EPILOG)
@click.option("--db", "database", envvar="MONITOR_DB", required=True, help="Store URL.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Output file: .csv or .parquet.")  # fmt: skip
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
@click.option("--tz", default="Asia/Shanghai", show_default=True, help="Zone of ts in CSV output.")
def export(
    database: str,
    out: Path,
    mns: tuple[str, ...],
    from_: str | None,
    to: str | None,
    kinds: tuple[str, ...],
    tz: str,
) -> None:
    """Write stored readings as a readings file that `monitor detect --readings` reads back,
    one outlet at a time."""
    from monitor.cli.options import parse_time
    from monitor.clock import TICK
    from monitor.config import redact_url
    from monitor.store.readings_files import write_readings
    from monitor.store.store import Store

    if out.suffix.lower() not in (".csv", ".parquet", ".pq"):
        raise click.ClickException(f"--out {out}: use a .csv or .parquet file name")
    start = parse_time(from_, tz, end=False)
    end = parse_time(to, tz, end=True)
    stop = None if end is None else end + TICK  # --to is inclusive
    try:
        store = Store(database, create=False)
        outlets = list(mns) or store.outlets()
    except Exception as e:
        raise click.ClickException(f"--db {redact_url(database)}: {e}") from None
    frames = [
        store.read_frame(mn, start=start, end=stop, kinds=kinds or ("hour",)) for mn in outlets
    ]
    store.close()
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if frame.empty:
        raise click.ClickException("nothing to export: no stored readings match")
    write_readings(frame, out, tz=tz)
    click.echo(f"wrote {len(frame):,} readings of {len(outlets)} outlet(s) to {out}", err=True)
