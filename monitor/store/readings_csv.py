"""A CSV readings file read in blocks: given outlet by outlet as it is read when grouped by
outlet (:func:`grouped_outlets`), else spilled by outlet, then read one outlet at a time.

A CSV file need not be sorted by outlet, so one outlet's rows may be anywhere in it: read whole
(:func:`~monitor.store.readings_files.read_readings`), the 100-outlet year (5.07 M readings,
279 MB) peaked at 845-855 MB. :class:`CsvSpill` instead reads it in blocks of
:data:`BLOCK_BYTES` with Arrow's streaming reader, checks every block's cells as
``read_readings`` checks a file (`table_readings`, lines counted across the blocks) and writes
each block's checked rows to one Arrow IPC file of a temporary directory (LZ4), one record
batch per outlet (file order kept within an outlet), with each row's place in the CSV file.
:meth:`CsvSpill.read` then gathers one outlet's batches into the frame ``read_readings`` gives
that outlet (no text parsed again: labels are stored as dictionaries, flags as codes, times as
integers); :class:`CsvOutlets` is the sequence of outlets that detection takes.
:meth:`CsvSpill.close` removes the directory (also when the spill fails; never from a forked
worker).

The errors are those of ``read_readings``, one line naming the file, the line and the fix, and
for a file with several problems the one it names: a file Arrow cannot parse wins; then the
blocks' refused cells are compared by the check that refused them (the column in
``read_readings``' order, then the rule) and by line; then two different readings of one key
(the conflict met first reading down, looked for outlet by outlet in the spilled rows; not
looked for when the keys are strictly increasing through the file, as exported files are). A
file with a refused cell is read to its end (and not spilled past that block) for that
comparison.

Files are mostly grouped by outlet (``monitor simulate`` and ``monitor export`` write every
outlet's rows together): :func:`grouped_outlets` gives each outlet's frame (the one
:meth:`CsvSpill.read` gives) as soon as the next outlet's rows begin, with nothing written, and
raises :class:`OutletsNotGrouped` when an outlet's rows come back (the caller spills then). On
the 100-outlet year its reading costs about 1.4 s of CPU (1.7-2.1 s before :data:`RELEASE_BLOCKS`)
against 3.4 s for the spill and its read-back, and detection runs meanwhile
(``monitor.detection.batch.detect_stream``).

A Parquet file whose row groups hold several outlets (as pandas writes it) is spilled by
:class:`CsvSpill` the same way, in record batches of :data:`PARQUET_ROWS` rows
(`_parquet_blocks`), its errors naming the file's rows as ``read_readings`` does.
"""

from __future__ import annotations

import mmap
import os
import shutil
import tempfile
from collections.abc import Callable, Generator, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from detectors.frame import FLAG_CODES
from monitor.store.readings_files import (
    REQUIRED,
    ReadingsFileError,
    Where,
    categorical,
    check_columns,
    conflict_error,
    csv_columns,
    csv_options,
    finish_readings,
    readings_file,
    repeated_keys,
    strictly_increasing,
    table_readings,
    unreadable_csv,
)

__all__ = ["BLOCK_BYTES", "CsvOutlets", "CsvSpill", "OutletsNotGrouped", "grouped_outlets"]

BLOCK_BYTES: Final = 1 << 20
"""Bytes of CSV text read at a time (1 MiB: about 18,000 readings). Arrow's streaming reader
holds some blocks ahead; on the 100-outlet year (290 MB), 1, 2, 4 and 16 MiB blocks peaked at
about 230, 290, 350 and 500 MB of RSS for the spill, in about the same time."""
RELEASE_BLOCKS: Final = 8
"""Blocks read by :func:`grouped_outlets` between two releases of Arrow's unused memory to the
system. Each release costs CPU (the allocator purged, the next block's pages faulted in again):
on the 100-outlet year, releasing after every block read the file in 2.0-2.4 s of CPU (peak
RSS 182-190 MB), every 8 blocks in 1.4 s (202-209 MB), never in 1.3-1.4 s (227-231 MB)."""
PARQUET_ROWS: Final = 65_536
"""Rows of a Parquet file checked and spilled at a time (Arrow decodes one row group at a time:
memory is one row group of the file plus a batch)."""
_LINE: Final = "_row"
"""The spilled column holding each row's place in the CSV file (0 = the first data row)."""
_IPC: Final = pa.ipc.IpcWriteOptions(compression="lz4")


class CsvSpill:
    """The CSV readings file ``path`` spilled by outlet into a temporary directory (under
    ``directory``, default the system's temporary directory) in blocks of ``block_bytes``
    (default :data:`BLOCK_BYTES`); see the module's docstring. A Parquet readings file is
    spilled the same way, in record batches of :data:`PARQUET_ROWS` rows read row group by row
    group (a file whose row groups hold several outlets, as pandas writes it: one outlet's rows
    are then in every row group; a file of one row group per outlet is read as a dataset).

    ``rows`` counts the readings per outlet with ``start <= ts <= end`` (the window given, both
    inclusive); :meth:`read` gives one outlet's. Raises :class:`ReadingsFileError` (one line),
    having removed what it wrote. Use as a context manager or call :meth:`close`."""

    def __init__(
        self,
        path: str | Path,
        start: datetime | pd.Timestamp | None = None,
        end: datetime | pd.Timestamp | None = None,
        *,
        directory: str | Path | None = None,
        block_bytes: int | None = None,
    ) -> None:
        self.path, self.parquet = readings_file(path)
        self.start = None if start is None else pd.Timestamp(start)
        self.end = None if end is None else pd.Timestamp(end)
        self.directory = Path(tempfile.mkdtemp(prefix="outlet-watch-csv-", dir=directory))
        self._owner = os.getpid()  # a forked worker never removes it
        self.rows: dict[str, int] = {}
        self._groups: dict[str, list[tuple[int, int]]] = {}
        self._files: list[Path] = []
        self._received = False
        try:
            self._spill(block_bytes or BLOCK_BYTES)
        except BaseException:
            self.close()
            raise

    def outlets(self) -> CsvOutlets:
        """The outlets with readings in the window, read one at a time."""
        return CsvOutlets(self)

    def read(self, mn: str) -> pd.DataFrame:
        """Outlet ``mn``'s readings in the window: the rows ``read_readings`` gives it (a
        repeated reading dropped), in file order."""
        frame, lines = self._frame(mn)
        frame = finish_readings(frame, Where(self.path, self.parquet, rows=lines), self.path)
        inside = self._inside(frame)
        return frame if inside.all() else frame[inside].reset_index(drop=True)

    def close(self) -> None:
        """Remove the spilled files (only in the process that wrote them)."""
        if os.getpid() == self._owner:
            shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> CsvSpill:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the spill ----------------------------------------------------------------------------

    def _spill(self, block_bytes: int) -> None:
        order = _Order()
        blocks = (
            _parquet_blocks(self.path, PARQUET_ROWS)
            if self.parquet
            else _checked_blocks(self.path, block_bytes)
        )
        for first, frame in blocks:
            order.add(frame)
            self._write(frame, first)
        if not order.increasing():
            self._conflicts()

    def _write(self, frame: pd.DataFrame, first: int) -> None:
        """One block's rows as one Arrow file, one record batch per outlet."""
        if not len(frame):
            return
        mn = frame["mn"].array
        codes = np.asarray(mn.codes)
        rows = np.argsort(codes, kind="stable")  # by outlet, file order kept within one
        starts = np.flatnonzero(np.r_[True, np.diff(codes[rows]) != 0])
        ends = np.r_[starts[1:], len(rows)]
        batch = _arrow(frame, first).take(pa.array(rows))
        counts = np.add.reduceat(self._inside(frame)[rows].astype(np.int64), starts)
        self._received = "received_at" in frame.columns
        k = len(self._files)
        path = self.directory / f"part-{k:06d}.arrow"
        with pa.ipc.new_file(path, batch.schema, options=_IPC) as writer:
            for g, (a, b) in enumerate(zip(starts, ends, strict=True)):
                writer.write_batch(batch.slice(a, b - a))
                name = str(mn.categories[codes[rows[a]]])
                self._groups.setdefault(name, []).append((k, g))
                self.rows[name] = self.rows.get(name, 0) + int(counts[g])
        self._files.append(path)

    def _frame(self, mn: str) -> tuple[pd.DataFrame, np.ndarray]:
        """Outlet ``mn``'s spilled rows as a readings frame (its cells checked already), and
        their places in the CSV file."""
        batches = []
        for k, g in self._groups.get(mn, []):
            with pa.ipc.open_file(self._files[k]) as reader:
                batches.append(reader.get_batch(g))
        return _outlet_frame(mn, batches, self._received)

    def _inside(self, frame: pd.DataFrame) -> np.ndarray:
        """Which rows are in the window."""
        return _inside(frame, self.start, self.end)

    def _conflicts(self) -> None:
        """Refuse the file for the conflict ``read_readings`` names: of each outlet's first one
        (in its spilled rows, in file order), the one whose second row comes first. Without
        one, each outlet's count of rows leaves out its repeated readings."""
        found: tuple[int, ReadingsFileError] | None = None
        for mn in self._groups:
            frame, lines = self._frame(mn)
            repeated = repeated_keys(frame)
            if repeated is None:
                continue
            self.rows[mn] -= int((~repeated[0] & self._inside(frame)).sum())  # repeats dropped
            if repeated[1] is None:
                continue
            a, b = repeated[1]
            if found is None or lines[b] < found[0]:
                where = Where(self.path, self.parquet, rows=lines)
                found = int(lines[b]), conflict_error(frame, a, b, where)
        if found is not None:
            raise found[1]


class CsvOutlets(Sequence[tuple[str, pd.DataFrame]]):
    """The outlets of a :class:`CsvSpill` with readings in its window, in MN order, as the
    sequence ``monitor.detection.batch.detect_parallel`` takes: ``names``, ``len()``,
    ``[k] -> (mn, frame)`` read on demand (the frame ``read_readings`` would give, clipped to the
    window), ``sizes()``; :meth:`close` removes the spill. No ``dataset`` attribute: on Dask the
    frames are shipped (the spill is on this machine only)."""

    def __init__(self, spill: CsvSpill) -> None:
        self.spill = spill
        self.names = sorted(mn for mn, n in spill.rows.items() if n > 0)

    def __len__(self) -> int:
        return len(self.names)

    def __getitem__(self, k: int) -> tuple[str, pd.DataFrame]:  # type: ignore[override]
        mn = self.names[k]
        return mn, self.spill.read(mn)

    def sizes(self) -> np.ndarray:
        return np.array([self.spill.rows[mn] for mn in self.names], dtype=np.int64)

    def close(self) -> None:
        self.spill.close()


class OutletsNotGrouped(Exception):
    """Raised by :func:`grouped_outlets`: an outlet's rows come back after another outlet's
    started (the file is not grouped by outlet; spill it with :class:`CsvSpill`)."""


def grouped_outlets(
    path: str | Path,
    start: datetime | pd.Timestamp | None = None,
    end: datetime | pd.Timestamp | None = None,
    *,
    block_bytes: int | None = None,
) -> Iterator[tuple[str, pd.DataFrame]]:
    """The outlets of a CSV readings file grouped by outlet (every outlet's rows together, as
    ``monitor simulate`` and ``monitor export`` write them, in any order of outlets), each
    ``(mn, frame)`` given as soon as the next outlet's rows begin, in file order: the frame
    :meth:`CsvSpill.read` gives (a repeated reading dropped, clipped to ``start <= ts <= end``;
    an outlet without readings in the window left out). Nothing is written to disk: memory is
    one outlet's rows (as Arrow read them) and a block of :data:`BLOCK_BYTES`
    (``block_bytes``); each outlet's cells are checked as one table (`table_readings`).

    Raises :class:`OutletsNotGrouped` at the first block in which an outlet's rows come back
    after another's began (before any outlet of that block is given). The errors are
    :class:`CsvSpill`'s, the same line for the same file (an outlet's rows are a stretch of the
    file, compared as its blocks are); they are raised only after the whole file was read (a
    later line may hold the problem ``read_readings`` names first), and once a problem is met
    no further outlet is given. So an iteration that ends without an error has given every
    outlet of a valid file."""
    file, parquet = readings_file(path)
    if parquet:
        raise ReadingsFileError(f"{file}: a Parquet file, not CSV")
    lo = None if start is None else pd.Timestamp(start)
    hi = None if end is None else pd.Timestamp(end)
    header = csv_columns(file)
    missing = any(c not in header for c in REQUIRED)
    pool = pa.default_memory_pool()
    seen: set[str | None] = set()  # outlets whose rows have begun (None: rows without an MN)
    current: str | None = None  # the outlet whose rows the last block ended with
    pieces: list[pa.RecordBatch] = []  # its rows so far
    at = 0  # the row its rows start at
    refused: ReadingsFileError | None = None  # the refused cell read_readings names, so far
    conflict: ReadingsFileError | None = None  # the first one: in a grouped file, the earliest
    read = 0  # blocks read

    def finished() -> tuple[str, pd.DataFrame] | None:
        """The outlet ``current`` (its rows in ``pieces``) checked, or None (refused, or no
        rows in the window)."""
        nonlocal refused, conflict
        table = pa.Table.from_batches(pieces)
        pieces.clear()
        try:
            frame = table_readings(table, Where(file, False, at))
        except ReadingsFileError as e:
            if refused is None or _rank(e) < _rank(refused):
                refused = e  # an earlier outlet's stays: its line is earlier
            return None
        del table
        if refused is not None or conflict is not None:
            return None  # checked for the error read_readings names; no outlet given now
        try:
            frame = finish_readings(frame, Where(file, False, at), file)
        except ReadingsFileError as e:
            conflict = e  # read on: a refused cell further down comes first
            return None
        inside = _inside(frame, lo, hi)
        if not inside.all():
            frame = frame[inside].reset_index(drop=True)
        assert current is not None
        return (current, _first_seen(frame)) if len(frame) else None

    for first, batch in _raw_blocks(file, block_bytes or BLOCK_BYTES, header):
        if missing or not batch.num_rows:
            continue  # read on only for a parse error (which read_readings names first)
        mn = batch.column("mn")
        change = pc.not_equal(mn.slice(1), mn.slice(0, len(mn) - 1)).fill_null(True)
        starts = np.flatnonzero(np.r_[True, change.to_numpy(zero_copy_only=False)])
        names = mn.take(pa.array(starts)).to_pylist()
        if len(set(names)) < len(names) or any(
            name in seen and not (k == 0 and name == current) for k, name in enumerate(names)
        ):
            raise OutletsNotGrouped(f"{file}: an outlet's rows come back after another's")
        ends = [*starts[1:], len(mn)]
        for name, a, b in zip(names, starts, ends, strict=True):
            if name != current or not pieces:
                outlet = finished() if pieces else None
                if outlet is not None:
                    yield outlet
                current, at = name, first + int(a)
                seen.add(name)
            pieces.append(batch.slice(int(a), int(b - a)))
        del batch, mn
        read += 1
        if read % RELEASE_BLOCKS == 0:
            pool.release_unused()  # the blocks' buffers let go back to the system
    if pieces:
        outlet = finished()
        if outlet is not None:
            yield outlet
    if missing:
        check_columns(header, file)
    if refused is not None:
        raise refused
    if conflict is not None:
        raise conflict


def _first_seen(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its pollutants and kinds in the order they first appear in it, as a
    spilled outlet's are (`table_readings` puts a kind given by default last)."""
    for name in ("pollutant", "kind"):
        column = frame[name].array
        codes = np.asarray(column.codes)
        first = [int(np.argmax(codes == k)) for k in range(len(column.categories))]
        if first != sorted(first):
            order = [column.categories[k] for k in np.argsort(first)]
            frame[name] = column.reorder_categories(order)
    return frame


# --------------------------------------------------------------------------------------------


def _raw_blocks(
    path: Path, block_bytes: int, header: list[str]
) -> Iterator[tuple[int, pa.RecordBatch]]:
    """The CSV file's blocks of about ``block_bytes`` as Arrow read them, each as ``(its first
    row, the block)``; a file or block Arrow cannot parse is one clear error (`unreadable_csv`).

    Arrow parses the file through a read-only memory map where the system can give the pages
    behind the reader back (`_mapped`), not from blocks first copied into fresh buffers. On the
    100-outlet year (279 MB, 2026-12-06, load 8-11) the reading process's minor page faults
    303,000-306,000 -> 240,000-241,000 (2 runs each; its RSS at the end of the outlets 207-211
    -> 191-192 MB), and the whole `monitor detect` run's CPU median 10.26 -> 9.43 s (min 9.33 ->
    9.11; 4 interleaved rounds, lower in each; an earlier prototype 9.46 -> 9.14 s), peak RSS
    230 -> 230 MB, the same output. Every :data:`RELEASE_BLOCKS` blocks the pages up to two
    blocks behind the last one given are let go (the map is of the file: a page let go too
    early is read again from the page cache, the same bytes). A file rewritten in place while
    it is read is read partly new, as it was through the path; one replaced (written elsewhere
    and renamed) is read as it was; one cut short meanwhile stops the process (SIGBUS) rather
    than giving an error line."""
    mapped = _mapped(path)
    try:
        reader = pacsv.open_csv(
            path if mapped is None else pa.BufferReader(pa.py_buffer(mapped)),
            read_options=pacsv.ReadOptions(block_size=block_bytes),
            convert_options=csv_options(header),
        )
    except (pa.ArrowInvalid, OSError) as e:
        raise unreadable_csv(path, e) from e
    read = 0
    behind = 0  # bytes of the map let go so far

    def next_batch() -> pa.RecordBatch:
        nonlocal read, behind
        batch = reader.read_next_batch()
        read += 1
        if mapped is not None and read % RELEASE_BLOCKS == 0:
            upto = max(read - 2, 0) * block_bytes // mmap.PAGESIZE * mmap.PAGESIZE
            if upto > behind:
                mapped.madvise(mmap.MADV_DONTNEED, 0, min(upto, len(mapped)))
                behind = upto
        return batch

    with reader:
        yield from _numbered(next_batch, lambda e: unreadable_csv(path, e))


def _mapped(path: Path) -> mmap.mmap | None:
    """The file mapped read-only, or None where that cannot be done or its pages cannot be let
    go (`mmap.MADV_DONTNEED` missing: Windows), for an empty file, or for a file Arrow would
    decompress by its extension (``.csv.gz``: a map is the compressed bytes): Arrow reads the
    path then, as before."""
    if not hasattr(mmap, "MADV_DONTNEED") or not hasattr(mmap.mmap, "madvise"):
        return None
    try:
        pa.Codec.detect(str(path))
        return None  # compressed: Arrow opens the path through its decompressing stream
    except (TypeError, ValueError):  # no compression Arrow knows by the extension
        pass
    try:
        with open(path, "rb") as fh:
            return mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):  # an empty file cannot be mapped; Arrow names the rest
        return None


def _numbered(
    next_batch: Callable[[], pa.RecordBatch],
    unreadable: Callable[[Exception], ReadingsFileError],
) -> Iterator[tuple[int, pa.RecordBatch]]:
    """The batches ``next_batch()`` gives until StopIteration, each as ``(its first row, the
    batch)``, rows counted across them; an Arrow or OS error while reading is ``unreadable(e)``
    (a file Arrow cannot parse wins over every other problem). No reference to a batch given is
    kept here, so that the caller's release of the pool lets its buffers go."""
    row = 0
    while True:
        try:
            batch = next_batch()
        except StopIteration:
            return
        except (pa.ArrowInvalid, OSError) as e:
            raise unreadable(e) from e
        first, row = row, row + batch.num_rows
        box = [batch]
        del batch
        yield first, box.pop()


def _parquet_blocks(path: Path, rows: int) -> Iterator[tuple[int, pd.DataFrame]]:
    """`_checked_blocks` for a Parquet readings file: its record batches of at most ``rows``
    rows in order, row group by row group, each as ``(its first row, its readings frame)`` with
    every cell checked (rows counted across batches), and the same errors (a file Arrow cannot
    read first, then a missing column, else the refused cell of the earliest check)."""
    import pyarrow.parquet as pq

    def unreadable(e: Exception) -> ReadingsFileError:
        first_line = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        return ReadingsFileError(f"{path}: not a readable Parquet file ({first_line})")

    try:
        # no read-ahead (pre_buffer) nor threads: one row group's column chunks at a time
        # (the 100-outlet year, row groups of 1 M rows: 202 MB peak against 217 MB)
        file = pq.ParquetFile(path, pre_buffer=False)
        check_columns(file.schema_arrow.names, path)
        batches = file.iter_batches(batch_size=rows, use_threads=False)
    except (pa.ArrowInvalid, OSError) as e:
        raise unreadable(e) from e
    blocks = _numbered(lambda: next(batches), unreadable)
    refused = yield from _checked(path, True, blocks, skip=False)
    if refused is not None:
        raise refused


def _checked_blocks(path: Path, block_bytes: int) -> Iterator[tuple[int, pd.DataFrame]]:
    """The CSV file's blocks of about ``block_bytes`` in order, each as ``(its first row, its
    readings frame)`` with every cell checked (`table_readings`, lines counted across blocks).
    After a refused block no further block is given, but the file is read to its end for the
    error ``read_readings`` names, raised then: a block Arrow cannot parse at once, a missing
    column, else the refused cell of the earliest check (the earliest line among equal ones)."""
    header = csv_columns(path)
    missing = any(c not in header for c in REQUIRED)
    blocks = _raw_blocks(path, block_bytes, header)
    refused = yield from _checked(path, False, blocks, skip=missing)
    if missing:
        check_columns(header, path)
    if refused is not None:
        raise refused


def _checked(
    path: Path, parquet: bool, blocks: Iterator[tuple[int, pa.RecordBatch]], *, skip: bool
) -> Generator[tuple[int, pd.DataFrame], None, ReadingsFileError | None]:
    """Each ``(first row, block)`` of ``blocks`` as ``(first row, its readings frame)``, every
    cell checked (`table_readings`); once a block is refused, none is given, but the blocks are
    read to their end (``skip``: read, never checked) and the refusal of the earliest check
    (the earliest line or row among equal ones) is returned, for the caller to raise."""
    pool = pa.default_memory_pool()
    refused: ReadingsFileError | None = None
    for first, batch in blocks:
        if skip or (refused is not None and refused.check == (0, 0)):
            continue  # read on only for a parse error (which read_readings names first)
        try:
            frame = table_readings(pa.Table.from_batches([batch]), Where(path, parquet, first))
        except ReadingsFileError as e:
            if refused is None or _rank(e) < _rank(refused):
                refused = e  # an earlier block's stays: its line is earlier
            continue
        del batch
        if refused is None:
            yield first, frame
        del frame
        pool.release_unused()  # the block's buffers back to the system
    return refused


def _outlet_frame(
    mn: str, batches: list[pa.RecordBatch], received: bool
) -> tuple[pd.DataFrame, np.ndarray]:
    """One outlet's rows as spilled (:func:`_arrow`, in file order) as a readings frame (its
    cells checked already), and their places in the CSV file."""
    if not batches:
        empty = pa.table({c: pa.array([], pa.string()) for c in REQUIRED})
        return table_readings(empty, Where(Path(), False)), np.zeros(0, np.int64)

    def column(name: str) -> np.ndarray:
        return np.concatenate([b.column(name).to_numpy() for b in batches])

    n = sum(b.num_rows for b in batches)
    out: dict[str, Any] = {
        "mn": categorical(np.zeros(n, np.int8), (mn,)),
        "pollutant": _labels([b.column("pollutant") for b in batches]),
        "ts": _times(column("ts")),
        "value": column("value"),
        "flag": categorical(column("flag"), FLAG_CODES),
    }
    if received:
        out["received_at"] = _times(column("received_at"))
    out["kind"] = _labels([b.column("kind") for b in batches])
    return pd.DataFrame(out), column(_LINE)


def _inside(
    frame: pd.DataFrame, start: pd.Timestamp | None, end: pd.Timestamp | None
) -> np.ndarray:
    """Which rows are in the window ``[start, end]``."""
    inside = np.ones(len(frame), dtype=bool)
    if start is not None:
        inside &= (frame["ts"] >= start).to_numpy()
    if end is not None:
        inside &= (frame["ts"] <= end).to_numpy()
    return inside


def _rank(error: ReadingsFileError) -> tuple[int, int]:
    """Which of two refused cells ``read_readings`` names: the earlier check."""
    return error.check if error.check is not None else (len(REQUIRED) + 9, 0)


def _codes(column: pd.Series) -> pa.Array:
    """A categorical column as an Arrow dictionary array (its codes and categories, no copy of
    the text)."""
    codes = np.asarray(column.array.codes, dtype=np.int32)
    labels = pa.array([str(c) for c in column.array.categories], type=pa.string())
    return pa.DictionaryArray.from_arrays(pa.array(codes, mask=codes < 0), labels)


def _arrow(frame: pd.DataFrame, first: int) -> pa.RecordBatch:
    """A checked block as spilled: labels as dictionaries, flags as codes into
    :data:`FLAG_CODES` (-1: unknown), times as ns since the epoch (NaT as its integer), each
    row's place in the CSV file."""
    columns: dict[str, Any] = {
        "mn": _codes(frame["mn"]),
        "pollutant": _codes(frame["pollutant"]),
        "ts": pa.array(frame["ts"].array.asi8),
        "value": pa.array(frame["value"].to_numpy()),  # NaN: empty
        "flag": pa.array(np.asarray(frame["flag"].array.codes, dtype=np.int8)),
        "kind": _codes(frame["kind"]),
    }
    if "received_at" in frame.columns:
        columns["received_at"] = pa.array(pd.DatetimeIndex(frame["received_at"]).asi8)
    columns[_LINE] = pa.array(np.arange(first, first + len(frame), dtype=np.int64))
    return pa.RecordBatch.from_pydict(columns)


def _labels(chunks: list[pa.DictionaryArray]) -> pd.Categorical:
    """Dictionary arrays of several blocks (each its own dictionary) as one categorical, its
    categories in the order they first appear (as a file's are)."""
    names: dict[str, int] = {}
    parts = []
    for chunk in chunks:
        table = np.array(
            [names.setdefault(x, len(names)) for x in chunk.dictionary.to_pylist()], np.int64
        )
        parts.append(table[chunk.indices.to_numpy(zero_copy_only=False)])
    codes = np.concatenate(parts)
    used = np.flatnonzero(np.bincount(codes, minlength=len(names)))  # a few labels
    first = [int(np.argmax(codes == u)) for u in used]
    used = used[np.argsort(first)]  # by first appearance
    remap = np.zeros(len(names), np.int32)
    remap[used] = np.arange(len(used))
    labels = list(names)
    return categorical(remap[codes], [labels[u] for u in used])


def _times(ns: np.ndarray) -> pd.Series:
    return pd.Series(pd.DatetimeIndex(ns.view("datetime64[ns]")).tz_localize("UTC").array)


class _Order:
    """Whether the keys read so far, block after block, are strictly increasing by (mn, ts,
    series) or by (mn, series, ts): then no key repeats. Outlets and series are numbered in
    the order they first appear (a file grouped by outlet need not be in MN order)."""

    def __init__(self) -> None:
        self._codes: dict[str, dict[Any, int]] = {"mn": {}, "series": {}}
        self._last: tuple[int, int, int] | None = None
        self._by = [True, True]

    def increasing(self) -> bool:
        return any(self._by)

    def _number(self, name: str, labels: list[Any], codes: np.ndarray) -> np.ndarray:
        known = self._codes[name]
        table = np.array([known.setdefault(x, len(known)) for x in labels], dtype=np.int64)
        return table[codes]

    def add(self, frame: pd.DataFrame) -> None:
        if not self.increasing() or not len(frame):
            return
        mn_col = frame["mn"].array
        mn = self._number("mn", list(mn_col.categories), np.asarray(mn_col.codes))
        pol, kind = frame["pollutant"].array, frame["kind"].array
        pairs = [(p, k) for p in pol.categories for k in kind.categories]
        combined = np.asarray(pol.codes, np.int64) * len(kind.categories) + np.asarray(kind.codes)
        series = self._number("series", pairs, combined)
        ts = frame["ts"].array.asi8
        if self._last is not None:
            mn, ts, series = (
                np.r_[self._last[0], mn],
                np.r_[self._last[1], ts],
                np.r_[self._last[2], series],
            )
        self._by[0] = self._by[0] and strictly_increasing(mn, ts, series)
        self._by[1] = self._by[1] and strictly_increasing(mn, series, ts)
        self._last = int(mn[-1]), int(ts[-1]), int(series[-1])
