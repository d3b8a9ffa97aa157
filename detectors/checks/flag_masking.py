"""Maintenance, fault and calibration flags over exceedances, and "stopped" while discharging."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from detectors.base import Detector, register
from detectors.checks._common import (
    covered,
    grid_channel,
    grid_flags,
    grid_flow,
    local_iso,
    reads_standard,
    stretches,
)
from detectors.finding import Finding
from detectors.frame import OutletData
from detectors.spec import CONCENTRATIONS


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
        for code in CONCENTRATIONS:
            limit = outlet.spec.pollutant(code).upper_limit
            if limit is None or code not in outlet.pollutants:
                continue
            yield from self._masked_exceedances(outlet, code, limit)
        yield from self._stopped_while_flowing(outlet)

    # ------------------------------------------------------------ rule 1: masked exceedances

    def _masked_exceedances(self, outlet: OutletData, code: str, limit: float) -> Iterable[Finding]:
        v, f, _ = grid_channel(outlet, code)
        flagged = (f == "M") | (f == "D") | (f == "C")
        masked = flagged & (v > limit)
        if not masked.any():
            return
        calibration = (f == "C") & ~np.isnan(v)
        standard = outlet.spec.pollutant(code).standard
        if standard is None and calibration.sum() >= 3:
            standard = float(np.median(v[calibration]))
        on_standard = reads_standard(v, f, standard, self.standard_tolerance_share)
        masked &= ~on_standard
        above = (v > limit) & ~on_standard
        below = v <= limit
        base_rate = (flagged & below).sum() / max(1, below.sum())
        episodes = stretches(masked, self.join_hours)
        starts, ends = episodes.first, episodes.last
        if len(starts) < self.min_episodes:
            return
        groups = stretches(self._crowded(starts))
        for lo, hi in zip(groups.first, groups.last, strict=True):
            s, e = starts[lo : hi + 1], ends[lo : hi + 1]
            span = slice(s[0], e[-1] + 1)
            rate = masked[span].sum() / max(1, above[span].sum())
            if rate < self.min_rate_ratio * base_rate:
                continue
            yield self.finding(
                outlet,
                code,
                outlet.grid[s[0]],
                outlet.grid[e[-1]],
                severity="high" if len(s) >= 2 * self.min_episodes else "medium",
                confidence=min(0.95, 0.5 + 0.1 * len(s)),
                message="flag_masking.masked_exceedance",
                evidence={
                    "rule": "M/D/C-flagged values above the limit: min_episodes within "
                    "window_days, flags drawn to exceedances (min_rate_ratio)",
                    "window_days": self.window_days,
                    "limit": float(limit),
                    "episodes": len(s),
                    "hours": int(masked[span].sum()),
                    "standard": standard,
                    "flagged_share_above_limit": float(rate),
                    "flagged_share_below_limit": float(base_rate),
                    "episode_list": _episodes(outlet, v, f, masked, s, e),
                },
            )

    def _crowded(self, starts: np.ndarray) -> np.ndarray:
        """The episodes (by their first hour) in a window of ``window_days`` from an episode's
        start that holds at least ``min_episodes`` of them; overlapping windows merge."""
        upto = np.searchsorted(starts, starts + 24 * self.window_days)
        included = np.zeros(len(starts), dtype=bool)
        for i in np.flatnonzero(upto - np.arange(len(starts)) >= self.min_episodes):
            included[i : upto[i]] = True
        return included

    # ------------------------------------------------------------ rule 2: stopped while flowing

    def _stopped_while_flowing(self, outlet: OutletData) -> Iterable[Finding]:
        q, q_ok, typical = grid_flow(outlet)
        if np.isnan(typical):
            return
        codes = [c for c in CONCENTRATIONS if c in outlet.pollutants]
        if not codes:
            return
        flags = grid_flags(outlet, codes)
        running = q_ok & (q > self.running_flow_share * typical)
        # each channel must itself claim "stopped" for min_stopped_hours consecutive hours;
        # overlapping claims of several channels make one finding
        firsts, lasts = [], []
        for j in range(len(codes)):
            claims = stretches((flags[:, j] == "F") & running)
            long = claims.last - claims.first + 1 >= self.min_stopped_hours
            firsts.append(claims.first[long])
            lasts.append(claims.last[long])
        runs = stretches(covered(np.concatenate(firsts), np.concatenate(lasts), len(q)))
        for s, e in zip(runs.first, runs.last, strict=True):
            hours = int(e - s + 1)
            sl = slice(s, e + 1)
            yield self.finding(
                outlet,
                None,
                outlet.grid[s],
                outlet.grid[e],
                severity="high" if hours >= 24 else "medium",
                confidence=min(0.95, 0.6 + 0.02 * hours),
                message="flag_masking.stopped_while_flowing",
                evidence={
                    "rule": "concentration flagged F while flow > running_flow_share * typical",
                    "hours": hours,
                    "flow_min": float(np.nanmin(np.where(running[sl], q[sl], np.nan))),
                    "flow_max": float(np.nanmax(np.where(running[sl], q[sl], np.nan))),
                    "typical_flow": typical,
                    "channels": [c for j, c in enumerate(codes) if (flags[sl, j] == "F").any()],
                },
            )


def _episodes(
    outlet: OutletData,
    v: np.ndarray,
    f: np.ndarray,
    masked: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
) -> list[dict[str, object]]:
    """Each masked episode ``starts[k]..ends[k]`` as evidence lists it."""
    return [
        {
            "start": local_iso(outlet, int(i)),
            "end": local_iso(outlet, int(j)),
            "flags": "".join(sorted(set(f[i : j + 1][masked[i : j + 1]]))),
            "max_value": float(np.nanmax(v[i : j + 1])),
        }
        for i, j in zip(starts, ends, strict=True)
    ]
