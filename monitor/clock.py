"""The one clock, the one parser of user-given times and the one way times are shown to people.

Every part of monitor that needs "now" calls :func:`now`, which takes the ``now`` (or ``at``)
argument its caller was given, so that a test or a replay can fix the time. Every time a person
types (``--from``/``--to``, ``--at``, a query parameter) goes through :func:`parse_time`, with one
rule for a date without a time:

- as a lower bound (``end=False``) it means the start of that day (local midnight in ``tz``);
- as an upper bound (``end=True``) it means the end of that day: the last microsecond before the
  next local midnight, so that ``ts <= bound`` includes the whole day.

A time without an offset is local to ``tz`` (the configured zone); a time with one keeps it. The
result is always an aware UTC :class:`datetime`. Tables people read show times with :func:`show`:
``2026-12-02 20:00`` in the configured zone, without an offset.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

__all__ = ["TICK", "TimeFormatError", "now", "parse_time", "show"]

#: The resolution of parsed times: a date alone as an upper bound is the next local midnight less
#: one tick, and an inclusive upper bound plus one tick is the exclusive stop of a query.
TICK = timedelta(microseconds=1)

_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class TimeFormatError(ValueError):
    """A user-given time that is not a date or an ISO 8601 time."""


def now(at: datetime | None = None) -> datetime:
    """The current time as aware UTC, or ``at`` (an injected "now") converted to UTC.

    A naive ``at`` is refused (``ValueError``): its zone would be the machine's, not ours."""
    if at is None:
        return datetime.now(UTC)
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"naive time {at!r}: give a timezone")
    return at.astimezone(UTC)


def parse_time(text: str, tz: str, *, end: bool) -> datetime:
    """A user-given date or ISO 8601 time as aware UTC; ``tz`` is the zone of a date or of a time
    without an offset, ``end`` says whether the value is an upper bound (see the module's rule).

    Raises :class:`TimeFormatError` (one line, with an example) for anything else."""
    raw = text.strip()
    zone = ZoneInfo(tz)
    if _DATE_ONLY.match(raw):
        try:
            day = datetime.strptime(raw, "%Y-%m-%d").date()
        except ValueError:
            raise _bad(text) from None
        if not end:
            return datetime.combine(day, time(), zone).astimezone(UTC)
        midnight = datetime.combine(day + timedelta(days=1), time(), zone)
        return midnight.astimezone(UTC) - TICK
    try:
        ts = datetime.fromisoformat(raw)
    except ValueError:
        raise _bad(text) from None
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=zone)
    return ts.astimezone(UTC)


def _bad(text: str) -> TimeFormatError:
    return TimeFormatError(
        f"{text!r} is not a date or time; write e.g. 2026-06-01 or 2026-06-01T08:00+08:00"
    )


def show(ts: datetime | None, tz: str) -> str:
    """``ts`` as people read it in a table: ``2026-12-02 20:00`` in zone ``tz`` ("" for None).

    A naive ``ts`` is taken as UTC (the store's convention)."""
    if ts is None:
        return ""
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=UTC)
    return ts.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")
