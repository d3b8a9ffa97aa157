"""Hand-set (S-flagged) values: too many in a month, or placed over high-load periods."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from detectors.base import Detector, register
from detectors.checks._common import grid_flags, grid_flow, month_label
from detectors.finding import Finding
from detectors.frame import OutletData
from detectors.series import binomial_greater
from detectors.spec import CONCENTRATIONS


@dataclass(frozen=True, slots=True)
class _Load:
    """An outlet's high-load hours: those with valid flow > 0 (``known``) at or above the
    ``threshold`` flow (``high``), and their baseline share ``p0`` of the known hours."""

    known: np.ndarray
    high: np.ndarray
    threshold: float
    p0: float


@register
class ManualValuesDetector(Detector):
    """Hand-set (S-flagged) values: too many in a month, or placed over high-load periods.

    Per concentration channel and local month: ``share = S hours / grid hours of the month``;
    a finding when ``share > max_share`` and there are at least ``min_hours`` S hours. Second rule,
    for outlets with flow: high-load hours are those with valid flow at or above the outlet's own
    ``high_flow_quantile`` of valid positive flow (baseline share ``p0`` of all hours with valid
    flow); a month whose S hours with known flow (``n``, of which ``k`` high-load) give
    ``k >= min_hours`` and a one-sided binomial test ``P(X >= k | n, p0) < max_p_value`` is a
    finding. One finding per channel and month names the rules that fired and spans the
    month's first to last S hour.

    Defaults: share 10 %, 6 hours, high flow at the 75th percentile, p < 0.01.

    Honest traps it must not flag: a few days of manual lab values after an analyser breakdown
    (under the share, spread over load); S hours during low or ordinary flow.
    """

    name = "manual_values"
    category = "integrity"

    def __init__(
        self,
        *,
        max_share: float = 0.10,
        min_hours: int = 6,
        high_flow_quantile: float = 0.75,
        max_p_value: float = 0.01,
    ) -> None:
        self.max_share = max_share
        self.min_hours = min_hours
        self.high_flow_quantile = high_flow_quantile
        self.max_p_value = max_p_value

    def _detect(self, outlet: OutletData) -> Iterable[Finding]:
        codes = [c for c in CONCENTRATIONS if c in outlet.pollutants]
        if not codes:
            return
        manual = grid_flags(outlet, codes) == "S"
        if manual.sum() < self.min_hours:
            return
        months = outlet.local_months
        load = self._load(outlet)
        month_ids, month_hours = np.unique(months, return_counts=True)
        for j, code in enumerate(codes):
            s_mask = manual[:, j]
            if s_mask.sum() < self.min_hours:
                continue
            for month, n_month in zip(month_ids, month_hours, strict=True):
                in_month = s_mask & (months == month)
                if int(in_month.sum()) < self.min_hours:
                    continue
                found = self._month(outlet, code, in_month, int(month), int(n_month), load)
                if found is not None:
                    yield found

    def _load(self, outlet: OutletData) -> _Load:
        q, q_ok, _ = grid_flow(outlet)
        known = q_ok & (q > 0)
        threshold = (
            float(np.quantile(q[known], self.high_flow_quantile)) if known.any() else float("nan")
        )
        high_load = known & (q >= threshold)
        p0 = float(high_load.sum() / known.sum()) if known.any() else float("nan")
        return _Load(known, high_load, threshold, p0)

    def _month(
        self,
        outlet: OutletData,
        code: str,
        in_month: np.ndarray,
        month: int,
        n_month: int,
        load: _Load,
    ) -> Finding | None:
        """The finding of one channel's S hours ``in_month`` (of ``n_month`` grid hours), naming
        whichever rules fired; None when neither did."""
        n_s = int(in_month.sum())
        evidence: dict[str, Any] = {
            "month": month_label(month),
            "manual_hours": n_s,
            "share": n_s / n_month,
            "month_hours": n_month,
        }
        rules = []
        if evidence["share"] > self.max_share:
            rules.append("S hours / month hours > max_share")
        n = int((in_month & load.known).sum())
        k = int((in_month & load.high).sum())
        if k >= self.min_hours and 0 < load.p0 < 1:
            p = binomial_greater(k, n, load.p0)
            if p < self.max_p_value:
                rules.append("S hours at high flow vs baseline share (binomial)")
                evidence |= {
                    "high_load_hours": k,
                    "share_high_load": k / n,
                    "baseline_share": load.p0,
                    "high_flow_threshold": load.threshold,
                    "p_value": p,
                }
        if not rules:
            return None
        # one finding per channel and month, naming whichever rules fired
        share_rule = rules[0].startswith("S hours /")
        message = "manual_values.share" if share_rule else "manual_values.high_load"
        return self._manual(
            outlet,
            code,
            np.flatnonzero(in_month),
            message,
            max(evidence["share"], evidence.get("share_high_load", 0.0)),
            {**evidence, "rule": "; ".join(rules)},
        )

    def _manual(
        self,
        outlet: OutletData,
        code: str,
        idx: np.ndarray,
        message: str,
        share: float,
        evidence: dict[str, Any],
    ) -> Finding:
        return self.finding(
            outlet,
            code,
            outlet.grid[idx[0]],
            outlet.grid[idx[-1]],
            severity="medium" if share > 0.5 else "low",
            confidence=min(0.9, 0.5 + share / 2),
            message=message,
            evidence=evidence,
            share_pct=round(100 * float(evidence.get("share", 0.0)), 1),
            baseline_share_pct=round(100 * float(evidence.get("baseline_share", 0.0)), 1),
        )
