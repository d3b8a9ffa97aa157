"""Shortcuts taken for CPU time only (no change of behaviour): each equals the definition it
replaces, on random inputs."""

from __future__ import annotations

import numpy as np

from detectors.checks.completeness import CompletenessDetector, _rates
from detectors.checks.copied import Channel, CopiedDataDetector
from detectors.checks.frozen import _run_tail, _sorted_median, _tail_scale, _tied_tail_bar
from detectors.checks.standard_substitution import (
    _joined,
    _lagged_share,
    _lead,
    _level_stretches,
    _relative_changes,
    _share_as_large,
)
from detectors.frame import Series, flag_is
from detectors.series import HOUR_NS, hours_of
from tests.detectors.conftest import assert_same_arrays


def test_frozen_tail_fits_given_the_sorted_runs_equal_their_own_sort() -> None:
    # `_terms` hands its sorted run durations to the tail fits instead of each sorting again
    rng = np.random.default_rng(11)
    seen = set()
    for _ in range(400):
        n = int(rng.integers(0, 400))
        kind = int(rng.integers(0, 3))
        if kind == 0:
            hours = np.round(rng.exponential(rng.uniform(1.0, 8.0), n)) + 1.0
        elif kind == 1:
            hours = np.round(rng.pareto(rng.uniform(0.8, 3.0), n) * 4.0, 1) + 1.0
        else:
            hours = rng.choice([1.0, 2.0, 4.0, 8.0, 50.0, 120.0], n)
        ordered = np.sort(hours)
        expected = float(rng.choice([0.01, 0.1, 1.0]))
        shape = float(rng.choice([np.inf, 2.0]))
        assert repr(_tail_scale(hours, 12, ordered)) == repr(_tail_scale(hours, 12))
        assert repr(_tied_tail_bar(hours, expected, 12, shape, ordered)) == repr(
            _tied_tail_bar(hours, expected, 12, shape)
        )
        got = _run_tail(hours, expected, 12, shape, ordered)
        assert repr(got) == repr(_run_tail(hours, expected, 12, shape))
        seen.add(got[1])
    assert seen == {False, True}  # both the exponential and the power tail's decisions


def _windows_by_definition(
    det: CopiedDataDetector, q: np.ndarray, h: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The exact rule's windows read one by one: first readings of ``window_readings``
    consecutive readings with ``min_distinct - 1`` changes, spanning ``window_readings - 1``
    hours (whole) or more, under twice the readings (gapped)."""
    w = det.window_readings
    whole, gapped = [], []
    for i in range(len(q) - w + 1):
        if np.count_nonzero(q[i + 1 : i + w] != q[i : i + w - 1]) < det.min_distinct - 1:
            continue
        span = h[i + w - 1] - h[i]
        if span == w - 1:
            whole.append(i)
        elif w - 1 < span < 2 * w:
            gapped.append(i)
    return np.array(whole, dtype=np.int64), np.array(gapped, dtype=np.int64)


def test_copied_hashed_windows_are_the_whole_and_gapped_windows_in_time_order() -> None:
    # `_candidates` takes both kinds from one `_hashed_windows` (was: each from its own pass,
    # joined by a mask, the gapped ones found by a search)
    det = CopiedDataDetector()
    rng = np.random.default_rng(17)
    seen_both = 0
    for _ in range(500):
        n = int(rng.integers(0, 80))
        q = np.cumsum(rng.integers(-1, 2, n) * rng.integers(0, 2, n)).astype(np.int64)
        h = np.cumsum(rng.choice([0, 1, 1, 1, 1, 2, 5, 30], n)).astype(np.int64)
        whole, gapped = _windows_by_definition(det, q, h)
        start, at = det._hashed_windows(q, h)
        assert start.dtype == np.int64 or len(start) == 0
        assert np.array_equal(start, np.union1d(whole, gapped))
        assert np.array_equal(start[at], gapped)
        seen_both += len(gapped) > 0 and len(whole) > 0
    assert seen_both > 20  # both kinds in one channel, often


def test_frozen_sorted_median_equals_numpy_median() -> None:
    rng = np.random.default_rng(3)
    for _ in range(20_000):
        n = int(rng.integers(1, 60))
        scale = float(rng.choice([1.0, 0.25, 1e-3, 7.3]))
        x = np.sort(np.round(rng.exponential(rng.uniform(0.1, 50.0), n) * scale, 3))
        assert repr(_sorted_median(x)) == repr(float(np.median(x)))


def _packed_by_definition(q: np.ndarray, ts: np.ndarray) -> tuple[int, bytes, str, bytes, str]:
    from detectors.checks.copied import _packed

    dt = np.diff(ts)
    unit = 1_000_000_000 if not (dt % 1_000_000_000).any() else 1
    return (unit, *_packed(np.diff(q, prepend=np.int64(0))), *_packed(dt // unit, times=True))


def test_copied_channel_packs_and_reads_back_as_its_definition() -> None:
    rng = np.random.default_rng(9)
    for _ in range(300):
        n = int(rng.integers(1, 400))
        q = np.cumsum(rng.integers(-40_000, 40_000, n) * rng.integers(0, 2, n)).astype(np.int64)
        step = rng.choice([3_600, 3_600, 7_200, 100_000], n - 1) * 1_000_000_000
        if rng.random() < 0.3:
            step = step + rng.integers(0, 999, n - 1)  # times off whole seconds
        ts = np.int64(1_767_225_600) * 1_000_000_000 + np.r_[0, np.cumsum(step)].astype(np.int64)
        c = Channel.of(q, ts)
        assert (c.unit, c.q_blob, c.q_type, c.t_blob, c.t_type) == _packed_by_definition(q, ts)
        assert c.q.dtype == np.int64 and np.array_equal(c.q, q)
        assert c.ts.dtype == np.int64 and np.array_equal(c.ts, ts)


def _level_stretches_by_sort(
    x: np.ndarray,
    h: np.ndarray,
    levels: np.ndarray,
    tol: float,
    res: float,
    join_gap_hours: float,
    min_hours: float,
) -> tuple[np.ndarray, ...]:
    # standard_substitution's `_level_stretches` before its one (levels, readings) pass: the
    # readings near each level found by a search of the sorted values, then sorted in time
    n = len(x)
    order = np.argsort(x, kind="stable")
    xs = x[order]
    band = np.maximum(tol * levels, res) + 1e-12
    lo = np.searchsorted(xs, levels - band - 1e-9, side="left")
    hi = np.searchsorted(xs, levels + band + 1e-9, side="right")
    size = hi - lo
    if size.sum() == 0:
        empty = np.array([], dtype=np.int64)
        return empty, empty, np.array([]), np.array([]), empty
    level = np.repeat(np.arange(len(levels)), size)
    start = np.repeat(lo - _lead(0, np.cumsum(size)[:-1]), size)
    idx = order[start + np.arange(int(size.sum()))]
    centre = levels[level]
    v = x[idx]
    ok = (v > 0) & (np.abs(v - centre) <= band[level])
    key = np.sort(level[ok].astype(np.int64) * (n + 1) + idx[ok])
    level, idx = key // (n + 1), key % (n + 1)
    span = float(h[-1] - h[0]) + 1e4
    hours_at = h[idx] + level * span
    head, tail = _joined(idx + level * (n + 10), hours_at, level, join_gap_hours)
    hours = hours_at[tail] - hours_at[head] + 1.0
    long = hours >= min_hours
    head, tail = head[long], tail[long]
    return idx[head], idx[tail], levels[level[head]], hours[long], tail - head + 1


def test_level_stretches_equal_their_search_of_the_sorted_values() -> None:
    # the noise rule's null stretches at the series' percentile levels, from one (levels,
    # readings) pass, equal those found by searching the sorted values (same arrays, dtypes
    # and order), with values at the 1e-9 margin of a band, NaN, zeros, strays below 0 (the
    # candidates' readings left out) and values large enough for float error
    rng = np.random.default_rng(3)
    compared = 0
    for _ in range(1500):
        n = int(rng.integers(1, 400))
        x = rng.lognormal(1.0, 1.0, n) * rng.choice([1.0, 1e-3, 1e6, 1e9])
        x = np.round(x, int(rng.integers(0, 6)))
        x[rng.random(n) < 0.2] = -1.0
        if rng.random() < 0.2:
            x[rng.random(n) < 0.1] = np.nan
        if rng.random() < 0.2:
            x[rng.random(n) < 0.3] = 0.0
        h = np.cumsum(rng.choice([1.0, 1.0, 1.0, 2.0, 3.0, 10.0], n))
        pos = x[x > 0]
        levels = np.unique(np.percentile(pos, np.arange(5, 100, 5))) if len(pos) else np.ones(1)
        tol = float(rng.choice([0.01, 0.05, 0.2]))
        res = float(rng.choice([0.0, 0.01, 1.0]))
        args = (x, h, levels, tol, res, 1.0, float(rng.choice([0.0, 3.0, 10.0])))
        try:
            old = _level_stretches_by_sort(*args)
        except IndexError:  # every reading in the searched ranges failing the exact test
            assert len(_level_stretches(*args)[0]) == 0
            continue
        new = _level_stretches(*args)
        assert_same_arrays(old, new)
        compared += 1
    assert compared > 1000


def test_completeness_rates_by_month_slices_equal_their_bincount() -> None:
    # completeness counts each month's received, valid and stopped hours from one slice of the
    # sorted hours per month (cumulative counts at the months' bounds) instead of each hour's
    # month gathered and binned: the same rates and counts, on random outlets' spans with
    # repeated hours, gaps of months, F and invalid readings, month ends in local time
    rng = np.random.default_rng(8)
    det = CompletenessDetector()
    for _ in range(300):
        t0 = int(rng.integers(0, 20 * 8760)) * HOUR_NS + int(rng.integers(0, 3600)) * 10**9
        n = int(rng.integers(1, 3000))
        steps = rng.choice([0, 1, 1, 1, 1, 2, 5, 24 * 40], n - 1) * HOUR_NS
        ts = t0 + np.concatenate([[0], np.cumsum(steps)]).astype(np.int64)
        ts[1:] += rng.integers(0, 3600, n - 1) * 10**9 * (steps > 0)  # within its hour
        ts = np.sort(ts)
        flags = rng.choice(np.array(["N", "T", "F", "M", "C"], dtype="U2"), n)
        values = rng.normal(10.0, 2.0, n)
        valid = (flag_is(flags, "N") | flag_is(flags, "T")) & (rng.random(n) < 0.95)
        s = Series("w01018", ts, values, flags, valid)
        outlet_ts = np.sort(np.concatenate([ts, ts[:1] - rng.integers(0, 100) * HOUR_NS]))
        months = det._span_months(outlet_ts)
        got = _rates(s, months)
        h = hours_of(s.ts)
        first = np.r_[True, h[1:] != h[:-1]]
        m = months.month_of[h - months.span[0]]
        k = len(months.expected)
        received = np.bincount(m[first], minlength=k).astype(float)
        valid_h = np.bincount(m[first & s.valid], minlength=k).astype(float)
        stopped = np.bincount(m[first & flag_is(s.flags, "F")], minlength=k)
        with np.errstate(invalid="ignore", divide="ignore"):
            expected = months.expected
            want = (
                received / expected,
                np.where(expected > stopped, valid_h / (expected - stopped), 1.0),
                received,
                valid_h,
            )
        assert_same_arrays(got, want)


def test_lagged_share_counted_without_a_sort_equals_its_sorted_share() -> None:
    # the hold rule's share of the series' changes over a hold's span as large as its jump,
    # counted from the unsorted changes, equals `_share_as_large` of `_relative_changes`
    # (sorted), with zeros (infinite ratios), repeated values, NaN jumps and jumps tied with a
    # change
    rng = np.random.default_rng(21)
    for _ in range(400):
        n = int(rng.integers(2, 300))
        x = np.round(rng.lognormal(1.0, 0.6, n), int(rng.integers(0, 3)))
        x[rng.random(n) < 0.05] = 0.0
        h = np.cumsum(rng.choice([1.0, 1.0, 2.0, 3.0, 30.0], n))
        lag = rng.choice([1.0, 2.0, 5.0, 24.0, 500.0], int(rng.integers(1, 6)))
        jump = rng.choice([0.0, 0.1, 0.5, 2.0, np.nan], len(lag))
        jump[0] = abs(x[1] - x[0]) / abs(x[1]) if x[1] else 0.3  # a tie with a change
        want = np.ones(len(lag))
        for k in range(len(lag)):
            t = np.searchsorted(h, h + lag[k] - 1e-9)
            j = np.flatnonzero(t < len(h))
            t = t[j]
            keep = h[t] - h[j] <= lag[k] + 2.0 + 1e-9
            rel = _relative_changes(x[j[keep]], x[t[keep]])
            if len(rel):
                want[k] = _share_as_large(rel, jump[k : k + 1])[0]
        assert _lagged_share(x, h, lag, jump).tobytes() == want.tobytes()


def test_copied_repeated_hashes_prefiltered_by_low_bits_equal_the_hash_table() -> None:
    # `_repeated_in_order` hashes only the windows sharing their low bits with another window
    import pandas as pd

    from detectors.checks.copied import _LOW_BITS, _repeated_in_order

    def by_definition(digest: np.ndarray) -> np.ndarray:
        dup = pd.Series(digest, copy=False).duplicated(keep=False).to_numpy()
        idx = np.flatnonzero(dup)
        return idx[np.argsort(digest[idx], kind="stable")]

    rng = np.random.default_rng(23)
    top = np.iinfo(np.uint64).max
    for trial in range(300):
        n = int(rng.integers(0, 3000)) if trial % 100 else int(rng.integers(1 << 20, 1 << 21))
        digest = rng.integers(0, top, size=n, dtype=np.uint64, endpoint=True)
        if n and trial % 3 == 0:  # repeats
            digest[rng.integers(0, n, n // 4)] = digest[rng.integers(0, n, n // 4)]
        if n and trial % 3 == 1:  # low bits shared, high bits not
            low = rng.integers(0, 1 << min(_LOW_BITS, 6), n, dtype=np.uint64)
            digest = (digest & ~np.uint64((1 << _LOW_BITS) - 1)) | low
        got = _repeated_in_order(digest)
        want = by_definition(digest) if n >= 2 else np.zeros(0, dtype=np.intp)
        assert got.dtype == want.dtype
        assert np.array_equal(got, want)


def test_copied_stable_order_of_compact_keys_equals_the_merge_sort() -> None:
    # `_sorted_by` sorts its keys (a signature and an hour) as distinct compact integers
    from detectors.checks.copied import _sorted_by, _stable_order

    rng = np.random.default_rng(29)
    for trial in range(400):
        n = int(rng.integers(0, 2000))
        kind = trial % 4
        if kind == 0:  # signature << 32 | hour, many ties
            sig = rng.integers(0, 3**11, n) % int(rng.integers(1, 50))
            key = (sig << np.int64(32)) | rng.integers(490_000, 490_000 + 200, n)
        elif kind == 1:  # negative and mixed keys
            key = rng.integers(-(1 << 40), 1 << 40, n) // int(rng.integers(1, 1 << 38))
        elif kind == 2:  # too wide for one compact integer: the merge sort
            key = rng.integers(np.iinfo(np.int64).min, np.iinfo(np.int64).max, n)
        else:
            key = rng.integers(0, 4, n).astype(np.int64)
        order, k = _stable_order(key)
        want = np.argsort(key, kind="stable")
        assert order.dtype == want.dtype and np.array_equal(order, want)
        assert np.array_equal(k[1:] == k[:-1], key[want][1:] == key[want][:-1])
        assert np.array_equal(k[1:] > k[:-1], key[want][1:] > key[want][:-1])
        then = rng.choice(np.array([0.5, 1.0, 1.5, np.nan]), size=n)
        assert np.array_equal(_sorted_by(key, then), np.lexsort((np.arange(n), then, key)))


def test_copied_read_stretches_merged_at_once_equal_their_merge_per_outlet() -> None:
    # `_read_stretches` clips and merges every outlet's stretches at once, not outlet by outlet
    from detectors.checks.copied import _Candidates, _channel_readings, _read_stretches

    def by_outlet(channels: list, spans: tuple[np.ndarray, ...]) -> list[np.ndarray]:
        order = np.lexsort((spans[1], spans[0]))
        so, slo, shi = (np.asarray(x, dtype=np.int64)[order] for x in spans)
        cut = np.r_[np.flatnonzero(so[1:] != so[:-1]) + 1, len(so)]
        parts = []
        for g0, g1 in zip(np.r_[0, cut[:-1]], cut, strict=True):
            o = int(so[g0])
            n = channels[o].n
            lo = np.clip(slo[g0:g1], 0, n - 1)
            hi = np.maximum.accumulate(np.clip(shi[g0:g1], 0, n - 1))
            first = np.flatnonzero(np.r_[True, lo[1:] > hi[:-1] + 1])
            lens = np.r_[hi[first[1:] - 1], hi[-1]] - lo[first] + 1
            idx = np.repeat(lo[first] - (np.cumsum(lens) - lens), lens) + np.arange(lens.sum())
            q, ts, bits, cum = _channel_readings(channels[o], False)
            t = ts[idx]
            parts.append((np.full(len(idx), o), idx, q[idx], hours_of(t), t, bits[idx], cum[idx]))
        return [np.concatenate(c) for c in zip(*parts, strict=True)]

    rng = np.random.default_rng(31)
    for _ in range(150):
        k = int(rng.integers(1, 7))
        channels = []
        for _ in range(k):
            if rng.random() < 0.2:
                channels.append(None)
                continue
            n = int(rng.integers(1, 300))
            q = np.cumsum(rng.integers(-3, 4, n)).astype(np.int64)
            ts = np.int64(1_767_225_600 * 10**9) + np.arange(n, dtype=np.int64) * HOUR_NS
            channels.append(Channel.of(q, ts))
        have = [o for o, c in enumerate(channels) if c is not None]
        if not have:
            continue
        m = int(rng.integers(1, 40))
        o = rng.choice(np.array(have), m)
        lo = rng.integers(-20, 320, m)
        hi = lo + rng.integers(0, 30, m)
        found = _Candidates(*(np.zeros(k, dtype=np.int64),) * 3, np.ones(k), [], [], [])
        pool = _read_stretches(channels, found, (o, lo, hi))
        want = by_outlet(channels, (o, lo, hi))
        got = [pool.o, pool.i, pool.q, pool.h, pool.t, pool.level_bits, pool.step_cum]
        for g, w in zip(got, want, strict=True):
            assert g.dtype == w.dtype and np.array_equal(g, w)
