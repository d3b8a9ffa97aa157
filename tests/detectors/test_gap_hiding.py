"""gap_hiding: gaps after high values, exact intervals and honest traps."""

from __future__ import annotations

import numpy as np
import pytest

from detectors.checks._common import grid_cycle_hours, grid_held_runs
from detectors.checks.gap_hiding import (
    GapHidingDetector,
    _Events,
    _line,
    _min_tail_null,
    _ramp,
    _scan_windows,
)
from detectors.finding import Finding
from detectors.frame import OutletData
from detectors.series import resolution
from detectors.spec import COD
from tests.detectors.c2_helpers import cycled, frame, hour
from tests.detectors.flag_helpers import N, cod_spec, normal_flags, random_gaps


def test_gap_hiding_gaps_after_high_values_with_each_gap_in_evidence() -> None:
    cod = random_gaps(cycled(N, level=25, spread=3, hold_hours=2, seed=1), 20, seed=2)
    cod[cod > 38] = 38
    for i in (100, 200, 300, 400):
        cod[i] = 45.0
        cod[i + 1 : i + 4] = np.nan
    (f,) = GapHidingDetector().detect(frame({COD: cod}), cod_spec())
    assert (f.start, f.end) == (hour(100), hour(403))
    assert f.evidence["events"] == 4 and f.evidence["p_value"] < 0.01
    assert [g["hours"] for g in f.evidence["gaps"]] == [3, 3, 3, 3]
    assert f.evidence["gaps"][0]["gap_start"] == hour(101).tz_convert("Asia/Shanghai").isoformat()


def test_gap_hiding_ignores_random_gaps_near_the_limit_and_needs_a_limit() -> None:
    # a plant running close to its limit: most hours above 0.8 L, gaps at random
    cod = random_gaps(cycled(N, level=44, spread=2, hold_hours=2, seed=3), 40, seed=4)
    assert GapHidingDetector().detect(frame({COD: cod}), cod_spec()) == []
    # weekly calibration C (a gap for compliance) after whatever value happens to precede it
    cod = cycled(N, level=38, spread=4, hold_hours=3, seed=5)
    flags = normal_flags()
    flags[np.arange(10, N, 168)] = "C"
    assert GapHidingDetector().detect(frame({COD: cod}, {COD: flags}), cod_spec()) == []
    cod = cycled(N, level=25, spread=3, hold_hours=2, seed=1)
    cod[[100, 200, 300]] = 45.0
    cod[[101, 201, 301]] = np.nan
    assert GapHidingDetector().detect(frame({COD: cod})) == []  # no limit known


def test_gap_hiding_shutdown_after_upset_is_not_a_gap() -> None:
    cod = cycled(N, level=25, spread=3, hold_hours=2, seed=1)
    cod[cod > 38] = 38
    flags = normal_flags()
    for i in (100, 200, 300, 400):  # honest upsets followed by a shutdown flagged F
        cod[i] = 60.0
        cod[i + 1 : i + 6] = 0.0
        flags[i + 1 : i + 6] = "F"
    assert GapHidingDetector().detect(frame({COD: cod}, {COD: flags}), cod_spec()) == []


def test_gap_hiding_counts_measurements_not_hours() -> None:
    # one high result held for a day with three communication gaps inside it: one event
    cod = cycled(N, level=25, spread=3, hold_hours=2, seed=1)
    cod[cod > 38] = 38
    cod[100:124] = 45.0
    cod[[105, 110, 115]] = np.nan
    assert GapHidingDetector().detect(frame({COD: cod}), cod_spec()) == []


def test_gap_hiding_calibration_hours_after_high_values_are_not_gaps() -> None:
    # weekly calibration (C, reading the 6.0 standard) falls after high TN-like values
    cod = cycled(N, level=25, spread=3, hold_hours=2, seed=1)
    cod[cod > 38] = 38
    flags = normal_flags()
    for i in range(15, N - 3, 168):
        cod[i] = 45.0
        cod[i + 1] = 6.0
        flags[i + 1] = "C"
    assert GapHidingDetector().detect(frame({COD: cod}, {COD: flags}), cod_spec()) == []
    assert GapHidingDetector().detect(frame({COD: cod}, {COD: flags}), cod_spec(standard=6.0)) == []


def test_gap_hiding_events_across_a_month_boundary_are_one_window() -> None:
    n = 1200  # 1 March to 20 April (local)
    cod = cycled(n, level=25, spread=3, hold_hours=2, seed=1)
    cod[cod > 38] = 38
    for i in (690, 712, 735, 760):  # 29 March to 1 April (local)
        cod[i] = 45.0
        cod[i + 1 : i + 3] = np.nan
    (g,) = GapHidingDetector().detect(frame({COD: cod}), cod_spec())
    assert (g.start, g.end) == (hour(690), hour(762)) and g.evidence["events"] == 4
    # one window: the whole 50 days (shorter than a 365-day window), not one per month
    assert g.evidence["window_start"] == hour(0).tz_convert("Asia/Shanghai").isoformat()
    assert len(g.evidence["gaps"]) == 4


def _climbs_then_silences(n: int, starts: tuple[int, ...], seed: int) -> np.ndarray:
    """COD around 20 mg/L (limit 50) with a few random one-hour gaps; at each of ``starts`` a
    4-hour climb to 46 mg/L, then 6 silent hours."""
    cod = random_gaps(cycled(n, level=20, spread=2, hold_hours=2, seed=seed), 12, seed=seed + 1)
    cod[cod > 30] = 30
    for i in starts:
        cod[i - 3 : i + 1] = [28.0, 34.0, 40.0, 46.0]
        cod[i + 1 : i + 7] = np.nan
    return cod


def test_gap_hiding_climbs_spread_over_months_are_one_finding_with_calibrated_evidence() -> None:
    n = 24 * 120  # four months; the three climbs are 5-6 weeks apart
    cod = _climbs_then_silences(n, (500, 1400, 2300), seed=7)
    (f,) = GapHidingDetector().detect(frame({COD: cod}), cod_spec())
    assert (f.start, f.end) == (hour(500), hour(2306))
    ev = f.evidence
    assert ev["events"] == 3 and [g["hours"] for g in ev["gaps"]] == [6, 6, 6]
    assert ev["false_alarm_rate_per_year"] == 0.001
    assert ev["threshold"] == 0.001 * n / 8766.0 and ev["p_value"] < ev["threshold"]
    assert ev["window_hours"] == 2306 - 500 + 1 and isinstance(ev["rule"], str)
    assert isinstance(ev["statistic"], str)
    # two such climbs are not enough for the level or the climb: at least min_events (each is
    # also a ramp of hourly rises on a 2-hour analyser, which counts from ramp_min_events = 2)
    cod = _climbs_then_silences(n, (500, 1400), seed=7)
    assert GapHidingDetector(ramp_min_events=3).detect(frame({COD: cod}), cod_spec()) == []
    two = GapHidingDetector(statistics=("excursion", "climb"))
    assert two.detect(frame({COD: cod}), cod_spec()) == []


def test_gap_hiding_a_channels_own_maintenance_after_a_high_value_is_not_a_silence() -> None:
    # operators check an analyser that reads high (M on COD) while the flow meter goes on
    n = 24 * 120
    cod = _climbs_then_silences(n, (500, 1400, 2300), seed=7)
    flow = np.full(n, 300.0)
    flags = normal_flags(n)
    for i in (500, 1400, 2300):
        flags[i + 1 : i + 7] = "M"
    data = frame({COD: cod, "w00000": flow}, {COD: flags})
    assert GapHidingDetector().detect(data, cod_spec()) == []
    # the same climbs followed by silence of both channels are found
    flow[np.isnan(cod)] = np.nan
    (f,) = GapHidingDetector().detect(frame({COD: cod, "w00000": flow}), cod_spec())
    assert (f.start, f.end) == (hour(500), hour(2306))


def test_gap_hiding_min_tail_null_is_exact() -> None:
    # n = k0 = k1: the statistic is P(Bin(n, U_(n)) >= n) = U_(n)^n, uniform under the null
    assert abs(_min_tail_null(1e-3, 3, 3, 3) - 1e-3) < 1e-12
    # against a simulation of the null: 20 uniforms, k = 3..12
    from scipy.special import bdtrc

    u = np.sort(np.random.default_rng(0).random((200_000, 20)), axis=1)
    k = np.arange(3, 13)
    stat = bdtrc(k - 1, 20, u[:, k - 1]).min(axis=1)
    for t in (1e-2, 1e-3):
        assert abs(np.mean(stat <= t) - _min_tail_null(t, 20, 3, 12)) < 0.15 * _min_tail_null(
            t, 20, 3, 12
        )


def test_gap_hiding_floor_bounds_every_windows_p_value() -> None:
    # the floor (u_(k)^k of all the channel's clusters) is at most any window's tail, so a test
    # whose floor cannot reach the bound is skipped without losing its p-value
    det = GapHidingDetector(min_events=3, max_events=6)
    rng = np.random.default_rng(4)
    windows = _scan_windows(24 * 20, (3, 8, 20))  # 20 days: the whole history, one window
    for _ in range(200):
        m = int(rng.integers(3, 30))
        u = rng.random(m) ** rng.uniform(1.0, 6.0)
        at = np.sort(rng.choice(24 * 20, m, replace=False))
        one = np.ones(m)
        idx = np.arange(m)
        ev = _Events(at, at, one, one, one, idx, idx, idx, u, idx, idx * 0 + 1, u)
        floor = det._floor(ev)
        test = det._test(ev, windows, np.inf)
        assert test is not None and floor <= u[np.argsort(u)[2]] ** 3
        # (_min_tail_null is 1 less the chance of no crossing: absolute error ~1e-16 a window)
        assert test.p >= min(1.0, len(windows) * floor) * (1 - 1e-9) - len(windows) * 1e-15


def test_gap_hiding_ramp_counts_hours_in_a_row_from_the_series_start_and_its_gaps() -> None:
    v = np.array([1.0, 2.0, 3.0, np.nan, 4.0, 5.0, 5.0, 6.0])
    valid = ~np.isnan(v)
    at = np.flatnonzero(valid)
    hours, key = _ramp(v, valid, at, spread=5.0)
    # from hour 0 up (the first hour starts a ramp); a missing hour and a held value end one
    assert hours.tolist() == [0, 1, 2, 0, 1, 0, 1]
    assert key.tolist() == [0.0, 1 + 1 / 6, 2 + 2 / 6, 0.0, 1 + 1 / 6, 0.0, 1 + 1 / 6]
    # an invalid hour holding a value (a flagged reading) ends a ramp as a missing one does
    v[3], valid[3] = 3.5, False
    assert _ramp(v, valid, np.array([4, 7]), spread=5.0)[0].tolist() == [0, 1]


def test_gap_hiding_lists_the_windows_other_unusual_silences_beside_the_counted_ones() -> None:
    """Four climbs to 46 mg/L and one jump to 37 mg/L, each followed by silence, at an outlet
    with honest one-hour peaks to 44 mg/L: the test counts the four most unusual; the finding
    also lists the milder one (its tail under 1 / n: about one of n honest silences would be),
    and no silence after an ordinary value."""
    n = 24 * 120
    cod = _climbs_then_silences(n, (500, 1100, 1700, 2300), seed=7)
    cod[np.arange(40, n, 48)] = 44.0
    cod[2600] = 37.0  # one step: milder than the climbs by either statistic
    cod[2601:2607] = np.nan
    (f,) = GapHidingDetector().detect(frame({COD: cod}), cod_spec())
    assert (f.start, f.end) == (hour(500), hour(2606))
    gaps = f.evidence["gaps"]
    assert f.evidence["events"] == 4 and len(gaps) == 5
    assert [g["counted"] for g in gaps] == [True, True, True, True, False]
    assert (
        1.0 / f.evidence["silences"]
        >= gaps[-1]["tail_probability"]
        > max(g["tail_probability"] for g in gaps[:4])
    )
    assert all(g["value"] >= 0.7 * 50 for g in gaps)


def test_gap_hiding_levels_of_a_few_hours_equal_the_median_filters() -> None:
    # the levels computed at a few hours (the windows alone) and at most hours (one median filter
    # over the grid) are the same upper middle values of the held hours before each one
    from detectors.checks.gap_hiding import _fill_levels

    rng = np.random.default_rng(7)
    n, w = 2000, 24
    x = np.round(rng.lognormal(3, 0.4, n), 1)
    x[rng.random(n) < 0.3] = np.nan
    x[500:560] = np.nan  # a long silence: levels after it unknown until 3 valid hours
    valid = ~np.isnan(x)
    held = x[np.maximum(np.maximum.accumulate(np.where(valid, np.arange(n), -1)), 0)]
    count = np.r_[0, np.cumsum(valid)]
    known = np.zeros(n + 1, dtype=bool)
    known[w:] = count[w:] - count[:-w] >= 3
    few, most = np.full(n + 1, np.nan), np.full(n + 1, np.nan)
    some = np.arange(w, n + 1, 7)
    _fill_levels(few, held, some, known, w)
    _fill_levels(most, held, np.arange(w, n + 1), known, w)
    expected = np.array([np.sort(held[p - w : p])[w // 2] for p in some])
    expected[~known[some]] = np.nan
    np.testing.assert_array_equal(few[some], expected)
    np.testing.assert_array_equal(most[some], expected)
    assert np.isnan(few[540]) and np.isnan(most[560 + 2])  # too few valid hours before them


def test_gap_hiding_long_silences_tested_apart_from_a_flaky_links_blips() -> None:
    # a link that drops for an hour 150 times in four months, and three climbs each hidden by a
    # day of silence: among all silences the three are drowned, among the long ones they stand
    n = 24 * 120
    cod = random_gaps(cycled(n, level=30, spread=4, hold_hours=1, seed=1), 150, seed=2)
    for i in (500, 1400, 2300):
        cod[i - 3 : i + 1] = [32.0, 36.0, 40.0, 44.0]
        cod[i + 1 : i + 25] = np.nan
    every = GapHidingDetector(long_quantile=None).detect(frame({COD: cod}), cod_spec())
    assert every == []
    (f,) = GapHidingDetector().detect(frame({COD: cod}), cod_spec())
    ev = f.evidence
    assert (f.start, f.end) == (hour(500), hour(2324)) and ev["events"] == 3
    assert ev["min_silence_hours"] == 2 and [g["hours"] for g in ev["gaps"]] == [24, 24, 24]
    assert ev["p_value"] < ev["threshold"] == 0.001 * n / 8766.0
    # honest: the same blips and day-long outages at random hours of a plant near its limit
    cod = random_gaps(cycled(n, level=40, spread=4, hold_hours=1, seed=1), 150, seed=2)
    for i in np.random.default_rng(3).choice(np.arange(100, n - 100, 48), 8, replace=False):
        cod[i + 1 : i + 25] = np.nan
    assert GapHidingDetector().detect(frame({COD: cod}), cod_spec()) == []


def test_gap_hiding_lists_as_unusual_silences_beyond_the_tested_window() -> None:
    """Five climbs hidden in five weeks and one more four months later, among a flaky link's
    one-hour blips: the test counts those of its window; the finding also lists the later one
    (its tail under 1 / N for the N clusters of the series), not counted, and spans it, while
    a silence after an ordinary value is not listed."""
    n = 24 * 300
    cod = random_gaps(cycled(n, level=20, spread=2, hold_hours=2, seed=7), 200, seed=3)
    cod[cod > 30] = 30
    for i in (100, 300, 500, 700, 900, 4300):
        cod[i - 3 : i + 1] = [28.0, 34.0, 40.0, 46.0]
        cod[i + 1 : i + 7] = np.nan
    (f,) = GapHidingDetector().detect(frame({COD: cod}), cod_spec())
    gaps = f.evidence["gaps"]
    assert f.evidence["window_end"] < hour(4300).tz_convert("Asia/Shanghai").isoformat()
    assert (f.start, f.end) == (hour(100), hour(4306))
    assert gaps[-1]["after"] == hour(4300).tz_convert("Asia/Shanghai").isoformat()
    assert not gaps[-1]["counted"] and all(g["value"] >= 0.7 * 50 for g in gaps)
    # without the later climb the finding ends with the window's climbs
    cod[4297:4301] = 20.0
    (g,) = GapHidingDetector().detect(frame({COD: cod}), cod_spec())
    assert hour(906) <= g.end < hour(1000)


def _noisy_plant(n: int, seed: int) -> np.ndarray:
    """COD around 40 mg/L (limit 50), hourly, noisy (sd 3) with a small diurnal swing, capped
    at 47, with 60 one-hour gaps at random."""
    rng = np.random.default_rng(seed)
    h = np.arange(n)
    cod = np.round(np.minimum(40 + 2 * np.sin(2 * np.pi * h / 24) + rng.normal(0, 3, n), 47), 1)
    cod[rng.choice(n, 60, replace=False)] = np.nan
    return cod


_STEADY_CLIMB = [38.0, 39.0, 40.0, 41.0, 42.0, 43.0, 44.0, 45.0]


def test_gap_hiding_steady_climbs_at_a_plant_near_its_limit_found_by_their_rising_steps() -> None:
    """A plant at 0.8 of its limit whose noise reaches 47 mg/L: four climbs of seven rising
    steps to 45 mg/L, each hidden by 12 silent hours, are no higher than the plant's own
    swings (the excursion test finds nothing) but few of its hours follow so many rises."""
    n = 24 * 120
    cod = _noisy_plant(n, seed=1)
    for i in (500, 1200, 1900, 2600):
        cod[i - 7 : i + 1] = _STEADY_CLIMB
        cod[i + 1 : i + 13] = np.nan
    data = frame({COD: cod})
    assert GapHidingDetector(statistics=("excursion",)).detect(data, cod_spec()) == []
    (f,) = GapHidingDetector().detect(data, cod_spec())
    ev = f.evidence
    # hourly steps are hourly ramps too: ranked against 90 days either side the ramp's floor
    # is the lower, and the ramp statistic names the finding; the climb alone finds it as well
    assert (f.start, f.end) == (hour(500), hour(2612)) and ev["silence_statistic"] == "ramp"
    assert ev["events"] == 4 and all(g["climb_steps"] >= 7 for g in ev["gaps"])
    assert ev["p_value"] < ev["threshold"] == 0.001 * n / 8766.0
    (climb,) = GapHidingDetector(statistics=("climb",)).detect(data, cod_spec())
    assert climb.evidence["silence_statistic"] == "climb"
    assert climb.evidence["p_value"] < climb.evidence["threshold"]
    # the p-value is Bonferroni over the eight tests (four statistics, every and long silences)
    (one,) = GapHidingDetector(statistics=("ramp",)).detect(data, cod_spec())
    assert ev["p_value"] == 4 * one.evidence["p_value"]
    with pytest.raises(ValueError, match="statistics"):
        GapHidingDetector(statistics=("slope",))


def _at_random_hours(
    cod: np.ndarray, rng: np.random.Generator, climb: list[float], silence: int, count: int
) -> np.ndarray:
    """``cod`` with ``count`` copies of ``climb`` ending at random hours, then ``count``
    silences of ``silence`` hours starting at random hours (apart from the climbs: honest)."""
    n = len(cod)
    for i in rng.choice(np.arange(50, n - 50), count, replace=False):
        cod[i - len(climb) + 1 : i + 1] = climb
    for i in rng.choice(np.arange(50, n - 50), count, replace=False):
        cod[i : i + silence] = np.nan
    return cod


def test_gap_hiding_steady_climbs_at_random_times_are_not_hiding() -> None:
    # honest: the same steady climbs and 12-hour silences, each at random hours
    n = 24 * 120
    rng = np.random.default_rng(3)
    cod = _at_random_hours(_noisy_plant(n, seed=101), rng, _STEADY_CLIMB, 12, 8)
    assert GapHidingDetector().detect(frame({COD: cod}), cod_spec()) == []
    # a plant whose every morning is a steady climb to 46 mg/L, with silences at random
    h = np.arange(n)
    cod = np.round(40 + 6 * np.sin(2 * np.pi * h / 24) + rng.normal(0, 0.3, n), 1)
    for i in rng.choice(np.arange(50, n - 50), 30, replace=False):
        cod[i : i + rng.integers(2, 12)] = np.nan
    assert GapHidingDetector().detect(frame({COD: cod}), cod_spec()) == []


def _diurnal_plant(n: int, seed: int) -> np.ndarray:
    """COD of an hourly analyser at a plant whose every morning climbs toward its limit: 40 +
    6 sin(day) mg/L (limit 50), noisy (sd 1), capped at 49, with 30 silences of 2 to 11 hours
    at random."""
    rng = np.random.default_rng(seed)
    h = np.arange(n)
    cod = np.round(np.minimum(40 + 6 * np.sin(2 * np.pi * h / 24) + rng.normal(0, 1, n), 49), 1)
    for i in rng.choice(np.arange(50, n - 50), 30, replace=False):
        cod[i : i + rng.integers(2, 12)] = np.nan
    return cod


def _found_only_by_the_line(line: list[float], seed: int, at: tuple[int, ...]) -> Finding:
    """`_diurnal_plant`'s 120 days with ``line`` read hourly up to each hour of ``at`` and 10
    silent hours after it: the one finding, which the other three statistics do not make."""
    cod = _diurnal_plant(24 * 120, seed)
    for i in at:
        cod[i - len(line) + 1 : i + 1] = line
        cod[i + 1 : i + 11] = np.nan
    data = frame({COD: cod})
    assert (
        GapHidingDetector(statistics=("excursion", "climb", "ramp")).detect(data, cod_spec()) == []
    )
    (f,) = GapHidingDetector().detect(data, cod_spec())
    return f


#: a climb written one value an hour along a straight line: six rises of 1.5 mg/L
_LINE = [37.5, 39.0, 40.5, 42.0, 43.5, 45.0, 46.5]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gap_hiding_straight_line_climbs_found_where_the_plants_mornings_climb_as_long(
    seed: int,
) -> None:
    """Every morning the plant rises hour after hour toward 46 mg/L, so four climbs of six
    hourly rises, each hidden by 10 silent hours, are as long and as high as its own (the
    excursion, the climb and the ramp find nothing); but each rises by one step size, a
    straight line, which the plant's noisy mornings seldom draw: the line finds them. The
    same lines and silences at random hours are not hiding."""
    n = 24 * 120
    at = (506, 1206, 1906, 2606)
    f = _found_only_by_the_line(_LINE, seed, at)
    ev = f.evidence
    assert ev["silence_statistic"] == "line" and ev["events"] == 4
    assert ev["p_value"] < ev["threshold"] and "one size" in ev["rule"]
    counted = [g for g in ev["gaps"] if g["counted"]]
    assert [(g["value"], g["hours"], g["tail_statistic"]) for g in counted] == [
        (46.5, 10, "line")
    ] * 4
    # (reviewer-T10g: the evidence shows the line an inspector is to look at, its six rises)
    assert all(g["line_rises"] >= 6 for g in counted)
    assert f.start <= hour(at[0]) and f.end >= hour(at[-1] + 10)
    # honest: the same lines and 10-hour silences, each at random hours
    rng = np.random.default_rng(100 + seed)
    cod = _at_random_hours(_diurnal_plant(n, seed + 50), rng, _LINE, 10, 4)
    assert GapHidingDetector().detect(frame({COD: cod}), cod_spec()) == []


#: a line typed with a jitter under a tenth of its step: rises of 2.5 +- 0.2 mg/L an hour, the
#: analyser reading to 0.1
_JITTERED_LINE = [34.0, 36.5, 38.8, 41.3, 44.0, 46.5, 49.0]


@pytest.mark.parametrize("seed", [0, 1])
def test_gap_hiding_a_line_typed_with_a_small_jitter_is_still_a_line(seed: int) -> None:
    """Reviewer-T10g: the line's tolerance is the larger of the channel's resolution and a
    tenth of the step, so rises of 2.5 mg/L typed to within 0.2 of one another (over the
    analyser's 0.1) draw a straight line; held to the resolution alone they would not, and the
    plant's mornings hide them from the other three statistics."""
    f = _found_only_by_the_line(_JITTERED_LINE, seed, (506, 1206, 1906, 2606))
    assert f.evidence["silence_statistic"] == "line"


def test_gap_hiding_a_line_is_keyed_by_its_rises_then_its_height_from_its_first_value() -> None:
    """Reviewer-T10g: the line's height was measured from the hour before the line (whatever
    it read: higher, lower or missing), so a line entered from a higher value keyed under a
    shorter one. The key counts the line's equal rises, then its height from its own first
    value: the same line keys alike whatever read before it, and six rises key above five."""

    def key(v: list[float], at: int) -> float:
        x = np.asarray(v, dtype=float)
        valid = ~np.isnan(x)
        xv = x[valid]
        _, k = _line(x, valid, np.array([at]), float(xv.max() - xv.min()), resolution(xv))
        return float(k[0])

    line = [10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0]  # six rises of 1
    keys = [key([0.0, 30.0, b, *line], 9) for b in (30.0, 5.0, np.nan, 0.0)]
    assert np.allclose(keys, keys[0]) and 6 <= keys[0] < 7, keys
    six = key([0.0, 30.0, 30.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0], 9)
    five = key([0.0, 30.0, 0.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0], 8)
    assert six > five, (six, five)
    assert key([0.0, 30.0, 5.0, 9.0, 20.0], 4) == 0.0  # rises of 4 then 11: no line
    assert key([0.0, 30.0, 5.0, 9.0, 13.0], 4) == pytest.approx(2 + 8 / 31)  # two of 4


def _slow_analyser(n: int, seed: int) -> np.ndarray:
    """COD of an analyser with a 3-hour cycle (each result held 3 hours) at a plant running near
    its limit: around 38 mg/L (limit 50), capped at 47, with 40 one-hour gaps at random."""
    cod = np.minimum(cycled(n, level=38, spread=4, hold_hours=3, seed=seed), 47.0)
    return random_gaps(cod, 40, seed=seed + 1)


_RAMP = [38.0, 40.0, 42.0, 44.0, 46.0]


def _ramps_into_silences(cod: np.ndarray, at: tuple[int, ...]) -> np.ndarray:
    """``cod`` with :data:`_RAMP` read hourly up to each hour of ``at`` and 8 silent hours
    after it (in place; returned for convenience)."""
    for i in at:
        cod[i - 4 : i + 1] = _RAMP
        cod[i + 1 : i + 9] = np.nan
    return cod


def test_gap_hiding_hourly_ramps_of_a_slow_analyser_found_by_their_hours_in_a_row() -> None:
    """An analyser that gives a new result every 3 hours cannot rise four hours in a row: three
    such ramps to 46 mg/L, each hidden by 8 silent hours, are found by the ramp statistic, while
    they are no higher than the plant's swings (excursion) and its own climbs (a rise every 3
    hours) set the climb statistic's bar above them."""
    n = 24 * 120
    cod = _slow_analyser(n, seed=11)
    _ramps_into_silences(cod, (600, 1500, 2400))
    data = frame({COD: cod})
    (f,) = GapHidingDetector().detect(data, cod_spec())
    ev = f.evidence
    assert ev["silence_statistic"] == "ramp" and ev["events"] == 3
    assert (f.start, f.end) == (hour(600), hour(2408)) and ev["p_value"] < ev["threshold"]
    assert "hours in a row" in ev["rule"] and all(g["ramp_hours"] >= 4 for g in ev["gaps"])
    assert GapHidingDetector(statistics=("excursion", "climb")).detect(data, cod_spec()) == []


def test_gap_hiding_hourly_ramps_and_silences_at_random_times_are_not_hiding() -> None:
    # honest: the same ramps (a flush, a manual sample) and 8-hour silences, at random hours
    n = 24 * 120
    rng = np.random.default_rng(5)
    cod = _at_random_hours(_slow_analyser(n, seed=11), rng, _RAMP, 8, 6)
    assert GapHidingDetector().detect(frame({COD: cod}), cod_spec()) == []


def test_gap_hiding_ramps_ranked_against_more_than_a_month_of_the_channels_hours() -> None:
    """A slow analyser (a result every 3 hours) with 300 one-hour gaps in half a year, most after
    a high value: three hourly ramps to 46 mg/L, weeks apart, each hidden by 8 silent hours.
    No high hour of the channel ends such a ramp, so each ramp is as rare as its reference
    hours allow: ranked against a month either side, three of them among the channel's many
    high silences fall short of the bar; against ``ramp_reference_days`` (90) either side they
    do not. The same channel without the ramps has no finding."""
    n = 24 * 180
    cod = random_gaps(
        np.minimum(cycled(n, level=38, spread=4, hold_hours=3, seed=12), 47.0), 300, seed=13
    )
    honest = cod.copy()
    _ramps_into_silences(cod, (600, 2100, 3600))
    data = frame({COD: cod})
    assert GapHidingDetector(ramp_reference_days=30).detect(data, cod_spec()) == []
    (f,) = GapHidingDetector().detect(data, cod_spec())
    ev = f.evidence
    assert ev["silence_statistic"] == "ramp" and ev["events"] == 3
    assert f.start == hour(600) and ev["p_value"] < ev["threshold"]
    counted = [g for g in ev["gaps"] if g["counted"]]
    assert [g["hours"] for g in counted] == [8, 8, 8]
    assert all(g["ramp_hours"] >= 4 and g["value"] == 46.0 for g in counted)
    assert GapHidingDetector().detect(frame({COD: honest}), cod_spec()) == []


def test_gap_hiding_lists_a_silence_another_statistic_finds_as_unusual() -> None:
    """A channel found by its steady hourly climbs (the ramp statistic) also hid a spike: 49 mg/L
    after a fall, then 6 silent hours, a week after the last climb. One rise is no climb, but
    no honest hour of the plant stands that far above its day: the excursion statistic ranks it
    among the rarest, so the finding lists it (``tail_statistic`` says under which statistic),
    as evidence only: the span stays the climbs' (a chance listing must not stretch a finding
    over months of honest hours)."""
    n = 24 * 120
    cod = _noisy_plant(n, seed=1)
    for i in (500, 1200, 1900, 2600):
        cod[i - 7 : i + 1] = _STEADY_CLIMB
        cod[i + 1 : i + 13] = np.nan
    cod[2796:2801] = [46.0, 45.0, 43.0, 40.0, 49.0]
    cod[2801:2807] = np.nan
    (f,) = GapHidingDetector().detect(frame({COD: cod}), cod_spec())
    ev = f.evidence
    assert ev["silence_statistic"] == "ramp" and ev["events"] == 4  # steady hourly climbs
    assert (f.start, f.end) == (hour(500), hour(2612))  # listed, not spanned
    spike = [g for g in ev["gaps"] if g["value"] == 49.0]
    assert len(spike) == 1 and spike[0]["tail_statistic"] == "excursion"
    assert not spike[0]["counted"] and spike[0]["hours"] == 6
    assert spike[0]["tail_probability"] < 0.01  # among the rarest of the plant's own hours
    assert {g["tail_statistic"] for g in ev["gaps"] if g["counted"]} == {"ramp"}
    # with the climb statistic alone there is no other statistic to list it
    (one,) = GapHidingDetector(statistics=("climb",)).detect(frame({COD: cod}), cod_spec())
    assert one.end == hour(2612)


def test_gap_hiding_two_hourly_ramps_of_a_slow_analyser_into_silences_are_enough() -> None:
    """An analyser with a 3-hour cycle cannot rise four hours in a row: two such ramps to
    46 mg/L in four months, each hidden by 8 silent hours, are each as rare as the channel's
    90 days of hours allow, and two of them are found (the ramp counts from
    ``ramp_min_events`` = 2 unusual silences; the level and the climb from ``min_events`` = 3).
    The same channel without the ramps has no finding."""
    n = 24 * 120
    cod = _slow_analyser(n, seed=11)
    honest = cod.copy()
    _ramps_into_silences(cod, (600, 2400))
    data = frame({COD: cod})
    (f,) = GapHidingDetector().detect(data, cod_spec())
    ev = f.evidence
    assert ev["silence_statistic"] == "ramp" and ev["events"] == 2
    assert (f.start, f.end) == (hour(600), hour(2408)) and ev["p_value"] < ev["threshold"]
    assert [g["ramp_hours"] >= 4 for g in ev["gaps"] if g["counted"]] == [True, True]
    assert GapHidingDetector(ramp_min_events=3).detect(data, cod_spec()) == []
    assert GapHidingDetector().detect(frame({COD: honest}), cod_spec()) == []


def test_gap_hiding_two_rare_high_values_before_silences_without_a_ramp_are_not_enough() -> None:
    """Honest: a plant far under its limit whose analyser (3-hour cycle) twice reads an upset
    near the limit, each held its 3 hours, and twice the outlet falls silent for 8 hours after
    it (an upset and an outage on one stormy day). No hour rose over the one before into
    either silence: no ramp evidence, and two such silences are the level's and the climb's,
    which count from three. Counted as ramps (every silence after a high hour, however it got
    there), the two rare high values alone would be found."""
    n = 24 * 120
    cod = np.minimum(cycled(n, level=20, spread=2, hold_hours=3, seed=21), 30.0)
    cod = random_gaps(cod, 40, seed=22)
    for i in (600, 2400):
        cod[i - 5 : i + 1] = 46.0  # the upset: two 3-hour results at 46 (no hourly rise)
        cod[i - 6] = 20.0
        cod[i + 1 : i + 9] = np.nan
    data = frame({COD: cod})
    assert GapHidingDetector().detect(data, cod_spec()) == []
    assert GapHidingDetector(min_ramp_hours=0).detect(data, cod_spec()) != []


@pytest.mark.parametrize("cycle", [2, 3])
def test_gap_hiding_two_upsets_read_an_hour_before_a_stop_are_not_enough(cycle: int) -> None:
    """Honest: an analyser of a 2- or 3-hour cycle at a plant far under its limit twice gives
    a result of an upset near the limit, and in the next hour the plant stops without a flag
    (an upset and an outage of one cause). Hour by hour that is one rise (the analyser's every
    new result is one): no ramp evidence, so two such silences are the level's and the
    climb's, which count from three."""
    n = 24 * 120
    cod = np.minimum(cycled(n, level=20, spread=2, hold_hours=cycle, seed=21), 30.0)
    cod = random_gaps(cod, 40, seed=22)
    for i in (600, 2400):
        cod[i - cycle : i] = cod[i - cycle]  # the last result, held its cycle
        cod[i] = 46.0  # the upset's first result
        cod[i + 1 : i + 9] = np.nan
    data = frame({COD: cod})
    assert GapHidingDetector().detect(data, cod_spec()) == []
    # one rise counted as a ramp hour, the two rare high values alone would be found
    assert GapHidingDetector(min_ramp_hours=1).detect(data, cod_spec()) != []


def test_gap_hiding_two_storms_then_power_cuts_on_an_hourly_analyser_are_not_enough() -> None:
    """Honest: an hourly analyser at a plant far under its limit; twice a storm's inflow lifts
    COD hour after hour to 46 mg/L and its lightning cuts the power for 8 hours. An hourly
    analyser can rise hour after hour, so a common cause makes its ramps into a silence: the
    ramp counts from ``ramp_min_events`` = 2 only on an analyser of a 2-hour cycle or more
    (``slow_cycle_hours``), here from ``min_events`` = 3 like the level and the climb."""
    n = 24 * 120
    cod = random_gaps(cycled(n, level=20, spread=2, hold_hours=1, seed=7), 12, seed=8)
    cod[cod > 30] = 30
    for i in (500, 1400):
        cod[i - 3 : i + 1] = [28.0, 34.0, 40.0, 46.0]
        cod[i + 1 : i + 9] = np.nan
    data = frame({COD: cod})
    assert GapHidingDetector().detect(data, cod_spec()) == []
    # counted from two on every analyser, the two storms would be found
    assert GapHidingDetector(slow_cycle_hours=1).detect(data, cod_spec()) != []


def test_gap_hiding_two_storms_on_an_hourly_analyser_read_to_whole_units_are_not_enough() -> None:
    """Honest: an hourly analyser read to whole mg/L at a plant steady near its limit repeats
    about half its hours, so its cycle is learned as two hours; but half its gap-free held runs
    last one hour (a 2-4 hour analyser: a few percent), so it is judged hourly and two storms
    that lift COD hour after hour to 45 mg/L, each ended by an 8-hour power cut, are not enough
    (reviewer-T5's G-1). A registered cycle is trusted."""
    n = 24 * 181
    rng = np.random.default_rng(1301)
    cod = np.minimum(cycled(n, level=36, spread=1.2, hold_hours=1, seed=1, decimals=0), 47.0)
    cod[rng.choice(np.arange(30, n - 30), 10, replace=False)] = np.nan
    for i in rng.choice(np.arange(30, n - 30), 4, replace=False):
        cod[i : i + rng.integers(2, 13)] = np.nan
    for i, hours in ((1500, 5), (3100, 6)):
        cod[i - hours + 1 : i + 1] = np.round(np.linspace(cod[i - hours], 45.0, hours + 1)[1:])
        cod[i + 1 : i + 9] = np.nan
    data = frame({COD: cod})
    assert grid_cycle_hours(OutletData(data, cod_spec()), COD) == 2.0  # learned as two hours
    assert GapHidingDetector().detect(data, cod_spec()) == []
    # the learned cycle trusted without its one-hour runs, the two storms would be found
    assert GapHidingDetector(max_hour_run_share=1.0).detect(data, cod_spec()) != []


def test_gap_hiding_a_slow_analysers_runs_cut_by_calibrations_keep_it_slow() -> None:
    """A 3-hour analyser calibrated twice a day at random hours (C, not valid): the calibration
    hours cut many of its held runs to one hour (more than ``max_hour_run_share`` of all its
    runs), but a run cut by an hour without a valid reading is not gap-free, so the analyser is
    still judged slow and two hourly ramps into silences are found by the ramp, which counts
    from two only on a slow analyser."""
    n = 24 * 120
    cod = np.minimum(cycled(n, level=38, spread=4, hold_hours=3, seed=11), 47.0)
    _ramps_into_silences(cod, (600, 2400))
    flags = normal_flags(n)
    rng = np.random.default_rng(1)
    cal = np.arange(0, n, 12) + rng.integers(0, 12, n // 12)
    cal = cal[(np.abs(cal[:, None] - np.array([600, 2400])) > 12).all(axis=1)]
    cod[cal], flags[cal] = 6.0, "C"
    data = frame({COD: cod}, {COD: flags})
    held = grid_held_runs(OutletData(data, cod_spec()), COD)
    assert np.mean(np.rint(held.hours) == 1) > GapHidingDetector().max_hour_run_share
    (f,) = GapHidingDetector().detect(data, cod_spec())
    assert f.evidence["silence_statistic"] == "ramp" and f.evidence["events"] == 2
    assert GapHidingDetector(slow_cycle_hours=99).detect(data, cod_spec()) == []
