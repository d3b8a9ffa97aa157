"""Impossible relations between channels of one outlet (a tampered channel).

Ammonia nitrogen is part of total nitrogen (TN = NH3-N + organic N + NO2-N + NO3-N), so a valid
NH3-N reading above the TN reading of the same hour means one of the two channels is not
measuring the sample. Honest surface-water data break it at 2 of 982 stations (CNEMC snapshot,
both near detection limits or within a few tenths of a mg/L), so the rule allows a margin and
asks for it to be sustained over several hours and measurements.

Relations deliberately left out: TP > TN is unusual but not impossible (different elements;
phosphate-rich industrial effluent), and negative values (flow or concentration) belong to the
``range`` detector.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from detectors.base import Detector, register
from detectors.finding import Finding
from detectors.frame import OutletData
from detectors.spec import NH3N, TN


@register
class PhysicsDetector(Detector):
    """NH3-N above TN in the same hour, sustained.

    Rule, on the hourly grid with both channels valid (flag N or T, a number):
    ``v(t) = NH3N(t) - TN(t) - max(margin_mg_l, margin_share * TN(t)) > 0``.
    Between two violating hours, an hour where ``NH3N <= TN`` (the relation clearly holds) ends
    the episode, and so do more than ``join_hours`` hours that cannot be judged (either channel
    missing or invalid); hours with ``TN < NH3N <= TN + margin`` (impossible but within the
    margin, e.g. when NH3-N dips near the margin) neither end nor extend it. An episode is a
    finding when it spans at least ``min_hours`` hours and holds at least
    ``min_distinct_pairs`` distinct violating (NH3-N, TN) pairs (two measurements, not one held
    value). Severity medium, high from ``high_hours``.

    Defaults: margin 0.3 mg/L or 15 % of TN, 6 h, 2 distinct pairs, join 2 h, high at 24 h.

    Honest traps it must not flag: one bad measurement held for an analyser cycle (2-4 h, one
    pair); both channels near detection limit (the 0.3 mg/L margin); NH3-N close to TN in
    effluent where nearly all nitrogen is ammonia (the 15 % margin); calibration (C),
    maintenance (M) and shutdown (F) hours, which are not valid and are not judged.
    """

    name = "physics"
    category = "integrity"

    def __init__(
        self,
        *,
        margin_mg_l: float = 0.3,
        margin_share: float = 0.15,
        min_hours: int = 6,
        min_distinct_pairs: int = 2,
        join_hours: int = 2,
        high_hours: int = 24,
    ) -> None:
        self.margin_mg_l = margin_mg_l
        self.margin_share = margin_share
        self.min_hours = min_hours
        self.min_distinct_pairs = min_distinct_pairs
        self.join_hours = join_hours
        self.high_hours = high_hours

    def _detect(self, outlet: OutletData) -> Iterable[Finding]:
        if NH3N not in outlet.pollutants or TN not in outlet.pollutants:
            return
        nh3 = outlet.wide_column(NH3N)
        tn = outlet.wide_column(TN)
        ok = outlet.wide_valid[:, [outlet.column(NH3N), outlet.column(TN)]].all(axis=1)
        allowed = tn + np.maximum(self.margin_mg_l, self.margin_share * tn)
        bad = ok & (nh3 > allowed)
        if not bad.any():
            return
        # between two violating hours, an hour where NH3-N <= TN (the relation clearly holds)
        # ends the episode, and so do more than join_hours hours that cannot be judged; hours
        # with TN < NH3-N <= allowed (impossible, but within the margin) neither break nor count
        idx = np.flatnonzero(bad)
        holds = np.cumsum(ok & (nh3 <= tn))
        unjudged = np.cumsum(~ok)
        breaks = np.flatnonzero(
            (holds[idx[1:]] - holds[idx[:-1]] > 0)
            | (unjudged[idx[1:]] - unjudged[idx[:-1]] > self.join_hours)
        )
        starts = np.r_[idx[0], idx[breaks + 1]]
        ends = np.r_[idx[breaks], idx[-1]]
        grid = outlet.grid
        for s, e in zip(starts, ends, strict=True):
            hours = int(e - s + 1)
            sel = bad[s : e + 1]
            pairs = np.unique(np.c_[nh3[s : e + 1][sel], tn[s : e + 1][sel]], axis=0)
            if hours < self.min_hours or len(pairs) < self.min_distinct_pairs:
                continue
            excess = (nh3[s : e + 1] - tn[s : e + 1])[sel]
            yield self.finding(
                outlet,
                NH3N,
                grid[s],
                grid[e],
                severity="high" if hours >= self.high_hours else "medium",
                confidence=min(0.99, 0.6 + 0.02 * hours),
                message="physics.nh3n_over_tn",
                evidence={
                    "rule": "NH3-N > TN + max(margin_mg_l, margin_share * TN)",
                    "hours": hours,
                    "violating_hours": int(sel.sum()),
                    "distinct_pairs": len(pairs),
                    "max_nh3n": float(np.max(nh3[s : e + 1][sel])),
                    "median_excess_mg_l": float(np.median(excess)),
                    "median_tn": float(np.median(tn[s : e + 1][sel])),
                },
            )
