"""CappingDetector: a pile-up under the limit, and plants that honestly run close to it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from detectors.checks.capping import CappingDetector
from detectors.spec import COD, FLOW, NH3N, PH, OutletSpec
from tests.detectors.conftest import MN, count_calls, make_frame, make_spec
from tests.detectors.value_helpers import flow

START = pd.Timestamp("2026-06-01 00:00", tz="Asia/Shanghai")
SPEC = make_spec(MN, w01018={"limit": 50.0}, w01001={"limit_range": (6.0, 9.0)})


def hour(i: int) -> pd.Timestamp:
    return START + pd.Timedelta(hours=i)


def close_to_limit(hours: int, seed: int = 0) -> np.ndarray:
    """An honest plant running close to its limit: lognormal, median 40, about 10 % over 50."""
    rng = np.random.default_rng(seed)
    return np.round(40.0 * np.exp(rng.normal(0, 0.18, hours)), 1)


def test_values_pushed_under_the_limit_exact_interval() -> None:
    n = 24 * 80
    cod = np.round(np.random.default_rng(1).uniform(15, 40, n), 1)  # days 0-39 far below
    cap = close_to_limit(n - 960, seed=2)
    over = cap > 42.0
    rng = np.random.default_rng(3)
    cap[over] = np.round(rng.uniform(45.0, 49.9, over.sum()), 1)  # pushed under the limit
    cod[960:] = cap
    first = 960 + int(np.flatnonzero(cap >= 45.0)[0])
    last = 960 + int(np.flatnonzero(cap >= 45.0)[-1])
    found = CappingDetector().detect(make_frame(MN, {COD: cod}), SPEC)
    assert [(f.start, f.end) for f in found] == [(hour(first), hour(last))]
    f = found[0]
    ev = f.evidence
    assert f.severity == "high" and ev["band_above"] == 0
    # 2 pile widths + 1 multiple, at 2 window widths (30 and 14 days)
    assert ev["p_value"] < ev["threshold"] == 0.01 / 365.25 / 6
    assert ev["false_alarm_rate_per_year"] == 0.01 and ev["window_hours"] == 720
    assert {"rule", "statistic"} <= set(ev) and ev["wall"] == 50.0
    assert "piles up under a wall at 50 mg/L (limit 50 mg/L)" in f.summary


def test_clamp_under_the_limit_with_a_few_left_above() -> None:
    # a clamp at 0.9 L with jitter (what goes over 45 written at 44-45), two escapes above:
    # the wall need not be the limit itself, and a straggler or two does not clear it
    n = 24 * 40
    cod = np.round(30.0 * np.exp(np.random.default_rng(4).normal(0, 0.3, n)), 1)
    over = np.flatnonzero(cod > 45.0)
    cod[over[2:]] = np.round(np.random.default_rng(5).uniform(44.0, 45.0, len(over) - 2), 1)
    cod[over[:2]] = 51.0
    (f,) = CappingDetector().detect(make_frame(MN, {COD: cod}), SPEC)
    assert f.evidence["wall"] == 45.0 and f.evidence["band_above"] <= 2
    assert f.severity == ("high" if f.evidence["band_above"] == 0 else "medium")
    first, last = np.flatnonzero((cod > 43.5) & (cod <= 45.0))[[0, -1]]
    assert (f.start, f.end) == (hour(int(first)), hour(int(last)))


def test_shallow_wide_pile_as_dense_as_the_tail_is_not_a_wall() -> None:
    # the old rule flagged a pile at L as dense as the lognormal tail below it (values over 50
    # written at 47.5-50, 3 left above); the pile does not outweigh as wide a stretch below it,
    # so against the null of a thinning tail it is not evidence of a clamp (a known loss)
    n = 24 * 40
    cod = np.round(30.0 * np.exp(np.random.default_rng(4).normal(0, 0.3, n)), 1)
    over = np.flatnonzero(cod > 50.0)
    cod[over[3:]] = np.round(np.random.default_rng(5).uniform(47.5, 50.0, len(over) - 3), 1)
    cod[over[:3]] = 51.0
    assert CappingDetector().detect(make_frame(MN, {COD: cod}), SPEC) == []


def test_honest_plants_close_to_or_far_below_the_limit_and_ph() -> None:
    n = 24 * 90
    for seed in range(5):
        frame = make_frame(MN, {COD: close_to_limit(n, seed=seed)})
        assert CappingDetector().detect(frame, SPEC) == [], seed
    below = np.round(np.random.default_rng(6).uniform(10, 30, n), 1)
    held3 = np.repeat(close_to_limit(n // 3, seed=7), 3)  # analyser holds 3 h
    ph = np.round(np.random.default_rng(8).normal(8.6, 0.2, n), 1)
    frame = make_frame(MN, {COD: below, PH: ph})
    assert CappingDetector().detect(frame, SPEC) == []
    assert CappingDetector().detect(make_frame(MN, {COD: held3}), SPEC) == []


def test_too_few_valid_hours_is_not_judged() -> None:
    cod = np.full(24 * 30, np.nan)
    cod[::4] = 48.0  # 180 valid hours
    assert CappingDetector().detect(make_frame(MN, {COD: cod}), SPEC) == []


def clamped_at_a_point(hours: int, seed: int) -> np.ndarray:
    """A plant whose honest body sits under the limit (normal, mean 42.5, sd 2.5, read to 0.5
    every hour), everything over 45 written as 45: a point mass on a dense slope."""
    rng = np.random.default_rng(seed)
    return np.minimum(np.round(2 * rng.normal(42.5, 2.5, hours)) / 2, 45.0)


def test_point_mass_on_a_dense_slope_is_judged_against_a_wider_stretch_below() -> None:
    """Compared with as wide a stretch below it (3 bands), the clamp's pile is only about as
    heavy (the body is dense there); compared with four times as wide a stretch (share 1/5
    under a thinning tail), it is far heavier. The multiple is tested for the narrowest pile
    only and costs a third Bonferroni test."""
    n = 24 * 60
    cod = clamped_at_a_point(n, seed=11)
    found = CappingDetector().detect(make_frame(MN, {COD: cod}), SPEC)
    assert found and all(f.evidence["wall"] == 45.0 for f in found)
    assert found[0].evidence["p_value"] < found[0].evidence["threshold"]
    only_as_wide = CappingDetector(below_multiples=(1,))
    assert only_as_wide.detect(make_frame(MN, {COD: cod}), SPEC) == []


def test_flat_honest_body_under_the_limit_is_not_a_point_mass() -> None:
    """A plant held in a band under its limit (uniform 40-49.9, no clamp): its top is as dense
    as each stretch below it, never heavier, whatever the multiple."""
    n = 24 * 90
    for seed in range(5):
        cod = np.round(np.random.default_rng(20 + seed).uniform(40.0, 49.9, n), 1)
        assert CappingDetector().detect(make_frame(MN, {COD: cod}), SPEC) == [], seed


def test_an_honest_body_just_under_the_limit_is_no_wide_wall_but_a_flat_band_is() -> None:
    """A plant whose body sits just under its limit (normal, mean 0.9 L, sd 0.026 L; at most 3
    of 720 hours over 0.98 L): its top 10 % of L holds three times the next 10 % below, a wide
    pile under a wall at 0.98 L with p far under the bar (independent honest-only fleets of
    tuning seeds 29 and 32: COD and NH3-N bodies at 0.88-0.98 L for a fortnight), but the pile
    thins toward its top, as a body's upper side does. A clamp writing everything over 0.9 L
    somewhere in 0.9-1.0 L (the simulator's caps) is a flat band: still found."""
    n = 24 * 30
    for seed in range(5):
        cod = np.round(np.random.default_rng(30 + seed).normal(45.0, 1.3, n), 1)
        assert CappingDetector().detect(make_frame(MN, {COD: cod}), SPEC) == [], seed
        # its top readings over 0.98 L are also the body going on past the wall under L: both
        # guards off, the wide pile is found
        thinning_allowed = CappingDetector(wide_flat_level=0.0, max_near_above=None)
        (f,) = thinning_allowed.detect(make_frame(MN, {COD: cod}), SPEC)
        assert f.evidence["wall"] == 49.0 and f.evidence["pile_width"] == 5.0
    for seed in range(3):
        rng = np.random.default_rng(40 + seed)
        cod = np.round(50.0 * np.exp(rng.normal(0, 0.15, n)), 1)
        over = cod > 45.0
        cod[over] = np.round(rng.uniform(45.0, 50.0, over.sum()), 1)
        (f,) = CappingDetector().detect(make_frame(MN, {COD: cod}), SPEC)
        assert f.evidence["wall"] == 50.0 and f.evidence["pile_width"] == 5.0


def test_a_flat_band_reaching_over_the_limit_is_no_cap() -> None:
    """A plant held in a flat band 45.0-50.5 mg/L under a limit of 50 for a month: one reading
    in eleven is over the limit (50.1-50.5), nothing over 50.5. The wall was looked for up to
    one band over the limit, so this band's top at 50.5 was a wall with a flat pile beneath it
    (honest generator, tuning seeds 5-24: 6 of 60 honest findings, TN held at its limit with
    walls at 1.01 L). Values over the limit are what a cap exists to hide: a series that shows
    them is not pushed under it. The same band clamped at 50.0 is still found."""
    n = 24 * 30
    rng = np.random.default_rng(7)
    band = np.round(rng.uniform(44.95, 50.55, n), 1)
    assert (band > 50.0).mean() > 0.05
    assert CappingDetector().detect(make_frame(MN, {COD: band}), SPEC) == []
    (f,) = CappingDetector().detect(make_frame(MN, {COD: np.minimum(band, 50.0)}), SPEC)
    assert f.evidence["wall"] == 50.0


def test_a_two_week_cap_amid_weeks_over_the_limit_is_found_by_the_short_window() -> None:
    """16 days clamped at 45 between weeks that go over the limit: no 30-day window has its top
    under the wall (the weeks around it reach 60), a 14-day window inside the cap has."""
    n = 24 * 60
    cod = np.round(40.0 * np.exp(np.random.default_rng(30).normal(0, 0.2, n)), 1)
    a, b = 24 * 22, 24 * 38
    cod[a:b] = np.minimum(cod[a:b], 45.0)
    found = CappingDetector().detect(make_frame(MN, {COD: cod}), SPEC)
    assert len(found) == 1 and found[0].evidence["wall"] == 45.0
    assert found[0].evidence["window_hours"] == 14 * 24
    assert hour(a) <= found[0].start and found[0].end < hour(b)
    assert CappingDetector(short_window_days=0).detect(make_frame(MN, {COD: cod}), SPEC) == []


def test_an_analyser_registered_hourly_that_holds_values_four_hours_counts_its_readings() -> None:
    """Two readings of 74-75 held 4 h each at the top of a fortnight far under a limit of 80, by
    an analyser registered with a 60-minute cycle that holds every value 4 h: two measurements,
    not eight (the series' own cycle, longer than the registered one, is the one counted)."""
    spec = make_spec(MN, w01018={"limit": 80.0, "cycle_minutes": 60.0})
    rng = np.random.default_rng(31)
    cod = np.repeat(np.round(rng.normal(38.0, 9.0, 24 * 45 // 4).clip(5, 60), 1), 4)
    cod[24 * 20 : 24 * 20 + 4] = 74.2
    cod[24 * 28 : 24 * 28 + 4] = 74.7
    assert CappingDetector().detect(make_frame(MN, {COD: cod}), spec) == []


def test_one_high_episode_at_the_top_of_a_fortnight_is_not_a_wall() -> None:
    """An hourly analyser (learned cycle 1 h) whose one high afternoon held two readings 4 h each
    at 69.5-70.8 (limit 80): a pile of 8 hours with nothing in the 15 % of L below, but reached
    on one day, not day after day as a cap is (min_pile_days)."""
    spec = make_spec(MN, w01018={"limit": 80.0})
    rng = np.random.default_rng(32)
    cod = np.round(rng.normal(38.0, 6.0, 24 * 45).clip(5, 58), 1)
    cod[24 * 20 + 15 : 24 * 20 + 19] = 70.8
    cod[24 * 20 + 19 : 24 * 20 + 23] = 69.5
    frame = make_frame(MN, {COD: cod})
    assert CappingDetector().detect(frame, spec) == []
    assert len(CappingDetector(min_pile_days=1).detect(frame, spec)) == 1


def _two_clamps() -> tuple[OutletSpec, np.ndarray, np.ndarray]:
    """An outlet's spec (COD limit 50, NH3-N 5) and 40 days of COD clamped at 44-45 mg/L over a
    body near 30 and of NH3-N clamped at 4.4-4.5 mg/L over a body near 3."""
    spec = make_spec(MN, w01018={"limit": 50.0}, w21003={"limit": 5.0})
    n = 24 * 40
    rng = np.random.default_rng(10)
    nh3 = np.round(3.0 * np.exp(rng.normal(0, 0.25, n)), 2)
    over = np.flatnonzero(nh3 > 4.5)
    nh3[over] = np.round(rng.uniform(4.4, 4.5, len(over)), 2)
    cod = np.round(30.0 * np.exp(np.random.default_rng(4).normal(0, 0.3, n)), 1)
    high = np.flatnonzero(cod > 45.0)
    cod[high] = np.round(np.random.default_rng(5).uniform(44.0, 45.0, len(high)), 1)
    return spec, cod, nh3


def test_at_an_outlet_found_capping_one_pollutant_the_others_are_judged_at_ten_times_the_rate() -> (
    None
):
    # NH3-N clamped at 4.4-4.5 mg/L (limit 5) over a body near 3: a pile of p about 1.6e-5,
    # under the bar at 0.1 a series-year but not at the stated 0.01; alone it is not found, and
    # beside a COD clamped under its limit at the same outlet it is (one clamp seldom caps one
    # analyser alone), stating the rate it was judged at
    spec, cod, nh3 = _two_clamps()
    assert CappingDetector().detect(make_frame(MN, {NH3N: nh3}), spec) == []
    frame = make_frame(MN, {COD: cod, NH3N: nh3})
    found = {f.pollutant: f for f in CappingDetector().detect(frame, spec)}
    assert sorted(found) == [COD, NH3N]
    assert found[COD].evidence["false_alarm_rate_per_year"] == 0.01
    ev = found[NH3N].evidence
    assert ev["false_alarm_rate_per_year"] == 0.1 and ev["p_value"] < ev["threshold"]
    assert ev["threshold"] == 0.1 / 365.25 / 6
    alone = CappingDetector(found_outlet_factor=1.0).detect(frame, spec)
    assert [f.pollutant for f in alone] == [COD]


def test_the_second_look_reads_what_the_first_learned_and_judges_as_from_scratch(
    monkeypatch,
) -> None:
    # reviewer-E E10: the second look judges the outlet's other series again at ten times the
    # rate; each series' days, bands, cycles and cumulative counts do not depend on the rate,
    # so the first look learns them once and the second reads them, and judges each series as
    # a fresh detector at ten times the rate judges it
    import detectors.checks.capping as module
    from detectors.frame import OutletData

    spec, cod, nh3 = _two_clamps()
    frame = make_frame(MN, {COD: cod, NH3N: nh3})
    calls = count_calls(monkeypatch, CappingDetector, "_cumulative")
    count_calls(monkeypatch, module, "analyser_cycle_hours", into=calls)
    outlet = OutletData(frame, spec)
    first, look = CappingDetector(), CappingDetector(false_alarms_per_year=0.1)
    learned: dict = {}
    series = [(outlet.series(COD), 50.0), (outlet.series(NH3N), 5.0)]
    assert [f.pollutant for s, lim in series for f in first._series(outlet, s, lim, learned)] == [
        COD
    ]
    assert sorted(learned) == [COD, NH3N] and calls["_cumulative"] >= 2
    made = dict(calls)
    again = list(look._series(outlet, series[1][0], 5.0, learned))
    assert calls == made  # nothing learned again
    assert [f.pollutant for f in again] == [NH3N]
    fresh = OutletData(frame, spec)
    assert again == list(look._series(fresh, fresh.series(NH3N), 5.0))
    assert calls["_cumulative"] > made["_cumulative"]
    # the whole detector: the same findings as before the change (the first look's COD, the
    # second look's NH3-N)
    found = CappingDetector().detect(frame, spec)
    assert [(f.pollutant, f.evidence["found_outlet_factor"]) for f in found] == [
        (COD, None),
        (NH3N, 10.0),
    ]


def test_a_daily_span_hour_reading_a_standard_at_the_limit_is_no_wall() -> None:
    # NH3-N about 0.3 mg/L; every day a zero hour then a span hour reading the registered
    # standard of 5 mg/L (the limit) within 2 %, left flagged N: a pile at the limit with
    # nothing over it, but each is one hour among far lower values (a QC check), not water
    n = 24 * 60
    rng = np.random.default_rng(7)
    nh3 = np.round(0.3 * np.exp(rng.normal(0, 0.2, n)), 2)
    span = np.arange(20, n, 24)
    nh3[span - 1] = 0.0
    nh3[span] = np.round(5.0 * (1 + rng.uniform(-0.02, 0.0, len(span))), 2)
    with_standard = make_spec(MN, w21003={"limit": 5.0, "standard": 5.0})
    assert CappingDetector().detect(make_frame(MN, {NH3N: nh3}), with_standard) == []
    # no standard registered: the same hours are read as a wall (what the code did before)
    bare = make_spec(MN, w21003={"limit": 5.0})
    assert len(CappingDetector().detect(make_frame(MN, {NH3N: nh3}), bare)) >= 1


def test_lone_peaks_shaved_to_a_standard_at_the_limit_are_still_a_wall() -> None:
    # reviewer-O's O24 probe: hourly NH3-N (AR(1) in log, median 2.2 mg/L), limit = standard
    # = 5; every hour over 5 is shaved to 4.85-5.00. The shaved hours are alone among lower
    # values like a span hour, but they fall at the hours the water peaks, not at one clock
    # hour: not a QC check, found as a wall
    spec = make_spec(MN, w21003={"limit": 5.0, "standard": 5.0, "analyser_range": (0.0, 20.0)})
    n = 24 * 120
    found = 0
    for seed in range(10):
        rng = np.random.default_rng(seed)
        e = rng.normal(0, 0.35, n)
        z = np.zeros(n)
        for t in range(1, n):
            z[t] = 0.5 * z[t - 1] + e[t]
        v = 2.2 * np.exp(z)
        v = np.round(np.where(v > 5.0, rng.uniform(4.85, 5.0, n), v), 2)
        frame = make_frame(MN, {NH3N: v, FLOW: flow(n)})
        found += any(f.category == "integrity" for f in CappingDetector().detect(frame, spec))
    assert found >= 9


def test_a_body_going_on_past_the_wall_under_the_limit_is_no_wall_but_its_clamp_is() -> None:
    # an honest plant held close to its limit for a month (COD about 46.5 mg/L, limit 50): the
    # tail of its body thins into the last bands under the limit. A wall just under that tail,
    # with a reading or two of it between the wall and the limit, is the body going on past
    # the wall, not a clamp's escape (an escape is what went over the limit): against an equal
    # stretch below, the wall must be the window's top under L (session 25: honest generator)
    n = 24 * 30
    for seed in (1, 2, 3, 4):
        cod = np.round(46.5 + np.random.default_rng(seed).normal(0, 1.0, n), 1)
        assert cod.max() < 50.0
        assert CappingDetector().detect(make_frame(MN, {COD: cod}), SPEC) == [], seed
        # the same body clamped: what went over 48.5 written at 48.0-48.5 is still a wall
        over = cod > 48.5
        cod[over] = np.round(np.random.default_rng(seed).uniform(48.0, 48.5, over.sum()), 1)
        (f,) = CappingDetector().detect(make_frame(MN, {COD: cod}), SPEC)
        assert 48.5 <= f.evidence["wall"] <= 49.0 and f.evidence["band_above"] == 0, seed


def test_an_honest_body_centred_in_the_wide_pile_is_no_wall_but_a_flat_band_is() -> None:
    """A plant controlled to a set-point just under its limit (TN normal, mean 0.95 L, sd 0.0175
    L, read to 0.1 mg/L, limit 20): its whole body lies in the wide pile (0.9-1.0 L) over next
    to nothing below it, and the bell is centred there, so the pile's upper half holds about
    half of it and it passed for flat (honest generator, tuning seeds 5-24: 16 of the 47 honest
    findings were such bodies, TN and NH3-N, found as wide piles). A bell thins toward the wall:
    its top three bands of ten hold far less than their share. A clamp's flat band, all that
    goes over 0.9 L written somewhere in 0.9-1.0 L, is as dense at its top: still found."""
    spec = make_spec(MN, w21001={"limit": 20.0})
    n = 24 * 30
    for seed in range(1, 5):
        tn = np.round(np.random.default_rng(seed).normal(19.0, 0.35, n), 1)
        frame = make_frame(MN, {"w21001": tn})
        assert CappingDetector().detect(frame, spec) == [], seed
        # the half-split of before: the same body is a wide wall
        halves = CappingDetector(wide_flat_level=0.001, flat_top_fraction=0.5)
        (f,) = halves.detect(frame, spec)
        assert f.evidence["pile_width"] == 2.0 and f.evidence["wall"] >= 19.6
    for seed in range(3):
        rng = np.random.default_rng(50 + seed)
        tn = np.round(19.0 * np.exp(rng.normal(0, 0.08, n)), 1)
        over = tn > 18.0
        tn[over] = np.round(rng.uniform(18.0, 20.0, over.sum()), 1)
        (f,) = CappingDetector().detect(make_frame(MN, {"w21001": tn}), spec)
        assert f.evidence["wall"] == 20.0 and f.evidence["pile_width"] == 2.0, seed


def _stuck_cod(seed: int, n: int = 24 * 30) -> np.ndarray:
    """A COD around 30 mg/L (read to 0.1) whose analyser is stuck at 45.2 for 60 h from day
    10, 14:00 (a blocked sample line left flagged N)."""
    cod = np.round(30.0 * np.exp(np.random.default_rng(seed).normal(0, 0.12, n)), 1)
    cod[24 * 10 + 14 : 24 * 10 + 74] = 45.2
    return cod


def test_an_analyser_stuck_for_days_is_no_pile_reached_day_after_day() -> None:
    """An analyser stuck on one value for 60 h (a blocked sample line, left flagged N) over a
    body far below: counted once a cycle, the hold is a pile of 60 measurements with nothing
    below, and it runs on three local days, so it passed the pile-days rule (honest generator,
    tuning seeds 5-24: NH3-N held 58 h at 0.88 L, TP 33 h on its span check's reading). A
    hold is one reading on the day it was read; the days it runs on are not days the pile was
    reached again (frozen judges the hold). Counted by its days, it is found as before."""
    n = 24 * 30
    for seed in range(3):
        cod = _stuck_cod(seed, n)
        frame = make_frame(MN, {COD: cod})
        assert CappingDetector().detect(frame, SPEC) == [], seed
        (f,) = CappingDetector(fresh_pile_days=False).detect(frame, SPEC)
        assert f.evidence["pile"] == 60  # the hold, counted once an hour


def test_a_clamp_holding_each_exceedance_episode_at_one_value_is_still_reached_day_after_day() -> (
    None
):
    """Reviewer-T6b's probe: the plainest clamp, ``min(x, c)``, over a plant that exceeds for a
    day at a time twice a month, writes one value through each episode, one held run each. Only
    the window's longest hold is one stuck analyser; the days the others were read on count,
    so the clamp is found as before the fresh-days rule. An analyser stuck for 60 h whose hold
    a daily check (flagged C) and a lost hour cut is still one hold, and no pile."""
    limit, n = 20.0, 24 * 60
    spec = make_spec(MN, w21001={"limit": limit})
    tn_code = "w21001"
    for seed in range(3):
        rng = np.random.default_rng(2000 + seed)
        tn = limit * 0.6 * np.exp(rng.normal(0, 0.1, n))
        for start in np.arange(3, 56, 15) * 24 + 8:
            tn[start : start + 24] = limit * 1.1 * np.exp(rng.normal(0, 0.05, 24))
        tn = np.round(np.minimum(tn, 0.95 * limit), 2)
        assert CappingDetector().detect(make_frame(MN, {tn_code: tn}), spec), seed
    for seed in range(3):
        cod = _stuck_cod(seed)
        flags = np.array(["N"] * len(cod), dtype=object)
        flags[24 * 11 + 7] = "C"
        cod[24 * 11 + 7] = 25.0  # the daily check inside the hold reads its standard
        frame = make_frame(MN, {COD: cod}, flags={COD: flags})
        frame = frame[frame["ts"] != hour(24 * 12 + 3)]  # an hour lost inside the hold
        assert CappingDetector().detect(frame, SPEC) == [], seed
        assert CappingDetector(fresh_pile_days=False).detect(frame, SPEC), seed  # a pile


def _narrow(mean: float, days: int, seed: int, sd: float = 0.4) -> np.ndarray:
    """A plant whose COD sits in a narrow body (sd 0.8 % of the limit of 50, read to 0.1)."""
    return np.round(np.random.default_rng(seed).normal(mean, sd, 24 * days), 1)


def _with_low_months(near: np.ndarray, seed: int) -> np.ndarray:
    """45 days of the same narrow body at 0.76 L, a 30-day stop, then ``near`` (no window spans
    both levels)."""
    return np.r_[_narrow(38.0, 45, seed), np.full(24 * 30, np.nan), near]


def test_a_narrow_body_at_the_wall_is_its_crest_where_the_series_piles_under_its_top_elsewhere() -> (
    None
):
    """A body narrower than the point-mass test's pile (3 % of L) puts half its measurements in
    the pile and the rest in the stretches below it: the tail null of the test does not hold,
    and its crest outweighs its share (honest generator: TN and NH3-N of plants running close to
    their limit, most of capping's findings there). Where the series' own windows away from the
    limit pile under their top as well (the same rules, the limit moved down by the zone's
    width), the pile near the limit is that body's crest: no wall. Without that history the
    same months are still judged as before."""
    for seed in range(3):
        near = _narrow(46.5, 60, seed + 100)
        assert (
            CappingDetector().detect(make_frame(MN, {COD: _with_low_months(near, seed)}), SPEC)
            == []
        )
        always_near = np.r_[_narrow(46.5, 45, seed), np.full(24 * 30, np.nan), near]
        assert CappingDetector().detect(make_frame(MN, {COD: always_near}), SPEC), seed
        # the rule off: the crest is a wall
        off = CappingDetector(body_share=0.0)
        assert off.detect(make_frame(MN, {COD: _with_low_months(near, seed)}), SPEC), seed


def test_a_clamp_over_a_narrow_body_still_shows_its_point_mass_beside_walls_of_its_own() -> None:
    """The excuse takes the body's crest, not a clamp's point mass: what goes over 47.5 written
    at 47.5 (a body at 46 +- 1.5, 16 % of its hours) makes the band under the wall heavier than
    its share of the pile, and is found though the series' low months pile under their top."""
    for seed in range(3):
        x = np.random.default_rng(seed + 200).normal(46.0, 1.5, 24 * 60)
        clamped = np.minimum(np.round(x, 1), 47.5)
        found = CappingDetector().detect(
            make_frame(MN, {COD: _with_low_months(clamped, seed)}), SPEC
        )
        assert found and all(f.evidence["wall"] == 47.5 for f in found), seed


def test_a_clamp_written_in_the_low_months_too_does_not_make_its_own_excuse() -> None:
    """Reviewer-T9s: the excuse asks whether the series piles under its own top away from the
    limit; a falsifier clamping the low months too (at their own mean + 1 sd) made that
    history with the clamp's own point mass, and the clamp near the limit (a body at 45 +- 1
    written at 46.5, 7 % of its hours) went unfound in 8 of 10 draws. Only crests away from
    the limit count as the series' own walls: found, as with wide honest low months."""
    gap = np.full(24 * 30, np.nan)
    for seed in range(3):
        rng = np.random.default_rng(seed + 500)
        near = np.minimum(np.round(rng.normal(45.0, 1.0, 24 * 60), 1), 46.5)
        honest = np.round(rng.normal(38.0, 2.0, 24 * 45), 1)
        # (reviewer-T9m: and the same clamp's values spread over the mg/L under it, whose
        # walls show an empty band under them rather than a point mass)
        spread = np.where(
            honest > 40.0, np.round(40.0 - rng.uniform(0, 1.0, len(honest)), 1), honest
        )
        for low in (honest, np.minimum(honest, 40.0), spread):
            found = CappingDetector().detect(make_frame(MN, {COD: np.r_[low, gap, near]}), SPEC)
            assert any(f.evidence["wall"] == 46.5 for f in found), seed
