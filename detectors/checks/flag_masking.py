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
    stretches,
)
from detectors.finding import Finding
from detectors.frame import OutletData
from detectors.series import binomial_greater
from detectors.spec import CONCENTRATIONS, FLOW


@register
class FlagMaskingDetector(Detector):
    """Maintenance/fault/calibration flags over exceedances, and "stopped" while discharging.

    Rule 1, per concentration channel with upper limit ``L``. An operator who hides an
    exceedance under a maintenance (M) or fault (D) flag leaves the analyser measuring: the
    flagged values are the effluent's, above the limit and moving like a measured concentration
    (a rise and fall in steps of the analyser's own size). An analyser really under service
    reports no such thing: a held or test value (constant), zero, nothing, or erratic readings
    while it is worked on. So a *masked episode* is a run of M/D hours (joined across
    ``join_hours``) of at least ``min_episode_hours`` whose values above ``L`` take at least two
    distinct values, peak at least ``min_peak_ratio * L``, and are smooth: their roughness
    ``r = mean|x(t+1) - x(t)| / (max(x) - min(min(x), x0))``, with ``x0`` the last valid value
    before the episode (the plant's level), is at most ``max_roughness`` (a rise from the level
    and a fall over ``n`` hours gives about ``2 / n``; erratic values about 1). C hours are left to the calibration rules (a C hour reading the
    standard above the limit is honest).

    Null model: in an honest outlet's history, a flagged episode looks like a masked one with a
    small probability ``p0`` (``null_episode_share``; measured over honest outlets' M/D episodes:
    0 of 4,798 at 94 national surface-water stations, 1 of 1,594 on the project's simulator and
    56 of 2,098 on the independent generator's tuning seeds, maintenance during honest upsets). With ``n`` flagged episodes of the channel
    and ``k`` masked ones, a finding needs ``k >= min_episodes`` and the binomial tail
    ``P(K >= k | n, p0) <= false_alarm_rate_per_year * years`` (years of the series, at least a
    month), which sets the stated false-alarm rate per channel-year. It spans the first masked
    episode's start to the last one's end, each episode in evidence. Masking spread over a
    quarter counts as much as masking within a month: no window is required.

    Rule 2, per outlet: runs of hours where one concentration channel is flagged F (stopped)
    while the flow meter reads more than ``running_flow_share`` of the typical (median positive
    valid) flow, whether its reading is flagged valid or F itself (an honest stop reads 0),
    lasting at least ``min_stopped_hours`` consecutive hours in that channel; overlapping runs of
    several channels make one finding.

    Defaults: ``min_episodes=2``, ``min_episode_hours=3``, ``min_peak_ratio=1.1``,
    ``max_roughness=0.5``, ``null_episode_share=0.02``, ``false_alarm_rate_per_year=0.002``,
    episodes joined across 1 h; F with flow above 5 % of the typical flow for 3 consecutive hours.

    Honest traps it must not flag: weekly calibration reading a standard above the limit (C
    hours); maintenance and faults holding a value or a test solution above the limit, or
    reading erratically while serviced (the national surface-water stations' maintenance hours
    carry odd values honestly); analyser faults reading below the limit; shutdowns (flow 0 or flow flagged F, zeros flagged F), including
    the hour or two while flow runs down.
    """

    name = "flag_masking"
    category = "integrity"

    def __init__(
        self,
        *,
        min_episodes: int = 2,
        min_episode_hours: int = 3,
        min_peak_ratio: float = 1.1,
        max_roughness: float = 0.5,
        null_episode_share: float = 0.02,
        false_alarm_rate_per_year: float = 0.002,
        join_hours: int = 1,
        running_flow_share: float = 0.05,
        min_stopped_hours: int = 3,
    ) -> None:
        self.min_episodes = min_episodes
        self.min_episode_hours = min_episode_hours
        self.min_peak_ratio = min_peak_ratio
        self.max_roughness = max_roughness
        self.null_episode_share = null_episode_share
        self.false_alarm_rate_per_year = false_alarm_rate_per_year
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
        v, f, valid = grid_channel(outlet, code)
        flagged = (f == "M") | (f == "D")
        if not (flagged & (v > limit)).any():
            return
        episodes = stretches(flagged, self.join_hours)
        before = _last_valid_before(v, valid, episodes.first)
        masked = [
            (int(a), int(b), r)
            for a, b, level in zip(
                episodes.first.tolist(), episodes.last.tolist(), before.tolist(), strict=True
            )
            if (r := self._masked(v[a : b + 1], level, limit)) is not None
        ]
        n, k = len(episodes.first), len(masked)
        if k < self.min_episodes:
            return
        years = max(len(outlet.grid) / 8766.0, 1.0 / 12.0)
        allowed = self.false_alarm_rate_per_year * years
        p_value = binomial_greater(k, n, self.null_episode_share)
        if p_value > allowed:
            return
        s = np.array([a for a, _, _ in masked])
        e = np.array([b for _, b, _ in masked])
        hours = int(sum(b - a + 1 for a, b, _ in masked))
        yield self.finding(
            outlet,
            code,
            outlet.grid[s[0]],
            outlet.grid[e[-1]],
            severity="high" if k >= 2 * self.min_episodes else "medium",
            confidence=float(min(0.95, 1.0 - p_value / max(allowed, 1e-300) * 0.5)),
            message="flag_masking.masked_exceedance",
            evidence={
                "rule": "M/D-flagged runs over the limit that move like a measured concentration "
                "(>= 2 distinct values, smooth), more of them than honest flags make",
                "statistic": "binomial tail P(K >= k | n flagged episodes, p0)",
                "threshold": allowed,
                "false_alarm_rate_per_year": self.false_alarm_rate_per_year,
                "window_hours": float((e[-1] - s[0]) + 1),
                "limit": float(limit),
                "episodes": k,
                "flagged_episodes": n,
                "null_episode_share": self.null_episode_share,
                "p_value": p_value,
                "hours": hours,
                "roughness": [round(r, 3) for _, _, r in masked],
                "episode_list": _episodes(outlet, v, f, s, e),
            },
            days=round(float((e[-1] - s[0]) + 1) / 24.0, 1),
        )

    def _masked(self, x: np.ndarray, level: float, limit: float) -> float | None:
        """The episode's roughness when ``x`` (its values; ``level`` the last valid value before
        it, NaN if none) looks like a masked exceedance."""
        x = x[~np.isnan(x)]
        over = x[x > limit]
        if len(x) < self.min_episode_hours or len(np.unique(over)) < 2:
            return None
        if over.max() < self.min_peak_ratio * limit:
            return None
        low = float(x.min()) if np.isnan(level) else min(float(x.min()), level)
        roughness = float(np.abs(np.diff(x)).mean()) / float(x.max() - low)
        return roughness if roughness <= self.max_roughness else None

    # ------------------------------------------------------------ rule 2: stopped while flowing

    def _stopped_while_flowing(self, outlet: OutletData) -> Iterable[Finding]:
        q, q_ok, typical = grid_flow(outlet)
        if np.isnan(typical):
            return
        codes = [c for c in CONCENTRATIONS if c in outlet.pollutants]
        if not codes:
            return
        flags = grid_flags(outlet, codes)
        # the meter's reading counts whether flagged valid or "stopped" itself: flow of a
        # typical size flagged F is the outlet discharging while its data claim it stopped
        q_flag = grid_flags(outlet, [FLOW])[:, 0]
        measured = q_ok | ((q_flag == "F") & ~np.isnan(q))
        running = measured & (q > self.running_flow_share * typical)
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
                    "statistic": "consecutive hours claimed stopped while flowing",
                    "threshold": self.min_stopped_hours,
                    "window_hours": float(hours),
                    "false_alarm_rate_per_year": None,  # a rule on facts, no statistical null
                    "hours": hours,
                    "flow_min": float(np.nanmin(np.where(running[sl], q[sl], np.nan))),
                    "flow_max": float(np.nanmax(np.where(running[sl], q[sl], np.nan))),
                    "typical_flow": typical,
                    "channels": [c for j, c in enumerate(codes) if (flags[sl, j] == "F").any()],
                },
            )


def _episodes(
    outlet: OutletData, v: np.ndarray, f: np.ndarray, starts: np.ndarray, ends: np.ndarray
) -> list[dict[str, object]]:
    """Each masked episode ``starts[k]..ends[k]`` as evidence lists it."""
    return [
        {
            "start": local_iso(outlet, int(i)),
            "end": local_iso(outlet, int(j)),
            "flags": "".join(sorted(set(f[i : j + 1]) - {""})),
            "max_value": float(np.nanmax(v[i : j + 1])),
        }
        for i, j in zip(starts, ends, strict=True)
    ]


def _last_valid_before(v: np.ndarray, valid: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """For each grid index in ``starts``, the last valid value of ``v`` before it (NaN if none)."""
    ok = valid & ~np.isnan(v)
    last = np.maximum.accumulate(np.where(ok, np.arange(len(v)), -1))
    prior = np.where(starts > 0, last[np.maximum(starts - 1, 0)], -1)
    return np.where(prior >= 0, v[np.maximum(prior, 0)], np.nan)
