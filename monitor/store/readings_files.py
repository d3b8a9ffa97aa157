"""Readings files for analysts (DESIGN.md section 5): CSV or Parquet, checked on the way in.

The frame read is the long readings frame of :data:`detectors.frame.READINGS_SCHEMA` (the one
definition of its columns and rules): columns ``mn, pollutant, ts, value, flag`` and optional
``kind`` (default ``hour``). ``ts`` is ISO 8601 with an offset (``2026-06-03T04:00:00+08:00`` or
``...Z``); a value is a finite number or empty (unknown: ``inf``, ``1e999`` or ``nan`` written out
are refused); ``flag`` is one HJ 212 data flag (N F M S D C T B) or empty (unknown, never valid);
a row without a pollutant is refused. Two rows with the same key (mn, pollutant, kind, ts) are one
reading: identical, the second is dropped; different, the file is refused naming both lines. Any
other file is refused with one `ReadingsFileError` line naming the file, the line (CSV, header =
line 1) or row (Parquet, first data row = row 1), the column and the fix.

Parsing is vectorised with pyarrow: timestamps by Arrow's ISO 8601 parser (which wants an offset
or Z); a file it refuses is checked once per distinct time string, to name the first bad line.
Five million hourly rows (280 MB) read in about a second.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final, Protocol

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from detectors.frame import FLAG_CODES, KINDS, READINGS_SCHEMA, FrameError, validate_readings
from monitor.config import DEFAULT_TIMEZONE

REQUIRED: Final[tuple[str, ...]] = READINGS_SCHEMA.required
_OFFSET: Final = r"(?:Z|[+-]\d{2}:?\d{2})$"
_ISO: Final = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?"


class ReadingsFileError(ValueError):
    """A readings file that cannot be used; the message is one line naming the place and the fix.

    ``check``, for a cell refused by :func:`table_readings`: which of its checks refused it (the
    column's place in :data:`CHECK_ORDER`, then the rule's among that column's), so that a file
    checked in blocks names the problem a whole read names first (``monitor.store.readings_csv``).
    """

    check: tuple[int, int] | None = None


#: The order in which :func:`table_readings` checks the columns (each over every row).
CHECK_ORDER: Final[tuple[str, ...]] = (
    "mn",
    "pollutant",
    "ts",
    "value",
    "flag",
    "received_at",
    "kind",
)


def _refused(message: str, column: str, rule: int = 0) -> ReadingsFileError:
    """The error of a cell of ``column`` broken by the column's ``rule``-th check."""
    error = ReadingsFileError(message)
    error.check = (CHECK_ORDER.index(column), rule)
    return error


class Places(Protocol):
    """Names rows of the table being read in an error: ``where(row)`` one row, ``where.pair(a,
    b)`` two (``file: line N`` for CSV, ``file: row N`` for Parquet)."""

    def __call__(self, row: int) -> str: ...

    def pair(self, first: int, second: int) -> str: ...


def read_readings(path: str | Path) -> pd.DataFrame:
    """Read a CSV or Parquet readings file into a frame with ``ts`` in UTC.

    Columns out (:data:`READINGS_SCHEMA`): ``mn``, ``pollutant``, ``flag`` (missing when
    unknown), ``kind`` (categoricals), ``ts`` (``datetime64[ns, UTC]``), ``value`` (float64, NaN when
    empty), one row per reading key. Raises `ReadingsFileError`.
    """
    p, parquet = readings_file(path)
    table = _read_parquet(p) if parquet else _read_csv(p)
    where = Where(p, parquet)
    check_columns(table.column_names, p)
    return finish_readings(table_readings(table, where), where, p)


def readings_file(path: str | Path) -> tuple[Path, bool]:
    """The readings file at ``path`` and whether it is Parquet (else CSV); no such file or a
    workbook is refused (one line)."""
    p = Path(path)
    if not p.is_file():
        raise ReadingsFileError(f"{p}: no such file (give a CSV or Parquet readings file)")
    if p.suffix.lower() in (".xlsx", ".xls"):
        raise ReadingsFileError(
            f"{p}: a workbook is for people; give the readings as CSV or Parquet "
            "(monitor export --out FILE.csv|FILE.parquet)"
        )
    return p, p.suffix.lower() in (".parquet", ".pq")


def check_columns(names: list[str], path: Path) -> None:
    """Refuse a file without every column of :data:`REQUIRED` (one line naming them)."""
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise ReadingsFileError(
            f"{path}: missing column(s) {', '.join(missing)}; a readings file needs the columns "
            f"{','.join(REQUIRED)} (and optional kind)"
        )


def table_readings(table: pa.Table, where: Places) -> pd.DataFrame:
    """The readings frame of a table with the :data:`REQUIRED` columns, every cell checked
    (``where(row)`` names row ``row`` of the table in an error); repeated keys not yet looked at
    (:func:`finish_readings`)."""
    n = table.num_rows
    out = {
        "mn": _labels(table, "mn", where),
        "pollutant": _labels(table, "pollutant", where),
        "ts": _timestamps(table["ts"], where),
        "value": _values(table["value"], where),
        "flag": _flags(table["flag"], where),
    }
    if "received_at" in table.column_names:
        out["received_at"] = _timestamps(table["received_at"], where, "received_at", required=False)
    if "kind" in table.column_names:
        kind = _labels(table, "kind", where, default="hour")
        bad = ~np.isin(np.asarray(kind.categories), KINDS)
        if bad.any():
            row = int(np.flatnonzero(np.isin(kind.codes, np.flatnonzero(bad)))[0])
            raise _refused(
                f"{where(row)}, column 'kind': unknown kind {kind[row]!r}; use one of "
                f"{', '.join(KINDS)}",
                "kind",
                2,
            )
        out["kind"] = kind
    else:
        out["kind"] = categorical(np.zeros(n, dtype=np.int8), ("hour",))
    return pd.DataFrame(out, copy=False)  # the columns are made here: no copy of them


def finish_readings(frame: pd.DataFrame, where: Places, source: object) -> pd.DataFrame:
    """``frame`` (of :func:`table_readings`) with one row per reading key (a repeat dropped, a
    conflict refused naming both rows through ``where.pair``), checked against the schema."""
    keep = _one_row_per_key(frame, where)
    if keep is not None:
        frame = frame[keep].reset_index(drop=True)
    try:
        validate_readings(frame)
    except FrameError as e:  # the checks above name the line; this is the schema's last word
        raise ReadingsFileError(f"{source}: {e}") from None
    return frame


def write_readings(frame: pd.DataFrame, path: str | Path, *, tz: str = DEFAULT_TIMEZONE) -> Path:
    """Write ``frame`` as CSV (``ts`` ISO 8601 in ``tz`` with its offset) or Parquet (by suffix)."""
    p = Path(path)
    columns = [c for c in (*REQUIRED, "kind", "received_at") if c in frame.columns]
    if p.suffix.lower() in (".parquet", ".pq"):
        out = frame[columns].copy()
        out["ts"] = out["ts"].dt.tz_convert("UTC")
        if "received_at" in out.columns:
            out["received_at"] = out["received_at"].dt.tz_convert("UTC")
        for c in ("mn", "pollutant", "flag", "kind"):
            if c in out.columns:
                out[c] = out[c].astype(str)
        out.to_parquet(p, index=False)
        return p
    codes, uniques = pd.factorize(frame["ts"], sort=False)
    text = pd.DatetimeIndex(uniques).tz_convert(tz).map(pd.Timestamp.isoformat).to_numpy(object)
    arrays = {"ts": _expand(codes, text)}
    for c in columns:
        if c == "value":
            arrays[c] = pa.array(frame[c].to_numpy(dtype="float64"), from_pandas=True)
        elif c == "received_at":
            arrays[c] = time_text(frame[c], tz)
        elif c != "ts":
            arrays[c] = _text_column(frame[c])
    table = pa.table({c: arrays[c] for c in columns})
    plain = all(
        not pc.any(pc.match_substring_regex(table[c], r'[,"\r\n]')).as_py()
        for c in columns
        if c != "value"
    )
    options = pacsv.WriteOptions(include_header=False, quoting_style="none" if plain else "needed")
    with p.open("wb") as out:
        out.write((",".join(columns) + "\n").encode())
        pacsv.write_csv(table, out, write_options=options)
    return p


def categorical(codes: np.ndarray, categories: Sequence[str]) -> pd.Categorical:
    """``pd.Categorical.from_codes(codes, categories)``, the dtype of these categories made once:
    pandas checks a dtype's categories whenever it makes one (about a millisecond for a few
    labels, as long as checking the codes of a block of 20,000 rows)."""
    return pd.Categorical.from_codes(codes, dtype=_categories(tuple(categories)))


@functools.lru_cache(maxsize=1024)
def _categories(labels: tuple[str, ...]) -> pd.CategoricalDtype:
    return pd.CategoricalDtype(list(labels))


def time_text(column: pd.Series, tz: str) -> pa.Array:
    """Times as ISO 8601 text in ``tz`` with its offset; an unknown time as an empty cell."""
    codes, uniques = pd.factorize(column, sort=False)
    text = pd.DatetimeIndex(uniques).tz_convert(tz).map(pd.Timestamp.isoformat).to_numpy(object)
    if (codes < 0).any():
        text = np.append(text, "")
        codes = np.where(codes < 0, len(text) - 1, codes)
    return _expand(codes, text)


def _expand(codes: np.ndarray, labels: np.ndarray) -> pa.Array:
    """Strings ``labels[codes]`` built through a dictionary (each distinct string converted once)."""
    dictionary = pa.DictionaryArray.from_arrays(
        pa.array(codes.astype(np.int32)), pa.array(labels, type=pa.string())
    )
    return dictionary.cast(pa.string())


def _text_column(column: pd.Series) -> pa.Array:
    """Text cells; a missing one (an unknown flag) is written as an empty cell."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        labels = column.cat.categories.astype(str).to_numpy(dtype=object)
        codes = column.cat.codes.to_numpy()
    else:
        codes, uniques = pd.factorize(column, sort=False)
        labels = np.asarray([str(u) for u in uniques], dtype=object)
    if (codes < 0).any():
        labels = np.append(labels, "")
        codes = np.where(codes < 0, len(labels) - 1, codes)
    return _expand(codes, labels)


# --------------------------------------------------------------------------------------------


class Where:
    """Names a row: ``file: line N`` for CSV (header is line 1), ``file: row N`` for Parquet;
    rows are counted from ``first`` (a block of the file starting at row ``first``) or, given
    ``rows``, row ``k`` is the file's row ``rows[k]`` (rows taken out of the file)."""

    def __init__(
        self, path: Path, parquet: bool, first: int = 0, rows: np.ndarray | None = None
    ) -> None:
        self.path, self.parquet, self.first, self.rows = path, parquet, first, rows

    def _number(self, row: int) -> int:
        row = int(self.rows[row]) if self.rows is not None else self.first + row
        return row + 1 if self.parquet else row + 2

    def __call__(self, row: int) -> str:
        return f"{self.path}: {'row' if self.parquet else 'line'} {self._number(row)}"

    def pair(self, first: int, second: int) -> str:
        a, b = self._number(first), self._number(second)
        return f"{self.path}: {'rows' if self.parquet else 'lines'} {a} and {b}"


def csv_columns(p: Path) -> list[str]:
    """The column names of a CSV readings file, from its first block only (reading the whole
    file for them costs as much as the read itself)."""
    try:
        with pacsv.open_csv(p, read_options=pacsv.ReadOptions(block_size=1 << 16)) as reader:
            return reader.schema.names
    except (pa.ArrowInvalid, OSError) as e:
        raise unreadable_csv(p, e) from e


def csv_options(header: list[str]) -> pacsv.ConvertOptions:
    """How a readings CSV's cells are read: every column as text (checked afterwards)."""
    return pacsv.ConvertOptions(
        column_types={c: pa.string() for c in header},
        null_values=[""],  # only an empty cell is empty: "nan" or "NA" is written text
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
    )


def unreadable_csv(p: Path, e: Exception) -> ReadingsFileError:
    return ReadingsFileError(f"{p}: not a readable CSV file ({_first_line(e)})")


def _read_csv(p: Path) -> pa.Table:
    header = csv_columns(p)
    try:
        return pacsv.read_csv(p, convert_options=csv_options(header))
    except (pa.ArrowInvalid, OSError) as e:
        raise unreadable_csv(p, e) from e


def _read_parquet(p: Path) -> pa.Table:
    import pyarrow.parquet as pq  # 14 ms to import, for Parquet files only

    try:
        return pq.read_table(p)
    except (pa.ArrowInvalid, OSError) as e:
        raise ReadingsFileError(f"{p}: not a readable Parquet file ({_first_line(e)})") from e


def _first_line(e: Exception) -> str:
    return str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__


def _dictionary(column: pa.ChunkedArray) -> tuple[np.ndarray, pa.Array]:
    """Codes (-1 for null) and the distinct values of a column (in the order they first
    appear, as ``pc.dictionary_encode`` gives them)."""
    if len(column) and column.null_count == 0 and pa.types.is_string(column.type):
        if _one_value(column):  # one outlet's MN (a file read outlet by outlet), one kind
            first = column[0].as_py()
            return np.zeros(len(column), dtype=np.int32), pa.array([first], pa.string())
        short = _short_cells(column)
        if short is not None:
            return _short_dictionary(*short)
    return _encoded(column)


def _encoded(column: pa.ChunkedArray) -> tuple[np.ndarray, pa.Array]:
    """`_dictionary` of any column, by Arrow's dictionary encoding of its text."""
    encoded = pc.dictionary_encode(
        column.cast(pa.string()) if column.type != pa.string() else column
    )
    chunks = encoded.chunks
    if not chunks:
        return np.zeros(0, dtype=np.int32), pa.array([], type=pa.string())
    combined = pa.chunked_array(chunks).combine_chunks() if len(chunks) > 1 else chunks[0]
    codes = combined.indices.fill_null(-1).to_numpy(zero_copy_only=False)
    return codes.astype(np.int32), combined.dictionary


def _cell_bytes(chunk: pa.Array) -> tuple[np.ndarray, int] | None:
    """The bytes of a text chunk whose cells (none empty, at least one) are all ``width`` bytes
    long, one cell after another, and that width; None for any other chunk."""
    n = len(chunk)
    _, offsets_buffer, data_buffer = chunk.buffers()
    offsets = np.frombuffer(offsets_buffer, np.int32, n + 1, 4 * chunk.offset)
    first, width = int(offsets[0]), int(offsets[1] - offsets[0])
    if width == 0 or int(offsets[-1]) - first != n * width or (np.diff(offsets) != width).any():
        return None
    return np.frombuffer(data_buffer, np.uint8, n * width, first), width


def _one_value(column: pa.ChunkedArray) -> bool:
    """Whether every cell of a text column without an empty cell is its first cell's text:
    each chunk's bytes compared with the first cell's repeated (memcmp, stopping at the first
    chunk that differs: an outlet-year's 51,000 MNs in 0.14 ms against 0.27 for ``pc.equal``,
    over the bench's 100 outlets); ``pc.equal`` when a chunk's cells are not all of one width
    (or of no bytes)."""
    cell = None
    for chunk in column.chunks:
        if not len(chunk):
            continue
        cells = _cell_bytes(chunk)
        if cells is None:
            return bool(pc.all(pc.equal(column, column[0])).as_py())
        data, width = cells
        if cell is None:
            cell = data[:width].tobytes()
        if width != len(cell) or data.tobytes() != cell * len(chunk):
            return False
    return True


def _short_cells(column: pa.ChunkedArray) -> tuple[np.ndarray, int] | None:
    """Each cell of a text column without an empty cell, all of one width of 1-8 bytes (a
    file's pollutant codes: ``w01018``), as one 64-bit number (its bytes, little-endian, the
    rest zero: equal cells, equal numbers), and that width; None for any other column."""
    parts, width = [], None
    for chunk in column.chunks:
        if not len(chunk):
            continue
        cells = _cell_bytes(chunk)
        if cells is None or cells[1] > 8 or cells[1] != (width or cells[1]):
            return None
        width = cells[1]
        parts.append(cells[0])
    if width is None:
        return None
    data = np.concatenate([*parts, np.zeros(8, np.uint8)])  # a whole word readable at any cell
    n = (len(data) - 8) // width
    words = np.ndarray((n,), "<u8", data, 0, (width,))  # each cell's 8 bytes from its start
    if width < 8:
        words = words & np.uint64((1 << (8 * width)) - 1)  # the next cells' bytes cleared
    return words, width


def _short_dictionary(words: np.ndarray, width: int) -> tuple[np.ndarray, pa.Array]:
    """`_dictionary` of a column of :func:`_short_cells`: Arrow's dictionary encoding of the
    numbers (first appearance first, as of the text), each distinct number's bytes its text.
    Hashing a number, not a string: an outlet-year's 51,000 pollutant cells in 0.34 ms against
    0.68 (``pc.equal`` over the whole column, then the text's encoding), over the bench's 100
    outlets."""
    encoded = pc.dictionary_encode(pa.array(words))
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int32, copy=False)
    distinct = encoded.dictionary.to_numpy(zero_copy_only=False).astype("<u8")
    text = np.ascontiguousarray(distinct.view(np.uint8).reshape(-1, 8)[:, :width])
    offsets = np.arange(0, (len(distinct) + 1) * width, width, dtype=np.int32)
    uniques = pa.Array.from_buffers(
        pa.string(), len(distinct), [None, pa.py_buffer(offsets), pa.py_buffer(text)]
    )
    return codes, uniques


def _labels(
    table: pa.Table, name: str, where: Places, default: str | None = None
) -> pd.Categorical:
    codes, uniques = _dictionary(table[name])
    categories = [str(u) for u in uniques.to_pylist()]
    if (codes < 0).any():
        if default is None:
            row = int(np.flatnonzero(codes < 0)[0])
            raise _refused(
                f"{where(row)}, column '{name}': empty; every row needs a {name}: fill it in or "
                "delete the row",
                name,
            )
        if default not in categories:
            categories.append(default)
        codes = np.where(codes < 0, categories.index(default), codes)
    blank = [k for k, c in enumerate(categories) if not c.strip()]
    if blank:
        row = int(np.flatnonzero(np.isin(codes, blank))[0])
        raise _refused(
            f"{where(row)}, column '{name}': empty; every row needs a {name}: fill it in or "
            "delete the row",
            name,
            1,
        )
    return categorical(codes, categories)


def _timestamps(
    column: pa.ChunkedArray, where: Places, name: str = "ts", *, required: bool = True
) -> pd.DatetimeIndex | pd.Series:
    """A time column as UTC; an empty cell is refused when ``required``, else NaT (unknown)."""
    if pa.types.is_timestamp(column.type):
        if column.type.tz is None:
            raise _refused(
                f"{where(0)}, column '{name}': timestamps without a time zone; store them "
                "timezone-aware (UTC) or as ISO 8601 text with an offset",
                name,
            )
        ts = column.to_pandas()
        if required and ts.isna().any():
            row = int(np.flatnonzero(ts.isna().to_numpy())[0])
            raise _refused(f"{where(row)}, column '{name}': empty; every row needs a time", name)
        return pd.Series(ts.dt.tz_convert("UTC").dt.as_unit("ns").array)
    if column.null_count == 0:
        try:  # Arrow's ISO 8601 parser (strict: an offset or Z required) over every string
            ns = _parsed_runs(column)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass  # checked string by string below, to name the first bad line
        else:
            return pd.Series(pd.DatetimeIndex(ns.view("datetime64[ns]")).tz_localize("UTC").array)
    codes, uniques = _dictionary(column)
    if required and (codes < 0).any():
        row = int(np.flatnonzero(codes < 0)[0])
        raise _refused(f"{where(row)}, column '{name}': empty; every row needs a time", name)
    text = np.array(uniques.to_pylist(), dtype=object)
    if len(text) == 0:
        return pd.Series(pd.DatetimeIndex([pd.NaT] * len(codes), tz="UTC").as_unit("ns"))
    strings = pd.Series(text, dtype=object).str.strip()
    iso = strings.str.match(_ISO).to_numpy(dtype=bool)
    offset = strings.str.contains(_OFFSET, regex=True).to_numpy(dtype=bool)
    parsed = pd.to_datetime(
        strings.where(iso & offset), format="ISO8601", utc=True, errors="coerce"
    )
    bad = np.flatnonzero(parsed.isna().to_numpy())
    if len(bad):
        k = int(bad[0])
        row = int(np.flatnonzero(codes == k)[0])
        reason = (
            "has no UTC offset (write e.g. 2026-06-03T04:00:00+08:00)"
            if iso[k] and not offset[k]
            else "is not an ISO 8601 time with offset (e.g. 2026-06-03T04:00:00+08:00)"
        )
        raise _refused(f"{where(row)}, column '{name}': {text[k]!r} {reason}", name, 1)
    values = pd.DatetimeIndex(parsed).as_unit("ns")
    out = values[np.maximum(codes, 0)]
    if (codes < 0).any():
        out = out.where(codes >= 0)
    return pd.Series(out.array)


def _parsed_runs(column: pa.ChunkedArray) -> np.ndarray:
    """A text column without an empty cell as UTC ns by Arrow's ISO 8601 parser, each run of
    equal strings parsed once (a file in time order repeats each time for every pollutant:
    0.55 ms against 1.0 ms for an outlet-year of six pollutants); raises the cast's error."""
    if column.type != pa.string():
        return column.cast(pa.timestamp("ns", tz="UTC")).cast(pa.int64()).to_numpy()
    parts = [np.zeros(0, dtype=np.int64)]
    for chunk in column.chunks:  # chunk by chunk: the text is not copied into one array first
        runs = pc.run_end_encode(chunk)
        ns = runs.values.cast(pa.timestamp("ns", tz="UTC")).cast(pa.int64()).to_numpy()
        parts.append(np.repeat(ns, np.diff(runs.run_ends.to_numpy(), prepend=0)))
    return np.concatenate(parts)


def _values(column: pa.ChunkedArray, where: Places) -> np.ndarray:
    """Values as float64, NaN where empty; a value that is not a finite number is refused."""
    if pa.types.is_floating(column.type) or pa.types.is_integer(column.type):
        values = column.to_numpy().astype("float64")
        _finite(values, pc.is_valid(column).to_numpy(zero_copy_only=False), values, where)
        return values
    strings = column.cast(pa.string())
    try:
        values = pc.cast(strings, pa.float64()).to_numpy(zero_copy_only=False).astype("float64")
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        values = None
    text = None
    if values is None:
        text = pd.Series(strings.to_pandas(), dtype=object)
        numbers = pd.to_numeric(text.str.strip(), errors="coerce")
        bad = numbers.isna() & text.notna() & (text.astype(str).str.strip() != "")
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise _refused(
                f"{where(row)}, column 'value': {text.iloc[row]!r} is not a number "
                "(use a decimal point, leave the cell empty when unknown)",
                "value",
            )
        values = numbers.to_numpy(dtype="float64")
        given = (text.notna() & (text.astype(str).str.strip() != "")).to_numpy()
    else:
        given = pc.is_valid(strings).to_numpy(zero_copy_only=False)
    _finite(values, given, strings, where)
    return values


def _finite(values: np.ndarray, given: np.ndarray, shown: Any, where: Places) -> None:
    """Refuse the first value written (``given``) that is not finite: inf, -inf, 1e999, nan."""
    bad = given & ~np.isfinite(values)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        text = shown[row].as_py() if isinstance(shown, pa.ChunkedArray) else shown[row]
        raise _refused(
            f"{where(row)}, column 'value': {str(text).strip()!r} is not a finite number; write "
            "the measured value, or leave the cell empty when it is unknown",
            "value",
            1,
        )


def _flags(column: pa.ChunkedArray, where: Places) -> pd.Categorical:
    """Flags as a categorical of :data:`FLAG_CODES`; an empty cell is unknown (missing), which
    detectors never count as valid (not N)."""
    fast = _one_letter_flags(column)
    if fast is not None:
        return categorical(fast, FLAG_CODES)
    codes, uniques = _dictionary(column)
    categories = [str(u).strip() for u in uniques.to_pylist()]
    unknown = [k for k, c in enumerate(categories) if c and c not in FLAG_CODES]
    if unknown:
        row = int(np.flatnonzero(np.isin(codes, unknown))[0])
        raise _refused(
            f"{where(row)}, column 'flag': unknown flag {categories[codes[row]]!r}; use one of "
            f"{' '.join(FLAG_CODES)}, or leave it empty when unknown",
            "flag",
        )
    mapping = np.array([FLAG_CODES.index(c) if c else -1 for c in categories] + [-1], np.int8)
    return categorical(mapping[codes], FLAG_CODES)


#: Each byte's code in :data:`FLAG_CODES` when it is a one-letter flag, else -1.
_FLAG_OF_BYTE: Final = np.full(256, -1, dtype=np.int8)
_FLAG_OF_BYTE[[ord(c) for c in FLAG_CODES]] = np.arange(len(FLAG_CODES), dtype=np.int8)


def _one_letter_flags(column: pa.ChunkedArray) -> np.ndarray | None:
    """`_flags`' codes when every cell is one of :data:`FLAG_CODES` as one byte (what files
    hold), read from Arrow's text buffers by a table of the 256 bytes (a tenth of dictionary
    encoding's time); None otherwise (an empty cell, text of another length, another letter):
    then `_flags` reads the column as it always did, and names the first bad line."""
    if column.type != pa.string() or column.null_count:
        return None
    parts = [np.zeros(0, dtype=np.int8)]
    for chunk in column.chunks:
        n = len(chunk)
        if not n:
            continue
        _, offsets_buffer, data_buffer = chunk.buffers()
        offsets = np.frombuffer(offsets_buffer, np.int32, n + 1, 4 * chunk.offset)
        first, last = int(offsets[0]), int(offsets[-1])
        if last - first != n or (np.diff(offsets) != 1).any():
            return None  # a cell that is not one byte
        codes = _FLAG_OF_BYTE[np.frombuffer(data_buffer, np.uint8, n, first)]
        if (codes < 0).any():
            return None
        parts.append(codes)
    return np.concatenate(parts)


def _one_row_per_key(frame: pd.DataFrame, where: Places) -> np.ndarray | None:
    """Rows to keep so that each key (mn, pollutant, kind, ts) is one reading: None when the keys
    are already unique; a later row identical to an earlier one is dropped; two rows of one key
    with different values or flags refuse the file, naming both lines."""
    found = repeated_keys(frame)
    if found is None:
        return None
    keep, conflict = found
    if conflict is not None:
        raise conflict_error(frame, *conflict, where)
    return keep


def series_codes(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The frame's keys as numbers: MN codes, times (ns), (pollutant, kind) codes. The codes
    are the categoricals' own (no Series made for them: 0.08 against 0.18 ms an outlet)."""
    mn, pol, kind = (np.asarray(frame[c].array.codes) for c in ("mn", "pollutant", "kind"))
    series = (pol.astype(np.int32) * (int(kind.max()) + 1) + kind).astype(np.int32)
    return mn, frame["ts"].array.asi8, series


def repeated_keys(frame: pd.DataFrame) -> tuple[np.ndarray, tuple[int, int] | None] | None:
    """None when every key (mn, pollutant, kind, ts) is one row; else the rows to keep (a later
    row identical to an earlier one dropped) and the first conflict met reading down (the rows
    of two different readings of one key), if any."""
    n = len(frame)
    if n < 2:
        return None
    mn, ts, series = series_codes(frame)
    # files come grouped by outlet in time order (pollutant after time, or time after pollutant):
    # a strictly increasing key in one of these orders has no repeat, checked in linear time
    if strictly_increasing(mn, ts, series) or strictly_increasing(mn, series, ts):
        return None
    group = mn.astype(np.int64) * (int(series.max()) + 1) + series
    rows = np.lexsort((ts, group))  # stable: rows of one key in file order
    same = (group[rows[1:]] == group[rows[:-1]]) & (ts[rows[1:]] == ts[rows[:-1]])
    if not same.any():
        return None
    first, second = rows[:-1][same], rows[1:][same]
    value = frame["value"].to_numpy()
    flag = frame["flag"].cat.codes.to_numpy()
    v1, v2 = value[first], value[second]
    equal = ((v1 == v2) | (np.isnan(v1) & np.isnan(v2))) & (flag[first] == flag[second])
    conflict = None
    if not equal.all():
        k = int(np.argmin(np.where(equal, n, second)))  # the conflict met first reading down
        conflict = int(first[k]), int(second[k])
    keep = np.ones(n, dtype=bool)
    keep[second] = False
    return keep, conflict


def conflict_error(frame: pd.DataFrame, a: int, b: int, where: Places) -> ReadingsFileError:
    """The error of rows ``a`` and ``b``: two different readings of one key."""
    value = frame["value"].to_numpy()
    stamp = frame["ts"].iloc[a].isoformat()
    return ReadingsFileError(
        f"{where.pair(a, b)}: two different readings of mn {frame['mn'].iloc[a]} "
        f"pollutant {frame['pollutant'].iloc[a]} kind {frame['kind'].iloc[a]} at {stamp} "
        f"(value {_shown(value[a])} flag {_shown(frame['flag'].iloc[a])}, then value "
        f"{_shown(value[b])} flag {_shown(frame['flag'].iloc[b])}); keep the right one and "
        "delete the other"
    )


def strictly_increasing(first: np.ndarray, second: np.ndarray, third: np.ndarray) -> bool:
    """Whether the rows are in strictly increasing order of (``first``, ``second``, ``third``):
    three differences and whole-array comparisons (no gathering), a pass over each column."""
    d1 = np.diff(first.astype(np.int32) if first.dtype.itemsize < 4 else first)
    if (d1 < 0).any():
        return False
    d2 = np.diff(second)
    tie = d1 == 0
    if (tie & (d2 < 0)).any():
        return False
    tie &= d2 == 0
    return not (tie & (np.diff(third) <= 0)).any()


def _shown(x: Any) -> str:
    return "empty" if pd.isna(x) else str(x)
