"""Exceedances: valid values over their discharge limit (DESIGN.md section 11, `exceedance`)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from detectors.base import Detector, register
from detectors.finding import Finding, Severity
from detectors.frame import LOCAL_OFFSET_HOURS, OutletData, Series
from detectors.series import HOUR_NS, segments
from detectors.series import timestamp as _ts
from detectors.spec import PollutantSpec


@register
class ExceedanceDetector(Detector):
    """Valid hourly values over the pollutant's limit, and daily means over it.

    Rule (per pollutant with a ``limit`` or a pH band ``limit_range = (lo, hi)``): a reading ``i``
    is *over* when it is valid (flag N or T, a number) and ``v_i > L`` (or ``v_i < lo`` or
    ``v_i > hi``). Over readings form one finding per run: two over readings belong to one run
    when no valid reading within the limit lies between them and they are at most
    ``1 + join_gap_hours`` hours apart (invalid readings between them count as gaps). Every over
    reading lies in exactly one run finding, and a run finding holds only over readings at its ends.

    Daily rule (upper limits only; a pH band has no daily mean): for each local day (UTC +
    ``day_offset_hours``) with ``n >= min_daily_hours`` valid hours, a finding when
    ``mean(v) > L``; it spans the day's first to last valid reading.

    Severity, with ``r = max(v) / L`` (for pH, distance outside the band in pH units ``d``) and
    ``h`` the run's duration: high when ``r >= high_ratio`` or ``h >= high_hours`` (pH:
    ``d >= 2``), medium when ``r >= medium_ratio`` or ``h >= medium_hours`` (pH: ``d >= 1``),
    low otherwise. A daily-mean finding is high when its mean is ``>= high_ratio * L``, else medium.

    Defaults: ``join_gap_hours=1``, ``min_daily_hours=20``, ``day_offset_hours=8`` (Beijing),
    ``medium_ratio=1.5``, ``high_ratio=2.0``, ``medium_hours=6``, ``high_hours=24``.

    Not flagged (honest traps): values exactly at the limit; values over the limit with flags
    C/M/D/F/S/B (not valid for compliance; `flag_masking` judges those); a day whose mean is over
    the limit on fewer than ``min_daily_hours`` valid hours. Honest upsets that really exceed ARE
    exceedances: this detector reports them, it does not judge intent.
    """

    name = "exceedance"
    category = "exceedance"

    def __init__(
        self,
        *,
        join_gap_hours: float = 1.0,
        min_daily_hours: int = 20,
        day_offset_hours: float = float(LOCAL_OFFSET_HOURS),
        medium_ratio: float = 1.5,
        high_ratio: float = 2.0,
        medium_hours: float = 6.0,
        high_hours: float = 24.0,
    ) -> None:
        self.join_gap_hours = join_gap_hours
        self.min_daily_hours = min_daily_hours
        self.day_offset_hours = day_offset_hours
        self.medium_ratio = medium_ratio
        self.high_ratio = high_ratio
        self.medium_hours = medium_hours
        self.high_hours = high_hours

    def _detect(self, outlet: OutletData) -> Iterator[Finding]:
        for code in outlet.pollutants:
            spec = outlet.spec.pollutant(code)
            series = outlet.series(code)
            if series is None or (spec.limit is None and spec.limit_range is None):
                continue
            yield from self._runs(outlet, series, spec)
            if spec.limit is not None:
                yield from self._daily(outlet, series, spec.limit)

    def _runs(self, outlet: OutletData, s: Series, spec: PollutantSpec) -> Iterator[Finding]:
        v = s.values
        if spec.limit is not None:
            lo, hi = -np.inf, spec.limit
        else:
            assert spec.limit_range is not None
            lo, hi = spec.limit_range
        with np.errstate(invalid="ignore"):
            over = s.valid & ((v > hi) | (v < lo))
        segs = segments(over, s.hours, join_gap_hours=self.join_gap_hours, considered=s.valid)
        if len(segs) == 0:
            return
        band = spec.limit is None
        # each run's over readings, at once: every over reading lies in exactly one run, so
        # the runs cut the over readings into consecutive slices (starts ``head``, ``counts`` long)
        at = np.flatnonzero(over)
        vo = v[at]
        head = np.searchsorted(at, segs.first)
        counts = np.searchsorted(at, segs.last, side="right") - head
        maxes = np.maximum.reduceat(vo, head)
        mins = np.minimum.reduceat(vo, head)
        # the mean of one or two readings is exact from the pair's sum; a longer run's is the
        # slice's own `mean` (numpy sums it pairwise, which a running sum would not equal)
        means = np.add.reduceat(vo, head) / counts
        spans = (s.ts[segs.last] - s.ts[segs.first]) / HOUR_NS + 1
        firsts = [_ts(t) for t in s.ts[segs.first].tolist()]
        lasts = [_ts(t) for t in s.ts[segs.last].tolist()]
        rows = zip(
            head.tolist(),
            counts.tolist(),
            spans.tolist(),
            maxes.tolist(),
            mins.tolist(),
            means.tolist(),
            firsts,
            lasts,
            strict=True,
        )
        for start, count, hours, w_max, w_min, mean, first, last in rows:
            if count > 2:
                mean = float(vo[start : start + count].mean())
            peak = w_max if w_max > hi else w_min
            evidence = {
                "rule": "valid value outside limit, runs joined across gaps",
                "statistic": "hourly value",
                "threshold": [lo, hi] if band else hi,
                "window_hours": hours,
                "false_alarm_rate_per_year": None,  # a measured fact against the limit
                "hours_over": count,
                "max": w_max,
                "min": w_min,
                "mean": mean,
                "join_gap_hours": self.join_gap_hours,
            }
            if band:
                dist = max(w_max - hi, lo - w_min, 0.0)
                evidence["distance_outside"] = round(dist, 6)
                severity: Severity = "high" if dist >= 2 else "medium" if dist >= 1 else "low"
                message = "exceedance.band"
                params = {"low": lo, "high": hi, "peak": peak, "hours": count}
            else:
                ratio = w_max / hi if hi > 0 else float("inf")
                evidence["ratio"] = round(ratio, 4)
                severity = self._severity(ratio, hours)
                message = "exceedance.run"
                params = {"limit": hi, "peak": peak, "hours": count, "ratio": ratio}
            yield self.finding(
                outlet,
                s.code,
                first,
                last,
                severity=severity,
                confidence=1.0,
                message=message,
                evidence=evidence,
                **params,
            )

    def _daily(self, outlet: OutletData, s: Series, limit: float) -> Iterator[Finding]:
        if not s.valid.any():
            return
        day = outlet.days(s, self.day_offset_hours)
        d0 = int(day.min())
        idx = (day - d0)[s.valid]
        vals = s.values[s.valid]
        n = np.bincount(idx)
        total = np.bincount(idx, weights=vals, minlength=len(n))
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = total / n
        bad = np.flatnonzero((n >= self.min_daily_hours) & (mean > limit))
        if len(bad) == 0:
            return
        vts = s.ts[s.valid]
        first = np.searchsorted(idx, bad, side="left")
        last = np.searchsorted(idx, bad, side="right") - 1
        for d, a, b in zip(bad.tolist(), first.tolist(), last.tolist(), strict=True):
            m = float(mean[d])
            date = pd.Timestamp((d + d0) * 24 * HOUR_NS).date().isoformat()
            yield self.finding(
                outlet,
                s.code,
                _ts(vts[a]),
                _ts(vts[b]),
                severity="high" if m >= self.high_ratio * limit else "medium",
                confidence=1.0,
                message="exceedance.daily",
                evidence={
                    "rule": "daily mean of valid hours above limit",
                    "statistic": "daily mean",
                    "threshold": limit,
                    "window_hours": 24,
                    "false_alarm_rate_per_year": None,  # a measured fact against the limit
                    "day": date,
                    "daily_mean": round(m, 6),
                    "valid_hours": int(n[d]),
                    "min_daily_hours": self.min_daily_hours,
                    "ratio": round(m / limit, 4) if limit > 0 else None,
                },
                limit=limit,
                mean=m,
                day=date,
                hours=int(n[d]),
            )

    def _severity(self, ratio: float, hours: float) -> Severity:
        if ratio >= self.high_ratio or hours >= self.high_hours:
            return "high"
        if ratio >= self.medium_ratio or hours >= self.medium_hours:
            return "medium"
        return "low"
