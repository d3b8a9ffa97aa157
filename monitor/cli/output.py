"""Shared ``--format table|json|csv|xlsx`` output for the ``monitor`` commands.

- ``table``: aligned columns for a terminal (wide CJK characters count as two cells); lists are
  joined with ``, ``, nested tables shown as compact JSON;
- ``json``: a JSON array of objects (or one object), UTF-8, indented;
- ``csv``: a header and one line per row; lists and nested tables as JSON text; UTF-8 with a
  byte-order mark, so Excel on Chinese Windows opens it right (:mod:`monitor.spreadsheets`);
- ``xlsx``: an Excel workbook on stdout (redirect it: ``> leads.xlsx``), one sheet named after
  the command, the header frozen (:func:`monitor.spreadsheets.xlsx_bytes`).

Language: tables, CSV and workbooks are for people. Under ``lang = "zh"`` (the command's resolved
configuration: :func:`set_language`, called by :func:`monitor.cli.options.open_casework`) their
headers come from the ``cli.col`` catalogue and the values of enumerated columns (status, colour,
category, severity, channel, role, kind, yes/no) from theirs; English tables keep the column
keys. Times given as ISO strings are shown as ``2026-12-02 20:00`` (already in the configured
zone: the commands convert them); in workbooks they are Excel dates. JSON is for programs: keys,
values and ISO times stay as they are.

Usage::

    @click.command()
    @format_option
    def cmd(fmt: str) -> None:
        emit(rows, fmt, columns=["enterprise", "score", "colour"])
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, Final, TypeVar

import click

from monitor.locale import lookup, text
from monitor.spreadsheets import csv_bytes, xlsx_bytes

__all__ = ["FORMATS", "emit", "emit_one", "format_option", "say", "set_language", "shown"]

FORMATS: Final[tuple[str, ...]] = ("table", "json", "csv", "xlsx")
F = TypeVar("F", bound=Callable[..., Any])

_LANG_KEY: Final = "monitor.lang"
#: Catalogue prefixes of the enumerated values of a column, tried in order.
_VALUES: Final[dict[str, tuple[str, ...]]] = {
    "status": ("lead.status", "complaint.status", "alert.status"),
    "colour": ("colour",),
    "category": ("category",),
    "severity": ("severity",),
    "channel": ("complaint.channel",),
    "role": ("web.role",),
    "kind": ("score.kind",),
    "source": ("source",),
    "action": ("web.audit.action",),
    "analyser_from": ("comparison.from",),
    "outcome": ("web.audit.outcome",),
}
_ISO_TIME: Final = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?$"
)


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
    return str(_shown(column, value, _language()))


def _header(column: str, lang: str) -> str:
    if lang == "en":
        return column
    return lookup(f"cli.col.{column}", lang) or column


def _shown(column: str, value: Any, lang: str, *, workbook: bool = False) -> Any:
    """A value as people read it: enumerations in ``lang``, ISO times without the offset."""
    if isinstance(value, bool):
        return lookup("cli.yes" if value else "cli.no", lang) if lang != "en" else value
    if not isinstance(value, str):
        return value
    if lang != "en":
        for prefix in _VALUES.get(column, ()):
            found = lookup(f"{prefix}.{value}", lang)
            if found is not None:
                return found
    m = _ISO_TIME.match(value)
    if m is not None:
        if workbook:
            return datetime.fromisoformat(f"{m.group(1)}T{m.group(2)}")
        return f"{m.group(1)} {m.group(2)}"
    return value


def _for_people(
    rows: Sequence[Mapping[str, Any]], columns: Sequence[str], lang: str, *, workbook: bool = False
) -> tuple[list[str], list[dict[str, Any]]]:
    """Headers and rows of a table, CSV or workbook in ``lang``."""
    headers = [_header(c, lang) for c in columns]
    out = [
        {
            h: _shown(c, r.get(c), lang, workbook=workbook)
            for c, h in zip(columns, headers, strict=True)
        }
        for r in rows
    ]
    return headers, out


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
        headers, shown = _for_people(rows, columns, lang)
        _binary(csv_bytes(shown, headers))
        return
    if fmt == "xlsx":
        if sys.stdout.isatty():
            raise click.UsageError("--format xlsx writes a workbook: redirect it, e.g. > out.xlsx")
        ctx = click.get_current_context(silent=True)
        sheet = " ".join(ctx.command_path.split()[1:]) if ctx else ""  # "leads list"
        headers, shown = _for_people(rows, columns, lang, workbook=True)
        _binary(xlsx_bytes({sheet or "monitor": (headers, shown)}))
        return
    if not rows:
        click.echo(empty if lang == "en" else lookup("cli.empty", lang))
        return
    headers, shown = _for_people(rows, columns, lang)
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
    shown = {_header(k, lang): _shown(k, v, lang) for k, v in scalars.items()}
    width = max(_width(k) for k in shown)
    for k, v in shown.items():
        click.echo(f"{_pad(k, width)}  {_cell(v)}")
    for name in sections:
        rows = record.get(name) or []
        click.echo(f"\n{_header(name, lang)}:")
        emit(rows, "table")
