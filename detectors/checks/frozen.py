"""One value held far longer than the analyser ever holds an honest one (恒值)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from detectors.base import Detector, register
from detectors.checks._common import (
    exponential_tail_bar,
    flow_at,
    flow_range,
    measured_series,
)
from detectors.finding import Finding
from detectors.frame import OutletData, Series
from detectors.series import HeldRuns, analyser_cycle_hours, timestamp


@dataclass(frozen=True, slots=True)
class _Bar:
    """How long one series may hold a value: ``floor`` (cycles and hours) and ``bar`` (its own
    baseline or chance runs, capped), from the analyser ``cycle`` (h), the ``baseline`` run
    quantile (h) and the ``chance`` run (h)."""

    cycle: float
    baseline: float
    chance: float
    tail: float
    floor: float
    bar: float

    @property
    def threshold(self) -> float:
        return max(self.floor, self.bar)


@register
class FrozenValueDetector(Detector):
    """One value held far longer than this analyser ever holds an honest value (hung bottle,
    frozen output, typed constant 恒值).

    Per series, on readings flagged N: held runs of one value (`detectors.series.held_runs`, a run
    survives gaps of up to ``max_gap_hours``), each with its duration ``h`` in clock hours. With
    ``c`` the analyser cycle in hours (registry ``cycle_minutes``, else learned: the most common
    held-run length) and ``q`` the ``baseline_quantile`` of the series' own run durations, a run
    is flagged when

        h >= max(min_cycles * c, min_hours)   and   h > max(min(max(q, g), high_hours), t)

    where ``g`` is the run a low-resolution series makes by chance: with ``p`` the chance that a
    new measurement repeats the last one (estimated as the share of runs lasting two cycles or
    more), runs of ``k`` cycles or more are expected ``N p^(k-1)`` times among ``N`` runs;
    ``g = c * k`` for the smallest ``k`` expected fewer than ``max_chance_runs`` times (a TP at
    0.01 mg/L that repeats one time in three makes 24-h runs by chance in a year of data; a run
    must be strictly longer than both, as the design says "longer than the 99.5th percentile":
    run lengths are multiples of the cycle, and runs exactly at the bar were honest)

    and, where the outlet reports flow, the flow is > 0 in at least ``min_flow_share`` of the
    run's hours (a plant at rest may hold its last value). Severity high when ``h >= high_hours``.
    The baseline term is capped at ``high_hours`` so that a series frozen most of the time cannot
    raise its own bar above three days, and the quantile is the "lower" one (an observed run
    duration), so that in a short series (under 1 / (1 - q) runs) the longest run never sets its
    own bar.

    The bar is also at least ``t``, the run this series' own tail of run durations reaches with
    an expected ``false_alarm_rate_per_year`` runs a year (the null model of an honest quantised
    series, whose runs are not memoryless: a pH at 0.1 that drifts a few hundredths an hour sits
    on one value for a day or two now and then). The ``n_tail`` longest runs (a tenth of them, at
    least ``tail_runs``, else no tail bar) exceed the next longest ``u`` by an exponential amount of
    mean ``beta`` (their median excess / ln 2: frozen episodes among them move a median little):
    ``n_tail * exp(-(t - u) / beta) = rate * years`` gives ``t = u + beta * ln(n_tail / (rate *
    years))``. This tail bar is not capped: a series whose honest holds reach days (the real
    series in ``tests/data`` holds a value for 3-4 days several times a year) is judged against
    them; ``high_hours`` caps the other two terms and sets the severity.

    With fewer than ``3 * tail_runs`` runs (a new outlet: days of history) the tail is not
    trusted and the bar is at least ``high_hours``: in their first 2 to 12 days, honest pH series
    of the independent generator (tuning seeds 2-3, 60-day fleets cut short) held a value a day
    and were reported against a tail fitted on 20-30 runs (19 h; 60 days of the same series set
    it past 27 h).

    Defaults: ``min_cycles=6``, ``min_hours=24``, ``baseline_quantile=0.995``, ``high_hours=72``,
    ``max_gap_hours=1``, ``min_flow_share=0.5``, ``max_chance_runs=0.001``,
    ``false_alarm_rate_per_year=0.001`` (per series), ``tail_runs=12``.

    Not flagged (honest traps): analyser cycles (values held 2-4 h, and the 6-8 h holds that are
    the norm of the real series in ``data/real/cn_enterprise_outlet_hourly``), low resolution
    (repeats of a pH 7.2 are runs of the same length as the series' own), shutdown holds while
    flow is 0, calibration and maintenance hours (not N: they break nothing and join nothing).
    Whole days at one value ARE reported when longer than the series' own 99.5th percentile run:
    they are leads, to be explained by the plant.
    """

    name = "frozen"
    category = "integrity"

    def __init__(
        self,
        *,
        min_cycles: float = 6.0,
        min_hours: float = 24.0,
        baseline_quantile: float = 0.995,
        high_hours: float = 72.0,
        max_gap_hours: float = 1.0,
        min_flow_share: float = 0.5,
        max_chance_runs: float = 0.001,
        false_alarm_rate_per_year: float = 0.001,
        tail_runs: int = 12,
    ) -> None:
        self.min_cycles = min_cycles
        self.min_hours = min_hours
        self.baseline_quantile = baseline_quantile
        self.high_hours = high_hours
        self.max_gap_hours = max_gap_hours
        self.min_flow_share = min_flow_share
        self.max_chance_runs = max_chance_runs
        self.false_alarm_rate_per_year = false_alarm_rate_per_year
        self.tail_runs = tail_runs

    def _detect(self, outlet: OutletData) -> Iterator[Finding]:
        for s in measured_series(outlet):
            yield from self._series(outlet, s)

    def _series(self, outlet: OutletData, s: Series) -> Iterator[Finding]:
        runs = s.held("normal", self.max_gap_hours)
        bar = self._bar(outlet, s, runs)
        h = runs.hours
        long = np.flatnonzero((h >= bar.floor) & (h > bar.bar))
        if len(long) == 0:
            return
        flow = flow_at(outlet, s)
        for i in long.tolist():
            a, b = int(runs.first[i]), int(runs.last[i])
            f = flow[a : b + 1]
            known = ~np.isnan(f)
            on_share = float((f[known] > 0).mean()) if known.any() else None
            if on_share is not None and on_share < self.min_flow_share:
                continue
            yield self._finding(outlet, s, runs, i, bar, f, on_share)

    def _bar(self, outlet: OutletData, s: Series, runs: HeldRuns) -> _Bar:
        cycle = analyser_cycle_hours(runs, outlet.spec.pollutant(s.code).cycle_minutes)
        q = float(np.quantile(runs.hours, self.baseline_quantile, method="lower"))
        chance = _chance_run_hours(runs.hours, cycle, self.max_chance_runs)
        years = max(float(s.hours[-1] - s.hours[0]) / 8766.0, 1.0 / 12.0) if len(s) else 1.0
        tail = run_tail_bar(runs.hours, self.false_alarm_rate_per_year * years, self.tail_runs)
        if len(runs) < 3 * self.tail_runs:
            # too few runs to learn this series' tail (a new outlet, live detection's first
            # days): a hold must pass high_hours, not the longest of a handful of runs
            tail = max(tail, self.high_hours)
        floor = max(self.min_cycles * cycle, self.min_hours)
        return _Bar(cycle, q, chance, tail, floor, max(min(max(q, chance), self.high_hours), tail))

    def _finding(
        self,
        outlet: OutletData,
        s: Series,
        runs: HeldRuns,
        i: int,
        bar: _Bar,
        flow: np.ndarray,
        on_share: float | None,
    ) -> Finding:
        a, b = int(runs.first[i]), int(runs.last[i])
        hours = float(runs.hours[i])
        threshold, cycle = bar.threshold, bar.cycle
        lo, hi = flow_range(flow)
        return self.finding(
            outlet,
            s.code,
            timestamp(s.ts[a]),
            timestamp(s.ts[b]),
            severity="high" if hours >= self.high_hours else "medium",
            confidence=min(1.0, 0.6 + 0.4 * (hours - threshold) / threshold),
            message="frozen.flow" if lo is not None else "frozen.noflow",
            evidence={
                "rule": "identical value held at least T hours, flow > 0",
                "statistic": "held-run duration (h)",
                "threshold": round(threshold, 3),
                "window_hours": hours,
                "value": float(runs.value[i]),
                "hours": hours,
                "readings": int(runs.count[i]),
                "cycles": round(hours / cycle, 2),
                "cycle_hours": cycle,
                "baseline_run_quantile_hours": round(bar.baseline, 3),
                "chance_run_hours": round(bar.chance, 3),
                "tail_run_hours": round(bar.tail, 3),
                "false_alarm_rate_per_year": self.false_alarm_rate_per_year,
                "flow_on_share": on_share,
                "flow_min": lo,
                "flow_max": hi,
            },
            value=float(runs.value[i]),
            hours=hours,
            cycles=hours / cycle,
            flow_min=lo,
            flow_max=hi,
        )


#: How much better (log-likelihood) a power tail must fit the longest runs than an exponential
#: one before the series is judged heavy-tailed (an AIC difference of 2 x 3: strong evidence).
HEAVY_TAIL_MARGIN = 3.0
#: ... and it must rest on at least HEAVY_RUNS runs of a day (HEAVY_HOURS) and HEAVY_MULTIPLE x u
#: or longer besides the TAIL_TRIM longest: holds of days are this series' habit, not a few
#: episodes (and not the quantised tail of an hourly analyser, whose ``u`` is an hour or two).
HEAVY_RUNS = 5
HEAVY_MULTIPLE = 3.0
HEAVY_HOURS = 24.0
#: The longest runs left out of that comparison (frozen episodes among them must not decide it).
TAIL_TRIM = 3


def run_tail_bar(hours: np.ndarray, expected: float, min_tail: int = 12) -> float:
    """The run duration this series' own tail reaches ``expected`` times: the exponential tail
    of `exponential_tail_bar`, unless the longest runs (the ``n_tail`` of it, the `TAIL_TRIM`
    longest left out) fit a power (Pareto) tail clearly better than an exponential (by
    `HEAVY_TAIL_MARGIN` in log-likelihood, both fitted by maximum likelihood above the same
    ``u``). Then the bar is where the power tail ``n_tail * (t / u) ** -alpha`` reaches
    ``expected``: a series whose holds are heavy-tailed (a platform that repeats the last value
    for days now and then) is judged against that tail, not against an exponential it does not
    follow."""
    bar = exponential_tail_bar(hours, expected, min_tail)
    h = np.asarray(hours, dtype="float64")
    if np.count_nonzero(h >= HEAVY_HOURS) < HEAVY_RUNS + TAIL_TRIM:
        return bar  # the usual case, decided without sorting
    h = np.sort(h)
    n_tail = max(min_tail, len(h) // 10)
    if len(h) < 2 * n_tail or expected <= 0:
        return bar
    u = float(h[-n_tail - 1])
    top = h[-n_tail:-TAIL_TRIM] if TAIL_TRIM else h[-n_tail:]
    if u <= 0 or len(top) < min_tail // 2:
        return bar
    excess = top - u
    log_ratio = np.log(top / u)
    if excess.sum() <= 0 or log_ratio.sum() <= 0:
        return bar
    m = len(top)
    beta = float(excess.mean())
    alpha = m / float(log_ratio.sum())
    ll_exp = -m * np.log(beta) - m
    ll_pow = m * np.log(alpha) - m * np.log(u) - (alpha + 1.0) * float(log_ratio.sum())
    if (
        ll_pow <= ll_exp + HEAVY_TAIL_MARGIN
        or (top >= max(HEAVY_MULTIPLE * u, HEAVY_HOURS)).sum() < HEAVY_RUNS
    ):
        return bar
    return max(bar, u * float((n_tail / expected) ** (1.0 / alpha)))


def _chance_run_hours(hours: np.ndarray, cycle: float, max_runs: float) -> float:
    """The shortest run (h) expected fewer than ``max_runs`` times by chance among ``len(hours)``
    runs if each new measurement repeats the last with probability ``p``, estimated as the share
    of runs that last two cycles or more (each long run counts once, so a few frozen days do
    not raise the estimate the way they would raise a mean run length)."""
    if len(hours) == 0:
        return 0.0
    p = float(np.mean(hours >= 2 * cycle - 1e-9))
    if p <= 0.0:
        return cycle
    if p >= 1.0:
        return float("inf")
    k = 1.0 + np.log(len(hours) / max_runs) / np.log(1.0 / p)
    return float(np.ceil(k) * cycle)
