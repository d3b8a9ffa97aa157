"""Inspection verdicts in bulk: a CSV or .xlsx file of ``lead, verdict, who, when, note`` rows.

Each row moves its lead through the same lifecycle and audit trail as the one-by-one commands
(:func:`monitor.casework.leads.act`): an open lead is assigned to ``who``, an assigned one
inspected, then confirmed or dismissed, each step at ``when``. The file is one transaction: a
wrong row (unknown lead, a verdict other than confirmed/dismissed, an empty ``who``, a bad time, a
lead already decided, a lead twice) refuses the whole file with :class:`VerdictFileError` naming
the row (the header is row 1, as a spreadsheet shows it).

Headers (first row, any order, case-insensitive): ``lead`` (or ``lead_id``, ``id``, 线索),
``verdict`` (结论), ``who`` (核查人), ``when`` (时间), ``note`` (备注, optional). Verdicts:
``confirmed``/``confirm``/确认/已确认 or ``dismissed``/``dismiss``/排除/已排除.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Final

import pandas as pd
from sqlalchemy.orm import Session

from monitor.casework import leads as L
from monitor.casework.scoring import ScoringRules
from monitor.locale import text
from monitor.spreadsheets import SpreadsheetError, read_rows

__all__ = ["Verdict", "VerdictFileError", "import_verdicts", "read_verdicts"]

COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "lead": ("lead", "lead_id", "id", "线索", "线索编号"),
    "verdict": ("verdict", "outcome", "结论", "核查结论"),
    "who": ("who", "inspector", "核查人", "核查人员"),
    "when": ("when", "at", "time", "时间", "核查时间"),
    "note": ("note", "notes", "备注", "说明"),
}
VERDICTS: Final[dict[str, str]] = {
    "confirmed": "confirm",
    "confirm": "confirm",
    "确认": "confirm",
    "已确认": "confirm",
    "dismissed": "dismiss",
    "dismiss": "dismiss",
    "排除": "dismiss",
    "已排除": "dismiss",
}


class VerdictFileError(ValueError):
    """A verdict file that cannot be recorded; the message names the file and row."""


@dataclass(frozen=True, slots=True)
class Verdict:
    row: int
    lead_id: int
    action: str  # confirm | dismiss
    who: str
    at: datetime
    note: str


def _cell(v: Any) -> str:
    return "" if v is None else str(v).strip()


def read_verdicts(path: str | Path, *, tz: str, lang: str = "en") -> list[Verdict]:
    """The verdicts of ``path`` (CSV or .xlsx, read by :func:`monitor.spreadsheets.read_rows`:
    row numbers are the lines a person sees), checked row by row; naive times are in ``tz``."""
    path = Path(path)
    try:
        numbered = [(n, {k.lower(): v for k, v in row.items()}) for n, row in read_rows(path)]
    except SpreadsheetError as exc:
        raise VerdictFileError(str(exc)) from None
    if not numbered:
        raise VerdictFileError(text("triage.verdicts_empty", lang, path=path))
    header = list(numbered[0][1])
    where: dict[str, str] = {}
    for key, names in COLUMNS.items():
        for h in header:
            if h in names:
                where.setdefault(key, h)
    missing = [k for k in ("lead", "verdict", "who", "when") if k not in where]
    if missing:
        raise VerdictFileError(
            text("triage.verdicts_columns", lang, path=path, missing=", ".join(missing))
        )
    out: list[Verdict] = []
    first: dict[int, int] = {}
    for n, raw in numbered:

        def get(key: str, raw: dict[str, str] = raw) -> Any:
            column = where.get(key)
            return raw.get(column) if column is not None else None

        def fail(problem: str, n: int = n) -> VerdictFileError:
            return VerdictFileError(
                text("triage.verdicts_row", lang, path=path, row=n, problem=problem)
            )

        lead_raw = _cell(get("lead")).lstrip("#")
        try:
            lead_id = int(float(lead_raw)) if lead_raw else -1
        except ValueError:
            lead_id = -1
        if lead_id < 1:
            raise fail(text("triage.bad_lead", lang, value=_cell(get("lead"))))
        action = VERDICTS.get(_cell(get("verdict")).lower())
        if action is None:
            raise fail(text("triage.bad_verdict", lang, value=_cell(get("verdict"))))
        who = _cell(get("who"))
        if not who:
            raise fail(text("triage.bad_who", lang))
        when = get("when")
        try:
            ts = pd.Timestamp(when) if not isinstance(when, str) else pd.Timestamp(when.strip())
            if pd.isna(ts):
                raise ValueError
        except (ValueError, TypeError):
            raise fail(text("triage.bad_when", lang, value=_cell(when))) from None
        ts = ts.tz_localize(tz) if ts.tzinfo is None else ts
        if lead_id in first:
            raise fail(text("triage.duplicate", lang, id=lead_id, first=first[lead_id]))
        first[lead_id] = n
        at = ts.tz_convert("UTC").to_pydatetime()
        out.append(Verdict(n, lead_id, action, who, at, _cell(get("note"))))
    return out


def import_verdicts(
    session: Session,
    path: str | Path,
    *,
    tz: str,
    lang: str = "en",
    rules: ScoringRules | None = None,
) -> list[Verdict]:
    """Record every verdict of ``path`` through the lead lifecycle (module docstring); any wrong
    row raises :class:`VerdictFileError` and the caller's transaction must be rolled back."""
    verdicts = read_verdicts(path, tz=tz, lang=lang)
    for v in verdicts:
        try:
            lead = L.get_lead(session, v.lead_id)
            if lead.status == "open":
                L.act(session, v.lead_id, "assign", v.who, v.note, now=v.at)
            if lead.status == "assigned":
                L.act(session, v.lead_id, "inspect", v.who, v.note, now=v.at)
            L.act(session, v.lead_id, v.action, v.who, v.note, rules=rules, now=v.at)
        except L.LeadError as exc:
            raise VerdictFileError(
                text("triage.verdicts_row", lang, path=path, row=v.row, problem=str(exc))
            ) from None
    return verdicts
