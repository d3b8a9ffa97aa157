"""Readings as a Parquet dataset, read one outlet at a time (DESIGN.md section 10).

A dataset is a directory of Parquet readings files however they are split (by month, by outlet,
by a hashed outlet bucket, hive-style ``month=2026-01/bucket=07/part-0.parquet`` or plain
names), a glob matching such files (``history/2026-*.parquet``, ``**`` for any depth), or one
Parquet file. Every file holds readings in the format of ``docs/formats/readings.md``; a column
missing from a file may be given by a hive directory instead (``mn=61011500000001/``), other
``key=value`` directories (``month``, ``bucket``) are ignored like other extra columns. Names
starting with ``.`` or ``_`` (``_SUCCESS``, ``.crc``) are skipped, as Arrow and Spark do.

:class:`ReadingsDataset` opens every file's footer once and builds an index: for each outlet
(MN), the row groups that hold its rows and how many. A row group whose ``mn`` statistics say it
holds one outlet (what ``monitor export`` writes: one row group per outlet and file) is indexed
from the footer alone; any other row group is indexed by reading its ``mn`` column (the cheap
scan). :meth:`ReadingsDataset.read` then reads only the row groups of one outlet (those wholly
outside a ``start``/``end`` window skipped by their ``ts`` statistics), checks the rows exactly
as :func:`monitor.store.readings_files.read_readings` checks a file (one error line naming file,
row and fix) and gives them as the readings frame. Memory: the index, one outlet's frame and,
for row groups holding several outlets, the last ones read, up to :data:`HOLD_ROWS` rows (kept
while the next outlets are read from them: files sorted by MN are read once; files in time
order, every outlet in every row group, are read again for each outlet once they do not fit).

The class is small and picklable (the paths and the index; no open file, the footers read
again on the other side), so that worker processes (forked, or Dask workers: helper code in ``monitor.detection``) can each read the
outlets they are given. Its interface: ``ReadingsDataset(path_or_glob)``, ``.outlets()``,
``.read(mn, start=None, end=None)``, ``.sizes()``; :class:`DatasetOutlets` is the sequence of
``(mn, frame)`` that ``monitor.detection.batch.detect_parallel`` takes.
"""

from __future__ import annotations

import glob
import os
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from monitor.store.readings_files import (
    REQUIRED,
    ReadingsFileError,
    check_columns,
    finish_readings,
    table_readings,
)

__all__ = ["DatasetOutlets", "ReadingsDataset", "by_outlet", "is_dataset"]

_OPTIONAL: Final = ("kind", "received_at")
_GLOB: Final = frozenset("*?[")
HOLD_ROWS: Final = 2_000_000
"""Rows of row groups holding several outlets kept for the next outlets (about 120 MB)."""


def is_dataset(path: str | Path) -> bool:
    """Whether ``--readings path`` names a dataset (a directory or a glob) rather than one file."""
    text = str(path)
    if Path(text).is_dir():
        return True
    return not Path(text).exists() and any(ch in text for ch in _GLOB)


def by_outlet(path: str | Path) -> bool:
    """Whether ``path`` is one Parquet file whose every row group holds one outlet by its
    statistics (a file of ``monitor export``): then it is read outlet by outlet like a dataset
    (its footer is all this reads). Any other file (CSV, row groups of several outlets) is for
    :func:`~monitor.store.readings_files.read_readings`, whole."""
    p = Path(path)
    if not p.is_file() or p.suffix.lower() not in (".parquet", ".pq"):
        return False
    try:
        meta = pq.read_metadata(p)
    except (pa.ArrowInvalid, OSError):
        return False  # read_readings names the problem
    column = _leaf(meta, "mn")
    if column is None or meta.num_row_groups == 0:
        return False
    return all(
        _single_value(meta.row_group(g).column(column).statistics) is not None
        for g in range(meta.num_row_groups)
    )


@dataclass(frozen=True, slots=True)
class _Group:
    """Row group ``group`` of file ``file`` holds ``rows`` rows of an outlet (``alone``: only
    that outlet's)."""

    file: int
    group: int
    rows: int
    alone: bool


class ReadingsDataset:
    """Parquet readings files read outlet by outlet; see the module's docstring.

    ``ReadingsDataset(path_or_glob)`` resolves the files and indexes them at once (a bad input
    raises :class:`ReadingsFileError` with one line: no such path, a glob matching nothing, a
    file that is not Parquet, a file without the readings columns). ``rows_read`` counts the rows
    this object has read from disk (row groups read whole), for tests and benchmarks.
    """

    def __init__(self, path_or_glob: str | Path) -> None:
        self.source = str(path_or_glob)
        self.root, self.files = _resolve(self.source)
        self._fixed: list[dict[str, str]] = [_hive(f, self.root) for f in self.files]
        self._meta: list[pq.FileMetaData | None] = [_footer(f) for f in self.files]
        self._columns: list[list[str]] = []
        for k, (path, fixed) in enumerate(zip(self.files, self._fixed, strict=True)):
            names = self._footer(k).schema.to_arrow_schema().names
            check_columns([*names, *fixed], path)
            self._columns.append([c for c in (*REQUIRED, *_OPTIONAL) if c in names])
        self._index: dict[str, list[_Group]] = {}
        for k in range(len(self.files)):
            self._index_file(k)
        self._names = sorted(self._index)
        self.rows_read = 0
        self.hold_rows = HOLD_ROWS
        self._held: OrderedDict[tuple[int, int], pa.Table] = OrderedDict()

    # -- the interface ------------------------------------------------------------------------

    def outlets(self) -> list[str]:
        """The MNs with rows in the dataset, sorted."""
        return list(self._names)

    def sizes(self) -> np.ndarray:
        """Rows of each outlet of :meth:`outlets` (in its order) in the whole dataset."""
        return np.array([sum(g.rows for g in self._index[mn]) for mn in self._names], np.int64)

    def read(
        self,
        mn: str,
        start: datetime | pd.Timestamp | None = None,
        end: datetime | pd.Timestamp | None = None,
    ) -> pd.DataFrame:
        """Outlet ``mn``'s readings with ``start <= ts <= end`` (both inclusive, either may be
        None) as :func:`~monitor.store.readings_files.read_readings` gives a file's: the rows
        read are checked as it checks them (a repeated reading dropped, a conflicting one
        refused naming both rows). Only the outlet's row groups are read, and of those only the
        ones whose ``ts`` statistics meet the window (rows in the others are not checked). An
        MN not in the dataset gives no rows."""
        lo = None if start is None else pd.Timestamp(start)
        hi = None if end is None else pd.Timestamp(end)
        pieces: list[tuple[int, pa.Table, np.ndarray]] = []
        for file, groups in _by_file(self._index.get(mn, [])):
            groups = [g for g in groups if self._meets(g, lo, hi)]
            if groups:
                pieces.append((file, *self._read_groups(file, groups, mn)))
        frame = self._frame(pieces)
        if (lo is not None or hi is not None) and len(frame):
            ts = frame["ts"]
            keep = np.ones(len(frame), dtype=bool)
            if lo is not None:
                keep &= (ts >= lo).to_numpy()
            if hi is not None:
                keep &= (ts <= hi).to_numpy()
            if not keep.all():
                frame = frame[keep].reset_index(drop=True)
        return frame

    def __len__(self) -> int:
        return len(self._names)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_held"] = OrderedDict()  # a cache, not state: never sent to a worker
        state["_meta"] = [None] * len(self.files)  # read again where needed (a ms each)
        return state

    def _footer(self, k: int) -> pq.FileMetaData:
        meta = self._meta[k]
        if meta is None:
            meta = self._meta[k] = _footer(self.files[k])
        return meta

    def __repr__(self) -> str:
        return f"ReadingsDataset({self.source!r}: {len(self.files)} file(s), {len(self)} outlets)"

    # -- the index ----------------------------------------------------------------------------

    def _index_file(self, k: int) -> None:
        meta, fixed = self._footer(k), self._fixed[k]
        column = _leaf(meta, "mn")
        if column is None:  # the MN from a hive directory (mn=...)
            for g in range(meta.num_row_groups):
                self._add(fixed["mn"], _Group(k, g, meta.row_group(g).num_rows, True))
            return
        scan = []
        for g in range(meta.num_row_groups):
            rows = meta.row_group(g).num_rows
            if rows == 0:
                continue
            only = _single_value(meta.row_group(g).column(column).statistics)
            if only is not None:
                self._add(only, _Group(k, g, rows, True))
            else:
                scan.append(g)
        if scan:  # row groups of several outlets (or without statistics): read their mn column
            reader = pq.ParquetFile(self.files[k], metadata=meta)
            for g in scan:
                try:
                    mns = reader.read_row_group(g, columns=["mn"], use_threads=False)["mn"]
                except (pa.ArrowInvalid, OSError) as e:
                    raise ReadingsFileError(
                        f"{self.files[k]}: not a readable Parquet file ({_first_line(e)})"
                    ) from e
                counts = pc.value_counts(mns.cast(pa.string())).to_pylist()
                alone = len(counts) == 1
                for item in counts:
                    if item["values"] is None:  # rows without an MN: refused when read
                        continue
                    self._add(item["values"], _Group(k, g, int(item["counts"]), alone))

    def _add(self, mn: str, group: _Group) -> None:
        self._index.setdefault(mn, []).append(group)

    def _meets(self, group: _Group, lo: pd.Timestamp | None, hi: pd.Timestamp | None) -> bool:
        """Whether the row group may hold a time in ``[lo, hi]`` (by its ``ts`` statistics)."""
        if lo is None and hi is None:
            return True
        column = _leaf(self._footer(group.file), "ts")
        if column is None:
            return True
        stats = self._footer(group.file).row_group(group.group).column(column).statistics
        if stats is None or not stats.has_min_max:
            return True
        first, last = stats.min, stats.max
        if not isinstance(first, pd.Timestamp) or first.tzinfo is None:
            return True  # times as text (or naive, refused when read): no pruning
        return not ((lo is not None and last < lo) or (hi is not None and first > hi))

    # -- reading ------------------------------------------------------------------------------

    def _read_groups(self, file: int, groups: list[_Group], mn: str) -> tuple[pa.Table, np.ndarray]:
        """The rows of ``mn`` in ``groups`` of ``file`` and their row numbers in the file."""
        meta, path = self._footer(file), self.files[file]
        starts = np.cumsum([0] + [meta.row_group(g).num_rows for g in range(meta.num_row_groups)])
        tables, rows = [], []
        reader: pq.ParquetFile | None = None
        for group in groups:
            if group.alone:
                if reader is None:
                    reader = pq.ParquetFile(path, metadata=meta)
                table = self._read_group(reader, file, group.group)
                numbers = np.arange(starts[group.group], starts[group.group + 1])
            else:
                whole = self._held.get((file, group.group))
                if whole is None:
                    if reader is None:
                        reader = pq.ParquetFile(path, metadata=meta)
                    whole = self._hold(
                        (file, group.group), self._read_group(reader, file, group.group)
                    )
                else:
                    self._held.move_to_end((file, group.group))
                mine = pc.equal(whole["mn"].cast(pa.string()), pa.scalar(mn)).fill_null(False)
                table = whole.filter(mine)
                numbers = starts[group.group] + np.flatnonzero(mine.to_numpy(zero_copy_only=False))
            tables.append(table)
            rows.append(numbers)
        table = tables[0] if len(tables) == 1 else pa.concat_tables(tables)
        return table, np.concatenate(rows)

    def _hold(self, key: tuple[int, int], table: pa.Table) -> pa.Table:
        """Keep a row group of several outlets for the next outlets read from it, the ones used
        longest ago let go first so that at most :attr:`hold_rows` rows are held."""
        held = sum(t.num_rows for t in self._held.values())
        while self._held and held + table.num_rows > self.hold_rows:
            _, oldest = self._held.popitem(last=False)
            held -= oldest.num_rows
        if table.num_rows <= self.hold_rows:
            self._held[key] = table
        return table

    def _read_group(self, reader: pq.ParquetFile, file: int, group: int) -> pa.Table:
        try:
            table = reader.read_row_group(group, columns=self._columns[file], use_threads=False)
        except (pa.ArrowInvalid, OSError) as e:
            raise ReadingsFileError(
                f"{self.files[file]}: not a readable Parquet file ({_first_line(e)})"
            ) from e
        self.rows_read += table.num_rows
        for name, value in self._fixed[file].items():
            if name in REQUIRED and name not in table.column_names:
                table = table.append_column(name, pa.array([value] * table.num_rows, pa.string()))
        return table

    def _frame(self, pieces: list[tuple[int, pa.Table, np.ndarray]]) -> pd.DataFrame:
        """One outlet's pieces (file, rows, row numbers) checked and joined into one frame."""
        if not pieces:
            return _empty()
        files = np.concatenate([np.full(t.num_rows, k, np.int32) for k, t, _ in pieces])
        numbers = np.concatenate([n for _, _, n in pieces])
        where = _Rows(self.files, files, numbers)
        tables = [t.select(sorted(t.column_names)) for _, t, _ in pieces]
        if all(t.schema.equals(tables[0].schema) for t in tables[1:]):
            frame = table_readings(pa.concat_tables(tables), where)  # one schema: one pass
        else:  # files of different column types: each checked alone, then joined
            parts, at = [], 0
            for t in tables:
                parts.append(table_readings(t, _Rows(self.files, files, numbers, at)))
                at += t.num_rows
            frame = _concat(parts)
        return finish_readings(frame, where, self.source)


class DatasetOutlets(Sequence[tuple[str, pd.DataFrame]]):
    """The outlets of a :class:`ReadingsDataset` within ``[start, end]`` (both inclusive), as the
    sequence ``monitor.detection.batch.detect_parallel`` takes (like ``OutletRows``): ``names``,
    ``len()``, ``[k] -> (mn, frame)`` read on demand, ``sizes()`` (rows in the whole dataset:
    the window is applied when an outlet is read)."""

    def __init__(
        self,
        dataset: ReadingsDataset,
        start: datetime | pd.Timestamp | None = None,
        end: datetime | pd.Timestamp | None = None,
    ) -> None:
        self.dataset, self.start, self.end = dataset, start, end
        self.names = dataset.outlets()

    def __len__(self) -> int:
        return len(self.names)

    def __getitem__(self, k: int) -> tuple[str, pd.DataFrame]:  # type: ignore[override]
        mn = self.names[k]
        return mn, self.dataset.read(mn, self.start, self.end)

    def sizes(self) -> np.ndarray:
        return self.dataset.sizes()


# --------------------------------------------------------------------------------------------


class _Rows:
    """Names rows of an outlet's rows read from several files: ``file: row N`` (the row in that
    file, the first data row being row 1); ``at`` shifts row numbers (a part checked alone)."""

    def __init__(self, files: list[Path], file: np.ndarray, row: np.ndarray, at: int = 0):
        self.files, self.file, self.row, self.at = files, file, row, at

    def _place(self, k: int) -> tuple[Path, int]:
        return self.files[int(self.file[self.at + k])], int(self.row[self.at + k]) + 1

    def __call__(self, row: int) -> str:
        path, n = self._place(row)
        return f"{path}: row {n}"

    def pair(self, first: int, second: int) -> str:
        (pa_, a), (pb, b) = self._place(first), self._place(second)
        return f"{pa_}: rows {a} and {b}" if pa_ == pb else f"{pa_}: row {a} and {pb}: row {b}"


def _resolve(source: str) -> tuple[Path, list[Path]]:
    """The dataset's root (where hive directories start) and its files, sorted."""
    path = Path(source)
    if path.is_file():
        return path.parent, [path]
    if path.is_dir():
        files = _files_under(path)
        if not files:
            raise ReadingsFileError(
                f"{path}: no Parquet file in this directory (give a directory of Parquet "
                "readings files, a glob or one file)"
            )
        return path, files
    if not any(ch in source for ch in _GLOB):
        raise ReadingsFileError(
            f"{path}: no such file or directory (give a readings file, a directory of Parquet "
            "files or a glob such as 'history/*.parquet')"
        )
    files = []
    for match in sorted(glob.glob(source, recursive=True)):
        m = Path(match)
        if m.is_dir():
            files.extend(_files_under(m))
        elif m.is_file() and not _hidden(m.name):
            files.append(m)
    if not files:
        raise ReadingsFileError(
            f"{source}: no file matches this pattern (check the path; quote the pattern so "
            "that the shell does not expand it)"
        )
    fixed = []  # the directories before the first one with a wildcard: where hive keys start
    for part in path.parts:
        if any(ch in part for ch in _GLOB):
            break
        fixed.append(part)
    return Path(*fixed) if fixed else Path("."), sorted(set(files))


def _files_under(directory: Path) -> list[Path]:
    out = []
    for here, dirs, names in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not _hidden(d))
        out.extend(Path(here) / n for n in sorted(names) if not _hidden(n))
    return sorted(out)


def _hidden(name: str) -> bool:
    return name.startswith((".", "_"))


def _hive(path: Path, root: Path) -> dict[str, str]:
    """``key=value`` directories between ``root`` and ``path`` (hive partitioning)."""
    try:
        parts = path.parent.relative_to(root).parts
    except ValueError:
        return {}
    return dict(p.split("=", 1) for p in parts if "=" in p and not p.startswith("="))


def _footer(path: Path) -> pq.FileMetaData:
    try:
        with path.open("rb") as f:
            head = f.read(4)
        if head != b"PAR1":
            raise ReadingsFileError(
                f"{path}: not a Parquet file; a readings dataset holds Parquet files only (move "
                "it out of the directory, or convert it: monitor export writes Parquet)"
            )
        return pq.read_metadata(path)
    except (pa.ArrowInvalid, OSError) as e:
        raise ReadingsFileError(f"{path}: not a readable Parquet file ({_first_line(e)})") from e


def _leaf(meta: pq.FileMetaData, name: str) -> int | None:
    """The index of column ``name`` among the file's Parquet columns (None when absent)."""
    names = meta.schema.names
    return names.index(name) if name in names else None


def _single_value(stats: Any) -> str | None:
    """The one MN of a row group, when its statistics say so exactly; else None."""
    if stats is None or not stats.has_min_max or stats.min != stats.max:
        return None
    if not getattr(stats, "is_min_value_exact", True) or not getattr(
        stats, "is_max_value_exact", True
    ):
        return None
    if stats.null_count is None or stats.null_count > 0:
        return None
    value = stats.min
    return value.decode() if isinstance(value, bytes) else str(value)


def _by_file(groups: list[_Group]) -> list[tuple[int, list[_Group]]]:
    out: dict[int, list[_Group]] = {}
    for g in groups:
        out.setdefault(g.file, []).append(g)
    return list(out.items())


def _concat(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Frames of :func:`table_readings` joined, their categoricals' categories united."""
    from pandas.api.types import union_categoricals

    out = {}
    for name in parts[0].columns.union([c for p in parts for c in p.columns], sort=False):
        columns = [p[name] if name in p.columns else None for p in parts]
        if name in ("mn", "pollutant", "kind") and all(c is not None for c in columns):
            out[name] = union_categoricals([c.array for c in columns])  # type: ignore[union-attr]
        else:
            filled = [
                c.reset_index(drop=True)
                if c is not None
                else pd.Series(pd.NaT, index=range(len(p)), dtype="datetime64[ns, UTC]")
                for c, p in zip(columns, parts, strict=True)
            ]
            out[name] = pd.concat(filled, ignore_index=True)
    return pd.DataFrame(out)


def _empty() -> pd.DataFrame:
    """No readings, in the frame's columns and types."""
    empty = pa.table({c: pa.array([], pa.string()) for c in REQUIRED})
    return table_readings(empty, _Rows([], np.zeros(0, np.int32), np.zeros(0, np.int64)))


def _first_line(e: Exception) -> str:
    return str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
