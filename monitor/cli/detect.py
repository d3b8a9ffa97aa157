"""`monitor detect`: the detector catalogue over history, findings as JSON Lines on stdout."""

from __future__ import annotations

from monitor.detection.collector import collector_paused

# This module's imports (pandas, numpy and pyarrow; through the CLI's options, the detectors'
# base) with Python's cyclic garbage collector paused, as `_import_uncollected` imports the
# rest: their 146 collections found nothing, on one core while the other idles at `monitor
# detect`'s start. What they made is then moved to the oldest generation at once, where the
# next young collection does not walk it (alone, 25 ms of CPU for 398 objects).
with collector_paused():
    import gc
    import sys
    from collections import defaultdict
    from pathlib import Path
    from typing import Any, Final

    import click
    import pandas as pd

    from monitor import clock
    from monitor.cli.options import config_option
    from monitor.cli.progress import Progress, progress_option


def _bound(text: str | None, tz: str, *, end: bool) -> pd.Timestamp | None:
    """``--from`` (``end=False``) or ``--to`` by :func:`monitor.clock.parse_time`'s rule (the same
    as ``monitor.cli.options.parse_time``, without importing the casework tables)."""
    if text is None:
        return None
    try:
        return pd.Timestamp(clock.parse_time(text, tz, end=end))
    except clock.TimeFormatError as exc:
        raise click.BadParameter(str(exc)) from None


@click.command()
@click.option(
    "--readings",
    "readings_path",
    type=click.Path(path_type=Path),
    help="Readings file, CSV or Parquet (columns mn,pollutant,ts,value,flag[,kind]), read one "
    "outlet at a time (a CSV file is checked and spilled by outlet into a temporary directory "
    "first, in any row order; a Parquet file whose row groups mix outlets is read whole); or a "
    "Parquet dataset, read one outlet at a time: a directory of Parquet files however split "
    "(month=2026-01/bucket=07/..., one file an outlet, ...) or a quoted glob "
    "('history/2026-*.parquet').",
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
    help="Site registry TOML (limits, ranges, standards; default: sites of monitor.toml, else "
    "./sites.toml).",
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
@progress_option
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Processes for --readings (default: the number of CPUs; with --dask local, its "
    "workers, default 2); findings and their order are the same for any number. History from "
    "--db is read in one process (or on --dask).",
)
@click.option(
    "--dask",
    "dask_address",
    metavar="ADDRESS",
    help="Run on Dask: a scheduler's address (tcp://127.0.0.1:8786), or 'local' for a cluster "
    "of --jobs worker processes on this machine; outlets are partitioned, copied-data and peer "
    "comparisons run over per-outlet summaries; the same findings in the same order. With "
    "--db, each worker reads its own outlets from the database (it is given the URL: it must "
    "reach the server, or the SQLite file on the same machine).",
)
@config_option("lang, timezone and sites")
def detect(
    readings_path: Path | None,
    database: str | None,
    sites_path: Path | None,
    detector_names: str | None,
    from_: str | None,
    to: str | None,
    lang: str | None,
    progress: bool | None,
    jobs: int | None,
    dask_address: str | None,
    config_path: Path | None,
) -> None:
    """Run the detectors over history and print findings as JSON Lines on stdout.

    \b
    Example:
      monitor detect --readings readings.csv --sites sites.toml --from 2026-06-01 > findings.jsonl
      monitor detect --readings readings.parquet --sites sites.toml --detectors frozen,exceedance
      monitor detect --readings readings.csv --sites sites.toml --jobs 1   # one process
      monitor detect --readings history/ --sites sites.toml   # a Parquet dataset (monitor export)
      monitor detect --readings history/ --sites sites.toml --dask local --jobs 2
      monitor detect --readings history/ --sites sites.toml --dask tcp://127.0.0.1:8786
      monitor detect --db sqlite:///outlet-watch.db --sites sites.toml    # history -> leads
      monitor detect --db postgresql+psycopg://HOST/ow --sites sites.toml --dask local
    """
    if sys.stdout is sys.__stdout__ and sys.stderr is sys.__stderr__:
        _skip_scipy_docs()  # before the detectors import scipy (and the fleet stage, sklearn)
        _import_uncollected()
        _collect_less()
        _keep_freed_memory()
    from monitor.config import ConfigError, load_config
    from monitor.detection.detect import DetectError, DetectRequest, run_detect

    if readings_path is None and database is None:
        raise click.ClickException("give --readings FILE, --db URL, or both")
    try:
        cfg = load_config(config_path, overrides={"sites": sites_path})
    except ConfigError as e:
        raise click.ClickException(str(e)) from None
    tz = cfg.timezone  # --from/--to without an offset, and the times of the findings
    start = _bound(from_, tz, end=False)
    end = _bound(to, tz, end=True)
    if start is not None and end is not None and end < start:
        raise click.ClickException(f"--to {to} is before --from {from_}")
    request = DetectRequest(
        sites=cfg.sites,
        readings=readings_path,
        database=database,
        detectors=[n.strip() for n in detector_names.split(",") if n.strip()]
        if detector_names
        else None,
        start=start,
        end=end,
        lang=lang or cfg.lang,
        timezone=tz,
        jobs=jobs,
        dask=dask_address,
    )
    listener = _Progress(progress)
    try:
        report = run_detect(request, sys.stdout.write, listener)
    except DetectError as e:
        raise click.ClickException(str(e)) from None
    finally:
        listener.finished()
        sys.stdout.flush()
    if report.changes is not None:
        changes, skipped = report.changes, report.not_recorded
        click.echo(
            f"stored {changes.stored} new findings; leads opened {len(changes.opened)}, "
            f"escalated {len(changes.escalated)}, updated {len(changes.updated)}"
            + (f"; {skipped} findings of unregistered outlets not recorded" if skipped else ""),
            err=True,
        )
    if report.unregistered:
        shown = ", ".join(report.unregistered[:5]) + (
            " ..." if len(report.unregistered) > 5 else ""
        )
        click.echo(
            f"warning: {len(report.unregistered)} outlet(s) not in {cfg.sites} checked without "
            f"limits: {shown}",
            err=True,
        )
    _exit_now()


#: The SciPy versions on which `_skip_scipy_docs` was checked (their decorators use the parsed
#: docstring for the docstring only).
SCIPY_DOCS_CHECKED: Final = ("1.17.",)
#: The SciPy modules that bind ``FunctionDoc`` from ``scipy._lib._docscrape`` at import.
_SCIPY_DOC_USERS: Final = (
    "scipy._lib._array_api",
    "scipy._lib._util",
    "scipy._lib.deprecation",
    "scipy.stats._axis_nan_policy",
)


class _UnparsedDoc(defaultdict[str, list[Any]]):
    """A stand-in for SciPy's ``FunctionDoc`` (numpydoc's parse of a function's docstring):
    every section empty, the text the function's own docstring. SciPy's import-time decorators
    (``xp_capabilities``, ``_axis_nan_policy``, ``_transition_to_rng``, ...) parse each
    decorated function's docstring to append notes and parameters to it, and write it back:
    with this, they write the docstring back as it was."""

    def __init__(self, func: Any, role: str = "func", doc: str | None = None, config: Any = None):
        super().__init__(list)
        self.text = (getattr(func, "__doc__", None) if doc is None else doc) or ""

    def __str__(self) -> str:
        return "\n" + self.text  # the callers drop the first line (numpydoc's signature)


def _skip_scipy_docs() -> None:
    """SciPy (1.17) builds the docstrings of some 600 functions when imported: numpydoc parses
    each (about 0.05 s of CPU for the detectors' scipy.special and scipy.ndimage in this process,
    0.15-0.25 s for scipy.stats, which scikit-learn imports in the fleet stage for
    peer_outlier; 2026-12-06, loaded machine, 3 interleaved runs each). `monitor detect`, in its
    own process, never shows a docstring: there SciPy's decorators are given `_UnparsedDoc`
    instead, which leaves each docstring as written (the functions themselves are unchanged;
    the findings are the same). Only on the SciPy versions of :data:`SCIPY_DOCS_CHECKED`;
    nothing when SciPy is missing or another version."""
    try:
        import scipy
        import scipy._lib._docscrape as docscrape
    except ImportError:
        return
    if not str(getattr(scipy, "__version__", "")).startswith(SCIPY_DOCS_CHECKED):
        return
    if not hasattr(docscrape, "FunctionDoc"):
        return
    docscrape.FunctionDoc = _UnparsedDoc  # modules imported later bind it
    for name in _SCIPY_DOC_USERS:  # modules imported already look it up when they decorate
        module = sys.modules.get(name)
        if module is not None and hasattr(module, "FunctionDoc"):
            module.FunctionDoc = _UnparsedDoc


def _import_uncollected() -> None:
    """Import what detection runs (the detection modules, every detector's module and the
    libraries they import) with Python's cyclic garbage collector paused, then freeze every
    object made so far for the whole process (`collector_paused(freeze=True)`): imports make
    modules, classes and functions that live as long as the process, so the collections that
    ran while they were made found nothing (about a hundred in this process) and every full
    collection after would walk them again (and, in a forked worker, write to their pages).
    Only as the command's own process (see `_exit_now`)."""
    from detectors import catalogue

    with collector_paused(freeze=True):
        import monitor.detection.detect
        import monitor.store.readings_csv  # noqa: F401

        catalogue()  # every detector's module


#: New objects between two of the cyclic collector's youngest collections in `monitor detect`'s
#: own process and its workers, instead of Python's 700 (`_collect_less`).
GC_YOUNG_THRESHOLD: Final = 50_000


def _collect_less() -> None:
    """Collect cyclic garbage after :data:`GC_YOUNG_THRESHOLD` new objects, not 700: reading
    and detecting make many short-lived objects and hardly any cycle. On the 100-outlet year
    (2026-12-06, collector callbacks in every process, 2 runs each) the main process's 227
    collections (0.08-0.09 s of CPU) freed 718 objects in the whole run; with this and the
    paused imports above, 16 collections (0.003 s). The workers and the fleet stage's processes
    are forked from it and keep the threshold. Only as the command's own process, as `monitor
    ingest`'s worker does."""
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])


def _keep_freed_memory() -> None:
    """glibc's malloc keeps the memory this process frees for its next arrays
    (`monitor.detection.batch.keep_freed_memory`, as the detection workers do), instead of
    returning the top of its heap after every outlet and faulting the pages in again for the
    next: this process reads the file and detects outlets too. On the 100-outlet year
    (2026-12-06, load 8-9): this process's minor page faults 353,000-369,000 -> 303,000-305,000
    (4 runs each), the whole run's CPU median 9.36 -> 9.08 s (4 interleaved rounds, every
    process), peak RSS 229 -> 230 MB. About 115,000 of the faults left are Arrow's pool, told
    to give pages back at once (``monitor.cli.ARROW_POOL_ENV``: with ``MIMALLOC_PURGE_DELAY=10``
    189,000-190,000 faults, 2 runs); the source of the other ~150,000 (outlet stage) is not
    known. Only as the command's own process."""
    from monitor.detection.batch import keep_freed_memory

    keep_freed_memory()


def _exit_now() -> None:
    """End the process here, done (status 0), without the interpreter's teardown: freeing every
    module and object one by one cost the 100-outlet year 0.17-0.18 s of CPU on one core after
    its last finding (the other idle). The exit handlers run first (multiprocessing's, logging's,
    temporary files'), standard output and error are flushed.
    Only as the command's own process: not when another program runs the command in its process
    with its own standard streams (a test's runner), nor when a stream cannot be flushed, nor
    while a thread that is not a daemon still runs (the usual exit joins it). Click's contexts
    are closed first, so whatever they were asked to close on exit (`Context.call_on_close`) is
    closed (reviewer-D D12)."""
    import atexit
    import os
    import threading

    if sys.stdout is not sys.__stdout__ or sys.stderr is not sys.__stderr__:
        return
    main = threading.main_thread()
    if any(t is not main and not t.daemon and t.is_alive() for t in threading.enumerate()):
        return
    ctx = click.get_current_context(silent=True)
    while ctx is not None:
        ctx.close()
        ctx = ctx.parent
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return  # the usual exit reports it
    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return
    os._exit(0)


class _Progress(Progress):
    """The detection's progress: the import's bar and line, then a bar over the outlets."""

    def importing(self, rows: int) -> None:
        self.start(rows, "import")

    def import_step(self, rows: int) -> None:
        self.step(n=rows)

    def imported(self, path: Path, result: Any) -> None:
        self.finish()
        click.echo(
            f"imported {path}: {result.stored} new readings, "
            f"{result.duplicates} already stored, {result.conflicts} conflicts quarantined",
            err=True,
        )

    def started(self, outlets: int) -> None:
        self.start(outlets, "detect")

    def finished(self) -> None:
        self.finish()
