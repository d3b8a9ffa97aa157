"""`monitor detect`: the detector catalogue over history, findings as JSON Lines on stdout."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import click
import pandas as pd

from detectors import Detector, OutletSpec, build, catalogue
from monitor import clock
from monitor.config import redact_url
from monitor.detection.batch import (
    DetectionRun,
    OutletRows,
    clip_time,
    default_jobs,
    detect_outlets,
    detect_parallel,
)


def _bound(text: str | None, tz: str, *, end: bool) -> pd.Timestamp | None:
    """``--from`` (``end=False``) or ``--to`` by :func:`monitor.clock.parse_time`'s rule (the same
    as ``monitor.cli.options.parse_time``, without importing the casework tables)."""
    if text is None:
        return None
    try:
        return pd.Timestamp(clock.parse_time(text, tz, end=end))
    except clock.TimeFormatError as exc:
        raise click.BadParameter(str(exc)) from None


def select_detectors(names: str | None) -> list[Detector]:
    """The detectors named in a comma-separated list (all of them when None)."""
    if not names:
        return build()
    chosen = [n.strip() for n in names.split(",") if n.strip()]
    known = catalogue()
    unknown = [n for n in chosen if n not in known]
    if unknown:
        raise click.ClickException(
            f"--detectors: unknown detector(s) {', '.join(unknown)}; known: {', '.join(known)}"
        )
    return build(chosen)


def load_specs(sites: Path) -> Mapping[str, OutletSpec]:
    """The registry's specs by MN (one clear error line for a bad registry file)."""
    from monitor.registry import RegistryError, load_registry

    try:
        return load_registry(sites).specs()
    except RegistryError as e:
        raise click.ClickException(str(e)) from e


def outlets_from_file(
    readings: Path, start: pd.Timestamp | None, end: pd.Timestamp | None
) -> OutletRows:
    """The outlets of a readings file (within the window), their frames taken one by one."""
    from monitor.store.readings_files import ReadingsFileError, read_readings

    try:
        frame = read_readings(readings)
    except ReadingsFileError as e:
        raise click.ClickException(str(e)) from e
    return OutletRows(clip_time(frame, start, end))


@click.command()
@click.option(
    "--readings",
    "readings_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Readings file, CSV or Parquet (columns mn,pollutant,ts,value,flag[,kind]).",
)
@click.option(
    "--db",
    "database",
    envvar="MONITOR_DB",
    help="Store URL: read history from it, store the findings and open or update leads "
    "(with --readings, the file is imported into the store first).",
)
@click.option(
    "--sites",
    "sites_path",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="Site registry TOML (limits, ranges, standards).",
)
@click.option(
    "--detectors", "detector_names", help="Comma-separated detector names (default: all)."
)
@click.option("--from", "from_", help="First day or time to look at (local time unless an offset).")
@click.option("--to", "to", help="Last day (inclusive) or time to look at.")
@click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    help="Language of the summaries (default: lang of monitor.toml or $MONITOR_LANG, else zh).",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Progress bar on stderr (default: when stderr is a terminal).",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Processes for --readings (default: the number of CPUs); findings and their order "
    "are the same for any number. History from --db is read in one process.",
)
def detect(
    readings_path: Path | None,
    database: str | None,
    sites_path: Path,
    detector_names: str | None,
    from_: str | None,
    to: str | None,
    lang: str | None,
    progress: bool | None,
    jobs: int | None,
) -> None:
    """Run the detectors over history and print findings as JSON Lines on stdout.

    \b
    Example:
      monitor detect --readings readings.csv --sites sites.toml --from 2026-06-01 > findings.jsonl
      monitor detect --readings readings.parquet --sites sites.toml --detectors frozen,exceedance
      monitor detect --readings readings.csv --sites sites.toml --jobs 1   # one process
      monitor detect --db sqlite:///outlet-watch.db --sites sites.toml    # history -> leads
    """
    if readings_path is None and database is None:
        raise click.ClickException("give --readings FILE, --db URL, or both")
    cfg = _config()
    lang = lang or cfg.lang
    tz = cfg.timezone  # --from/--to without an offset, and the times of the findings
    start = _bound(from_, tz, end=False)
    end = _bound(to, tz, end=True)
    if start is not None and end is not None and end < start:
        raise click.ClickException(f"--to {to} is before --from {from_}")
    detectors = select_detectors(detector_names)
    loading = _preload(detectors) if readings_path is not None and database is None else None
    specs = load_specs(sites_path)
    store = _store(database, readings_path) if database else None
    rows: OutletRows | None = None
    if store is not None:
        count, outlets = outlets_from_store(store, start, end)
    else:
        assert readings_path is not None
        rows = outlets_from_file(readings_path, start, end)
        count, outlets = len(rows), iter(rows)
    if loading is not None:
        loading.join()  # before workers are forked: no import half done in a child
    run = DetectionRun()
    found = []
    show = sys.stderr.isatty() if progress is None else progress
    out = sys.stdout
    with click.progressbar(
        length=count, label="detect", file=sys.stderr if show else _Null()
    ) as bar:

        def step(_mn: str) -> None:
            bar.update(1)

        if rows is not None:
            findings = detect_parallel(
                rows,
                specs,
                detectors,
                jobs=jobs or default_jobs(),
                lang=lang,
                progress=step,
                run=run,
            )
        else:
            findings = detect_outlets(outlets, specs, detectors, lang=lang, progress=step, run=run)
        for finding in findings:
            out.write(finding.to_json(tz) + "\n")
            if store is not None:
                found.append(finding)
    out.flush()
    if store is not None:
        _record(store, sites_path, found)
    if run.unregistered:
        shown = ", ".join(run.unregistered[:5]) + (" ..." if len(run.unregistered) > 5 else "")
        click.echo(
            f"warning: {len(run.unregistered)} outlet(s) not in {sites_path} checked without "
            f"limits: {shown}",
            err=True,
        )


def _preload(detectors: list[Detector]) -> threading.Thread:
    """A thread importing the libraries the detectors load lazily (scikit-learn), started now so
    that the import overlaps reading the file (which mostly runs outside the interpreter lock)."""

    def load() -> None:
        for detector in detectors:
            detector.preload()

    thread = threading.Thread(target=load, name="preload", daemon=True)
    thread.start()
    return thread


def _config() -> Any:
    from monitor.config import ConfigError, load_config

    try:
        return load_config()
    except ConfigError as e:
        raise click.ClickException(str(e)) from None


def _store(database: str, readings_path: Path | None) -> Any:
    """The store at ``database``, with ``readings_path`` imported into it when given."""
    from monitor.store.store import Store

    try:
        store = Store(database)
    except Exception as e:  # a bad URL or an unreachable server: one line
        raise click.ClickException(f"--db {redact_url(database)}: {e}") from None
    if readings_path is not None:
        from monitor.store.readings_files import ReadingsFileError, read_readings

        try:
            frame = read_readings(readings_path)
        except ReadingsFileError as e:
            raise click.ClickException(str(e)) from e
        result = store.import_frame(frame)
        click.echo(
            f"imported {readings_path}: {result.stored} new readings, "
            f"{result.duplicates} already stored, {result.conflicts} conflicts quarantined",
            err=True,
        )
    return store


def outlets_from_store(
    store: Any, start: pd.Timestamp | None, end: pd.Timestamp | None
) -> tuple[int, Iterator[tuple[str, pd.DataFrame]]]:
    """Stored outlets and their hourly history one at a time (memory: one outlet's frame)."""
    from monitor.detection.history import stored_outlets

    stop = None if end is None else end + clock.TICK  # --to is inclusive
    return len(store.outlets()), stored_outlets(store, start, stop)  # type: ignore[return-value]


def _record(store: Any, sites_path: Path, findings: list) -> None:
    """Store the findings and open or update leads (idempotent); say what changed on stderr."""
    from monitor.detection.history import record
    from monitor.registry import load_registry

    registry = load_registry(sites_path)
    known = [f for f in findings if f.mn in registry]  # leads need an enterprise and a district
    changes = record(store, registry, known).changes
    skipped = len(findings) - len(known)
    click.echo(
        f"stored {changes.stored} new findings; leads opened {len(changes.opened)}, "
        f"escalated {len(changes.escalated)}, updated {len(changes.updated)}"
        + (f"; {skipped} findings of unregistered outlets not recorded" if skipped else ""),
        err=True,
    )
    store.close()


class _Null:
    """A stream that swallows the progress bar when it is not wanted."""

    def write(self, _text: str) -> int:
        return 0

    def flush(self) -> None:
        return None

    def isatty(self) -> bool:
        return False
