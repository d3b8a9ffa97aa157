"""Stored readings out as a readings file or a Parquet dataset, one outlet at a time
(``monitor export``).

:func:`export_readings` reads each outlet's readings from the store and appends them to the file
before it reads the next outlet, so memory holds one outlet's frame whatever the size of the
store. An ``.xlsx`` file is for people (times as Excel dates in ``tz``, at most Excel's
1,048,575 rows: a year of about 20 outlets' hourly data); it is not read back by ``detect``. The file is the one :func:`monitor.store.readings_files.write_readings` writes for the
whole frame (the same columns, text and values): CSV with ``ts`` in ``tz`` with its offset, or
Parquet (one row group per outlet, ``ts`` in UTC) through a :class:`pyarrow.parquet.ParquetWriter`;
or, for a directory, a Parquet dataset partitioned by month and hashed outlet bucket
(:class:`DatasetWriter`), which ``monitor detect --readings DIR`` reads one outlet at a time.
Nothing is written when no stored reading matches (:class:`ExportError`).
"""

from __future__ import annotations

import os
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Final, Self

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from monitor.config import DEFAULT_TIMEZONE, redact_url
from monitor.store.readings_files import (  # one text rule
    REQUIRED,
    _expand,
    _text_column,
    time_text,
)
from monitor.store.store import Store

if TYPE_CHECKING:
    from monitor.spreadsheets import XlsxStream

__all__ = [
    "DEFAULT_BUCKETS",
    "DatasetWriter",
    "ExportError",
    "ExportResult",
    "ReadingsWriter",
    "export_readings",
    "readings_format",
]

_TEXT: Final = ("mn", "pollutant", "flag", "kind")
DEFAULT_BUCKETS: Final = 16


class ExportError(ValueError):
    """An export that cannot be made; the message is one line naming the problem and the fix."""


@dataclass(frozen=True)
class ExportResult:
    """What :func:`export_readings` wrote."""

    path: Path
    readings: int
    outlets: int
    files: int = 1


def readings_format(path: str | Path) -> str:
    """``"csv"`` or ``"parquet"`` by the file name, ``"dataset"`` for a directory (one that
    exists, or a name ending in ``/`` or without a suffix); :class:`ExportError` for anything
    else."""
    text = str(path)
    if Path(text).is_dir() or text.endswith(("/", os.sep)) or not Path(text).suffix:
        return "dataset"
    suffix = Path(text).suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".parquet", ".pq"):
        return "parquet"
    if suffix == ".xlsx":
        return "xlsx"
    raise ExportError(
        f"{path}: use a .csv, .parquet or .xlsx file name, or a directory for a Parquet dataset"
    )


def export_readings(
    store: Store | str,
    out: str | Path,
    *,
    mns: Sequence[str] = (),
    start: datetime | pd.Timestamp | None = None,
    end: datetime | pd.Timestamp | None = None,
    kinds: Iterable[str] = ("hour",),
    tz: str = DEFAULT_TIMEZONE,
    buckets: int = DEFAULT_BUCKETS,
    started: Callable[[int], None] | None = None,
    step: Callable[[str], None] | None = None,
) -> ExportResult:
    """Write the stored readings of ``mns`` (default: every stored outlet) with
    ``start <= ts < end`` and of ``kinds`` to ``out`` (.csv or .parquet), outlet by outlet.

    ``store`` is a :class:`Store` or a database URL (opened without creating tables, and closed
    at the end; a missing SQLite file is an error rather than a new empty database).
    ``started`` hears the number of outlets, ``step`` each outlet written.

    A directory ``out`` (see :func:`readings_format`) is written as a Parquet dataset
    (:class:`DatasetWriter`: ``month=YYYY-MM/bucket=NN/part-0.parquet``, months in ``tz``,
    ``buckets`` hashed outlet buckets); it must be new or empty. The outlets are then taken in
    the order of their bucket (then MN), so that each partition's file is written once."""
    fmt = readings_format(out)
    out = Path(out)
    if fmt == "dataset" and out.is_dir() and any(out.iterdir()):
        raise ExportError(
            f"{out}: directory not empty; give a new or empty directory for the dataset"
        )
    kinds = tuple(kinds) or ("hour",)
    own = isinstance(store, str)
    if isinstance(store, str):
        store = _open(store)
    try:
        try:
            outlets = list(mns) or store.outlets()
        except Exception as e:
            raise ExportError(f"database {redact_url(str(store.engine.url))}: {e}") from None
        rows = 0
        if started is not None:
            started(len(outlets))
        writer: ReadingsWriter | DatasetWriter
        if fmt == "dataset":
            writer = DatasetWriter(out, buckets=buckets, tz=tz)
            outlets = sorted(outlets, key=lambda mn: (writer.bucket(mn), mn))
        else:
            writer = ReadingsWriter(out, tz=tz)
        with writer:
            for mn in outlets:
                rows += writer.write(store.read_frame(mn, start=start, end=end, kinds=kinds))
                if step is not None:
                    step(mn)
        if rows == 0:
            raise ExportError("nothing to export: no stored readings match")
        return ExportResult(out, rows, len(outlets), writer.files)
    finally:
        if own:
            store.close()


def _open(database: str) -> Store:
    from sqlalchemy.engine import make_url

    try:
        url = make_url(database)
        local = url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")
        if local and not Path(str(url.database)).is_file():
            raise ExportError(
                f"no database file {url.database}: check --db, $MONITOR_DB or monitor.toml"
            )
        return Store(database, create=False)
    except ExportError:
        raise
    except Exception as e:  # a bad URL or an unreachable server: one line, no password
        raise ExportError(f"database {redact_url(database)}: {e}") from None


class _Closing:
    """A writer used as a context manager: ``close()`` at the end of the ``with`` block."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class ReadingsWriter(_Closing):
    """A readings file written chunk by chunk (``write(frame)`` per outlet); the file is created
    at the first non-empty chunk, so an export without rows leaves no file behind. Use it as a
    context manager (``close()`` finishes the Parquet footer)."""

    def __init__(self, path: str | Path, *, tz: str = DEFAULT_TIMEZONE) -> None:
        self.path = Path(path)
        self.tz = tz
        self.format = readings_format(self.path)
        self.rows = 0
        self.files = 1
        self._columns: list[str] | None = None
        self._file: IO[bytes] | None = None
        self._parquet: pq.ParquetWriter | None = None
        self._xlsx: XlsxStream | None = None
        self._schema: pa.Schema | None = None

    def write(self, frame: pd.DataFrame) -> int:
        """Append ``frame``'s readings (columns as :meth:`Store.read_frame` gives them); return
        how many rows were written."""
        if frame.empty:
            return 0
        if self._columns is None:
            self._columns = [c for c in (*REQUIRED, "kind", "received_at") if c in frame.columns]
        if self.format == "parquet":
            self._write_parquet(frame)
        elif self.format == "xlsx":
            self._write_xlsx(frame)
        else:
            self._write_csv(frame)
        self.rows += len(frame)
        return len(frame)

    def _write_parquet(self, frame: pd.DataFrame) -> None:
        assert self._columns is not None
        table = _parquet_table(frame, self._columns, self._schema)
        if self._parquet is None:
            self._schema = table.schema
            self._parquet = pq.ParquetWriter(self.path, self._schema)
        self._parquet.write_table(table)

    def _write_csv(self, frame: pd.DataFrame) -> None:
        assert self._columns is not None
        codes, uniques = pd.factorize(frame["ts"], sort=False)
        text = (
            pd.DatetimeIndex(uniques)
            .tz_convert(self.tz)
            .map(pd.Timestamp.isoformat)
            .to_numpy(object)
        )
        arrays = {"ts": _expand(codes, text)}
        for c in self._columns:
            if c == "value":
                arrays[c] = pa.array(frame[c].to_numpy(dtype="float64"), from_pandas=True)
            elif c == "received_at":
                arrays[c] = time_text(frame[c], self.tz)
            elif c != "ts":
                arrays[c] = _text_column(frame[c])
        table = pa.table({c: arrays[c] for c in self._columns})
        plain = all(
            not pc.any(pc.match_substring_regex(table[c], r'[,"\r\n]')).as_py()
            for c in self._columns
            if c != "value"
        )
        options = pacsv.WriteOptions(
            include_header=False, quoting_style="none" if plain else "needed"
        )
        if self._file is None:
            self._file = self.path.open("wb")
            self._file.write((",".join(self._columns) + "\n").encode())
        pacsv.write_csv(table, self._file, write_options=options)

    def _write_xlsx(self, frame: pd.DataFrame) -> None:
        """A workbook for people: the readings file's columns, times as Excel dates in ``tz``
        (named in the header: Excel has no zones), values as numbers; at most Excel's rows
        (:class:`ExportError` naming the way out, and no half file left behind)."""
        from monitor.spreadsheets import XLSX_MAX_ROWS, XlsxStream

        assert self._columns is not None
        if self.rows + len(frame) > XLSX_MAX_ROWS:
            self.close()
            self.path.unlink(missing_ok=True)
            raise ExportError(
                f"{self.path}: more than Excel's {XLSX_MAX_ROWS:,} rows a sheet; export fewer "
                "outlets (--mn) or days (--from/--to), or write .csv or .parquet"
            )
        if self._xlsx is None:
            zoned = {"ts", "received_at"}
            header = [f"{c} ({self.tz})" if c in zoned else c for c in self._columns]
            widths = [18 if c in zoned else 16 if c == "mn" else 10 for c in self._columns]
            self._xlsx = XlsxStream(self.path, "readings", header, widths)
        columns = []
        for c in self._columns:
            col = frame[c]
            if c in ("ts", "received_at"):
                local = pd.DatetimeIndex(col).tz_convert(self.tz).tz_localize(None)
                when = local.to_pydatetime().tolist()
                columns.append([None if k else t for k, t in zip(local.isna(), when, strict=True)])
            elif c == "value":
                values = col.to_numpy(dtype="float64")
                columns.append([None if v != v else v for v in values.tolist()])
            else:
                columns.append(col.astype(object).tolist())
        self._xlsx.append(zip(*columns, strict=True))

    def close(self) -> None:
        if self._xlsx is not None:
            self._xlsx.close()
            self._xlsx = None
        if self._parquet is not None:
            self._parquet.close()
            self._parquet = None
        if self._file is not None:
            self._file.close()
            self._file = None


class DatasetWriter(_Closing):
    """Readings written as a Parquet dataset under ``root``, outlet by outlet (``write(frame)``
    per outlet, or any frame of whole outlets): hive partitions ``month=YYYY-MM`` (the month of
    ``ts`` in ``tz``) and ``bucket=NN`` (:meth:`bucket`: CRC-32 of the MN modulo ``buckets``),
    each holding ``part-N.parquet`` files of the columns :class:`ReadingsWriter` writes to
    Parquet (``month`` and ``bucket`` live in the path only). Each ``write`` adds one row group
    per partition it touches, so a row group holds one outlet (what
    :class:`monitor.store.readings_dataset.ReadingsDataset` indexes from the footers alone).
    At most ``max_open`` files are open at once: the one used longest ago is finished, and a
    later write to its partition starts the next part. Use it as a context manager."""

    def __init__(
        self,
        root: str | Path,
        *,
        buckets: int = DEFAULT_BUCKETS,
        tz: str = DEFAULT_TIMEZONE,
        max_open: int = 64,
    ) -> None:
        if buckets < 1:
            raise ExportError(f"--buckets {buckets}: give a number of buckets of 1 or more")
        self.root, self.buckets, self.tz, self.max_open = Path(root), buckets, tz, max_open
        self.rows = 0
        self.files = 0
        self._width = len(str(buckets - 1))
        self._columns: list[str] | None = None
        self._schema: pa.Schema | None = None
        self._open: OrderedDict[tuple[str, int], pq.ParquetWriter] = OrderedDict()

    def bucket(self, mn: str) -> int:
        """The outlet's bucket: CRC-32 of its MN (UTF-8) modulo the number of buckets."""
        return zlib.crc32(str(mn).encode()) % self.buckets

    def write(self, frame: pd.DataFrame) -> int:
        """Append ``frame``'s readings (columns as :meth:`Store.read_frame` gives them); return
        how many rows were written."""
        if frame.empty:
            return 0
        if self._columns is None:
            self._columns = [c for c in (*REQUIRED, "kind", "received_at") if c in frame.columns]
        local = frame["ts"].dt.tz_convert(self.tz)
        month = (local.dt.year.to_numpy() * 12 + local.dt.month.to_numpy() - 1).astype(np.int64)
        codes, mns = pd.factorize(frame["mn"].astype(str), sort=False)
        table = {int(k): self.bucket(mn) for k, mn in enumerate(mns)}
        bucket = np.vectorize(table.__getitem__, otypes=[np.int64])(codes)
        key = month * self.buckets + bucket
        order = np.argsort(key, kind="stable")  # rows keep their order within a partition
        keys, starts = np.unique(key[order], return_index=True)
        ends = np.r_[starts[1:], len(order)]
        for k, a, b in zip(keys, starts, ends, strict=True):
            m, bk = divmod(int(k), self.buckets)
            table = _parquet_table(frame.iloc[order[a:b]], self._columns, self._schema)
            if self._schema is None:
                self._schema = table.schema  # every file of the dataset has the first's
            self._writer(f"{m // 12:04d}-{m % 12 + 1:02d}", bk).write_table(table)
        self.rows += len(frame)
        return len(frame)

    def _writer(self, month: str, bucket: int) -> pq.ParquetWriter:
        key = (month, bucket)
        writer = self._open.get(key)
        if writer is not None:
            self._open.move_to_end(key)
            return writer
        while len(self._open) >= self.max_open:
            _, oldest = self._open.popitem(last=False)
            oldest.close()
        directory = self.root / f"month={month}" / f"bucket={bucket:0{self._width}d}"
        directory.mkdir(parents=True, exist_ok=True)
        n = 0
        while (directory / f"part-{n}.parquet").exists():
            n += 1
        assert self._schema is not None  # set by the first table
        writer = pq.ParquetWriter(directory / f"part-{n}.parquet", self._schema)
        self._open[key] = writer
        self.files += 1
        return writer

    def close(self) -> None:
        while self._open:
            _, writer = self._open.popitem(last=False)
            writer.close()


def _parquet_table(frame: pd.DataFrame, columns: list[str], schema: pa.Schema | None) -> pa.Table:
    """The rows as the Parquet table of a readings file: times in UTC, labels as strings."""
    out = frame[columns].copy()
    out["ts"] = out["ts"].dt.tz_convert("UTC")
    if "received_at" in out.columns:
        out["received_at"] = out["received_at"].dt.tz_convert("UTC")
    for c in _TEXT:
        if c in out.columns:
            out[c] = out[c].astype(str)
    return pa.Table.from_pandas(out, schema=schema, preserve_index=False)
