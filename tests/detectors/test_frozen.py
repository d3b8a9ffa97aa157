"""frozen: exact intervals, analyser cycles and honest traps."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import detectors.checks.frozen as frozen_module
from detectors.checks._common import exponential_tail_bar, measured_series
from detectors.checks.frozen import (
    DRIFTING_AGAIN,
    TAIL_SHAPE,
    FrozenValueDetector,
    _chance_run_hours,
    _cycle_hours,
    _regime_chance_hours,
    _run_tail,
    _survival,
    _tied_tail_bar,
    lomax_excess,
    run_tail_bar,
)
from detectors.checks.low_variability import LowVariabilityDetector
from detectors.checks.standard_substitution import StandardSubstitutionDetector
from detectors.checks.zero_floor import ZeroFloorDetector
from detectors.frame import OutletData
from detectors.series import (
    analyser_cycle_hours,
    cycle_of_counts,
    held_runs,
    hours_of,
    registry_cycle_hours,
)
from detectors.spec import COD, FLOW, NH3N, PH
from tests.detectors.conftest import MN, count_calls, effluent, held, make_frame, make_spec
from tests.detectors.value_helpers import SPEC, START, flow, honest_cod, hour, spans


def test_frozen_run_is_reported_with_its_exact_interval_and_cycles() -> None:
    cod = honest_cod(240)
    cod[120:168] = 23.4  # 48 h
    found = FrozenValueDetector().detect(make_frame(MN, {COD: cod, FLOW: flow(240)}), SPEC)
    assert spans(found) == [(hour(120), hour(167))]
    f = found[0]
    assert f.severity == "medium"
    assert f.evidence["cycle_hours"] == 3.0
    assert f.evidence["cycles"] == 16.0
    assert f.evidence["threshold"] == 24.0
    assert "held at 23.4 mg/L for 48 h (16 analyser cycles) while flow varied" in f.summary
    # 23.4 is an ordinary step from the COD's level (30 mg/L, cv 0.1): a stuck analyser's
    # hold as much as a frozen output's, so a validity finding (the hours were not measured)
    assert f.category == "validity"
    assert "these hours were not measured" in f.summary


def test_frozen_three_days_is_high_and_calibration_hour_inside_does_not_break_it() -> None:
    cod = honest_cod(240)
    cod[100:180] = 23.4  # 80 h
    flags = np.array(["N"] * 240, dtype=object)
    flags[140] = "C"
    cod[140] = 25.0
    frame = make_frame(MN, {COD: cod, FLOW: flow(240)}, flags={COD: flags})
    found = FrozenValueDetector().detect(frame, SPEC)
    assert spans(found) == [(hour(100), hour(179))]
    assert found[0].severity == "high"


def test_frozen_honest_traps_cycles_shutdown_holds_and_short_runs() -> None:
    cod = honest_cod(24 * 20, hold=4)
    cod[100:120] = 23.4  # 20 h: under 24 h
    q = flow(24 * 20)
    cod[200:260] = 23.4  # 60 h held while the plant stood still
    q[200:260] = 0.0
    found = FrozenValueDetector().detect(make_frame(MN, {COD: cod, FLOW: q}), SPEC)
    assert found == []


def test_frozen_honest_eight_hour_holds_and_low_resolution_ph() -> None:
    rng = np.random.default_rng(3)
    nh3 = held(np.round(rng.uniform(0.2, 3.0, 90), 2), 8)  # every value held 8 h, 30 days
    ph = effluent(720, mean=7.2, cv=0.02, step=0.1, seed=4)
    found = FrozenValueDetector().detect(make_frame(MN, {NH3N: nh3, PH: ph}), SPEC)
    assert found == []


def test_frozen_registry_cycle_counts_cycles_not_hours() -> None:
    cod = honest_cod(24 * 12, hold=6)
    cod[60:90] = 23.4  # 30 h = 5 cycles of 6 h: not enough
    cod[150:192] = 21.7  # 42 h = 7 cycles
    spec = make_spec(MN, w01018={"limit": 50.0, "cycle_minutes": 360})
    found = FrozenValueDetector().detect(make_frame(MN, {COD: cod}), spec)
    assert spans(found) == [(hour(150), hour(191))]
    assert "far longer than this analyser ever holds a value" in found[0].summary


def test_cycle_is_learned_from_held_runs() -> None:
    for hold in (1, 2, 3, 4):
        v = honest_cod(24 * 15, hold=hold, seed=hold)
        ts = START.value + np.arange(len(v), dtype=np.int64) * 3_600_000_000_000
        runs = held_runs(v, hours_of(ts).astype(float), np.ones(len(v), bool))
        assert analyser_cycle_hours(runs) == hold
    assert analyser_cycle_hours(runs, cycle_minutes=150) == 2.5


def test_real_series_analyser_holds_are_not_frozen_findings(real_series: pd.DataFrame) -> None:
    frame = real_series.assign(mn=MN)
    others = [
        f.detector
        for cls in (LowVariabilityDetector, ZeroFloorDetector, StandardSubstitutionDetector)
        for f in cls().detect(frame, make_spec(MN))
    ]
    assert others == []
    # its holds are heavy-tailed (eleven of a day or more in 22 months, a power tail fits them
    # far better than an exponential): its 89 and 104 h holds are its habit, not a freeze
    assert FrozenValueDetector().detect(frame, make_spec(MN)) == []


def test_run_tail_bar_follows_a_power_tail_only_when_days_long_holds_are_a_habit(
    real_series: pd.DataFrame,
) -> None:
    rng = np.random.default_rng(3)
    cycles = rng.choice([2.0, 4.0, 6.0], size=2000, p=[0.6, 0.3, 0.1])  # an analyser's holds
    with_freezes = np.r_[cycles, 60.0, 90.0, 120.0]  # a few frozen episodes among them
    for hours in (cycles, with_freezes):
        assert run_tail_bar(hours, 0.001) == exponential_tail_bar(hours, 0.001)
    real = real_series.sort_values("ts")
    values = real["value"].to_numpy(dtype="float64")
    hours = hours_of(
        real["ts"]
        .dt.tz_convert("UTC")
        .dt.tz_localize(None)
        .to_numpy("datetime64[ns]")
        .view("int64")
    )
    runs = held_runs(values, hours, ~np.isnan(values), max_gap_hours=1.0).hours
    assert run_tail_bar(runs, 0.002) > max(runs) > exponential_tail_bar(runs, 0.002)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from([20.0, 21.0, 23.4]), st.integers(1, 40)), min_size=1, max_size=25
    )
)
def test_frozen_findings_are_single_value_runs_of_at_least_a_day(
    blocks: list[tuple[float, int]],
) -> None:
    cod = np.concatenate([np.full(n, v) for v, n in blocks])
    frame = make_frame(MN, {COD: cod})
    for f in FrozenValueDetector().detect(frame, SPEC):
        inside = frame[(frame["ts"] >= f.start) & (frame["ts"] <= f.end)]
        assert inside["value"].nunique() == 1
        assert f.evidence["hours"] >= 24
        assert len(inside) == f.evidence["readings"]


def test_a_new_outlets_few_runs_set_a_bar_of_three_days() -> None:
    """Two days of history (a new outlet, live detection's first days) hold too few runs to
    learn a tail: a one-day hold of a pH at 0.1 is not reported, a hold past three days is."""
    flicker = np.tile([7.2, 7.3], 14)  # 28 h moving every hour: under 36 runs in all
    day = np.r_[flicker, np.full(26, 7.4), flicker[:4]]  # then 26 h on one value
    assert FrozenValueDetector().detect(make_frame(MN, {PH: day}), SPEC) == []
    long = np.r_[flicker, np.full(80, 7.4), flicker[:4]]  # 80 h
    found = FrozenValueDetector().detect(make_frame(MN, {PH: long}), SPEC)
    assert spans(found) == [(hour(28), hour(107))]


def _resumed_cod(pieces: int, piece_hours: int, value_after: float | None = None) -> np.ndarray:
    """20 days of honest COD (3 h cycle) with ``pieces`` holds of 21.9 mg/L, each
    ``piece_hours`` long, parted by 4 h without a reading (a link down, maintenance): the value
    resumes after each (or ``value_after`` where given, a fresh measurement)."""
    cod = honest_cod(24 * 20)
    at = 200
    for p in range(pieces):
        cod[at : at + piece_hours] = 21.9 if p == 0 or value_after is None else value_after + p
        cod[at + piece_hours : at + piece_hours + 4] = np.nan
        at += piece_hours + 4
    return cod


def test_a_hold_that_resumes_after_interruptions_is_one_finding() -> None:
    # three 16 h pieces: each under the 24 h floor alone; together a 56 h hold whose pieces
    # (each as long as one run in 160 of this series) and resumptions are improbable
    cod = _resumed_cod(3, 16)
    found = FrozenValueDetector().detect(make_frame(MN, {COD: cod, FLOW: flow(len(cod))}), SPEC)
    assert spans(found) == [(hour(200), hour(255))]
    ev = found[0].evidence
    assert ev["held_pieces"] == 3 and ev["hours"] == 56 and ev["value"] == 21.9
    assert ev["resumed_log10_p"] < ev["resumed_log10_bar"] < 0
    assert ev["threshold"] <= ev["hours"]
    # a fresh value after each interruption: three short runs, nothing held
    fresh = _resumed_cod(3, 16, value_after=25.0)
    frame = make_frame(MN, {COD: fresh, FLOW: flow(len(fresh))})
    assert FrozenValueDetector().detect(frame, SPEC) == []


def test_resumed_hold_traps_quantised_ph_and_daily_series() -> None:
    # a pH at 0.1 that moves a few hundredths an hour, its link down 3 h every 12 h: it comes
    # back on the same value most times (its own resumption share), and its runs of half a day
    # are its habit: not a frozen analyser
    ph = effluent(24 * 30, mean=7.2, cv=0.01, step=0.1, seed=4)
    ph[np.arange(len(ph)) % 12 >= 9] = np.nan
    assert FrozenValueDetector().detect(make_frame(MN, {PH: ph}), SPEC) == []
    # a daily series (each reading a day apart) repeating one value for 10 days: a station's
    # daily value, not hourly runs parted by interruptions (the rule judges hourly series only)
    daily = np.round(np.random.default_rng(2).uniform(1.0, 2.0, 200), 2)
    daily[100:110] = 1.75
    frame = make_frame(MN, {COD: daily}, freq="D")
    assert FrozenValueDetector().detect(frame, SPEC) == []


def _four_hour_cod(hold: int) -> np.ndarray:
    """150 days of COD measured every 4 h (0.1 mg/L), 7 % of measurements repeating the last
    (runs of 8 h, rarely 12), with one value held ``hold`` hours from hour 2000."""
    rng = np.random.default_rng(4)
    v = np.round(30 + 5 * np.sin(np.arange(900) / 20) + rng.normal(0, 2, 900), 1)
    for i in np.flatnonzero(rng.random(900) < 0.07):
        v[i] = v[i - 1] if i else v[i]
    cod = np.repeat(v, 4)
    cod[2000 : 2000 + hold] = cod[2000]
    return cod


def test_a_tail_of_cycle_multiples_is_scaled_where_it_thins() -> None:
    # runs of 4 h, then 8 h, rarely 12: the median excess (one cycle) says half the tail goes
    # a cycle further, which puts the bar past two days; the tail's own survival past one
    # cycle (a few in a hundred) puts it under
    cod = _four_hour_cod(44)
    found = FrozenValueDetector().detect(make_frame(MN, {COD: cod, FLOW: flow(len(cod))}), SPEC)
    assert spans(found) == [(hour(2000), hour(2043))]
    tail = found[0].evidence["tail_run_hours"]
    runs = held_runs(cod, np.arange(len(cod), dtype="float64"), np.ones(len(cod), bool)).hours
    assert tail < 44 < exponential_tail_bar(runs, 0.001 * 3600 / 8766)
    # a 36 h hold stays within this series' own tail
    cod = _four_hour_cod(36)
    assert (
        FrozenValueDetector().detect(make_frame(MN, {COD: cod, FLOW: flow(len(cod))}), SPEC) == []
    )


def _ph_hold(first: int, gap: int, second: int) -> np.ndarray:
    """90 days of an honest pH at 0.1 (its runs reach a day: its run bar is about 80 h) with
    7.0 held ``first`` hours from hour 1000, then ``gap`` hours without a reading (its only
    interruption), then 7.0 again for ``second`` hours."""
    ph = effluent(24 * 90, mean=7.2, cv=0.007, step=0.1, seed=4)
    ph[1000 : 1000 + first] = 7.0
    ph[1000 + first : 1000 + first + gap] = np.nan
    ph[1000 + first + gap : 1000 + first + gap + second] = 7.0
    return ph


def test_a_resumed_hold_is_judged_against_the_places_a_chain_may_start() -> None:
    # two 44 h pieces around the series' only interruption: each longer than any honest run
    # but under the run bar; 88 h held. A chain starts at a run that an interruption ends (one
    # here), not at any of the series' ~580 runs: judged against all of them, as before, its
    # chance (each piece the longest, 1 / n) did not pass the bar
    ph = _ph_hold(44, 4, 44)
    found = FrozenValueDetector().detect(make_frame(MN, {PH: ph, FLOW: flow(len(ph))}), SPEC)
    assert spans(found) == [(hour(1000), hour(1091))]
    ev = found[0].evidence
    assert ev["held_pieces"] == 2 and ev["hours"] == 92
    assert 44 < ev["threshold"] < 88
    n_runs = len(held_runs(ph, np.arange(len(ph), dtype="float64"), ~np.isnan(ph), max_gap_hours=1))
    years = (len(ph) - 1) / 8766
    assert np.log10(0.001 * years / n_runs) < ev["resumed_log10_p"] < ev["resumed_log10_bar"]


def test_interruption_hours_are_not_held_hours() -> None:
    # 34 h, a day without a reading, 20 h more of the same value: a span of 78 h past the bar,
    # but 54 h read at that value, within it
    ph = _ph_hold(34, 24, 20)
    assert FrozenValueDetector().detect(make_frame(MN, {PH: ph, FLOW: flow(len(ph))}), SPEC) == []


def _bounded_runs_ph(hold: int) -> np.ndarray:
    """120 days of a pH at 0.1 whose honest runs end as the value drifts out of its bin: 1 h
    or more, geometric (mean 5 h), never past 16 h (a tail lighter than an exponential), with
    6.5 held ``hold`` hours from hour 1500."""
    rng = np.random.default_rng(7)
    lengths = np.minimum(rng.geometric(0.2, 1500), 16)
    values = 7.0 + 0.1 * (np.arange(1500) % 5)
    ph = np.repeat(values, lengths)[: 24 * 120].round(9)
    ph[1500 : 1500 + hold] = 6.5
    return ph


def test_a_light_tail_is_scaled_by_its_mean_excess() -> None:
    # the median excess of a bounded tail over ln 2 overstates its scale (its mean excess,
    # the longest runs censored): 62 h by the median's scale, 54 h by the censored mean
    ph = _bounded_runs_ph(0)
    runs = held_runs(ph, np.arange(len(ph), dtype="float64"), np.ones(len(ph), bool)).hours
    expected = 0.001 * (len(ph) - 1) / 8766
    assert run_tail_bar(runs, expected) < 0.9 * exponential_tail_bar(runs, expected)
    # the series drifts a step at a time (a tail_shape mixture of drift rates): by the censored
    # mean its bar is 70 h, by the median's scale it would be 82 h
    lomax = run_tail_bar(runs, expected, shape=TAIL_SHAPE)
    ordered = np.sort(runs)
    n_tail, u = len(runs) // 10, ordered[-len(runs) // 10 - 1]
    median_scale = float(np.median(ordered[-n_tail:] - u)) / np.log(2.0)
    assert lomax < 0.9 * (u + lomax_excess(median_scale, n_tail / expected))
    ph = _bounded_runs_ph(72)
    found = FrozenValueDetector().detect(make_frame(MN, {PH: ph, FLOW: flow(len(ph))}), SPEC)
    assert spans(found) == [(hour(1500), hour(1571))]
    assert found[0].evidence["threshold"] < 72
    # a 60 h hold stays within it
    ph = _bounded_runs_ph(60)
    assert FrozenValueDetector().detect(make_frame(MN, {PH: ph, FLOW: flow(len(ph))}), SPEC) == []


def test_lomax_excess_is_the_exponential_at_infinite_shape_and_heavier_below() -> None:
    odds = 48 / 0.0005
    assert lomax_excess(2.0, odds, np.inf) == pytest.approx(2.0 * np.log(odds))
    heavier = [lomax_excess(2.0, odds, a) for a in (80.0, 40.0, TAIL_SHAPE, 12.0)]
    assert all(b > a for a, b in itertools.pairwise(heavier))
    assert 2.0 * np.log(odds) < heavier[0] < 1.1 * 2.0 * np.log(odds)


def _drifting_ph(hold: int) -> np.ndarray:
    """90 days of an honest pH at 0.1 whose value drifts a step at a time, with 7.2 (a value it
    visits often) held ``hold`` hours from hour 1000, rising a step after it as the series does."""
    ph = effluent(24 * 90, mean=7.2, cv=0.007, step=0.1, seed=4)
    ph[1000 : 1000 + hold] = 7.2
    ph[1000 + hold] = 7.3
    return ph


def test_a_drifting_quantised_ph_is_judged_against_a_mixture_of_drift_rates() -> None:
    # a pH at 0.1 holds a value as long as its drift is slow, and its drift is slower on some
    # days than on others: its tail is a Lomax of shape TAIL_SHAPE, not an exponential. A 70 h
    # hold past the exponential's bar but within the mixture's is not reported (the simulator's
    # honest pH held 24-26 h against exponential bars of 23-24 h); a hold past both is
    ph = _drifting_ph(70)
    runs = held_runs(ph, np.arange(len(ph), dtype="float64"), np.ones(len(ph), bool)).hours
    expected = 0.001 * (len(ph) - 1) / 8766
    assert run_tail_bar(runs, expected) < 70 < run_tail_bar(runs, expected, shape=TAIL_SHAPE)
    detector = FrozenValueDetector()
    assert detector.detect(make_frame(MN, {PH: ph, FLOW: flow(len(ph))}), SPEC) == []
    ph = _drifting_ph(96)
    found = detector.detect(make_frame(MN, {PH: ph, FLOW: flow(len(ph))}), SPEC)
    assert spans(found) == [(hour(1000), hour(1095))]
    assert found[0].evidence["tail_shape"] == TAIL_SHAPE


def test_a_series_whose_noise_spans_several_steps_keeps_the_exponential_tail() -> None:
    # a COD read to 0.1 mg/L whose measurements move by many steps: its runs end by noise, not
    # by drift, and their tail is an exponential's
    cod = honest_cod(24 * 60)
    cod[600:660] = 23.4
    found = FrozenValueDetector().detect(make_frame(MN, {COD: cod, FLOW: flow(len(cod))}), SPEC)
    assert spans(found) == [(hour(600), hour(659))]
    assert found[0].evidence["tail_shape"] is None


def _cadence_change_cod(hold: int) -> np.ndarray:
    """180 days of COD read in whole mg/L: 110 days measured every hour, then 70 days every
    4 h with a calmer noise (a third of the measurements repeat the last); six measurements of
    10 mg/L in a row (24 h) from hour 3440 of the 4-hour stretch, held ``hold`` hours."""
    rng = np.random.default_rng(7)
    hourly = np.round(10.0 + 2.0 * rng.normal(size=24 * 110))
    measured = np.round(10.0 + 1.2 * rng.normal(size=6 * 70))
    measured[200 : 200 + hold // 4] = 10.0
    return np.concatenate([hourly, np.repeat(measured, 4)])


def test_a_hold_is_judged_against_the_cadence_of_its_own_weeks() -> None:
    # the series' runs (mostly its hourly months) say a cycle of 2 h and a chance run of 18 h;
    # the 4-hour months repeat a value by chance often enough to hold it 24 h and more
    cod = _cadence_change_cod(24)
    frame = make_frame(MN, {COD: cod, FLOW: flow(len(cod))})
    assert FrozenValueDetector().detect(frame, SPEC) == []
    # a hold of 60 h there is still far past them
    cod = _cadence_change_cod(60)
    found = FrozenValueDetector().detect(make_frame(MN, {COD: cod, FLOW: flow(len(cod))}), SPEC)
    first = 24 * 110 + 800  # the hold, and the equal measurements around it
    assert len(found) == 1 and found[0].start <= hour(first) < hour(first + 59) <= found[0].end
    ev = found[0].evidence
    assert ev["regime_chance_run_hours"] > 24.0 > ev["chance_run_hours"]
    assert ev["threshold"] >= ev["regime_chance_run_hours"]
    # counted in the analyser cycles of its own weeks (4 h), not the series' (2 h)
    assert ev["regime_cycle_hours"] == 4.0 != ev["cycle_hours"]
    assert ev["cycles"] == round(ev["hours"] / 4.0, 2)


def test_a_registered_cycle_of_90_minutes_keeps_its_regime_at_two_cycles() -> None:
    # a result every 90 minutes read on the hour holds 1 or 2 h, every other run 2 h: its
    # regime's repeat share is of the runs of two cycles (3 h), as the series' own is, so a
    # 30 h hold (20 cycles) passes both bars (24 h)
    rng = np.random.default_rng(1)
    n = 24 * 60
    results = np.round(20.0 + 3.0 * rng.normal(size=n * 2 // 3), 1)
    cod = results[np.arange(n) * 60 // 90]
    cod[600:630] = 23.4
    spec = make_spec(MN, w01018={"limit": 50.0, "cycle_minutes": 90})
    found = FrozenValueDetector().detect(make_frame(MN, {COD: cod, FLOW: flow(n)}), spec)
    assert spans(found) == [(hour(600), hour(629))]
    ev = found[0].evidence
    assert ev["regime_cycle_hours"] == ev["cycle_hours"] == 1.5
    assert ev["regime_chance_run_hours"] == ev["chance_run_hours"] < ev["threshold"] == 24.0


def test_a_hold_that_comes_back_after_days_of_link_down_is_one_finding() -> None:
    """COD held at 21.9 for 16 h, the link down three days, then 21.9 again for 12 h: an
    analyser stuck through the outage (28 h held, each piece under the floor alone). Found as
    one resumed hold; a fresh value after the outage is not, nor is one after five days."""

    def outage(gap: int, after: float) -> list:
        cod = honest_cod(24 * 30)
        cod[200:216] = 21.9
        cod[216 : 216 + gap] = np.nan
        cod[216 + gap : 216 + gap + 12] = after
        return FrozenValueDetector().detect(make_frame(MN, {COD: cod, FLOW: flow(len(cod))}), SPEC)

    found = outage(72, 21.9)
    assert spans(found) == [(hour(200), hour(299))]
    ev = found[0].evidence
    assert ev["held_pieces"] == 2 and ev["readings"] == 28
    assert ev["resumed_log10_p"] < ev["resumed_log10_bar"]
    assert outage(72, 23.4) == []
    assert outage(120, 21.9) == []


def _day_shift_ph(cv: float, days: int) -> np.ndarray:
    """120 days of a pH at 0.1 read only in a 13 h day shift (no reading the other 11 h: the
    plant shut down each night), 7.0 from the last 3 h of day 59 through ``days`` day shifts."""
    ph = effluent(24 * 120, mean=7.2, cv=cv, step=0.1, seed=1)
    ph[60 * 24 - 3 : 60 * 24 + 24 * days] = 7.0
    ph[np.arange(len(ph)) % 24 >= 13] = np.nan
    return ph


def test_runs_that_a_shutdown_cuts_are_censored_not_ended() -> None:
    # a calm pH at a day-shift plant holds its value through whole shifts now and then: those
    # runs end because the plant shut down, not because the value moved. Counted as runs that
    # ended, they made a whole shift look rare (its runs' share, diluted by every short run a
    # shutdown cut), and five calm shifts in a row a frozen analyser; their Kaplan-Meier
    # survival, the cut runs censored, says how often a shift is held whole
    ph = _day_shift_ph(0.005, 5)
    assert FrozenValueDetector().detect(make_frame(MN, {PH: ph, FLOW: flow(len(ph))}), SPEC) == []
    # a pH that holds a whole shift rarely still has five held shifts reported, as one chain
    ph = _day_shift_ph(0.007, 5)
    found = FrozenValueDetector().detect(make_frame(MN, {PH: ph, FLOW: flow(len(ph))}), SPEC)
    assert [f.evidence["held_pieces"] for f in found] == [5]
    assert found[0].evidence["resumed_log10_p"] < found[0].evidence["resumed_log10_bar"]


def test_survival_is_the_share_of_runs_at_least_as_long_when_none_is_censored() -> None:
    hours = np.array([1.0, 2.0, 2.0, 3.0, 5.0, 8.0])
    at = np.array([1.0, 2.0, 2.5, 5.0, 8.0, 9.0])
    share = (hours[None, :] >= at[:, None]).mean(axis=1)
    assert np.allclose(_survival(hours, np.ones(6, bool), at), share)
    # one 2 h run cut by an interruption did not end: 1 of 6 ended at 1 h, 1 of the 5 at
    # risk at 2 h ended there, then 1 of the 3 at risk at 3 h
    ended = np.array([True, True, False, True, True, True])
    s = _survival(hours, ended, np.array([3.0, 4.0]))
    assert np.allclose(s, [5 / 6 * 4 / 5, 5 / 6 * 4 / 5 * 2 / 3])


def _bouts_cod(hold: int = 0) -> np.ndarray:
    """150 days of COD measured every 4 h (0.001 mg/L), repeating the last measurement one
    time in 40, and a repeat repeated three times in ten (failed measurements come in bouts:
    its longest honest run 32 h), with a value held ``hold`` hours from hour 2000."""
    rng = np.random.default_rng(3)
    v = np.round(30 + 5 * np.sin(np.arange(1100) / 20) + rng.normal(0, 2, 1100), 3)
    repeat = False
    for i in range(1, 1100):
        repeat = bool(rng.random() < (0.3 if repeat else 0.025))
        if repeat:
            v[i] = v[i - 1]
    cod = np.repeat(v, 4)
    cod[2000 : 2000 + hold] = cod[2000]
    return cod


def test_repeats_that_come_in_bouts_set_the_chance_run() -> None:
    # one repeat in 40 alone says a day's run (six measurements) comes by chance once in
    # thousands of years; repeats of repeats, three in ten, say 32 h is this analyser's habit
    cod = _bouts_cod()
    frame = make_frame(MN, {COD: cod, FLOW: flow(len(cod))})
    assert FrozenValueDetector().detect(frame, SPEC) == []
    # a hold of three days is still reported
    cod = _bouts_cod(72)
    found = FrozenValueDetector().detect(make_frame(MN, {COD: cod, FLOW: flow(len(cod))}), SPEC)
    assert [(f.evidence["hours"] >= 72) for f in found] == [True]
    assert found[0].evidence["chance_run_hours"] < 72


def _diluted_cod(hold: int = 0, value: float | None = None, seed: int = 1) -> np.ndarray:
    """150 days of COD measured every 2 h in whole mg/L about 30 (its noise a tenth of it:
    a repeat one time in eight), diluted for eight weeks to 2-3 mg/L (its noise a third of a
    step: holds of a day or more, the series' tail), with ``value`` (else the value there)
    held ``hold`` hours from hour 2400."""
    rng = np.random.default_rng(seed)
    v = np.round(30 * (1 + 0.1 * rng.normal(0, 1, 1800)))
    d = np.arange(480, 480 + 84 * 8)
    v[d] = np.round(2.5 + 0.6 * np.sin(np.arange(len(d)) / 9) + rng.normal(0, 0.35, len(d)))
    cod = np.repeat(v, 2)
    cod[2400 : 2400 + hold] = cod[2400] if value is None else value
    return cod


def test_a_hold_is_judged_against_the_runs_at_its_level() -> None:
    # the diluted weeks' honest holds (2-3 mg/L, up to 40 h) are within the series' tail and
    # stay unreported; a day and a half at 30 mg/L, where this analyser repeats one time in
    # eight, is judged against the runs at 15 mg/L or more, not against the dilution's tail
    def found(cod: np.ndarray) -> list:
        return FrozenValueDetector().detect(make_frame(MN, {COD: cod, FLOW: flow(len(cod))}), SPEC)

    cod = _diluted_cod()
    assert found(cod) == []
    runs = held_runs(cod, np.arange(len(cod), dtype="float64"), np.ones(len(cod), bool))
    assert runs.hours[runs.value <= 3].max() >= 36
    hold = found(_diluted_cod(36))
    assert spans(hold) == [(hour(2400), hour(2435))]
    f = hold[0]
    assert f.evidence["level_run_hours"] < 36 < f.evidence["tail_run_hours"]
    assert f.evidence["threshold"] == max(24.0, f.evidence["level_run_hours"])
    # a value the series seldom reaches (80 mg/L) is judged against its highest runs
    hold = found(_diluted_cod(30, 80.0))
    assert spans(hold) == [(hour(2400), hour(2429))]
    assert hold[0].evidence["level_run_hours"] < 30 < hold[0].evidence["tail_run_hours"]


def test_a_repeat_share_of_one_with_no_run_left_out_is_no_chance_end() -> None:
    # every run of two cycles went on to three: with none left out, repeats never end by
    # chance (an infinite chance run, no division by zero); with the longest left out, finite
    ordered = np.array([4.0] * 50 + [12.0, 16.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _chance_run_hours(ordered, 4.0, 0.001, 0) == np.inf
        assert np.isfinite(_chance_run_hours(ordered, 4.0, 0.001))


def test_a_cycle_between_whole_hours_is_learned_and_holds_do_not_make_a_cycle() -> None:
    # a 2.5-hour analyser read on the hour holds each result 3 or 2 hours: its cycle is their
    # mean, not the shorter (analyser_cycle_hours: 2 h, so its runs of two cycles were 4 h)
    rng = np.random.default_rng(3)
    t = np.arange(24 * 60, dtype="float64")
    v = np.round(rng.normal(20, 3, 24 * 60 // 2), 2)[np.floor(t / 2.5).astype(int)]
    runs = held_runs(v, t, np.ones(len(v), bool))
    assert analyser_cycle_hours(runs) == 2.0
    assert _cycle_hours(runs) == pytest.approx(2.5, abs=0.01)
    # a drifting pH whose holds of half a day or more outnumber any one length of 2-11 h:
    # its holds are not a 12-hour cycle (floor 72 h), the mode of its shorter runs is
    lengths = np.r_[[1] * 30, [2] * 20, [3] * 15, [4] * 10, [5] * 8, [6] * 6, [8] * 4]
    lengths = np.r_[lengths, [12] * 5, [14] * 5, [16] * 5, [20] * 5, [30] * 5]
    ph = np.repeat(np.resize([7.0, 7.1], len(lengths)), lengths)
    tt = np.arange(len(ph), dtype="float64")
    runs = held_runs(ph, tt, np.ones(len(ph), bool))
    assert analyser_cycle_hours(runs) == 12.0
    assert _cycle_hours(runs) == 2.0
    # nor in each run's regime: a pH moving every hour or two between holds of 14-29 h
    rng = np.random.default_rng(0)
    draw = rng.random(200)
    lengths = np.where(draw < 0.55, 1, np.where(draw < 0.65, 2, rng.integers(14, 30, 200)))
    ph = np.repeat(np.resize([7.0, 7.1], len(lengths)), lengths)
    runs = held_runs(ph, np.arange(len(ph), dtype="float64"), np.ones(len(ph), bool))
    _, regime_cycles = _regime_chance_hours(runs, None, 1.0, 72.0)
    assert regime_cycles.max() <= 2.0
    # whole-hour analysers keep their cycle (a 4-hour COD's few 3-hour runs cut by a gap too)
    for hold in (1, 2, 3, 4):
        v = honest_cod(24 * 15, hold=hold, seed=hold)
        ts = START.value + np.arange(len(v), dtype=np.int64) * 3_600_000_000_000
        runs = held_runs(v, hours_of(ts).astype(float), np.ones(len(v), bool))
        assert _cycle_hours(runs) == hold
    assert _cycle_hours(runs, cycle_minutes=150) == 2.5


def test_the_registry_gives_the_cycle_by_registry_cycle_hours_alone(monkeypatch) -> None:
    # reviewer-K K1: whether the registry gives the cycle (the series' own and its regimes')
    # is decided by detectors.series.registry_cycle_hours, the one rule analyser_cycle_hours
    # and peer_outlier follow: missing, zero or negative cycle_minutes gives none (learned)
    v = honest_cod(24 * 15, hold=2, seed=2)
    runs = held_runs(v, np.arange(len(v), dtype="float64"), np.ones(len(v), bool))
    for minutes in (None, 0, -60):
        assert registry_cycle_hours(minutes) is None
        assert _cycle_hours(runs, minutes) == 2.0
        assert set(_regime_chance_hours(runs, minutes, 0.001, 72.0)[1]) == {2.0}
    for minutes, hours in ((30, 1.0), (150, 2.5), (240, 4.0)):
        assert _cycle_hours(runs, minutes) == hours == registry_cycle_hours(minutes)
        assert set(_regime_chance_hours(runs, minutes, 0.001, 72.0)[1]) == {hours}
    # one place: frozen asks it and takes its answer (a registry giving 7 h for everything)
    monkeypatch.setattr(frozen_module, "registry_cycle_hours", lambda minutes: 7.0)
    assert _cycle_hours(runs, None) == 7.0
    assert set(_regime_chance_hours(runs, None, 0.001, 72.0)[1]) == {7.0}


def _ph_chain(first: int, second: int) -> np.ndarray:
    """90 days of an honest drifting pH at 0.1, its link down 2 h every other day, with 7.0
    held ``first`` hours from hour 1000, 4 h without a reading, then 7.0 for ``second``."""
    ph = effluent(24 * 90, mean=7.2, cv=0.007, step=0.1, seed=4)
    ph[np.arange(len(ph)) % 48 >= 46] = np.nan
    ph[1000 : 1000 + first] = 7.0
    ph[1000 + first : 1000 + first + 4] = np.nan
    ph[1000 + first + 4 : 1000 + first + 4 + second] = 7.0
    return ph


def test_a_chain_piece_longer_than_every_other_run_takes_the_tails_chance() -> None:
    # 78 h (every other run of the series under 30 h) and 12 h of 7.0 around a link-down: 90 h
    # held, past the run bar (about 81 h) that the 78 h piece alone does not pass. Laplace's
    # floor gave the long piece 1 / n (10^-2.7) and the chain 10^-4.3 against a bar of 10^-5.2
    # (some 45 link-downs): not reported; the series' fitted tail gives the piece 10^-6.5
    ph = _ph_chain(78, 12)
    found = FrozenValueDetector().detect(make_frame(MN, {PH: ph, FLOW: flow(len(ph))}), SPEC)
    assert spans(found) == [(hour(1000), hour(1093))]
    ev = found[0].evidence
    assert ev["held_pieces"] == 2 and 78 < ev["threshold"] < 90
    assert ev["resumed_log10_p"] < ev["resumed_log10_bar"] - 2
    # the same chain with a piece no longer than the series' own runs: Laplace's share, as
    # before (the second piece 12 h, the first 26 h: 38 h held, under the bar)
    ph = _ph_chain(26, 12)
    assert FrozenValueDetector().detect(make_frame(MN, {PH: ph, FLOW: flow(len(ph))}), SPEC) == []


def _cadence_runs(lengths: np.ndarray, cut: np.ndarray | None = None) -> tuple:
    """Held runs of the given whole-hour ``lengths``, each a new value; where ``cut`` is True
    the run's last hour has no reading (a gap cuts it). Returns ``(runs, hours)``."""
    v = np.repeat(np.arange(len(lengths), dtype="float64") % 7 + 10.0, lengths)
    t = np.arange(len(v), dtype="float64")
    keep = np.ones(len(v), bool)
    if cut is not None:
        ends = np.cumsum(lengths) - 1
        keep[ends[cut]] = False
    return held_runs(v[keep], t[keep], np.ones(int(keep.sum()), bool)), t[keep]


def test_a_cycle_is_read_between_whole_hours_only_when_its_two_lengths_alternate() -> None:
    # an analyser of 2.4 h read on the hour: 2, 2, 3, 2, 3 ... (the 3 never twice running)
    starts = np.unique(np.floor(np.arange(0, 24 * 40, 2.4)).astype(int))
    runs, t = _cadence_runs(np.diff(starts))
    assert _cycle_hours(runs, None, t) == pytest.approx(2.4, abs=0.01)
    # three weeks at a 2-hour cadence, then two at 3 hours: 40 % of the runs 3 h, but the
    # 3 h runs follow each other: two cadences, not a cycle of 2.3 h (before: 2.31)
    runs, t = _cadence_runs(np.r_[[2] * 252, [3] * 112])
    assert _cycle_hours(runs, None, t) == 2.0
    # a 4-hour analyser whose every third run a gap cuts to 3 h: its 3 h runs are never seen
    # to end by a change (before: 3.67)
    lengths = np.full(300, 4)
    runs, t = _cadence_runs(lengths, np.arange(300) % 3 == 0)
    assert _cycle_hours(runs, None, t) == 4.0
    # an hourly analyser whose value repeats by chance (runs of 2 h, 3 h in a third of them at
    # random): the 3 h runs follow each other as often as they come at all (before: 2.34)
    rng = np.random.default_rng(5)
    lengths = np.where(rng.random(600) < 1 / 3, 3, 2)
    runs, t = _cadence_runs(lengths)
    assert _cycle_hours(runs, None, t) == 2.0


def test_a_chain_with_a_second_null_states_twice_its_chance(monkeypatch) -> None:
    # two 44 h pieces, each longer than every other run: the fitted tail is a second null for
    # them, so the chain's chance is stated (and judged) Bonferroni's twice the first that
    # passes half the bar; with no tail to fit (patched out), the chance as it is
    from detectors.checks import frozen

    ph = _ph_hold(44, 4, 44)
    frame = make_frame(MN, {PH: ph, FLOW: flow(len(ph))})
    two = FrozenValueDetector().detect(frame, SPEC)[0].evidence
    monkeypatch.setattr(
        frozen,
        "_beyond_chance",
        lambda hours, survive, pieces, det, shape: np.full(len(pieces), np.nan),
    )
    one = FrozenValueDetector().detect(frame, SPEC)[0].evidence
    assert two["resumed_log10_bar"] == one["resumed_log10_bar"]
    assert two["resumed_log10_p"] - one["resumed_log10_p"] == pytest.approx(np.log10(2), abs=0.011)


def test_the_power_tail_decision_is_the_one_the_bar_was_taken_by() -> None:
    # run_tail_bar's power tail (holds of days the series' habit) is decided once, with the
    # bar: the same as comparing the bar with the exponential's fitted again (as the chain
    # and level rules did), on exponential, Pareto and mixed run durations
    rng = np.random.default_rng(11)
    seen = set()
    for k in range(300):
        n = int(rng.integers(40, 800))
        hours = np.ceil(rng.exponential(4.0, n))
        if k % 3:  # holds of a day or more, Pareto, some tens of them
            holds = np.ceil(24 * (1 + rng.pareto(1.5, int(rng.integers(0, 10 * (k % 3) + 1)))))
            hours = np.r_[hours, holds]
        expected = 0.001 * float(rng.uniform(0.1, 2.0))
        shape = TAIL_SHAPE if k % 2 else np.inf
        bar, heavy = _run_tail(hours, expected, 12, shape)
        assert bar == run_tail_bar(hours, expected, 12, shape)
        assert heavy == (bar > _tied_tail_bar(hours, expected, 12, shape) + 1e-9)
        seen.add(heavy)
    assert seen == {True, False}


def test_an_outlet_found_holding_a_value_is_judged_again_at_a_hundred_times_its_rate() -> None:
    # a drifting pH at 0.1 held 60 h: within its mixture tail at the stated rate, so not
    # reported at an outlet whose other channels move; where the first look found a COD held
    # at 23.4 for 60 h, the outlet's series are judged again at found_outlet_factor (100)
    # times its false-alarm rate, and the pH's hold passes that bar (45 h) and names the
    # COD's hold
    ph = _drifting_ph(60)
    n = len(ph)
    cod = honest_cod(n)
    cod[1500:1560] = 23.4
    assert FrozenValueDetector().detect(make_frame(MN, {PH: ph, FLOW: flow(n)}), SPEC) == []
    honest = make_frame(MN, {PH: ph, COD: honest_cod(n), FLOW: flow(n)})
    assert FrozenValueDetector().detect(honest, SPEC) == []  # no first finding: no second look
    frame = make_frame(MN, {PH: ph, COD: cod, FLOW: flow(n)})
    found = {f.pollutant: f for f in FrozenValueDetector().detect(frame, SPEC)}
    assert sorted(found) == sorted([COD, PH])
    assert spans([found[PH]]) == [(hour(1000), hour(1059))]
    assert found[COD].evidence["found_outlet_factor"] is None
    second = found[PH].evidence
    assert second["found_outlet_factor"] == 100.0
    assert second["found_outlet_pollutant"] == COD
    assert second["found_outlet_start"] == hour(1500)
    assert second["false_alarm_rate_per_year"] == pytest.approx(0.1)
    assert 24.0 < second["threshold"] < 60.0
    assert "judged again at found_outlet_factor times the false-alarm rate" in second["rule"]
    # without the second look (factor 1), only the COD
    alone = FrozenValueDetector(found_outlet_factor=1.0).detect(frame, SPEC)
    assert [f.pollutant for f in alone] == [COD]


def test_the_learned_cycle_is_one_rule_for_the_series_and_frozens_regimes() -> None:
    # cycle_of_counts is the rule analyser_cycle_hours and frozen's regimes learned their
    # cycles by before it (written out here as they were): row by row, hourly where runs of
    # 2+ hours hold under half of the hours, else the most common length (the shortest of
    # equals), else ``empty``
    rng = np.random.default_rng(7)
    rows, held_h, total_h, old = [], [], [], []
    for _ in range(400):
        lengths = rng.choice([1, 2, 3, 4, 6, 8, 13, 30], size=rng.integers(1, 40))
        counts = np.bincount(np.minimum(lengths[lengths >= 2], 12), minlength=13)
        held_, total_ = float(lengths[lengths >= 2].sum()), float(lengths.sum())
        rows.append(counts)
        held_h.append(held_)
        total_h.append(total_)
        old.append(1.0 if held_ * 2 < total_ or not counts.any() else float(np.argmax(counts)))
        assert float(cycle_of_counts(counts, held_, total_)) == old[-1]
    together = cycle_of_counts(np.array(rows), np.array(held_h), np.array(total_h))
    assert together.tolist() == old
    # and the series' learned cycle is it
    values = np.repeat(np.arange(60.0), np.tile([4, 4, 8, 2, 3], 12))
    runs = held_runs(values, np.arange(len(values), dtype="float64"), np.ones(len(values), bool))
    assert analyser_cycle_hours(runs) == 4.0
    assert cycle_of_counts(np.zeros(13), 10.0, 12.0, empty=12.0) == 12.0


def test_the_second_look_reads_what_the_first_learned_and_judges_as_from_scratch(
    monkeypatch,
) -> None:
    # reviewer-E E10: the second look judges the outlet's series again at 100 times the rate;
    # what does not depend on the rate (the cycle, the runs' spread, their regimes, the flow)
    # is learned once, in the first look, and each series is judged as a fresh detector at
    # 100 times the rate judges it
    ph = _drifting_ph(60)
    n = len(ph)
    cod = honest_cod(n)
    cod[1500:1560] = 23.4
    tn = _cadence_change_cod(0)[:n]
    frame = make_frame(MN, {PH: ph, COD: cod, "w21001": tn, FLOW: flow(n)})
    outlet = OutletData(frame, SPEC)
    first, look = FrozenValueDetector(), FrozenValueDetector(false_alarms_per_year=0.1)
    learned: dict = {}
    series = measured_series(outlet)
    assert len(series) == 3
    assert [f.pollutant for s in series for f in first._series(outlet, s, learned)] == [COD]
    assert len(learned) == 3
    calls = count_calls(monkeypatch, frozen_module, "_cycle_hours", "_regime_chance_hours")
    again = [f for s in series for f in look._series(outlet, s, learned)]
    # the cycles read, not learned again; a regime is learned only where a series first
    # needs it (the pH's: nothing of it passed the stated rate's bar), and only once
    assert calls == {"_cycle_hours": 0, "_regime_chance_hours": 1}
    assert [f for s in series for f in look._series(outlet, s, learned)] == again
    assert calls == {"_cycle_hours": 0, "_regime_chance_hours": 1}
    fresh = [f for s in series for f in look._series(OutletData(frame, SPEC), s)]
    assert calls == {"_cycle_hours": 3, "_regime_chance_hours": 3}
    assert sorted(f.pollutant for f in again) == sorted([COD, PH])
    assert again == fresh
    # kept per series (`detectors.second_look.kept`: the two looks sharing a memo differ in
    # their rates alone, so the key names the series only)
    assert sorted(learned) == sorted(s.code for s in series)


def test_the_second_look_moves_a_drifting_series_chance_count_with_the_look() -> None:
    # reviewer-L L8 (a): a drifting pH at 0.1 (cv 0.007) held 40 h. Its chance run at the
    # stated count (0.001 runs expected) is 44 h, at 100 times that count 30 h; its mixture
    # tail at 100 times the rate 35 h. Where the first look found a COD held 60 h, the second
    # look judges the pH at 100 times the rate AND 100 times the chance count, and reports the
    # hold against its tail, the chance run kept (30 h, not set aside); without the COD's hold
    # there is no second look, and a fresh detector at 100 times the rate alone keeps the
    # chance run of 44 h
    ph = effluent(24 * 90, mean=7.2, cv=0.007, step=0.1, seed=5)
    ph[1000:1040] = 7.2
    ph[1040] = 7.3
    n = len(ph)
    cod = honest_cod(n)
    cod[1500:1560] = 23.4
    frame = make_frame(MN, {PH: ph, COD: cod, FLOW: flow(n)})
    found = {f.pollutant: f for f in FrozenValueDetector().detect(frame, SPEC)}
    assert sorted(found) == sorted([COD, PH])
    second = found[PH].evidence
    assert spans([found[PH]]) == [(hour(1000), hour(1039))]
    assert second["found_outlet_factor"] == 100.0 and second["found_outlet_pollutant"] == COD
    assert second["chance_run_hours"] == 30.0 and second["tail_shape"] == TAIL_SHAPE
    assert 30.0 < second["threshold"] < 40.0 == second["hours"]
    assert DRIFTING_AGAIN in second["rule"] and DRIFTING_AGAIN not in found[COD].evidence["rule"]
    honest = make_frame(MN, {PH: ph, COD: honest_cod(n), FLOW: flow(n)})
    assert FrozenValueDetector().detect(honest, SPEC) == []
    fresh = FrozenValueDetector(false_alarms_per_year=0.1, found_outlet_factor=1.0)
    assert [f.pollutant for f in fresh.detect(frame, SPEC)] == [COD]
    # a pH held 48 h, found by the fresh detector too: there its chance run is the stated
    # count's (46 h with this hold), at the second look the look's (30 h)
    ph[1040:1048] = 7.2
    ph[1048] = 7.3
    frame = make_frame(MN, {PH: ph, COD: cod, FLOW: flow(n)})
    chance = {
        f.evidence["found_outlet_factor"]: f.evidence["chance_run_hours"]
        for f in [*fresh.detect(frame, SPEC), *FrozenValueDetector().detect(frame, SPEC)]
        if f.pollutant == PH
    }
    assert chance == {None: 46.0, 100.0: 30.0}


def _floored_nh3(hold_at: float | None = None) -> np.ndarray:
    """An hourly NH3-N at 0.001 mg/L around 0.3, below its detection limit 40 times for 3 h to
    days, reported there as its floor 0.01 (the logger's constant); ``hold_at``: 60 h held
    at that value from hour 2000."""
    rng = np.random.default_rng(7)
    parts = []
    for _ in range(40):
        m = int(rng.integers(60, 120))
        parts.append(np.round(0.3 + 0.05 * rng.normal(0, 1, m).clip(-3, 3), 3))
        parts.append(np.full(3 + int(rng.exponential(10)), 0.01))
    v = np.concatenate(parts)
    if hold_at is not None:
        v[2000:2060] = hold_at
    return v


def test_a_value_the_series_holds_often_is_judged_against_its_own_runs() -> None:
    # the floor's 40 runs (3-57 h) are this series' habit at 0.01, far past its other runs
    # (an hour): its longest, 57 h, was reported against the series' bar of 29 h; judged
    # against the floor's other runs it is not, while 60 h held at 0.3 (a value the series
    # never holds past an hour) still is
    spec = make_spec(MN, w21003={"limit": 5.0, "analyser_range": (0.0, 10.0)})

    def found(v: np.ndarray) -> list:
        return FrozenValueDetector().detect(make_frame(MN, {NH3N: v, FLOW: flow(len(v))}), spec)

    assert found(_floored_nh3()) == []
    hold = found(_floored_nh3(0.3))
    assert spans(hold) == [(hour(2000), hour(2059))]
    assert hold[0].evidence["value_run_hours"] is None
    assert hold[0].evidence["threshold"] == 29.0


def test_a_hold_at_the_analyser_range_top_is_its_over_range_reading() -> None:
    # an NH3-N read to 0.01 on a 0-20 mg/L analyser, over its range for 58 h in a loss of
    # nitrification, reports 20.00 left N: a reading of the range, not a measurement repeated
    # (the capping and plausibility checks judge it); 58 h held at 19.5 is still a hold
    spec = make_spec(MN, w21003={"limit": 8.0, "analyser_range": (0.0, 20.0)})
    rng = np.random.default_rng(3)

    def found(value: float) -> list:
        v = np.round(5.0 + 0.5 * rng.normal(0, 1, 2000), 2)
        v[1000:1058] = value
        return FrozenValueDetector().detect(make_frame(MN, {NH3N: v, FLOW: flow(len(v))}), spec)

    assert found(20.0) == []
    assert spans(found(19.5)) == [(hour(1000), hour(1057))]


def _long_cod(days: int = 200) -> tuple[np.ndarray, np.ndarray]:
    """An honest hourly COD at 30 mg/L (some 4000 steps from one held value to the next in
    200 days: enough to rank one at 1 in 2000) and its flow."""
    return honest_cod(24 * days, hold=1), flow(24 * days)


def _checked_cod(
    checks: float | np.ndarray = 25.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """`_long_cod` checked daily at 07:00 (flagged C) reading ``checks`` (its standard, or per
    check): the values, the flow, the flags and the checks' indices."""
    cod, q = _long_cod()
    flags = np.array(["N"] * len(cod), dtype=object)
    check = np.flatnonzero(np.arange(len(cod)) % 24 == 7)
    flags[check] = "C"
    cod[check] = checks
    return cod, q, flags, check


def test_a_stuck_analyser_hold_is_a_validity_finding() -> None:
    """An analyser stuck on its last measurement (the value held is the one it last measured,
    in range, entered by an ordinary step) is a validity finding: the hours were not measured,
    and the data cannot tell a stuck analyser from a frozen output."""
    cod, q = _long_cod()
    cod[2400:2460] = cod[2399]  # the last measurement held 60 h more
    found = FrozenValueDetector().detect(make_frame(MN, {COD: cod, FLOW: q}), SPEC)
    assert len(found) == 1
    f = found[0]
    assert f.category == "validity"
    assert f.evidence["escalation"] is None
    assert "ask for the analyser's log" in f.summary.lower()


def test_a_hold_entered_by_a_step_the_series_never_takes_is_written() -> None:
    """A hold whose value the analyser never measured before it (entered by a step from 30 to
    8.3 mg/L, larger than every step of the series' held values) is not an analyser stuck
    on its last measurement: an integrity finding naming the step."""
    cod, q = _long_cod()
    cod[2400:2460] = 8.3
    found = FrozenValueDetector().detect(make_frame(MN, {COD: cod, FLOW: q}), SPEC)
    assert len(found) == 1
    f = found[0]
    assert f.category == "integrity"
    assert f.evidence["escalation"] == "step"
    assert f.evidence["entry_step_p"] <= frozen_module.WRITTEN_P / 3
    assert "values written in" in f.summary
    # the same hold entered from a reading that already held 8.3 (a stuck analyser's last
    # measurement, even off the level) is not escalated by the step
    cod[2399] = 8.3
    cod[2398] = 8.4
    found = FrozenValueDetector().detect(make_frame(MN, {COD: cod, FLOW: q}), SPEC)
    assert [f.category for f in found] == ["validity"]


def test_a_hold_under_the_limit_amid_readings_over_it_hides_an_exceedance() -> None:
    """A COD held at 45 mg/L (limit 50) for 60 h while every reading of the day before and
    the day after is over 50: the hold hides an exceedance, an integrity finding; the same
    hold with the sides under the limit is a validity finding."""
    cod, q = _long_cod()
    cod[2376:2400] = 60.0 + np.arange(24) % 3  # a day over the limit
    cod[2460:2484] = 58.0 + np.arange(24) % 4  # and the day after the hold
    cod[2400:2460] = 45.0  # an ordinary-sized step (as a stuck analyser could take)...
    found = FrozenValueDetector().detect(make_frame(MN, {COD: cod, FLOW: q}), SPEC)
    hold = [f for f in found if f.evidence["value"] == 45.0]
    assert len(hold) == 1
    assert hold[0].category == "integrity"
    assert hold[0].evidence["escalation"] == "hides_exceedance"
    assert hold[0].evidence["side_min_before"] == 60.0
    assert hold[0].evidence["side_min_after"] == 58.0
    assert "hides" in hold[0].summary
    cod[2470] = 49.0  # one reading of the day after under the limit
    found = FrozenValueDetector().detect(make_frame(MN, {COD: cod, FLOW: q}), SPEC)
    hold = [f for f in found if f.evidence["value"] == 45.0]
    assert [f.evidence["escalation"] for f in hold] != ["hides_exceedance"]


def test_a_hold_at_a_value_rounder_than_the_series_measures_is_written() -> None:
    """A COD at 1000 mg/L read to 0.001 held at 1000.000 (six trailing zeros, which none of its
    4800 hourly values has) entered by an ordinary step is a value typed in, not a measurement
    repeated: integrity; held at its last measurement instead, validity."""
    cod = effluent(24 * 200, mean=1000.0, cv=0.02, step=0.001, seed=5)
    cod[0] = 1000.123  # the helper starts a series at its mean exactly
    q = flow(24 * 200)
    spec = make_spec(MN, w01018={"limit": 5000.0})
    stuck = cod.copy()
    stuck[2400:2460] = stuck[2399]
    found = FrozenValueDetector().detect(make_frame(MN, {COD: stuck, FLOW: q}), spec)
    assert [f.category for f in found] == ["validity"]
    cod[2399] = 1000.371  # the reading before, an ordinary step from it
    cod[2400:2460] = 1000.0
    found = FrozenValueDetector().detect(make_frame(MN, {COD: cod, FLOW: q}), spec)
    assert len(found) == 1
    f = found[0]
    assert f.evidence["escalation"] == "round"
    assert f.category == "integrity"
    assert f.evidence["round_value_p"] <= frozen_module.WRITTEN_P / 3
    assert "rounder than" in f.summary


def test_a_hold_cut_into_the_series_as_a_notch_is_written() -> None:
    """An hourly COD at 30 mg/L (21.7 the hour before) held at 31.3 for 60 h, then reading 8.0
    for three hours: a step in that is rare (about 1 in 700, not rare enough alone for a third
    of WRITTEN_P) and a change out as rare among its 60-hour changes, in the other direction:
    a notch cut into the series (Fisher's combined chance under a third of WRITTEN_P),
    integrity; the same hold with the water after it on the same side is a stuck analyser's
    shape, validity."""
    cod, q = _long_cod()
    cod[2400:2460] = 31.3
    cod[2460:2463] = 8.0
    found = FrozenValueDetector().detect(make_frame(MN, {COD: cod, FLOW: q}), SPEC)
    held_ = [f for f in found if f.evidence["value"] == 31.3]
    assert len(held_) == 1
    f = held_[0]
    assert f.evidence["entry_step_p"] > frozen_module.WRITTEN_P / 3
    assert f.evidence["escalation"] == "notch"
    assert f.category == "integrity"
    assert f.evidence["notch_p"] <= frozen_module.WRITTEN_P / 3
    assert "notch" in f.summary
    cod[2460:2463] = 33.0  # the water after the hold on the same side as the step in
    found = FrozenValueDetector().detect(make_frame(MN, {COD: cod, FLOW: q}), SPEC)
    held_ = [f for f in found if f.evidence["value"] == 31.3]
    assert [f.category for f in held_] == ["validity"]


# local month starts of `make_frame`'s hours (from 2026-06-01 00:00 local): August, September
AUGUST, SEPTEMBER, OCTOBER = 1464, 2208, 2928


def _stuck(cod: np.ndarray, at: int, hours: int) -> None:
    """The analyser stuck on its last measurement (the reading before ``at``) for ``hours``
    more: a hold of ``hours + 1`` hours with that reading."""
    cod[at : at + hours] = cod[at - 1]


def test_holds_past_what_a_month_may_lack_are_validity_unless_signed() -> None:
    """Two stuck-analyser holds of 51 h in one local month (September): 102 h unflagged, past
    the 10 % (72 h of 720) a month's data may lack at all. In one month alone (``sign_months``
    2) that is a count of unmeasured hours, not a trace of falsification: both stay validity
    findings, their month past its bar in evidence and message, asking for the analyser's
    log. A hold in the same month that carries a sign of its own (entered by a step the series
    never takes) stays integrity, naming that sign. The month's sign is the constructor's
    choice: with ``sign_months`` 1 the stuck holds are "sustained" (the tests below)."""
    cod, q = _long_cod()
    _stuck(cod, SEPTEMBER + 100, 50)
    _stuck(cod, SEPTEMBER + 400, 50)
    frame = make_frame(MN, {COD: cod, FLOW: q})
    found = FrozenValueDetector().detect(frame, SPEC)
    assert len(found) == 2
    for f in found:
        assert f.category == "validity"
        assert f.evidence["escalation"] is None
        assert f.evidence["month_over"] is True
        assert (f.evidence["month"], f.evidence["held_hours_in_month"]) == ("2026-09", 102)
        assert "102 h unflagged in 2026-09" in f.summary
        assert "ask for the analyser's log" in f.summary.lower()
    zh = FrozenValueDetector().detect(frame, SPEC, lang="zh")
    assert all("2026-09" in f.summary and "102小时" in f.summary for f in zh)
    signed = FrozenValueDetector(sign_months=1).detect(frame, SPEC)
    assert [(f.category, f.evidence["escalation"]) for f in signed] == [
        ("integrity", "sustained")
    ] * 2
    # a written hold beside a stuck one in the month: its own sign, integrity either way
    cod, q = _long_cod()
    _stuck(cod, SEPTEMBER + 100, 50)
    cod[SEPTEMBER + 400 : SEPTEMBER + 460] = 8.3
    found = FrozenValueDetector().detect(make_frame(MN, {COD: cod, FLOW: q}), SPEC)
    assert [(f.category, f.evidence["escalation"]) for f in found] == [
        ("validity", None),
        ("integrity", "step"),
    ]
    assert all(f.evidence["month_over"] is True for f in found)


def test_months_past_their_allowance_again_and_again_are_a_sign() -> None:
    """The same two 51 h holds in September and again in October: the channel's months past
    their bar recur (``sign_months`` 2), a standing pattern and no fault left a while (an
    honest stuck analyser is mended and flagged once found): every hold of those months is
    "sustained", integrity. A month under its bar between them does not count."""
    cod, q = _long_cod()
    for month in (SEPTEMBER, OCTOBER):
        _stuck(cod, month + 100, 50)
        _stuck(cod, month + 400, 50)
    found = FrozenValueDetector().detect(make_frame(MN, {COD: cod, FLOW: q}), SPEC)
    assert [(f.category, f.evidence["escalation"]) for f in found] == [
        ("integrity", "sustained")
    ] * 4
    assert [f.evidence["month"] for f in found] == ["2026-09"] * 2 + ["2026-10"] * 2
    assert all(f.evidence["months_over"] == ["2026-09", "2026-10"] for f in found)
    assert all("recur (2026-09, 2026-10)" in f.summary for f in found)
    # one hold in October (51 h, under its bar): September alone is past it, validity
    cod, q = _long_cod()
    _stuck(cod, SEPTEMBER + 100, 50)
    _stuck(cod, SEPTEMBER + 400, 50)
    _stuck(cod, OCTOBER + 100, 50)
    found = FrozenValueDetector().detect(make_frame(MN, {COD: cod, FLOW: q}), SPEC)
    assert [(f.category, f.evidence["month_over"]) for f in found] == [
        ("validity", True),
        ("validity", True),
        ("validity", False),
    ]


def test_holds_past_what_a_month_may_lack_are_sustained() -> None:
    """Two stuck-analyser holds of 51 h in one local month (September): 102 h unflagged,
    more than the 10 % (72 h of 720) a month's data may lack at all, so neither is a fault
    left a while: both integrity findings, escalation "sustained", the month in evidence."""
    cod, q = _long_cod()
    _stuck(cod, SEPTEMBER + 100, 50)
    _stuck(cod, SEPTEMBER + 400, 50)
    found = FrozenValueDetector(sign_months=1).detect(make_frame(MN, {COD: cod, FLOW: q}), SPEC)
    assert len(found) == 2
    for f in found:
        assert f.category == "integrity"
        assert f.evidence["escalation"] == "sustained"
        assert f.evidence["month"] == "2026-09"
        assert f.evidence["held_hours_in_month"] == 102
        assert f.evidence["month_hours"] == 720
        assert f.evidence["allowed_share"] == pytest.approx(0.1)
        assert "102 h unflagged in 2026-09" in f.summary
    zh = FrozenValueDetector(sign_months=1).detect(
        make_frame(MN, {COD: cod, FLOW: q}), SPEC, lang="zh"
    )
    assert all("2026-09" in f.summary and "102小时" in f.summary for f in zh)


def test_the_same_held_hours_over_two_months_stay_validity() -> None:
    """The same two 51 h holds, one in August and one in September (51 h of 744 and of 720,
    each under 10 %), stay validity findings with their month's count in evidence; and one
    81 h hold across the August-September boundary counts 41 h in August and 40 h in
    September: validity, its evidence naming the month it holds the larger share of (40 of
    September's 720 h against 41 of August's 744)."""
    cod, q = _long_cod()
    _stuck(cod, SEPTEMBER - 400, 50)
    _stuck(cod, SEPTEMBER + 400, 50)
    found = FrozenValueDetector(sign_months=1).detect(make_frame(MN, {COD: cod, FLOW: q}), SPEC)
    assert [f.category for f in found] == ["validity", "validity"]
    assert [f.evidence["month"] for f in found] == ["2026-08", "2026-09"]
    assert [f.evidence["held_hours_in_month"] for f in found] == [51, 51]
    assert all(f.evidence["escalation"] is None for f in found)
    cod, q = _long_cod()
    _stuck(cod, SEPTEMBER - 40, 80)
    found = FrozenValueDetector(sign_months=1).detect(make_frame(MN, {COD: cod, FLOW: q}), SPEC)
    assert [f.category for f in found] == ["validity"]
    assert (found[0].evidence["month"], found[0].evidence["held_hours_in_month"]) == ("2026-09", 40)
    # and 41 h more held in September (81 h) pass its 72 h: the boundary hold touches a month
    # that fails, so it is sustained too
    _stuck(cod, SEPTEMBER + 300, 40)
    found = FrozenValueDetector(sign_months=1).detect(make_frame(MN, {COD: cod, FLOW: q}), SPEC)
    assert [f.evidence["escalation"] for f in found] == ["sustained", "sustained"]
    assert found[0].evidence["month"] == "2026-09"
    assert found[0].evidence["held_hours_in_month"] == 81


def test_holds_at_the_series_floor_are_not_counted_as_unmeasured() -> None:
    """A COD whose readings under 23 mg/L are reported as 23 (a floor the logger reports as a
    constant, read each cycle) held there twice in September, 130 h in all: its floor, not
    counted against the month (a hold anywhere else this long is sustained, above); validity,
    no month in evidence."""
    cod, q = _long_cod()
    cod = np.maximum(cod, 23.0)
    for at in (SEPTEMBER + 100, SEPTEMBER + 400):
        first = at - 1 - int(np.flatnonzero(cod[:at][::-1] == 23.0)[0])  # its last floor reading
        cod[first : at + 50] = 23.0
    found = FrozenValueDetector(sign_months=1).detect(make_frame(MN, {COD: cod, FLOW: q}), SPEC)
    assert sum(f.evidence["hours"] for f in found) >= 100
    assert all(f.category == "validity" and f.evidence["month"] is None for f in found)


def test_a_drifting_quantised_ph_held_past_a_tenth_of_a_month_stays_validity() -> None:
    """A buffered pH read to 0.1 that drifts a step at a time, held twice at 7.2 for 96 h in
    one local month (192 h, past the 10 % a month may lack): both holds are found (past its
    own mixture tail) but stay validity. A stable plant's pH at 0.1 sits on one value for
    weeks, measured (the honest generator's tuning seeds 5-14: 8 of the 11 measured holds the
    month count escalated); the month count does not judge it."""
    ph = _drifting_ph(96)
    ph[1300:1396] = 7.2
    ph[1396] = 7.3
    found = FrozenValueDetector(sign_months=1).detect(
        make_frame(MN, {PH: ph, FLOW: flow(len(ph))}), SPEC
    )
    assert len(found) >= 2
    assert sum(f.evidence["hours"] for f in found) > 0.1 * 744
    assert all(f.category == "validity" and f.evidence["escalation"] is None for f in found)


def _drifting_nh3(holds: list[tuple[int, int]]) -> np.ndarray:
    """90 days of an NH3-N read to 0.1 mg/L that drifts a step at a time (as `_drifting_ph`,
    a channel the month count judges), 7.2 held ``hours`` from each ``at`` of ``holds`` and a
    step up after each, as the series moves."""
    return _held_nh3(effluent(24 * 90, mean=7.2, cv=0.007, step=0.1, seed=4), holds, value=7.2)


def test_a_second_looks_holds_are_not_counted_against_the_month() -> None:
    """A hold of a drifting NH3-N in July (50 h), within the series' own tail at the stated
    rate, is found only by the second look that the outlet's COD hold (60 h in August,
    validity) opened, at 100 times the rate: a lead beside that finding, not hours the
    series' null rejects, so not counted against the month (honest generator, tuning seeds
    5-24: an honest outlet's one validity hold let the second look's holds of its neighbours
    lift their month past the bar). Two such holds in one month (50 and 55 h, 105 h past the
    74.4 h a month may lack) are past chance at the second look's own rate (0.1 a
    series-year): counted, sustained (reviewer-T7d: the first version excused any number, so
    a freeze cut into pieces the first look misses escaped the month). A hold the first look
    finds in the same month (91 h, past the bar alone) is counted with them; without the
    COD's hold, no second look, and the holds are not found at all."""
    nh3 = _drifting_nh3([(1000, 50), (1250, 55)])
    n = len(nh3)
    assert (
        FrozenValueDetector(sign_months=1).detect(make_frame(MN, {NH3N: nh3, FLOW: flow(n)}), SPEC)
        == []
    )
    # with the outlet's COD hold (August), which opens the second look: `_nh3_found`

    (lone,) = _nh3_found(_drifting_nh3([(1000, 50)]))
    assert lone.category == "validity" and lone.evidence["escalation"] is None
    assert lone.evidence["found_outlet_factor"] == 100.0
    assert lone.evidence["month"] == "2026-07" and lone.evidence["month_counted"] is False
    held_ = _nh3_found(nh3)
    assert len(held_) == 2
    assert sum(f.evidence["hours"] for f in held_) > 0.1 * 744
    for f in held_:
        assert f.category == "integrity" and f.evidence["escalation"] == "sustained"
        assert f.evidence["found_outlet_factor"] == 100.0
        assert f.evidence["month"] == "2026-07"
        assert f.evidence["month_counted"] is True
    # a first-look hold past the month's bar alone in the same July (91 h): counted with them
    held_ = _nh3_found(_drifting_nh3([(1000, 50), (1250, 55), (1360, 90)]))
    assert len(held_) == 3
    assert [f.evidence["found_outlet_factor"] for f in held_] == [100.0, 100.0, None]
    assert [f.evidence["month_counted"] for f in held_] == [True, True, True]
    assert all(f.evidence["escalation"] == "sustained" for f in held_)
    month = sum(f.evidence["hours"] for f in held_)
    assert all(f.evidence["held_hours_in_month"] == month for f in held_)


def test_a_second_looks_hold_within_its_values_own_runs_is_not_counted() -> None:
    """A drifting NH3-N read to 0.1 whose honest runs at 7.2 (195 of them, its usual value)
    reach 41 h, and whose tail at the stated rate reaches past 90 h: held at 7.2 for 90 h in
    July (past the 74.4 h a month may lack on its own), found only by the second look the
    outlet's COD hold opened. Its value's own runs account for it at the stated rate (honest
    generator, tuning seeds 5-24: a stable plant's NH3-N at 0.8 read to 0.1 for 142-199 h,
    its other runs at 0.8 reaching 121 h): not counted, validity. Held 110 h, past that tail,
    or 90 h at 7.3, a value it holds in shorter runs: counted, sustained."""
    base = effluent(24 * 90, mean=7.2, cv=0.005, step=0.1, seed=5)
    n = len(base)
    cod = honest_cod(n)
    cod[1500:1560] = 23.4
    for value, hours, counted in ((7.2, 90, False), (7.2, 110, True), (7.3, 90, True)):
        nh3 = base.copy()
        nh3[1000 : 1000 + hours] = value
        nh3[1000 + hours] = 7.2 if value == 7.3 else 7.3
        frame = make_frame(MN, {NH3N: nh3, COD: cod, FLOW: flow(n)})
        held_ = [
            f for f in FrozenValueDetector(sign_months=1).detect(frame, SPEC) if f.pollutant == NH3N
        ]
        assert len(held_) == 1, (value, hours)
        f = held_[0]
        assert f.evidence["found_outlet_factor"] == 100.0
        assert f.evidence["hours"] > 0.1 * 744
        if counted:
            assert f.category == "integrity" and f.evidence["escalation"] == "sustained"
        else:
            assert f.category == "validity" and f.evidence["escalation"] is None
        assert f.evidence["month_counted"] is counted


def test_a_hold_under_anything_measured_is_counted_not_taken_for_the_floor() -> None:
    """The same COD held 200 h in September at 0.5 under its least reading, and at its least
    reading: the hold makes that value the series' least, but the series never visits it in
    runs of its own (`VALUE_RUNS`), so it is no floor that is read each cycle. Its hours count
    against the month (200 of 720, past the 10 % a month may lack): integrity, month in
    evidence (reviewer-Q's Q1: such holds stayed validity in 4 of 10 draws)."""
    for under in (0.5, 0.0):
        cod, q = _long_cod()
        value = round(float(cod.min()) - under, 1)
        cod[SEPTEMBER + 100 : SEPTEMBER + 300] = value
        found = FrozenValueDetector(sign_months=1).detect(make_frame(MN, {COD: cod, FLOW: q}), SPEC)
        held_ = [f for f in found if f.evidence["value"] == value]
        assert len(held_) == 1
        f = held_[0]
        assert f.category == "integrity"
        assert f.evidence["month"] == "2026-09"
        assert f.evidence["held_hours_in_month"] >= 200


def test_the_month_in_evidence_is_one_past_its_own_bar() -> None:
    """A stuck hold across February and March 2027: 70 h in February (past its 67.2 h, 10 %
    of 672) and 73 h in March (under its 74.4 h). It is sustained because February fails, so
    February is the month its evidence and summary name, not March with more hours but under
    its own bar (reviewer-Q's Q4: the summary said 73 h was more than 10 % of 744 h)."""
    n = 24 * 200
    march = (31 + 31 + 28) * 24  # the local hour of 2027-03-01 00:00 from 2026-12-01 00:00
    cod, q = honest_cod(n, hold=1), flow(n)
    cod[march - 69 : march + 73] = cod[march - 70]
    found = FrozenValueDetector(sign_months=1).detect(
        make_frame(MN, {COD: cod, FLOW: q}, "2026-12-01 00:00"), SPEC
    )
    assert len(found) == 1
    e = found[0].evidence
    assert e["escalation"] == "sustained"
    assert (e["month"], e["held_hours_in_month"], e["month_hours"]) == ("2027-02", 70, 672)
    assert e["held_hours_in_month"] > e["allowed_share"] * e["month_hours"]
    assert "70 h unflagged in 2027-02" in found[0].summary


def test_a_channel_reading_only_its_floor_is_not_counted_as_unmeasured() -> None:
    """NH3-N reported as its detection limit, 0.025 mg/L, for 60 days (a logger that reports
    the limit as a constant): one held value and no step to measure "near zero" by. Its hold is
    found (validity: ask for the analyser's log) but its hours are its floor's, not counted
    against the month (reviewer-Q2's R10: integrity "sustained", 720 h of June)."""
    n = 24 * 60
    spec = make_spec(MN, w21003={"limit": 5.0, "cycle_minutes": 60.0})
    cod = np.round(30 + 5 * np.random.default_rng(1).standard_normal(n), 1)
    frame = make_frame(MN, {NH3N: np.full(n, 0.025), COD: cod, FLOW: flow(n)})
    found = [
        f for f in FrozenValueDetector(sign_months=1).detect(frame, spec) if f.pollutant == NH3N
    ]
    assert len(found) == 1
    assert found[0].category == "validity"
    assert found[0].evidence["month"] is None


def test_holds_whose_own_checks_read_the_held_value_are_a_stuck_analysers() -> None:
    """The two 51 h holds of September (102 h, past the 72 h a month may lack) of a COD whose
    daily check (flagged C, 07:00) reads its 25 mg/L standard: where the checks inside the
    holds read the held value, the analyser itself was stuck (its check did not read the
    standard) and its own record shows the fault: validity, the check's time in evidence, not
    counted against the month (honest generator tuning seeds 5-24: 17 of the 80 "sustained"
    findings were such holds). Where the checks inside read the standard, the analyser measured
    while the values were held, as under a frozen output: sustained. A hold at the standard's
    own value, with the checks reading it, is no sign of a stuck analyser (a standard fed as the
    sample reads as its checks do), nor are maintenance hours reading it (an analyser in
    maintenance may hold its output) or a flagged reading of it before the hold (the analyser
    may have measured it: a frozen output holds the last measurement too)."""
    cod, q, flags, check = _checked_cod()
    holds = (SEPTEMBER + 100, SEPTEMBER + 400)
    for at in holds:
        _stuck(cod, at, 50)  # the checks inside read the held value too
    frame = make_frame(MN, {COD: cod, FLOW: q}, flags={COD: flags})
    found = FrozenValueDetector(sign_months=1).detect(frame, SPEC)
    assert len(found) == 2
    for f in found:
        assert f.category == "validity"
        assert f.evidence["escalation"] is None
        assert f.start <= f.evidence["stuck_check"] <= f.end
        assert f.evidence["month"] is None
    measured = cod.copy()
    measured[check] = 25.0  # the checks inside read the standard: the analyser measured
    frame = make_frame(MN, {COD: measured, FLOW: q}, flags={COD: flags})
    found = FrozenValueDetector(sign_months=1).detect(frame, SPEC)
    assert [f.evidence["escalation"] for f in found] == ["sustained", "sustained"]
    assert all(f.evidence["stuck_check"] is None for f in found)
    assert all(f.evidence["held_hours_in_month"] > 0.1 * 720 for f in found)
    # the second hold at the standard's value, its checks reading it as they do every day
    standard = measured.copy()
    standard[holds[1] - 1 : holds[1] + 50] = 25.0
    frame = make_frame(MN, {COD: standard, FLOW: q}, flags={COD: flags})
    found = FrozenValueDetector(sign_months=1).detect(frame, SPEC)
    at_standard = [f for f in found if f.evidence["value"] == 25.0]
    assert len(at_standard) == 1
    assert at_standard[0].evidence["stuck_check"] is None
    assert at_standard[0].category == "integrity"
    assert at_standard[0].evidence["held_hours_in_month"] > 0.1 * 720
    # maintenance hours reading the held value, just before each hold and inside it (an
    # analyser in maintenance may hold its output by design), the checks reading the
    # standard: the holds are counted, as without them
    before = measured.copy()
    before_flags = flags.copy()
    for at in holds:
        before_flags[at - 3 : at - 1] = "M"
        before[at - 3 : at - 1] = before[at - 1]
        before_flags[at + 20] = "M"
    frame = make_frame(MN, {COD: before, FLOW: q}, flags={COD: before_flags})
    found = FrozenValueDetector(sign_months=1).detect(frame, SPEC)
    assert [f.evidence["escalation"] for f in found] == ["sustained", "sustained"]


def test_a_stuck_hold_past_twice_what_a_month_may_lack_is_counted() -> None:
    """A constant written over every hour of a COD for a week, its daily checks (flagged C,
    which read the 25 mg/L standard elsewhere) included: the checks inside read the held
    value, as a stuck analyser's would, but 168 held hours in one month pass twice the 72 h a
    month may lack (a stuck analyser's fault is on its record within days): counted,
    "sustained". The same over three days stays a stuck analyser's validity finding
    (reviewer-T2's fz_stuck.py: validity at every length before)."""
    cod, q, flags, _ = _checked_cod()
    for hours, escalation in ((168, "sustained"), (72, None)):
        written = cod.copy()
        written[SEPTEMBER + 100 : SEPTEMBER + 100 + hours] = 38.6  # checks overwritten too
        frame = make_frame(MN, {COD: written, FLOW: q}, flags={COD: flags})
        found = [
            f
            for f in FrozenValueDetector(sign_months=1).detect(frame, SPEC)
            if f.evidence["value"] == 38.6
        ]
        assert len(found) == 1
        assert found[0].evidence["escalation"] == escalation
        if escalation is None:
            assert found[0].category == "validity"
            assert found[0].evidence["stuck_check"] is not None
        else:
            assert found[0].category == "integrity"
            assert found[0].evidence["stuck_check"] is None
            assert found[0].evidence["held_hours_in_month"] > 2 * 72


def test_a_stuck_looking_hold_straddling_a_month_start_is_counted_in_its_30_days() -> None:
    """Reviewer-T3's T3-6: a constant written over every hour of a COD, its daily C checks
    included (a hold its own checks read: an analyser that looks stuck), of 260 h: inside one
    local month it passes twice what a month may lack and is "sustained"; split evenly across a
    local month start (130 h in each) it was validity; any 720 h holding it counts too."""
    n = 24 * 120
    local = [hour(i).tz_convert("Asia/Shanghai") for i in range(n)]
    start = [i for i in range(1, n) if local[i].month != local[i - 1].month][1]
    for a in (start + 200, start - 130):
        cod = effluent(n, mean=40.0, cv=0.2, hold_hours=1, step=0.1, seed=7)
        flags = np.array(["N"] * n, dtype=object)
        for d in range(n // 24):
            flags[d * 24 + 10] = "C"
            cod[d * 24 + 10] = round(25.0 + np.random.default_rng(d).normal(0, 0.2), 1)
        cod[a : a + 260] = 38.6
        frame = make_frame(MN, {COD: cod, FLOW: flow(n)}, flags={COD: flags})
        found = [
            f for f in FrozenValueDetector(sign_months=1).detect(frame, SPEC) if f.pollutant == COD
        ]
        assert [(f.category, f.evidence.get("escalation")) for f in found] == [
            ("integrity", "sustained")
        ], a - start


def test_a_check_leading_into_a_hold_that_reads_the_held_value_shows_the_analyser_stuck() -> None:
    """Two 51 h holds in September (102 h, past the 72 h a month may lack) of a COD whose daily
    check (flagged C) reads its 25 mg/L standard. Before each hold the analyser is checked (two
    C hours, zero and span, after its last measurement) and both checks read the value it then
    holds: a check reads its standard, and one that reads the held value did not, as inside a
    hold (honest generator tuning seeds 5-24: a pH stuck at 7.28 whose two buffer checks read
    7.28, then held 36 h; the held run starts after the checks, so they were not inside it):
    validity, the first such check's time in evidence, not counted against the month. Where
    the checks before the holds read the standard, the analyser measured: sustained. And a hold
    at the standard's own value that the check leading into it reads, as every check reads it,
    is what a standard fed as the sample gives: counted, "sustained" (a check may read the held
    value only where the checks read it nowhere else)."""
    cod, q, flags, check = _checked_cod()
    holds = (SEPTEMBER + 100, SEPTEMBER + 400)
    stuck = cod.copy()
    stuck_flags = flags.copy()
    for at in holds:
        stuck_flags[at - 2 : at] = "C"  # zero and span checks, both reading the stuck value
        stuck[at - 2 : at + 51] = stuck[at - 3]
    stuck[check] = 25.0  # the daily checks inside the holds read the standard
    frame = make_frame(MN, {COD: stuck, FLOW: q}, flags={COD: stuck_flags})
    found = [
        f
        for f in FrozenValueDetector(sign_months=1).detect(frame, SPEC)
        if f.evidence["hours"] >= 48
    ]
    assert len(found) == 2
    for f, at in zip(found, holds, strict=True):
        assert f.start == hour(at)
        assert f.category == "validity"
        assert f.evidence["escalation"] is None
        assert f.evidence["stuck_check"] == hour(at - 2)
        assert f.evidence["month"] is None
    # the checks before the holds reading the standard: the analyser measured, sustained
    measured_flags = stuck_flags.copy()
    measured = stuck.copy()
    for at in holds:
        measured[at - 2 : at] = 25.0
    frame = make_frame(MN, {COD: measured, FLOW: q}, flags={COD: measured_flags})
    found = [
        f
        for f in FrozenValueDetector(sign_months=1).detect(frame, SPEC)
        if f.evidence["hours"] >= 48
    ]
    assert [f.evidence["escalation"] for f in found] == ["sustained", "sustained"]
    assert all(f.evidence["stuck_check"] is None for f in found)

    # a hold at the standard's value that the check leading into it reads, as every check
    # reads it (a standard fed as the sample reads as its checks do): counted
    on_check = flags.copy()
    exact = cod.copy()
    for at in holds:
        on_check[at - 1] = "C"
        exact[at - 1 : at + 51] = 25.0
    frame = make_frame(MN, {COD: exact, FLOW: q}, flags={COD: on_check})
    found = [
        f
        for f in FrozenValueDetector(sign_months=1).detect(frame, SPEC)
        if f.evidence["value"] == 25.0
    ]
    assert len(found) == 2
    assert all(f.evidence["escalation"] == "sustained" for f in found)
    assert all(f.evidence["stuck_check"] is None for f in found)


def test_an_output_frozen_at_the_reading_a_check_just_gave_buys_no_stuck_analyser() -> None:
    """Reviewer-T6's probe. A COD at about 30 mg/L whose daily check (flagged C) reads its
    25 mg/L standard with the analyser's own spread at 0.1 mg/L, so many checks read a value no
    other check reads. A falsifier freezes the output for 51 h right after such a check, twice
    in September, at the value that check read (the checks inside left as the analyser read
    them): the check leading into the hold reads the held value, but the analyser measured the
    water just before it, so it shows no analyser stuck: integrity, sustained. The same after
    three days of the standard fed as the sample ending in that check."""
    cod, q, flags, check = _checked_cod()
    cod[check] = np.round(25.0 + 0.8 * np.random.default_rng(1).normal(size=check.size), 1)
    values, counts = np.unique(cod[check], return_counts=True)
    once = set(values[counts == 1].tolist())
    chosen = [int(c) for c in check if c >= SEPTEMBER and float(cod[c]) in once]
    holds = (chosen[0], next(c for c in chosen if c > chosen[0] + 300))
    frozen = cod.copy()
    fed = cod.copy()
    for c in holds:
        for x in (frozen, fed):
            x[c + 1 : c + 52] = cod[c]
            x[c + 24] = cod[c + 24]  # the check inside, as the analyser read it
        fed[c - 72 : c] = np.round(25.0 + 0.8 * np.random.default_rng(c).normal(size=72), 1)
    for x in (frozen, fed):
        frame = make_frame(MN, {COD: x, FLOW: q}, flags={COD: flags})
        found = [
            f
            for f in FrozenValueDetector(sign_months=1).detect(frame, SPEC)
            if f.evidence["hours"] >= 40
        ]
        assert [f.start for f in found] == [hour(c + 1) for c in holds]
        assert all(f.category == "integrity" for f in found)
        assert all(f.evidence["escalation"] == "sustained" for f in found)
        assert all(f.evidence["stuck_check"] is None for f in found)


def _held_nh3(
    base: np.ndarray, holds: list[tuple[int, int]], value: float | None = None
) -> np.ndarray:
    """``base`` held at ``value`` (or the reading before each hold) for ``hours`` from each
    ``at`` of ``holds``, a step up after each."""
    nh3 = base.copy()
    for at, hours in holds:
        v = nh3[at - 1] if value is None else value
        nh3[at : at + hours] = v
        nh3[at + hours] = round(v + 0.1, 9)
    return nh3


def _nh3_found(nh3: np.ndarray) -> list:
    """frozen's NH3-N findings on ``nh3`` beside an honest COD whose August hold opens the
    second look."""
    n = len(nh3)
    cod = honest_cod(n)
    cod[1500:1560] = 23.4  # the first look's validity hold (August) opens the second look
    frame = make_frame(MN, {NH3N: nh3, COD: cod, FLOW: flow(n)})
    return [
        f for f in FrozenValueDetector(sign_months=1).detect(frame, SPEC) if f.pollutant == NH3N
    ]


def test_a_freeze_split_into_second_look_pieces_is_still_sustained() -> None:
    """A drifting NH3-N frozen at its last reading for 60 h six times in July (360 h, half
    the month): each piece under the first look's bar and under a month's bar alone, found
    only by the second look. Two or more such holds in one channel-month are past chance at
    the second look's own rate (0.1 a series-year): counted, sustained."""
    base = effluent(24 * 90, mean=7.2, cv=0.007, step=0.1, seed=4)
    holds = [(740 + 120 * i, 60) for i in range(6)]
    found = _nh3_found(_held_nh3(base, holds))
    assert len(found) >= 2
    assert all(f.evidence["found_outlet_factor"] == 100.0 for f in found)
    assert all(f.evidence["month_counted"] is True for f in found)
    assert all(f.category == "integrity" and f.evidence["escalation"] == "sustained" for f in found)


def test_holds_within_their_values_habit_are_excused_one_a_month() -> None:
    """The branch's NH3-N whose runs at 7.2 reach 41 h: one 90 h second-look hold at 7.2 in
    July is within its value's tail (validity); three of 90 h in July (36 % of the month)
    each within that tail are not all chance: counted, sustained."""
    base = effluent(24 * 90, mean=7.2, cv=0.005, step=0.1, seed=5)
    (one,) = _nh3_found(_held_nh3(base, [(1000, 90)], value=7.2))
    assert one.category == "validity" and one.evidence["month_counted"] is False
    three = _nh3_found(_held_nh3(base, [(760, 90), (960, 90), (1160, 90)], value=7.2))
    assert len(three) == 3
    assert all(f.category == "integrity" and f.evidence["escalation"] == "sustained" for f in three)


def test_one_hold_across_a_months_end_is_one_month_not_a_pattern() -> None:
    """reviewer-T8d2: a hold across the end of August passing both months' bars (80 h in each)
    is one stuck spell, not months past their bar again and again: validity, as the same hold
    inside one month is; another hold past October's bar makes the pattern."""
    cod, q = _long_cod()
    _stuck(cod, SEPTEMBER - 80, 159)  # 80 h in August (bar 74.4), 80 h in September (72)
    found = FrozenValueDetector().detect(make_frame(MN, {COD: cod, FLOW: q}), SPEC)
    assert [(f.category, f.evidence["month_over"]) for f in found] == [("validity", True)]
    _stuck(cod, OCTOBER + 200, 79)
    found = FrozenValueDetector().detect(make_frame(MN, {COD: cod, FLOW: q}), SPEC)
    assert [f.evidence["escalation"] for f in found] == ["sustained", "sustained"]
