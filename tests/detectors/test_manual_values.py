"""manual_values: hand-set values, by share of the month and over high flow."""

from __future__ import annotations

import numpy as np
import pandas as pd

from detectors.checks.manual_values import ManualValuesDetector
from detectors.spec import COD, FLOW, NH3N, TP, OutletSpec, PollutantSpec
from tests.detectors.c2_helpers import cycled, frame, hour
from tests.detectors.conftest import count_calls
from tests.detectors.flag_helpers import N, cod_spec, daily_flow, normal_flags, random_gaps


def test_manual_values_share_of_month() -> None:
    cod = cycled(N, level=25, spread=3, hold_hours=2, seed=1)
    flags = normal_flags()
    flags[300:400] = "S"  # 100 of 720 hours typed in (13.9 %)
    found = ManualValuesDetector().detect(frame({COD: cod}, {COD: flags}), cod_spec())
    assert [(f.start, f.end) for f in found] == [(hour(300), hour(399))]
    assert found[0].evidence["share"] > 0.13 and "13.9%" in found[0].summary


def test_manual_values_over_high_flow_hours_and_honest_repair_days() -> None:
    cod = cycled(N, level=25, spread=3, hold_hours=2, seed=1)
    q = daily_flow()
    flags = normal_flags()
    peak = np.flatnonzero(q >= np.quantile(q, 0.9))[:24:2]  # 12 S hours, all at peak flow
    flags[peak] = "S"
    found = ManualValuesDetector().detect(frame({COD: cod, FLOW: q}, {COD: flags}), cod_spec())
    assert [(f.start, f.end) for f in found] == [(hour(peak[0]), hour(peak[-1]))]
    assert found[0].evidence["high_load_hours"] == 12
    flags = normal_flags()
    flags[200:248] = "S"  # two days of lab values after a breakdown: 6.7 %, every load
    assert ManualValuesDetector().detect(frame({COD: cod, FLOW: q}, {COD: flags}), cod_spec()) == []


def test_manual_values_both_rules_make_one_finding() -> None:
    cod = cycled(N, level=25, spread=3, hold_hours=2, seed=1)
    q = daily_flow()
    flags = normal_flags()
    peak = np.flatnonzero(q >= np.quantile(q, 0.75))[:100]  # 100 S hours, all at high flow
    flags[peak] = "S"
    (f,) = ManualValuesDetector().detect(frame({COD: cod, FLOW: q}, {COD: flags}), cod_spec())
    assert (f.start, f.end) == (hour(peak[0]), hour(peak[-1]))
    assert f.evidence["share"] > 0.1 and f.evidence["high_load_hours"] == 100
    assert ";" in f.evidence["rule"]


def _lab_values(cod: np.ndarray, a: int, b: int, every: int, decimals: int = 0) -> np.ndarray:
    """``cod`` with hours ``a..b-1`` replaced by lab results: the analyser's value every ``every``
    hours, held and rounded to ``decimals`` (1 mg/L)."""
    out = cod.copy()
    idx = a + (np.arange(b - a) // every) * every
    out[a:b] = np.round(cod[idx], decimals)
    return out


def test_manual_values_typed_values_flat_against_the_channels_own_variation() -> None:
    n = 24 * 120
    cod = cycled(n, level=25, spread=4, hold_hours=2, seed=3)
    flags = normal_flags(n)
    cod[1000:1072] = 22.0  # three days of one typed value, flagged S (10 % of no month)
    flags[1000:1072] = "S"
    (f,) = ManualValuesDetector().detect(frame({COD: cod}, {COD: flags}), cod_spec())
    assert (f.start, f.end) == (hour(1000), hour(1071))
    ev = f.evidence
    assert ev["relative_range"] == 0.0 and ev["hold_hours"] == 6 and ev["window_hours"] == 72
    assert ev["p_value"] < ev["threshold"] == 0.001 * n / 8766.0
    assert ev["false_alarm_rate_per_year"] == 0.001 and "statistic" in ev and "rule" in ev


def test_manual_values_a_round_typed_value_is_read_at_the_lab_methods_step() -> None:
    # one day of COD typed as 20 mg/L, flagged S: its own step (2 mg/L) would compare it with
    # the analyser read every 6 h at 2 mg/L, which is now and then as flat; an honest lab reports
    # COD to 1 mg/L (HJ 828), at which four results a day are never all the same here
    n = 24 * 120
    cod = cycled(n, level=22, spread=3, hold_hours=2, seed=3, decimals=1)
    flags = normal_flags(n)
    cod[1000:1024] = 20.0
    flags[1000:1024] = "S"
    (f,) = ManualValuesDetector().detect(frame({COD: cod}, {COD: flags}), cod_spec())
    assert (f.start, f.end) == (hour(1000), hour(1023))
    assert f.evidence["resolution"] == 1.0 and f.evidence["hold_hours"] == 6
    assert f.evidence["p_value"] < f.evidence["threshold"]
    # the same day as an honest lab reports it: results every 6 h, to 1 mg/L
    cod = _lab_values(
        cycled(n, level=22, spread=3, hold_hours=2, seed=3, decimals=1), 1000, 1024, 6
    )
    assert ManualValuesDetector().detect(frame({COD: cod}, {COD: flags}), cod_spec()) == []


def test_manual_values_honest_lab_results_every_six_hours_are_not_typed_values() -> None:
    # an analyser breakdown: three days of lab results every 6 h, rounded to 1 mg/L
    n = 24 * 120
    cod = cycled(n, level=25, spread=4, hold_hours=2, seed=3)
    flags = normal_flags(n)
    for a in (1000, 2000):
        cod = _lab_values(cod, a, a + 72, 6)
        flags[a : a + 72] = "S"
    assert ManualValuesDetector().detect(frame({COD: cod}, {COD: flags}), cod_spec()) == []


def test_manual_values_the_analysers_own_readings_entered_by_hand_are_not_typed_values() -> None:
    # honest S hours: after link failures the operator enters the analysers' stored readings by
    # hand, as measured (each channel's own variation), five times on every channel
    n = 24 * 120
    values, flags = _three_channels(n)
    for a, hours in ((300, 12), (900, 24), (1500, 48), (2100, 24), (2600, 36)):
        for code in values:
            flags[code][a : a + hours] = "S"
    assert ManualValuesDetector().detect(frame(values, flags), cod_spec()) == []
    # one of those days typed as one value on COD: found, and only that day
    values[COD][900:924] = values[COD][900]
    (f,) = ManualValuesDetector().detect(frame(values, flags), cod_spec())
    assert (f.pollutant, f.start, f.end) == (COD, hour(900), hour(923))


def _three_channels(n: int) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """COD, NH3-N and TP of an honest outlet (independent noise, own cycles), flags N."""
    values = {
        COD: cycled(n, level=25, spread=4, hold_hours=2, seed=3),
        NH3N: cycled(n, level=2.5, spread=0.4, hold_hours=1, seed=4),
        TP: cycled(n, level=0.3, spread=0.05, hold_hours=3, seed=5, decimals=3),
    }
    return values, {c: normal_flags(n) for c in values}


def _coarse_channels(n: int) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """COD, NH3-N and TP of an honest outlet whose analysers report coarsely (1, 0.1 and 0.01
    mg/L) and vary little: four readings a day are now and then all the same."""
    values = {
        COD: cycled(n, level=25, spread=2.8, hold_hours=2, seed=3, decimals=0),
        NH3N: cycled(n, level=2.5, spread=0.28, hold_hours=1, seed=4, decimals=1),
        TP: cycled(n, level=0.3, spread=0.035, hold_hours=3, seed=5, decimals=2),
    }
    return values, {c: normal_flags(n) for c in values}


def _steady_nh3n(n: int) -> np.ndarray:
    """NH3-N of about 2.5 mg/L read to 0.1 mg/L by a steady analyser: four readings a day are
    now and then all the same."""
    return cycled(n, level=2.5, spread=0.15, hold_hours=1, seed=4, decimals=1)


def test_manual_values_channels_typed_together_are_pooled() -> None:
    # one day of two typed values (12 h each) on three channels at once: each alone as flat as a
    # day of its own measurements about once in a hundred (p above the bar), all three together
    # not (the reference windows hold four results, as the day does: the windows overlapping
    # the typed day itself, with fewer, would make any day look ordinary)
    n = 24 * 120
    values, flags = _coarse_channels(n)
    for code, typed in ((COD, (24.0, 26.0)), (NH3N, (2.4, 2.6)), (TP, (0.29, 0.32))):
        values[code][1000:1024] = np.repeat(typed, 12)
        flags[code][1000:1024] = "S"
    (f,) = ManualValuesDetector().detect(frame(values, flags), cod_spec())
    ev = f.evidence
    assert f.pollutant is None and (f.start, f.end) == (hour(1000), hour(1023))
    assert ev["channels"] == [COD, NH3N, TP] and ev["window_hours"] == 24
    assert all(p > ev["threshold"] for p in ev["channel_p_values"].values())
    assert ev["p_value"] < ev["threshold"] == 0.001 * n / 8766.0
    assert 3.0 <= ev["correlation_sum"] <= 9.0 and "3 channels" in f.summary
    # one channel typed alone that day: nothing to pool
    values, flags = _coarse_channels(n)
    values[COD][1000:1024] = np.repeat((24.0, 26.0), 12)
    flags[COD][1000:1024] = "S"
    assert ManualValuesDetector().detect(frame(values, flags), cod_spec()) == []


def test_manual_values_lab_results_on_every_channel_after_a_breakdown_are_not_pooled() -> None:
    # the analysers' room loses power: three days of lab results every 6 h on every channel
    n = 24 * 120
    values, flags = _three_channels(n)
    for code, decimals in ((COD, 0), (NH3N, 2), (TP, 2)):
        values[code] = _lab_values(values[code], 1000, 1072, 6, decimals)
        flags[code][1000:1072] = "S"
    assert ManualValuesDetector().detect(frame(values, flags), cod_spec()) == []


def test_manual_values_typed_values_jumping_at_a_coarse_step_are_found() -> None:
    # two days of TP "entered" as 0.2, 0.3, 0.4 mg/L drawn at random each hour: the analyser's own
    # readings (level 0.3, to 0.001) never move that much from hour to hour
    n = 24 * 120
    values, flags = _three_channels(n)
    rng = np.random.default_rng(9)
    values[TP][1000:1048] = rng.choice([0.2, 0.3, 0.4], 48)
    flags[TP][1000:1048] = "S"
    (f,) = ManualValuesDetector().detect(frame(values, flags), cod_spec())
    ev = f.evidence
    assert (f.pollutant, f.start, f.end) == (TP, hour(1000), hour(1047))
    assert ev["statistic"].startswith("median absolute hourly change") and ev["hold_hours"] == 1
    assert ev["roughness"] > 2 * ev["reference_median_roughness"]  # lab scatter included
    assert ev["p_value"] < ev["threshold"] == 0.001 * n / 8766.0
    assert ev["false_alarm_rate_per_year"] == 0.001 and ev["lab_cv"] == 0.10
    assert "jump by" in f.summary
    # the same day at the channel's own pace and scatter (its readings, as measured): nothing
    values, flags = _three_channels(n)
    flags[TP][1000:1048] = "S"
    assert ManualValuesDetector().detect(frame(values, flags), cod_spec()) == []


def test_manual_values_honest_scattered_lab_results_and_a_value_typed_once_are_not_jumpy() -> None:
    # honest S habits: lab results every 2 h with a lab's scatter (10 % relative sd), every 6 h
    # rounded to 1 mg/L, a short maintenance (8 h of results), and one value typed in once when
    # the analyser is down, held a day at the analyser's last reading
    n = 24 * 120
    values, flags = _three_channels(n)
    rng = np.random.default_rng(10)
    cod = values[COD]
    lab = cod[1000 + (np.arange(48) // 2) * 2] * np.repeat(np.exp(rng.normal(0, 0.1, 24)), 2)
    cod[1000:1048] = np.round(lab, 1)
    cod = _lab_values(cod, 1500, 1572, 6)
    cod[2000:2008] = np.round(cod[2000:2008] * np.exp(rng.normal(0, 0.1, 8)), 1)
    values[COD] = cod
    values[NH3N][2500:2524] = values[NH3N][2499]
    for code, a, hours in ((COD, 1000, 48), (COD, 1500, 72), (COD, 2000, 8), (NH3N, 2500, 24)):
        flags[code][a : a + hours] = "S"
    found = ManualValuesDetector().detect(frame(values, flags), cod_spec())
    assert [f for f in found if "roughness" in f.evidence] == []


def test_manual_values_flat_and_round_typed_values_are_found_together() -> None:
    # two days of NH3-N typed as 2.5 or 3 mg/L, a new value every 6 h, where the analyser
    # reports to 0.01 mg/L: a little flat for the channel (rule 1 alone does not fire) and every
    # value a multiple of 0.1 (the coarsest step read, at most a tenth of their level), where an
    # honest 0.01-mg/L result lands once in ten
    n = 24 * 120
    values, flags = _three_channels(n)
    rng = np.random.default_rng(11)
    values[NH3N][1000:1048] = np.repeat(rng.choice([2.5, 3.0], 8), 6)
    flags[NH3N][1000:1048] = "S"
    found = ManualValuesDetector().detect(frame(values, flags), cod_spec())
    (f,) = [f for f in found if f.pollutant == NH3N]
    ev = f.evidence
    assert (f.start, f.end) == (hour(1000), hour(1047)) and ev["statistic"].startswith("Fisher")
    assert ev["typed_step"] == 0.1 and ev["reported_step"] == 0.01 and ev["typed_values"] >= 2
    assert ev["p_flat"] >= ev["threshold"] > ev["p_value"]  # flatness alone is not enough
    assert "rounded to 0.1" in f.summary
    # the same hours as honest lab results every 6 h at the method's 0.01 mg/L: nothing
    values, flags = _three_channels(n)
    idx = 1000 + (np.arange(48) // 6) * 6
    values[NH3N][1000:1048] = np.round(values[NH3N][idx], 2)
    flags[NH3N][1000:1048] = "S"
    assert ManualValuesDetector().detect(frame(values, flags), cod_spec()) == []
    # typed at the step the analyser itself reports to (0.1 mg/L): no rounder than measured
    values, flags = _coarse_channels(n)
    values[NH3N][1000:1048] = np.round(values[NH3N][idx], 1)
    flags[NH3N][1000:1048] = "S"
    assert ManualValuesDetector().detect(frame(values, flags), cod_spec()) == []


def test_manual_values_one_value_held_a_day_is_not_four_lab_results() -> None:
    # one NH3-N value typed for a day where a steady analyser reports to 0.1 mg/L: its
    # readings, every 6 h, are now and then all the same, but four lab results of that water a
    # day, each with a lab's 2 % scatter, reported to 0.01 mg/L, never are
    n = 24 * 120
    values, flags = _coarse_channels(n)
    values[NH3N] = _steady_nh3n(n)
    values[NH3N][1000:1024] = 2.0  # not the day before's level (about 2.5): not a substitute
    flags[NH3N][1000:1024] = "S"
    (f,) = ManualValuesDetector().detect(frame(values, flags), cod_spec())
    ev = f.evidence
    assert (f.pollutant, f.start, f.end) == (NH3N, hour(1000), hour(1023))
    assert ev["reference_lab_cv"] == 0.02 and ev["relative_range"] == 0.0
    assert ev["p_value"] < ev["threshold"] and ev["hold_hours"] == 6
    # read against the analyser's readings alone (no lab scatter): as flat now and then
    assert ManualValuesDetector(flat_lab_cv=0.0).detect(frame(values, flags), cod_spec()) == []
    # four lab results that day, each the analyser's reading with a 2 % scatter: nothing
    values, flags = _coarse_channels(n)
    values[NH3N] = _steady_nh3n(n)
    rng = np.random.default_rng(12)
    idx = 1000 + (np.arange(24) // 6) * 6
    lab = values[NH3N][idx] * np.repeat(np.exp(rng.normal(0, 0.02, 4)), 6)
    values[NH3N][1000:1024] = np.round(lab, 2)
    flags[NH3N][1000:1024] = "S"
    assert ManualValuesDetector().detect(frame(values, flags), cod_spec()) == []


def test_manual_values_one_value_a_day_within_a_stretch_is_not_four_lab_results() -> None:
    # three days of NH3-N typed once a day (2.4, 2.1, 2.3 mg/L, each held 24 h): the stretch
    # changes, so rule 1 and rule 1e do not hold it flat, but each day is one value where
    # HJ 356 asks four lab results a day, and four results of that water never agree
    n = 24 * 120
    values, flags = _coarse_channels(n)
    values[NH3N] = _steady_nh3n(n)
    values[NH3N][1000:1072] = np.repeat([2.4, 2.1, 2.3], 24)
    flags[NH3N][1000:1072] = "S"
    (f,) = ManualValuesDetector().detect(frame(values, flags), cod_spec())
    ev = f.evidence
    assert (f.pollutant, f.start, f.end) == (NH3N, hour(1000), hour(1071))
    assert ev["relative_range"] > 0 and ev["hold_hours"] == 24
    assert ev["reference_lab_cv"] == 0.02 and "rule 1f" in ev["reference"]
    assert ev["p_value"] < ev["threshold"]
    # read against the analyser's readings alone (no lab scatter): as flat now and then
    assert ManualValuesDetector(flat_lab_cv=0.0).detect(frame(values, flags), cod_spec()) == []
    # the same days with four lab results each (a new value every 6 h): nothing
    values, flags = _coarse_channels(n)
    values[NH3N] = _steady_nh3n(n)
    rng = np.random.default_rng(12)
    idx = 1000 + (np.arange(72) // 6) * 6
    lab = values[NH3N][idx] * np.repeat(np.exp(rng.normal(0, 0.02, 12)), 6)
    values[NH3N][1000:1072] = np.round(lab, 2)
    flags[NH3N][1000:1072] = "S"
    assert ManualValuesDetector().detect(frame(values, flags), cod_spec()) == []
    # the analyser's stored readings entered by hand: its own cycle's values with one 30 h
    # hold among them (most values change within a day): not typed once a day
    values, flags = _coarse_channels(n)
    values[NH3N] = _steady_nh3n(n)
    values[NH3N][1020:1050] = 2.4
    flags[NH3N][1000:1072] = "S"
    assert ManualValuesDetector().detect(frame(values, flags), cod_spec()) == []


def test_manual_values_reference_windows_hold_as_many_results_as_the_stretch() -> None:
    # a gappy channel (a third of its hours missing): a reference window of a day holds two,
    # three or four readings, and fewer agree more easily; the typed day is compared with the
    # windows holding its four (here two or three hundred), not with every half-full one
    n = 24 * 120
    values, flags = _coarse_channels(n)
    values[NH3N] = random_gaps(_steady_nh3n(n), n // 3, seed=21)
    values[NH3N][1000:1024] = 2.0  # not the day before's level: not a substitute
    flags[NH3N][1000:1024] = "S"
    (f,) = ManualValuesDetector().detect(frame(values, flags), cod_spec())
    assert (f.pollutant, f.start, f.end) == (NH3N, hour(1000), hour(1023))
    assert 30 <= f.evidence["reference_windows"] < 2000 and f.evidence["p_value"] == 0.0
    # lab results that day, every 6 h, as the analyser reads the water: nothing
    values[NH3N] = _lab_values(random_gaps(_steady_nh3n(n), n // 3, seed=21), 1000, 1024, 6, 1)
    values[NH3N][1000:1024] = np.where(
        np.isnan(values[NH3N][1000:1024]), 2.5, values[NH3N][1000:1024]
    )
    assert ManualValuesDetector().detect(frame(values, flags), cod_spec()) == []


def test_manual_values_an_outlet_found_is_judged_again_at_ten_times_the_rate() -> None:
    # 16 h of one typed value (p about 7e-4): no finding alone at the stated rate; beside three
    # days typed and found, the outlet is judged again at ten times it, and the 16 h are a
    # finding stating that rate; with the factor 1 they are not
    n = 24 * 120
    cod = cycled(n, level=25, spread=4, hold_hours=2, seed=3)
    flags = normal_flags(n)
    cod[2000:2016] = 23.0
    flags[2000:2016] = "S"
    assert ManualValuesDetector().detect(frame({COD: cod}, {COD: flags}), cod_spec()) == []
    cod[1000:1072] = 22.0
    flags[1000:1072] = "S"
    found = ManualValuesDetector().detect(frame({COD: cod}, {COD: flags}), cod_spec())
    assert [(f.start, f.end) for f in found] == [(hour(1000), hour(1071)), (hour(2000), hour(2015))]
    assert [f.evidence["false_alarm_rate_per_year"] for f in found] == [0.001, 0.01]
    # the parameters as configured (reviewer-E E11: were the copy's 0.01 and factor 1)
    assert found[1].evidence["params"]["false_alarms_per_year"] == 0.001
    assert found[1].evidence["params"]["found_outlet_factor"] == 10.0
    assert [f.evidence["found_outlet_factor"] for f in found] == [None, 10.0]
    assert found[1].evidence["found_outlet_start"] == hour(1000)
    assert found[1].evidence["p_value"] <= found[1].evidence["threshold"]
    assert found[1].evidence["p_value"] > found[0].evidence["threshold"]
    alone = ManualValuesDetector(found_outlet_factor=1.0)
    assert len(alone.detect(frame({COD: cod}, {COD: flags}), cod_spec())) == 1


def test_manual_values_second_look_reads_what_the_first_learned(monkeypatch) -> None:
    # reviewer-E E10: the second look judges a found outlet again at ten times the rate; the
    # references, each stretch's statistics and p-values do not depend on the rate, so the
    # first look makes them once and the second reads them, and judges as a fresh detector at
    # ten times the rate does (same findings)
    import detectors.checks.manual_values as module
    from detectors.frame import OutletData

    calls = count_calls(monkeypatch, module, "_sampled", "_relative_ranges", "_lab_results")
    n = 24 * 120
    cod = cycled(n, level=25, spread=4, hold_hours=2, seed=3)
    flags = normal_flags(n)
    cod[2000:2016] = 23.0
    flags[2000:2016] = "S"
    cod[1000:1072] = 22.0
    flags[1000:1072] = "S"
    data = frame({COD: cod}, {COD: flags})
    first, look = ManualValuesDetector(), ManualValuesDetector(false_alarms_per_year=0.01)
    learned: dict = {}
    outlet = OutletData(data, cod_spec())
    assert [f.start for f in first._judge(outlet, learned)] == [hour(1000)]
    assert calls["_sampled"] > 0 and calls["_relative_ranges"] > 0 and len(learned) > 0
    made = dict(calls)
    again = list(look._judge(outlet, learned))
    assert calls == made  # nothing worked out again
    assert [f.start for f in again] == [hour(1000), hour(2000)]
    assert again == list(look._judge(OutletData(data, cod_spec())))  # as from scratch
    # channels typed together (rule 1b) and a jumpy stretch (rule 1c): the same
    for values, flags in (_coarse_channels(n), _three_channels(n)):
        for code, typed in ((COD, (24.0, 26.0)), (NH3N, (2.4, 2.6)), (TP, (0.29, 0.32))):
            values[code][1000:1024] = np.repeat(typed, 12)
            flags[code][1000:1024] = "S"
        values[TP][2000:2048] = np.random.default_rng(9).choice([0.2, 0.3, 0.4], 48)
        flags[TP][2000:2048] = "S"
        data = frame(values, flags)
        learned = {}
        outlet = OutletData(data, cod_spec())
        found = list(first._judge(outlet, learned))
        assert found == list(first._judge(OutletData(data, cod_spec())))
        made = dict(calls)
        again = list(look._judge(outlet, learned))
        assert calls == made
        assert again == list(look._judge(OutletData(data, cod_spec())))
        assert len(again) >= len(found) >= 1


def test_manual_values_a_substitute_at_the_day_befores_level_is_a_validity_note() -> None:
    # the analyser down for 30 h and the operator enters one value, the day before's median
    # rounded, flagged S: an open substitute (the hours are not measurements), not typing that
    # hides a level; rules 1 and 1e found it as typed before
    n = 24 * 120
    values, flags = _coarse_channels(n)
    values[NH3N] = _steady_nh3n(n)
    level = float(np.median(values[NH3N][976:1000]))
    values[NH3N][1000:1030] = np.round(level / 0.2) * 0.2  # a round number near that level
    flags[NH3N][1000:1030] = "S"
    (f,) = ManualValuesDetector().detect(frame(values, flags), cod_spec())
    assert (f.category, f.pollutant, f.start, f.end) == ("validity", NH3N, hour(1000), hour(1029))
    assert f.evidence["manual_hours"] == 30 and "substitute" in f.summary
    # the same value for 20 h (under substitute_hours): tested for typing as before
    values, flags = _coarse_channels(n)
    values[NH3N] = _steady_nh3n(n)
    values[NH3N][1000:1030] = np.round(level / 0.2) * 0.2
    flags[NH3N][1000:1030] = "S"
    found = ManualValuesDetector(substitute_hours=48).detect(frame(values, flags), cod_spec())
    assert [(f.category, f.detector) for f in found] == [("integrity", "manual_values")]


def test_manual_values_long_or_repeated_substitutes_are_tested_for_typing() -> None:
    # reviewer-O O21/O22: NH3-N typed 2.4 mg/L (the day before's level, about 2.5, rounded) is
    # a substitute; once for 24 h it is a validity note at the first look (the recall traded),
    n = 24 * 120
    values, flags = _coarse_channels(n)
    values[NH3N] = _steady_nh3n(n)
    values[NH3N][1000:1024] = 2.4
    flags[NH3N][1000:1024] = "S"
    found = ManualValuesDetector().detect(frame(values, flags), cod_spec())
    assert [(f.category, f.start, f.end) for f in found] == [("validity", hour(1000), hour(1023))]
    # ... but the day before's level carried over 5 days is longer than a repair: typing
    values, flags = _coarse_channels(n)
    values[NH3N] = _steady_nh3n(n)
    level = float(np.median(values[NH3N][976:1000]))
    values[NH3N][1000:1120] = np.round(level / 0.2) * 0.2
    flags[NH3N][1000:1120] = "S"
    found = ManualValuesDetector().detect(frame(values, flags), cod_spec())
    assert ("integrity", hour(1000)) in [(f.category, f.start) for f in found]
    # ... and so is a day of it every 10 days (12 substitutes in 120 days)
    values, flags = _coarse_channels(n)
    values[NH3N] = _steady_nh3n(n)
    for a in range(200, n - 48, 240):
        level = float(np.median(values[NH3N][a - 24 : a]))
        values[NH3N][a : a + 24] = np.round(level / 0.2) * 0.2
        flags[NH3N][a : a + 24] = "S"
    found = ManualValuesDetector().detect(frame(values, flags), cod_spec())
    assert any(f.category == "integrity" for f in found)


def test_manual_values_a_substitute_over_a_storm_is_not_placed_over_high_load() -> None:
    # the sample line clogs in a storm (flow twice its usual for 40 h) and the operator carries
    # the day before's NH3-N level forward, flagged S, until the repair: its hours are when the
    # analyser was down, so rule 3 (S hours placed over high load) does not count them at the
    # first look; the parent found 40 of 40 hours high (p ~ 1e-24) as integrity
    n = 24 * 120
    values, flags = _coarse_channels(n)
    values[NH3N] = _steady_nh3n(n)
    q = daily_flow(n)
    q[1000:1040] = 2 * q[1000:1040] + 800
    values[FLOW] = q
    flags[FLOW] = normal_flags(n)
    level = float(np.median(values[NH3N][976:1000]))
    values[NH3N][1000:1040] = np.round(level / 0.1) * 0.1
    flags[NH3N][1000:1040] = "S"
    (f,) = ManualValuesDetector().detect(frame(values, flags), cod_spec())
    assert (f.category, f.pollutant, f.start, f.end) == ("validity", NH3N, hour(1000), hour(1039))
    # the same hours typed at another level (not a substitute): placed over high load
    values[NH3N][1000:1040] = np.round(level / 0.1) * 0.1 + 0.6
    found = ManualValuesDetector().detect(frame(values, flags), cod_spec())
    placed = [f for f in found if f.category == "integrity" and "high_load_hours" in f.evidence]
    assert [(f.pollutant, f.evidence["high_load_hours"]) for f in placed] == [(NH3N, 40)]


def test_manual_values_a_substitute_written_to_one_decimal_is_a_validity_note() -> None:
    # a TP analyser reading about 0.18 mg/L to 0.001 is down for 40 h and the operator enters
    # the level as he writes it, 0.2 (one decimal of mg/L): an open substitute, though 0.2 is
    # a tenth of the level away; and TP read at about 0.04 entered as 0.1 (a level under the
    # step written as the step). The parent read both as typed (rule 1: integrity)
    n = 24 * 120
    for level, entered in ((0.18, 0.2), (0.04, 0.1)):
        values = {
            COD: cycled(n, level=25, spread=2.8, hold_hours=2, seed=3, decimals=0),
            TP: cycled(n, level=level, spread=level / 8, hold_hours=1, seed=5, decimals=3),
        }
        flags = {c: normal_flags(n) for c in values}
        values[TP][1000:1040] = entered
        flags[TP][1000:1040] = "S"
        (f,) = ManualValuesDetector().detect(frame(values, flags), cod_spec())
        assert (f.category, f.pollutant, f.start, f.end) == ("validity", TP, hour(1000), hour(1039))
        assert "substitute" in f.summary and f.evidence["value"] == entered
    # a value the operator would not write for that level (0.3 for 0.18): tested for typing
    values[TP] = cycled(n, level=0.18, spread=0.18 / 8, hold_hours=1, seed=5, decimals=3)
    values[TP][1000:1040] = 0.3
    found = ManualValuesDetector().detect(frame(values, flags), cod_spec())
    assert [(f.category, f.pollutant, f.start) for f in found] == [("integrity", TP, hour(1000))]


def _substitute(values: np.ndarray, flags: np.ndarray, a: int, hours: int, step: float) -> None:
    """Hours ``a..a+hours-1`` of a channel replaced by one value flagged S: the median of its
    readings of the day before (or as far back as the day before it was read), rounded to
    ``step``, as an operator enters it while the analyser is down."""
    before = values[max(0, a - 72) : a]
    before = before[~np.isnan(before)][-24:]
    values[a : a + hours] = np.round(np.median(before) / step) * step
    flags[a : a + hours] = "S"


def test_manual_values_substitutes_on_every_channel_or_over_a_tenth_of_a_month_are_notes() -> None:
    # a power cut in the analysers' room: the operator carries every channel's level forward
    # for 40 h, flagged S, and COD's analyser is down for 40 h again later that month (80 of
    # April's 720 hours S): open substitutes, so rule 1b (channels typed together) and rule 2
    # (S hours over a tenth of the month) leave them out at the first look as rule 3 does;
    # the parent found the three channels typed together and April's share (integrity)
    n = 24 * 120
    values, flags = _three_channels(n)
    for code, step in ((COD, 1.0), (NH3N, 0.1), (TP, 0.01)):
        _substitute(values[code], flags[code], 800, 40, step)
    _substitute(values[COD], flags[COD], 900, 40, 1.0)
    found = ManualValuesDetector().detect(frame(values, flags), cod_spec())
    assert sorted((f.pollutant, f.start) for f in found) == sorted(
        [(COD, hour(800)), (NH3N, hour(800)), (TP, hour(800)), (COD, hour(900))]
    )
    assert {f.category for f in found} == {"validity"}
    # the same hours typed at another level on every channel: typing, found
    for code in values:
        values[code][800:840] = values[code][800] * 0.6
    found = ManualValuesDetector().detect(frame(values, flags), cod_spec())
    assert any(f.category == "integrity" and f.start == hour(800) for f in found)


def test_manual_values_a_short_or_late_substitute_or_four_in_half_a_year_are_notes() -> None:
    # NH3-N substitutes the parent read as typed (integrity): one of 16 h (under a day), one
    # after 30 h with no reading (the level of the day before those), and four of 30 h in 120
    # days on one channel (more than the three per 180 days allowed before)
    n = 24 * 120
    values, flags = _three_channels(n)
    _substitute(values[NH3N], flags[NH3N], 1000, 16, 0.1)
    cases = [(values, flags, [1000])]
    values, flags = _coarse_channels(n)
    values[NH3N] = _steady_nh3n(n)
    values[NH3N][970:1000] = np.nan
    flags[NH3N][970:1000] = ""
    _substitute(values[NH3N], flags[NH3N], 1000, 30, 0.1)
    cases.append((values, flags, [1000]))
    values, flags = _coarse_channels(n)
    values[NH3N] = _steady_nh3n(n)
    for a in (300, 900, 1500, 2100):
        _substitute(values[NH3N], flags[NH3N], a, 30, 0.1)
    cases.append((values, flags, [300, 900, 1500, 2100]))
    for values, flags, starts in cases:
        found = ManualValuesDetector().detect(frame(values, flags), cod_spec())
        assert [(f.category, f.pollutant, f.start) for f in found] == [
            ("validity", NH3N, hour(a)) for a in starts
        ]


def test_manual_values_open_substitutes_count_again_past_a_share_of_the_month() -> None:
    # three 72 h COD substitutes in May (216 of its 744 hours, 29 %), each the day before's
    # level carried forward: rule 2 leaves open substitutes out only up to substitute_share of
    # the month, so the month is hand-set (integrity); the parent left all of them out and gave
    # three validity notes (reviewer-T T7). Its evidence share is the statistic it tests
    # (the S hours counted over the month's), not every S hour's (T8)
    n = 24 * 120
    values, flags = _coarse_channels(n)
    for a in (1500, 1600, 1700):
        _substitute(values[COD], flags[COD], a, 72, 1.0)
    found = ManualValuesDetector().detect(frame(values, flags), cod_spec())
    (f,) = [f for f in found if f.category == "integrity"]
    assert (f.pollutant, f.start, f.end) == (COD, hour(1500), hour(1771))
    ev = f.evidence
    assert (ev["manual_hours"], ev["open_substitute_hours"]) == (216, 216)
    assert 0 < ev["open_substitute_hours_left_out"] < 216
    assert ev["share"] > ev["threshold"] == ManualValuesDetector().max_share
    counted = ev["manual_hours"] - ev["open_substitute_hours_left_out"]
    assert abs(ev["share"] - counted / ev["month_hours"]) < 1e-12
    assert "29%" in f.summary  # the message states every S hour of the month
    # two of them (144 h, 19 %): two repairs of the longest in a month stay notes
    values, flags = _coarse_channels(n)
    for a in (1500, 1700):
        _substitute(values[COD], flags[COD], a, 72, 1.0)
    found = ManualValuesDetector().detect(frame(values, flags), cod_spec())
    assert [(f.category, f.start) for f in found] == [
        ("validity", hour(1500)),
        ("validity", hour(1700)),
    ]


def test_manual_values_share_evidence_is_the_share_rule_2_tests() -> None:
    # April: 80 h of lab results (S) and a 40 h substitute (S): rule 2 counts the 80 (11 %),
    # over a tenth, and states that share, not the 120 S hours' 17 % (reviewer-T T8)
    n = 24 * 120
    values, flags = _three_channels(n)
    values[COD] = _lab_values(values[COD], 800, 880, 6)
    flags[COD][800:880] = "S"
    _substitute(values[COD], flags[COD], 1000, 40, 1.0)
    found = ManualValuesDetector().detect(frame(values, flags), cod_spec())
    (f,) = [f for f in found if f.evidence.get("month") and "max_share" in f.evidence["rule"]]
    ev = f.evidence
    assert (ev["manual_hours"], ev["open_substitute_hours"], ev["month_hours"]) == (120, 40, 720)
    assert abs(ev["share"] - 80 / 720) < 1e-12
    assert f.confidence == min(0.9, 0.5 + ev["share"] / 2)


def test_manual_values_a_substitute_does_not_round_a_level_across_the_limit() -> None:
    # TP read at 0.539 mg/L the day before, its limit 0.5: entered as 0.5 over 40 h (the
    # step an operator writes) it is no longer the level the channel read but a level at the
    # limit, and is tested for typing (integrity); the parent took it for a substitute
    # (reviewer-T T7). The same entry without a limit known, or under a limit of 0.6, and 0.5
    # entered for a level of 0.459 (rounded up to the limit), stay notes
    n = 24 * 120

    def run(offset: float, limit: float | None) -> list[tuple[str, str, pd.Timestamp]]:
        values, flags = _three_channels(n)
        values[TP] = np.round(values[TP] + offset, 3)
        values[TP][1000:1040] = 0.5
        flags[TP][1000:1040] = "S"
        spec = OutletSpec(
            "M1", {COD: PollutantSpec(COD, limit=50.0), TP: PollutantSpec(TP, limit=limit)}
        )
        found = ManualValuesDetector().detect(frame(values, flags), spec)
        return [(f.category, f.pollutant, f.start) for f in found]

    assert run(0.30, 0.5) == [("integrity", TP, hour(1000))]
    for offset, limit in ((0.30, None), (0.30, 0.6), (0.22, 0.5)):
        assert run(offset, limit) == [("validity", TP, hour(1000))], (offset, limit)


def test_manual_values_a_substitute_the_record_begins_with_is_a_validity_note() -> None:
    # the record begins with the analyser down: the operator enters one value for 40 h, flagged
    # S, the level read before the record began; the day after is the nearest reading, so a
    # value that day's readings take (near its median, or within its 10th-90th percentile) is
    # an open substitute (the honest generator, seeds 7 and 11: TN 4.5 where the day after read
    # 4.49-5.11, TP 0.4 where it read 0.379); the parent found both as typed (integrity)
    n = 24 * 120
    for entered in ("median", "band"):
        values, flags = _three_channels(n)
        after = values[TP][40:64]
        low, high = np.quantile(after, [0.1, 0.9])
        value = (
            round(float(np.median(after)), 1)
            if entered == "median"
            else round(low + 0.1 * (high - low), 3)
        )
        values[TP][:40] = value
        flags[TP][:40] = "S"
        (f,) = ManualValuesDetector().detect(frame(values, flags), cod_spec())
        assert (f.category, f.pollutant, f.start, f.end) == ("validity", TP, hour(0), hour(39))
        assert "the day after" in f.summary and f.evidence["value"] == value
    # the same hours typed far under the water read after them: tested for typing, found
    values, flags = _three_channels(n)
    values[TP][:40] = round(0.6 * float(np.median(values[TP][40:64])), 2)
    flags[TP][:40] = "S"
    found = ManualValuesDetector().detect(frame(values, flags), cod_spec())
    assert [(f.category, f.pollutant, f.start) for f in found] == [("integrity", TP, hour(0))]
    # a stretch later in the record with nothing read in the 72 h before: not read from after
    values, flags = _three_channels(n)
    values[TP][928:1000] = np.nan
    flags[TP][928:1000] = ""
    values[TP][1000:1040] = round(float(np.median(values[TP][1040:1064])), 1)
    flags[TP][1000:1040] = "S"
    found = ManualValuesDetector().detect(frame(values, flags), cod_spec())
    assert [(f.category, f.pollutant, f.start) for f in found] == [("integrity", TP, hour(1000))]


def test_manual_values_a_record_start_substitute_stays_near_the_day_afters_median() -> None:
    # a COD that swings through the day (the day after the stretch reads 25-52, median 36): a
    # value at that day's 10th percentile is inside its band but a third under its level, not
    # the level carried; typed for 60 h where the record begins it is tested for typing
    n = 24 * 120
    cod = cycled(n, level=40, spread=12, hold_hours=2, seed=3, decimals=0)
    flags = np.array(["N"] * n, dtype=object)
    after = cod[60:84]
    low, level = np.quantile(after, 0.1), np.median(after)
    assert low < 0.8 * level  # the premise: the band reaches far under the level
    cod[:60], flags[:60] = float(np.ceil(low)), "S"
    found = ManualValuesDetector().detect(frame({COD: cod}, {COD: flags}), cod_spec())
    assert [(f.category, f.start) for f in found] == [("integrity", hour(0))]
    # the day after's level rounded, as an operator writes it: still the validity note
    cod[:60] = float(np.round(level))
    (f,) = ManualValuesDetector().detect(frame({COD: cod}, {COD: flags}), cod_spec())
    assert (f.category, f.start) == ("validity", hour(0))
