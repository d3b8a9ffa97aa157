"""Transmission and validity rates per month (DESIGN.md section 11, `completeness`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from detectors.base import Detector, register
from detectors.checks._common import MIN_VALIDITY_RATE, local_month, month_label
from detectors.finding import Finding, Severity
from detectors.frame import LOCAL_OFFSET_HOURS, OutletData, Series, flag_is
from detectors.series import HOUR_NS, hours_of, timestamp


@dataclass(slots=True)
class _Months:
    """The local months of an outlet's span: the first ``m0`` (months since 1970-01), the
    local ``offset`` (h), the local hour each month ``starts`` at and every UTC hour of the
    ``span``; derived: each span hour's month (``month_of``, 0 = ``m0``) and the hours of each
    month in the span (``expected``)."""

    m0: int
    offset: int
    starts: np.ndarray
    span: np.ndarray
    month_of: np.ndarray = field(init=False)
    expected: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.month_of = self.index(self.span)
        self.expected = np.bincount(self.month_of, minlength=len(self.starts))

    def index(self, hours: np.ndarray) -> np.ndarray:
        """Month index (0 = ``m0``) of UTC whole hours."""
        return np.searchsorted(self.starts, hours + self.offset, side="right") - 1


@register
class CompletenessDetector(Detector):
    """Months in which too few hours arrived, or too few were valid.

    Per local calendar month (UTC + ``day_offset_hours``), clipped to the outlet's span (its first
    to its last reading of any pollutant), with ``E`` the expected hours, for each pollutant the
    outlet reports or the registry lists: ``R`` the distinct hours received (any flag), ``V`` the
    distinct valid hours (N or T with a number) and ``F`` the hours flagged F (stopped, excused):

        transmission = R / E,   validity = V / (E - F)

    A finding when either rate is below ``min_rate``; months with ``E < min_expected_hours`` (the
    ragged ends of the span) are not judged. When two or more channels fail in one month (an
    outage of the station, not of one analyser), one finding about the whole outlet (pollutant
    null, the lowest rates, each channel's rates in evidence ``channels``) replaces theirs. Severity
    by the lower rate: high below 0.5, medium below 0.75, low otherwise.

    Defaults: ``min_rate=0.9``, ``min_expected_hours=72``, ``day_offset_hours=8``.

    Not flagged (honest traps): shutdowns reported with flag F (received, and excused from the
    validity rate), weekly calibration and maintenance hours and short communication gaps (a few
    hours a week are far from 10 %), the partial months at either end of the data.
    """

    name = "completeness"
    category = "completeness"

    def __init__(
        self,
        *,
        min_rate: float = MIN_VALIDITY_RATE,
        min_expected_hours: int = 72,
        day_offset_hours: float = float(LOCAL_OFFSET_HOURS),
    ) -> None:
        self.min_rate = min_rate
        self.min_expected_hours = min_expected_hours
        self.day_offset_hours = day_offset_hours

    def _detect(self, outlet: OutletData) -> Iterator[Finding]:
        ts = outlet.times_ns
        months = self._span_months(ts)
        expected = months.expected
        codes = sorted(set(outlet.pollutants) | set(outlet.spec.pollutants))
        rates = {code: _rates(outlet.series(code), months) for code in codes}
        judged = expected >= self.min_expected_hours
        fails = {
            code: judged & ((t < self.min_rate) | (v < self.min_rate))
            for code, (t, v, _, _) in rates.items()
        }
        span = months.span
        # each month's first hour in the span (whole hours, one after another; the first month's
        # start may lie before the span's first hour)
        month_first = np.maximum(months.starts - months.offset - span[0], 0)
        ts_min, ts_max = int(ts.min()), int(ts.max())
        for k in np.flatnonzero(judged).tolist():
            failing = [c for c in codes if fails[c][k]]
            if not failing:
                continue
            start = timestamp(max(ts_min, int(span[month_first[k]]) * HOUR_NS))
            end_h = span[month_first[k + 1] - 1] if k + 1 < len(month_first) else span[-1]
            end = timestamp(min(ts_max, int(end_h) * HOUR_NS))
            label = month_label(months.m0 + k)
            if len(failing) >= 2:
                t, v, r, n = (min(float(rates[c][j][k]) for c in failing) for j in range(4))
                per = {
                    c: {
                        "transmission_rate": round(float(rates[c][0][k]), 4),
                        "validity_rate": round(float(rates[c][1][k]), 4),
                    }
                    for c in failing
                }
                yield self._finding(
                    outlet, None, start, end, label, int(expected[k]), t, v, r, n, per
                )
                continue
            for code in failing:
                t, v, r, n = (float(x[k]) for x in rates[code])
                yield self._finding(outlet, code, start, end, label, int(expected[k]), t, v, r, n)

    def _span_months(self, ts: np.ndarray) -> _Months:
        """The local months of the outlet's span, from its first to its last reading ``ts``."""
        first_h, last_h = int(hours_of(ts.min())), int(hours_of(ts.max()))
        offset = round(self.day_offset_hours)
        # month of every hour of the span, as months since 1970-01 in local time
        span = np.arange(first_h, last_h + 1, dtype=np.int64)
        m0 = int(local_month(np.array([first_h + offset]))[0])
        m1 = int(local_month(np.array([last_h + offset]))[0])
        # local hour at which each month starts (months m0 .. m1), to place hours by bisection
        starts = np.arange(m0, m1 + 1).astype("datetime64[M]").astype("datetime64[h]")
        return _Months(m0, offset, starts.astype(np.int64), span)

    def _finding(
        self,
        outlet: OutletData,
        code: str | None,
        start: pd.Timestamp,
        end: pd.Timestamp,
        month: str,
        expected: int,
        transmission: float,
        validity: float,
        received: float,
        valid: float,
        channels: dict[str, dict[str, float]] | None = None,
    ) -> Finding:
        low = min(transmission, validity)
        severity: Severity = "high" if low < 0.5 else "medium" if low < 0.75 else "low"
        return self.finding(
            outlet,
            code,
            start,
            end,
            severity=severity,
            confidence=1.0,
            message="completeness.outlet" if channels else "completeness.summary",
            evidence={
                "rule": "received / expected and valid / (expected - stopped) per month",
                "statistic": "transmission and validity rates",
                "threshold": self.min_rate,
                "window_hours": expected,
                "false_alarm_rate_per_year": None,  # a measured rate against the requirement
                "month": month,
                "expected_hours": expected,
                "received_hours": int(received),
                "valid_hours": int(valid),
                "transmission_rate": round(transmission, 4),
                "validity_rate": round(validity, 4),
                **({"channels": channels} if channels else {}),
            },
            month=month,
            received=int(received),
            valid=int(valid),
            expected=expected,
            transmission=100 * transmission,
            validity=100 * validity,
            min_rate=100 * self.min_rate,
            count=len(channels or ()),
        )


def _rates(
    s: Series | None, months: _Months
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per month of ``months``: transmission and validity rates of the series ``s``, and its
    received and valid hours (one reading per hour counts once; none when ``s`` is None)."""
    expected = months.expected
    received = np.zeros(len(expected))
    valid = np.zeros(len(expected))
    stopped = np.zeros(len(expected))
    if s is not None:
        h = hours_of(s.ts)
        first = np.empty(len(h), dtype=bool)  # one reading per hour counts once
        first[:1] = True
        np.not_equal(h[1:], h[:-1], out=first[1:])
        # the series' hours are sorted: each month's readings are one slice, from the first at
        # or after its local start (`_Months.index`: starts[k] <= h + offset < starts[k + 1])
        bounds = np.empty(len(expected) + 1, dtype=np.int64)
        bounds[:-1] = np.searchsorted(h, months.starts - months.offset, side="left")
        bounds[-1] = len(h)

        def per_month(mask: np.ndarray) -> np.ndarray:
            c = np.empty(len(mask) + 1, dtype=np.int64)
            c[0] = 0
            np.cumsum(mask, out=c[1:])
            return c[bounds[1:]] - c[bounds[:-1]]

        received = per_month(first).astype(float)
        valid = per_month(first & s.valid).astype(float)
        stopped = per_month(first & flag_is(s.flags, "F"))
    with np.errstate(invalid="ignore", divide="ignore"):
        transmission = received / expected
        validity = np.where(expected > stopped, valid / (expected - stopped), 1.0)
    return transmission, validity, received, valid
