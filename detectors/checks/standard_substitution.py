"""The calibration standard solution fed to the analyser as if it were the sample."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from detectors.base import Detector, register
from detectors.checks._common import measured_series, normal_mask, tail_hours, tail_survival
from detectors.finding import Finding
from detectors.frame import OutletData, Series
from detectors.series import (
    HOUR_NS,
    analyser_cycle_hours,
    held_runs,
    segments,
    timestamp,
)
from detectors.spec import CONCENTRATIONS


@dataclass(frozen=True, slots=True)
class _Null:
    """One series' null model of stays near a level: the relative ``band`` (half-width), the
    analyser ``cycle`` (h), the least duration ``hours_min`` (h), the pooled ``stays`` (h) near
    its usual levels, the number of ``visits`` to the standard (stretches near it), the
    ``expected`` honest long stays allowed (false-alarm rate x years) and where the standard
    came from (``source``)."""

    band: float
    cycle: float
    hours_min: float
    stays: np.ndarray
    visits: float
    expected: float
    source: str


@register
class StandardSubstitutionDetector(Detector):
    """Normal-flagged values that sit on the calibration standard's concentration longer than the
    series ever stays near a level by chance (the standard solution fed to the analyser as if it
    were the sample).

    Per concentration series with a standard ``S`` (the registry's, else the median of the
    series' calibration readings (flag C) when there are at least ``min_calibrations`` within
    10 % of each other's median): the analyser's own reading of the standard sets the band. With
    ``sigma_C`` the robust spread (1.4826 x MAD) of the calibration readings' relative deviations
    ``C / S - 1``, a reading is near the standard when

        |v / S - 1| <= b,   b = max(tolerance_fraction, band_sigmas * sigma_C)

    Stretches of normal readings near ``S`` (joined across ``join_gap_hours``; C/M/D readings
    neither start nor break one) lasting ``h`` clock hours with ``h >= max(min_cycles * c,
    min_hours)`` (``c`` the analyser cycle) are candidates. Null model: the series' own stays
    near its usual levels. For each of its 5th, 10th, ..., 95th percentiles ``L_k`` every stretch
    of ``|v / L_k - 1| <= b`` is a stay (the same relative band, so that a quantised series is
    judged in the same number of steps); their pooled durations give the survival ``P(stay >=
    h)`` (`_common.tail_survival`: empirical up to the duration ``u`` its longest tenth reaches,
    beyond it geometric in steps of one cycle, ``P(stay >= u) * q^((h - u) / c)`` with ``q``
    from their mean excess over ``u`` in whole cycles). With ``V`` the number of stretches near
    ``S`` (the visits, the candidate's included), a candidate is flagged when

        E = V * P(stay >= h)  <=  false_alarms_per_year * years

    (the series' span in years, at least a month). A plant that honestly discharges around the
    standard's level visits it often (``V`` large) and stays as long near its other levels; a
    standard far from the series' levels is rarely visited, so a stay there needs only to be
    longer than its stays near any level reach by chance. ``threshold`` in the evidence is the
    duration at which ``E`` reaches the rate. Severity high from 24 h. pH is left out: its
    buffers (6.86, 9.18) are where honest effluents sit.

    Defaults: ``tolerance_fraction=0.03``, ``band_sigmas=2``, ``min_calibrations=3``,
    ``min_cycles=2``, ``min_hours=3``, ``false_alarms_per_year=0.001`` (per series),
    ``tail_runs=12``, ``tail_share=0.1``, ``join_gap_hours=1``. The old rule (a 2 % band, a
    spread under 3 % and twice the 99.5th percentile stay, with the band in mg/L around every
    level so that low levels made long stays) found 4 of 40 substitutions on the tuning seeds of
    ``bench/independent_fleet.py``: the standard read with the analyser's noise breaks a 2 %
    band, and an unregistered standard was never looked at. Substitutions of a few hours at a
    standard inside the series' usual range stay undetectable at this rate.

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
        tolerance_fraction: float = 0.03,
        band_sigmas: float = 2.0,
        min_calibrations: int = 3,
        min_cycles: float = 2.0,
        min_hours: float = 3.0,
        false_alarms_per_year: float = 0.001,
        tail_runs: int = 12,
        tail_share: float = 0.1,
        join_gap_hours: float = 1.0,
    ) -> None:
        self.tolerance_fraction = tolerance_fraction
        self.band_sigmas = band_sigmas
        self.min_calibrations = min_calibrations
        self.min_cycles = min_cycles
        self.min_hours = min_hours
        self.false_alarms_per_year = false_alarms_per_year
        self.tail_runs = tail_runs
        self.tail_share = tail_share
        self.join_gap_hours = join_gap_hours

    def _detect(self, outlet: OutletData) -> Iterator[Finding]:
        for s in measured_series(outlet):
            if s.code not in CONCENTRATIONS:
                continue  # a pH buffer (6.86, 9.18) is where honest effluents sit
            registered = outlet.spec.pollutant(s.code).standard
            calibration = s.values[(s.flags == "C") & ~np.isnan(s.values)]
            if registered is not None and registered > 0:
                yield from self._series(outlet, s, float(registered), calibration, "registry")
                continue
            if len(calibration) < self.min_calibrations:
                continue
            learned = float(np.median(calibration))
            if learned > 0:
                yield from self._series(outlet, s, learned, calibration, "calibrations")

    def _band(self, standard: float, calibration: np.ndarray) -> float:
        """Half-width of the band around the standard, relative: the calibration readings'
        robust spread times ``band_sigmas``, at least ``tolerance_fraction``."""
        rel = calibration / standard - 1.0
        rel = rel[np.abs(rel) <= 0.10]
        if len(rel) < self.min_calibrations:
            return self.tolerance_fraction
        sigma = 1.4826 * float(np.median(np.abs(rel - np.median(rel))))
        return max(self.tolerance_fraction, self.band_sigmas * sigma)

    def _series(
        self, outlet: OutletData, s: Series, standard: float, calibration: np.ndarray, source: str
    ) -> Iterator[Finding]:
        normal = normal_mask(s)
        v = s.values
        band = self._band(standard, calibration)
        with np.errstate(invalid="ignore"):
            near = normal & (np.abs(v / standard - 1.0) <= band + 1e-9)
        if not near.any():
            return
        segs = segments(near, s.hours, join_gap_hours=self.join_gap_hours, considered=s.valid)
        hours = (s.ts[segs.last] - s.ts[segs.first]) / HOUR_NS + 1
        runs = held_runs(v, s.hours, normal, max_gap_hours=self.join_gap_hours)
        cycle = analyser_cycle_hours(runs, outlet.spec.pollutant(s.code).cycle_minutes)
        least = max(self.min_cycles * cycle, self.min_hours)
        long = hours >= least
        if not long.any():
            return
        levels = np.percentile(v[normal], np.arange(10, 100, 10))
        stays = _stays(v, s.hours, normal, levels, band, self.join_gap_hours)
        if len(stays) == 0:
            return
        years = max(float(s.hours[-1] - s.hours[0]) / 8766.0, 1.0 / 12.0)
        null = _Null(
            band, cycle, least, stays, float(len(segs)), self.false_alarms_per_year * years, source
        )
        idx = np.flatnonzero(long)
        fit = {"trim": 1.0, "tail_share": self.tail_share, "grain": cycle}
        expected = null.visits * tail_survival(stays, hours[idx], self.tail_runs, **fit)
        flagged = np.flatnonzero(expected <= null.expected)
        if len(flagged) == 0:
            return
        median = float(np.median(v[normal & ~near])) if (normal & ~near).any() else standard
        bar = max(least, tail_hours(stays, null.expected / null.visits, self.tail_runs, **fit))
        for j in flagged.tolist():
            i = int(idx[j])
            a, b = int(segs.first[i]), int(segs.last[i])
            part = v[a : b + 1][near[a : b + 1]]
            yield self._finding(
                outlet,
                s,
                a,
                b,
                float(hours[i]),
                standard,
                part,
                median,
                null,
                float(expected[j]),
                bar,
            )

    def _finding(
        self,
        outlet: OutletData,
        s: Series,
        a: int,
        b: int,
        h: float,
        standard: float,
        part: np.ndarray,
        median: float,
        null: _Null,
        expected: float,
        bar: float,
    ) -> Finding:
        """The finding of the stretch ``a..b`` (``h`` hours) whose values near the standard are
        ``part``; ``median`` is the series' median elsewhere."""
        spread = float(part.max() - part.min())
        return self.finding(
            outlet,
            s.code,
            timestamp(s.ts[a]),
            timestamp(s.ts[b]),
            severity="high" if h >= 24 else "medium",
            confidence=0.8,
            message="standard_substitution.summary",
            evidence={
                "rule": "normal values within the analyser's reading of the calibration "
                "standard for longer than the series' own stays near a level allow",
                "statistic": "duration near standard (h)",
                "threshold": round(bar, 3),
                "window_hours": h,
                "false_alarm_rate_per_year": self.false_alarms_per_year,
                "expected_honest_stays": expected,
                "visits_to_standard": int(null.visits),
                "standard": standard,
                "standard_source": null.source,
                "band_fraction": round(null.band, 6),
                "mean": round(float(part.mean()), 9),
                "spread": round(spread, 9),
                "readings": len(part),
                "cycle_hours": null.cycle,
                "hours_min": null.hours_min,
                "series_median_elsewhere": median,
            },
            standard=standard,
            mean=float(part.mean()),
            hours=h,
            median=median,
        )


def _stays(
    v: np.ndarray,
    hours: np.ndarray,
    normal: np.ndarray,
    levels: np.ndarray,
    band: float,
    join_gap_hours: float,
) -> np.ndarray:
    """Durations (h) of every stretch of consecutive normal readings
    within ``band`` (relative) of one of ``levels`` (a stretch breaks at a gap over ``1 +
    join_gap_hours`` hours), over all levels at once (one 2-D pass, no loop)."""
    sel = np.flatnonzero(normal)
    if len(sel) == 0 or len(levels) == 0:
        return np.array([], dtype="float64")
    x = v[sel]
    h = np.asarray(hours, dtype="float64")[sel]
    with np.errstate(invalid="ignore", divide="ignore"):
        inside = np.abs(x[None, :] / levels[:, None] - 1.0) <= band + 1e-9  # (levels, readings)
    inside &= levels[:, None] > 0
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
        return np.array([], dtype="float64")
    hh = np.r_[h, np.nan]
    return hh[ends % (m + 1)] - hh[starts % (m + 1)] + 1.0
