"""Impossible relations between channels of one outlet (a tampered channel).

Ammonia nitrogen is part of total nitrogen (TN = NH3-N + organic N + NO2-N + NO3-N), so a valid
NH3-N reading above the TN reading of the same hour means one of the two channels is not
measuring the sample, unless the analysers' own measurement error explains it. Honest
surface-water data break it at 2 of 982 stations (CNEMC snapshot, both near detection limits or
within a few tenths of a mg/L), so the rule tests a sustained excess against the spread of the
outlet's own NH3-N / TN relation.

Relations deliberately left out: TP > TN is unusual but not impossible (different elements;
phosphate-rich industrial effluent), and negative values (flow or concentration) belong to the
``range`` detector.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from detectors.base import Detector, register
from detectors.checks._common import cusum, cusum_alarms, cusum_bar, true_runs
from detectors.finding import Finding
from detectors.frame import OutletData
from detectors.series import resolution
from detectors.spec import NH3N, TN

#: Hours in a year (365.25 days), for rates per outlet-year.
YEAR_HOURS = 8766.0


@dataclass(frozen=True, slots=True)
class _Relation:
    """The judged pairs of one outlet: ``hour`` (grid index of each distinct pair's first hour),
    ``last`` (its last judged hour), the excess ``x`` of log(NH3-N / TN) over the null level
    ``mu0``, the spread ``sigma`` of the relation and the elements per year ``per_year``."""

    hour: np.ndarray
    last: np.ndarray
    x: np.ndarray
    mu0: float
    sigma: float
    per_year: float


@register
class PhysicsDetector(Detector):
    """NH3-N above TN by more than the analysers' own spread explains, sustained (a CUSUM).

    Null model (an honest outlet): the true NH3-N never exceeds the true TN, and each reported
    pair is the truth times independent measurement errors. On the hourly grid, hours with both
    channels valid (N or T) and positive are *judged*; a new *element* starts at each judged hour
    whose (NH3-N, TN) pair differs from the previous judged hour's (a value held by an analyser
    cycle is one measurement, not several), or after more than ``join_hours`` unjudged hours.
    Per element ``i``: ``x_i = ln((NH3_i + d) / (TN_i + d))`` with ``d`` the coarser of the two
    channels' resolutions (a reading at the last digit is not a ratio). The outlet's own spread
    of the relation is ``sigma = max(min_spread, 1.4826 MAD(x_i - x_{i-1}) / sqrt 2)`` over
    consecutive elements (the short-term scatter of the ratio: both analysers' errors and the
    plant's hour-to-hour changes, which a common load or dilution cancels), and the null level is
    ``mu0 = max(0, median x_i)``: the physical bound, or the outlet's own usual relation when
    that already sits above it (a persistent calibration offset between the two analysers, or
    both channels at their detection limits, is the outlet's normal state, not an episode); the
    median is over judged hours (each element weighted by its hours), so that an episode's
    hourly-changing pairs do not outvote the held honest ones.

    With ``u_i = clip((x_i - mu0) / sigma, -clip_sigma, clip_sigma)``, for each reference
    ``k`` of ``reference_sigmas`` a one-sided CUSUM ``S_i = max(0, S_{i-1} + u_i - k)`` (reset
    to 0 after more than ``join_hours`` unjudged hours) alarms at ``S_i >= h_k``. Under the null
    at the bound (``u ~ N(0, 1)``), Siegmund's approximation gives the mean number of elements
    between false alarms ``ARL(k, h) = (exp(2 k b) - 2 k b - 1) / (2 k^2)``, ``b = h + 1.166``;
    ``h_k`` solves ``ARL(k, h_k) = n_year * K / false_alarms_per_year`` (``n_year`` the
    outlet's elements per year, ``K`` the number of references), so the outlet raises at most
    ``false_alarms_per_year`` false episodes a year when it runs at the bound, and far fewer when
    its relation sits below it as usual. The clip bounds what one outlying measurement adds
    (``clip_sigma - k < h_k``: never one element alone).

    An alarm's excursion runs from the first element where ``S`` rises from 0 to the element
    where it peaks (after it the relation holds again). It splits into episodes where the
    relation holds (``x_i <= mu0``) for ``min_hours`` hours or more (a single good hour among
    impossible ones does not clear them), each trimmed to elements with ``x_i > mu0`` and
    running through the last judged hour of its last element; an episode is a finding when it
    spans at least ``min_hours`` hours. Overlapping episodes of the references merge. Severity
    medium, high from ``high_hours``.

    Defaults: ``reference_sigmas=(0.5, 1.5)``, ``clip_sigma=3``, ``min_spread=0.02`` (no
    analyser repeats better than 2 %), ``false_alarms_per_year=0.01`` per outlet,
    ``join_hours=12``, ``min_hours=6``, ``high_hours=24``.

    Honest traps it must not flag: one bad measurement held for an analyser cycle (one element,
    clipped); both channels near detection limits or NH3-N a steady few per cent above TN (the
    outlet's own ``mu0``); NH3-N close to TN in effluent where nearly all nitrogen is ammonia
    (its excursions above TN are within its own spread); calibration (C), maintenance (M) and
    shutdown (F) hours, which are not valid and are not judged; daily series (elements more
    than ``join_hours`` apart never accumulate).
    """

    name = "physics"
    category = "integrity"

    def __init__(
        self,
        *,
        reference_sigmas: tuple[float, ...] = (0.5, 1.5),
        clip_sigma: float = 3.0,
        min_spread: float = 0.02,
        false_alarms_per_year: float = 0.01,
        join_hours: int = 12,
        min_hours: int = 6,
        high_hours: int = 24,
    ) -> None:
        self.reference_sigmas = reference_sigmas
        self.clip_sigma = clip_sigma
        self.min_spread = min_spread
        self.false_alarms_per_year = false_alarms_per_year
        self.join_hours = join_hours
        self.min_hours = min_hours
        self.high_hours = high_hours

    def _detect(self, outlet: OutletData) -> Iterable[Finding]:
        if NH3N not in outlet.pollutants or TN not in outlet.pollutants:
            return
        nh3 = outlet.wide_column(NH3N)
        tn = outlet.wide_column(TN)
        with np.errstate(invalid="ignore"):
            if not np.any(nh3 > tn):  # x > mu0 >= 0 needs NH3-N over TN somewhere
                return
        rel = self._relation(outlet, nh3, tn)
        if rel is None:
            return
        u = np.clip((rel.x - rel.mu0) / rel.sigma, -self.clip_sigma, self.clip_sigma)
        gap = np.r_[True, rel.hour[1:] - rel.last[:-1] > self.join_hours + 1]
        group = np.cumsum(gap)
        n_ref = len(self.reference_sigmas)
        episodes = np.zeros(len(outlet.grid) + 1, dtype=np.int64)
        bars = []
        for k in self.reference_sigmas:
            h = cusum_bar(k, rel.per_year * n_ref / self.false_alarms_per_year)
            bars.append(h)
            for a, b in cusum_alarms(cusum(u - k, group), h, group):
                for p, q in self._episodes(rel, u, a, b):
                    first, last = int(rel.hour[p]), int(rel.last[q])
                    if last - first + 1 >= self.min_hours:
                        episodes[first] += 1
                        episodes[last + 1] -= 1
        on = np.cumsum(episodes[:-1]) > 0
        if not on.any():
            return
        edges = np.flatnonzero(np.diff(np.r_[0, on.astype(np.int8), 0]))
        for first, stop in zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True):
            yield self._finding(outlet, nh3, tn, rel, first, stop - 1, bars)

    def _episodes(self, rel: _Relation, u: np.ndarray, a: int, b: int) -> list[tuple[int, int]]:
        """The episodes (first, last element) of the excursion ``a..b``: split where the relation
        holds (``u <= 0``) for at least ``min_hours`` hours, trimmed to elements with ``u > 0``."""
        holds = true_runs(u[a : b + 1] <= 0)
        cuts = [
            (a + p, a + q)
            for p, q in holds
            if rel.last[a + q] - rel.hour[a + p] + 1 >= self.min_hours
        ]
        bounds = [a - 1, *[c for pq in cuts for c in pq], b + 1]
        out = []
        for lo, hi in zip(bounds[::2], bounds[1::2], strict=True):
            pos = np.flatnonzero(u[lo + 1 : hi] > 0)
            if len(pos):
                out.append((lo + 1 + int(pos[0]), lo + 1 + int(pos[-1])))
        return out

    def _relation(self, outlet: OutletData, nh3: np.ndarray, tn: np.ndarray) -> _Relation | None:
        """The distinct judged pairs, their log ratios and the outlet's null level and spread."""
        ok = outlet.wide_valid[:, [outlet.column(NH3N), outlet.column(TN)]].all(axis=1)
        with np.errstate(invalid="ignore"):
            ok &= (nh3 > 0) & (tn > 0)
        judged = np.flatnonzero(ok)
        if len(judged) < 2:
            return None
        a, t = nh3[judged], tn[judged]
        new = np.r_[True, (np.diff(a) != 0) | (np.diff(t) != 0) | (np.diff(judged) > 1)]
        first = np.flatnonzero(new)
        hour = judged[first]
        last = judged[np.r_[first[1:] - 1, len(judged) - 1]]
        res = np.nanmax([resolution(a[first]), resolution(t[first]), 0.0])
        x = np.log((a[first] + res) / (t[first] + res))
        if len(x) < 2:
            return None
        spread = 1.4826 * float(np.median(np.abs(np.diff(x)))) / np.sqrt(2.0)
        years = max((judged[-1] - judged[0] + 1) / YEAR_HOURS, 1.0 / 12.0)
        return _Relation(
            hour=hour,
            last=last,
            x=x,
            mu0=max(0.0, float(np.median(np.repeat(x, np.diff(np.r_[first, len(judged)]))))),
            sigma=max(self.min_spread, spread),
            per_year=len(x) / years,
        )

    def _finding(
        self,
        outlet: OutletData,
        nh3: np.ndarray,
        tn: np.ndarray,
        rel: _Relation,
        first: int,
        last: int,
        bars: list[float],
    ) -> Finding:
        """The finding of the grid hours ``first..last`` (inclusive)."""
        hours = last - first + 1
        ok = outlet.wide_valid[first : last + 1, [outlet.column(NH3N), outlet.column(TN)]].all(1)
        a, t = nh3[first : last + 1][ok], tn[first : last + 1][ok]
        over = a > t
        inside = (rel.hour >= first) & (rel.hour <= last)
        z = float(np.sum((rel.x[inside] - rel.mu0) / rel.sigma) / np.sqrt(max(inside.sum(), 1)))
        excess = (a - t)[over] if over.any() else a - t
        return self.finding(
            outlet,
            NH3N,
            outlet.grid[first],
            outlet.grid[last],
            severity="high" if hours >= self.high_hours else "medium",
            confidence=min(0.99, 0.6 + 0.02 * hours),
            message="physics.nh3n_over_tn",
            evidence={
                "rule": "CUSUM of clip((ln(NH3-N / TN) - mu0) / sigma) - k over distinct "
                "measurement pairs reaches h_k (null: NH3-N <= TN up to the outlet's own spread)",
                "window_hours": hours,
                "statistic": "CUSUM of standardised ln(NH3-N / TN) excess",
                "threshold": [round(h, 3) for h in bars],
                "false_alarm_rate_per_year": self.false_alarms_per_year,
                "hours": hours,
                "violating_hours": int(over.sum()),
                "distinct_pairs": int(inside.sum()),
                "null_level": round(rel.mu0, 4),
                "spread": round(rel.sigma, 4),
                "mean_z": round(z, 3),
                "max_nh3n": float(np.max(a)),
                "median_excess_mg_l": round(float(np.median(excess)), 4),
                "median_tn": float(np.median(t)),
            },
        )
