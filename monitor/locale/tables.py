"""Tables for people: the headers and values of every table, CSV and workbook a person reads,
in their language, in one place (the command line's ``--format table|csv|xlsx`` and the web
page's downloads).

Under a language other than English, headers come from the ``cli.col`` catalogue and the values
of enumerated columns (status, colour, category, severity, channel, role, kind, source, action,
outcome, yes/no) from theirs; English keeps the column keys. Times given as ISO strings are shown
as ``2026-12-02 20:00`` (already in the display zone: callers convert them); in workbooks they
are dates. JSON is for programs and does not come here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Final

from monitor.locale import lookup

__all__ = ["for_people", "people_header", "people_value"]

#: Catalogue prefixes of the enumerated values of a column, tried in order.
VALUES: Final[dict[str, tuple[str, ...]]] = {
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


def people_header(column: str, lang: str) -> str:
    """Column ``column``'s header in ``lang`` (English keeps the key, which is also the JSON key)."""
    if lang == "en":
        return column
    return lookup(f"cli.col.{column}", lang) or column


def people_value(column: str, value: Any, lang: str, *, workbook: bool = False) -> Any:
    """A value as people read it: enumerations in ``lang``, ISO times without the offset."""
    if isinstance(value, bool):
        return lookup("cli.yes" if value else "cli.no", lang) if lang != "en" else value
    if not isinstance(value, str):
        return value
    if lang != "en":
        for prefix in VALUES.get(column, ()):
            found = lookup(f"{prefix}.{value}", lang)
            if found is not None:
                return found
    m = _ISO_TIME.match(value)
    if m is not None:
        if workbook:
            return datetime.fromisoformat(f"{m.group(1)}T{m.group(2)}")
        return f"{m.group(1)} {m.group(2)}"
    return value


def for_people(
    rows: Sequence[Mapping[str, Any]], columns: Sequence[str], lang: str, *, workbook: bool = False
) -> tuple[list[str], list[dict[str, Any]]]:
    """Headers and rows of a table, CSV or workbook in ``lang``."""
    headers = [people_header(c, lang) for c in columns]
    out = [
        {
            h: people_value(c, r.get(c), lang, workbook=workbook)
            for c, h in zip(columns, headers, strict=True)
        }
        for r in rows
    ]
    return headers, out
