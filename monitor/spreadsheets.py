"""Tables people open in a spreadsheet: CSV and Excel out, CSV and Excel in. One rule, one place.

Out:

- CSV is UTF-8 **with a byte-order mark** (:data:`CSV_ENCODING`): Excel on Chinese Windows reads a
  file without one in the local code page (GBK) and shows Chinese as garbage. Every CSV a person
  opens (``--format csv``, the web page's downloads, published lists) goes through
  :func:`csv_bytes` / :func:`write_csv`.
- ``.xlsx`` (openpyxl): one sheet per table, the header row frozen and bold, column widths from
  the content (wide CJK characters count twice), times as Excel dates in the configured zone
  (Excel has no time zones: the zone is named in the header), numbers as numbers, lists and
  tables as JSON text.

In: :func:`read_rows` reads a CSV (with or without BOM) or the first sheet of an ``.xlsx`` into
``(line, {column: text})`` pairs, ``line`` being the file line or sheet row a person sees, so a
caller can refuse a bad row with one line naming it.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, Final
from zoneinfo import ZoneInfo

__all__ = [
    "CSV_ENCODING",
    "XLSX_MAX_ROWS",
    "XLSX_MEDIA",
    "SpreadsheetError",
    "XlsxStream",
    "csv_bytes",
    "read_rows",
    "write_csv",
    "xlsx_bytes",
]

#: UTF-8 with BOM: the encoding of every CSV written for people.
CSV_ENCODING: Final = "utf-8-sig"
#: The media type of an ``.xlsx`` download.
XLSX_MEDIA: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Rows of data an Excel sheet holds below its header row (Excel's limit is 1,048,576 rows).
XLSX_MAX_ROWS: Final = 1_048_575
_MAX_WIDTH: Final = 60
_DATE_FORMAT: Final = "yyyy-mm-dd hh:mm"


class SpreadsheetError(ValueError):
    """A spreadsheet that cannot be read; the message names the file (and row) and the fix."""


def _text(value: Any) -> Any:
    """A CSV cell: lists and tables as compact JSON, None as empty, the rest as is."""
    if value is None:
        return ""
    if isinstance(value, list | tuple | Mapping):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    return value


def csv_bytes(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> bytes:
    """``rows`` as CSV bytes in :data:`CSV_ENCODING` under a header of ``columns``."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(columns)
    for r in rows:
        w.writerow([_text(r.get(c)) for c in columns])
    return buf.getvalue().encode(CSV_ENCODING)


def write_csv(path: str | Path, rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> None:
    """Write ``rows`` to ``path`` as :func:`csv_bytes` does."""
    Path(path).write_bytes(csv_bytes(rows, columns))


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell(value: Any, zone: ZoneInfo | None) -> Any:
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(zone) if zone is not None else value
            value = value.replace(tzinfo=None)
        return value
    if isinstance(value, bool | int | float | date | str):
        return value
    return _text(value)


def xlsx_bytes(
    sheets: Mapping[str, tuple[Sequence[str], Sequence[Mapping[str, Any]]]],
    *,
    timezone: str | None = None,
) -> bytes:
    """An Excel workbook with one sheet per ``name -> (columns, rows)``.

    Aware datetimes are shown in ``timezone`` (else as given) as Excel dates; the header row is
    frozen, bold and filtered; widths follow the longest cell (at most 60 characters)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    zone = ZoneInfo(timezone) if timezone else None
    book = Workbook()
    book.remove(book.active)
    for name, (columns, rows) in sheets.items():
        sheet = book.create_sheet(title=name[:31])  # Excel's limit for a sheet name
        sheet.append(list(columns))
        widths = [_width(str(c)) for c in columns]
        for r in rows:
            cells = [_cell(r.get(c), zone) for c in columns]
            sheet.append(cells)
            for i, v in enumerate(cells):
                shown = 16 if isinstance(v, datetime) else _width(str(v)) if v is not None else 0
                widths[i] = max(widths[i], shown)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for i, w in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = min(w + 2, _MAX_WIDTH)
        for column in sheet.iter_cols(min_row=2):
            for cell in column:
                if isinstance(cell.value, datetime):
                    cell.number_format = _DATE_FORMAT
        sheet.freeze_panes = "A2"
        if rows:
            sheet.auto_filter.ref = sheet.dimensions
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


class XlsxStream:
    """An ``.xlsx`` workbook of one sheet written row by row (openpyxl's write-only mode: memory
    does not grow with the rows), for tables too long to hold, such as readings exports. The
    header is bold and frozen; ``widths`` (characters) per column; datetimes are Excel dates
    (naive: give them in the zone the header names). More than :data:`XLSX_MAX_ROWS` rows raise
    :class:`SpreadsheetError` (Excel would not open the file). Use it as a context manager."""

    def __init__(
        self, path: str | Path, sheet: str, columns: Sequence[str], widths: Sequence[int] = ()
    ) -> None:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        self.path = Path(path)
        self.rows = 0
        self._book = Workbook(write_only=True)
        self._sheet = self._book.create_sheet(title=sheet[:31])
        for i, w in enumerate(widths, start=1):
            self._sheet.column_dimensions[get_column_letter(i)].width = min(w + 2, _MAX_WIDTH)
        self._sheet.freeze_panes = "A2"
        header = []
        for name in columns:
            cell = WriteOnlyCell(self._sheet, value=name)
            cell.font = Font(bold=True)
            header.append(cell)
        self._sheet.append(header)

    def append(self, rows: Iterator[Sequence[Any]] | Sequence[Sequence[Any]]) -> int:
        """Write ``rows`` (values in column order); returns how many were written."""
        n = 0
        append = self._sheet.append
        for row in rows:
            if self.rows >= XLSX_MAX_ROWS:
                raise SpreadsheetError(
                    f"{self.path}: more than Excel's {XLSX_MAX_ROWS:,} rows a sheet"
                )
            append(row)
            self.rows += 1
            n += 1
        return n

    def close(self) -> None:
        """Write the workbook to ``path``."""
        if self._book is not None:
            self._book.save(self.path)
            self._book = None  # type: ignore[assignment]

    def __enter__(self) -> XlsxStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_rows(
    path: str | Path, *, required: Sequence[str] = ()
) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows of a CSV or ``.xlsx`` file as ``(line, {header: text})``; empty rows are skipped.

    Headers are stripped; cells come back as text (numbers as written, dates as ISO), empty cells
    as "". Raises :class:`SpreadsheetError` for an unreadable file or a missing ``required``
    column (one line naming the file and the fix)."""
    path = Path(path)
    if not path.is_file():
        raise SpreadsheetError(f"{path}: no such file; check the path")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        rows = _xlsx_rows(path)
    else:
        try:
            text = path.read_bytes().decode(CSV_ENCODING)
        except UnicodeDecodeError:
            raise SpreadsheetError(
                f"{path}: not UTF-8 text; save it as CSV UTF-8 (Excel: 'CSV UTF-8') or as .xlsx"
            ) from None
        rows = ((n, row) for n, row in enumerate(csv.reader(io.StringIO(text)), start=1))
    header: list[str] | None = None
    for line, row in rows:
        if header is None:
            header = [h.strip() for h in row]
            missing = [c for c in required if c not in header]
            if missing:
                raise SpreadsheetError(
                    f"{path}: line {line}: missing column(s) {', '.join(missing)}; the header "
                    f"must name {', '.join(required)}"
                )
            continue
        if not any(cell.strip() for cell in row):
            continue
        cells = [*row, *[""] * (len(header) - len(row))]
        yield line, {h: cells[i].strip() for i, h in enumerate(header) if h}
    if header is None:
        raise SpreadsheetError(f"{path}: empty file; the first line must be the header")


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several kinds for a file that is not a workbook
        raise SpreadsheetError(
            f"{path}: not an Excel workbook ({type(exc).__name__}); save it as .xlsx"
        ) from None
    try:
        sheet = book.worksheets[0]
        for n, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield n, [_as_text(v) for v in values]
    finally:
        book.close()


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes" if value.second == 0 else "seconds")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
