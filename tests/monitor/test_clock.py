"""monitor.clock: the one "now" and the one rule for user-given times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import click
import pytest

from monitor import clock
from monitor.cli.options import parse_time as cli_parse_time

SH = "Asia/Shanghai"


def test_now_is_aware_utc() -> None:
    t = clock.now()
    assert t.tzinfo is UTC
    assert abs(t - datetime.now(UTC)) < timedelta(seconds=5)


def test_injected_now_is_converted_to_utc() -> None:
    at = datetime(2026, 6, 1, 8, 0, tzinfo=timezone(timedelta(hours=8)))
    assert clock.now(at) == datetime(2026, 6, 1, 0, 0, tzinfo=UTC)
    assert clock.now(at).tzinfo is UTC


def test_naive_injected_now_is_refused() -> None:
    with pytest.raises(ValueError, match="naive time"):
        clock.now(datetime(2026, 6, 1, 8, 0))


def test_date_as_lower_bound_is_local_midnight() -> None:
    assert clock.parse_time("2026-06-01", SH, end=False) == datetime(2026, 5, 31, 16, tzinfo=UTC)


def test_date_as_upper_bound_is_the_last_microsecond_of_the_day() -> None:
    got = clock.parse_time("2026-06-01", SH, end=True)
    assert got == datetime(2026, 6, 1, 15, 59, 59, 999_999, tzinfo=UTC)
    assert got + clock.TICK == datetime(2026, 6, 1, 16, tzinfo=UTC)


def test_upper_bound_of_a_short_day_ends_at_the_next_local_midnight() -> None:
    # 2026-03-08 has 23 hours in New York (clocks go forward): the day ends at 04:00 UTC, not 05:00
    got = clock.parse_time("2026-03-08", "America/New_York", end=True)
    assert got + clock.TICK == datetime(2026, 3, 9, 4, tzinfo=UTC)


def test_time_without_offset_is_local_and_with_offset_kept() -> None:
    want = datetime(2026, 6, 1, 0, 0, tzinfo=UTC)
    assert clock.parse_time("2026-06-01T08:00", SH, end=True) == want
    assert clock.parse_time("2026-06-01 08:00", SH, end=False) == want
    assert clock.parse_time("2026-06-01T02:00+02:00", SH, end=True) == want


def test_bad_time_is_one_line_with_an_example() -> None:
    with pytest.raises(clock.TimeFormatError) as e:
        clock.parse_time("June 1st", SH, end=False)
    assert str(e.value) == (
        "'June 1st' is not a date or time; write e.g. 2026-06-01 or 2026-06-01T08:00+08:00"
    )
    with pytest.raises(clock.TimeFormatError):
        clock.parse_time("2026-02-30", SH, end=True)


def test_cli_parser_follows_the_same_rule() -> None:
    assert cli_parse_time(None, SH, end=True) is None
    assert cli_parse_time("2026-06-01", SH, end=False) == clock.parse_time(
        "2026-06-01", SH, end=False
    )
    assert cli_parse_time("2026-06-01", SH, end=True) == clock.parse_time(
        "2026-06-01", SH, end=True
    )
    with pytest.raises(click.BadParameter, match="not a date or time"):
        cli_parse_time("soon", SH, end=True)
