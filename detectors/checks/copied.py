"""Copied data: a stretch of readings replayed from an earlier day of the same outlet, or cloned
from another outlet.

Exact equality of a long, varied stretch is what betrays a copy, but held and low-resolution
values repeat by chance; so every match is weighed by how improbable it is under the series' own
distribution of levels and steps, against the number of window pairs compared.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from detectors.base import FleetDetector, Summary, register
from detectors.checks._common import LOCAL_TZ
from detectors.finding import Finding
from detectors.frame import OutletData
from detectors.messages import pollutant_name
from detectors.series import hours_of, timestamp
from detectors.spec import CONCENTRATIONS

#: Odd 64-bit multipliers, one per position in a window (positions beyond the list reuse
#: them); the window hash is sum(mix(q[i + k]) * K[k]) modulo 2**64.
_K: Final = np.array(
    [
        ((0x9E3779B97F4A7C15 ^ (0x632BE59BD9B4E019 * (k + 1))) | 1) & 0xFFFFFFFFFFFFFFFF
        for k in range(64)
    ],
    dtype=np.uint64,
)


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads quantised values over 64 bits."""
    z = x.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def _repeated_in_order(digest: np.ndarray) -> np.ndarray:
    """Indices of the hashes that occur twice or more, ordered by hash, then index: one sort of
    every hash (numpy's vectorised quicksort: faster than counting them in buckets first)."""
    if len(digest) < 2:
        return np.zeros(0, dtype=np.intp)
    order = np.argsort(digest)
    dig = digest[order]
    same_next = dig[1:] == dig[:-1]
    dup = np.r_[same_next, False] | np.r_[False, same_next]
    idx, dig = order[dup], dig[dup]
    return idx[np.lexsort((idx, dig))]


def _bits(x: np.ndarray) -> np.ndarray:
    """-log2 of each element's empirical frequency in ``x``."""
    if len(x) == 0:
        return np.zeros(0)
    codes, _ = pd.factorize(x)  # hashing: a quarter of np.unique's sort on a year of readings
    return -np.log2(np.bincount(codes)[codes] / len(x))


@dataclass(frozen=True, slots=True)
class Channel:
    """One channel's valid readings as the comparison needs them: values quantised to the
    detector's decimals and their times, each as successive differences (int16 or int32 when
    they fit; times in whole seconds when they are) compressed with zlib: about 2 bytes a
    reading of a simulated year (hours one apart compress to almost nothing), where the outlet's
    prepared data holds about 100."""

    n: int
    t0: int  # the first reading's time, UTC ns
    unit: int  # nanoseconds per step of the time differences
    q_blob: bytes
    q_type: str
    t_blob: bytes
    t_type: str

    @classmethod
    def of(cls, q: np.ndarray, ts: np.ndarray) -> Channel:
        ts = np.asarray(ts, dtype=np.int64)
        dt = np.diff(ts)
        unit = 1_000_000_000 if not (dt % 1_000_000_000).any() else 1
        q_blob, q_type = _packed(np.diff(q, prepend=np.int64(0)))
        t_blob, t_type = _packed(dt // unit)
        return cls(len(q), int(ts[0]), unit, q_blob, q_type, t_blob, t_type)

    @property
    def q(self) -> np.ndarray:
        """The quantised values (int64)."""
        return np.cumsum(_unpacked(self.q_blob, self.q_type), dtype=np.int64)

    @property
    def ts(self) -> np.ndarray:
        """UTC nanoseconds of each reading (int64)."""
        steps = np.r_[np.int64(0), np.cumsum(_unpacked(self.t_blob, self.t_type), dtype=np.int64)]
        return steps * self.unit + self.t0


def _packed(x: np.ndarray) -> tuple[bytes, str]:
    """Integers ``x`` in the narrowest of int16, int32 and int64 that holds them, compressed."""
    for dtype in ("<i2", "<i4"):
        info = np.iinfo(dtype)
        if len(x) == 0 or (int(x.min()) >= info.min and int(x.max()) <= info.max):
            break
    else:
        dtype = "<i8"
    return zlib.compress(x.astype(dtype).tobytes(), 1), dtype


def _unpacked(blob: bytes, dtype: str) -> np.ndarray:
    return np.frombuffer(zlib.decompress(blob), dtype=dtype)


@dataclass(frozen=True, slots=True)
class CopiedSummary(Summary):
    """What `CopiedDataDetector` keeps of an outlet: its pollutants (``codes``, each counts in
    the bar) and the `Channel` of each with at least one window of valid readings. The
    comparison verifies and extends matched windows on the values themselves (hashes alone
    would not give byte-identical findings), so this is the quantised series, not a digest."""

    codes: tuple[str, ...]
    channels: dict[str, Channel]


@dataclass(frozen=True, slots=True)
class _Pool:
    """Valid readings of one pollutant over several outlets, concatenated in (outlet, time)
    order (outlet ``o``, value quantised ``q``, whole hour ``h``, time ``t`` in UTC nanoseconds;
    outlet ``i`` holds ``bounds[i]:bounds[i + 1]``), with per-reading information filled
    only for outlets with a candidate match (`_fill_bits`): ``level_bits`` (-log2 frequency of
    the value) and ``step_cum`` (running sum of -log2 frequency of each non-zero step)."""

    o: np.ndarray
    q: np.ndarray
    h: np.ndarray
    t: np.ndarray
    bounds: np.ndarray
    level_bits: np.ndarray
    step_cum: np.ndarray
    windows_per_outlet: np.ndarray
    filled: np.ndarray  # per outlet: level_bits and step_cum computed


def _fill_bits(pool: _Pool, outlets: np.ndarray) -> None:
    """Compute ``level_bits`` and ``step_cum`` of the given outlets (in place, once)."""
    for o in np.unique(outlets):
        if pool.filled[o]:
            continue
        pool.filled[o] = True
        lo, hi = int(pool.bounds[o]), int(pool.bounds[o + 1])
        q = pool.q[lo:hi]
        steps = np.diff(q)
        moved = steps != 0
        step_bits = np.zeros(len(q))
        step_bits[1:][moved] = _bits(steps[moved])
        pool.level_bits[lo:hi] = _bits(q)
        pool.step_cum[lo:hi] = np.cumsum(step_bits)


def _information(
    pool: _Pool, a0: np.ndarray, a1: np.ndarray, lag: np.ndarray, same: np.ndarray | bool
) -> np.ndarray:
    """Bits in readings ``a0..a1``; within one outlet a run longer than its lag repeats itself
    (a periodic series matches itself), so only its first ``lag`` readings count."""
    end = np.where(same & (lag < a1 - a0 + 1), a0 + lag - 1, a1)
    return pool.level_bits[a0] + pool.step_cum[end] - pool.step_cum[a0]


def _resolutions(pool: _Pool, size: np.ndarray) -> np.ndarray:
    """Each outlet's resolution in quanta: its smallest non-zero step (1 when it never moves);
    ``size`` holds the absolute steps between successive readings of the pool."""
    steps = size.astype("float64")
    steps[(steps == 0) | (pool.o[1:] != pool.o[:-1])] = np.inf
    lo = pool.bounds[:-1]
    nonempty = pool.bounds[1:] - lo > 1
    res = np.ones(len(lo))
    if len(steps) and nonempty.any():
        res[nonempty] = np.minimum.reduceat(steps, lo[nonempty])
        # reduceat runs to the next start: an outlet's last step is towards the next outlet
    return np.where(np.isfinite(res), res, 1.0)


def _sign_codes(step: np.ndarray, n: int) -> np.ndarray:
    """Every run of ``n`` consecutive step signs (-1, 0, 1) as one base-3 integer."""
    count = len(step) - n + 1
    code = np.zeros(max(count, 0), dtype=np.int64)
    digit = step + 1
    for k in range(n):
        code *= 3
        code += digit[n - 1 - k : n - 1 - k + count]
    return code


def _repeated(start: np.ndarray, code: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The windows whose code occurs twice or more."""
    if len(code) == 0:
        return start, code
    if int(code.max()) < 1 << 22:
        counts = np.bincount(code)[code]
    else:
        _, inverse, counts = np.unique(code, return_inverse=True, return_counts=True)
        counts = counts[inverse]
    keep = counts > 1
    return start[keep], code[keep]


def _alike(
    pool: _Pool, a: np.ndarray, b: np.ndarray, w: int, res: np.ndarray, size: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The window pairs (first readings ``a``, ``b``, ``w`` readings each) for which one factor
    ``s`` can map ``b``'s mean, standard deviation and mean absolute step onto ``a``'s within
    rounding (each moves by at most the rounding of one reading, twice that for steps)."""
    q = pool.q.astype("float64")
    c1, c2, cs = (np.zeros(len(q) + 1) for _ in range(3))
    np.cumsum(q, out=c1[1:])
    np.cumsum(q * q, out=c2[1:])
    np.cumsum(size, out=cs[2:])

    def stats(j: np.ndarray) -> tuple[np.ndarray, ...]:
        mean = (c1[j + w] - c1[j]) / w
        sd = np.sqrt(np.maximum((c2[j + w] - c2[j]) / w - mean * mean, 0.0))
        return mean, sd, (cs[j + w] - cs[j + 1]) / (w - 1)

    lo, hi = np.full(len(a), 0.25), np.full(len(a), 4.0)
    tol = res[pool.o[a]] / 2.0 + 2.0 * res[pool.o[b]]  # a's rounding and b's at a scale of 4
    for xa, xb, k in zip(stats(a), stats(b), (1.0, 1.0, 2.0), strict=True):
        pos = xb > 0
        safe = np.where(pos, xb, 1.0)
        lo = np.where(pos, np.maximum(lo, (xa - k * tol) / safe), lo)
        hi = np.where(pos, np.minimum(hi, (xa + k * tol) / safe), np.where(xa > k * tol, -1, hi))
    keep = lo <= hi
    return a[keep], b[keep]


def _information_bar(
    pool: _Pool, o: np.ndarray, pairs: np.ndarray | float, n_codes: int, rate: float
) -> np.ndarray:
    """Bits a match on outlet(s) ``o`` must carry among ``pairs`` compared: ``log2(pairs) +
    log2(2 * n_codes / (rate * years))``, ``years`` the outlet's span (at least a month), so that
    honest outlets match by chance ``rate`` times an outlet-year."""
    first = pool.h[pool.bounds[:-1].clip(max=len(pool.h) - 1)]
    last = pool.h[(pool.bounds[1:] - 1).clip(min=0)]
    years = np.maximum((last - first)[o] / 8766.0, 1.0 / 12.0)
    return np.log2(np.maximum(pairs, 2.0)) + np.log2(2.0 * n_codes / (rate * years))


def _scaled_fit(
    pool: _Pool, a0: np.ndarray, a1: np.ndarray, b0: np.ndarray, res: np.ndarray
) -> tuple[np.ndarray, ...] | None:
    """Fit ``a = s * b`` on each run (least squares), keep the span between its first and last
    reading within rounding of the fit (both sides' half resolutions, and the fit's own error),
    and weigh it: bits of each side's changed readings less the log2 of the quanta the tolerance
    admits, the smaller side's, less log2 of the scales told apart. Returns the kept runs' (a0,
    a1, b0, scale, information), or None when none is kept."""
    lens = a1 - a0 + 1
    runs = len(lens)
    run = np.repeat(np.arange(runs), lens)
    off = np.arange(len(run)) - np.repeat(np.cumsum(lens) - lens, lens)
    ia, ib = a0[run] + off, b0[run] + off
    va, vb = pool.q[ia].astype("float64"), pool.q[ib].astype("float64")
    sbb = np.bincount(run, vb * vb, minlength=runs)
    ok_run = sbb > 0
    scale = np.bincount(run, va * vb, minlength=runs) / np.where(ok_run, sbb, 1.0)
    ok_run &= (scale >= 0.25) & (scale <= 4.0)
    ra, rb = res[pool.o[a0]], res[pool.o[b0]]
    tol0 = ra / 2.0 + scale * rb / 2.0
    rms = np.sqrt(sbb / lens)
    slack = 2.0 * tol0 / np.maximum(rms, 1e-12) / np.sqrt(lens)  # error of the fitted scale
    tol = tol0[run] + np.abs(vb) * slack[run]
    hit = np.abs(va - scale[run] * vb) <= tol * (1 + 1e-9)
    pos = np.where(hit, off, -1)
    hi = np.maximum.reduceat(pos, np.cumsum(lens) - lens)
    lo = -np.maximum.reduceat(np.where(hit, -off, -(10**9)), np.cumsum(lens) - lens)
    inside = (off >= lo[run]) & (off <= hi[run])
    ok_run &= (hi >= 0) & (np.bincount(run, inside & ~hit, minlength=runs) == 0)
    if not ok_run.any():
        return None
    kept = np.flatnonzero(ok_run)  # the rest only for runs within rounding of a fit
    sel = ok_run[run]
    renum = np.cumsum(ok_run) - 1
    run, off, ia, ib, va, vb = renum[run[sel]], off[sel], ia[sel], ib[sel], va[sel], vb[sel]
    tol, inside, runs = tol[sel], inside[sel], len(kept)
    a0, b0, lo, hi, scale, tol0, rms = (x[kept] for x in (a0, b0, lo, hi, scale, tol0, rms))
    ra, rb = ra[kept], rb[kept]
    _fill_bits(pool, np.r_[pool.o[a0], pool.o[b0]])
    # bits: the first reading's level, then each changed reading's step, less the quanta the
    # tolerance admits (its width over the resolution, plus one)
    first = inside & (off == lo[run])
    changed = inside & ~first & np.r_[False, va[1:] != va[:-1]]
    qa = np.log2(1.0 + 2.0 * tol / ra[run])
    qb = np.log2(1.0 + 2.0 * tol / np.maximum(scale[run], 1e-12) / rb[run])
    step_a = pool.step_cum[ia] - pool.step_cum[np.maximum(ia - 1, 0)]
    step_b = pool.step_cum[ib] - pool.step_cum[np.maximum(ib - 1, 0)]
    bits_a = np.where(first, pool.level_bits[ia], np.where(changed, step_a, 0.0))
    bits_b = np.where(first, pool.level_bits[ib], np.where(changed, step_b, 0.0))
    counted = first | changed
    info_a = np.bincount(run, np.where(counted, np.maximum(bits_a - qa, 0.0), 0.0), runs)
    info_b = np.bincount(run, np.where(counted, np.maximum(bits_b - qb, 0.0), 0.0), runs)
    level = np.maximum(np.abs(scale) * rms, 1e-12)
    scales = np.log2(np.maximum(np.log(16.0) * level / tol0, 2.0))  # scales told apart
    info = np.minimum(info_a, info_b) - scales
    return a0 + lo, a0 + hi, b0 + lo, scale, info


def _continues(cluster: list[Finding], f: Finding) -> bool:
    """Whether match ``f`` belongs with ``cluster``: it overlaps or touches it, or it follows
    within 24 h at a lag one of the cluster's matches has."""
    end = max(c.end for c in cluster)
    if f.start <= end + pd.Timedelta(hours=1):
        return True
    lags = {c.evidence["lag_hours"] for c in cluster}
    return f.evidence["lag_hours"] in lags and f.start <= end + pd.Timedelta(hours=24)


def _extend(pool: _Pool, a0: int, a1: int, b0: int, limit: int) -> tuple[int, int, int]:
    """Grow a matched run (copy ``a0..a1``, source from ``b0``) by up to ``limit`` readings on each
    side while both sides stay contiguous in time within their outlet and keep equal values."""

    def same(i: int, j: int, ref_i: int, ref_j: int, step: int) -> bool:
        n = len(pool.q)
        return (
            0 <= i < n
            and 0 <= j < n
            and pool.o[i] == pool.o[ref_i]
            and pool.o[j] == pool.o[ref_j]
            and pool.h[i] == pool.h[ref_i] + step
            and pool.h[j] == pool.h[ref_j] + step
            and pool.q[i] == pool.q[j]
        )

    for _ in range(limit):  # a run grows at most by one window on each side
        if not same(a0 - 1, b0 - 1, a0, b0, -1) or a0 - 1 == b0 + (a1 - a0):
            break
        a0, b0 = a0 - 1, b0 - 1
    b1 = b0 + a1 - a0
    for _ in range(limit):
        if not same(a1 + 1, b1 + 1, a1, b1, 1) or b1 + 1 == a0:
            break
        a1, b1 = a1 + 1, b1 + 1
    return a0, a1, b0


@register
class CopiedDataDetector(FleetDetector[CopiedSummary]):
    """A varied stretch of readings equal to an earlier stretch of the same outlet, or to a
    stretch of another outlet.

    Per pollutant, valid readings (N, T) quantised to ``decimals`` decimals are cut into windows
    of ``window_readings`` consecutive hourly readings (no missing hour inside) with at least
    ``min_distinct - 1`` value changes. Windows are hashed (vectorised polynomial hash of the
    quantised values) and each window is paired with the previous window of equal hash (outlet
    order, then time): of another outlet at any lag, or of the same outlet at least
    ``min_lag_hours`` earlier (pairing with the previous occurrence makes a periodic pattern
    match itself at its period). Overlapping matched windows at the same lag merge into one
    matched run. A run of ``n`` readings ``x_1..x_n`` is a finding when the values are equal
    (verified, not only hashed), hold at least ``min_distinct`` distinct values, and its
    information ``I = -log2 P(x_1) - sum_{i: x_(i+1) != x_i} log2 P(x_(i+1) - x_i | a change)``
    (empirical frequencies of levels and of non-zero steps in each outlet's own series, the
    smaller of the copy's and the source's value, as the match must be improbable for both;
    held hours carry no information, as an analyser's hold is predictable; within one outlet
    only the first ``lag`` readings count, since a run longer than its lag is a periodic pattern
    matching itself) exceeds

        log2(pairs) + log2(2 * C / (false_alarms_per_year * years))

    where ``pairs`` is the number of window pairs the copy outlet's windows were compared with
    (``W_a^2 / 2`` within the outlet, ``W_a * (W - W_a)`` against every other outlet's windows of
    the pollutant at once), ``C`` the number of pollutants and ``years`` the copy outlet's span
    (at least a month). Null model: an honest series whose levels and steps are drawn from its
    own frequencies; a run of ``I`` bits then matches a given window with chance ``2^-I``, so
    the expected accidental matches of an outlet, over its pollutants and both kinds of
    comparison, are at most ``false_alarms_per_year`` a year (less exact when steps depend on
    each other, e.g. a strong daily cycle).

    Defaults: 12 readings, 4 distinct values, lag 24 h, 4 decimals,
    ``false_alarms_per_year=0.001`` (per outlet; about 15 bits over the pairs for half a year and
    six pollutants, where a fixed margin of 12 bits per pair of outlets stood before).

    Second rule, between outlets only (`detect_fleet`): a clone multiplied by one factor and
    rounded again to the copy's resolution, which no exact comparison sees. Windows of
    ``scaled_window`` contiguous readings with ``scaled_min_steps`` changes or more are keyed by
    their hourly step signs (up, held, down: a positive factor keeps them, except a step lost to
    coarser rounding), and paired across outlets when keys agree and the windows start at most
    ``scaled_max_lag_hours`` apart (a clone of the neighbour's same hours, read through clocks a
    few hours off; lags of days are not searched). Pairs whose mean, standard deviation and mean
    absolute step no single factor maps onto each other within rounding are dropped; the rest
    merge into runs (same outlets, same lag). Each run is fitted ``a = s * b`` (least squares,
    ``1/4 <= s <= 4``); the span between its first and last reading within rounding of the fit
    (``r_a / 2 + s r_b / 2``, ``r`` each outlet's smallest step, plus the fit's own error) is kept
    only when every reading inside agrees. Its information is the bits above (the level of the
    first reading, the steps of the changed ones) less, per counted reading, log2 of the number
    of quanta the tolerance admits (a step is predicted to within that many values, not
    exactly), the smaller of both sides, less log2 of the factors the fit tells apart
    (``ln 16 * level / tolerance``). Null model: as above, each changed reading of an honest
    outlet falls within the tolerance of an independent outlet's prediction with the chance its
    own step distribution gives that band. The bar is ``log2(pairs) + log2(2 C /
    (scaled_false_alarms_per_year * years))`` with ``pairs = W_a * (2 * lag + 1) * (outlets -
    1)``. The finding names the factor (evidence ``scale``); both outlets are reported, as for an
    exact clone, since the data cannot say which is the copy.

    Defaults of the second rule: 12 readings with 6 changes (a night's shutdown leaves 12-14 h
    stretches; 24 h windows missed such clones), lag 2 h, ``scaled_false_alarms_per_year=0.001``
    (the detector's rate is then at most twice ``false_alarms_per_year`` per outlet). On tuning
    seeds 1-10 of both generators the highest honest run stayed 15 bits under its bar.
    ``scaled_max_company=16``: a window is paired with at most the 16 next windows of its
    signature in (hour, outlet) order, a bound on the work when many outlets share a daily shape
    (a signature shared by that many outlets within the lag says little). Cost: the rule runs
    only between outlets (a lone outlet is unchanged) and about doubles the fleet comparison
    (100 simulated outlets x 365 d: 1.3 s -> 2.7-4.5 s on a loaded machine), most of it in
    flow channels whose daily shapes agree across outlets.

    Honest traps it must not flag: constant days repeating (analyser holds, shutdown zeros; the
    real series has 13 such days); held values of 2-8 h and low resolution (pH to 0.1, TP to
    0.01), whose repeats carry few bits; pumps running a fixed daily schedule (few levels, few
    steps); calibration hours reading the standard (flagged C, not valid). For the scaled rule:
    outlets sharing a daily load shape and analyser phase (step signs agree, sizes do not); an
    analyser tracking another's water (proportional, but with its own noise of a few quanta);
    a monotone but non-proportional relation (signs agree, no single factor fits).

    The scaled rule runs on concentrations only: flow (whose honest daily shapes pair many
    windows of neighbouring outlets) cost two thirds of its time over 100 outlets x 365 days
    (3.7-5.5 s -> 2.3-2.5 s, against 1.5 s without the rule) and pH is copied unscaled (the
    exact rule's business); on tuning seeds 1-10 no finding changed.

    Not caught: clones scaled and shifted by days (only exact ones are, by the first rule); a
    replay of the same outlet scaled; copies with noise added beyond rounding on every channel;
    copies whose valid stretches are all shorter than a window (e.g. mostly flagged F).
    """

    name = "copied_data"
    category = "integrity"

    def __init__(
        self,
        *,
        window_readings: int = 12,
        min_distinct: int = 4,
        min_lag_hours: int = 24,
        decimals: int = 4,
        false_alarms_per_year: float = 0.001,
        scaled_window: int = 12,
        scaled_min_steps: int = 6,
        scaled_max_lag_hours: int = 2,
        scaled_false_alarms_per_year: float = 0.001,
        scaled_max_company: int = 16,
    ) -> None:
        self.window_readings = window_readings
        self.min_distinct = min_distinct
        self.min_lag_hours = min_lag_hours
        self.decimals = decimals
        self.false_alarms_per_year = false_alarms_per_year
        if not 2 <= scaled_window <= 25:
            raise ValueError("scaled_window: 2 to 25 readings (the signature is one integer)")
        self.scaled_window = scaled_window
        self.scaled_min_steps = scaled_min_steps
        self.scaled_max_lag_hours = scaled_max_lag_hours
        self.scaled_false_alarms_per_year = scaled_false_alarms_per_year
        self.scaled_max_company = scaled_max_company

    def _detect(self, outlet: OutletData) -> Iterable[Finding]:
        return self._detect_summaries([self.summarise(outlet)])

    def summarise(self, outlet: OutletData) -> CopiedSummary:
        """The outlet's pollutants and each channel's valid readings, quantised (`Channel`)."""
        channels = {}
        for code in outlet.pollutants:
            s = outlet.series(code)
            if s is None:
                continue
            k = np.flatnonzero(s.valid)
            if len(k) < self.window_readings:
                continue
            q = np.rint(s.values[k] * 10.0**self.decimals).astype(np.int64)
            channels[code] = Channel.of(q, s.ts[k])
        return CopiedSummary(outlet.mn, outlet.lang, tuple(outlet.pollutants), channels)

    def _detect_summaries(self, summaries: Sequence[CopiedSummary]) -> Iterable[Finding]:
        codes = sorted({c for o in summaries for c in o.codes})
        found = [f for code in codes for f in self._code(summaries, code, len(codes))]
        by_mn = {o.mn: o for o in summaries}
        return self._merged(found, by_mn)

    def _merged(self, found: list[Finding], by_mn: dict[str, CopiedSummary]) -> Iterable[Finding]:
        """Matches of one outlet with one partner that overlap in time (or follow within a day at
        the same lag, across the gaps that break a copied stretch) become one finding:
        outlet-wide (pollutant None) when several channels were copied together, else one per
        channel; every matched segment is kept in evidence."""
        groups: dict[tuple[str, str], list[Finding]] = {}
        for f in found:
            groups.setdefault((f.mn, f.evidence["other_mn"]), []).append(f)
        for group in groups.values():
            group.sort(key=lambda f: (f.start, f.end))
            cluster: list[Finding] = []
            for f in group:
                if cluster and not _continues(cluster, f):
                    yield self._one(cluster, by_mn)
                    cluster = []
                cluster.append(f)
            if cluster:
                yield self._one(cluster, by_mn)

    def _one(self, cluster: list[Finding], by_mn: dict[str, CopiedSummary]) -> Finding:
        if len(cluster) == 1:
            return cluster[0]
        codes = sorted({f.pollutant for f in cluster if f.pollutant})
        best = max(cluster, key=lambda f: f.evidence["information_bits"])
        outlet = by_mn[best.mn]
        same = best.evidence["other_mn"] == best.mn
        keys = ("lag_hours", "role", "readings", "distinct_values", "information_bits")
        segments = [
            {"pollutant": f.pollutant, "start": f.start.isoformat(), "end": f.end.isoformat()}
            | {k: f.evidence[k] for k in (*keys, "other_start", "other_end")}
            | ({"scale": f.evidence["scale"]} if "scale" in f.evidence else {})
            for f in cluster
        ]
        evidence = {k: v for k, v in best.evidence.items() if k != "params"}
        evidence["segments"] = segments
        start, end = min(f.start for f in cluster), max(f.end for f in cluster)
        severity = "high" if any(f.severity == "high" for f in cluster) else "medium"
        scaled = "scale" in best.evidence
        if len(codes) < 2:
            single = "copied.same_outlet" if same else "copied.other_outlet"
            return self.finding(
                outlet,
                best.pollutant,
                start,
                end,
                severity=severity,
                confidence=best.confidence,
                message="copied.scaled_other_outlet" if scaled else single,
                evidence=evidence,
            )
        names = ("、" if outlet.lang == "zh" else ", ").join(
            pollutant_name(c, outlet.lang) for c in codes
        )
        return self.finding(
            outlet,
            None,
            start,
            end,
            severity=severity,
            confidence=best.confidence,
            message="copied.channels_scaled_other_outlet"
            if scaled
            else "copied.channels_same_outlet"
            if same
            else "copied.channels_other_outlet",
            evidence={**evidence, "channels": codes, "n_channels": len(codes)},
            names=names,
        )

    def _pool(self, outlets: Sequence[CopiedSummary], code: str) -> _Pool | None:
        parts = []
        w = self.window_readings
        for o, outlet in enumerate(outlets):
            channel = outlet.channels.get(code)
            if channel is None:
                continue
            ts = channel.ts
            parts.append((o, channel.q, hours_of(ts), ts))
        if not parts:
            return None
        counts = np.zeros(len(outlets), dtype=np.int64)
        sizes = np.zeros(len(outlets), dtype=np.int64)
        for o, q, *_ in parts:
            counts[o] = max(0, len(q) - w + 1)
            sizes[o] = len(q)
        n = int(sizes.sum())
        return _Pool(
            o=np.concatenate([np.full(len(p[1]), p[0]) for p in parts]),
            q=np.concatenate([p[1] for p in parts]),
            h=np.concatenate([p[2] for p in parts]),
            t=np.concatenate([p[3] for p in parts]),
            bounds=np.r_[0, np.cumsum(sizes)],
            level_bits=np.zeros(n),
            step_cum=np.zeros(n),
            windows_per_outlet=counts,
            filled=np.zeros(len(outlets), dtype=bool),
        )

    def _code(
        self, outlets: Sequence[CopiedSummary], code: str, n_codes: int = 1
    ) -> Iterable[Finding]:
        pool = self._pool(outlets, code)
        if pool is None or len(pool.q) < self.window_readings:
            return
        yield from self._exact(outlets, code, pool, n_codes)
        if len(outlets) > 1 and code in CONCENTRATIONS:
            yield from self._scaled(outlets, code, pool, n_codes)

    def _exact(
        self, outlets: Sequence[CopiedSummary], code: str, pool: _Pool, n_codes: int
    ) -> Iterable[Finding]:
        a, b, lag = self._same_hash_pairs(pool, self._varied_windows(pool))
        if len(a) == 0:
            return
        a0, a1, b0, run_lag = self._matched_runs(pool, a, b, lag, self.window_readings)
        _fill_bits(pool, np.r_[pool.o[a0], pool.o[b0]])
        same = pool.o[a0] == pool.o[b0]
        info = np.minimum(
            _information(pool, a0, a1, run_lag, same),
            _information(pool, b0, b0 + (a1 - a0), run_lag, same),
        )
        wa = pool.windows_per_outlet[pool.o[a0]].astype("float64")
        others = float(pool.windows_per_outlet.sum()) - wa
        pairs = np.where(pool.o[a0] == pool.o[b0], wa * wa / 2.0, wa * others)
        need = _information_bar(pool, pool.o[a0], pairs, n_codes, self.false_alarms_per_year)
        for r in np.flatnonzero(info > need):
            yield from self._verified(
                outlets,
                code,
                pool,
                int(a0[r]),
                int(a1[r]),
                int(b0[r]),
                float(info[r]),
                float(need[r]),
            )

    def _scaled(
        self, outlets: Sequence[CopiedSummary], code: str, pool: _Pool, n_codes: int
    ) -> Iterable[Finding]:
        """Clones between outlets scaled by a factor and rounded again (see the class doc)."""
        w = self.scaled_window
        diff = np.diff(pool.q)
        res = _resolutions(pool, np.abs(diff))
        a, b, lag = self._sign_pairs(pool, res, diff)
        if len(a) == 0:
            return
        a0, a1, b0, _ = self._matched_runs(pool, a, b, lag, w)
        fit = _scaled_fit(pool, a0, a1, b0, res)
        if fit is None:
            return
        a0, a1, b0, scale, info = fit
        oa = pool.o[a0]
        wa = pool.windows_per_outlet[oa].astype("float64")
        partners = float(np.count_nonzero(pool.windows_per_outlet)) - 1.0
        pairs = wa * (2 * self.scaled_max_lag_hours + 1) * max(partners, 1.0)
        need = _information_bar(pool, oa, pairs, n_codes, self.scaled_false_alarms_per_year)
        for r in np.flatnonzero(info > need):
            yield from self._findings(
                outlets,
                code,
                pool,
                (int(a0[r]), int(a1[r]), int(b0[r]), int(b0[r] + a1[r] - a0[r])),
                float(info[r]),
                float(need[r]),
                scale=float(scale[r]),
            )

    def _sign_pairs(
        self, pool: _Pool, res: np.ndarray, diff: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Windows of ``scaled_window`` contiguous readings with ``scaled_min_steps`` changes or
        more, paired across outlets when their hourly step signs (up, held, down) agree and they
        start at most ``scaled_max_lag_hours`` apart: the later window is ``a``, the earlier
        ``b`` (the outlet order at equal hours), and the lag in hours."""
        w = self.scaled_window
        empty = np.zeros(0, dtype=np.int64)
        n = len(pool.q)
        if n <= w:
            return empty, empty, empty
        step = np.sign(diff)
        joined = (pool.o[1:] == pool.o[:-1]) & (np.diff(pool.h) == 1)
        breaks = np.r_[0, np.cumsum(~joined, dtype=np.int32)]
        moved = np.r_[0, np.cumsum(step != 0, dtype=np.int32)]
        ok = (breaks[w - 1 :] == breaks[: n - w + 1]) & (
            moved[w - 1 :] - moved[: n - w + 1] >= self.scaled_min_steps
        )
        start = np.flatnonzero(ok)
        if len(start) < 2:
            return empty, empty, empty
        code = _sign_codes(step, w - 1)[start]  # exact: 3 ** (w - 1) signatures at most
        start, code = _repeated(start, code)
        if len(start) < 2:
            return empty, empty, empty
        # one sort: the signature, then the hour (below 2 ** 20 h, i.e. before year 2089)
        key = (code << np.int64(20)) | (pool.h[start] & np.int64(0xFFFFF))
        order = np.argsort(key)
        srt, group = start[order], code[order]
        hours, outlet = pool.h[srt], pool.o[srt]
        aa, bb = [], []
        i = np.arange(len(srt) - 1)
        for d in range(1, min(len(srt), self.scaled_max_company + 1)):  # d apart in order
            i = i[i + d < len(srt)]
            i = i[
                (group[i + d] == group[i]) & (hours[i + d] - hours[i] <= self.scaled_max_lag_hours)
            ]
            if len(i) == 0:
                break
            pick = i[outlet[i + d] != outlet[i]]
            aa.append(srt[pick + d])
            bb.append(srt[pick])
        if not aa:
            return empty, empty, empty
        a, b = np.concatenate(aa), np.concatenate(bb)
        a, b = _alike(pool, a, b, w, res, np.abs(diff))
        flip = (pool.h[a] == pool.h[b]) & (pool.o[a] < pool.o[b])  # same hour: outlet order
        a, b = np.where(flip, b, a), np.where(flip, a, b)
        return a, b, pool.h[a] - pool.h[b]

    def _varied_windows(self, pool: _Pool) -> np.ndarray:
        """First readings of the windows of ``window_readings`` consecutive hourly readings of
        one outlet (no missing hour inside) with at least ``min_distinct - 1`` value changes."""
        w = self.window_readings
        n_win = len(pool.q) - w + 1
        last = np.arange(n_win) + w - 1
        changed = np.r_[0, np.cumsum(np.diff(pool.q) != 0)]
        ok = (
            (pool.o[last] == pool.o[:n_win])
            & (pool.h[last] - pool.h[:n_win] == w - 1)
            & (changed[last] - changed[:n_win] >= self.min_distinct - 1)
        )
        return np.flatnonzero(ok)

    def _same_hash_pairs(
        self, pool: _Pool, start: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Windows ``a`` paired with the previous window ``b`` of equal hash (outlet order, then
        time), of another outlet or at least ``min_lag_hours`` earlier, and their lag (h)."""
        empty = np.zeros(0, dtype=np.int64)
        if len(start) < 2:
            return empty, empty, empty
        digest = _window_hashes(pool.q, self.window_readings)[start]
        repeated = _repeated_in_order(digest)  # within a hash: outlet, then time (start order)
        srt, dig = start[repeated], digest[repeated]
        if len(srt) == 0:
            return empty, empty, empty
        new_group = np.r_[True, dig[1:] != dig[:-1]]
        previous = np.r_[srt[0], srt[:-1]]
        a, b = srt[~new_group], previous[~new_group]
        lag = pool.h[a] - pool.h[b]
        other = pool.o[a] != pool.o[b]
        keep = (a != b) & (other | (lag >= self.min_lag_hours))
        return a[keep], b[keep], lag[keep]

    @staticmethod
    def _matched_runs(
        pool: _Pool, a: np.ndarray, b: np.ndarray, lag: np.ndarray, w: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Overlapping matched windows of ``w`` readings (same outlets, same lag) merged into
        runs: each run's copy ``a0..a1``, its source's first reading ``b0`` and its lag."""
        order = np.lexsort((pool.h[a], lag, pool.o[b], pool.o[a]))
        a, b, lag = a[order], b[order], lag[order]
        brk = np.r_[
            True,
            (pool.o[a[1:]] != pool.o[a[:-1]])
            | (pool.o[b[1:]] != pool.o[b[:-1]])
            | (lag[1:] != lag[:-1])
            | (a[1:] - a[:-1] > w - 1),
        ]
        r0 = np.flatnonzero(brk)
        r1 = np.r_[r0[1:], len(a)] - 1
        return a[r0], a[r1] + w - 1, b[r0], lag[r0]

    def _verified(
        self,
        outlets: Sequence[CopiedSummary],
        code: str,
        pool: _Pool,
        a0: int,
        a1: int,
        b0: int,
        info: float,
        need: float,
    ) -> Iterable[Finding]:
        """The findings of a matched run once extended and verified: equal values (not only
        equal hashes), ``min_distinct`` of them, and still more information than ``need``."""
        a0, a1, b0 = _extend(pool, a0, a1, b0, self.window_readings)
        n = a1 - a0 + 1
        b1 = b0 + n - 1
        copy, source = pool.q[a0 : a1 + 1], pool.q[b0 : b1 + 1]
        if not np.array_equal(copy, source) or len(np.unique(copy)) < self.min_distinct:
            return
        lag = np.array([pool.h[a0] - pool.h[b0]])
        same = pool.o[a0] == pool.o[b0]
        info = float(
            min(
                _information(pool, np.array([a0]), np.array([a1]), lag, same)[0],
                _information(pool, np.array([b0]), np.array([b1]), lag, same)[0],
            )
        )
        if info <= need:
            return
        yield from self._findings(outlets, code, pool, (a0, a1, b0, b1), info, need)

    def _findings(
        self,
        outlets: Sequence[CopiedSummary],
        code: str,
        pool: _Pool,
        run: tuple[int, int, int, int],
        info: float,
        need: float,
        scale: float | None = None,
    ) -> Iterable[Finding]:
        """The copy's finding (``run``: copy ``a0..a1``, source ``b0..b1``, ``scale`` when the
        copy is the source scaled), and the source's when it is another outlet."""
        a0, a1, b0, b1 = run
        n = a1 - a0 + 1
        oa, ob = outlets[int(pool.o[a0])], outlets[int(pool.o[b0])]
        copy_span = (timestamp(pool.t[a0]), timestamp(pool.t[a1]))
        source_span = (timestamp(pool.t[b0]), timestamp(pool.t[b1]))
        lag_hours = int(pool.h[a0] - pool.h[b0])
        same = oa is ob
        rule = (
            "window equal to an earlier window (same outlet) or another outlet's window; "
            "information > log2(pairs) + log2(2 C / (false_alarms_per_year * years))"
        )
        if scale is not None:
            rule = (
                "hourly step signs equal to another outlet's within a few hours, values equal to "
                "its values times one factor within rounding; information > log2(pairs) + "
                "log2(2 C / (scaled_false_alarms_per_year * years))"
            )
        evidence = {
            "rule": rule,
            "statistic": "information of the matched run (bits)",
            "threshold": round(need, 1),
            "window_hours": float(n),
            "false_alarm_rate_per_year": self.false_alarms_per_year
            if scale is None
            else self.scaled_false_alarms_per_year,
            "readings": n,
            "distinct_values": len(np.unique(pool.q[a0 : a1 + 1])),
            "lag_hours": lag_hours,
            "information_bits": round(info, 1),
            "threshold_bits": round(need, 1),
        }
        message = "copied.same_outlet" if same else "copied.other_outlet"
        if scale is not None:
            message = "copied.scaled_other_outlet"
        severity = "high" if n >= 24 or not same else "medium"
        confidence = min(0.99, 0.7 + (info - need) / 100.0)
        roles = [(oa, copy_span, ob, source_span, "copy")]
        if not same:
            roles.append(
                (ob, source_span, oa, copy_span, "copied_from" if lag_hours else "same_time")
            )
        for outlet, span, partner, partner_span, role in roles:
            yield self.finding(
                outlet,
                code,
                span[0],
                span[1],
                severity=severity,
                confidence=confidence,
                message=message,
                evidence={
                    **evidence,
                    "role": role,
                    "other_mn": partner.mn,
                    "other_start": partner_span[0].tz_convert(LOCAL_TZ).isoformat(),
                    "other_end": partner_span[1].tz_convert(LOCAL_TZ).isoformat(),
                    # this outlet's values over the partner's: the source side is 1 / s
                    **(
                        {}
                        if scale is None
                        else {"scale": round(scale if outlet is oa else 1 / scale, 3)}
                    ),
                },
            )


def _window_hashes(q: np.ndarray, w: int) -> np.ndarray:
    """The hash of every window of ``w`` consecutive values of ``q``, from contiguous slices."""
    n_win = len(q) - w + 1
    mixed = _mix(q)
    with np.errstate(over="ignore"):
        every = np.zeros(n_win, dtype=np.uint64)
        for j in range(w):
            every += mixed[j : j + n_win] * _K[j % len(_K)]
    return every
