"""Hours that arrived long after their time to fill a gap, and look unlike the hours that came in
live (issue 11, the wire's evidence: the arrival time the store keeps beside DataTime)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from detectors.base import Detector, register
from detectors.checks._common import local_iso, true_runs
from detectors.finding import Finding
from detectors.frame import OutletData
from detectors.series import HOUR_NS, YEAR_HOURS, fisher_combined, timestamp

_UNKNOWN = np.iinfo(np.int64).min


@register
class BackfillDetector(Detector):
    """Hours that arrived late, together, to fill a gap, and whose values do not look like the
    outlet's own live hours.

    Input: each reading's arrival time (the optional ``received_at`` column of the readings
    frame; the store keeps it); without it the detector does not run. An hour is *late* when its
    first reading arrived more than ``late_hours`` after the hour ended and at most
    ``max_late_days`` after (later still is a history import, not a backfill); *live* when it
    arrived within ``late_hours``. A run of at least ``min_hours`` late hours is an episode,
    judged only when the outlet has at least ``min_live_hours`` live hours.

    Null model from the outlet's own live hours: for each channel with a value in most of the
    episode's hours, every block of live hours of the episode's length within ``null_days``
    of it gives two features: the level (mean; blocks starting at the same hour of the day, so
    the daily cycle is matched) and the roughness (log of the mean absolute hour-to-hour step;
    any start). Each feature of the filled block gets its two-sided rank p-value among the live
    blocks (its distance from their median against theirs, plus one); the channels' p-values
    are combined by Fisher's method (chi-square with 2k degrees of freedom) per feature, and the
    smaller of the two, doubled (Bonferroni), is the episode's p-value. A finding when it is
    below ``alpha``, i.e. about ``alpha`` x the outlet's episodes a year false alarms; severity
    high below ``alpha / 100``.

    Defaults: ``late_hours=6``, ``max_late_days=30``, ``min_hours=3``, ``min_live_hours=168``,
    ``null_days=60``, ``min_null_blocks=30``, ``alpha=0.001``.

    Not flagged (honest traps): a logger uploading its buffer after an outage (the filled hours
    are measured like the live ones, so their p-values are uniform); one late hour or two; an
    outlet whose whole history arrived at once (a file import: no live hours to learn from).
    Hours filled with values copied from live days look live and are left to ``copied_data``.
    """

    name = "backfill"
    category = "integrity"

    def __init__(
        self,
        *,
        late_hours: float = 6.0,
        max_late_days: float = 30.0,
        min_hours: int = 3,
        min_live_hours: int = 168,
        null_days: float = 60.0,
        min_null_blocks: int = 30,
        alpha: float = 0.001,
    ) -> None:
        self.late_hours = late_hours
        self.max_late_days = max_late_days
        self.min_hours = min_hours
        self.min_live_hours = min_live_hours
        self.null_days = null_days
        self.min_null_blocks = min_null_blocks
        self.alpha = alpha

    def _detect(self, outlet: OutletData) -> Iterator[Finding]:
        received = outlet.received_ns
        if received is None:
            return
        hour0 = int(outlet.grid[0].value // HOUR_NS)
        n = len(outlet.grid)
        row = outlet.times_ns // HOUR_NS - hour0
        known = received != _UNKNOWN
        arrival = np.full(n, np.iinfo(np.int64).max)
        np.minimum.at(arrival, row[known], received[known])
        has = arrival != np.iinfo(np.int64).max
        lag = np.where(has, arrival - (np.arange(n) + hour0 + 1) * HOUR_NS, 0)
        late_ns = int(self.late_hours * HOUR_NS)
        live = has & (lag <= late_ns)
        late = has & (lag > late_ns) & (lag <= int(self.max_late_days * 24 * HOUR_NS))
        if live.sum() < self.min_live_hours or not late.any():
            return
        wide = outlet.wide_array
        finite = ~np.isnan(wide)
        years = max(1.0, n / YEAR_HOURS)
        runs = [(a, b) for a, b in true_runs(late) if b - a + 1 >= self.min_hours]
        for a, b in runs:
            result = self._episode(outlet.pollutants, wide, finite, live, a, b, hour0)
            if result is None:
                continue
            p, channels, blocks = result
            if p >= self.alpha:
                continue
            lags = lag[a : b + 1] / HOUR_NS
            yield self.finding(
                outlet,
                None,
                timestamp((hour0 + a) * HOUR_NS),
                timestamp((hour0 + b) * HOUR_NS),
                severity="high" if p < self.alpha / 100 else "medium",
                confidence=1.0 - p,
                message="backfill.summary",
                evidence={
                    "rule": (
                        "hours arriving more than late_hours late, in a run of at least "
                        "min_hours; level and roughness of each channel ranked among the "
                        "outlet's live blocks of the same length, Fisher-combined over "
                        "channels, the smaller p doubled"
                    ),
                    "statistic": "p-value of the filled hours against the live hours",
                    "threshold": self.alpha,
                    "window_hours": int(b - a + 1),
                    "false_alarm_rate_per_year": min(0.5, self.alpha * len(runs) / years),
                    "p_value": float(f"{p:.3g}"),
                    "first_hour": local_iso(outlet, a),
                    "last_hour": local_iso(outlet, b),
                    "arrived_from": timestamp(int(arrival[a : b + 1].min())).isoformat(),
                    "arrived_to": timestamp(int(arrival[a : b + 1].max())).isoformat(),
                    "median_lag_hours": round(float(np.median(lags)), 1),
                    "live_hours": int(live.sum()),
                    "live_blocks": blocks,
                    "channels": channels,
                },
                hours=int(b - a + 1),
                lag=round(float(np.median(lags)), 1),
                p=f"{p:.1e}",
            )

    def _episode(
        self,
        codes: tuple[str, ...],
        wide: np.ndarray,
        finite: np.ndarray,
        live: np.ndarray,
        a: int,
        b: int,
        hour0: int,
    ) -> tuple[float, dict[str, dict[str, float]], int] | None:
        """The episode's p-value, per-channel figures and the fewest live blocks used; None when
        no channel can be judged."""
        length = b - a + 1
        reach = int(self.null_days * 24)
        lo, hi = max(0, a - reach), min(len(live) - length, b + reach)
        if hi < lo:
            return None
        starts = np.arange(lo, hi + 1)
        same_hour = (starts + hour0) % 24 == (a + hour0) % 24
        offsets = np.arange(length)
        p_level: list[float] = []
        p_rough: list[float] = []
        channels: dict[str, dict[str, float]] = {}
        fewest = 0
        for j in range(wide.shape[1]):
            block = wide[a : b + 1, j]
            present = finite[a : b + 1, j]
            if present.sum() < max(2, 0.8 * length) or not (present[1:] & present[:-1]).any():
                continue  # too few values, or no two in consecutive hours (no step to measure)
            ok = live & finite[:, j]
            full = np.convolve(ok.astype(np.int32), np.ones(length, np.int32), "valid")
            valid = starts[full[starts] == length]
            if len(valid) < self.min_null_blocks:
                continue
            null = wide[valid[:, None] + offsets[None, :], j]
            scale = 1e-6 * (float(np.nanmedian(np.abs(null))) + 1e-12)
            rough = _roughness(null, scale)
            mine_rough = float(_roughness(block[None, :], scale)[0])
            level_blocks = null[same_hour[valid - lo]]
            if len(level_blocks) < self.min_null_blocks:
                level_blocks = null
            pl = _rank_p(float(np.nanmean(block)), np.nanmean(level_blocks, axis=1))
            pr = _rank_p(mine_rough, rough)
            p_level.append(pl)
            p_rough.append(pr)
            fewest = len(level_blocks) if not fewest else min(fewest, len(level_blocks))
            channels[codes[j]] = {
                "level": round(float(np.nanmean(block)), 4),
                "live_level": round(float(np.median(np.nanmean(level_blocks, axis=1))), 4),
                "roughness": round(float(np.exp(mine_rough)), 6),
                "live_roughness": round(float(np.exp(np.median(rough))), 6),
                "p_level": round(pl, 4),
                "p_roughness": round(pr, 4),
            }
        if not channels:
            return None
        p = min(1.0, 2 * min(fisher_combined(p_level), fisher_combined(p_rough)))
        return p, channels, fewest


def _roughness(blocks: np.ndarray, scale: float) -> np.ndarray:
    """Log of each block's mean absolute hour-to-hour step (``scale`` keeps log finite)."""
    steps = np.abs(np.diff(blocks, axis=1))
    return np.log(np.nanmean(steps, axis=1) + scale)


def _rank_p(value: float, null: np.ndarray) -> float:
    """Two-sided rank p-value of ``value`` among ``null`` (distance from their median)."""
    centre = float(np.median(null))
    far = np.abs(null - centre) >= abs(value - centre)
    return float((1 + far.sum()) / (1 + len(null)))
