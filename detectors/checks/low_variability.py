"""Days that wiggle too little and too randomly for a measured effluent (小幅波动)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from statistics import NormalDist

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
class _Scripted:
    """The windows of one series found scripted (``bad``, index = the window's first day counted
    from grid hour ``h0``) and what a finding reports: each window's ``cv``, ``r1`` and range
    ``rr``, the series' ``step`` (resolution), the null model's median log CV ``m``, its scale
    ``scale``, the standard-normal quantile ``k`` and the bar ``cv_max``."""

    h0: int
    bad: np.ndarray
    cv: np.ndarray
    r1: np.ndarray
    rr: np.ndarray
    step: float
    m: float
    scale: float
    k: float
    cv_max: float


@register
class LowVariabilityDetector(Detector):
    """Days that vary far less than this series ever varies (scripted, smoothed or shrunk values,
    小幅波动).

    Per concentration or pH series, on readings flagged N placed on an hourly grid, for every
    window of ``window_hours`` starting at each whole day from the series' first hour with at
    least ``min_coverage * window_hours`` readings: its range ``R = max - min``, ``CV = sd /
    mean`` and ``z = ln CV``. Null model: the series' own windows. Their ``z`` are taken as
    normal with location ``m`` (their median) and scale ``s = max(1.4826 * MAD(z), 1 /
    sqrt(2 * window_hours / c))`` (the MAD resists scripted windows among them; the floor is the
    sampling spread of a log standard deviation from ``window_hours / c`` measurements, ``c``
    the analyser cycle). With ``W`` eligible windows, ``W / days_per_window`` of them
    independent, and the series' span in ``years`` (at least a month), a window is flagged when

        R >= min_steps * resolution,
        CV < exp(m - k * s),   k = Phi^-1(1 - false_alarms_per_year * years * days / W),
        sd < max(max_cv * mean, max_sd_steps * resolution)   (pH: sd < max_ph_sd),
        C >= min_change_share

    where ``C`` is the share of the window's readings ``c`` hours apart that differ (a scripted,
    smoothed or shrunk series still changes at nearly every measurement; a window that mostly
    repeats its values is a hold, `frozen`'s business: the real series in ``tests/data`` has
    three days held between 2.09 and 2.13 mg/L that were reported without this). Honest windows
    fall below the bar ``false_alarms_per_year`` times a series-year. The sd condition is a
    physical one: a measured effluent varies by at least an analyser's repeatability (a few %;
    a pH electrode's hundredths), so calm but measured days are not scripted; without it, three
    calm spells of the real series in ``data/real/cn_enterprise_outlet_hourly`` (CV 4-8 %
    against a yearly 41 %) were reported by an older rule (now the null bar keeps them too:
    ``max_cv`` went from 0.03 to 0.05, +5 % recall on the tuning seeds, with no finding on
    their honest outlets or the real series). Overlapping flagged windows merge into one
    finding.

    Defaults: ``window_hours=72``, ``min_coverage=0.75``, ``min_steps=2``, ``max_cv=0.05``,
    ``max_sd_steps=1.5``, ``max_ph_sd=0.02``, ``min_baseline_windows=10``,
    ``min_change_share=0.5``, ``false_alarms_per_year=0.001`` (per series). The old rule also
    asked for a range under 2 % of the analyser's span, a CV under a quarter of the median
    window's and a lag-1 autocorrelation far below the series' own, with ``max_cv=0.03``: a
    smooth sine or a series shrunk toward its median keeps its persistence, and 9 of 54 such
    windows were found on the tuning seeds of ``bench/independent_fleet.py``.

    Not flagged (honest traps): honest pH (tiny CV, but its own windows' CV is tiny too), a pH or
    TP flickering between two neighbouring values at low resolution (one step), frozen values
    (R = 0: that is `frozen`), calm honest periods whose sd stays above the analyser's
    repeatability. A series scripted from its first day has no honest baseline and is left to
    `peer_outlier`.
    """

    name = "low_variability"
    category = "integrity"

    def __init__(
        self,
        *,
        window_hours: int = 72,
        min_coverage: float = 0.75,
        min_steps: float = 2.0,
        max_cv: float = 0.05,
        max_sd_steps: float = 1.5,
        max_ph_sd: float = 0.02,
        min_baseline_windows: int = 10,
        min_change_share: float = 0.5,
        false_alarms_per_year: float = 0.001,
    ) -> None:
        self.window_hours = window_hours
        self.min_coverage = min_coverage
        self.min_steps = min_steps
        self.max_cv = max_cv
        self.max_sd_steps = max_sd_steps
        self.max_ph_sd = max_ph_sd
        self.min_baseline_windows = min_baseline_windows
        self.min_change_share = min_change_share
        self.false_alarms_per_year = false_alarms_per_year

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
        scripted = self._scripted(outlet, s)
        if scripted is None:
            return
        days = self._days(scripted.bad)
        for d_first, d_last in zip(days.first.tolist(), days.last.tolist(), strict=True):
            yield self._finding(outlet, s, scripted, d_first, d_last)

    def _scripted(self, outlet: OutletData, s: Series) -> _Scripted | None:
        """The windows that vary far less than the series' own windows; None when there are
        none (or too few eligible windows for a baseline)."""
        normal = normal_mask(s)
        h0, x = hourly_grid(hours_of(s.ts), s.values, normal)
        blocks = self._blocks
        if len(x) < blocks * DAY_HOURS:
            return None
        n, rr = _window_range(x, DAY_HOURS, blocks)
        cv, mean = _window_cv(x, n, DAY_HOURS, blocks)
        with np.errstate(invalid="ignore", divide="ignore"):
            eligible = (n >= self.min_coverage * blocks * DAY_HOURS) & (cv > 0) & (rr > 0)
        count = int(eligible.sum())
        if count < self.min_baseline_windows:
            return None
        z = np.log(cv[eligible])
        m = float(np.median(z))
        mad_scale = 1.4826 * float(np.median(np.abs(z - m)))
        years = max(float(s.hours[-1] - s.hours[0]) / 8766.0, 1.0 / 12.0)
        alpha = min(0.5, self.false_alarms_per_year * years * blocks / count)
        k = -NormalDist().inv_cdf(alpha)
        if not (cv[eligible] < np.exp(m - k * mad_scale)).any():
            return None  # the cheap test first: the floor on the scale only lowers the bar
        step = resolution(s.values[normal])
        step = 0.0 if not np.isfinite(step) else step
        if s.code == PH:  # absolute, and quantisation is no excuse for a pH
            sd_max = np.full(len(mean), self.max_ph_sd)
        else:
            sd_max = np.maximum(self.max_cv * mean, self.max_sd_steps * step)
        with np.errstate(invalid="ignore"):
            bad = eligible & (rr >= self.min_steps * step - 1e-9) & (cv * mean < sd_max)
        if not bad.any():
            return None
        runs = held_runs(s.values, s.hours, normal, max_gap_hours=1.0)
        cycle = analyser_cycle_hours(runs, outlet.spec.pollutant(s.code).cycle_minutes)
        lag = max(1, round(cycle))
        floor = 1.0 / np.sqrt(2.0 * blocks * DAY_HOURS / max(cycle, 1.0))
        scale = max(mad_scale, floor)
        cv_max = float(np.exp(m - k * scale))
        with np.errstate(invalid="ignore"):
            bad &= cv < cv_max
        if not bad.any():
            return None
        bad &= _window_change_share(x, DAY_HOURS, blocks, lag) >= self.min_change_share
        if not bad.any():
            return None
        _, r1, _ = _window_moments(x, DAY_HOURS, blocks, lag)  # for the evidence
        return _Scripted(h0, bad, cv, r1, rr, step, m, scale, k, cv_max)

    def _days(self, bad: np.ndarray) -> Segments:
        """Flagged windows ``[i, i + blocks)`` (in days) merged into stretches of days."""
        first = np.flatnonzero(bad)
        return stretches(covered(first, first + self._blocks - 1, len(bad) + self._blocks - 1))

    def _finding(
        self, outlet: OutletData, s: Series, w: _Scripted, d_first: int, d_last: int
    ) -> Finding:
        lo_h = w.h0 + d_first * DAY_HOURS
        hi_h = w.h0 + (d_last + 1) * DAY_HOURS - 1
        hours = hours_of(s.ts)
        idx = np.flatnonzero(normal_mask(s) & (hours >= lo_h) & (hours <= hi_h))
        flagged = np.flatnonzero(w.bad[d_first : d_last - self._blocks + 2]) + d_first
        worst = int(flagged[np.argmin(w.cv[flagged])])
        values = s.values[idx]
        base_cv = float(np.exp(w.m))
        return self.finding(
            outlet,
            s.code,
            timestamp(s.ts[idx[0]]),
            timestamp(s.ts[idx[-1]]),
            severity="medium",
            confidence=0.7,
            message="low_variability.summary",
            evidence={
                "rule": "window CV below the series' own windows' lower tail (log-normal, "
                "median and MAD) and sd below the analyser's repeatability",
                "statistic": "window CV",
                "threshold": round(w.cv_max, 9),
                "window_hours": self.window_hours,
                "false_alarm_rate_per_year": self.false_alarms_per_year,
                "hours": int(hi_h - lo_h + 1),
                "window_cv": float(w.cv[worst]),
                "window_r1": float(w.r1[worst]),
                "window_range": float(w.rr[worst]),
                "baseline_cv": base_cv,
                "log_cv_scale": round(w.scale, 6),
                "normal_quantile": round(w.k, 6),
                "sd_max": round(
                    self.max_ph_sd
                    if s.code == PH
                    else max(self.max_cv * float(values.mean()), self.max_sd_steps * w.step),
                    9,
                ),
                "resolution": w.step,
                "min": float(values.min()),
                "max": float(values.max()),
            },
            low=float(values.min()),
            high=float(values.max()),
            days=d_last - d_first + 1,
            cv=float(w.cv[worst]),
            base_cv=base_cv,
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


def _window_change_share(x: np.ndarray, block: int, blocks: int, lag: int) -> np.ndarray:
    """Per window (as `_window_range`), the share of readings ``lag`` hours apart (both present)
    whose values differ: how often the window's measurements change."""
    prev = np.r_[np.full(lag, np.nan), x[:-lag]]
    pair = ~np.isnan(x) & ~np.isnan(prev)
    changed = pair & (np.abs(x - prev) > 1e-9)
    n = window_sums(block_sums(pair.astype(np.float64), block), blocks)
    c = window_sums(block_sums(changed.astype(np.float64), block), blocks)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, c / n, 0.0)


def _window_cv(
    x: np.ndarray, n: np.ndarray, block: int, blocks: int
) -> tuple[np.ndarray, np.ndarray]:
    """CV and mean of every window (as `_window_range`, whose readings ``n`` it takes)."""
    xz = np.where(np.isnan(x), 0.0, x)
    sx = window_sums(block_sums(xz, block), blocks)
    sxx = window_sums(block_sums(xz * xz, block), blocks)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = sx / n
        var = np.maximum(sxx / n - mean * mean, 0.0)
        return np.where(mean > 0, np.sqrt(var) / mean, np.nan), mean
