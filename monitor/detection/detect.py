"""``monitor detect`` as one call: the catalogue over a readings file, a Parquet dataset (read
outlet by outlet) or the store's history.

:func:`run_detect` takes a :class:`DetectRequest` (the sites, a readings file and/or a database,
the detectors, a time window, the language and zone), writes each finding as one strict JSON line
through ``write`` as soon as it is found, and returns a :class:`DetectReport`. With a database,
the readings file (if any) is imported first, history is read outlet by outlet from the store, and
the findings of registered outlets are stored and open or update leads (idempotent). A
``listener`` (see :class:`DetectListener`) hears of the import and of each outlet done, for a
progress bar. Anything that cannot be used (a bad registry or readings file, an unknown detector,
an unreachable database) raises :class:`DetectError` with one line.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from detectors import Detector, Finding, build, catalogue
from ingest.sink import BatchResult
from monitor.clock import TICK
from monitor.config import DEFAULT_TIMEZONE, redact_url
from monitor.detection.batch import (
    DetectionRun,
    WorkerLost,
    default_jobs,
    detect_outlets,
    detect_parallel,
    detect_stream,
)
from monitor.registry import Registry

__all__ = [
    "DetectError",
    "DetectListener",
    "DetectReport",
    "DetectRequest",
    "run_detect",
    "select_detectors",
]


class DetectError(ValueError):
    """A detection that cannot run; the message is one line naming the input and the fix."""


@dataclass(frozen=True)
class DetectRequest:
    """What to detect over. ``readings`` and/or ``database`` (at least one); ``start`` and
    ``end`` bound the readings looked at (``end`` inclusive); ``detectors`` by name (None: all);
    ``jobs`` processes for a readings file without a database (None: the CPUs); ``dask`` the
    address of a Dask scheduler to run on, or ``local`` for a cluster of ``jobs`` (None: 2)
    worker processes on this machine (with a database, the workers read the history from it
    themselves: they are given its URL)."""

    sites: Path
    readings: Path | None = None
    database: str | None = None
    detectors: Sequence[str] | None = None
    start: datetime | None = None
    end: datetime | None = None
    lang: str = "zh"
    timezone: str = DEFAULT_TIMEZONE
    jobs: int | None = None
    dask: str | None = None


class DetectListener(Protocol):
    """Hears how a detection goes (every method is called from the calling thread)."""

    def importing(self, rows: int) -> None:
        """The readings file's ``rows`` are being imported into the store."""

    def import_step(self, rows: int) -> None:
        """``rows`` more rows were committed."""

    def imported(self, path: Path, result: BatchResult) -> None:
        """The readings file was imported into the store."""

    def started(self, outlets: int) -> None:
        """Detection starts over ``outlets`` outlets."""

    def step(self, mn: str) -> None:
        """One outlet is done."""

    def finished(self) -> None:
        """Every finding was written (before they are recorded)."""


@dataclass
class DetectReport:
    """What a detection did: findings written; with a database, what was imported and recorded
    (``changes``: the leads' :class:`~monitor.casework.leads.LeadChanges`), and the findings not
    recorded because their outlet is not registered; outlets checked without limits."""

    findings: int = 0
    imported: BatchResult | None = None
    changes: Any | None = None
    not_recorded: int = 0
    unregistered: list[str] = field(default_factory=list)


def select_detectors(names: Sequence[str] | None) -> list[Detector]:
    """The detectors named (all of them when None or empty)."""
    if not names:
        return build()
    known = catalogue()
    unknown = [n for n in names if n not in known]
    if unknown:
        raise DetectError(
            f"--detectors: unknown detector(s) {', '.join(unknown)}; known: {', '.join(known)}"
        )
    return build(list(names))


def run_detect(
    request: DetectRequest,
    write: Callable[[str], Any],
    listener: DetectListener | None = None,
) -> DetectReport:
    """Run the detection of ``request``, writing each finding's JSON line (with its newline)
    through ``write``; see the module's docstring."""
    from monitor.registry import RegistryError, load_registry

    if request.readings is None and request.database is None:
        raise DetectError("give a readings file, a database, or both")
    detectors = select_detectors(request.detectors)
    try:
        registry = load_registry(request.sites)
    except RegistryError as e:
        raise DetectError(str(e)) from None
    specs = registry.specs()
    report = DetectReport()
    store = (
        _store(request.database, request.readings, report, listener) if request.database else None
    )
    rows: Any = None  # DatasetOutlets / CsvOutlets, read outlet by outlet
    try:
        run = DetectionRun()
        step = listener.step if listener is not None else None
        if _csv_alone(request):  # read while detecting: started() once the file is read
            assert request.readings is not None
            findings = _csv_findings(request.readings, specs, detectors, request, listener, run)
        else:
            if store is not None and request.dask is not None:
                rows = _stored_for_workers(store, request.database, request.start, request.end)
                count = len(rows)
            elif store is not None:
                count, outlets = _outlets_from_store(store, request.start, request.end)
            else:
                assert request.readings is not None
                rows = _outlets_from_file(request.readings, request.start, request.end)
                count, outlets = len(rows), iter(rows)
            if listener is not None:
                listener.started(count)
            if rows is not None and request.dask is not None:
                findings = _on_dask(rows, specs, detectors, request, step, run)
            elif rows is not None:
                findings = detect_parallel(
                    rows,
                    specs,
                    detectors,
                    jobs=request.jobs or default_jobs(),
                    lang=request.lang,
                    progress=step,
                    run=run,
                    checked=True,  # read_readings validated the whole file
                )
            else:
                findings = detect_outlets(  # Store.read_frame validated each outlet's frame
                    outlets,
                    specs,
                    detectors,
                    lang=request.lang,
                    progress=step,
                    run=run,
                    checked=True,
                )
        found = []
        with _dataset_errors():
            for finding in findings:
                write(finding.to_json(request.timezone) + "\n")
                report.findings += 1
                if store is not None:
                    found.append(finding)
        if listener is not None:
            listener.finished()
        if store is not None:
            _record(store, registry, found, report)
        report.unregistered = list(run.unregistered)
        return report
    finally:
        if store is not None:
            store.close()
        if rows is not None and hasattr(rows, "close"):
            rows.close()  # a CSV file's spill removed


def _on_dask(
    rows: Any,
    specs: Any,
    detectors: list[Detector],
    request: DetectRequest,
    step: Callable[[str], None] | None,
    run: DetectionRun,
) -> Iterator[Any]:
    """The findings computed on Dask (`monitor.detection.distributed`); an unreachable
    scheduler or a missing Dask as one :class:`DetectError` line."""
    assert request.dask is not None
    try:
        from monitor.detection.distributed import detect_dask
    except ImportError:
        raise DetectError(
            "--dask needs Dask's distributed scheduler: pip install 'outlet-watch[dask]'"
        ) from None
    try:
        yield from detect_dask(
            rows,
            specs,
            detectors,
            address=request.dask,
            workers=request.jobs or 2,
            lang=request.lang,
            progress=step,
            run=run,
            checked=True,  # read_readings, the dataset's or the store's reader validated them
        )
    except ConnectionError as e:  # no scheduler, or a worker that cannot reach the database
        raise DetectError(str(e)) from None


def _read(readings: Path) -> pd.DataFrame:
    from monitor.store.readings_files import ReadingsFileError, read_readings

    try:
        return read_readings(readings)
    except ReadingsFileError as e:
        raise DetectError(str(e)) from None


def _dataset(readings: Path) -> Any:
    """The Parquet dataset (a directory or a glob) at ``readings``, indexed."""
    from monitor.store.readings_dataset import ReadingsDataset
    from monitor.store.readings_files import ReadingsFileError

    try:
        return ReadingsDataset(readings)
    except ReadingsFileError as e:
        raise DetectError(str(e)) from None


@contextlib.contextmanager
def _dataset_errors() -> Iterator[None]:
    """A dataset's file refused while its outlets are read (here or in a worker process, whose
    failure arrives as the traceback's text), or a worker process lost (killed: most often for
    memory), as one :class:`DetectError` line."""
    from monitor.store.readings_files import ReadingsFileError

    try:
        yield
    except ReadingsFileError as e:
        raise DetectError(str(e)) from None
    except WorkerLost as e:
        raise DetectError(
            f"{e}; if the system ran out of memory, run again with fewer processes (--jobs)"
        ) from None
    except RuntimeError as e:
        prefix = f"{ReadingsFileError.__module__}.{ReadingsFileError.__qualname__}: "
        lines = [ln for ln in str(e).splitlines() if ln.startswith(prefix)]
        if not lines:
            raise
        raise DetectError(lines[-1][len(prefix) :]) from None


def _outlets_from_file(readings: Path, start: datetime | None, end: datetime | None) -> Any:
    """The outlets of a readings file (within the window), their frames taken one by one: a
    dataset (directory or glob) or a Parquet file of one row group per outlet (exported) is read
    outlet by outlet (:class:`DatasetOutlets`); a CSV file (here for Dask: see
    :func:`_csv_findings` otherwise) or any other Parquet file (row groups of several outlets,
    as pandas writes it) is spilled by outlet into a temporary directory, then read outlet by
    outlet (:class:`CsvOutlets`, to be closed)."""
    from monitor.store.readings_dataset import DatasetOutlets, by_outlet, is_dataset

    if is_dataset(readings) or by_outlet(readings):
        return DatasetOutlets(_dataset(readings), start, end)
    return _spill(readings, start, end).outlets()


def _csv_alone(request: DetectRequest) -> bool:
    """Whether the request is one CSV readings file without a database or Dask."""
    readings = request.readings
    if readings is None or request.database is not None or request.dask is not None:
        return False
    if Path(readings).is_file():  # not a dataset: no import of Parquet's reader (14 ms)
        return _is_csv(readings)
    from monitor.store.readings_dataset import is_dataset

    return not is_dataset(readings) and _is_csv(readings)


def _csv_findings(
    readings: Path,
    specs: Any,
    detectors: list[Detector],
    request: DetectRequest,
    listener: DetectListener | None,
    run: DetectionRun,
) -> Iterator[Finding]:
    """The findings over a CSV readings file. Grouped by outlet (as simulated and exported
    files are), its outlets are detected while it is read in blocks
    (:func:`~monitor.store.readings_csv.grouped_outlets`, `detect_stream`); when an outlet
    comes back after another one began, whatever was done is dropped and the file is spilled
    by outlet first (:class:`CsvSpill`), then detected (`detect_parallel`). Either way no
    finding is given before the whole file is checked."""
    from monitor.store.readings_csv import OutletsNotGrouped, grouped_outlets

    jobs = request.jobs or default_jobs()
    step = listener.step if listener is not None else None
    try:
        yield from detect_stream(
            grouped_outlets(readings, request.start, request.end),
            specs,
            detectors,
            jobs=jobs,
            lang=request.lang,
            progress=step,
            started=listener.started if listener is not None else None,
            run=run,
            checked=True,  # each outlet's frame checked as read_readings checks a file
        )
        return
    except OutletsNotGrouped:
        pass
    with _spill(readings, request.start, request.end) as spill:
        outlets = spill.outlets()
        if listener is not None:
            listener.started(len(outlets))
        yield from detect_parallel(
            outlets,
            specs,
            detectors,
            jobs=jobs,
            lang=request.lang,
            progress=step,
            run=run,
            checked=True,
        )


def _is_csv(readings: Path) -> bool:
    """Whether ``readings`` names a CSV readings file (refusing no such file or a workbook)."""
    from monitor.store.readings_files import ReadingsFileError, readings_file

    try:
        return not readings_file(readings)[1]
    except ReadingsFileError as e:
        raise DetectError(str(e)) from None


def _spill(readings: Path, start: datetime | None = None, end: datetime | None = None) -> Any:
    """The CSV or Parquet file ``readings`` checked and spilled by outlet (:class:`CsvSpill`)."""
    from monitor.store.readings_csv import CsvSpill
    from monitor.store.readings_files import ReadingsFileError

    try:
        return CsvSpill(readings, start, end)
    except ReadingsFileError as e:
        raise DetectError(str(e)) from None


def _store(
    database: str, readings: Path | None, report: DetectReport, listener: DetectListener | None
) -> Any:
    """The store at ``database``, with ``readings`` imported into it when given."""
    from monitor.store.store import Store

    try:
        store = Store(database)
    except Exception as e:  # a bad URL or an unreachable server: one line
        raise DetectError(f"--db {redact_url(database)}: {e}") from None
    if readings is not None:
        try:
            _import(store, readings, report, listener)
        except DetectError:
            store.close()
            raise
    return store


def _import(
    store: Any, readings: Path, report: DetectReport, listener: DetectListener | None
) -> None:
    """Import the readings file, or the dataset outlet by outlet (memory: one outlet's frame;
    a CSV file spilled by outlet first)."""
    from monitor.store.readings_dataset import by_outlet, is_dataset

    step = listener.import_step if listener is not None else None
    if is_dataset(readings) or by_outlet(readings) or _is_csv(readings):
        with contextlib.ExitStack() as stack:
            if is_dataset(readings) or by_outlet(readings):
                source = _dataset(readings)
                rows, names = int(source.sizes().sum()), source.outlets()
            else:
                source = stack.enter_context(_spill(readings))
                rows, names = sum(source.rows.values()), sorted(source.rows)
            if listener is not None:
                listener.importing(rows)
            report.imported = BatchResult()
            with _dataset_errors():
                for mn in names:
                    report.imported += store.import_frame(source.read(mn), progress=step)
    else:
        frame = _read(readings)
        if listener is not None:
            listener.importing(len(frame))
        report.imported = store.import_frame(frame, progress=step)
        del frame
    if listener is not None:
        listener.imported(readings, report.imported)


def _outlets_from_store(
    store: Any, start: datetime | None, end: datetime | None
) -> tuple[int, Iterator[tuple[str, pd.DataFrame]]]:
    """Stored outlets and their hourly history one at a time (memory: one outlet's frame)."""
    from monitor.detection.history import stored_outlets

    stop = None if end is None else end + TICK  # end is inclusive
    return len(store.outlets()), stored_outlets(store, start, stop)  # type: ignore[return-value]


def _stored_for_workers(
    store: Any, database: str | None, start: datetime | None, end: datetime | None
) -> Any:
    """The stored outlets as Dask workers read them: the URL (a SQLite file's path made
    absolute: a worker may run elsewhere) and the MNs, no data."""
    from sqlalchemy.engine import make_url

    from monitor.detection.history import StoredOutlets

    assert database is not None
    url = make_url(database)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        url = url.set(database=str(Path(url.database).resolve()))
    stop = None if end is None else end + TICK  # end is inclusive
    return StoredOutlets(url.render_as_string(hide_password=False), store.outlets(), start, stop)


def _record(store: Any, registry: Registry, findings: list, report: DetectReport) -> None:
    """Store the findings of registered outlets and open or update leads (idempotent)."""
    from monitor.detection.history import record

    known = [f for f in findings if f.mn in registry]  # leads need an enterprise and a district
    report.changes = record(store, registry, known).changes
    report.not_recorded = len(findings) - len(known)
