"""Inspection results and supervision findings: what enforcement found on site, in the score.

A result (:class:`~monitor.store.casework_models.ResultRow`) is either the result of a
double-random inspection visit (``source`` ``inspection``; ``period`` names the draw, and the
enterprise must have been drawn in it) or a finding of higher-level supervision (``supervision``;
``authority`` names who supervised). It records *no problem*, or a *problem* with its category (a
key of ``[scoring.results.categories]``), evidence, the fine imposed (yuan, 0 for none) and the
leniency facts ``minor``, ``unintentional`` (no intent or fault shown) and ``corrected``
(corrected in time).

Score (rules of :class:`monitor.casework.scoring.ScoringRules`, ``ref`` ``inspection:ID`` or
``supervision:ID``, at the time of the visit):

    points = (categories[category] + (penalty if fine > 0 else 0))
             x (supervision_factor if supervision else 1) x leniency

``leniency`` is the smallest factor of ``[scoring.results.leniency]`` whose conditions all hold,
``first`` holding when the enterprise has no other problem result (of either source) in the
``window_months`` before the visit (1 when none holds). A result with 0 points is recorded as
``lenient``. :func:`rectify` gives back ``restore_share`` of what the result still deducts (kind
``rectified``), once. A result with no problem records nothing in the ledger.

Spreadsheets (:func:`read_file`): CSV (UTF-8, with or without BOM) or ``.xlsx``, one result a row
under a header naming at least ``enterprise``, ``date`` and ``problem``; optional columns
``category``, ``evidence``, ``penalty``, ``minor``, ``unintentional``, ``corrected``, ``period``,
``authority``. Yes/no cells take ``yes``/``no``, ``true``/``false``, ``1``/``0``, ``是``/``否``
(empty: no). A bad row refuses the whole file with one line naming the file and line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Final
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from monitor import clock
from monitor.casework import scoring
from monitor.config import DEFAULT_TIMEZONE
from monitor.registry import enterprise_districts
from monitor.spreadsheets import SpreadsheetError, read_rows
from monitor.store.casework_models import InspectionAssignmentRow, InspectionDrawRow, ResultRow

__all__ = [
    "COLUMNS",
    "SOURCES",
    "ResultError",
    "ResultInput",
    "get_result",
    "list_results",
    "read_file",
    "record",
    "record_many",
    "rectify",
    "result_dict",
]

SOURCES: Final[tuple[str, ...]] = ("inspection", "supervision")
#: Columns of a results spreadsheet (the first three required).
COLUMNS: Final[tuple[str, ...]] = (
    "enterprise",
    "date",
    "problem",
    "category",
    "evidence",
    "penalty",
    "minor",
    "unintentional",
    "corrected",
    "period",
    "authority",
)
_YES: Final = {"yes", "y", "true", "1", "是", "x"}
_NO: Final = {"no", "n", "false", "0", "否", ""}


class ResultError(ValueError):
    """A result that cannot be recorded (the message names the row or option and the fix)."""


@dataclass(frozen=True)
class ResultInput:
    """One result to record (see the module docstring)."""

    source: str
    enterprise: str
    at: datetime
    problem: bool
    category: str | None = None
    evidence: str = ""
    penalty: float = 0.0
    minor: bool = False
    unintentional: bool = False
    corrected: bool = False
    period: str | None = None
    authority: str = ""


def _check(item: ResultInput, rules: scoring.ScoringRules, known: set[str] | None) -> None:
    if item.source not in SOURCES:
        raise ResultError(f"source {item.source!r}: one of {', '.join(SOURCES)}")
    if not item.enterprise.strip():
        raise ResultError("the enterprise is empty; give its registry id")
    if known is not None and item.enterprise not in known:
        raise ResultError(f"enterprise {item.enterprise} is not in the site registry")
    if item.problem:
        if item.category not in rules.result_points:
            raise ResultError(
                f"category {item.category!r}: a problem needs one of "
                f"{', '.join(sorted(rules.result_points))}"
            )
    elif item.category or item.penalty:
        raise ResultError("no problem found: leave category and penalty empty")
    if item.penalty < 0:
        raise ResultError(f"penalty {item.penalty:g}: the fine in yuan, 0 or more")


def _is_first(
    session: Session, enterprise: str, at: datetime, rules: scoring.ScoringRules, exclude: int
) -> bool:
    since = scoring.months_before(at, rules.window_months)
    q = sa.select(sa.func.count()).where(
        ResultRow.enterprise == enterprise,
        ResultRow.problem.is_(True),
        ResultRow.at > since,
        ResultRow.at <= at,
        ResultRow.id != exclude,
    )
    return not session.scalar(q)


def record(
    session: Session,
    item: ResultInput,
    who: str,
    *,
    rules: scoring.ScoringRules | None = None,
    registry: Any = None,
    now: datetime | None = None,
) -> ResultRow:
    """Store ``item`` and its score entry (rules in the module docstring). ``registry``, when
    given, must list the enterprise; an inspection with a ``period`` must match a recorded draw."""
    rules = rules or scoring.default_rules()
    if not who or not who.strip():
        raise ResultError("recording a result needs who records it (--who)")
    known = set(enterprise_districts(registry)) if registry is not None else None
    _check(item, rules, known)
    at = clock.now(item.at)
    if item.source == "inspection" and item.period:
        drawn = session.scalar(
            sa.select(sa.func.count())
            .select_from(InspectionAssignmentRow)
            .join(InspectionDrawRow, InspectionDrawRow.id == InspectionAssignmentRow.draw_id)
            .where(
                InspectionDrawRow.period == item.period,
                InspectionAssignmentRow.enterprise == item.enterprise,
            )
        )
        if not drawn:
            raise ResultError(
                f"{item.enterprise} was not drawn for {item.period}: check the period (see "
                "`monitor inspections draw`), or leave it empty for a visit outside the draw"
            )
    row = ResultRow(
        source=item.source,
        enterprise=item.enterprise.strip(),
        at=at,
        period=item.period or None,
        authority=item.authority.strip(),
        problem=item.problem,
        category=item.category if item.problem else None,
        evidence=item.evidence.strip(),
        penalty=float(item.penalty),
        minor=item.minor,
        unintentional=item.unintentional,
        corrected=item.corrected,
        who=who.strip(),
        recorded_at=clock.now(now),
    )
    session.add(row)
    session.flush()
    if item.problem:
        assert item.category is not None
        base = rules.result_points[item.category] + (rules.penalty_points if item.penalty else 0)
        if item.source == "supervision":
            base *= rules.supervision_factor
        facts = {
            name
            for name, holds in (
                ("first", _is_first(session, row.enterprise, at, rules, row.id)),
                ("minor", item.minor),
                ("unintentional", item.unintentional),
                ("corrected", item.corrected),
            )
            if holds
        }
        factor = rules.leniency_factor(facts)
        points = round(base * factor, 3)
        rule = f"{item.source}:{item.category}"
        if factor < 1:
            rule += f" x{factor:g} ({'+'.join(sorted(facts))})"
        scoring.record_source(
            session,
            row.enterprise,
            f"{item.source}:{row.id}",
            at,
            points,
            "lenient" if points == 0 else item.source,
            rule[:100],
            f"{item.source} #{row.id}: {item.category}",
            row.who,
        )
    return row


def record_many(
    session: Session,
    items: Sequence[tuple[int, ResultInput]],
    who: str,
    *,
    where: str = "",
    rules: scoring.ScoringRules | None = None,
    registry: Any = None,
) -> list[ResultRow]:
    """Record ``(line, item)`` pairs in time order; a refused one raises :class:`ResultError`
    naming ``where`` and its line (the caller's transaction then records none)."""
    out = []
    for line, item in sorted(items, key=lambda p: (p[1].at, p[0])):
        try:
            out.append(record(session, item, who, rules=rules, registry=registry))
        except ResultError as exc:
            raise ResultError(f"{where}: line {line}: {exc}; nothing was recorded") from None
    return out


def get_result(session: Session, result_id: int) -> ResultRow:
    row = session.get(ResultRow, result_id)
    if row is None:
        raise ResultError(f"no result #{result_id}: see `monitor results list`")
    return row


def rectify(
    session: Session,
    result_id: int,
    who: str,
    *,
    note: str = "",
    at: datetime | None = None,
    rules: scoring.ScoringRules | None = None,
) -> float:
    """Record that the problem of ``result_id`` was rectified: ``restore_share`` of what it still
    deducts is given back (once). Returns the points given back."""
    row = get_result(session, result_id)
    if not row.problem:
        raise ResultError(f"result #{result_id} found no problem: nothing to rectify")
    if row.rectified_at is not None:
        raise ResultError(
            f"result #{result_id} was already rectified on {row.rectified_at:%Y-%m-%d}"
        )
    when = clock.now(at)
    if when < row.at:
        raise ResultError(
            f"rectified at {when.isoformat()} is before the visit ({row.at.isoformat()})"
        )
    row.rectified_at = when
    ref = f"{row.source}:{row.id}"
    share = (rules or scoring.default_rules()).restore_share
    owed = scoring.source_points(session, ref)
    back = round(-owed * share, 3)
    if back:
        scoring.record_source(
            session,
            row.enterprise,
            ref,
            row.at,
            back,
            "rectified",
            f"rectified:{share:g}",
            f"{row.source} #{row.id} rectified" + (f": {note.strip()}" if note.strip() else ""),
            who.strip() or "system",
        )
    session.flush()
    return back


def list_results(
    session: Session, *, source: str | None = None, enterprise: str | None = None
) -> list[ResultRow]:
    """Results, newest first."""
    q = sa.select(ResultRow)
    if source is not None:
        q = q.where(ResultRow.source == source)
    if enterprise is not None:
        q = q.where(ResultRow.enterprise == enterprise)
    return list(session.scalars(q.order_by(ResultRow.at.desc(), ResultRow.id.desc())))


def result_dict(
    row: ResultRow, *, tz: str = DEFAULT_TIMEZONE, points: float | None = None
) -> dict[str, Any]:
    """A result as plain data (times in ``tz``); ``points`` what it deducts now when given."""

    def show(ts: datetime | None) -> str | None:
        return None if ts is None else ts.astimezone(ZoneInfo(tz)).isoformat(timespec="seconds")

    out: dict[str, Any] = {
        "id": row.id,
        "source": row.source,
        "enterprise": row.enterprise,
        "at": show(row.at),
        "period": row.period,
        "authority": row.authority,
        "problem": row.problem,
        "category": row.category,
        "evidence": row.evidence,
        "penalty": row.penalty,
        "minor": row.minor,
        "unintentional": row.unintentional,
        "corrected": row.corrected,
        "rectified": show(row.rectified_at),
        "who": row.who,
    }
    if points is not None:
        out["points"] = points
    return out


# -- spreadsheets ---------------------------------------------------------------------------------


def _yes(value: str, column: str) -> bool:
    v = value.strip().lower()
    if v in _YES:
        return True
    if v in _NO:
        return False
    raise ResultError(f"column {column}: {value!r} is not yes or no")


def parse_row(
    cells: Mapping[str, str], source: str, tz: str, *, default_authority: str = ""
) -> ResultInput:
    """One spreadsheet row as a :class:`ResultInput` (:class:`ResultError` naming the column)."""
    enterprise = cells.get("enterprise", "").strip()
    if not enterprise:
        raise ResultError("column enterprise is empty")
    try:
        at = clock.parse_time(cells.get("date", ""), tz, end=False)
    except clock.TimeFormatError as exc:
        raise ResultError(f"column date: {exc}") from None
    penalty_text = cells.get("penalty", "").strip() or "0"
    try:
        penalty = float(penalty_text)
    except ValueError:
        raise ResultError(f"column penalty: {penalty_text!r} is not a number of yuan") from None
    return ResultInput(
        source=source,
        enterprise=enterprise,
        at=at,
        problem=_yes(cells.get("problem", ""), "problem"),
        category=cells.get("category", "").strip() or None,
        evidence=cells.get("evidence", ""),
        penalty=penalty,
        minor=_yes(cells.get("minor", ""), "minor"),
        unintentional=_yes(cells.get("unintentional", ""), "unintentional"),
        corrected=_yes(cells.get("corrected", ""), "corrected"),
        period=cells.get("period", "").strip() or None,
        authority=cells.get("authority", "").strip() or default_authority,
    )


def read_file(
    path: str | Path,
    source: str,
    *,
    tz: str = DEFAULT_TIMEZONE,
    rules: scoring.ScoringRules | None = None,
    registry: Any = None,
    authority: str = "",
) -> list[tuple[int, ResultInput]]:
    """Every row of a results spreadsheet, checked; the first bad row raises :class:`ResultError`
    naming the file and line."""
    rules = rules or scoring.default_rules()
    known = set(enterprise_districts(registry)) if registry is not None else None
    out = []
    try:
        for line, cells in read_rows(path, required=COLUMNS[:3]):
            try:
                item = parse_row(cells, source, tz, default_authority=authority)
                _check(item, rules, known)
            except ResultError as exc:
                raise ResultError(f"{path}: line {line}: {exc}; nothing was recorded") from None
            out.append((line, item))
    except SpreadsheetError as exc:
        raise ResultError(str(exc)) from None
    if not out:
        raise ResultError(f"{path}: no results under the header; one result a row")
    return out


def points_of(session: Session, rows: Iterable[ResultRow]) -> dict[int, float]:
    """What each result deducts now (its ledger entries netted)."""
    return {r.id: scoring.source_points(session, f"{r.source}:{r.id}") for r in rows}
