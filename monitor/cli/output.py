"""Shared ``--format table|json|csv|xlsx`` output for the ``monitor`` commands.

- ``table``: aligned columns for a terminal (wide CJK characters count as two cells); lists are
  joined with ``, ``, nested tables shown as compact JSON;
- ``json``: a JSON array of objects (or one object), UTF-8, indented;
- ``csv``: a header and one line per row; lists and nested tables as JSON text; UTF-8 with a
  byte-order mark, so Excel on Chinese Windows opens it right (:mod:`monitor.spreadsheets`);
- ``xlsx``: an Excel workbook on stdout (redirect it: ``> leads.xlsx``), one sheet named after
  the command, the header frozen (:func:`monitor.spreadsheets.xlsx_bytes`).

Language: tables, CSV and workbooks are for people, in the command's language (its resolved
configuration: :func:`set_language`, called by :func:`monitor.cli.options.open_casework`), by the
rule the web page's downloads follow too (:mod:`monitor.locale.tables`: headers and enumerated
values from the catalogues, ISO times as ``2026-12-02 20:00``, dates in workbooks); a command's
one-line confirmations come from the ``cli.say`` catalogue (:func:`say`). JSON is for programs:
keys, values and ISO times stay as they are.

Usage::

    @click.command()
    @format_option
    def cmd(fmt: str) -> None:
        emit(rows, fmt, columns=["enterprise", "score", "colour"])
"""

from __future__ import annotations

import json
import sys
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, TypeVar

import click

from monitor.locale import lookup, text
from monitor.locale.tables import for_people, people_header, people_value
from monitor.spreadsheets import csv_bytes, xlsx_bytes

__all__ = ["FORMATS", "emit", "emit_one", "format_option", "say", "set_language", "shown"]

FORMATS: Final[tuple[str, ...]] = ("table", "json", "csv", "xlsx")
F = TypeVar("F", bound=Callable[..., Any])

_LANG_KEY: Final = "monitor.lang"


def set_language(lang: str) -> None:
    """The language of the current command's tables (see the module docstring)."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None:
        ctx.find_root().meta[_LANG_KEY] = lang


def _language() -> str:
    ctx = click.get_current_context(silent=True)
    return str(ctx.find_root().meta.get(_LANG_KEY, "en")) if ctx is not None else "en"


def say(msgid: str, /, **params: Any) -> None:
    """One line for people (a command's confirmation or summary): message ``cli.say.<msgid>`` in
    the command's language; give enumerated values through :func:`shown`."""
    click.echo(text(f"cli.say.{msgid}", _language(), **params))


def shown(column: str, value: Any) -> str:
    """``value`` of the enumerated ``column`` (status, source, ...) as the command's tables show it."""
    return str(people_value(column, value, _language()))


def format_option(f: F) -> F:
    """Add ``--format table|json|csv|xlsx`` (default table), passed as ``fmt``."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="table",
        show_default=True,
        help="Output format.",
    )(f)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | tuple):
        return ", ".join(_cell(v) for v in value)
    if isinstance(value, Mapping):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> str:
    """Rows as aligned text columns under a header."""
    cells = [[_cell(r.get(c)).replace("\n", " ") for c in columns] for r in rows]
    widths = [max([_width(c), *(_width(row[i]) for row in cells)]) for i, c in enumerate(columns)]
    lines = ["  ".join(_pad(c, w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines += [
        "  ".join(_pad(v, w) for v, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    return "\n".join(lines)


def emit(
    rows: Sequence[Mapping[str, Any]],
    fmt: str,
    columns: Sequence[str] | None = None,
    *,
    empty: str = "(none)",
) -> None:
    """Print ``rows`` in ``fmt``; ``columns`` (default: keys of the first row) pick and order the
    table and CSV columns; JSON keeps every key."""
    if fmt == "json":
        click.echo(json.dumps(list(rows), ensure_ascii=False, indent=2, default=str))
        return
    columns = list(columns or (list(rows[0]) if rows else []))
    lang = _language()
    if fmt == "csv":
        headers, shown = for_people(rows, columns, lang)
        _binary(csv_bytes(shown, headers))
        return
    if fmt == "xlsx":
        if sys.stdout.isatty():
            raise click.UsageError("--format xlsx writes a workbook: redirect it, e.g. > out.xlsx")
        ctx = click.get_current_context(silent=True)
        sheet = " ".join(ctx.command_path.split()[1:]) if ctx else ""  # "leads list"
        headers, shown = for_people(rows, columns, lang, workbook=True)
        _binary(xlsx_bytes({sheet or "monitor": (headers, shown)}))
        return
    if not rows:
        click.echo(empty if lang == "en" else lookup("cli.empty", lang))
        return
    headers, shown = for_people(rows, columns, lang)
    click.echo(table(shown, headers))


def _binary(data: bytes) -> None:
    """Write ``data`` to stdout as bytes (click's test runner gives a text stream a buffer too)."""
    sys.stdout.flush()
    out = getattr(sys.stdout, "buffer", None)
    if out is None:
        sys.stdout.write(data.decode("utf-8"))
    else:
        out.write(data)
        out.flush()


def emit_one(record: Mapping[str, Any], fmt: str, sections: Sequence[str] = ()) -> None:
    """Print one record: JSON object, CSV of its scalar fields, or ``key: value`` lines followed by
    each of ``sections`` (lists of rows) as a table."""
    if fmt == "json":
        click.echo(json.dumps(record, ensure_ascii=False, indent=2, default=str))
        return
    scalars = {k: v for k, v in record.items() if k not in sections}
    if fmt in ("csv", "xlsx"):
        emit([scalars], fmt)
        return
    lang = _language()
    shown = {people_header(k, lang): people_value(k, v, lang) for k, v in scalars.items()}
    width = max(_width(k) for k in shown)
    for k, v in shown.items():
        click.echo(f"{_pad(k, width)}  {_cell(v)}")
    for name in sections:
        rows = record.get(name) or []
        click.echo(f"\n{people_header(name, lang)}:")
        emit(rows, "table")
