"""copied_data: replayed days and clones between outlets, exact intervals; holds are honest."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pytest

from detectors.checks.copied import (
    _DAY_SLACK,
    Channel,
    CopiedDataDetector,
    _agreeing_factors,
    _alike,
    _cluster_role,
    _gap_hashes,
    _held_match,
    _ints_lexsorted,
    _key,
    _level,
    _LevelSteps,
    _lexsorted,
    _repeated_in_order,
    _self_similar_bar,
    _sign_codes,
    _sorted_by,
    _window_hashes,
    _window_stats,
)
from detectors.finding import Finding
from detectors.frame import OutletData
from detectors.series import HOUR_NS
from detectors.spec import COD, FLOW, NH3N, PH, TN, TP
from tests.detectors.c2_helpers import cycled, frame, hour
from tests.detectors.conftest import assert_same_arrays

DAYS = 60
N = DAYS * 24


def _cod(seed: int = 1) -> np.ndarray:
    return cycled(N, level=30, spread=4, hold_hours=1, seed=seed, decimals=1)


def test_replayed_day_found_with_exact_interval_and_source() -> None:
    cod = _cod()
    cod[40 * 24 : 41 * 24] = cod[10 * 24 : 11 * 24]
    (f,) = CopiedDataDetector().detect(frame({COD: cod}))
    assert (f.start, f.end) == (hour(40 * 24), hour(41 * 24 - 1))
    assert f.evidence["lag_hours"] == 30 * 24 and f.evidence["readings"] == 24
    assert f.evidence["other_start"] == hour(240).tz_convert("Asia/Shanghai").isoformat()
    assert f.evidence["information_bits"] > f.evidence["threshold_bits"]
    assert f.severity == "high" and "720 h earlier" in f.summary
    ev = f.evidence
    assert ev["false_alarm_rate_per_year"] == 0.001 and ev["window_hours"] == 24
    assert ev["threshold"] == ev["threshold_bits"] and "statistic" in ev
    # the bar: log2(pairs) + log2(2 C / (rate * years)), one pollutant, 60 days (> a month)
    w = N - 12 + 1
    bar = np.log2(w * w / 2) + np.log2(2 * 1 / (0.001 * (N - 1) / 8766.0))
    assert abs(ev["threshold_bits"] - round(bar, 1)) < 0.11
    # a rate a million times smaller raises the bar by log2(1e6) = 19.9 bits
    (g,) = CopiedDataDetector(false_alarms_per_year=1e-9).detect(frame({COD: cod}))
    assert abs(g.evidence["threshold_bits"] - ev["threshold_bits"] - np.log2(1e6)) < 0.11


def test_replay_of_a_held_series_is_found_when_long_enough() -> None:
    tp = cycled(N, level=0.5, spread=0.08, hold_hours=4, seed=3)
    tp[30 * 24 : 32 * 24] = tp[5 * 24 : 7 * 24]  # two days replayed, 12 measurements
    (f,) = CopiedDataDetector().detect(frame({TP: tp}))
    assert (f.start, f.end) == (hour(30 * 24), hour(32 * 24 - 1))


def test_clone_between_outlets_reported_on_both_and_same_outlet_run_alone_is_silent() -> None:
    a = _cod(1)
    b = _cod(2)
    b[100:120] = a[100:120]  # outlet B sends A's values for 20 h, same hours
    fa = frame({COD: a}, mn="A")
    fb = frame({COD: b}, mn="B")
    outlets = [OutletData(fa), OutletData(fb)]
    found = CopiedDataDetector().detect_fleet(outlets)
    assert [(f.mn, f.start, f.end, f.evidence["role"]) for f in found] == [
        ("A", hour(100), hour(119), "same_time"),
        ("B", hour(100), hour(119), "same_time"),
    ]
    assert found[1].evidence["other_mn"] == "A" and "outlet A" in found[1].summary
    assert CopiedDataDetector().detect(fb) == []


def test_honest_holds_constant_days_low_resolution_and_pump_schedules() -> None:
    rng = np.random.default_rng(5)
    cod = cycled(N, level=20, spread=1, hold_hours=7, seed=4, decimals=1)  # 7 h holds, 0.1
    cod[20 * 24 : 21 * 24] = 18.3  # constant days repeating exactly (held through a day)
    cod[35 * 24 : 36 * 24] = 18.3
    cod[50 * 24 : 51 * 24] = 0.0
    ph = np.round(7.2 + np.cumsum(rng.choice([-0.1, 0, 0, 0, 0.1], N)) * 0.2, 1)  # pH to 0.1
    tp = cycled(N, level=0.3, spread=0.02, hold_hours=3, seed=6)  # TP to 0.01
    schedule = np.repeat([0.0, 120.0, 240.0, 360.0, 240.0, 120.0], 4)  # pumps, same every day
    flow = np.tile(schedule, DAYS)
    flags = {COD: np.where((np.arange(N) % 168) == 10, "C", "N")}
    found = CopiedDataDetector().detect(frame({COD: cod, PH: ph, TP: tp, FLOW: flow}, flags))
    assert found == []


def test_short_or_flagged_copies_are_not_reported() -> None:
    cod = _cod()
    cod[40 * 24 : 40 * 24 + 8] = cod[10 * 24 : 10 * 24 + 8]  # 8 readings: below the window
    flags = np.array(["N"] * N, dtype=object)
    cod[45 * 24 : 46 * 24] = cod[12 * 24 : 13 * 24]
    flags[45 * 24 : 46 * 24] = "M"  # a copy flagged maintenance is not valid data
    assert CopiedDataDetector().detect(frame({COD: cod}, {COD: flags})) == []


def test_day_plant_replayed_with_its_stopped_hours_is_found_stops_alone_are_honest() -> None:
    # a plant live 10 h a day (N), stopped the rest (F, the analyser holding its last value):
    # no live stretch reaches a window, but a day replayed whole, held hours and all, does
    day = np.arange(N) % 24
    live = (day >= 8) & (day < 18)
    cod = _cod()
    held_at = np.maximum.accumulate(np.where(live, np.arange(N), 0))
    cod = np.where(live, cod, cod[held_at])
    flags = np.where(live, "N", "F").astype(object)
    honest = frame({COD: cod}, {COD: flags})
    assert CopiedDataDetector().detect(honest) == []  # stopped hours repeating: no information
    copied = cod.copy()
    copied[40 * 24 : 41 * 24] = cod[10 * 24 : 11 * 24]
    (f,) = CopiedDataDetector().detect(frame({COD: copied}, {COD: flags}))
    assert f.evidence["lag_hours"] == 720 and f.start <= hour(40 * 24 + 8)
    # the live hours alone (the stopped ones flagged M: not the plant's values) are too short
    masked = np.where(live, "N", "M").astype(object)
    assert CopiedDataDetector().detect(frame({COD: copied}, {COD: masked})) == []


def test_real_time_gaps_break_windows() -> None:
    cod = _cod()
    cod[40 * 24 : 41 * 24] = cod[10 * 24 : 11 * 24]
    cod[40 * 24 + 6 :: 12] = np.nan  # a missing hour every 12 h: no 12 contiguous readings
    found = CopiedDataDetector().detect(frame({COD: cod}))
    assert all(f.end - f.start < pd.Timedelta(hours=11) for f in found) and found == []


def test_clone_carrying_its_sources_missing_hours_is_found_on_both() -> None:
    # B sends A's values for 24 h, A's two missing hours missing in B too: no 12 hours in a row
    a, b = _cod(1), _cod(2)
    a[[105, 116]] = np.nan
    b[100:124] = a[100:124]
    outlets = [OutletData(frame({COD: a}, mn="A")), OutletData(frame({COD: b}, mn="B"))]
    found = CopiedDataDetector().detect_fleet(outlets)
    assert [(f.mn, f.start, f.end, f.evidence["role"]) for f in found] == [
        ("A", hour(100), hour(123), "same_time"),
        ("B", hour(100), hour(123), "same_time"),
    ]
    assert found[1].evidence["other_mn"] == "A" and found[1].evidence["readings"] == 22
    assert found[1].evidence["information_bits"] > found[1].evidence["threshold_bits"]
    # the same 22 values in order, B missing its hour 106 where A misses 105: the first five
    # hours' values sit at other hours in B, and what is left at the same hours stays under
    # the bar (windows pair only where both miss the same hours)
    moved = _cod(2)
    moved[np.r_[100:106, 107:116, 117:124]] = a[np.r_[100:105, 106:116, 117:124]]
    moved[106] = np.nan
    outlets[1] = OutletData(frame({COD: moved}, mn="B"))
    assert CopiedDataDetector().detect_fleet(outlets) == []


def test_gap_hashes_tell_where_hours_are_missing_and_add_nothing_without_a_gap() -> None:
    # readings at hours 0-9, 11-15, 20-30: windows of 4 from readings 0 (no gap), 7 and 8
    h = np.r_[0:10, 11:16, 20:31].astype(np.int64)
    got = _gap_hashes(h, np.array([0, 7, 8, 12, 13]), 4)
    assert got[0] == 0  # a window without a gap keeps its hash
    # readings 7-10 (hours 7, 8, 9, 11) and 8-11 (8, 9, 11, 12): one hour missing at other places
    assert len({int(x) for x in got[1:3]}) == 2 and all(got[1:3] != 0)
    # readings 12-15 (hours 13, 14, 15, 20) and 13-16 (14, 15, 20, 21): gaps of 4 at positions 3, 2
    assert got[3] != got[4] and got[3] != got[1]
    # the same pattern elsewhere hashes the same: hours 100, 101, 102, 104 as 7, 8, 9, 11
    assert _gap_hashes(np.array([100, 101, 102, 104]), np.array([0]), 4)[0] == got[1]


def test_channels_replayed_together_make_one_outlet_finding() -> None:
    cod = _cod(1)
    tn = cycled(N, level=12, spread=2, hold_hours=1, seed=8, decimals=2)
    cod[40 * 24 : 42 * 24] = cod[10 * 24 : 12 * 24]
    tn[40 * 24 : 42 * 24] = tn[10 * 24 : 12 * 24]
    (f,) = CopiedDataDetector().detect(frame({COD: cod, TN: tn}))
    assert f.pollutant is None and (f.start, f.end) == (hour(40 * 24), hour(42 * 24 - 1))
    assert set(f.evidence["channels"]) == {COD, TN} and f.evidence["lag_hours"] == 720
    assert "COD, TN" in f.summary
    zh = CopiedDataDetector().detect(OutletData(frame({COD: cod, TN: tn}), lang="zh"))
    assert "化学需氧量、总氮" in zh[0].summary


def test_a_gap_inside_a_replay_keeps_one_finding_with_its_segments() -> None:
    cod = _cod()
    cod[40 * 24 : 42 * 24] = cod[10 * 24 : 12 * 24]
    cod[41 * 24 + 5] = np.nan  # a communication gap inside the replayed stretch
    (f,) = CopiedDataDetector().detect(frame({COD: cod}))
    assert (f.start, f.end) == (hour(40 * 24), hour(42 * 24 - 1))
    assert len(f.evidence["segments"]) == 2 and f.pollutant == COD


def test_repeated_in_order_gives_every_repeated_hash_by_hash_then_index() -> None:
    rng = np.random.default_rng(5)
    for n in (0, 1, 2, 50, 20_000):
        digest = rng.integers(0, 2**63, size=n, dtype=np.int64).astype(np.uint64) * np.uint64(2)
        digest[: n // 10] = digest[n // 10 : 2 * (n // 10)]  # a tenth repeated
        digest[n // 2 : n // 2 + n // 20] = digest[:1]  # one hash many times (n >= 20)
        _, inverse, counts = np.unique(digest, return_inverse=True, return_counts=True)
        repeated = np.flatnonzero(counts[inverse] > 1)
        expected = repeated[np.lexsort((repeated, digest[repeated]))]
        assert np.array_equal(_repeated_in_order(digest), expected)


def test_repeated_in_order_filters_bits_stage_by_stage_without_losing_a_repeat() -> None:
    # `_repeated_in_order` hashes only the windows sharing a part of their bits with another
    # window, part after part (each stage among the last one's survivors): windows sharing the
    # first parts but not the last, or every bit but the top one, are no repeats; every repeat
    # is kept, by hash then index
    rng = np.random.default_rng(37)
    top = np.iinfo(np.uint64).max
    for trial in range(200):
        n = int(rng.integers(2, 5000)) if trial % 50 else int(rng.integers(1 << 20, 1 << 21))
        digest = rng.integers(0, top, size=n, dtype=np.uint64, endpoint=True)
        shared = int(rng.choice([13, 20, 33, 40, 53, 60, 63]))  # low bits many windows share
        mask = np.uint64((1 << shared) - 1)
        low = rng.integers(0, 8, n, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        digest = (digest & ~mask) | (low & mask)
        if trial % 2:  # repeats
            digest[rng.integers(0, n, n // 5)] = digest[rng.integers(0, n, n // 5)]
        idx = np.flatnonzero(pd.Series(digest).duplicated(keep=False).to_numpy())
        want = idx[np.argsort(digest[idx], kind="stable")]
        got = _repeated_in_order(digest)
        assert got.dtype == want.dtype and np.array_equal(got, want), trial


def _alike_written_out(sa: list, sb: list, ra: np.ndarray, rb: np.ndarray) -> np.ndarray:
    """`_alike` as first written: every bound selected by np.where, hi set to -1 for none."""
    lo, hi = np.full(len(ra), 0.25), np.full(len(ra), 4.0)
    for xa, xb, k in zip(sa, sb, (1.0, 1.0, 2.0), strict=True):
        ea, eb = k * ra / 2.0, k * rb / 2.0
        for c, r, at_least in ((xb + eb, xa - ea, True), (xb - eb, xa + ea, False)):
            bound = r / np.where(c != 0, c, 1.0)
            lo = np.where((c > 0) if at_least else (c < 0), np.maximum(lo, bound), lo)
            hi = np.where((c < 0) if at_least else (c > 0), np.minimum(hi, bound), hi)
            hi = np.where((c == 0) & ((r > 0) if at_least else (r < 0)), -1.0, hi)
    return lo <= hi + 1e-9 * np.abs(hi)


def test_alike_and_lexsorted_equal_their_written_out_forms() -> None:
    # CPU only: `_alike` bounds in place (masks, no selection arrays) and `_lexsorted` (ranked
    # floats, one integer sort) give exactly what the written-out forms give
    rng = np.random.default_rng(41)
    kept = 0
    for _ in range(300):
        n = int(rng.integers(0, 400))
        ra, rb = rng.choice([1.0, 2.0, 10.0, 100.0], n), rng.choice([1.0, 5.0, 10.0], n)
        sb = [
            rng.choice([0.0, 0.5, 1.0, 40.0, -30.0], n) + rng.normal(0, 3, n) * (i != 0)
            for i in range(3)
        ]
        sb = [
            np.where(rng.random(n) < 0.1, e * r, x)
            for x, r, e in zip(sb, (rb / 2, rb / 2, rb), (1, -1, 1), strict=True)
        ]  # c == 0 on either side
        s = rng.uniform(0.2, 4.5, n)
        sa = [s * x + rng.normal(0, 1, n) * rng.choice([0.0, 0.3, 5.0], n) for x in sb]
        got, want = _alike(sa, sb, ra, rb), _alike_written_out(sa, sb, ra, rb)
        assert got.dtype == want.dtype and np.array_equal(got, want)
        kept += int(got.sum())
        key = rng.integers(0, int(rng.choice([1, 3, 50, 10**6])), n) - int(rng.integers(0, 9))
        then = rng.choice(np.array([0.5, 1.0, 1.5, -0.0, 0.0, np.nan, np.inf]), n)
        then = np.where(rng.random(n) < 0.5, rng.normal(0, 1, n), then)
        assert np.array_equal(_lexsorted(key, then), np.lexsort((then, key)))
        wide = rng.integers(-(2**62), 2**62, n)  # too wide for one integer: lexsort itself
        assert np.array_equal(_lexsorted(wide, then), np.lexsort((then, wide)))
    assert kept > 100


def _hashes_written_out(q: np.ndarray, w: int) -> np.ndarray:
    """`_window_hashes` (and its `_mix`) as first written: a new array for every operation."""
    from detectors.checks.copied import _K

    z = q.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    mixed = z ^ (z >> np.uint64(31))
    n_win = len(q) - w + 1
    every = np.zeros(n_win, dtype=np.uint64)
    for j in range(w):
        every += mixed[j : j + n_win] * _K[j % len(_K)]
    return every


def test_window_hashes_signed_windows_and_int_lexsort_equal_their_written_out_forms() -> None:
    # CPU only: hashes mixed and summed in place, the signed windows' running counts without a
    # concatenation, and (outlet, reading) orders as one integer sort give the same arrays
    rng = np.random.default_rng(43)
    det = CopiedDataDetector()
    for _ in range(300):
        n = int(rng.integers(12, 400))
        q = np.cumsum(rng.integers(-3, 4, n) * rng.integers(0, 2, n)) * int(rng.choice([1, 10**9]))
        q = q - int(rng.integers(0, 2**40))
        w = int(rng.choice([1, 2, 12, 70]))
        if w <= n:
            got, want = _window_hashes(q, w), _hashes_written_out(q, w)
            assert got.dtype == want.dtype and np.array_equal(got, want)
        h = np.cumsum(rng.choice([1, 1, 1, 1, 2, 5], n)).astype(np.int64)
        step = np.sign(np.diff(q))
        breaks = np.r_[0, np.cumsum(np.diff(h) != 1, dtype=np.int32)]
        moved = np.r_[0, np.cumsum(step != 0, dtype=np.int32)]
        ww = det.scaled_window
        ok = (breaks[ww - 1 :] == breaks[: n - ww + 1]) & (
            moved[ww - 1 :] - moved[: n - ww + 1] >= det.scaled_min_steps
        )
        start, code = det._signed(q, h)
        assert np.array_equal(start, np.flatnonzero(ok))
        assert np.array_equal(code, _sign_codes(step, ww - 1)[start])
        o, i = rng.integers(0, 9, n), rng.integers(-30, 300, n)
        assert np.array_equal(_ints_lexsorted(o, i), np.lexsort((i, o)))
        wide = rng.integers(-(2**62), 2**62, n)
        assert np.array_equal(_ints_lexsorted(wide, i), np.lexsort((i, wide)))


def test_channel_weighed_from_its_values_kept_narrowed_equals_it_weighed_from_the_summary() -> None:
    # CPU only: in one pass `_read_stretches` weighs a channel from the values `_candidates`
    # decompressed (kept as int32 when they fit), not from the summary again
    from detectors.checks.copied import _channel_readings, _narrowed

    rng = np.random.default_rng(47)
    for trial in range(200):
        n = int(rng.integers(1, 300))
        big = int(rng.choice([1, 10**6, 10**9, 2**40])) * (1 if trial % 2 else -1)
        q = np.cumsum(rng.integers(-3, 4, n)).astype(np.int64) * big
        ts = np.int64(1_767_225_600 * 10**9) + np.cumsum(rng.choice([1, 1, 2, 30], n)) * HOUR_NS
        channel = Channel.of(q, ts)
        kept = _narrowed(channel.q)
        assert np.array_equal(kept, q) and kept.dtype == (
            np.int32 if abs(q).max() < 2**31 else np.int64
        )
        for daily in (False, True):
            got, want = _channel_readings(channel, daily, kept), _channel_readings(channel, daily)
            assert_same_arrays(got, want)


def test_end_bits_equal_the_bits_of_the_ends_read_as_a_pool() -> None:
    # CPU only: in one pass `_exact` weighs its runs from each channel's ends in memory
    # (`_end_bits`) instead of pooling the end points (`_read_stretches`) and finding them there
    from detectors.checks.copied import _Candidates, _end_bits, _read_stretches

    rng = np.random.default_rng(53)
    for _ in range(100):
        k = int(rng.integers(1, 6))
        channels: list[Channel | None] = []
        for _ in range(k):
            n = int(rng.integers(20, 300))
            q = np.cumsum(rng.integers(-3, 4, n) * rng.integers(0, 2, n)).astype(np.int64)
            ts = np.int64(1_767_225_600 * 10**9) + np.arange(n, dtype=np.int64) * HOUR_NS
            channels.append(None if rng.random() < 0.15 else Channel.of(q, ts))
        have = [o for o, c in enumerate(channels) if c is not None]
        if not have:
            continue
        m = int(rng.integers(0, 60))
        o = rng.choice(np.array(have), m)
        size = np.array([0 if c is None else c.n for c in channels], dtype=np.int64)[o]
        first = (rng.random(m) * size).astype(np.int64)
        last = np.minimum(first + rng.integers(0, 30, m), size - 1)
        daily = bool(rng.random() < 0.5)
        found = _Candidates(*(np.zeros(k, dtype=np.int64),) * 3, np.ones(k), [], [], [])
        found.daily = daily
        got = _end_bits(channels, found, o, first, last)
        fresh = _Candidates(*(np.zeros(k, dtype=np.int64),) * 3, np.ones(k), [], [], [])
        fresh.daily = daily
        ends = np.r_[first, last]
        points = _read_stretches(channels, fresh, (np.r_[o, o], ends, ends)) if m else None
        if points is None:
            assert len(got) == 0
            continue
        at0, at1 = points.at(o, first), points.at(o, last)
        want = points.level_bits[at0] + points.step_cum[at1] - points.step_cum[at0]
        assert got.tobytes() == want.tobytes()


def _repeated_by_sorting(digest: np.ndarray) -> np.ndarray:
    """The sort-based definition `_repeated_in_order` replaced: sort every hash, keep those equal
    to a neighbour, order them by (hash, index)."""
    if len(digest) < 2:
        return np.zeros(0, dtype=np.intp)
    order = np.argsort(digest)
    dig = digest[order]
    same_next = dig[1:] == dig[:-1]
    dup = np.r_[same_next, False] | np.r_[False, same_next]
    idx, dig = order[dup], dig[dup]
    return idx[np.lexsort((idx, dig))]


def test_repeated_in_order_and_sorted_by_equal_their_sort_based_definitions() -> None:
    # the two places where copied_data's "same findings" rests on an argument: the hash-table
    # repeats equal the sort-based ones (many ties, several dtypes), and _sorted_by equals
    # np.lexsort with (outlet, first) as the last key when the windows come in that order
    rng = np.random.default_rng(11)
    for t in range(300):
        n = int(rng.integers(0, 200))
        for dtype in (np.uint64, np.int64, np.uint32):
            digest = rng.integers(0, max(1, n // 3 + 1), size=n).astype(dtype)
            assert np.array_equal(_repeated_in_order(digest), _repeated_by_sorting(digest)), t
        outlet = np.sort(rng.integers(0, 5, size=n))
        first = np.zeros(n, dtype=np.int64)
        for o in np.unique(outlet):
            at = outlet == o
            first[at] = np.sort(rng.choice(1000, size=int(at.sum()), replace=False))
        key = rng.integers(0, 4, size=n).astype(np.int64)
        shape = rng.choice(np.array([0.5, 1.0, 1.5, np.nan]), size=n)
        expected = np.lexsort((_key(outlet, first), shape, key))
        assert np.array_equal(_sorted_by(key, shape), expected), t


def _fleet(**channels_by_mn: dict[str, np.ndarray]) -> list[OutletData]:
    return [OutletData(frame(ch, mn=mn)) for mn, ch in channels_by_mn.items()]


def test_clone_scaled_and_rounded_again_is_found_on_both_outlets() -> None:
    a = cycled(N, level=1.5, spread=0.4, hold_hours=2, seed=11)  # NH3-N to 0.01, 2 h cycle
    b = cycled(N, level=2.0, spread=0.5, hold_hours=2, seed=12)
    b[500:572] = np.round(a[500:572] * 1.23, 2)  # three days of A's values, times 1.23
    found = CopiedDataDetector().detect_fleet(_fleet(A={TN: a}, B={TN: b}))
    assert {(f.mn, f.evidence["role"]) for f in found} == {("A", "same_time"), ("B", "same_time")}
    # at lag 0 neither came first: both keep the match's severity
    assert {f.severity for f in found} == {"high"}
    (f,) = [f for f in found if f.mn == "B"]
    assert f.start <= hour(502) and f.end >= hour(569) and f.end <= hour(571)
    ev = f.evidence
    assert abs(ev["scale"] - 1.23) < 0.005 and ev["lag_hours"] == 0
    assert ev["information_bits"] > ev["threshold_bits"] and 0 < ev["false_alarm_rate_per_year"] < 1
    assert "times 1.23" in f.summary and "outlet A" in f.summary
    (g,) = [f for f in found if f.mn == "A"]  # A's values are B's over 1.23
    assert abs(g.evidence["scale"] - 1 / 1.23) < 0.005 and "outlet B" in g.summary
    # one outlet alone is only compared with itself: no scaled rule
    assert CopiedDataDetector().detect(frame({TN: b}, mn="B")) == []


def test_scaled_clone_with_a_clock_offset_and_several_channels_is_one_finding() -> None:
    a_tn = cycled(N, level=12, spread=2, hold_hours=1, seed=21, decimals=2)
    a_tp = cycled(N, level=0.4, spread=0.1, hold_hours=1, seed=22, decimals=3)
    b_tn = cycled(N, level=10, spread=2, hold_hours=1, seed=23, decimals=2)
    b_tp = cycled(N, level=0.3, spread=0.1, hold_hours=1, seed=24, decimals=3)
    b_tn[802:850] = np.round(a_tn[800:848] * 0.86, 2)  # two hours late, 0.86 times
    b_tp[802:850] = np.round(a_tp[800:848] * 0.86, 3)
    found = CopiedDataDetector().detect_fleet(
        _fleet(A={TN: a_tn, TP: a_tp}, B={TN: b_tn, TP: b_tp})
    )
    (f,) = [f for f in found if f.mn == "B"]
    assert f.pollutant is None and set(f.evidence["channels"]) == {TN, TP}
    assert f.evidence["lag_hours"] == 2 and abs(f.evidence["scale"] - 0.86) < 0.01
    assert hour(800) <= f.start <= hour(806) and hour(845) <= f.end <= hour(849)
    # the other outlet's two channels are one finding too; two hours apart is as far as clocks
    # may be off, so neither is named the source: both keep the match's severity
    (g,) = [f for f in found if f.mn == "A"]
    assert g.evidence["role"] == "same_time" and set(g.evidence["channels"]) == {TN, TP}
    assert (f.severity, g.severity) == ("high", "high")


def _copier_and_source(copier: str, copy: np.ndarray, source: np.ndarray) -> list[Finding]:
    """copied_data's findings on a two-outlet fleet, TN only: outlet ``copier`` (``A`` or ``B``,
    so that either may sort first) sends ``copy``, the other ``source``."""
    other = "B" if copier == "A" else "A"
    return CopiedDataDetector().detect_fleet(_fleet(**{copier: {TN: copy}, other: {TN: source}}))


@pytest.mark.parametrize("copier", ["A", "B"])
def test_a_copy_at_the_same_hours_is_told_by_the_jumps_at_its_ends(copier: str) -> None:
    # the copier runs at another level: its record jumps into the source's values and back
    source_tn = cycled(N, level=12, spread=2, hold_hours=1, seed=71, decimals=2)
    own_tn = cycled(N, level=30, spread=2, hold_hours=1, seed=72, decimals=2)
    own_tn[300:360] = source_tn[300:360]
    source = "B" if copier == "A" else "A"
    by_mn = {f.mn: f for f in _copier_and_source(copier, own_tn, source_tn)}
    assert (by_mn[copier].evidence["role"], by_mn[copier].severity) == ("copy", "high")
    assert (by_mn[source].evidence["role"], by_mn[source].severity) == ("copied_from", "low")
    steps = by_mn[copier].evidence["splice_steps"]
    assert steps[copier] > 3 * steps[source]
    # a copier whose own record runs beside the source's (0.05 above it): its steps at the
    # window's ends are the source's own hourly steps, within 0.05: neither is named
    beside_tn = np.round(source_tn + 0.05, 2)
    beside_tn[300:360] = source_tn[300:360]
    found = _copier_and_source(copier, beside_tn, source_tn)
    assert sorted((f.evidence["role"], f.severity) for f in found) == [("same_time", "high")] * 2


def test_matches_naming_both_roles_name_no_source() -> None:
    def match(role: str, severity: str = "high") -> Any:
        return SimpleNamespace(evidence={"role": role}, severity=severity)

    assert _cluster_role([match("copied_from"), match("same_time")]) == ("copied_from", "low")
    assert _cluster_role([match("copy", "medium"), match("same_time")]) == ("copy", "high")
    # the splice's verdicts disagree between windows: neither outlet is named the source
    assert _cluster_role([match("copy"), match("copied_from"), match("same_time")]) == (
        "same_time",
        "high",
    )
    assert _cluster_role([match("same_time", "medium")] * 2) == ("same_time", "medium")


@pytest.mark.parametrize("copier", ["A", "B"])
def test_the_later_window_is_the_copy_whichever_outlet_sorts_first(copier: str) -> None:
    # one outlet sends the other's three days again two days later: the pair is found in
    # outlet order, but the copy is the later window, accused (high); its source is named (low)
    first = cycled(N, level=12, spread=2, hold_hours=1, seed=61, decimals=2)
    second = cycled(N, level=10, spread=2, hold_hours=1, seed=62, decimals=2)
    second[600:672] = first[552:624]
    source = "B" if copier == "A" else "A"
    by_mn = {f.mn: f for f in _copier_and_source(copier, second, first)}
    assert sorted(by_mn) == ["A", "B"]
    copy, named = by_mn[copier], by_mn[source]
    assert (copy.evidence["role"], copy.severity) == ("copy", "high")
    assert (named.evidence["role"], named.severity) == ("copied_from", "low")
    assert hour(600) <= copy.start <= hour(606) and hour(552) <= named.start <= hour(558)


def test_clone_scaled_and_shifted_by_whole_days_is_found_and_only_with_the_day_rule() -> None:
    a = cycled(N, level=12, spread=2, hold_hours=1, seed=51, decimals=2)
    b = cycled(N, level=10, spread=2, hold_hours=1, seed=52, decimals=2)
    b[40 * 24 : 43 * 24] = np.round(a[11 * 24 : 14 * 24] * 1.29, 2)  # 29 days later, 1.29 x
    outlets = _fleet(A={TN: a}, B={TN: b})
    found = CopiedDataDetector().detect_fleet(outlets)
    (f,) = [f for f in found if f.mn == "B"]
    ev = f.evidence
    assert ev["lag_hours"] == 29 * 24 and abs(ev["scale"] - 1.29) < 0.01
    assert hour(40 * 24) <= f.start <= hour(40 * 24 + 6) and f.end >= hour(43 * 24 - 7)
    assert "another day" in ev["rule"] and ev["information_bits"] > ev["threshold_bits"]
    (g,) = [f for f in found if f.mn == "A"]
    assert g.evidence["role"] == "copied_from" and g.start <= hour(11 * 24 + 6)
    # the copy is the sign of falsification; the source's own record shows none
    assert (f.severity, g.severity) == ("high", "low")
    # the bar counts every window of the other outlets at the same hour of any day: higher
    # than the same-time rule's for the same clone at lag 0
    c = b.copy()
    c[40 * 24 : 43 * 24] = np.round(a[40 * 24 : 43 * 24] * 1.29, 2)
    (h,) = [
        f for f in CopiedDataDetector().detect_fleet(_fleet(A={TN: a}, C={TN: c})) if f.mn == "C"
    ]
    assert h.evidence["threshold_bits"] < ev["threshold_bits"]
    assert CopiedDataDetector(scaled_days=False).detect_fleet(outlets) == []


def test_outlets_sharing_a_daily_shape_or_tracking_each_other_are_not_clones() -> None:
    # the same diurnal cycle and analyser phase, independent noise: step signs often agree
    a = cycled(N, level=20, spread=6, hold_hours=2, seed=31, decimals=1)
    b = cycled(N, level=24, spread=7, hold_hours=2, seed=32, decimals=1)
    # a downstream analyser tracking A: 1.2 times A plus its own noise of a few quanta
    rng = np.random.default_rng(33)
    c = np.round(a * 1.2 + rng.normal(0, 0.3, N), 1)
    # step signs shared for three days: D follows A's ups and downs, not its proportions
    d = cycled(N, level=25, spread=6, hold_hours=2, seed=34, decimals=1)
    d[300:372] = np.round(a[300:372] ** 1.5 / 4, 1)
    outlets = _fleet(A={COD: a}, B={COD: b}, C={COD: c}, D={COD: d})
    assert CopiedDataDetector().detect_fleet(outlets) == []


def test_findings_do_not_depend_on_how_many_passes_and_batches_the_stage_takes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a replay, an exact clone and a scaled clone among outlets sharing a daily shape
    a = cycled(N, level=12, spread=2, hold_hours=1, seed=41, decimals=2)
    b = cycled(N, level=10, spread=2, hold_hours=1, seed=42, decimals=2)
    c = cycled(N, level=11, spread=2, hold_hours=1, seed=43, decimals=2)
    a[40 * 24 : 41 * 24] = a[10 * 24 : 11 * 24]
    b[300:340] = a[300:340]
    c[802:850] = np.round(a[800:848] * 0.86, 2)
    outlets = _fleet(A={TN: a}, B={TN: b}, C={TN: c})
    detector = CopiedDataDetector()
    whole = detector.detect_fleet(outlets)
    assert {(f.mn, f.evidence["other_mn"]) for f in whole} >= {("A", "A"), ("B", "A"), ("C", "A")}
    # every pass keeps a fifth of the windows; batches of a few runs
    monkeypatch.setattr("detectors.checks.copied._PASS_READINGS", 3 * N // 5)
    assert detector.detect_fleet(outlets) == whole
    monkeypatch.setattr("detectors.checks.copied._PASS_READINGS", 8)
    reads: list[int] = []
    q = Channel.q
    monkeypatch.setattr(Channel, "q", property(lambda c: reads.append(c.n) or q.fget(c)))
    assert detector.detect_fleet(outlets) == whole
    # some 540 passes and many batches, yet each channel is decompressed twice: once for its
    # windows (kept in a temporary file, a share at a time), once for the runs' stretches
    assert 3 <= len(reads) <= 2 * 3


def test_alike_admits_every_window_of_a_scaled_clone_and_no_more_than_its_rounding() -> None:
    rng = np.random.default_rng(51)
    w = 12
    true = 2000.0 + np.cumsum(rng.normal(0, 300.0, 400))  # the source's water, in quanta
    checked = 0
    for rb, ra in ((100, 100), (100, 10), (10, 100), (10, 10)):  # each side's resolution in quanta
        b = np.rint(true / rb) * rb  # the source as it reported
        start = np.arange(len(b) - w + 1)
        sb = _window_stats(b.astype(np.int64), start, w)
        for s in (0.26, 0.86, 1.0, 2.5, 3.9):
            for scaled in (s * b, s * true):  # from its report, or from its water
                a = (np.rint(scaled / ra) * ra).astype(np.int64)  # rounded again
                sa = _window_stats(a, start, w)
                ones = np.ones(len(start))
                assert _alike(sa, sb, ra * ones, rb * ones).all(), (rb, ra, s)
                # the day rule's level test before `_alike`, on the windows it uses (rounding
                # moving their shape by at most _DAY_SLACK): every one admitted
                used = (ra / sa[1] + 2 * ra / sa[2] <= _DAY_SLACK) & (
                    rb / sb[1] + 2 * rb / sb[2] <= _DAY_SLACK
                )
                (la, da), (lb, db) = _level(sa[:2], ra * ones), _level(sb[:2], rb * ones)
                assert (abs(la - lb) <= da + db)[used].all(), (rb, ra, s)
                checked += int(used.sum())
    assert checked > 1000  # windows the day rule uses, of every factor at the finer roundings
    # steps three times as large as the other window's at equal mean and spread: no factor
    # maps them within a clone's rounding (a bound of b's rounding at a factor of 4 did)
    sa = [np.array([1000.0]), np.array([200.0]), np.array([350.0])]
    sb = [np.array([1000.0]), np.array([200.0]), np.array([100.0])]
    assert not _alike(sa, sb, np.array([100.0]), np.array([100.0])).any()
    # a level twice the other's at equal shape: no factor maps both mean and spread
    (la, da), (lb, db) = (
        _level([np.array([2000.0]), np.array([200.0])], np.array([10.0])),
        _level([np.array([1000.0]), np.array([200.0])], np.array([10.0])),
    )
    assert abs(la - lb)[0] > (da + db)[0]


def _three_channels(seed: int) -> dict[str, np.ndarray]:
    """COD to 1 mg/L, TN to 0.1, TP to 0.01, each measured every 3 h: few bits an hour."""
    return {
        COD: cycled(N, level=30, spread=4, hold_hours=3, seed=seed, decimals=0),
        TN: cycled(N, level=12, spread=2, hold_hours=3, seed=seed + 1, decimals=1),
        TP: cycled(N, level=0.4, spread=0.1, hold_hours=3, seed=seed + 2, decimals=2),
    }


def test_channels_cloned_together_each_under_its_bar_are_found_pooled() -> None:
    a, b = _three_channels(61), _three_channels(64)
    for code in b:
        b[code][500:515] = a[code][500:515]  # 15 h of all three channels, same hours
    # each channel alone is under its bar
    for code in a:
        assert CopiedDataDetector().detect_fleet(_fleet(A={code: a[code]}, B={code: b[code]})) == []
    found = CopiedDataDetector().detect_fleet(_fleet(A=a, B=b))
    # B's own readings jump into and out of the 15 h, A's do not: B is the copy
    assert [(f.mn, f.pollutant, f.evidence["role"], f.severity) for f in found] == [
        ("A", None, "copied_from", "low"),
        ("B", None, "copy", "high"),
    ]
    ev = found[1].evidence
    assert set(ev["channels"]) == {COD, TN, TP} and ev["lag_hours"] == 0
    assert ev["information_bits"] > ev["threshold_bits"] and "summed" in ev["statistic"]
    # the statistic is the channels' bits summed
    bits = [s["information_bits"] for s in ev["segments"]]
    assert len(bits) == 3 and ev["information_bits"] == pytest.approx(sum(bits), abs=0.2)
    assert hour(499) <= found[1].start <= hour(501) and hour(513) <= found[1].end <= hour(516)
    assert 0 < ev["false_alarm_rate_per_year"] < 1 and ev["window_hours"] > 0


def test_weak_matches_of_channels_at_different_lags_are_not_pooled() -> None:
    a, b = _three_channels(61), _three_channels(64)
    # the same 15 h stretches, but each channel from another hour of A: no one lag
    for k, code in enumerate(b):
        b[code][500:515] = a[code][500 - 7 * k : 515 - 7 * k]
    assert CopiedDataDetector().detect_fleet(_fleet(A=a, B=b)) == []


def test_pooled_channels_whose_factors_agree_get_back_what_their_fits_paid() -> None:
    # candidates: (information, bar, factor, its relative error, bits paid for the factor)
    first = (30.0, 40.0, 1.2, 0.01, 9.0)
    agree = (20.0, 40.0, 1.205, 0.01, 9.0)  # within the two errors: 2 * 0.02 / ln 16 by chance
    bits = _agreeing_factors([agree], first)
    assert bits == pytest.approx(np.log2(np.log(16.0) / 0.04))
    assert 0 < bits <= 9.0
    # never more than the fit paid; nothing for a factor of its own or an exact match
    assert _agreeing_factors([(20.0, 40.0, 1.2, 0.001, 2.0)], first) == 2.0
    assert _agreeing_factors([(20.0, 40.0, 0.8, 0.01, 9.0)], first) == 0.0
    assert _agreeing_factors([(20.0, 40.0, 1.0, 0.0, 0.0)], first) == 0.0
    # an exact strongest channel: a scaled one agrees when its factor is 1 within its error
    exact = (30.0, 40.0, 1.0, 0.0, 0.0)
    assert _agreeing_factors([(20.0, 40.0, 1.004, 0.01, 9.0)], exact) > 0
    assert _agreeing_factors([(20.0, 40.0, 1.2, 0.01, 9.0)], exact) == 0.0


def _plant_with_stops(
    seed: int, stops: list[tuple[int, int]], mn: str = "M1"
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Flow, COD and NH3-N of a plant stopped on hours ``a..b`` of ``stops``: flow 0 flagged F,
    the analysers flagged F holding their last value."""
    flow = cycled(N, level=100, spread=10, hold_hours=1, seed=seed, decimals=2)
    cod = cycled(N, level=30, spread=4, hold_hours=2, seed=seed + 1, decimals=1)
    nh3 = cycled(N, level=3, spread=0.5, hold_hours=2, seed=seed + 2, decimals=2)
    flags = {c: np.full(N, "N", dtype=object) for c in (FLOW, COD, NH3N)}
    for a, b in stops:
        flow[a : b + 1] = 0.0
        cod[a : b + 1] = cod[a - 1]
        nh3[a : b + 1] = nh3[a - 1]
        for c in flags:
            flags[c][a : b + 1] = "F"
    return {FLOW: flow, COD: cod, NH3N: nh3}, flags


def test_stopped_record_replayed_over_running_flow_is_found_repeated_stops_are_honest() -> None:
    values, flags = _plant_with_stops(7, [(10 * 24, 12 * 24 - 1)])
    copy = 40 * 24
    for c in (COD, NH3N):  # the analysers' record of two stopped days put over running days
        values[c][copy : copy + 48] = values[c][240:288]
        flags[c][copy : copy + 48] = "F"
    (f,) = CopiedDataDetector().detect(frame(values, flags))
    assert (f.start, f.end) == (hour(copy), hour(copy + 47)) and f.pollutant is None
    ev = f.evidence
    assert ev["lag_hours"] == 720 and ev["role"] == "copy" and ev["hours"] == 48
    assert ev["values"] == {COD: values[COD][240], NH3N: values[NH3N][240]}
    assert ev["information_bits"] > ev["threshold_bits"] and ev["false_alarm_rate_per_year"] is None
    assert "flow meter read the outlet running" in f.summary
    # off, the rule finds nothing: the replayed stop is constant, which no other rule weighs
    assert CopiedDataDetector(stopped_replays=False).detect(frame(values, flags)) == []
    # the same stop repeated with the flow stopped too (an honest plant stopped again, its
    # analysers holding by chance the same values): no claim over running flow, no finding
    values[FLOW][copy : copy + 48] = 0.0
    flags[FLOW][copy : copy + 48] = "F"
    assert CopiedDataDetector().detect(frame(values, flags)) == []


def test_stopped_replay_needs_every_held_channel_equal_and_values_not_the_stop_value() -> None:
    values, flags = _plant_with_stops(7, [(10 * 24, 12 * 24 - 1)])
    copy = 40 * 24
    for c in (COD, NH3N):
        values[c][copy : copy + 48] = values[c][240:288]
        flags[c][copy : copy + 48] = "F"
    values[NH3N][copy : copy + 48] += 0.01  # one channel off by one step: not the same record
    assert CopiedDataDetector().detect(frame(values, flags)) == []
    # an outlet whose analysers read 0 at every stop: zeros claimed over running flow repeat its
    # own stop value, which says nothing of where they came from (flag_masking's business)
    stops = [(d * 24, d * 24 + 23) for d in (5, 15, 25, 45)]
    values, flags = _plant_with_stops(8, stops)
    for a, b in stops:
        values[COD][a : b + 1] = 0.0
        values[NH3N][a : b + 1] = 0.0
    for c in (COD, NH3N):
        values[c][copy : copy + 24] = 0.0
        flags[c][copy : copy + 24] = "F"
    assert CopiedDataDetector().detect(frame(values, flags)) == []


def _b_replays_a(a_stop: tuple[int, int], copied: slice, source: slice) -> list[OutletData]:
    """Outlets A (stopped on hours ``a_stop``, its analysers holding their values) and B, whose
    COD and NH3-N send A's hours ``source`` flagged F on hours ``copied`` over B's running
    flow."""
    va, fa = _plant_with_stops(11, [a_stop], mn="A")
    vb, fb = _plant_with_stops(12, [], mn="B")
    for c in (COD, NH3N):
        vb[c][copied] = va[c][source]
        fb[c][copied] = "F"
    return [OutletData(frame(va, fa, mn="A")), OutletData(frame(vb, fb, mn="B"))]


def test_stopped_record_copied_from_another_outlet_is_reported_on_both() -> None:
    # B sends A's stopped day as its own, same hours, B's flow running
    outlets = _b_replays_a((20 * 24, 21 * 24 - 1), slice(480, 504), slice(480, 504))
    found = sorted(CopiedDataDetector().detect_fleet(outlets), key=lambda f: f.mn)
    assert [(f.mn, f.start, f.end, f.evidence["role"]) for f in found] == [
        ("A", hour(480), hour(503), "copied_from"),
        ("B", hour(480), hour(503), "copy"),
    ]
    assert found[1].evidence["other_mn"] == "A" and found[1].evidence["lag_hours"] == 0
    # A's stop was real (its flow meter read it stopped): the copy is B's, A is only named
    assert [f.severity for f in found] == ["low", "high"]
    assert "outlet B" in found[0].summary and "outlet A" in found[1].summary


def test_stopped_copy_of_part_of_a_longer_stop_names_every_hour_it_may_come_from() -> None:
    # A stopped two days, holding its values; B sends A's second stopped day as its own (same
    # hours, B's flow running): lags 0 to 24 h fit alike, so A's finding spans both days
    outlets = _b_replays_a((20 * 24, 22 * 24 - 1), slice(504, 528), slice(504, 528))
    found = sorted(CopiedDataDetector().detect_fleet(outlets), key=lambda f: f.mn)
    assert [(f.mn, f.start, f.end, f.evidence["role"]) for f in found] == [
        ("A", hour(480), hour(527), "copied_from"),
        ("B", hour(504), hour(527), "copy"),
    ]
    assert found[1].evidence["lag_hours"] == 24  # the largest that fits, as before
    # the sources compared are the held stops of one channel (COD: A's and B's own), not of
    # every channel: the bar is log2(2) + log2(1 / 0.001), where all four made it log2(4) + ...
    assert found[1].evidence["threshold_bits"] == round(1.0 + np.log2(1000.0), 1)
    assert 0 < found[1].evidence["chance_of_wrong_source"] < 0.001


def test_stopped_replay_of_the_outlets_own_stop_is_weighed_against_its_own_stops() -> None:
    # A replays its own stopped day over running flow 30 days on; ten other outlets stop every
    # third day, holding values of their own: compared with every outlet's stops the match is
    # too weak to name its source, against A's own (its one earlier stop) it is not
    va, fa = _plant_with_stops(7, [(10 * 24, 11 * 24 - 1)], mn="A")
    for c in (COD, NH3N):
        va[c][40 * 24 : 41 * 24] = va[c][240:264]
        fa[c][40 * 24 : 41 * 24] = "F"
    outlets = [OutletData(frame(va, fa, mn="A"))]
    for k in range(10):
        stops = [(d * 24 + 1, d * 24 + 12) for d in range(2, DAYS - 1, 3)]
        v, f = _plant_with_stops(20 + k, stops, mn=f"B{k}")
        outlets.append(OutletData(frame(v, f, mn=f"B{k}")))
    found = [f for f in CopiedDataDetector().detect_fleet(outlets) if f.mn == "A"]
    assert [(f.start, f.end, f.evidence["role"]) for f in found] == [
        (hour(40 * 24), hour(41 * 24 - 1), "copy")
    ]
    ev = found[0].evidence
    assert ev["other_mn"] == "A" and ev["lag_hours"] == 720
    # A's held stops of COD: its own stop and the claim (each channel alike)
    assert ev["threshold_bits"] == round(1.0 + np.log2(1000.0), 1)
    fleet_bar = np.log2(1 + 10 * len(range(2, DAYS - 1, 3)) + 1) + np.log2(1000.0)
    assert ev["information_bits"] < fleet_bar  # the fleet's family alone would not name it


def test_stopped_replay_names_no_source_that_stopped_after_it() -> None:
    # B claims, over its running flow, the values A's analysers held in a stop 20 days later:
    # no record replays what had not yet been reported
    outlets = _b_replays_a((40 * 24, 41 * 24 - 1), slice(480, 504), slice(960, 984))
    assert CopiedDataDetector().detect_fleet(outlets) == []
    # the same stop of A before B's claim is a source (lag 20 days)
    outlets = _b_replays_a((10 * 24, 11 * 24 - 1), slice(480, 504), slice(240, 264))
    found = sorted(CopiedDataDetector().detect_fleet(outlets), key=lambda f: f.mn)
    assert [(f.mn, f.evidence["role"]) for f in found] == [("A", "copied_from"), ("B", "copy")]
    assert found[1].evidence["lag_hours"] == 240


def test_stopped_replay_of_a_stop_value_other_outlets_share_names_no_source() -> None:
    # A and C each stopped once, their analysers reading 0 (still water, or a logger's fill):
    # neither ever measured 0, so from their own readings a zero is as rare as one in n + 1;
    # but two outlets' stops hold it, so it is the fleet's stop value, and B's zeros claimed
    # over running flow name neither (before: A named as the source, 2 x log2(n + 1) bits)
    va, fa = _plant_with_stops(11, [(10 * 24, 12 * 24 - 1)], mn="A")
    vc, fc = _plant_with_stops(13, [(15 * 24, 16 * 24 - 1)], mn="C")
    vb, fb = _plant_with_stops(12, [], mn="B")
    for v, (a, b) in ((va, (240, 287)), (vc, (360, 383))):
        for c in (COD, NH3N):
            v[c][a : b + 1] = 0.0
    for c in (COD, NH3N):
        vb[c][480:504] = 0.0
        fb[c][480:504] = "F"
    frames = {"A": (va, fa), "B": (vb, fb), "C": (vc, fc)}
    outlets = [OutletData(frame(v, f, mn=mn)) for mn, (v, f) in frames.items()]
    assert CopiedDataDetector().detect_fleet(outlets) == []
    # with C's stop holding values of its own, A's zeros are one outlet's: A is named again
    outlets[2] = OutletData(frame(*_plant_with_stops(13, [(15 * 24, 16 * 24 - 1)], mn="C")))
    found = CopiedDataDetector().detect_fleet(outlets)
    assert sorted((f.mn, f.evidence["role"]) for f in found) == [
        ("A", "copied_from"),
        ("B", "copy"),
    ]


def _daily_flow(seed: int, day_sd: float, noise: float) -> np.ndarray:
    """A flow channel read to 1 m3/h: one smooth daily curve, each day scaled a little
    (``day_sd``), each hour with noise ``noise``."""
    rng = np.random.default_rng(seed)
    hod = np.arange(24)
    curve = 300 + 120 * np.sin(2 * np.pi * (hod - 8) / 24) + 40 * np.sin(4 * np.pi * hod / 24)
    level = 1 + rng.normal(0, day_sd, DAYS)
    return np.round(np.outer(level, curve).ravel() + rng.normal(0, noise, N))


@pytest.mark.parametrize("seed", [1, 2, 4, 5])
def test_smooth_daily_flow_repeating_its_hours_days_apart_is_honest(seed: int) -> None:
    # the same hour's step is nearly the same every day: a run repeating days apart is no sum
    # of independent steps (each step's bits are judged at its hour of day); the marginal step
    # frequencies alone made 8 to 17 findings of 12 to 48 readings on each of these series
    assert CopiedDataDetector().detect(frame({FLOW: _daily_flow(seed, 0.002, 0.3)})) == []


def test_replay_of_a_noisy_daily_flow_is_still_found() -> None:
    flow = _daily_flow(1, 0.01, 0.5)
    flow[40 * 24 + 4 : 40 * 24 + 22] = flow[38 * 24 + 4 : 38 * 24 + 22]  # 18 h, 2 days later
    (f,) = CopiedDataDetector().detect(frame({FLOW: flow}))
    assert (f.start, f.end) == (hour(40 * 24 + 4), hour(40 * 24 + 21))
    assert f.evidence["lag_hours"] == 48


def test_split_by_pollutant_and_merged_gives_the_unsplit_findings_in_order() -> None:
    a, b, c = _three_channels(61), _three_channels(64), _three_channels(67)
    for code in b:
        b[code][500:515] = a[code][500:515]  # pooled: each channel under its bar
    c[COD][100:300] = a[COD][700:900]  # one channel copied alone
    detector = CopiedDataDetector()
    summaries = [detector.summarise(o) for o in _fleet(A=a, B=b, C=c)]
    whole = detector.detect_summaries(summaries)
    assert len(whole) >= 3
    parts = detector.parts(summaries)
    assert sorted(parts) == sorted({COD, TN, TP})
    # the parts computed in any order (here backwards) merge to the same findings, same order
    results = {p: detector.detect_part(summaries, p) for p in reversed(parts)}
    assert detector.merge_parts(summaries, results) == whole
    # one pollutant only: not split
    assert detector.parts([detector.summarise(o) for o in _fleet(A={COD: a[COD]})]) == []


def _held_match_with_near_lags(rows, o, a, b, eo, ecode, eq, eh0, eh1, ebits):
    """`_held_match` as it was before 2026-12-06: the same search, then a same-outlet match at
    a lag under a day moved to -24 or dropped, and a day or more ahead raised to 24; with the
    sixteenth session's rule that a replay's source came first (no negative lag) in both."""
    near = (eo == o) & (eh1 >= a - 24) & (eh0 <= b + 24)
    common = None
    for _, code, value, lo, hi in rows.tolist():
        c = np.flatnonzero((ecode == code) & (eq == value) & ~near)
        l_lo, l_hi = np.maximum(hi - eh1[c], 0), lo - eh0[c]
        ok = l_lo <= l_hi
        by: dict = {}
        for src, x, y, bits in zip(
            eo[c][ok].tolist(),
            l_lo[ok].tolist(),
            l_hi[ok].tolist(),
            ebits[c][ok].tolist(),
            strict=True,
        ):
            by.setdefault(src, []).append((x, y, bits))
        if common is None:
            common = by
            continue
        joined: dict = {}
        for src, spans in common.items():
            for x0, y0, bits0 in spans:
                for x1, y1, bits1 in by.get(src, []):
                    if max(x0, x1) <= min(y0, y1):
                        joined.setdefault(src, []).append((max(x0, x1), min(y0, y1), bits0 + bits1))
        common = joined
        if not common:
            return None
    best = None
    for src, spans in (common or {}).items():
        for x, y, bits in spans:
            lag = y
            if src == o and abs(lag) < 24:
                if x > -24:
                    continue
                lag = min(y, -24)
            elif src == o:
                x = max(x, 24) if lag >= 24 else x
            if best is None or bits > best[2]:
                best = (src, int(lag), float(bits), int(x))
    return best


def test_held_match_never_meets_its_own_outlet_within_a_day() -> None:
    # the outlet's own held stops within a day of the claim are left out, so every lag of a
    # match of the outlet itself is a day or more: the branches that moved such lags had no
    # input to act on (300 random fleets of held stops, the claim's outlet among them)
    rng = np.random.default_rng(7)
    for _ in range(300):
        n = int(rng.integers(1, 40))
        eo = rng.integers(0, 3, n)
        ecode = rng.integers(0, 2, n)
        eq = rng.integers(0, 3, n)
        eh0 = rng.integers(0, 400, n)
        eh1 = eh0 + rng.integers(5, 80, n)
        ebits = rng.random(n) * 10
        a = int(rng.integers(0, 400))
        b = a + int(rng.integers(11, 60))
        k = int(rng.integers(1, 3))
        rows = []
        for code in range(k):
            lo = int(rng.integers(a, b - 4))
            hi = int(rng.integers(lo + 5, b + 1))
            rows.append((0, code, int(rng.integers(0, 3)), lo, hi))
        rows = np.array(rows, dtype=np.int64)
        o = int(rng.integers(0, 3))
        args = (rows, o, a, b, eo, ecode, eq, eh0, eh1, ebits)
        assert _held_match(*args) == _held_match_with_near_lags(*args)


def _sbr_flow(seed: int, days: int = DAYS) -> np.ndarray:
    """An SBR's flow read to 1 m3/h: every 6 h two decanting hours (about 48 and 12 m3/h,
    following a slow wander) and four hours at 0 (the honest generator's seed-6 SBR outlet)."""
    rng = np.random.default_rng(seed)
    k = days * 4
    level = 48 + 3 * np.sin(np.arange(k) / (k / 20)) + 0.2 * rng.normal(0, 1, k)
    cycles = np.zeros((k, 6))
    cycles[:, 4] = np.round(level + rng.normal(0, 0.3, k))
    cycles[:, 5] = np.round(0.25 * level + rng.normal(0, 0.3, k))
    return cycles.ravel()


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_a_flow_matching_itself_at_many_lags_is_a_timetable_not_a_replay(seed: int) -> None:
    # the parent found 1 to 5 replays of 30-468 h on each (34-67 bits against a bar of 33.5):
    # the series matches itself at many lags, which is its null (`_self_similar_bar`)
    cod = _cod()
    cod[40 * 24 : 41 * 24] = cod[10 * 24 : 11 * 24]  # a day of COD replayed beside it
    found = CopiedDataDetector().detect(frame({FLOW: _sbr_flow(seed), COD: cod}))
    assert [(f.pollutant, f.start, f.evidence["lag_hours"]) for f in found] == [
        (COD, hour(40 * 24), 720)
    ]
    assert "self_matches" not in found[0].evidence  # COD matches itself nowhere else


def test_self_similar_bar_judges_a_run_by_the_series_runs_at_other_lags() -> None:
    w = 4000.0
    u0 = np.log2(w * w / 2.0)
    need0 = u0 + 15.0

    def bar(lags: list[int], excess: list[float], oa: list[int] | None = None) -> np.ndarray:
        n = len(lags)
        o = np.array(oa if oa is not None else [0] * n)
        runs = (o, np.zeros(n), np.zeros(n), np.zeros(n, dtype=int), np.zeros(n), np.array(lags))
        info = u0 + np.array(excess)
        need, figures = _self_similar_bar(runs, info, np.full(n, need0), np.array([w, w]))
        assert (figures[0] > 0).sum() == (need > need0).sum()
        return need

    # four runs under the bar at other lags: no evidence against the bits null
    assert (bar([24, 48, 72, 96, 168], [5, 6, 7, 8, 40]) == need0).all()
    # six: their median excess (7.5 bits) is the scale; six runs at other lags
    got = bar([24, 48, 72, 96, 120, 144, 168], [5, 6, 7, 8, 9, 10, 40])
    assert got[-1] == pytest.approx(u0 + 7.5 * (15.0 + np.log2(6.0)))
    # runs at the run's own lag, and every run at a lag holding a run over the bar (maybe a
    # copy's pieces), are no null; runs under u0 are not counted; another outlet's are its own
    lags = [24, 48, 72, 96, 120, 144, 168, 168, 500, 500, 30, 24, 48, 72, 96, 120]
    excess = [5, 6, 7, 8, 9, 10, 40, 3, 2, 30, -4, 5, 6, 7, 8, 9]
    got = bar(lags, excess, [0] * 11 + [1] * 5)
    assert got[6] == pytest.approx(u0 + 7.5 * (15.0 + np.log2(8.0)))  # 6 + two at lag 500
    assert got[9] == pytest.approx(u0 + 7.5 * (15.0 + np.log2(8.0)))  # 6 + two at lag 168
    assert (got[11:] == need0).all()  # outlet 1: five runs, all under the bar: nothing to raise
    # a match between two outlets keeps its bar
    two = (
        np.array([0, 1]),
        np.zeros(2),
        np.zeros(2),
        np.array([1, 0]),
        np.zeros(2),
        np.array([5, 5]),
    )
    need, _ = _self_similar_bar(two, np.full(2, 60.0), np.full(2, need0), np.array([w, w]))
    assert (need == need0).all()


def _draining_flow(seed: int, days: int = 90) -> np.ndarray:
    """A shift plant's flow read to 0.1 m3/h: it runs from 6-8 h to 15-20 h at a level of the
    day's (5-15 m3/h, each hour within about 1 m3/h of it), then its tank drains overnight along
    one recession curve (7 % less each hour) from wherever the day ended (the honest
    generator's shift and batch plants, tuning seeds 5-24: 25 of copied_data's 27 findings on
    their honest outlets were such nights matching each other)."""
    rng = np.random.default_rng(seed)
    out = np.empty(days * 24)
    q = 3.0
    for d in range(days):
        start, stop = 6 + rng.integers(0, 3), 15 + rng.integers(0, 6)
        level = rng.uniform(5, 15)
        for h in range(24):
            q = level + rng.normal(0, 1.0) if start <= h < stop else q * 0.93
            out[d * 24 + h] = q
    return np.round(out, 1)


@pytest.mark.parametrize("seed", [1, 2, 3, 5])
def test_a_flow_draining_along_one_curve_each_night_is_no_replay(seed: int) -> None:
    # each level leads to about the same next one every night, so nights that pass one level
    # at one tenth repeat each other exactly for 12-17 h: the parent found 29-38 replays on
    # each of these series (35-60 bits against a bar of 34.1); weighed by their steps given
    # their levels (`_LevelSteps`) they carry a few bits each
    assert CopiedDataDetector().detect(frame({FLOW: _draining_flow(seed)})) == []


def test_a_replay_of_a_draining_flows_running_hours_is_still_found() -> None:
    flow = _draining_flow(1)
    flow[60 * 24 : 61 * 24] = flow[30 * 24 : 31 * 24]  # a whole day, night and running hours
    (f,) = CopiedDataDetector().detect(frame({FLOW: flow}))
    assert f.evidence["lag_hours"] == 30 * 24 and f.start <= hour(60 * 24 + 8)
    assert f.evidence["level_step_bits"] > f.evidence["threshold_bits"]


@pytest.mark.parametrize("copies", [2, 3])
def test_a_day_of_flow_pasted_again_and_again_is_found_each_time(copies: int) -> None:
    # a running plant's flow read to 0.1 m3/h (daily curve, noise 15); one day pasted two or
    # three times: leaving out only two occurrences of each step from its level, the other
    # copies vouched for each other (the runs scored by levels about 0 bits: none found)
    rng = np.random.default_rng(1)
    h = np.arange(180 * 24)
    curve = 400 + 120 * np.sin(2 * np.pi * (h % 24) / 24) + rng.normal(0, 15, len(h))
    flow = np.round(curve, 1)
    pasted = (100, 110, 120)[:copies]
    for d in pasted:
        flow[d * 24 : (d + 1) * 24] = flow[60 * 24 : 61 * 24]
    found = CopiedDataDetector().detect(frame({FLOW: flow}))
    assert sorted(f.start for f in found) == [hour(d * 24) for d in pasted]
    assert all(f.evidence["level_step_bits"] > f.evidence["threshold_bits"] for f in found)


def test_a_draining_flows_day_pasted_five_times_is_found_each_time() -> None:
    flow = _draining_flow(1)
    for d in (45, 52, 59, 66, 73):
        flow[d * 24 : (d + 1) * 24] = flow[30 * 24 : 31 * 24]
    found = CopiedDataDetector().detect(frame({FLOW: flow}))
    assert len(found) == 5 and all(hour(45 * 24) <= f.start for f in found)


def _decanting_flow(seed: int, days: int = 180) -> np.ndarray:
    """A small batch plant's flow read to 0.1 m3/h (a textile dyer's): its tank decants on a
    fixed 4-hour cycle ``0, x / 2, x, x / 2`` (a third of the hours 0), ``x`` draining 55 % of
    the way to a floor of 2.8 m3/h each cycle, refilled (12-30 m3/h) when a batch is dyed, one
    cycle in eight at random. The tank and pump are deterministic and the meter reads coarsely,
    so two drains that pass one reading pass the same readings after it."""
    rng = np.random.default_rng(seed)
    out = np.empty(days * 24)
    level = 2.8
    for c in range(days * 6):
        if rng.random() < 0.12:
            level = rng.uniform(12, 30)
        out[4 * c : 4 * c + 4] = [0.0, level / 2, level, level / 2 - 0.05 * (level - 2.8)]
        level = 2.8 + (level - 2.8) * 0.45
    return np.round(out, 1)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_flow_decanting_on_a_fixed_cycle_is_no_replay(seed: int) -> None:
    # its drains repeat each other exactly for 18-64 h (9-22 values) at dozens of lags, each
    # over the bar the runs under it raised (`_self_similar_bar`) and by levels (the parent
    # found 23-37 replays on each, at 0.99): matched at that many lags over the bar, every run
    # at the other lags is the series' null
    assert CopiedDataDetector().detect(frame({FLOW: _decanting_flow(seed)})) == []


def test_a_day_pasted_at_many_lags_into_an_irregular_flow_is_found_each_time() -> None:
    # one stretch matched at twelve lags is one stretch, not a timetable: each paste is found
    rng = np.random.default_rng(1)
    h = np.arange(180 * 24)
    curve = 400 + 120 * np.sin(2 * np.pi * (h % 24) / 24) + rng.normal(0, 15, len(h))
    flow = np.round(curve, 1)
    pasted = [62, 65, 69, 74, 80, 87, 95, 104, 114, 125, 137, 150]  # gaps all different
    for d in pasted:
        flow[d * 24 : (d + 1) * 24] = flow[60 * 24 : 61 * 24]
    found = CopiedDataDetector().detect(frame({FLOW: flow}))
    assert sorted(f.start for f in found) == [hour(d * 24) for d in pasted]


def test_level_steps_weigh_a_step_by_its_other_occurrences_from_its_level() -> None:
    # from 8 the series rises by 2 four times; from 10 it falls by 2 four times and rises by 5
    # once; from 20 it falls by 7 twice
    q = np.array([10, 8, 10, 8, 10, 8, 10, 8, 10, 15, 20, 13, 20, 13], dtype=np.int64)
    table = _LevelSteps.of(q)
    free = np.full(3, 9.0)  # the bits null's bits of each step
    # 8 10 8 10 occurs three times (from readings 1, 3 and 5), all left out: every 8 -> 10 lies
    # in one of them (the bits null's 9 bits), 10 -> 8 one of two left from 10 (the falls
    # after a rise all lie inside: that cell tells nothing)
    got = table.information(np.array([8, 10, 8, 10]), 1.0, free)
    assert got == pytest.approx(1.0 + 9.0 + 1.0 + 9.0)
    # a run that occurs twice: 8 -> 10 three of three left (0 bits), 10 -> 8 three of six left
    # from 10 (1 bit; after a rise none of three left)
    twice = np.array([10, 8, 10, 8, 10, 15, 10, 8, 10, 8, 10, 15, 10, 8, 10, 5], dtype=np.int64)
    got = _LevelSteps.of(twice).information(np.array([8, 10, 8]), 1.0, free[:2])
    assert got == pytest.approx(1.0 + 0.0 + 1.0)
    # a step seen only twice from its level (20 -> 13) is weighed by the bits null alone
    assert table.information(np.array([20, 13]), 1.0, free[:1]) == pytest.approx(10.0)
    # a level or a step the series never took from there: the bits null's, too
    assert table.information(np.array([11, 8]), 1.0, free[:1]) == pytest.approx(10.0)
    assert table.information(np.array([8, 15]), 1.0, free[:1]) == pytest.approx(10.0)
    # held readings carry nothing either way
    assert table.information(np.array([10, 10]), 1.0, np.zeros(1)) == pytest.approx(1.0)
