"""Water added to the sample: every analyser reads lower by the same factor while flow does not
change (the effluent is not diluted, only what the analysers see)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from detectors.base import Detector, register
from detectors.checks._common import stretches
from detectors.finding import Finding
from detectors.frame import LOCAL_OFFSET_HOURS, OutletData  # days are local calendar days
from detectors.spec import CONCENTRATIONS, FLOW

#: Statistics are taken per half day (local 00-12 h and 12-24 h).
BLOCK_HOURS: Final = 12


@dataclass(frozen=True, slots=True)
class _HalfDays:
    """Per local half day (rows) and concentration channel (columns): the ``ratio`` of its median
    to its baseline ``base`` and whether it ``dropped`` to the half-day level; per half day: how many
    channels dropped, the flow's ratio, the highest and lowest dropped ratio and their geometric
    mean (``common``)."""

    ratio: np.ndarray
    base: np.ndarray
    dropped: np.ndarray
    n_dropped: np.ndarray
    flow_ratio: np.ndarray
    hi: np.ndarray
    lo: np.ndarray
    common: np.ndarray


@register
class DilutionDetector(Detector):
    """Several concentration channels fall by one common factor for days while flow holds.

    Per local half day ``d`` (00-12 h, 12-24 h Beijing time) and channel ``k``: ``m_k(d)`` is
    the median of the half day's valid hourly values (at least ``min_valid_hours / 2``, else
    unknown), ``B_k(d)`` the median of ``m_k`` over the same half of the previous
    ``baseline_days`` days (at least ``min_baseline_days`` known; nights against nights, so the
    daily cycle cancels), and ``r_k(d) = m_k(d) / B_k(d)``; the same for flow ``r_q(d)``. With
    the level ``l = 1 - day_drop_fraction * min_drop_share``, half day ``d`` is *diluted* when
    at least ``min_channels`` channels have ``r_k(d) <= l``, those channels agree
    (``max r_k / min r_k <= max_factor_spread``, so ratios between channels stay), their
    geometric mean ``g(d) <= l``, and flow is known and steady:
    ``1 - max_flow_fall_share <= r_q(d) <= 1 + max_flow_rise_share``. A run of at least
    ``2 * min_days - 1`` consecutive diluted half days (``min_days`` days, starting at any hour)
    whose median ``g`` is at most ``1 - min_drop_share`` is a finding, from the first to the
    last valid hour of the run (outlet-wide, pollutant None). Severity high from ``high_days``.
    (Medians scatter by 10-20 %, hence the looser level per half day and the strict median.)

    Defaults: 3 channels, drop 40 %+ over the run (30 %+ each half day), spread 1.5, flow
    between -30 % and +20 %, 3 days; 12 valid hours a day; baseline 28 days (7 known); high at 7
    days.

    Honest traps it must not flag: rain, which dilutes every channel by a common factor but raises
    flow; reduced production or holidays, when flow falls with the load; a treatment change that
    lowers one or two channels (nitrification lowers NH3-N, not TP); shutdown days (no valid
    data); outlets without flow data (unknown, never "steady").
    """

    name = "dilution"
    category = "integrity"

    def __init__(
        self,
        *,
        min_channels: int = 3,
        min_drop_share: float = 0.40,
        day_drop_fraction: float = 0.75,
        max_factor_spread: float = 1.5,
        max_flow_rise_share: float = 0.20,
        max_flow_fall_share: float = 0.30,
        min_days: int = 3,
        min_valid_hours: int = 12,
        baseline_days: int = 28,
        min_baseline_days: int = 7,
        high_days: int = 7,
    ) -> None:
        self.min_channels = min_channels
        self.min_drop_share = min_drop_share
        self.day_drop_fraction = day_drop_fraction
        self.max_factor_spread = max_factor_spread
        self.max_flow_rise_share = max_flow_rise_share
        self.max_flow_fall_share = max_flow_fall_share
        self.min_days = min_days
        self.min_valid_hours = min_valid_hours
        self.baseline_days = baseline_days
        self.min_baseline_days = min_baseline_days
        self.high_days = high_days

    @property
    def _day_level(self) -> float:
        """The ratio a channel must fall to in one half day: ``1 - day_drop_fraction *
        min_drop_share``."""
        return 1.0 - self.day_drop_fraction * self.min_drop_share

    def _detect(self, outlet: OutletData) -> Iterable[Finding]:
        codes = [c for c in CONCENTRATIONS if c in outlet.pollutants]
        if len(codes) < self.min_channels or FLOW not in outlet.pollutants:
            return
        hours = outlet.grid.asi8 // 3_600_000_000_000
        block = (hours + LOCAL_OFFSET_HOURS) // BLOCK_HOURS
        block -= block[0]
        per_day = 24 // BLOCK_HOURS
        if int(block[-1]) + 1 < per_day * (self.min_baseline_days + self.min_days):
            return
        h, valid = self._half_days(outlet, codes, hours, per_day)
        runs = stretches(self._diluted(h))
        any_valid = valid[:, :-1].any(axis=1)
        for s, e in zip(runs.first, runs.last, strict=True):
            n = int(e - s + 1)  # half days
            factor = float(np.median(h.common[s : e + 1]))
            if n < per_day * self.min_days - 1 or factor > 1.0 - self.min_drop_share:
                continue
            in_run = np.flatnonzero(any_valid & (block >= s) & (block <= e))
            span = (outlet.grid[in_run[0]], outlet.grid[in_run[-1]])
            yield self._finding(outlet, codes, h, slice(s, e + 1), span, factor)

    def _half_days(
        self, outlet: OutletData, codes: list[str], hours: np.ndarray, per_day: int
    ) -> tuple[_HalfDays, np.ndarray]:
        """Each half day's ratios to the baseline, and the validity of the grid's values (one
        column per channel of ``codes``, then flow)."""
        cols = [*codes, FLOW]
        values = outlet.wide_array[:, [outlet.column(c) for c in cols]]
        valid = outlet.wide_valid[:, [outlet.column(c) for c in cols]]
        daily = _block_medians(
            np.where(valid, values, np.nan), int(hours[0]), self.min_valid_hours // per_day
        )
        base = np.full_like(daily, np.nan)
        for phase in range(per_day):  # night halves against night halves, days against days
            base[phase::per_day] = _trailing_median(
                daily[phase::per_day], self.baseline_days, self.min_baseline_days
            )
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = daily / base
        r = ratio[:, :-1]
        dropped = r <= self._day_level
        n_dropped = dropped.sum(axis=1)
        hi = np.where(dropped, r, -np.inf).max(axis=1)
        lo = np.where(dropped, r, np.inf).min(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            common = np.exp(
                np.where(dropped, np.log(np.where(dropped, r, 1.0)), 0.0).sum(axis=1)
                / np.maximum(n_dropped, 1)
            )
        return _HalfDays(r, base, dropped, n_dropped, ratio[:, -1], hi, lo, common), valid

    def _diluted(self, h: _HalfDays) -> np.ndarray:
        """Half days where enough channels fell by a common factor while flow held."""
        with np.errstate(divide="ignore", invalid="ignore"):
            agree = h.hi <= self.max_factor_spread * h.lo
        r_flow = h.flow_ratio
        steady = (r_flow >= 1.0 - self.max_flow_fall_share) & (
            r_flow <= 1.0 + self.max_flow_rise_share
        )
        return (h.n_dropped >= self.min_channels) & agree & steady & (h.common <= self._day_level)

    def _finding(
        self,
        outlet: OutletData,
        codes: list[str],
        h: _HalfDays,
        run: slice,
        span: tuple[pd.Timestamp, pd.Timestamp],
        factor: float,
    ) -> Finding:
        """The finding of the diluted half days ``run`` (valid hours from ``span[0]`` to
        ``span[1]``) whose median common factor is ``factor``."""
        n = int(run.stop - run.start)  # half days
        per_day = 24 // BLOCK_HOURS
        used = h.dropped[run].all(axis=0)
        factors = {c: float(np.median(h.ratio[run, j])) for j, c in enumerate(codes) if used[j]}
        baselines = {c: float(h.base[run.start, j]) for j, c in enumerate(codes) if used[j]}
        return self.finding(
            outlet,
            None,
            span[0],
            span[1],
            severity="high" if n >= per_day * self.high_days else "medium",
            confidence=min(0.95, 0.5 + 0.05 * n),
            message="dilution.summary",
            evidence={
                "rule": "min_channels channels at <= 1 - day_drop_fraction * min_drop_share of "
                "baseline each day, similar factors, flow steady; run median factor <= "
                "1 - min_drop_share",
                "days": n / per_day,
                "channels": len(factors),
                "factors": factors,
                "baselines": baselines,
                "factor_spread": float(np.max(h.hi[run] / h.lo[run])),
                "flow_ratio": float(np.median(h.flow_ratio[run])),
                "common_factor": factor,
                "drop_pct": round(100 * (1 - factor)),
            },
        )


def _block_medians(x: np.ndarray, first_hour: int, min_valid: int) -> np.ndarray:
    """Median of each column per local block of `BLOCK_HOURS` (NaN ignored), NaN for blocks with
    fewer than ``min_valid`` values. Row ``i`` of ``x`` is hour ``first_hour + i`` (UTC)."""
    lead = int((first_hour + LOCAL_OFFSET_HOURS) % BLOCK_HOURS)
    n = -(-(lead + len(x)) // BLOCK_HOURS)
    padded = np.full((n * BLOCK_HOURS, x.shape[1]), np.nan)
    padded[lead : lead + len(x)] = x
    return _median_axis1(padded.reshape(n, BLOCK_HOURS, x.shape[1]), min_valid)


def _median_axis1(x: np.ndarray, min_count: int) -> np.ndarray:
    """Median along axis 1 ignoring NaN (NaN where fewer than ``min_count`` numbers)."""
    x = np.sort(x, axis=1)  # NaN sorts last
    count = (~np.isnan(x)).sum(axis=1)
    lo = np.take_along_axis(x, (np.maximum(count - 1, 0) // 2)[:, None, :], axis=1)[:, 0, :]
    hi = np.take_along_axis(x, (count // 2)[:, None, :], axis=1)[:, 0, :]
    return np.where(count >= max(min_count, 1), (lo + hi) / 2.0, np.nan)


def _trailing_median(daily: np.ndarray, window: int, min_count: int) -> np.ndarray:
    """Row ``d``: median of rows ``d - window .. d - 1`` (the days before), per column."""
    padded = np.vstack([np.full((window, daily.shape[1]), np.nan), daily[:-1]])
    windows = np.lib.stride_tricks.sliding_window_view(padded, window, axis=0)  # (d, k, w)
    return _median_axis1(np.swapaxes(windows, 1, 2), min_count)
