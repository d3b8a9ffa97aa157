"""Values pushed just under the limit (贴限): a pile-up below L and a hole above it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from scipy.special import bdtr

from detectors.base import Detector, register
from detectors.checks._common import covered, stretches
from detectors.finding import Finding
from detectors.frame import LOCAL_OFFSET_HOURS, OutletData, Series
from detectors.series import DAY_HOURS, HOUR_NS, held_runs, timestamp, window_sums


@dataclass(frozen=True, slots=True)
class _Windows:
    """Every window of ``width`` days (index = its first day): its ``counts`` by mask, its share
    of valid hours near the limit, the discontinuity test's ``p`` and the two rules."""

    width: int
    counts: dict[str, np.ndarray]
    share: np.ndarray
    p: np.ndarray
    rule_share: np.ndarray
    rule_jump: np.ndarray

    @property
    def bad(self) -> np.ndarray:
        """Windows where either rule fired."""
        return self.rule_share | self.rule_jump


@register
class CappingDetector(Detector):
    """A distribution that stops at the limit: values in ``[0.9 L, L]`` but none just above.

    Per pollutant with an upper ``limit`` ``L``, on valid readings (N, T), counted per local day
    (UTC + ``day_offset_hours``) and summed over windows of ``window_days`` days sliding by one
    day. With ``w = band_fraction * L``, ``n`` the valid readings of a window, ``near`` those in
    ``[(1 - near_fraction) L, L]``, ``above`` those in ``(L, (1 + near_fraction) L]`` and the
    bands ``b1 = (L - 2w, L - w]``, ``b2 = (L - w, L]``, ``b3 = (L, L + w]`` (equal half-open
    bands, so that a rounded series has as many possible values in each), a window is flagged
    when ``n >= min_valid_hours`` and

    - share rule: ``near / n >= min_near_share`` and ``above == 0``; or
    - discontinuity rule (bands count measurements, i.e. the first hour of each held value, not
      hours: an analyser that holds a value 3 h would otherwise triple the test's apparent
      evidence; on the simulator's tuning seeds this alone made 6 false findings in 360 honest
      outlet-months): ``b2 >= min_band_count`` and ``P(X <= b3) < max_p_value`` for
      ``X ~ Binomial(b2 + b3, r / (1 + r))`` with ``r = min(1, b2 / b1)``: a continuous density
      that falls (or stays flat) from ``b1`` to ``b2`` goes on into ``b3`` at the same rate; a
      pile-up at ``b2`` with a hole at ``b3`` does not. The rate is the window's own, so a plant
      whose distribution honestly falls off near its limit is judged against its own slope. The
      hole must also be large: ``b3 <= max_above_ratio * r * b2`` (at most a fifth of what the
      slope predicts). Without this effect-size bar, p < 0.01 alone flagged 5 of 10 honest
      lognormal plants running close to their limit: the sliding windows test the same data
      many times, and a lognormal tail falls faster than the slope from ``b1`` to ``b2``; with
      bands of fewer than 40 measurements, 6 of 180 such honest series (held 1-3 h, 90 days)
      still failed the test by chance, none with 40.

    Flagged windows merge; a finding spans the first to the last reading in ``[0.9 L, L]`` of the
    merged stretch (not the honest days a window drags in). Severity high when both rules fire
    in some window, medium otherwise.

    Defaults: ``window_days=30``, ``min_valid_hours=200``, ``near_fraction=0.1``,
    ``min_near_share=0.3``, ``band_fraction=0.05``, ``min_band_count=40``, ``max_p_value=0.01``,
    ``max_above_ratio=0.2``, ``day_offset_hours=8``.

    Not flagged (honest traps): plants running close to their limit whose values spill over it as
    a continuous distribution does (some in ``(L, 1.1 L]``), plants far below their limit (empty
    bands), analyser holds (they repeat values but do not move mass across L), months with fewer
    than 200 valid hours (shutdowns, maintenance), pH (a band, not a ceiling).
    """

    name = "capping"
    category = "integrity"

    def __init__(
        self,
        *,
        window_days: int = 30,
        min_valid_hours: int = 200,
        near_fraction: float = 0.1,
        min_near_share: float = 0.3,
        band_fraction: float = 0.05,
        min_band_count: int = 40,
        max_p_value: float = 0.01,
        max_above_ratio: float = 0.2,
        day_offset_hours: float = float(LOCAL_OFFSET_HOURS),
    ) -> None:
        self.window_days = window_days
        self.min_valid_hours = min_valid_hours
        self.near_fraction = near_fraction
        self.min_near_share = min_near_share
        self.band_fraction = band_fraction
        self.min_band_count = min_band_count
        self.max_p_value = max_p_value
        self.max_above_ratio = max_above_ratio
        self.day_offset_hours = day_offset_hours

    def _detect(self, outlet: OutletData) -> Iterator[Finding]:
        for code in outlet.pollutants:
            limit = outlet.spec.pollutant(code).limit
            s = outlet.series(code)
            if s is None or limit is None or limit <= 0 or not s.valid.any():
                continue
            yield from self._series(outlet, s, limit)

    def _series(self, outlet: OutletData, s: Series, limit: float) -> Iterator[Finding]:
        day = (s.ts + int(self.day_offset_hours * HOUR_NS)) // (DAY_HOURS * HOUR_NS)
        day = day - day.min()
        masks = self._masks(s, limit)
        w = self._windows(day, masks)
        if w is None:
            return
        bad = w.bad
        if not bad.any():
            return
        first = np.flatnonzero(bad)
        days = stretches(covered(first, first + w.width - 1, len(bad) + w.width - 1))
        near = masks["near"]
        for d_first, d_last in zip(days.first.tolist(), days.last.tolist(), strict=True):
            idx = np.flatnonzero(near & (day >= d_first) & (day <= d_last))
            if len(idx) == 0:
                continue
            wins = np.flatnonzero(bad[d_first : d_last - w.width + 2]) + d_first
            yield self._finding(outlet, s, limit, w, idx, wins)

    def _masks(self, s: Series, limit: float) -> dict[str, np.ndarray]:
        """Per reading: valid (``n``), in ``near``, ``above`` and, for the first hour of each held
        value only, in the bands ``b1``, ``b2``, ``b3``."""
        valid = s.valid
        v = np.where(valid, s.values, np.nan)
        w = self.band_fraction * limit
        tol = 1e-9 * limit
        with np.errstate(invalid="ignore"):
            masks = {
                "n": valid,
                "near": (v >= (1 - self.near_fraction) * limit - tol) & (v <= limit + tol),
                "above": (v > limit + tol) & (v <= (1 + self.near_fraction) * limit + tol),
                "b1": (v > limit - 2 * w + tol) & (v <= limit - w + tol),
                "b2": (v > limit - w + tol) & (v <= limit + tol),
                "b3": (v > limit + tol) & (v <= limit + w + tol),
            }
        # the discontinuity test counts measurements, not hours: an analyser holding each value
        # for 2-4 h would make 20 hours out of 6 measurements and fake the test's power
        runs = held_runs(s.values, s.hours, valid)
        measured = np.zeros(len(v), dtype=bool)
        measured[runs.first] = True
        for band in ("b1", "b2", "b3"):
            masks[band] = masks[band] & measured
        return masks

    def _windows(self, day: np.ndarray, masks: dict[str, np.ndarray]) -> _Windows | None:
        """Counts and rules of every window of days; None when no window has enough valid
        hours."""
        ndays = int(day.max()) + 1
        width = min(self.window_days, ndays)
        c = {k: window_sums(np.bincount(day[m], minlength=ndays), width) for k, m in masks.items()}
        n = c["n"]
        enough = n >= self.min_valid_hours
        if not enough.any():
            return None
        with np.errstate(invalid="ignore", divide="ignore"):
            share = c["near"] / n
            rule_share = enough & (share >= self.min_near_share) & (c["above"] == 0)
            r = np.where(c["b1"] > 0, np.minimum(1.0, c["b2"] / c["b1"]), 1.0)
            b2, b3 = c["b2"].astype(np.int64), c["b3"].astype(np.int64)
            p = bdtr(b3, b2 + b3, r / (1 + r))
            hole = b3 <= self.max_above_ratio * r * b2
            rule_jump = enough & (b2 >= self.min_band_count) & (p < self.max_p_value) & hole
        return _Windows(width, c, share, p, rule_share, rule_jump)

    def _finding(
        self,
        outlet: OutletData,
        s: Series,
        limit: float,
        w: _Windows,
        idx: np.ndarray,
        wins: np.ndarray,
    ) -> Finding:
        """The finding of the readings ``idx`` in [0.9 L, L] of a merged stretch of the flagged
        windows ``wins``, with the statistics of its worst window."""
        both_w = w.rule_share[wins] & w.rule_jump[wins]
        worst = int(wins[np.lexsort((w.p[wins], ~both_w))[0]])
        both = bool(both_w.any())
        rules = [
            name
            for name, rule in (("share", w.rule_share), ("discontinuity", w.rule_jump))
            if rule[wins].any()
        ]
        c = w.counts
        return self.finding(
            outlet,
            s.code,
            timestamp(s.ts[idx[0]]),
            timestamp(s.ts[idx[-1]]),
            severity="high" if both else "medium",
            confidence=0.9 if both else 0.7,
            message="capping.summary",
            evidence={
                "rule": "+".join(rules),
                "statistic": "share of valid hours in [0.9L, L]; binomial p of the band above L",
                "threshold": {
                    "near_share_min": self.min_near_share,
                    "above_max": 0,
                    "p_max": self.max_p_value,
                },
                "window_hours": w.width * DAY_HOURS,
                "limit": limit,
                "valid_hours": int(c["n"][worst]),
                "near_share": round(float(w.share[worst]), 4),
                "just_above": int(c["above"][worst]),
                "band_below": int(c["b2"][worst]),
                "band_above": int(c["b3"][worst]),
                "p_value": float(w.p[worst]),
            },
            limit=limit,
            share=100 * float(w.share[worst]),
            above=int(c["above"][worst]),
            days=w.width,
        )
