"""Data that go missing right after high values more often than the site's gaps explain."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from detectors.base import Detector, register
from detectors.checks._common import grid_channel, local_iso, reads_standard, stretches
from detectors.finding import Finding
from detectors.frame import OutletData
from detectors.series import Segments, fisher_greater
from detectors.spec import CONCENTRATIONS


@dataclass(frozen=True, slots=True)
class _Measurements:
    """A channel's analyser measurements (maximal runs of one valid value, even across gap
    hours) on the hourly grid.

    ``hour``: the valid grid hours whose next hour is on the grid; ``of_hour``: the measurement
    of each; ``gap_next``: a gap hour follows it. Per measurement: its ``first`` grid hour,
    whether a gap follows one of its hours (``gapped``) and whether it is ``high``.
    """

    hour: np.ndarray
    of_hour: np.ndarray
    gap_next: np.ndarray
    first: np.ndarray
    gapped: np.ndarray
    high: np.ndarray

    @property
    def events(self) -> np.ndarray:
        """First grid hour of each high measurement followed by a gap."""
        return self.first[self.high & self.gapped]


class _Window(NamedTuple):
    """The test of the window of ``window_days`` from one event: its p-value, its events ``a``,
    its high measurements followed by data ``b`` and the odds ratio."""

    p: float
    a: int
    b: int
    odds: float


@register
class GapHidingDetector(Detector):
    """Data go missing right after high values more often than the site's gaps explain.

    On the hourly grid of a concentration channel with an upper limit ``L``: a *gap hour* is an
    hour with no reading, or a reading flagged other than N, T, F (shutdown) or S (manual) whose
    value is not above ``L`` (a flagged exceedance is `FlagMaskingDetector`'s business) and that
    is not a calibration hour reading the standard (C within 10 % of it). Counts
    are of analyser measurements, not hours (a held value is one measurement): a *measurement* is
    a maximal run of one valid value, even across gap hours; it is *high* when its value exceeds
    ``high_share * L`` and *followed by a gap* when a gap hour comes right after one of its hours.
    Let ``c``/``d`` be the low measurements of the whole history followed / not followed by a gap
    (the site's baseline gap rate). From each gapped high measurement (an *event*), a window of
    ``window_days`` holds ``a`` events and ``b`` high measurements followed by data; the window
    is significant when ``a >= min_events``, the odds ratio
    ``(a + .5)(d + .5) / ((b + .5)(c + .5)) >= min_odds_ratio`` and Fisher's exact test
    (one-sided, greater) gives ``p < max_p_value``. The events of overlapping significant windows
    form one finding, from the first event's high hour to the last gap's end, with the statistics
    of its most significant window and every gap listed in evidence.

    Defaults: high above 0.8 L, 3 events in 30 days, odds ratio 3, p < 1e-3. One window is
    tested per event, a few dozen per channel-year, so a single test's 0.01 is too loose: on the
    simulator's tuning seeds (3,300 outlet-months), chance clusters of 3-7 gaps after high
    values on honest outlets scored p = 2.5e-3 to 1e-2 (one 4e-5), falsified windows p < 1.1e-4
    (one 7e-3).

    Honest traps it must not flag: short communication gaps at random (they follow low and high
    values alike); one high value held for a day with gaps inside it (one measurement, one
    event); plants running close to their limit (many high measurements, gaps at the baseline
    rate); weekly calibration hours (C reading the standard) after whatever value precedes them;
    maintenance windows (M) at fixed times; shutdowns (F).
    """

    name = "gap_hiding"
    category = "integrity"

    def __init__(
        self,
        *,
        high_share: float = 0.8,
        min_events: int = 3,
        min_odds_ratio: float = 3.0,
        max_p_value: float = 1e-3,
        window_days: int = 30,
    ) -> None:
        self.high_share = high_share
        self.min_events = min_events
        self.window_days = window_days
        self.min_odds_ratio = min_odds_ratio
        self.max_p_value = max_p_value

    def _detect(self, outlet: OutletData) -> Iterable[Finding]:
        for code in CONCENTRATIONS:
            limit = outlet.spec.pollutant(code).upper_limit
            if limit is None or code not in outlet.pollutants:
                continue
            yield from self._channel(outlet, code, limit)

    def _channel(self, outlet: OutletData, code: str, limit: float) -> Iterable[Finding]:
        v, f, valid = grid_channel(outlet, code)
        # an invalid reading over the limit is flag_masking's business, and a calibration
        # hour reading the standard is scheduled work: neither is a gap
        gap = ~valid & (f != "F") & (f != "S") & ~(v > limit)
        gap &= ~reads_standard(v, f, outlet.spec.pollutant(code).standard)
        m = _measurements(v, valid, gap, self.high_share * limit)
        if m is None or len(m.events) < self.min_events:
            return
        c = int((~m.high & m.gapped).sum())
        d = int((~m.high & ~m.gapped).sum())
        best, included = self._significant(m, c, d)
        if not best:
            return
        gap_runs = stretches(gap)
        groups = stretches(included)
        for lo, hi in zip(groups.first, groups.last, strict=True):
            anchors = [i for i in best if lo <= i <= hi]
            i = min(anchors, key=lambda k: best[k].p)
            hours, ends = _event_gaps(m, gap_runs, lo, hi)
            yield self._finding(
                outlet,
                code,
                limit,
                baseline=(c, d),
                window=best[i],
                window_start=local_iso(outlet, int(m.events[i])),
                gaps=_gap_list(outlet, v, hours, ends),
                span=(hours, ends),
            )

    def _significant(
        self, m: _Measurements, c: int, d: int
    ) -> tuple[dict[int, _Window], np.ndarray]:
        """The significant windows by their event (index into ``m.events``), and the events
        that some significant window includes."""
        event_h = m.events
        other_h = m.first[m.high & ~m.gapped]
        window = 24 * self.window_days
        # a window of window_days from each event: events a, high measurements without gap b
        upto = np.searchsorted(event_h, event_h + window)
        a_all = upto - np.arange(len(event_h))
        b_all = np.searchsorted(other_h, event_h + window) - np.searchsorted(other_h, event_h)
        odds_all = (a_all + 0.5) * (d + 0.5) / ((b_all + 0.5) * (c + 0.5))
        best: dict[int, _Window] = {}
        included = np.zeros(len(event_h), dtype=bool)
        for i in np.flatnonzero((a_all >= self.min_events) & (odds_all >= self.min_odds_ratio)):
            p = fisher_greater(int(a_all[i]), int(b_all[i]), c, d)
            if p < self.max_p_value:
                included[i : upto[i]] = True
                best[int(i)] = _Window(p, int(a_all[i]), int(b_all[i]), float(odds_all[i]))
        return best, included

    def _finding(
        self,
        outlet: OutletData,
        code: str,
        limit: float,
        *,
        baseline: tuple[int, int],
        window: _Window,
        window_start: str,
        gaps: list[dict[str, Any]],
        span: tuple[np.ndarray, np.ndarray],
    ) -> Finding:
        """The finding of one group of events, from the first event's hour to the last gap's
        end (``span``: each event's hour before a gap and that gap's last hour), with its most
        significant ``window`` and the ``baseline`` (c, d) of low measurements."""
        p, a, b, odds = window
        c, d = baseline
        hours, ends = span
        return self.finding(
            outlet,
            code,
            outlet.grid[hours[0]],
            outlet.grid[ends[-1]],
            severity="high" if a >= 2 * self.min_events and p < 1e-4 else "medium",
            confidence=min(0.99, 1.0 - p),
            message="gap_hiding.summary",
            high_share_pct=round(100 * self.high_share),
            evidence={
                "rule": "measurements > high_share * L followed by a gap within "
                "window_days: odds ratio against low measurements, Fisher exact",
                "window_start": window_start,
                "window_days": self.window_days,
                "limit": float(limit),
                "events": a,
                "high_measurements_followed_by_data": b,
                "baseline_gapped_measurements": c,
                "baseline_measurements_followed_by_data": d,
                "gap_rate_after_high": a / (a + b),
                "baseline_gap_rate": c / (c + d) if c + d else float("nan"),
                "odds_ratio": odds,
                "p_value": p,
                "gaps": gaps,
            },
        )


def _measurements(
    v: np.ndarray, valid: np.ndarray, gap: np.ndarray, high_level: float
) -> _Measurements | None:
    """The measurements of grid values ``v`` (None when no valid hour has a next hour)."""
    idx = np.flatnonzero(valid[:-1])  # valid hours whose next hour is on the grid
    if len(idx) == 0:
        return None
    vi = v[idx]
    gapped_hour = gap[idx + 1]
    meas = np.cumsum(np.r_[True, vi[1:] != vi[:-1]]) - 1
    first = idx[np.r_[0, np.flatnonzero(np.diff(meas)) + 1]]  # grid hour of each
    gapped = np.bincount(meas, weights=gapped_hour, minlength=len(first)) > 0
    high = v[first] > high_level
    return _Measurements(idx, meas, gapped_hour, first, gapped, high)


def _event_gaps(
    m: _Measurements, gap_runs: Segments, lo: int, hi: int
) -> tuple[np.ndarray, np.ndarray]:
    """Events ``lo..hi`` (indices into ``m.events``): every hour right before a gap of theirs,
    and the last hour of that gap (``gap_runs``: the channel's stretches of gap hours)."""
    before_gap = m.gap_next & m.high[m.of_hour]
    event_meas = m.of_hour[before_gap]
    event_hours = m.hour[before_gap]  # every hour right before a gap
    meas_ids = np.flatnonzero(m.high & m.gapped)[lo : hi + 1]
    hours = event_hours[np.isin(event_meas, meas_ids)]
    ends = gap_runs.last[np.searchsorted(gap_runs.first, hours + 1)]
    return hours, ends


def _gap_list(
    outlet: OutletData, v: np.ndarray, hours: np.ndarray, ends: np.ndarray
) -> list[dict[str, Any]]:
    """Each gap as evidence lists it: the hour before it, its value, the gap's first and last
    hour and its length."""
    return [
        {
            "after": local_iso(outlet, int(h)),
            "value": float(v[h]),
            "gap_start": local_iso(outlet, int(h) + 1),
            "gap_end": local_iso(outlet, int(e)),
            "hours": int(e - h),
        }
        for h, e in zip(hours, ends, strict=True)
    ]
