"""Values that do not move like a measurement: frozen output, scripted small wiggles (小幅波动),
zeros and detection-limit floors while discharging, and the standard solution fed as the sample.

All four judge a series against its own history: its analyser cycle (how long an honest value is
held), its resolution and its baseline run lengths and variability (`detectors.series`).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from detectors.base import Detector
from detectors.finding import Finding, Severity
from detectors.frame import OutletData, Series
from detectors.registry import register
from detectors.series import (
    DAY_HOURS,
    HOUR_NS,
    analyser_cycle_hours,
    block_sums,
    held_runs,
    hourly_grid,
    hours_of,
    resolution,
    segments,
    timestamp,
    window_sums,
)
from detectors.spec import CONCENTRATIONS, FLOW, PH


def normal_mask(s: Series) -> np.ndarray:
    """Readings flagged N with a number (T, over the range, is left to the range detector)."""
    return s.normal


def flow_at(outlet: OutletData, s: Series) -> np.ndarray:
    """The outlet's flow in the hour of each reading of ``s`` (NaN where unknown)."""
    flow = outlet.flow
    if len(flow) == 0 or np.isnan(flow).all():
        return np.full(len(s), np.nan)
    idx = hours_of(s.ts) - int(outlet.grid[0].value // HOUR_NS)
    return flow[np.clip(idx, 0, len(flow) - 1)]


def _channels(outlet: OutletData) -> list[Series]:
    """The concentration and pH series of the outlet (flow is the context, not the subject)."""
    out = []
    for code in outlet.pollutants:
        s = outlet.series(code)
        if s is not None and code != FLOW and normal_mask(s).any():
            out.append(s)
    return out


def _flow_text(flow: np.ndarray) -> tuple[float | None, float | None]:
    known = flow[~np.isnan(flow)]
    if len(known) == 0:
        return None, None
    return float(known.min()), float(known.max())


@register
class FrozenValueDetector(Detector):
    """One value held far longer than this analyser ever holds an honest value (hung bottle,
    frozen output, typed constant 恒值).

    Per series, on readings flagged N: held runs of one value (`detectors.series.held_runs`, a run
    survives gaps of up to ``max_gap_hours``), each with its duration ``h`` in clock hours. With
    ``c`` the analyser cycle in hours (registry ``cycle_minutes``, else learned: the most common
    held-run length) and ``q`` the ``baseline_quantile`` of the series' own run durations, a run
    is flagged when

        h >= max(min_cycles * c, min_hours)   and   (h > min(max(q, g), high_hours)  or
                                                    h >= high_hours)

    where ``g`` is the run a low-resolution series makes by chance: with ``p`` the chance that a
    new measurement repeats the last one (estimated as the share of runs lasting two cycles or
    more), runs of ``k`` cycles or more are expected ``N p^(k-1)`` times among ``N`` runs;
    ``g = c * k`` for the smallest ``k`` expected fewer than ``max_chance_runs`` times (a TP at
    0.01 mg/L that repeats one time in three makes 24-h runs by chance in a year of data; a run
    must be strictly longer than both, as the design says "longer than the 99.5th percentile":
    run lengths are multiples of the cycle, and runs exactly at the bar were honest)

    and, where the outlet reports flow, the flow is > 0 in at least ``min_flow_share`` of the
    run's hours (a plant at rest may hold its last value). Severity high when ``h >= high_hours``.
    The baseline term is capped at ``high_hours`` so that a series frozen most of the time cannot
    raise its own bar above three days, and the quantile is the "lower" one (an observed run
    duration), so that in a short series (under 1 / (1 - q) runs) the longest run never sets its
    own bar.

    Defaults: ``min_cycles=6``, ``min_hours=24``, ``baseline_quantile=0.995``, ``high_hours=72``,
    ``max_gap_hours=1``, ``min_flow_share=0.5``, ``max_chance_runs=0.001``.

    Not flagged (honest traps): analyser cycles (values held 2-4 h, and the 6-8 h holds that are
    the norm of the real series in ``data/real/cn_enterprise_outlet_hourly``), low resolution
    (repeats of a pH 7.2 are runs of the same length as the series' own), shutdown holds while
    flow is 0, calibration and maintenance hours (not N: they break nothing and join nothing).
    Whole days at one value ARE reported when longer than the series' own 99.5th percentile run:
    they are leads, to be explained by the plant.
    """

    name = "frozen"
    category = "integrity"

    def __init__(
        self,
        *,
        min_cycles: float = 6.0,
        min_hours: float = 24.0,
        baseline_quantile: float = 0.995,
        high_hours: float = 72.0,
        max_gap_hours: float = 1.0,
        min_flow_share: float = 0.5,
        max_chance_runs: float = 0.001,
    ) -> None:
        self.min_cycles = min_cycles
        self.min_hours = min_hours
        self.baseline_quantile = baseline_quantile
        self.high_hours = high_hours
        self.max_gap_hours = max_gap_hours
        self.min_flow_share = min_flow_share
        self.max_chance_runs = max_chance_runs

    def _detect(self, outlet: OutletData) -> Iterator[Finding]:
        for s in _channels(outlet):
            runs = held_runs(s.values, s.hours, normal_mask(s), max_gap_hours=self.max_gap_hours)
            cycle = analyser_cycle_hours(runs, outlet.spec.pollutant(s.code).cycle_minutes)
            q = float(np.quantile(runs.hours, self.baseline_quantile, method="lower"))
            chance = _chance_run_hours(runs.hours, cycle, self.max_chance_runs)
            floor = max(self.min_cycles * cycle, self.min_hours)
            bar = min(max(q, chance), self.high_hours)
            threshold = max(floor, bar)
            h = runs.hours
            long = np.flatnonzero((h >= floor) & ((h > bar) | (h >= self.high_hours)))
            if len(long) == 0:
                continue
            flow = flow_at(outlet, s)
            for i in long.tolist():
                a, b = int(runs.first[i]), int(runs.last[i])
                f = flow[a : b + 1]
                known = ~np.isnan(f)
                on_share = float((f[known] > 0).mean()) if known.any() else None
                if on_share is not None and on_share < self.min_flow_share:
                    continue
                hours = float(runs.hours[i])
                lo, hi = _flow_text(f)
                yield self.finding(
                    outlet,
                    s.code,
                    timestamp(s.ts[a]),
                    timestamp(s.ts[b]),
                    severity="high" if hours >= self.high_hours else "medium",
                    confidence=min(1.0, 0.6 + 0.4 * (hours - threshold) / threshold),
                    message="frozen.flow" if lo is not None else "frozen.noflow",
                    evidence={
                        "rule": "identical value held at least T hours, flow > 0",
                        "statistic": "held-run duration (h)",
                        "threshold": round(threshold, 3),
                        "window_hours": hours,
                        "value": float(runs.value[i]),
                        "hours": hours,
                        "readings": int(runs.count[i]),
                        "cycles": round(hours / cycle, 2),
                        "cycle_hours": cycle,
                        "baseline_run_quantile_hours": round(q, 3),
                        "chance_run_hours": round(chance, 3),
                        "flow_on_share": on_share,
                        "flow_min": lo,
                        "flow_max": hi,
                    },
                    value=float(runs.value[i]),
                    hours=hours,
                    cycles=hours / cycle,
                    flow_min=lo,
                    flow_max=hi,
                )


def _chance_run_hours(hours: np.ndarray, cycle: float, max_runs: float) -> float:
    """The shortest run (h) expected fewer than ``max_runs`` times by chance among ``len(hours)``
    runs if each new measurement repeats the last with probability ``p``, estimated as the share
    of runs that last two cycles or more (each long run counts once, so a few frozen days do
    not raise the estimate the way they would raise a mean run length)."""
    if len(hours) == 0:
        return 0.0
    p = float(np.mean(hours >= 2 * cycle - 1e-9))
    if p <= 0.0:
        return cycle
    if p >= 1.0:
        return float("inf")
    k = 1.0 + np.log(len(hours) / max_runs) / np.log(1.0 / p)
    return float(np.ceil(k) * cycle)


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

    def _detect(self, outlet: OutletData) -> Iterator[Finding]:
        for s in _channels(outlet):
            if s.code not in CONCENTRATIONS and s.code != PH:
                continue
            yield from self._series(outlet, s)

    def _series(self, outlet: OutletData, s: Series) -> Iterator[Finding]:
        normal = normal_mask(s)
        rng = outlet.spec.pollutant(s.code).range_or_default
        if rng is None:
            return
        span = rng[1] - rng[0]
        hours = hours_of(s.ts)
        h0, x = hourly_grid(hours, s.values, normal)
        blocks = max(1, self.window_hours // DAY_HOURS)
        if len(x) < blocks * DAY_HOURS:
            return
        n, rr = _window_range(x, DAY_HOURS, blocks)
        eligible = n >= self.min_coverage * blocks * DAY_HOURS
        with np.errstate(invalid="ignore"):
            narrow = eligible & (rr > 0) & (rr < self.range_fraction * span)
        if not narrow.any() or eligible.sum() < self.min_baseline_windows:
            return  # the cheap test first: most series never wiggle this little
        step = resolution(s.values[normal])
        runs = held_runs(s.values, s.hours, normal, max_gap_hours=1.0)
        cycle = analyser_cycle_hours(runs, outlet.spec.pollutant(s.code).cycle_minutes)
        lag = max(1, round(cycle))
        cv, r1, mean = _window_moments(x, DAY_HOURS, blocks, lag)
        eligible &= np.isfinite(cv)
        if eligible.sum() < self.min_baseline_windows:
            return
        base_cv = float(np.median(cv[eligible]))
        base_r1 = float(np.nanmedian(np.where(eligible, r1, np.nan)))
        r1_limit = min(self.lag1_max, base_r1 - self.lag1_drop)
        with np.errstate(invalid="ignore"):
            bad = (
                narrow
                & eligible
                & (rr >= self.min_steps * step - 1e-9)
                & (cv < self.cv_ratio * base_cv)
                & (cv * mean < np.maximum(self.max_cv * mean, self.max_sd_steps * step))
                & (r1 < r1_limit)
            )
        if not bad.any():
            return
        # merge windows [i, i + blocks) (in days) into stretches of days
        cover = np.zeros(len(bad) + blocks, dtype=np.int64)
        np.add.at(cover, np.flatnonzero(bad), 1)
        np.add.at(cover, np.flatnonzero(bad) + blocks, -1)
        covered = np.cumsum(cover)[: len(bad) + blocks - 1] > 0
        day_segs = segments(covered, np.arange(len(covered), dtype="float64"))
        for d_first, d_last in zip(day_segs.first.tolist(), day_segs.last.tolist(), strict=True):
            lo_h = h0 + d_first * DAY_HOURS
            hi_h = h0 + (d_last + 1) * DAY_HOURS - 1
            inside = normal & (hours >= lo_h) & (hours <= hi_h)
            idx = np.flatnonzero(inside)
            flagged = np.flatnonzero(bad[d_first : d_last - blocks + 2]) + d_first
            worst = int(flagged[np.argmin(cv[flagged])])
            values = s.values[idx]
            yield self.finding(
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
                        "range_min": round(self.min_steps * step, 9),
                        "cv_max": round(self.cv_ratio * base_cv, 9),
                        "r1_max": round(r1_limit, 9),
                    },
                    "window_hours": self.window_hours,
                    "hours": int(hi_h - lo_h + 1),
                    "window_cv": float(cv[worst]),
                    "window_r1": float(r1[worst]),
                    "window_range": float(rr[worst]),
                    "baseline_cv": base_cv,
                    "baseline_r1": base_r1,
                    "resolution": step,
                    "min": float(values.min()),
                    "max": float(values.max()),
                },
                low=float(values.min()),
                high=float(values.max()),
                days=d_last - d_first + 1,
                cv=float(cv[worst]),
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


@register
class ZeroFloorDetector(Detector):
    """Zeros and detection-limit floors reported while the plant discharges (zeroed analyser,
    clean-water bottle).

    Per concentration series, on readings flagged N, with ``Q`` the outlet's flow in the hour:

    - ``zeros``: stretches (joined across ``join_gap_hours``) of ``v == 0`` with ``Q > 0`` of at
      least ``min_zero_readings`` readings; an analyser in service does not report an exact 0
      (platforms treat it as abnormal data);
    - ``floor``: with ``f`` the series' smallest positive value (a detection limit reads as the
      lowest value) and ``m`` its median, stretches of ``0 < v <= f`` lasting at least
      ``max(min_floor_cycles * c, min_floor_hours)`` hours (``c`` the analyser cycle) with
      ``Q > 0`` in at least half of the hours where flow is known, provided the series normally
      reads above its floor (``m >= floor_ratio * f``), rarely visits it otherwise (readings at
      ``f`` outside such stretches are at most ``max_floor_share`` of its normal readings), and
      the stretch is a step: the normal readings just before and after it are both at least
      ``step_ratio * f`` (an honest trough slopes down to its minimum and back). The
      design's "well above" (10x) missed a COD at a limit of 4 mg/L in a plant reading 15-28;
      the share of floor visits is the sharper sign of a floor that is not the effluent's.

    Severity high for 6+ zero readings or a floor of 24+ h, else medium. Defaults:
    ``min_zero_readings=2``, ``floor_ratio=2``, ``max_floor_share=0.05``,
    ``step_ratio=2``, ``min_floor_cycles=6``, ``min_floor_hours=12``, ``join_gap_hours=1``.

    Not flagged (honest traps): shutdowns (zeros flagged F, or flow 0), zeros where the outlet
    reports no flow at all (nothing shows that it was discharging; the real series in
    ``data/real/cn_enterprise_outlet_hourly`` has 8 such zeros), a single zero, a clean effluent
    that honestly sits near its floor (its median is near the floor, or it visits the floor
    often), short dips to the floor within a few analyser cycles.
    """

    name = "zero_floor"
    category = "integrity"

    def __init__(
        self,
        *,
        min_zero_readings: int = 2,
        floor_ratio: float = 2.0,
        max_floor_share: float = 0.05,
        step_ratio: float = 2.0,
        min_floor_cycles: float = 6.0,
        min_floor_hours: float = 12.0,
        join_gap_hours: float = 1.0,
    ) -> None:
        self.min_zero_readings = min_zero_readings
        self.floor_ratio = floor_ratio
        self.max_floor_share = max_floor_share
        self.step_ratio = step_ratio
        self.min_floor_cycles = min_floor_cycles
        self.min_floor_hours = min_floor_hours
        self.join_gap_hours = join_gap_hours

    def _detect(self, outlet: OutletData) -> Iterator[Finding]:
        for s in _channels(outlet):
            if s.code not in CONCENTRATIONS:
                continue
            yield from self._series(outlet, s)

    def _series(self, outlet: OutletData, s: Series) -> Iterator[Finding]:
        normal = normal_mask(s)
        v = s.values
        flow = flow_at(outlet, s)
        zeros = normal & (v == 0) & (flow > 0)
        segs = segments(zeros, s.hours, join_gap_hours=self.join_gap_hours, considered=s.valid)
        count = np.cumsum(zeros)
        for a, b in zip(segs.first.tolist(), segs.last.tolist(), strict=True):
            n = int(count[b] - (count[a - 1] if a else 0))
            if n < self.min_zero_readings:
                continue
            lo, hi = _flow_text(flow[a : b + 1][zeros[a : b + 1]])
            yield self._zero_finding(outlet, s, a, b, n, lo, hi)
        positive = v[normal & (v > 0)]
        if len(positive) == 0:
            return
        f = float(positive.min())
        median = float(np.median(v[normal]))
        if median < self.floor_ratio * f:
            return
        runs = held_runs(v, s.hours, normal, max_gap_hours=self.join_gap_hours)
        cycle = analyser_cycle_hours(runs, outlet.spec.pollutant(s.code).cycle_minutes)
        need = max(self.min_floor_cycles * cycle, self.min_floor_hours)
        at_floor = normal & (v > 0) & (v <= f * (1 + 1e-9))
        segs = segments(at_floor, s.hours, join_gap_hours=self.join_gap_hours, considered=s.valid)
        durations = (s.ts[segs.last] - s.ts[segs.first]) / HOUR_NS + 1
        long = durations >= need
        if not long.any():
            return
        in_long = np.zeros(len(v) + 1, dtype=np.int64)
        np.add.at(in_long, segs.first[long], 1)
        np.add.at(in_long, segs.last[long] + 1, -1)
        elsewhere = at_floor & (np.cumsum(in_long)[:-1] == 0)
        share = float(elsewhere.sum() / normal.sum())
        if share > self.max_floor_share:
            return  # the series visits its floor often: its floor is its normal
        idx = np.flatnonzero(normal)
        for i in np.flatnonzero(long).tolist():
            a, b = int(segs.first[i]), int(segs.last[i])
            hours = float(durations[i])
            fl = flow[a : b + 1]
            known = ~np.isnan(fl)
            if known.any() and (fl[known] > 0).mean() < 0.5:
                continue
            k = np.searchsorted(idx, a)
            around = [v[idx[k - 1]]] if k > 0 else []
            k = np.searchsorted(idx, b, side="right")
            around += [v[idx[k]]] if k < len(idx) else []
            if not around or min(around) < self.step_ratio * f:
                continue  # an honest trough slopes down to its minimum; a floor is a step
            yield self.finding(
                outlet,
                s.code,
                timestamp(s.ts[a]),
                timestamp(s.ts[b]),
                severity="high" if hours >= 24 else "medium",
                confidence=0.75,
                message="zero_floor.floor",
                evidence={
                    "rule": "floor: at the series' smallest positive value for many cycles",
                    "statistic": "duration at floor (h)",
                    "threshold": need,
                    "window_hours": hours,
                    "floor": f,
                    "series_median": median,
                    "floor_ratio": round(median / f, 3),
                    "floor_share_elsewhere": round(share, 6),
                    "cycle_hours": cycle,
                    "flow_known": bool(known.any()),
                },
                value=f,
                hours=hours,
                median=median,
            )

    def _zero_finding(
        self,
        outlet: OutletData,
        s: Series,
        a: int,
        b: int,
        n: int,
        lo: float | None,
        hi: float | None,
    ) -> Finding:
        severity: Severity = "high" if n >= 6 else "medium"
        return self.finding(
            outlet,
            s.code,
            timestamp(s.ts[a]),
            timestamp(s.ts[b]),
            severity=severity,
            confidence=0.9,
            message="zero_floor.zeros",
            evidence={
                "rule": "zeros: exact 0 flagged N while flow > 0",
                "statistic": "zero readings in a stretch",
                "threshold": self.min_zero_readings,
                "window_hours": float((s.ts[b] - s.ts[a]) / HOUR_NS + 1),
                "readings": n,
                "flow_min": lo,
                "flow_max": hi,
            },
            count=n,
            flow_min=lo,
            flow_max=hi,
        )


@register
class StandardSubstitutionDetector(Detector):
    """Normal-flagged values that sit on the calibration standard's concentration for many cycles
    (the standard solution fed to the analyser as if it were the sample).

    Per pollutant with a registered ``standard`` ``S``, on readings flagged N, with
    ``t = tolerance_fraction * S``: stretches (joined across ``join_gap_hours``; C/M/D readings
    skipped) of ``|v - S| <= t`` whose spread ``max - min`` is at most
    ``repeatability_fraction * S`` (tighter than an analyser's repeatability on a real sample)
    and whose duration ``h`` satisfies

        h >= max(min_cycles * c, min_hours)   and   h > baseline_factor * B

    with ``c`` the analyser cycle and ``B`` the series' own baseline stay: the
    ``baseline_quantile`` of the durations of every stretch of ``|v - L_k| <= t`` around the
    levels ``L_k`` the series normally visits (its 5th, 10th, ..., 95th percentiles). A plant that
    honestly discharges around the standard's level, or drifts slowly through it, stays that long
    near its other levels too. The factor is there because the candidate is the longest of many
    visits to ``S`` while ``B`` is a quantile: with ``h > B`` alone, 8 honest series in 11
    simulated fleets of 40 outlets had a visit just longer than ``B``. Severity high from 24 h.

    Defaults: ``tolerance_fraction=0.02``, ``repeatability_fraction=0.03``, ``min_cycles=6``,
    ``min_hours=12`` (design: 6 cycles; with an hourly analyser 6 h in a 4 % band is an ordinary
    calm spell), ``baseline_quantile=0.995``, ``baseline_factor=2``, ``join_gap_hours=1``.

    Not flagged (honest traps): the weekly calibration hours reading the standard flagged C (not
    N; they neither start nor extend a stretch), an effluent passing through the standard's
    level for a few cycles, a plant whose normal level is the standard's, low resolution (a TP
    of 0.20 held by an hourly analyser is judged against how long it holds 0.23 or 0.31).
    """

    name = "standard_substitution"
    category = "integrity"

    def __init__(
        self,
        *,
        tolerance_fraction: float = 0.02,
        repeatability_fraction: float = 0.03,
        min_cycles: float = 6.0,
        min_hours: float = 12.0,
        baseline_quantile: float = 0.995,
        baseline_factor: float = 2.0,
        join_gap_hours: float = 1.0,
    ) -> None:
        self.tolerance_fraction = tolerance_fraction
        self.repeatability_fraction = repeatability_fraction
        self.min_cycles = min_cycles
        self.min_hours = min_hours
        self.baseline_quantile = baseline_quantile
        self.baseline_factor = baseline_factor
        self.join_gap_hours = join_gap_hours

    def _detect(self, outlet: OutletData) -> Iterator[Finding]:
        for s in _channels(outlet):
            standard = outlet.spec.pollutant(s.code).standard
            if standard is None or standard <= 0:
                continue
            yield from self._series(outlet, s, standard)

    def _series(self, outlet: OutletData, s: Series, standard: float) -> Iterator[Finding]:
        normal = normal_mask(s)
        v = s.values
        tol = self.tolerance_fraction * standard + 1e-9
        with np.errstate(invalid="ignore"):
            near = normal & (np.abs(v - standard) <= tol)
        if not near.any():
            return
        segs = segments(near, s.hours, join_gap_hours=self.join_gap_hours, considered=s.valid)
        hours = (s.ts[segs.last] - s.ts[segs.first]) / HOUR_NS + 1
        runs = held_runs(v, s.hours, normal, max_gap_hours=self.join_gap_hours)
        cycle = analyser_cycle_hours(runs, outlet.spec.pollutant(s.code).cycle_minutes)
        floor = max(self.min_cycles * cycle, self.min_hours)
        if not (hours >= floor).any():
            return
        levels = np.percentile(v[normal], np.arange(5, 100, 5))
        stay = _stay_quantile(
            v, s.hours, normal, levels, tol, self.join_gap_hours, self.baseline_quantile
        )
        keep = (hours >= floor) & (hours > self.baseline_factor * stay)
        for i in np.flatnonzero(keep).tolist():
            a, b = int(segs.first[i]), int(segs.last[i])
            part = v[a : b + 1][near[a : b + 1]]
            spread = float(part.max() - part.min())
            if spread > self.repeatability_fraction * standard + 1e-9:
                continue
            h = float(hours[i])
            median = float(np.median(v[normal & ~near])) if (normal & ~near).any() else standard
            yield self.finding(
                outlet,
                s.code,
                timestamp(s.ts[a]),
                timestamp(s.ts[b]),
                severity="high" if h >= 24 else "medium",
                confidence=0.8,
                message="standard_substitution.summary",
                evidence={
                    "rule": "normal values within tolerance of the calibration standard, longer "
                    "than the series stays near its usual levels, spread below repeatability",
                    "statistic": "duration near standard (h), spread",
                    "threshold": {
                        "hours_min": floor,
                        "baseline_stay_hours": stay,
                        "hours_min_baseline": self.baseline_factor * stay,
                        "tolerance": round(tol, 9),
                        "spread_max": round(self.repeatability_fraction * standard, 9),
                    },
                    "window_hours": h,
                    "standard": standard,
                    "mean": round(float(part.mean()), 9),
                    "spread": round(spread, 9),
                    "readings": len(part),
                    "cycle_hours": cycle,
                    "series_median_elsewhere": median,
                },
                standard=standard,
                mean=float(part.mean()),
                hours=h,
                median=median,
            )


def _stay_quantile(
    v: np.ndarray,
    hours: np.ndarray,
    normal: np.ndarray,
    levels: np.ndarray,
    tol: float,
    join_gap_hours: float,
    q: float,
) -> float:
    """The ``q`` quantile ("lower") of the durations (h) of every stretch of consecutive normal
    readings within ``tol`` of one of ``levels`` (a stretch breaks at a gap over
    ``1 + join_gap_hours`` hours), over all levels at once (one 2-D pass, no loop)."""
    sel = np.flatnonzero(normal)
    if len(sel) == 0:
        return 0.0
    x = v[sel]
    h = np.asarray(hours, dtype="float64")[sel]
    inside = np.abs(x[None, :] - levels[:, None]) <= tol  # (levels, readings)
    k, m = inside.shape
    padded = np.zeros((k, m + 1), dtype=bool)
    padded[:, :m] = inside
    flat = padded.ravel()
    gap = np.r_[False, np.diff(h) > 1.0 + join_gap_hours + 1e-9]
    brk = np.zeros((k, m + 1), dtype=bool)
    brk[:, :m] = gap[None, :]
    brk = brk.ravel()
    starts = np.flatnonzero(flat & (np.r_[True, ~flat[:-1]] | brk))
    ends = np.flatnonzero(flat & (np.r_[~flat[1:], True] | np.r_[brk[1:], True]))
    if len(starts) == 0:
        return 0.0
    hh = np.r_[h, np.nan]
    durations = hh[ends % (m + 1)] - hh[starts % (m + 1)] + 1.0
    return float(np.quantile(durations, q, method="lower"))
