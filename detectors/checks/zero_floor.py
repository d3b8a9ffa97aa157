"""Zeros and detection-limit floors reported while the plant discharges."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from detectors.base import Detector, register
from detectors.checks._common import covered, flow_at, flow_range, measured_series, normal_mask
from detectors.finding import Finding, Severity
from detectors.frame import OutletData, Series
from detectors.series import HOUR_NS, analyser_cycle_hours, held_runs, segments, timestamp
from detectors.spec import CONCENTRATIONS


@dataclass(frozen=True, slots=True)
class _Floor:
    """A series' floor ``value`` (its smallest positive value), its ``median``, the analyser
    ``cycle`` (h), the hours a stretch must last (``need``) and the ``share`` of normal readings
    at the floor outside long stretches."""

    value: float
    median: float
    cycle: float
    need: float
    share: float


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
        for s in measured_series(outlet):
            if s.code not in CONCENTRATIONS:
                continue
            flow = flow_at(outlet, s)
            yield from self._zeros(outlet, s, flow)
            yield from self._floors(outlet, s, flow)

    def _zeros(self, outlet: OutletData, s: Series, flow: np.ndarray) -> Iterator[Finding]:
        """Stretches of exact zeros flagged N while flow > 0."""
        zeros = normal_mask(s) & (s.values == 0) & (flow > 0)
        segs = segments(zeros, s.hours, join_gap_hours=self.join_gap_hours, considered=s.valid)
        count = np.cumsum(zeros)
        for a, b in zip(segs.first.tolist(), segs.last.tolist(), strict=True):
            n = int(count[b] - (count[a - 1] if a else 0))
            if n < self.min_zero_readings:
                continue
            lo, hi = flow_range(flow[a : b + 1][zeros[a : b + 1]])
            yield self._zero_finding(outlet, s, a, b, n, lo, hi)

    def _floors(self, outlet: OutletData, s: Series, flow: np.ndarray) -> Iterator[Finding]:
        """Long stretches at the series' floor, entered and left by a step, while flow > 0."""
        normal = normal_mask(s)
        v = s.values
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
        elsewhere = at_floor & ~covered(segs.first[long], segs.last[long], len(v))
        share = float(elsewhere.sum() / normal.sum())
        if share > self.max_floor_share:
            return  # the series visits its floor often: its floor is its normal
        floor = _Floor(f, median, cycle, need, share)
        for i in np.flatnonzero(long).tolist():
            a, b = int(segs.first[i]), int(segs.last[i])
            fl = flow[a : b + 1]
            known = ~np.isnan(fl)
            if known.any() and (fl[known] > 0).mean() < 0.5:
                continue
            if not self._is_step(v, normal, a, b, f):
                continue  # an honest trough slopes down to its minimum; a floor is a step
            yield self._floor_finding(outlet, s, a, b, float(durations[i]), floor, known)

    def _is_step(self, v: np.ndarray, normal: np.ndarray, a: int, b: int, f: float) -> bool:
        """The normal readings just before ``a`` and just after ``b`` are both (those that
        exist, at least one) at least ``step_ratio * f``."""
        idx = np.flatnonzero(normal)
        k = np.searchsorted(idx, a)
        around = [v[idx[k - 1]]] if k > 0 else []
        k = np.searchsorted(idx, b, side="right")
        around += [v[idx[k]]] if k < len(idx) else []
        return bool(around) and not min(around) < self.step_ratio * f

    def _floor_finding(
        self,
        outlet: OutletData,
        s: Series,
        a: int,
        b: int,
        hours: float,
        floor: _Floor,
        flow_known: np.ndarray,
    ) -> Finding:
        return self.finding(
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
                "threshold": floor.need,
                "window_hours": hours,
                "floor": floor.value,
                "series_median": floor.median,
                "floor_ratio": round(floor.median / floor.value, 3),
                "floor_share_elsewhere": round(floor.share, 6),
                "cycle_hours": floor.cycle,
                "flow_known": bool(flow_known.any()),
            },
            value=floor.value,
            hours=hours,
            median=floor.median,
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
