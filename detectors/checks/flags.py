"""Flags and gaps used to hide data: gaps after high values, flags over exceedances, hand-set
values, and flow that contradicts the analysers.

HJ 212 flags: N normal, T over the analyser range (both valid for compliance), F stopped
(停运), M maintenance, D fault, C calibration, S manual input. Flags are evidence, not filters:
each detector here looks at *when* invalid or manual data occur, against the outlet's own
baseline, not at their mere presence.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

import numpy as np

from detectors.base import Detector
from detectors.finding import Finding
from detectors.frame import OutletData
from detectors.registry import register
from detectors.series import analyser_cycle_hours, binomial_greater, fisher_greater, held_runs
from detectors.spec import CONCENTRATIONS, FLOW

LOCAL_TZ: Final = "Asia/Shanghai"


def _flags(outlet: OutletData, codes: list[str]) -> np.ndarray:
    """Flags (2-character strings, "" where nothing was received) of ``codes``, one column each."""
    cols = [outlet.column(c) for c in codes]
    return outlet.wide_flag_codes[:, cols]


def _channel(outlet: OutletData, code: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(values, flags with "" where nothing was received, valid) on the hourly grid."""
    v = outlet.wide_column(code)
    f = _flags(outlet, [code])[:, 0]
    return v, f, outlet.wide_valid[:, outlet.column(code)]


def _months(outlet: OutletData) -> np.ndarray:
    """Local (Beijing, UTC+8) calendar month of every grid hour, as months since 1970-01."""
    return outlet.local_months


def _month_label(month: int) -> str:
    return f"{1970 + month // 12:04d}-{month % 12 + 1:02d}"


def _runs(mask: np.ndarray, join_hours: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(starts, ends) inclusive of runs of True, joining runs at most ``join_hours`` apart."""
    d = np.diff(np.r_[False, np.asarray(mask, dtype=bool), False].astype(np.int8))
    starts = np.flatnonzero(d == 1)
    ends = np.flatnonzero(d == -1) - 1
    if join_hours > 0 and len(starts) > 1:
        close = (starts[1:] - ends[:-1] - 1) <= join_hours
        starts = starts[np.r_[True, ~close]]
        ends = ends[np.r_[~close, True]]
    return starts, ends


def _flow(outlet: OutletData) -> tuple[np.ndarray, np.ndarray, float]:
    """(flow, flow valid, typical positive flow: median of valid flow > 0, NaN when none)."""
    if FLOW not in outlet.pollutants:
        n = len(outlet.grid)
        return np.full(n, np.nan), np.zeros(n, dtype=bool), float("nan")
    q, _, ok = _channel(outlet, FLOW)
    pos = q[ok & (q > 0)]
    return q, ok, float(np.median(pos)) if len(pos) else float("nan")


def _reads_standard(
    v: np.ndarray, f: np.ndarray, standard: float | None, tolerance_share: float = 0.10
) -> np.ndarray:
    """Calibration hours (C) reading the standard solution: within ``tolerance_share`` of the
    registry's ``standard``, else of the median C value when there are at least 3."""
    calibration = (f == "C") & ~np.isnan(v)
    if standard is None and calibration.sum() >= 3:
        standard = float(np.median(v[calibration]))
    if standard is None:
        return np.zeros(len(v), dtype=bool)
    return calibration & (np.abs(v - standard) <= tolerance_share * abs(standard))


def _iso(outlet: OutletData, i: int) -> str:
    return outlet.grid[i].tz_convert(LOCAL_TZ).isoformat()


@register
class GapHidingDetector(Detector):
    """Data go missing right after high values more often than the site's gaps explain.

    On the hourly grid of a concentration channel with an upper limit ``L``: a *gap hour* is an
    hour with no reading, or a reading flagged other than N, T, F (shutdown) or S (manual) whose
    value is not above ``L`` (a flagged exceedance is `FlagMaskingDetector`'s business) and that
    is not a calibration hour reading the standard (C within 10 % of it). Counts
    are of analyser measurements, not hours (a held value is one measurement): a *measurement* is
    a maximal run of one valid value, even across gap hours; it is *high* when its value exceeds
    ``high_share * L`` and *followed by a gap* when a gap hour comes right after one of its hours.
    Let ``c``/``d`` be the low measurements of the whole history followed / not followed by a gap
    (the site's baseline gap rate). From each gapped high measurement (an *event*), a window of
    ``window_days`` holds ``a`` events and ``b`` high measurements followed by data; the window
    is significant when ``a >= min_events``, the odds ratio
    ``(a + .5)(d + .5) / ((b + .5)(c + .5)) >= min_odds_ratio`` and Fisher's exact test
    (one-sided, greater) gives ``p < max_p_value``. The events of overlapping significant windows
    form one finding, from the first event's high hour to the last gap's end, with the statistics
    of its most significant window and every gap listed in evidence.

    Defaults: high above 0.8 L, 3 events in 30 days, odds ratio 3, p < 1e-3. One window is
    tested per event, a few dozen per channel-year, so a single test's 0.01 is too loose: on the
    simulator's tuning seeds (3,300 outlet-months), chance clusters of 3-7 gaps after high
    values on honest outlets scored p = 2.5e-3 to 1e-2 (one 4e-5), falsified windows p < 1.1e-4
    (one 7e-3).

    Honest traps it must not flag: short communication gaps at random (they follow low and high
    values alike); one high value held for a day with gaps inside it (one measurement, one
    event); plants running close to their limit (many high measurements, gaps at the baseline
    rate); weekly calibration hours (C reading the standard) after whatever value precedes them;
    maintenance windows (M) at fixed times; shutdowns (F).
    """

    name = "gap_hiding"
    category = "integrity"

    def __init__(
        self,
        *,
        high_share: float = 0.8,
        min_events: int = 3,
        min_odds_ratio: float = 3.0,
        max_p_value: float = 1e-3,
        window_days: int = 30,
    ) -> None:
        self.high_share = high_share
        self.min_events = min_events
        self.window_days = window_days
        self.min_odds_ratio = min_odds_ratio
        self.max_p_value = max_p_value

    def _detect(self, outlet: OutletData) -> Iterable[Finding]:
        window = 24 * self.window_days
        for code in CONCENTRATIONS:
            limit = outlet.spec.pollutant(code).upper_limit
            if limit is None or code not in outlet.pollutants:
                continue
            v, f, valid = _channel(outlet, code)
            # an invalid reading over the limit is flag_masking's business, and a calibration
            # hour reading the standard is scheduled work: neither is a gap
            gap = ~valid & (f != "F") & (f != "S") & ~(v > limit)
            gap &= ~_reads_standard(v, f, outlet.spec.pollutant(code).standard)
            idx = np.flatnonzero(valid[:-1])  # valid hours whose next hour is on the grid
            if len(idx) == 0:
                continue
            vi = v[idx]
            gapped_hour = gap[idx + 1]
            meas = np.cumsum(np.r_[True, vi[1:] != vi[:-1]]) - 1
            first = idx[np.r_[0, np.flatnonzero(np.diff(meas)) + 1]]  # grid hour of each
            gapped = np.bincount(meas, weights=gapped_hour, minlength=len(first)) > 0
            high = v[first] > self.high_share * limit
            event_h = first[high & gapped]
            if len(event_h) < self.min_events:
                continue
            other_h = first[high & ~gapped]
            c = int((~high & gapped).sum())
            d = int((~high & ~gapped).sum())
            # a window of window_days from each event: events a, high measurements without gap b
            upto = np.searchsorted(event_h, event_h + window)
            a_all = upto - np.arange(len(event_h))
            b_all = np.searchsorted(other_h, event_h + window) - np.searchsorted(other_h, event_h)
            odds_all = (a_all + 0.5) * (d + 0.5) / ((b_all + 0.5) * (c + 0.5))
            best: dict[int, tuple[float, int, int, float]] = {}
            included = np.zeros(len(event_h), dtype=bool)
            for i in np.flatnonzero((a_all >= self.min_events) & (odds_all >= self.min_odds_ratio)):
                p = fisher_greater(int(a_all[i]), int(b_all[i]), c, d)
                if p < self.max_p_value:
                    included[i : upto[i]] = True
                    best[int(i)] = (p, int(a_all[i]), int(b_all[i]), float(odds_all[i]))
            if not best:
                continue
            gap_starts, gap_ends = _runs(gap)
            event_meas = meas[gapped_hour & high[meas]]
            event_hours = idx[gapped_hour & high[meas]]  # every hour right before a gap
            for lo, hi in zip(*_runs(included), strict=True):
                anchors = [i for i in best if lo <= i <= hi]
                i = min(anchors, key=lambda k: best[k][0])
                p, a, b, odds = best[i]
                meas_ids = np.flatnonzero(high & gapped)[lo : hi + 1]
                hours = event_hours[np.isin(event_meas, meas_ids)]
                ends = gap_ends[np.searchsorted(gap_starts, hours + 1)]
                gaps = [
                    {
                        "after": _iso(outlet, int(h)),
                        "value": float(v[h]),
                        "gap_start": _iso(outlet, int(h) + 1),
                        "gap_end": _iso(outlet, int(e)),
                        "hours": int(e - h),
                    }
                    for h, e in zip(hours, ends, strict=True)
                ]
                yield self.finding(
                    outlet,
                    code,
                    outlet.grid[hours[0]],
                    outlet.grid[ends[-1]],
                    severity="high" if a >= 2 * self.min_events and p < 1e-4 else "medium",
                    confidence=min(0.99, 1.0 - p),
                    message="flags.gap_hiding",
                    high_share_pct=round(100 * self.high_share),
                    evidence={
                        "rule": "measurements > high_share * L followed by a gap within "
                        "window_days: odds ratio against low measurements, Fisher exact",
                        "window_start": _iso(outlet, int(event_h[i])),
                        "window_days": self.window_days,
                        "limit": float(limit),
                        "events": a,
                        "high_measurements_followed_by_data": b,
                        "baseline_gapped_measurements": c,
                        "baseline_measurements_followed_by_data": d,
                        "gap_rate_after_high": a / (a + b),
                        "baseline_gap_rate": c / (c + d) if c + d else float("nan"),
                        "odds_ratio": odds,
                        "p_value": p,
                        "gaps": gaps,
                    },
                )


@register
class FlagMaskingDetector(Detector):
    """Maintenance/fault/calibration flags over exceedances, and "stopped" while discharging.

    Rule 1, per concentration channel with upper limit ``L``: a *masked exceedance hour* has flag
    M, D or C and value > L, except a C hour within ``standard_tolerance_share`` of the standard
    solution (the registry's ``standard``, else the median of the channel's C values when it has
    at least 3). Masked hours at most ``join_hours`` apart form an episode; episodes of windows of
    ``window_days`` (from an episode's start) holding at least ``min_episodes`` episodes merge
    into one group, a finding when the flags are drawn to the exceedances: the share of the
    group's above-limit hours that are masked is at least ``min_rate_ratio`` times the share of
    M/D/C hours among the history's below-limit hours (an outlet that exceeds often and is
    serviced at random is not masking). It spans the first episode's start to the last
    episode's end, each episode in evidence.

    Rule 2, per outlet: runs of hours where one concentration channel is flagged F (stopped)
    while valid flow exceeds ``running_flow_share`` of the typical (median positive) flow,
    lasting at least ``min_stopped_hours`` consecutive hours in that channel; overlapping runs of
    several channels make one finding.

    Defaults: 3 episodes in 30 days, rate ratio 3, standard tolerance 10 %, episodes joined across
    1 h; F with flow above 5 % of the typical flow for 3 consecutive hours.

    Honest traps it must not flag: weekly calibration reading a standard above the limit (C
    near the standard); a monthly maintenance window (one or two episodes); analyser faults
    reading below the limit; shutdowns (flow 0 or flow flagged F, zeros flagged F), including
    the hour or two while flow runs down.
    """

    name = "flag_masking"
    category = "integrity"

    def __init__(
        self,
        *,
        min_episodes: int = 3,
        window_days: int = 30,
        standard_tolerance_share: float = 0.10,
        min_rate_ratio: float = 3.0,
        join_hours: int = 1,
        running_flow_share: float = 0.05,
        min_stopped_hours: int = 3,
    ) -> None:
        self.min_episodes = min_episodes
        self.window_days = window_days
        self.min_rate_ratio = min_rate_ratio
        self.standard_tolerance_share = standard_tolerance_share
        self.join_hours = join_hours
        self.running_flow_share = running_flow_share
        self.min_stopped_hours = min_stopped_hours

    def _detect(self, outlet: OutletData) -> Iterable[Finding]:
        yield from self._masked_exceedances(outlet)
        yield from self._stopped_while_flowing(outlet)

    def _masked_exceedances(self, outlet: OutletData) -> Iterable[Finding]:
        for code in CONCENTRATIONS:
            spec = outlet.spec.pollutant(code)
            limit = spec.upper_limit
            if limit is None or code not in outlet.pollutants:
                continue
            v, f, _ = _channel(outlet, code)
            flagged = (f == "M") | (f == "D") | (f == "C")
            masked = flagged & (v > limit)
            if not masked.any():
                continue
            calibration = (f == "C") & ~np.isnan(v)
            standard = spec.standard
            if standard is None and calibration.sum() >= 3:
                standard = float(np.median(v[calibration]))
            reads_standard = _reads_standard(v, f, standard, self.standard_tolerance_share)
            masked &= ~reads_standard
            above = (v > limit) & ~reads_standard
            below = v <= limit
            base_rate = (flagged & below).sum() / max(1, below.sum())
            starts, ends = _runs(masked, self.join_hours)
            if len(starts) < self.min_episodes:
                continue
            # episodes within window_days of an episode's start; overlapping windows merge
            upto = np.searchsorted(starts, starts + 24 * self.window_days)
            included = np.zeros(len(starts), dtype=bool)
            for i in np.flatnonzero(upto - np.arange(len(starts)) >= self.min_episodes):
                included[i : upto[i]] = True
            for lo, hi in zip(*_runs(included), strict=True):
                s, e = starts[lo : hi + 1], ends[lo : hi + 1]
                span = slice(s[0], e[-1] + 1)
                rate = masked[span].sum() / max(1, above[span].sum())
                if rate < self.min_rate_ratio * base_rate:
                    continue
                episodes = [
                    {
                        "start": _iso(outlet, int(i)),
                        "end": _iso(outlet, int(j)),
                        "flags": "".join(sorted(set(f[i : j + 1][masked[i : j + 1]]))),
                        "max_value": float(np.nanmax(v[i : j + 1])),
                    }
                    for i, j in zip(s, e, strict=True)
                ]
                n_ep = len(s)
                yield self.finding(
                    outlet,
                    code,
                    outlet.grid[s[0]],
                    outlet.grid[e[-1]],
                    severity="high" if n_ep >= 2 * self.min_episodes else "medium",
                    confidence=min(0.95, 0.5 + 0.1 * n_ep),
                    message="flags.masked_exceedance",
                    evidence={
                        "rule": "M/D/C-flagged values above the limit: min_episodes within "
                        "window_days, flags drawn to exceedances (min_rate_ratio)",
                        "window_days": self.window_days,
                        "limit": float(limit),
                        "episodes": n_ep,
                        "hours": int(masked[span].sum()),
                        "standard": standard,
                        "flagged_share_above_limit": float(rate),
                        "flagged_share_below_limit": float(base_rate),
                        "episode_list": episodes,
                    },
                )

    def _stopped_while_flowing(self, outlet: OutletData) -> Iterable[Finding]:
        q, q_ok, typical = _flow(outlet)
        if np.isnan(typical):
            return
        codes = [c for c in CONCENTRATIONS if c in outlet.pollutants]
        if not codes:
            return
        flags = _flags(outlet, codes)
        running = q_ok & (q > self.running_flow_share * typical)
        # each channel must itself claim "stopped" for min_stopped_hours consecutive hours;
        # overlapping claims of several channels make one finding
        cover = np.zeros(len(q) + 1, dtype=np.int64)
        for j in range(len(codes)):
            s_c, e_c = _runs((flags[:, j] == "F") & running)
            long = e_c - s_c + 1 >= self.min_stopped_hours
            np.add.at(cover, s_c[long], 1)
            np.add.at(cover, e_c[long] + 1, -1)
        starts, ends = _runs(np.cumsum(cover[:-1]) > 0)
        for s, e in zip(starts, ends, strict=True):
            hours = int(e - s + 1)
            sl = slice(s, e + 1)
            yield self.finding(
                outlet,
                None,
                outlet.grid[s],
                outlet.grid[e],
                severity="high" if hours >= 24 else "medium",
                confidence=min(0.95, 0.6 + 0.02 * hours),
                message="flags.stopped_while_flowing",
                evidence={
                    "rule": "concentration flagged F while flow > running_flow_share * typical",
                    "hours": hours,
                    "flow_min": float(np.nanmin(np.where(running[sl], q[sl], np.nan))),
                    "flow_max": float(np.nanmax(np.where(running[sl], q[sl], np.nan))),
                    "typical_flow": typical,
                    "channels": [c for j, c in enumerate(codes) if (flags[sl, j] == "F").any()],
                },
            )


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
        manual = _flags(outlet, codes) == "S"
        if manual.sum() < self.min_hours:
            return
        months = _months(outlet)
        q, q_ok, _ = _flow(outlet)
        known = q_ok & (q > 0)
        threshold = (
            float(np.quantile(q[known], self.high_flow_quantile)) if known.any() else float("nan")
        )
        high_load = known & (q >= threshold)
        p0 = float(high_load.sum() / known.sum()) if known.any() else float("nan")
        month_ids, month_hours = np.unique(months, return_counts=True)
        for j, code in enumerate(codes):
            s_mask = manual[:, j]
            if s_mask.sum() < self.min_hours:
                continue
            for month, n_month in zip(month_ids, month_hours, strict=True):
                in_month = s_mask & (months == month)
                n_s = int(in_month.sum())
                if n_s < self.min_hours:
                    continue
                idx = np.flatnonzero(in_month)
                evidence: dict[str, Any] = {
                    "month": _month_label(int(month)),
                    "manual_hours": n_s,
                    "share": n_s / int(n_month),
                    "month_hours": int(n_month),
                }
                rules = []
                if evidence["share"] > self.max_share:
                    rules.append("S hours / month hours > max_share")
                n = int((in_month & known).sum())
                k = int((in_month & high_load).sum())
                if k >= self.min_hours and 0 < p0 < 1:
                    p = binomial_greater(k, n, p0)
                    if p < self.max_p_value:
                        rules.append("S hours at high flow vs baseline share (binomial)")
                        evidence |= {
                            "high_load_hours": k,
                            "share_high_load": k / n,
                            "baseline_share": p0,
                            "high_flow_threshold": threshold,
                            "p_value": p,
                        }
                if not rules:
                    continue
                # one finding per channel and month, naming whichever rules fired
                share_rule = rules[0].startswith("S hours /")
                message = "flags.manual_share" if share_rule else "flags.manual_high_load"
                yield self._manual(
                    outlet,
                    code,
                    idx,
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


@register
class FlowMismatchDetector(Detector):
    """Flow that contradicts the analysers: a fake sample measured while nothing flows, or every
    analyser frozen while the outlet discharges.

    Rule 1: *stopped hours* have valid flow <= ``stopped_flow_share`` of the typical (median
    positive) flow, or flow flagged F. Within a maximal run of stopped hours, a concentration
    channel *keeps changing* when its consecutive N-flagged values change at least ``min_cycles``
    times (each change is one new analyser measurement); the run is a finding when any channel
    does and it lasts at least ``min_stopped_hours``.

    Rule 2 (outlets with 2+ concentration channels): with ``c_k`` channel k's analyser cycle
    (`analyser_cycle_hours`: registry or learned), channel k is frozen where its valid value is
    held longer than ``frozen_cycles * c_k`` hours (a missed measurement holds a value for two
    cycles) and at least ``min_frozen_hours``; a run of at least ``min_frozen_hours`` hours
    where every channel is frozen and valid flow is above the stopped level, during which flow
    takes at least 3 distinct values, is a finding.

    Defaults: stopped below 2 % of typical flow, 3 changes, 3 h; frozen 6 h and over 2 cycles.

    Honest traps it must not flag: shutdowns with zeros or values flagged F, or an analyser
    reporting one held value; analyser holds of 2-4 h (and series whose own cycle is longer) while
    flow varies; short flow dips; communication gaps (missing hours are neither stopped nor frozen).
    """

    name = "flow_mismatch"
    category = "integrity"

    def __init__(
        self,
        *,
        stopped_flow_share: float = 0.02,
        min_cycles: int = 3,
        min_stopped_hours: int = 3,
        min_frozen_hours: int = 6,
        frozen_cycles: float = 2.0,
    ) -> None:
        self.stopped_flow_share = stopped_flow_share
        self.min_cycles = min_cycles
        self.min_stopped_hours = min_stopped_hours
        self.min_frozen_hours = min_frozen_hours
        self.frozen_cycles = frozen_cycles

    def _detect(self, outlet: OutletData) -> Iterable[Finding]:
        q, q_ok, typical = _flow(outlet)
        if np.isnan(typical):
            return
        codes = [c for c in CONCENTRATIONS if c in outlet.pollutants]
        if not codes:
            return
        flow_flag = _flags(outlet, [FLOW])[:, 0]
        stop_level = self.stopped_flow_share * typical
        stopped = (q_ok & (q <= stop_level)) | (flow_flag == "F")
        yield from self._changing_while_stopped(outlet, codes, stopped)
        if len(codes) >= 2:
            yield from self._frozen_while_flowing(outlet, codes, q, q_ok & (q > stop_level))

    def _changing_while_stopped(
        self, outlet: OutletData, codes: list[str], stopped: np.ndarray
    ) -> Iterable[Finding]:
        starts, ends = _runs(stopped)
        keep = ends - starts + 1 >= self.min_stopped_hours
        starts, ends = starts[keep], ends[keep]
        if len(starts) == 0:
            return
        changes = {}
        for code in codes:
            v = outlet.wide_column(code)
            f = _flags(outlet, [code])[:, 0]
            ok = (f == "N") & ~np.isnan(v)
            idx = np.flatnonzero(ok)
            step = np.zeros(len(v), dtype=np.int64)
            step[idx[1:]] = v[idx[1:]] != v[idx[:-1]]
            c = np.cumsum(step)
            changes[code] = c[ends] - c[starts]  # changes at hours s+1..e
        counts = np.column_stack([changes[c] for c in codes])
        for r in np.flatnonzero(counts.max(axis=1) >= self.min_cycles):
            s, e = int(starts[r]), int(ends[r])
            per = {c: int(counts[r, j]) for j, c in enumerate(codes) if counts[r, j] > 0}
            yield self.finding(
                outlet,
                None,
                outlet.grid[s],
                outlet.grid[e],
                severity="high" if max(per.values()) >= 2 * self.min_cycles else "medium",
                confidence=min(0.95, 0.5 + 0.05 * max(per.values())),
                message="flags.changing_while_stopped",
                evidence={
                    "rule": "flow stopped (<= stopped_flow_share * typical or F) while N values change",
                    "hours": e - s + 1,
                    "changes": max(per.values()),
                    "changes_by_channel": per,
                },
            )

    def _frozen_while_flowing(
        self, outlet: OutletData, codes: list[str], q: np.ndarray, flowing: np.ndarray
    ) -> Iterable[Finding]:
        n = len(outlet.grid)
        hours = np.arange(n, dtype="float64")
        cycles = {}
        frozen_masks = []
        runs_by_code = {}
        for code in codes:
            v, _, valid = _channel(outlet, code)
            held = held_runs(v, hours, valid)
            runs_by_code[code] = held
            cycles[code] = analyser_cycle_hours(held, outlet.spec.pollutant(code).cycle_minutes)
        for code in codes:
            held = runs_by_code[code]
            long = (held.hours > self.frozen_cycles * cycles[code]) & (
                held.hours >= self.min_frozen_hours
            )
            cover = np.zeros(n + 1, dtype=np.int64)
            np.add.at(cover, held.first[long], 1)
            np.add.at(cover, held.last[long] + 1, -1)
            frozen_masks.append(np.cumsum(cover[:-1]) > 0)
        all_frozen = np.logical_and.reduce(frozen_masks) & flowing
        starts, ends = _runs(all_frozen)
        for s, e in zip(starts, ends, strict=True):
            hours_frozen = int(e - s + 1)
            sl = slice(s, e + 1)
            flow_values = np.unique(q[sl][flowing[sl]])
            if hours_frozen < self.min_frozen_hours or len(flow_values) < 3:
                continue
            yield self.finding(
                outlet,
                None,
                outlet.grid[s],
                outlet.grid[e],
                severity="high" if hours_frozen >= 24 else "medium",
                confidence=min(0.95, 0.5 + 0.02 * hours_frozen),
                message="flags.frozen_while_flowing",
                evidence={
                    "rule": "every channel held > frozen_cycles * its cycle and >= "
                    "min_frozen_hours, together for min_frozen_hours, flow varying",
                    "hours": hours_frozen,
                    "frozen_cycles": self.frozen_cycles,
                    "cycles_hours": cycles,
                    "values": {c: float(outlet.wide_column(c)[s]) for c in codes},
                    "flow_min": float(flow_values.min()),
                    "flow_max": float(flow_values.max()),
                },
            )
