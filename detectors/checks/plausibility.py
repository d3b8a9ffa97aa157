"""Impossible values: negative, above the analyser's range, pinned at its maximum, pH off its scale."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from detectors.base import Detector, register
from detectors.finding import Finding, Severity
from detectors.frame import OutletData, Series, flag_is
from detectors.series import analyser_cycle_hours, segments, timestamp
from detectors.spec import FLOW, PH

PH_SCALE = (0.0, 14.0)


@register
class RangeDetector(Detector):
    """Values a working analyser cannot report as normal data.

    For each series, on readings flagged N or T (the ones a platform counts), with the analyser
    range ``[a, b]`` from the registry (else the pollutant's typical range; flow has none) and
    ``s = b - a`` (for a channel without a range, ``s`` = the 99th percentile of ``|v|``):

    - ``negative``: ``v < -zero_drift_fraction * s`` (readings of -0.3 % of the range around zero
      are honest zero drift, not manipulation);
    - ``above_range``: flag N and ``v > b`` (an honest analyser over its range flags T);
    - ``pinned_max``: flag N and ``v == b`` held for at least ``min_pinned_cycles`` analyser cycles
      (a saturated analyser reporting its maximum as a normal value);
      these two only with a registered range: the typical range is a guess, and the real series in
      ``data/real/cn_enterprise_outlet_hourly`` honestly reads 84.6 where a typical NH3-N
      analyser would stop at 50;
    - ``ph_scale``: pH ``v < 0`` or ``v > 14`` (any registry range notwithstanding).

    Category ``validity``: an instrument set-up or data-validity matter (a mis-set range, a zero
    that drifted), not a sign of falsification by itself. Readings of one kind form one finding per
    stretch (joined across ``join_gap_hours``). Severity medium, except flow above its registered
    range (low: storm inflow past a meter's range is common and honest). Defaults:
    ``zero_drift_fraction=0.01``, ``min_pinned_cycles=2``, ``join_gap_hours=1``.

    Not flagged (honest traps): T-flagged values over the range, small negative zero drift, zeros,
    values exactly at the range maximum for less than two cycles, and anything flagged C/M/D/F
    (calibration, maintenance, faults and shutdowns report odd numbers honestly).
    """

    name = "range"
    category = "validity"

    def __init__(
        self,
        *,
        zero_drift_fraction: float = 0.01,
        min_pinned_cycles: float = 2.0,
        join_gap_hours: float = 1.0,
    ) -> None:
        self.zero_drift_fraction = zero_drift_fraction
        self.min_pinned_cycles = min_pinned_cycles
        self.join_gap_hours = join_gap_hours

    def _detect(self, outlet: OutletData) -> Iterator[Finding]:
        for code in outlet.pollutants:
            s = outlet.series(code)
            if s is None or not s.valid.any():
                continue
            yield from self._series(outlet, s)

    def _series(self, outlet: OutletData, s: Series) -> Iterator[Finding]:
        spec = outlet.spec.pollutant(s.code)
        rng = spec.range_or_default
        v = s.values
        valid = s.valid
        normal = valid & flag_is(s.flags, "N")
        if rng is not None:
            lo, hi = rng
            scale = hi - lo
        else:
            lo, hi = None, None
            scale = float(np.percentile(np.abs(v[valid]), 99))
        tol = self.zero_drift_fraction * scale
        with np.errstate(invalid="ignore"):
            kinds: dict[str, np.ndarray] = {"negative": valid & (v < -tol)}
            if spec.analyser_range is not None and hi is not None:
                kinds["above_range"] = normal & (v > hi)
                kinds["pinned_max"] = self._pinned(outlet, s, normal & _close(v, hi), hi)
            if s.code == PH:
                kinds["ph_scale"] = valid & ((v < PH_SCALE[0]) | (v > PH_SCALE[1]))
                for other in ("negative", "above_range", "pinned_max"):
                    if other in kinds:
                        kinds[other] &= ~kinds["ph_scale"]
        for kind, mask in kinds.items():
            if not mask.any():
                continue  # no stretch (most series: none of any kind)
            segs = segments(mask, s.hours, join_gap_hours=self.join_gap_hours, considered=valid)
            for a, b in zip(segs.first.tolist(), segs.last.tolist(), strict=True):
                part = v[a : b + 1][mask[a : b + 1]]
                threshold = {
                    "negative": -tol,
                    "above_range": hi,
                    "pinned_max": hi,
                    "ph_scale": list(PH_SCALE),
                }[kind]
                severity: Severity = "low" if kind == "above_range" and s.code == FLOW else "medium"
                yield self.finding(
                    outlet,
                    s.code,
                    timestamp(s.ts[a]),
                    timestamp(s.ts[b]),
                    severity=severity,
                    confidence=0.95 if kind != "pinned_max" else 0.8,
                    message=f"range.{kind}",
                    evidence={
                        "rule": kind,
                        "statistic": "hourly value",
                        "threshold": threshold,
                        "false_alarm_rate_per_year": None,  # impossible values: a rule on facts
                        "analyser_range": list(rng) if rng is not None else None,
                        "readings": len(part),
                        "window_hours": float((s.ts[b] - s.ts[a]) / 3.6e12 + 1),
                        "min": float(part.min()),
                        "max": float(part.max()),
                    },
                    value=float(part.min() if kind == "negative" else part.max()),
                    count=len(part),
                    low=lo if lo is not None else 0.0,
                    high=hi if hi is not None else float("nan"),
                )

    def _pinned(self, outlet: OutletData, s: Series, at_max: np.ndarray, hi: float) -> np.ndarray:
        if not at_max.any():
            return at_max
        runs = s.held("valid", self.join_gap_hours)
        cycle = analyser_cycle_hours(runs, outlet.spec.pollutant(s.code).cycle_minutes)
        long = (runs.hours >= self.min_pinned_cycles * cycle) & np.isclose(runs.value, hi)
        out = np.zeros(len(s), dtype=bool)
        for a, b in zip(runs.first[long].tolist(), runs.last[long].tolist(), strict=True):
            out[a : b + 1] = True
        return out & at_max


def _close(v: np.ndarray, x: float) -> np.ndarray:
    """``np.isclose(v, x)`` (its default tolerances) for a finite number ``x``, without its
    wrapper's cost: ``|v - x| <= 1e-8 + 1e-5 |x|`` (NaN is close to nothing); an infinite
    ``x`` is close only to itself, as in ``np.isclose``."""
    x = float(x)
    if not np.isfinite(x):
        return v == x
    with np.errstate(invalid="ignore"):
        return np.abs(v - x) <= 1e-08 + 1e-05 * abs(x)
