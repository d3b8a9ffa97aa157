"""Days that wiggle too little and too randomly for a measured effluent (小幅波动)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from detectors.base import Detector, register
from detectors.checks._common import covered, measured_series, normal_mask, stretches
from detectors.finding import Finding
from detectors.frame import OutletData, Series
from detectors.series import (
    DAY_HOURS,
    Segments,
    analyser_cycle_hours,
    block_sums,
    held_runs,
    hourly_grid,
    hours_of,
    resolution,
    timestamp,
    window_sums,
)
from detectors.spec import CONCENTRATIONS, PH


@dataclass(frozen=True, slots=True)
class _Narrow:
    """The cheap first pass over one series' windows (index = the window's first day, counted
    from grid hour ``h0``): the hourly grid ``x``, each window's range ``rr``, whether it has
    enough readings (``eligible``) and whether its range is narrow but not nil (``narrow``)."""

    h0: int
    x: np.ndarray
    rr: np.ndarray
    eligible: np.ndarray
    narrow: np.ndarray


@dataclass(frozen=True, slots=True)
class _Scripted:
    """The windows of one series found scripted (``bad``) and the statistics a finding reports:
    each window's ``cv``, ``r1`` and range ``rr``, the series' ``step`` (resolution), its
    baseline CV and r1 over eligible windows and the r1 bar."""

    h0: int
    bad: np.ndarray
    cv: np.ndarray
    r1: np.ndarray
    rr: np.ndarray
    step: float
    base_cv: float
    base_r1: float
    r1_limit: float


@register
class LowVariabilityDetector(Detector):
    """Three days that wiggle too little and too randomly for a measured effluent (scripted or
    smoothed values, 小幅波动).

    Per concentration or pH series, on readings flagged N placed on an hourly grid, for every
    window of ``window_hours`` starting at each whole day from the series' first hour, with
    ``n`` readings (at least ``min_coverage * window_hours``), range ``R = max - min``,
    ``CV = sd / mean`` and ``r1`` the autocorrelation between successive measurements (readings
    one analyser cycle ``c`` apart: within a held value the hourly lag-1 autocorrelation is 1 by
    construction, so an analyser holding scripted values 2 h would look persistent), the window
    is flagged when

        0 < R < range_fraction * span   and   R >= min_steps * resolution
        CV < cv_ratio * median(CV)      and   r1 < min(lag1_max, median(r1) - lag1_drop)
        sd < max(max_cv * mean, max_sd_steps * resolution)

    where ``span`` is the analyser range, ``resolution`` the series' smallest step and the medians
    are over all eligible windows of the series (its own baseline; at least
    ``min_baseline_windows`` of them). Overlapping flagged windows merge into one finding. The
    last condition is an absolute one: a measured effluent varies by at least an analyser's
    repeatability (a few %), so calm but measured days are not scripted; without it, three calm
    spells of the real series in ``data/real/cn_enterprise_outlet_hourly`` (CV 4-8 % against a
    yearly 41 %, measurement-to-measurement changes like noise) were reported.

    Defaults: ``window_hours=72``, ``min_coverage=0.75``, ``range_fraction=0.02``,
    ``min_steps=2``, ``cv_ratio=0.25``, ``lag1_max=0.5``, ``lag1_drop=0.3``, ``max_cv=0.03``,
    ``max_sd_steps=1.5``, ``min_baseline_windows=10``.

    Not flagged (honest traps): honest pH (tiny CV, but its own baseline is tiny too), a pH or TP
    flickering between two neighbouring values at low resolution (one step), analyser
    holds (they make r1 high, not low), frozen values (R = 0: that is `frozen`), calm honest
    periods whose CV is within four times the usual. A series scripted from its first day has no
    honest baseline and is left to `peer_outlier`.
    """

    name = "low_variability"
    category = "integrity"

    def __init__(
        self,
        *,
        window_hours: int = 72,
        min_coverage: float = 0.75,
        range_fraction: float = 0.02,
        min_steps: float = 2.0,
        cv_ratio: float = 0.25,
        lag1_max: float = 0.5,
        lag1_drop: float = 0.3,
        max_cv: float = 0.03,
        max_sd_steps: float = 1.5,
        min_baseline_windows: int = 10,
    ) -> None:
        self.window_hours = window_hours
        self.min_coverage = min_coverage
        self.range_fraction = range_fraction
        self.min_steps = min_steps
        self.cv_ratio = cv_ratio
        self.lag1_max = lag1_max
        self.lag1_drop = lag1_drop
        self.max_cv = max_cv
        self.max_sd_steps = max_sd_steps
        self.min_baseline_windows = min_baseline_windows

    @property
    def _blocks(self) -> int:
        """Days in a window."""
        return max(1, self.window_hours // DAY_HOURS)

    def _detect(self, outlet: OutletData) -> Iterator[Finding]:
        for s in measured_series(outlet):
            if s.code not in CONCENTRATIONS and s.code != PH:
                continue
            yield from self._series(outlet, s)

    def _series(self, outlet: OutletData, s: Series) -> Iterator[Finding]:
        rng = outlet.spec.pollutant(s.code).range_or_default
        if rng is None:
            return
        span = rng[1] - rng[0]
        narrow = self._narrow(s, span)
        if narrow is None:
            return  # the cheap test first: most series never wiggle this little
        scripted = self._scripted(outlet, s, narrow)
        if scripted is None:
            return
        days = self._days(scripted.bad)
        for d_first, d_last in zip(days.first.tolist(), days.last.tolist(), strict=True):
            yield self._finding(outlet, s, scripted, span, d_first, d_last)

    def _narrow(self, s: Series, span: float) -> _Narrow | None:
        """The windows' ranges; None when no window is narrow or too few are eligible."""
        h0, x = hourly_grid(hours_of(s.ts), s.values, normal_mask(s))
        blocks = self._blocks
        if len(x) < blocks * DAY_HOURS:
            return None
        n, rr = _window_range(x, DAY_HOURS, blocks)
        eligible = n >= self.min_coverage * blocks * DAY_HOURS
        with np.errstate(invalid="ignore"):
            narrow = eligible & (rr > 0) & (rr < self.range_fraction * span)
        if not narrow.any() or eligible.sum() < self.min_baseline_windows:
            return None
        return _Narrow(h0, x, rr, eligible, narrow)

    def _scripted(self, outlet: OutletData, s: Series, w: _Narrow) -> _Scripted | None:
        """The narrow windows that also vary far less, and less persistently, than the series'
        baseline; None when there are none (or too few eligible windows for a baseline)."""
        normal = normal_mask(s)
        step = resolution(s.values[normal])
        runs = held_runs(s.values, s.hours, normal, max_gap_hours=1.0)
        cycle = analyser_cycle_hours(runs, outlet.spec.pollutant(s.code).cycle_minutes)
        lag = max(1, round(cycle))
        cv, r1, mean = _window_moments(w.x, DAY_HOURS, self._blocks, lag)
        eligible = w.eligible & np.isfinite(cv)
        if eligible.sum() < self.min_baseline_windows:
            return None
        base_cv = float(np.median(cv[eligible]))
        base_r1 = float(np.nanmedian(np.where(eligible, r1, np.nan)))
        r1_limit = min(self.lag1_max, base_r1 - self.lag1_drop)
        with np.errstate(invalid="ignore"):
            bad = (
                w.narrow
                & eligible
                & (w.rr >= self.min_steps * step - 1e-9)
                & (cv < self.cv_ratio * base_cv)
                & (cv * mean < np.maximum(self.max_cv * mean, self.max_sd_steps * step))
                & (r1 < r1_limit)
            )
        if not bad.any():
            return None
        return _Scripted(w.h0, bad, cv, r1, w.rr, step, base_cv, base_r1, r1_limit)

    def _days(self, bad: np.ndarray) -> Segments:
        """Flagged windows ``[i, i + blocks)`` (in days) merged into stretches of days."""
        first = np.flatnonzero(bad)
        return stretches(covered(first, first + self._blocks - 1, len(bad) + self._blocks - 1))

    def _finding(
        self, outlet: OutletData, s: Series, w: _Scripted, span: float, d_first: int, d_last: int
    ) -> Finding:
        lo_h = w.h0 + d_first * DAY_HOURS
        hi_h = w.h0 + (d_last + 1) * DAY_HOURS - 1
        hours = hours_of(s.ts)
        idx = np.flatnonzero(normal_mask(s) & (hours >= lo_h) & (hours <= hi_h))
        flagged = np.flatnonzero(w.bad[d_first : d_last - self._blocks + 2]) + d_first
        worst = int(flagged[np.argmin(w.cv[flagged])])
        values = s.values[idx]
        return self.finding(
            outlet,
            s.code,
            timestamp(s.ts[idx[0]]),
            timestamp(s.ts[idx[-1]]),
            severity="medium",
            confidence=0.7,
            message="low_variability.summary",
            evidence={
                "rule": "range < fraction of span, CV and lag-1 autocorrelation far below "
                "the series' baseline",
                "statistic": "window CV, lag-1 autocorrelation, range",
                "threshold": {
                    "range_max": round(self.range_fraction * span, 9),
                    "range_min": round(self.min_steps * w.step, 9),
                    "cv_max": round(self.cv_ratio * w.base_cv, 9),
                    "r1_max": round(w.r1_limit, 9),
                },
                "window_hours": self.window_hours,
                "hours": int(hi_h - lo_h + 1),
                "window_cv": float(w.cv[worst]),
                "window_r1": float(w.r1[worst]),
                "window_range": float(w.rr[worst]),
                "baseline_cv": w.base_cv,
                "baseline_r1": w.base_r1,
                "resolution": w.step,
                "min": float(values.min()),
                "max": float(values.max()),
            },
            low=float(values.min()),
            high=float(values.max()),
            days=d_last - d_first + 1,
            cv=float(w.cv[worst]),
            base_cv=w.base_cv,
        )


def _window_range(x: np.ndarray, block: int, blocks: int) -> tuple[np.ndarray, np.ndarray]:
    """Readings ``n`` and range ``max - min`` of every window of ``blocks`` consecutive blocks of
    ``block`` hours of the hourly grid ``x`` (NaN = no reading)."""
    have = ~np.isnan(x)
    nb = -(-len(x) // block)
    grid = np.r_[x, np.full(nb * block - len(x), np.nan)].reshape(nb, block)
    empty = np.isnan(grid)
    bmax = np.where(empty, -np.inf, grid).max(axis=1)
    bmin = np.where(empty, np.inf, grid).min(axis=1)
    wmax = sliding_window_view(bmax, blocks).max(axis=1)
    wmin = sliding_window_view(bmin, blocks).min(axis=1)
    n = window_sums(block_sums(have.astype(np.float64), block), blocks)
    with np.errstate(invalid="ignore"):
        return n, np.where(n > 0, wmax - wmin, np.nan)


def _window_moments(
    x: np.ndarray, block: int, blocks: int, lag: int = 1
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CV, autocorrelation at ``lag`` hours and mean of every window (as `_window_range`), over pairs
    of readings ``lag`` hours apart, a pair belonging to the block of its later hour."""
    have = ~np.isnan(x)
    xz = np.where(have, x, 0.0)
    prev = np.r_[np.full(lag, np.nan), x[:-lag]]
    pair = have & ~np.isnan(prev)
    pz = np.where(pair, prev, 0.0)
    cz = np.where(pair, xz, 0.0)
    sums = {
        "n": have.astype(np.float64),
        "s": xz,
        "ss": xz * xz,
        "np": pair.astype(np.float64),
        "px": cz,
        "py": pz,
        "pxx": cz * cz,
        "pyy": pz * pz,
        "pxy": cz * pz,
    }
    w = {k: window_sums(block_sums(v, block), blocks) for k, v in sums.items()}
    with np.errstate(invalid="ignore", divide="ignore"):
        n = w["n"]
        mean = w["s"] / n
        var = np.maximum(w["ss"] / n - mean * mean, 0.0)
        cv = np.where(mean > 0, np.sqrt(var) / mean, np.nan)
        m = w["np"]
        cov = w["pxy"] / m - (w["px"] / m) * (w["py"] / m)
        vx = w["pxx"] / m - (w["px"] / m) ** 2
        vy = w["pyy"] / m - (w["py"] / m) ** 2
        r1 = cov / np.sqrt(np.maximum(vx * vy, 0.0))
    return cv, r1, mean
