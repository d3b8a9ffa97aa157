"""Vectorised statistics over one series that many detectors share.

Everything here works on the numpy arrays of a `detectors.frame.Series` (int64 UTC nanoseconds,
float values, boolean masks) and never loops per reading:

- `runs`: maximal runs of equal consecutive values;
- `segments`: maximal stretches of readings where a mask holds, joined across short time gaps;
- `held_runs`: runs of one held value among selected readings, with their durations in hours;
- `resolution`: the smallest step between distinct values (0.1 for pH, 0.01 for TP, ...);
- `analyser_cycle_hours`: how many hours an analyser holds a value, from the registry or learned
  from the series' own runs;
- `hourly_grid`, `block_sums`, `window_sums`: values on an hourly grid and sums over fixed blocks
  and sliding windows of blocks (the rolling statistics of the detectors);
- `hours_of`, `timestamp`: whole hours of int64 timestamps, and a finding's UTC timestamp.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

HOUR_NS: Final = 3_600_000_000_000
DAY_HOURS: Final = 24
#: Held runs longer than this are never taken as an analyser cycle (a cycle is 1 to 4 h in
#: practice; a series whose typical hold is longer is judged on its own run-length baseline).
MAX_CYCLE_HOURS: Final = 12.0
#: Hours in a year of 365.25 days: what rates per series-year are counted in.
YEAR_HOURS: Final = 8766.0
#: The least span a rate per series-year is spread over, a month: a series of a few days is
#: judged as a month's, so that it cannot claim a year's rarity from a week of data.
MIN_YEARS: Final = 1.0 / 12.0


@dataclass(frozen=True, slots=True)
class Runs:
    """Maximal runs of consecutive equal values: ``starts[i]`` index of the first element, ``lengths[i]``
    how many, ``values[i]`` the value. NaN never joins a run (each NaN is a run of its own)."""

    starts: np.ndarray
    lengths: np.ndarray
    values: np.ndarray

    @property
    def ends(self) -> np.ndarray:
        """Index of the last element of each run (inclusive)."""
        return self.starts + self.lengths - 1


def runs(values: np.ndarray, breaks: np.ndarray | None = None) -> Runs:
    """Runs of equal consecutive values in ``values``.

    ``breaks[i]`` True forces a new run to start at ``i`` (e.g. a gap in time or a flag change).
    """
    v = np.asarray(values, dtype="float64")
    n = len(v)
    if n == 0:
        empty = np.array([], dtype=np.int64)
        return Runs(empty, empty, np.array([], dtype="float64"))
    # change[i]: a run starts at i (change[n]: the end of the last one)
    change = np.empty(n + 1, dtype=bool)
    change[0] = change[n] = True
    np.not_equal(v[1:], v[:-1], out=change[1:n])  # NaN differs from everything, itself too
    if breaks is not None:
        change[:n] |= np.asarray(breaks, dtype=bool)
    bounds = np.flatnonzero(change)
    starts = bounds[:-1]
    return Runs(starts, bounds[1:] - starts, v[starts])


def median(x: np.ndarray) -> float:
    """The median of a non-empty array without NaN: ``np.median`` without its checks and one
    selection, not two (``np.partition`` with two order statistics costs several times one:
    0.66 ms against 0.10 ms on 66,000 values, the Theil-Sen slopes of a year's days; the
    lower middle of an even count is the largest value left of the upper one)."""
    n = len(x)
    hi = n // 2
    part = np.partition(x, hi)
    lo = float(part[:hi].max()) if n % 2 == 0 else float(part[hi])
    return 0.5 * (lo + float(part[hi]))


def hours_of(ts: np.ndarray) -> np.ndarray:
    """Whole hours since the epoch (int64) of int64 UTC-nanosecond timestamps."""
    return np.asarray(ts, dtype=np.int64) // HOUR_NS


@dataclass(frozen=True, slots=True)
class Segments:
    """Stretches of readings: ``first[i]``/``last[i]`` are indices (inclusive) into the series."""

    first: np.ndarray
    last: np.ndarray

    def __len__(self) -> int:
        return len(self.first)


def segments(
    mask: np.ndarray,
    hours: np.ndarray,
    *,
    join_gap_hours: float = 0.0,
    considered: np.ndarray | None = None,
) -> Segments:
    """Maximal stretches of readings where ``mask`` holds.

    Only readings where ``considered`` is True take part (others are skipped as if absent, so an
    invalid reading between two masked ones neither breaks nor extends a stretch). Two masked
    readings ``i < j`` with no considered unmasked reading between them belong to one stretch when
    ``hours[j] - hours[i] <= 1 + join_gap_hours`` (``join_gap_hours=1`` joins across one missing
    hour).
    """
    mask = np.asarray(mask, dtype=bool)
    if considered is None:
        sel = None
        pos = np.flatnonzero(mask)
    else:
        sel = np.flatnonzero(considered)
        pos = np.flatnonzero(mask.take(sel))
    k = len(pos)
    if k == 0:
        empty = np.array([], dtype=np.int64)
        return Segments(empty, empty)
    at = pos if sel is None else sel.take(pos)
    h = np.asarray(hours, dtype="float64").take(at)
    # brk[i]: a stretch starts at the i-th masked reading (brk[k]: the end of the last one)
    brk = np.empty(k + 1, dtype=bool)
    brk[0] = brk[k] = True
    np.greater(pos[1:] - pos[:-1], 1, out=brk[1:k])
    brk[1:k] |= (h[1:] - h[:-1]) > 1.0 + join_gap_hours + 1e-9
    return Segments(at[brk[:-1]], at[brk[1:]])


@dataclass(frozen=True, slots=True)
class HeldRuns:
    """Runs of one held value: indices ``first``/``last`` (inclusive) into the series, the number of
    readings ``count``, the duration ``hours`` (last hour - first hour + 1) and the ``value``."""

    first: np.ndarray
    last: np.ndarray
    count: np.ndarray
    hours: np.ndarray
    value: np.ndarray

    def __len__(self) -> int:
        return len(self.first)


def held_runs(
    values: np.ndarray,
    hours: np.ndarray,
    considered: np.ndarray,
    *,
    max_gap_hours: float = 0.0,
) -> HeldRuns:
    """Runs of equal values among the ``considered`` readings.

    A run breaks when the value changes or when the time between two consecutive considered
    readings exceeds ``1 + max_gap_hours`` hours. Its duration is measured in hours of the clock
    (a held value across a one-hour gap still counts the gap).
    """
    sel = np.flatnonzero(considered)
    n = len(sel)
    if n == 0:
        empty = np.array([], dtype=np.int64)
        return HeldRuns(empty, empty, empty, np.array([], dtype="float64"), np.array([]))
    v = np.asarray(values, dtype="float64").take(sel)
    h = np.asarray(hours, dtype="float64").take(sel)
    # as `runs` of v with a break where consecutive considered readings are too far apart
    change = np.empty(n + 1, dtype=bool)
    change[0] = change[n] = True
    np.not_equal(v[1:], v[:-1], out=change[1:n])
    change[1:n] |= (h[1:] - h[:-1]) > 1.0 + max_gap_hours + 1e-9
    bounds = np.flatnonzero(change)
    starts, ends = bounds[:-1], bounds[1:] - 1
    return HeldRuns(
        first=sel.take(starts),
        last=sel.take(ends),
        count=bounds[1:] - starts,
        hours=h.take(ends) - h.take(starts) + 1.0,
        value=v.take(starts),
    )


def resolution(values: np.ndarray) -> float:
    """The smallest step between distinct finite values (NaN with fewer than two distinct values).

    Values are rounded to 1e-9 first so that float noise (0.30000000000000004) is not a step.
    Without a sort of every value when it can (`_grid_resolution`).
    """
    v = np.asarray(values, dtype="float64")
    v = v[np.isfinite(v)]
    step = _grid_resolution(v)
    return step if step is not None else _resolution(v)


#: How many first values `_grid_resolution` takes the step of.
_SAMPLE_STEPS: Final = 500
#: Values under this in magnitude keep float error (an ulp of 1e5 is 1.5e-11) far under the 1e-9
#: `resolution` rounds to.
_GRID_MAX_ABS: Final = 1e5


def _resolution(v: np.ndarray) -> float:
    u = np.unique(np.round(v, 9))
    if len(u) < 2:
        return float("nan")
    return float(np.round(np.diff(u).min(), 9))


def _grid_resolution(v: np.ndarray) -> float | None:
    """`resolution` of the finite values ``v`` when every one (rounded to 1e-9) lies on the grid
    of the first `_SAMPLE_STEPS` values' resolution through the first value, None otherwise (or
    when there are too few values for the sample to save anything). The sample's resolution is
    the whole series' then: distinct values on one grid are a whole number of its steps apart,
    and the sample holds two one step apart; rounded values lie 1e-9 apart or more, so a value
    off the grid is at least that far from it (the test allows 2.5e-10 of float error)."""
    if len(v) <= 2 * _SAMPLE_STEPS:
        return None
    step = _resolution(v[:_SAMPLE_STEPS])
    if not step > 0 or float(np.abs(v).max()) >= _GRID_MAX_ABS:
        return None
    off = np.round(v, 9)
    off -= off[0]
    if float(np.abs(off - np.rint(off / step) * step).max()) <= 2.5e-10:
        return step
    return None


def registry_cycle_hours(cycle_minutes: float | None) -> float | None:
    """The analyser cycle in hours (at least 1) that the registry's ``cycle_minutes`` gives, or
    None when it gives none (missing, zero or negative): then the cycle is learned
    (`analyser_cycle_hours`). The one place that decides whether the registry gives the cycle,
    so that a caller which skips building held runs when it does (peer_outlier's summaries)
    cannot disagree with `analyser_cycle_hours` about it."""
    if cycle_minutes is not None and cycle_minutes > 0:
        return max(1.0, float(cycle_minutes) / 60.0)
    return None


def analyser_cycle_hours(held: HeldRuns, cycle_minutes: float | None = None) -> float:
    """How many hours the analyser holds a value: the registry's ``cycle_minutes`` when known,
    else learned from the series' own held runs.

    Learned rule: with ``c_k`` the number of runs of exactly ``k`` hours (runs of consecutive
    hourly readings), if runs of 2+ hours hold less than half of the readings the analyser
    measures every hour (cycle 1); otherwise the cycle is the most common run length of 2+ hours
    (the mode resists chance repeats at low resolution, which make runs of 2 or 3 cycles, and the
    few long runs of a falsifier), capped at `MAX_CYCLE_HOURS`.
    """
    registered = registry_cycle_hours(cycle_minutes)
    if registered is not None:
        return registered
    lengths = held_cycle_lengths(held)
    if lengths is None:
        return 1.0
    cap = int(MAX_CYCLE_HOURS)
    long = lengths[lengths >= 2]
    counts = np.bincount(np.minimum(long, cap), minlength=cap + 1)
    return float(cycle_of_counts(counts, long.sum(), lengths.sum()))


def held_cycle_lengths(held: HeldRuns) -> np.ndarray | None:
    """The whole-hour lengths of the held runs without missing hours inside, the evidence a
    cycle is learned from; None when the analyser measures every hour (`cycle_of_counts`'
    rule: runs of 2+ hours hold less than half of those runs' readings, or there are none)."""
    if len(held) == 0:
        return None
    lengths = np.rint(held.hours).astype(np.int64)
    lengths = lengths[held.count == lengths]  # runs without missing hours inside
    if len(lengths) == 0 or _hourly(lengths[lengths >= 2].sum(), lengths.sum()):
        return None
    return lengths


def _hourly(held: np.ndarray | float, total: np.ndarray | float) -> np.ndarray:
    """Whether the analyser measures every hour: its runs of 2+ hours hold less than half of
    the ``total`` hours of its runs without missing hours inside (``held`` theirs)."""
    return np.asarray(held) * 2 < np.asarray(total)


def cycle_of_counts(
    counts: np.ndarray, held: np.ndarray | float, total: np.ndarray | float, empty: float = 1.0
) -> np.ndarray:
    """The learned analyser cycle (h), the one rule every learned cycle follows (the series',
    `analyser_cycle_hours`; frozen's, and frozen's per regime of runs), row by row:
    ``counts[..., k]`` the held runs without missing hours inside that last exactly ``k``
    whole hours (only ``k >= 2`` counted: a caller folds longer runs into `MAX_CYCLE_HOURS`
    or leaves them out), ``held`` the hours of those runs that last 2 hours or more and
    ``total`` the hours of them all. The analyser measures every hour (1) where runs of 2+
    hours hold less than half of those hours; else the cycle is the most common length
    (the shortest of equals), or ``empty`` where no run is counted (all left out)."""
    counts = np.asarray(counts)
    mode = np.where(counts.any(axis=-1), np.argmax(counts, axis=-1), empty).astype(float)
    return np.where(_hourly(held, total), 1.0, mode)


def hourly_grid(
    hours: np.ndarray, values: np.ndarray, mask: np.ndarray | None = None
) -> tuple[int, np.ndarray]:
    """Values on a grid of consecutive hours from the first reading: ``(first_hour, grid)`` with NaN
    where no reading (or a reading outside ``mask``) falls. ``hours`` are whole hours (`hours_of`);
    with two readings in one hour the later wins."""
    h = np.asarray(hours, dtype=np.int64)
    if len(h) == 0:
        return 0, np.array([], dtype="float64")
    h0 = int(h.min())
    grid = np.full(int(h.max()) - h0 + 1, np.nan)
    v = np.asarray(values, dtype="float64")
    if mask is None:
        grid[h - h0] = v
    else:
        m = np.asarray(mask, dtype=bool)
        grid[h[m] - h0] = v[m]
    return h0, grid


def block_sums(x: np.ndarray, block: int) -> np.ndarray:
    """Sums of ``x`` over consecutive blocks of ``block`` elements (the last one padded with 0)."""
    n = len(x)
    nb = -(-n // block) if n else 0
    padded = np.zeros(nb * block, dtype=np.result_type(x, np.float64))
    padded[:n] = x
    return padded.reshape(nb, block).sum(axis=1)


def window_sums(x: np.ndarray, width: int) -> np.ndarray:
    """Sums of every ``width`` consecutive elements: ``out[i] = x[i] + ... + x[i + width - 1]``
    (empty when ``len(x) < width``)."""
    if len(x) < width:
        return np.array([], dtype=np.result_type(x, np.float64))
    c = np.concatenate([[0], np.cumsum(x, dtype=np.float64)])
    return c[width:] - c[:-width]


def series_years(hours: float) -> float:
    """A series' span of ``hours`` in years, at least `MIN_YEARS`: the number of series-years an
    honest series' expected false alarms are counted over."""
    return max(hours / YEAR_HOURS, MIN_YEARS)


def timestamp(ns: np.integer | int) -> pd.Timestamp:
    """The UTC `pandas.Timestamp` of one int64 nanosecond timestamp of a `Series`."""
    return pd.Timestamp(int(ns), tz="UTC")


def fisher_greater(a: int, b: int, c: int, d: int) -> float:
    """One-sided (greater) Fisher exact p-value of the 2x2 table [[a, b], [c, d]]: the chance,
    with the margins fixed, of a top-left cell of ``a`` or more (hypergeometric upper tail).

    The same value as ``scipy.stats.fisher_exact(table, alternative="greater")``, without the
    half-second import of ``scipy.stats``.
    """
    row, col, n = a + b, a + c, a + b + c + d
    k = np.arange(a, min(row, col) + 1, dtype="float64")
    log_p = _log_comb(col, k) + _log_comb(n - col, row - k) - _log_comb(n, np.float64(row))
    return float(min(1.0, np.exp(log_p).sum()))


def binomial_greater(k: int, n: int, p: float) -> float:
    """One-sided (greater) binomial test p-value: P(X >= k) for X ~ Binomial(n, p)."""
    from scipy.special import bdtrc

    return 1.0 if k <= 0 else float(bdtrc(k - 1, n, p))


def upper_rank_p(value: float, null: np.ndarray) -> float:
    """One-sided rank p-value of ``value`` among ``null``: the share of them at or above it,
    ``(count(null >= value) + 1) / (n + 1)``, with a tolerance of 1e-9 for floats' rounding (the
    value itself counted in, so never 0)."""
    return (np.count_nonzero(null >= value - 1e-9) + 1.0) / (len(null) + 1.0)


def fisher_combined(ps: list[float] | np.ndarray) -> float:
    """Fisher's combined p-value of independent p-values: the chi-square tail, ``2 k`` degrees
    of freedom, of ``-2 sum(ln p)`` (a p-value of 0 counted as 1e-300)."""
    from scipy.special import chdtrc

    logs = np.log(np.maximum(np.asarray(ps, dtype="float64"), 1e-300))
    return float(chdtrc(2 * len(logs), -2.0 * float(logs.sum())))


def _log_comb(n: float | np.ndarray, k: float | np.ndarray) -> np.ndarray:
    from scipy.special import gammaln

    return gammaln(np.add(n, 1)) - gammaln(np.add(k, 1)) - gammaln(np.subtract(n, k) + 1)
