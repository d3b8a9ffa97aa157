"""Copied data: a stretch of readings replayed from an earlier day of the same outlet, or cloned
from another outlet.

Exact equality of a long, varied stretch is what betrays a copy, but held and low-resolution
values repeat by chance; so every match is weighed by how improbable it is under the series' own
distribution of levels and steps, against the number of window pairs compared.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from detectors.base import FleetDetector, register
from detectors.checks._common import LOCAL_TZ
from detectors.finding import Finding
from detectors.frame import OutletData
from detectors.messages import pollutant_name
from detectors.series import hours_of, timestamp

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


def _maybe_repeated(digest: np.ndarray) -> np.ndarray:
    """Indices of the hashes that may occur twice or more (all of those that do, and a few that
    do not): hashes are counted in buckets of successive bit fields and only those sharing a
    bucket every time are kept. Linear time, where sorting every hash would be n log n."""
    idx = np.arange(len(digest))
    bits = int(min(22, max(10, np.ceil(np.log2(max(len(digest), 2))) + 2)))
    mask = np.uint64((1 << bits) - 1)
    for shift in range(0, 64, bits):
        if len(idx) < 2:
            break
        bucket = ((digest[idx] >> np.uint64(shift)) & mask).astype(np.intp)
        idx = idx[np.bincount(bucket, minlength=1 << bits)[bucket] > 1]
    return idx


def _bits(x: np.ndarray) -> np.ndarray:
    """-log2 of each element's empirical frequency in ``x``."""
    if len(x) == 0:
        return np.zeros(0)
    codes, _ = pd.factorize(x)  # hashing: a quarter of np.unique's sort on a year of readings
    return -np.log2(np.bincount(codes)[codes] / len(x))


@dataclass(frozen=True, slots=True)
class _Pool:
    """Valid readings of one pollutant over several outlets, concatenated in (outlet, time)
    order (outlet ``o``, value quantised ``q``, whole hour ``h``, index ``k`` into that outlet's
    series; outlet ``i`` holds ``bounds[i]:bounds[i + 1]``), with per-reading information filled
    only for outlets with a candidate match (`_fill_bits`): ``level_bits`` (-log2 frequency of
    the value) and ``step_cum`` (running sum of -log2 frequency of each non-zero step)."""

    o: np.ndarray
    q: np.ndarray
    h: np.ndarray
    k: np.ndarray
    bounds: np.ndarray
    level_bits: np.ndarray
    step_cum: np.ndarray
    windows_per_outlet: np.ndarray


def _fill_bits(pool: _Pool, outlets: np.ndarray) -> None:
    """Compute ``level_bits`` and ``step_cum`` of the given outlets (in place)."""
    for o in np.unique(outlets):
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
class CopiedDataDetector(FleetDetector):
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

    Honest traps it must not flag: constant days repeating (analyser holds, shutdown zeros; the
    real series has 13 such days); held values of 2-8 h and low resolution (pH to 0.1, TP to
    0.01), whose repeats carry few bits; pumps running a fixed daily schedule (few levels, few
    steps); calibration hours reading the standard (flagged C, not valid).
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
    ) -> None:
        self.window_readings = window_readings
        self.min_distinct = min_distinct
        self.min_lag_hours = min_lag_hours
        self.decimals = decimals
        self.false_alarms_per_year = false_alarms_per_year

    def _detect(self, outlet: OutletData) -> Iterable[Finding]:
        return self._detect_fleet([outlet])

    def _detect_fleet(self, outlets: Sequence[OutletData]) -> Iterable[Finding]:
        codes = sorted({c for o in outlets for c in o.pollutants})
        found = [f for code in codes for f in self._code(outlets, code, len(codes))]
        by_mn = {o.mn: o for o in outlets}
        return self._merged(found, by_mn)

    def _merged(self, found: list[Finding], by_mn: dict[str, OutletData]) -> Iterable[Finding]:
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

    def _one(self, cluster: list[Finding], by_mn: dict[str, OutletData]) -> Finding:
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
            for f in cluster
        ]
        evidence = {k: v for k, v in best.evidence.items() if k != "params"}
        evidence["segments"] = segments
        start, end = min(f.start for f in cluster), max(f.end for f in cluster)
        severity = "high" if any(f.severity == "high" for f in cluster) else "medium"
        if len(codes) < 2:
            return self.finding(
                outlet,
                best.pollutant,
                start,
                end,
                severity=severity,
                confidence=best.confidence,
                message="copied.same_outlet" if same else "copied.other_outlet",
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
            message="copied.channels_same_outlet" if same else "copied.channels_other_outlet",
            evidence={**evidence, "channels": codes, "n_channels": len(codes)},
            names=names,
        )

    def _pool(self, outlets: Sequence[OutletData], code: str) -> _Pool | None:
        parts = []
        w = self.window_readings
        for o, outlet in enumerate(outlets):
            s = outlet.series(code)
            if s is None:
                continue
            k = np.flatnonzero(s.valid)
            if len(k) < w:
                continue
            q = np.rint(s.values[k] * 10.0**self.decimals).astype(np.int64)
            parts.append((o, q, hours_of(s.ts[k]), k))
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
            k=np.concatenate([p[3] for p in parts]),
            bounds=np.r_[0, np.cumsum(sizes)],
            level_bits=np.zeros(n),
            step_cum=np.zeros(n),
            windows_per_outlet=counts,
        )

    def _code(
        self, outlets: Sequence[OutletData], code: str, n_codes: int = 1
    ) -> Iterable[Finding]:
        pool = self._pool(outlets, code)
        if pool is None or len(pool.q) < self.window_readings:
            return
        a, b, lag = self._same_hash_pairs(pool, self._varied_windows(pool))
        if len(a) == 0:
            return
        a0, a1, b0, run_lag = self._matched_runs(pool, a, b, lag)
        _fill_bits(pool, np.r_[pool.o[a0], pool.o[b0]])
        same = pool.o[a0] == pool.o[b0]
        info = np.minimum(
            _information(pool, a0, a1, run_lag, same),
            _information(pool, b0, b0 + (a1 - a0), run_lag, same),
        )
        wa = pool.windows_per_outlet[pool.o[a0]].astype("float64")
        others = float(pool.windows_per_outlet.sum()) - wa
        pairs = np.where(pool.o[a0] == pool.o[b0], wa * wa / 2.0, wa * others)
        first = pool.h[pool.bounds[:-1].clip(max=len(pool.h) - 1)]
        last = pool.h[(pool.bounds[1:] - 1).clip(min=0)]
        years = np.maximum((last - first)[pool.o[a0]] / 8766.0, 1.0 / 12.0)
        margin = np.log2(2.0 * n_codes / (self.false_alarms_per_year * years))
        need = np.log2(np.maximum(pairs, 2.0)) + margin
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
        maybe = _maybe_repeated(digest)  # a superset of the repeated hashes, found without sorting
        start, digest = start[maybe], digest[maybe]
        if len(start) < 2:
            return empty, empty, empty
        order = np.argsort(digest)
        dig = digest[order]
        same_next = dig[1:] == dig[:-1]
        dup = np.r_[same_next, False] | np.r_[False, same_next]  # hashes seen twice or more
        cand, cdig = start[order[dup]], dig[dup]
        order = np.lexsort((cand, cdig))  # within a hash: outlet, then time
        srt, dig = cand[order], cdig[order]
        if len(srt) == 0:
            return empty, empty, empty
        new_group = np.r_[True, dig[1:] != dig[:-1]]
        previous = np.r_[srt[0], srt[:-1]]
        a, b = srt[~new_group], previous[~new_group]
        lag = pool.h[a] - pool.h[b]
        other = pool.o[a] != pool.o[b]
        keep = (a != b) & (other | (lag >= self.min_lag_hours))
        return a[keep], b[keep], lag[keep]

    def _matched_runs(
        self, pool: _Pool, a: np.ndarray, b: np.ndarray, lag: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Overlapping matched windows (same outlets, same lag) merged into runs: each run's
        copy ``a0..a1``, its source's first reading ``b0`` and its lag."""
        w = self.window_readings
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
        outlets: Sequence[OutletData],
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
        outlets: Sequence[OutletData],
        code: str,
        pool: _Pool,
        run: tuple[int, int, int, int],
        info: float,
        need: float,
    ) -> Iterable[Finding]:
        """The copy's finding (``run``: copy ``a0..a1``, source ``b0..b1``), and the source's
        when it is another outlet."""
        a0, a1, b0, b1 = run
        n = a1 - a0 + 1
        oa, ob = outlets[int(pool.o[a0])], outlets[int(pool.o[b0])]
        sa, sb = oa.series(code), ob.series(code)
        assert sa is not None and sb is not None
        copy_span = (timestamp(sa.ts[pool.k[a0]]), timestamp(sa.ts[pool.k[a1]]))
        source_span = (timestamp(sb.ts[pool.k[b0]]), timestamp(sb.ts[pool.k[b1]]))
        lag_hours = int(pool.h[a0] - pool.h[b0])
        same = oa is ob
        evidence = {
            "rule": "window equal to an earlier window (same outlet) or another outlet's window; "
            "information > log2(pairs) + log2(2 C / (false_alarms_per_year * years))",
            "statistic": "information of the matched run (bits)",
            "threshold": round(need, 1),
            "window_hours": float(n),
            "false_alarm_rate_per_year": self.false_alarms_per_year,
            "readings": n,
            "distinct_values": len(np.unique(pool.q[a0 : a1 + 1])),
            "lag_hours": lag_hours,
            "information_bits": round(info, 1),
            "threshold_bits": round(need, 1),
        }
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
                message="copied.same_outlet" if same else "copied.other_outlet",
                evidence={
                    **evidence,
                    "role": role,
                    "other_mn": partner.mn,
                    "other_start": partner_span[0].tz_convert(LOCAL_TZ).isoformat(),
                    "other_end": partner_span[1].tz_convert(LOCAL_TZ).isoformat(),
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
