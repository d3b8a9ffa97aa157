"""Flow that contradicts the analysers: measured while nothing flows, or frozen while it flows."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from detectors.base import Detector, register
from detectors.checks._common import covered, grid_channel, grid_flags, grid_flow, stretches
from detectors.finding import Finding
from detectors.frame import OutletData
from detectors.series import analyser_cycle_hours, held_runs
from detectors.spec import CONCENTRATIONS, FLOW


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
        q, q_ok, typical = grid_flow(outlet)
        if np.isnan(typical):
            return
        codes = [c for c in CONCENTRATIONS if c in outlet.pollutants]
        if not codes:
            return
        flow_flag = grid_flags(outlet, [FLOW])[:, 0]
        stop_level = self.stopped_flow_share * typical
        stopped = (q_ok & (q <= stop_level)) | (flow_flag == "F")
        yield from self._changing_while_stopped(outlet, codes, stopped)
        if len(codes) >= 2:
            yield from self._frozen_while_flowing(outlet, codes, q, q_ok & (q > stop_level))

    # ------------------------------------------------------------ rule 1: changing while stopped

    def _changing_while_stopped(
        self, outlet: OutletData, codes: list[str], stopped: np.ndarray
    ) -> Iterable[Finding]:
        runs = stretches(stopped)
        keep = runs.last - runs.first + 1 >= self.min_stopped_hours
        starts, ends = runs.first[keep], runs.last[keep]
        if len(starts) == 0:
            return
        counts = np.column_stack([_changes(outlet, c, starts, ends) for c in codes])
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
                message="flow_mismatch.changing_while_stopped",
                evidence={
                    "rule": "flow stopped (<= stopped_flow_share * typical or F) while N values change",
                    "statistic": "valid value changes while stopped, per channel",
                    "threshold": self.min_cycles,
                    "window_hours": float(e - s + 1),
                    "false_alarm_rate_per_year": None,  # a rule on facts, no statistical null
                    "hours": e - s + 1,
                    "changes": max(per.values()),
                    "changes_by_channel": per,
                },
            )

    # ------------------------------------------------------------ rule 2: frozen while flowing

    def _frozen_while_flowing(
        self, outlet: OutletData, codes: list[str], q: np.ndarray, flowing: np.ndarray
    ) -> Iterable[Finding]:
        cycles, frozen = self._frozen(outlet, codes)
        runs = stretches(np.logical_and.reduce(frozen) & flowing)
        for s, e in zip(runs.first, runs.last, strict=True):
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
                message="flow_mismatch.frozen_while_flowing",
                evidence={
                    "rule": "every channel held > frozen_cycles * its cycle and >= "
                    "min_frozen_hours, together for min_frozen_hours, flow varying",
                    "statistic": "hours every channel is held together while flow varies",
                    "threshold": self.min_frozen_hours,
                    "window_hours": float(hours_frozen),
                    "false_alarm_rate_per_year": None,  # a rule on facts, no statistical null
                    "hours": hours_frozen,
                    "frozen_cycles": self.frozen_cycles,
                    "cycles_hours": cycles,
                    "values": {c: float(outlet.wide_column(c)[s]) for c in codes},
                    "flow_min": float(flow_values.min()),
                    "flow_max": float(flow_values.max()),
                },
            )

    def _frozen(
        self, outlet: OutletData, codes: list[str]
    ) -> tuple[dict[str, float], list[np.ndarray]]:
        """Each channel's analyser cycle (h), and the grid hours where it holds a valid value
        longer than ``frozen_cycles`` cycles and at least ``min_frozen_hours``."""
        n = len(outlet.grid)
        hours = np.arange(n, dtype="float64")
        cycles: dict[str, float] = {}
        frozen = []
        for code in codes:
            v, _, valid = grid_channel(outlet, code)
            held = held_runs(v, hours, valid)
            cycles[code] = analyser_cycle_hours(held, outlet.spec.pollutant(code).cycle_minutes)
            long = (held.hours > self.frozen_cycles * cycles[code]) & (
                held.hours >= self.min_frozen_hours
            )
            frozen.append(covered(held.first[long], held.last[long], n))
        return cycles, frozen


def _changes(outlet: OutletData, code: str, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """How often the N-flagged value of channel ``code`` changes at hours ``s+1..e`` of each
    run ``starts[k]..ends[k]`` (each change is one new analyser measurement)."""
    v = outlet.wide_column(code)
    f = grid_flags(outlet, [code])[:, 0]
    ok = (f == "N") & ~np.isnan(v)
    idx = np.flatnonzero(ok)
    step = np.zeros(len(v), dtype=np.int64)
    step[idx[1:]] = v[idx[1:]] != v[idx[:-1]]
    c = np.cumsum(step)
    return c[ends] - c[starts]
