"""standard_substitution: the standard solution as the sample, and its baseline stay."""

from __future__ import annotations

import numpy as np
import pytest

import detectors.checks.standard_substitution as ss
from detectors.base import rate_names
from detectors.checks.standard_substitution import (
    MIN_NULL_STRETCHES,
    SAMPLE_STEPS,
    StandardSubstitutionDetector,
    _candidate_stretches,
    _held_by_gap,
    _held_on_standard,
    _held_pairs,
    _holds,
    _lagged_share,
    _level_stretches,
    _QuietRule,
    _reaches_quantile,
    _resolution_of,
    _stay_quantile,
    null_durations,
)
from detectors.finding import Finding
from detectors.frame import OutletData
from detectors.series import resolution
from detectors.spec import COD, FLOW, NH3N, PH, TN, TP
from tests.detectors.conftest import MN, calibrated_nh3, effluent, held, make_frame, make_spec
from tests.detectors.value_helpers import SPEC, hour, spans

SPEC_NH3 = make_spec(MN, w21003={"limit": 15.0, "analyser_range": (0.0, 50.0)})


def _cod(n: int) -> np.ndarray:
    """The tests' COD: 40 mg/L held 2 h a measurement (its 25 mg/L standard far under it)."""
    return effluent(n, mean=40.0, hold_hours=2, seed=12)


def test_standard_solution_as_sample_exact_interval() -> None:
    n = 24 * 10
    cod = _cod(n)
    _feed_cod_its_standard(cod)
    found = StandardSubstitutionDetector().detect(make_frame(MN, {COD: cod}), SPEC)
    assert spans(found) == [(hour(100), hour(117))]
    assert found[0].evidence["standard"] == 25.0
    assert "calibration standard's 25 mg/L" in found[0].summary


def test_standard_honest_traps_calibration_hours_and_plant_at_that_level() -> None:
    n = 24 * 21
    cod = _cod(n)
    flags = np.array(["N"] * n, dtype=object)
    for week in range(3):
        cod[week * 168 + 10 : week * 168 + 22] = 25.0  # 12 h of calibration, flagged C
        flags[week * 168 + 10 : week * 168 + 22] = "C"
    frame = make_frame(MN, {COD: cod}, flags={COD: flags})
    assert StandardSubstitutionDetector().detect(frame, SPEC) == []
    level = effluent(n, mean=25.0, cv=0.01, hold_hours=2, seed=13)  # honestly runs at 25
    assert StandardSubstitutionDetector().detect(make_frame(MN, {COD: level}), SPEC) == []


def test_stay_quantile_counts_stretches_near_every_level() -> None:
    v = np.array([1.0, 1.0, 1.0, 5.0, 5.0, 1.0, 9.0, 9.0, 9.0, 9.0])
    hours = np.arange(10, dtype=float)
    hours[5:] += 3  # a 3-hour gap before index 5 breaks stretches
    normal = np.ones(10, dtype=bool)
    levels = np.array([1.0, 5.0, 9.0])
    # stretches: level 1 -> 3 h and 1 h; level 5 -> 2 h; level 9 -> 4 h
    assert _stay_quantile(v, hours, normal, levels, 0.1, 1.0, 1.0) == 4.0
    assert _stay_quantile(v, hours, normal, levels, 0.1, 1.0, 0.0) == 1.0
    assert _stay_quantile(v, hours, normal, levels, 0.1, 1.0, 0.5) == 2.0


def test_jump_onto_an_unregistered_standard_read_with_noise() -> None:
    """The second rule: the standard the plant calibrates with (its C hours), read with an
    analyser's noise (not held), entered and left by a jump, found with its interval."""
    n = 24 * 42
    nh3, flags = calibrated_nh3(n, seed=21)
    rng = np.random.default_rng(5)
    nh3[500:530] = np.round(8.0 * (1 + 0.015 * rng.standard_normal(30)), 2)
    frame = make_frame(MN, {NH3N: nh3}, flags={NH3N: flags})
    found = StandardSubstitutionDetector().detect(frame, SPEC_NH3)
    assert spans(found) == [(hour(500), hour(529))]
    ev = found[0].evidence
    assert ev["standard"] == pytest.approx(8.0, abs=0.03)
    assert ev["standard_source"] == "nominal or calibration"
    # the rate stated is the one the rule was held to; the stretch's own under the null is rarer
    assert ev["false_alarm_rate_per_year"] == 0.01
    assert 0 < ev["bars"]["own_rate"] < 0.01
    assert ev["level_before"] < 4 and ev["level_after"] < 4


def test_jump_rule_honest_traps() -> None:
    """No finding when the effluent glides up through the standard's level and back (no jump),
    or when a short load peak ramps up to the standard's level and down again over several
    readings (no single step carries the change: not a pulse for the excursion rule)."""
    n = 24 * 42
    nh3, flags = calibrated_nh3(n, seed=22)
    ramp = np.r_[np.linspace(2.0, 8.0, 24), np.full(6, 8.0), np.linspace(8.0, 2.0, 24)]
    nh3[500 : 500 + len(ramp)] = np.round(ramp * (1 + 0.01 * np.sin(np.arange(len(ramp)))), 2)
    nh3[600:609] = [3.5, 5.0, 6.5, 7.9, 8.05, 8.0, 6.4, 4.8, 3.2]  # a load peak: a ramp
    frame = make_frame(MN, {NH3N: nh3}, flags={NH3N: flags})
    assert StandardSubstitutionDetector().detect(frame, SPEC_NH3) == []


def test_null_durations_from_the_tightest_shape_with_enough_stretches() -> None:
    """The jump rule's null durations: its own shape when the series has enough such stretches,
    else the nearest looser shape that has, else every stay."""
    few = np.array([1.0, 2.0, 11.0])
    level = np.r_[few, np.full(MIN_NULL_STRETCHES, 2.0)]
    every = np.r_[level, np.full(200, 40.0)]
    assert null_durations(few, level, every) is level
    assert null_durations(level[:MIN_NULL_STRETCHES], level, every) is not level
    assert null_durations(few, few, every) is every
    assert len(null_durations(few, few, few)) == len(few)


def test_jump_onto_the_standard_from_a_drifting_effluent_judged_by_its_level_bounded_stays() -> (
    None
):
    """A drifting NH3-N (long stays in any 10 % band) with a 3-6 h excursion to 1.6 times its
    level every 100 h, entered and left through a ramp hour (so its steps are not the series'
    largest), fed its registered standard 2.5 mg/L for 30 h from about 4 mg/L: found, the bar
    set by the series' own stays entered from 15 % away (about 10 h), not by every stay (over
    100 h); the same series without the substitution is not flagged."""
    n = 24 * 180
    rng = np.random.default_rng(3)
    walk = np.exp(np.cumsum(0.01 * rng.standard_normal(n)))
    base = 4.0 * walk / np.median(walk)
    excursion = np.ones(n)
    for start in range(20, n - 10, 100):
        k = int(rng.integers(3, 7))
        excursion[start] = excursion[start + k + 1] = 1.3
        excursion[start + 1 : start + k + 1] = 1.6
    nh3 = np.round(base * excursion * (1 + 0.01 * rng.standard_normal(n)), 2)
    spec = make_spec(MN, w21003={"limit": 15.0, "standard": 2.5, "analyser_range": (0.0, 50.0)})
    assert StandardSubstitutionDetector().detect(make_frame(MN, {NH3N: nh3}), spec) == []
    fed = nh3.copy()
    fed[2003:2033] = np.round(2.5 * (1 + 0.015 * rng.standard_normal(30)), 2)
    found = StandardSubstitutionDetector().detect(make_frame(MN, {NH3N: fed}), spec)
    assert spans(found) == [(hour(2003), hour(2032))]
    assert found[0].evidence["threshold"] < 20


def _fed_without_jump(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """An honest hourly NH3-N drifting around 2.6 mg/L (registered standard 2.5), and the same
    series fed the standard for 48 h: independent readings with 1.2 % repeatability, entered
    with no jump (2.6 is within 15 % of 2.5)."""
    nh3 = effluent(24 * 120, mean=2.6, step=0.01, seed=seed)
    fed = nh3.copy()
    rng = np.random.default_rng(seed)
    fed[1500:1548] = np.round(2.5 * (1 + 0.012 * rng.standard_normal(48)), 2)
    return nh3, fed


SPEC_NH3_STD = make_spec(MN, w21003={"limit": 15.0, "standard": 2.5, "analyser_range": (0.0, 50.0)})


def test_noise_rule_finds_a_jump_free_standard_near_the_plant_level() -> None:
    """The third rule: readings that are only the analyser's noise around the standard, with
    no jump in or out, found with their interval; one reading off the standard (a stray the
    jump rule would forgive) cuts the stretch: only its part after it, 27 h and longer than the
    bar, is the standard alone (the 20 h before it are not)."""
    _, fed = _fed_without_jump(seed=31)
    found = StandardSubstitutionDetector().detect(make_frame(MN, {NH3N: fed}), SPEC_NH3_STD)
    assert spans(found) == [(hour(1500), hour(1547))]
    ev = found[0].evidence
    assert ev["von_neumann_ratio"] >= 1.5
    assert (
        ev["false_alarm_rate_per_year"]
        == StandardSubstitutionDetector().noise_false_alarms_per_year
    )
    assert 0 < ev["bars"]["own_rate"] <= ev["false_alarm_rate_per_year"]
    assert ev["threshold"] < 48
    fed[1520] = 2.85  # 14 % above the standard, inside the stretch
    found = StandardSubstitutionDetector().detect(make_frame(MN, {NH3N: fed}), SPEC_NH3_STD)
    assert spans(found) == [(hour(1500), hour(1519)), (hour(1521), hour(1547))]
    assert "as little as the series' own" in found[0].evidence["rule"]
    assert "independent noise" in found[1].evidence["rule"]


def test_quiet_rule_finds_a_standard_shorter_than_the_noise_rules_bar() -> None:
    """The fifth rule: 14 h of the standard read with 1.2 % repeatability, entered from the
    plant's own level with no jump, too short for the noise rule's duration bar and too spread
    for the first rule's, but moving from reading to reading less than the series' own windows
    of as many changes hardly ever do; its evidence carries the statistic, the bar and the
    stated rate. The honest series alone (the same readings without the standard) has no
    finding."""
    honest, _ = _fed_without_jump(seed=31)
    rng = np.random.default_rng(5)
    fed = honest.copy()
    fed[900:914] = np.round(2.5 * (1 + 0.012 * rng.standard_normal(14)), 2)
    det = StandardSubstitutionDetector()
    found = det.detect(make_frame(MN, {NH3N: fed}), SPEC_NH3_STD)
    assert spans(found) == [(hour(900), hour(913))]
    ev = found[0].evidence
    assert "as little as the series' own" in ev["rule"]
    assert 0 < ev["relative_change"] < ev["threshold"]
    assert ev["false_alarm_rate_per_year"] == ev["bars"]["rate_max"]
    assert 0 < ev["bars"]["own_rate"] <= ev["bars"]["rate_max"] <= det.quiet_false_alarms_per_year
    assert ev["bars"]["window_changes"] == 12  # 14 readings, one repeated
    assert det.detect(make_frame(MN, {NH3N: honest}), SPEC_NH3_STD) == []


def _quiet_standard_with_flow(seed: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """The quiet rule's 14 h of a 2.5 mg/L standard (`_fed_without_jump`'s plant, readings
    900 to 913) and a steady flow."""
    honest, _ = _fed_without_jump(seed=31)
    rng = np.random.default_rng(seed)
    fed = honest.copy()
    fed[900:914] = np.round(2.5 * (1 + 0.012 * rng.standard_normal(14)), 2)
    return fed, effluent(len(fed), mean=400.0, cv=0.05, step=0.1, seed=42)


def test_quiet_rule_a_plant_sized_step_onto_the_standard_is_no_dilution() -> None:
    """A standard entered from the plant's own level, 2.64 -> 2.48 (6 %, under the series'
    median change between distinct readings, 7 %), in an hour the flow rises as much: the
    flow "explains" that step as a storm's inflow explains a jump, but a step the plant makes
    every other reading is no jump to explain; found with the flow steady and with it
    stepping."""
    fed, q = _quiet_standard_with_flow()
    assert (fed[899], fed[900]) == (2.64, 2.48)
    det = StandardSubstitutionDetector()
    assert spans(det.detect(make_frame(MN, {NH3N: fed, FLOW: q}), SPEC_NH3_STD)) == [
        (hour(900), hour(913))
    ]
    stepped = q.copy()
    stepped[900:] *= fed[899] / fed[900] * q[899] / q[900]  # the load unchanged across it
    found = det.detect(make_frame(MN, {NH3N: fed, FLOW: stepped}), SPEC_NH3_STD)
    assert spans(found) == [(hour(900), hour(913))]
    assert "as little as the series' own" in found[0].evidence["rule"]


def test_quiet_rule_honest_trap_rain_diluting_onto_the_standard_by_a_jump() -> None:
    """Rain diluting an NH3-N from 10 % above its standard onto it for 14 h, still there, and
    back (the flow up 10 % over those hours, the load unchanged across both jumps; steps of
    about 11 % against the series' median change of 7 %: a bar of twice that median would
    find it, reviewer-T8s): no finding; the same readings under a steady flow are found."""
    fed, q = _quiet_standard_with_flow()
    rng = np.random.default_rng(6)
    fed[894:900] = np.round(fed[900] * 1.1 * (1 + 0.02 * rng.standard_normal(6)), 2)
    fed[914:920] = np.round(fed[913] * 1.1 * (1 + 0.02 * rng.standard_normal(6)), 2)
    det = StandardSubstitutionDetector()
    assert spans(det.detect(make_frame(MN, {NH3N: fed, FLOW: q}), SPEC_NH3_STD)) == [
        (hour(900), hour(913))
    ]
    rain = q.copy()
    rain[900:914] *= 1.1
    assert det.detect(make_frame(MN, {NH3N: fed, FLOW: rain}), SPEC_NH3_STD) == []


def test_quiet_rule_honest_traps_a_quiet_plant_and_a_slow_ramp() -> None:
    """Not flagged by the fifth rule: a plant whose readings always move by about 1 % a reading
    around the standard's level (its own windows are as still as any stretch there), and a slow
    ramp through the standard, 2.40 to 2.60 in 80 h (still, but a drift: its von Neumann ratio
    near 0)."""
    rng = np.random.default_rng(3)
    quiet = np.round(2.5 * (1 + 0.01 * rng.standard_normal(24 * 60)), 2)
    assert StandardSubstitutionDetector().detect(make_frame(MN, {NH3N: quiet}), SPEC_NH3_STD) == []
    ramp, _ = _fed_without_jump(seed=31)
    ramp[700:780] = np.round(np.linspace(2.40, 2.60, 80), 2)
    assert StandardSubstitutionDetector().detect(make_frame(MN, {NH3N: ramp}), SPEC_NH3_STD) == []


def test_noise_rule_honest_traps_drifting_effluent_at_the_standard_and_ph() -> None:
    """Not flagged: the honest series drifting through and around the standard's level (its
    readings correlated), and a pH read with independent noise around its 6.86 buffer, the
    solution it is calibrated with."""
    honest, _ = _fed_without_jump(seed=31)
    assert StandardSubstitutionDetector().detect(make_frame(MN, {NH3N: honest}), SPEC_NH3_STD) == []
    n = 24 * 60
    rng = np.random.default_rng(8)
    ph = np.round(6.86 + 0.05 * rng.standard_normal(n), 2)
    flags = np.array(["N"] * n, dtype=object)
    for week in range(n // 168):
        ph[week * 168 + 5 : week * 168 + 8] = 6.86
        flags[week * 168 + 5 : week * 168 + 8] = "C"
    frame = make_frame(MN, {PH: ph}, flags={PH: flags})
    assert StandardSubstitutionDetector().detect(frame, SPEC_NH3_STD) == []


SPEC_NH3_2 = make_spec(MN, w21003={"limit": 15.0, "standard": 2.0, "analyser_range": (0.0, 50.0)})


def test_jump_rule_honest_trap_rain_diluting_onto_the_standard() -> None:
    """An NH3-N around 4 mg/L falls to its standard's 2.0 for 20 h and comes back: found when
    the flow stays as it was, not when the flow doubles in the same hours (rain diluting the
    effluent: the load, concentration x flow, unchanged across both jumps)."""
    n = 24 * 60
    nh3 = effluent(n, mean=4.0, cv=0.05, step=0.01, seed=41)
    q = effluent(n, mean=400.0, cv=0.05, step=0.1, seed=42)
    rng = np.random.default_rng(43)
    nh3[700:720] = np.round(2.0 * (1 + 0.025 * rng.standard_normal(20)), 2)
    found = StandardSubstitutionDetector().detect(make_frame(MN, {NH3N: nh3, FLOW: q}), SPEC_NH3_2)
    assert spans(found) == [(hour(700), hour(719))]
    rain = q.copy()
    rain[700:720] *= 2.0
    frame = make_frame(MN, {NH3N: nh3, FLOW: rain})
    assert StandardSubstitutionDetector().detect(frame, SPEC_NH3_2) == []


def test_jump_rule_honest_trap_a_level_between_two_shutdowns() -> None:
    """A plant that restarts after a shutdown at its calibration solution's level, drifts
    there and shuts down again (F hours on both sides): no jump was seen on either side, no
    finding; the same stretch left by a jump the analyser reported is found."""
    n = 24 * 42
    nh3, flags = calibrated_nh3(n, seed=23)
    nh3[500:530] = np.round(8.0 + 0.15 * np.sin(np.arange(30) / 4), 2)
    flags[488:500] = "F"
    flags[530:542] = "F"
    frame = make_frame(MN, {NH3N: nh3}, flags={NH3N: flags})
    assert StandardSubstitutionDetector().detect(frame, SPEC_NH3) == []
    flags[530:542] = "N"
    flags[534:538] = "C"  # the week's calibration hours stay C
    frame = make_frame(MN, {NH3N: nh3}, flags={NH3N: flags})
    assert spans(StandardSubstitutionDetector().detect(frame, SPEC_NH3)) == [(hour(500), hour(529))]


def test_reaches_quantile_decides_as_the_quantile_does() -> None:
    rng = np.random.default_rng(2)
    for _ in range(200):
        data = np.round(rng.exponential(1.0, int(rng.integers(20, 200))), 1)
        values = np.r_[rng.choice(data, 6), rng.exponential(1.0, 4), np.nan]
        q = float(rng.choice([0.5, 0.9, 0.99]))
        expected = ~(values < np.quantile(data, q))  # NaN reaches it
        assert (_reaches_quantile(data, q, values) == expected).all()


def test_level_stretches_are_the_candidate_stretches_at_each_level() -> None:
    """The noise rule's null, every level at once from the sorted values, gives the stretches
    one pass per level would."""
    rng = np.random.default_rng(4)
    x = np.round(np.exp(np.cumsum(0.03 * rng.standard_normal(2000))) * 10, 2)
    x[rng.random(2000) < 0.02] = -1.0  # left out (the candidates' readings)
    h = np.cumsum(rng.choice([1.0, 1.0, 1.0, 2.0, 5.0], size=2000))
    levels = np.unique(np.percentile(x[x > 0], np.arange(5, 100, 5)))
    first, last, _, hours, near = _level_stretches(x, h, levels, 0.05, 0.01, 1.0, 10.0)
    expected = []
    for level in levels:
        c = _candidate_stretches(
            x, h, np.where(x > 0, level, np.nan), 0.05, 0.01, 1.0, 1, min_hours=10.0
        )
        expected += list(zip(c.first, c.last, c.hours, c.share_near, strict=True))
    got = list(zip(first, last, hours, near / (last - first + 1), strict=True))
    assert len(got) == len(expected) > 0
    assert sorted(got) == sorted(expected)


def test_excursion_rule_finds_a_short_standard_between_samples() -> None:
    """The jump rule's excursion: four hours of the calibration solution (8 mg/L, three or more
    distinct readings) reported as normal readings between samples of an effluent at 2 mg/L,
    shorter than any duration bar but entered and left by steps the series' own steps hardly
    ever reach: found with its interval, the jump in the evidence above its bar."""
    n = 24 * 42
    nh3, flags = calibrated_nh3(n, seed=24)
    nh3[600:604] = [8.02, 7.97, 8.05, 7.99]
    frame = make_frame(MN, {NH3N: nh3}, flags={NH3N: flags})
    found = StandardSubstitutionDetector().detect(frame, SPEC_NH3)
    assert spans(found) == [(hour(600), hour(603))]
    ev = found[0].evidence
    assert ev["jump"] >= ev["threshold"] > 0
    assert 0 < ev["false_alarm_rate_per_year"] <= 0.01
    assert ev["level_before"] < 3 and ev["level_after"] < 3


def test_excursion_rule_takes_a_standard_read_a_few_percent_high() -> None:
    """An excursion may average its standard within `_JumpRule.pulse_mean_fraction` (3 %), not
    only the 2 % a stretch judged by its duration must: four hours of the 8 mg/L solution read
    2.6 % high (an analyser's calibration bias: 8.22, 8.18, 8.29, 8.13) between samples at
    2 mg/L are found (independent tuning seed 24: 5.13, 5.18, 5.02, 5.22 from 1.24 at a 5.0
    standard); read 3.5 % high (8.30, 8.26, 8.33, 8.23), they are no longer on it."""
    n = 24 * 42
    nh3, flags = calibrated_nh3(n, seed=24)
    biased = nh3.copy()
    biased[600:604] = [8.22, 8.18, 8.29, 8.13]
    frame = make_frame(MN, {NH3N: biased}, flags={NH3N: flags})
    found = StandardSubstitutionDetector().detect(frame, SPEC_NH3)
    assert spans(found) == [(hour(600), hour(603))]
    ev = found[0].evidence
    assert "jump to a standard solution's concentration and back" in ev["rule"]
    assert 0 < ev["false_alarm_rate_per_year"] <= 0.01
    assert abs(ev["mean"] / 8.0 - 1) > ss._JumpRule.mean_fraction
    off = nh3.copy()
    off[600:604] = [8.30, 8.26, 8.33, 8.23]
    frame = make_frame(MN, {NH3N: off}, flags={NH3N: flags})
    assert StandardSubstitutionDetector().detect(frame, SPEC_NH3) == []


def test_excursion_rule_honest_traps_one_reading_a_ramp_through_and_a_gap() -> None:
    """Not an excursion onto the standard: one analyser reading at its level held four hours
    (one measurement shows no constancy), a rise through its level to a new one (the plant's
    level before and after on both sides of it), a visit whose side lies across the series'
    only shutdown (half a pulse, with too few steps next to gaps to judge it by)."""
    n = 24 * 42
    nh3, flags = calibrated_nh3(n, seed=24)
    held_one = nh3.copy()
    held_one[600:604] = 8.0
    ramp = nh3.copy()
    ramp[600:604] = [8.02, 7.97, 8.05, 7.99]
    ramp[604:] = np.round(ramp[604:] * 7.0, 2)  # the plant now at 14 mg/L
    gap = nh3.copy()
    gap[600:604] = [8.02, 7.97, 8.05, 7.99]
    gap_flags = flags.copy()
    gap_flags[604:616] = "F"
    for x, f in ((ramp, flags), (gap, gap_flags)):
        frame = make_frame(MN, {NH3N: x}, flags={NH3N: f})
        assert StandardSubstitutionDetector().detect(frame, SPEC_NH3) == []
    # the one reading held four hours by an hourly analyser is the fourth rule's (its value held
    # between two jumps), not an excursion's
    frame = make_frame(MN, {NH3N: held_one}, flags={NH3N: flags})
    found = StandardSubstitutionDetector().detect(frame, SPEC_NH3)
    assert all("hold a standard solution" in f.evidence["rule"] for f in found)


def _nightly_shutdowns(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """`_calibrated_nh3` with the plant shut down 8 h every night (F hours 12-19 of each day)."""
    nh3, flags = calibrated_nh3(n, seed=seed)
    for day in range(n // 24):
        flags[day * 24 + 12 : day * 24 + 20] = "F"
        nh3[day * 24 + 12 : day * 24 + 20] = 0.0
    return nh3, flags


def test_excursion_rule_finds_half_a_pulse_next_to_a_shutdown() -> None:
    """The jump rule's half pulse: four hours of the 8 mg/L calibration solution reported as the
    first readings after a night's shutdown, then the plant's 2 mg/L: one side across a gap, the
    other a step the series' own steps next to its 41 other restarts never reach. Found, with
    that step in the evidence; the same visit in the plant's own restart levels is not (below)."""
    n = 24 * 42
    nh3, flags = _nightly_shutdowns(n, seed=24)
    nh3[620:624] = [8.02, 7.97, 8.05, 7.99]  # day 25, right after the restart at hour 20
    frame = make_frame(MN, {NH3N: nh3}, flags={NH3N: flags})
    found = StandardSubstitutionDetector().detect(frame, SPEC_NH3)
    assert spans(found) == [(hour(620), hour(623))]
    ev = found[0].evidence
    assert "and back by steps" in ev["rule"]
    assert ev["jump"] >= ev["threshold"] > 0
    assert 0 < ev["false_alarm_rate_per_year"] <= 0.01


def test_excursion_rule_honest_trap_restarts_that_settle() -> None:
    """An honest plant some of whose restarts read high for three hours (the night's
    accumulation) before settling to 2 mg/L, one of them landing on its 8 mg/L calibration
    level: the step off it is one the series makes next to its gaps anyway, no finding (the
    series' steps as a whole, most of them far from any restart, would call it rare)."""
    n = 24 * 42
    nh3, flags = _nightly_shutdowns(n, seed=24)
    rng = np.random.default_rng(8)
    for day, level in zip((3, 9, 14, 20, 31, 37), (5.5, 9.6, 6.5, 9.2, 7.0, 6.2), strict=True):
        nh3[day * 24 + 20 : day * 24 + 23] = np.round(
            level * (1 + 0.01 * rng.standard_normal(3)), 2
        )
    nh3[620:623] = [8.02, 7.97, 8.05]
    frame = make_frame(MN, {NH3N: nh3}, flags={NH3N: flags})
    assert StandardSubstitutionDetector().detect(frame, SPEC_NH3) == []


SPEC_NH3_5 = make_spec(MN, w21003={"limit": 15.0, "standard": 5.0, "analyser_range": (0.0, 50.0)})


def _nh3_around_two(seed: int) -> np.ndarray:
    """An honest hourly NH3-N around 2 mg/L read to 0.01 mg/L (its readings rarely repeat)."""
    return effluent(24 * 60, mean=2.0, step=0.01, seed=seed)


def test_hold_rule_finds_the_standard_value_held_between_two_jumps() -> None:
    """The fourth rule: the registered standard's 5.00 held for 8 h by an analyser whose
    readings change every hour, entered from 2 mg/L and left back to it; found with its
    interval and a stated rate under the series' own null."""
    nh3 = _nh3_around_two(seed=5)
    nh3[600:608] = 5.0
    found = StandardSubstitutionDetector().detect(make_frame(MN, {NH3N: nh3}), SPEC_NH3_5)
    assert spans(found) == [(hour(600), hour(607))]
    ev = found[0].evidence
    assert "hold a standard solution" in ev["rule"]
    assert 0 < ev["bars"]["own_rate"] <= ev["false_alarm_rate_per_year"] == ev["threshold"]
    assert ev["readings"] == 8


def test_hold_rates_are_constructor_rates_the_benches_scale() -> None:
    """reviewer-J J6: the hold rules' rates and the found outlet's are constructor parameters
    named with the rate suffix (`rate_names`: what a second look multiplies and the calibration
    bench scales), each passed down to its rule: a 5 h hold (under the jump rule's 8 h) states
    the bar it is given, and a bar under its own rate drops it."""
    assert {
        "hold_false_alarms_per_year",
        "gap_side_false_alarms_per_year",
        "outlet_false_alarms_per_year",
    } <= set(rate_names(StandardSubstitutionDetector))
    nh3 = _nh3_around_two(seed=5)
    nh3[600:605] = 5.0
    frame = make_frame(MN, {NH3N: nh3})
    found = StandardSubstitutionDetector(hold_false_alarms_per_year=0.01).detect(frame, SPEC_NH3_5)
    assert spans(found) == [(hour(600), hour(604))]
    ev = found[0].evidence
    assert ev["false_alarm_rate_per_year"] == ev["threshold"] == 0.01
    own = ev["bars"]["own_rate"]
    assert (
        StandardSubstitutionDetector(hold_false_alarms_per_year=own / 2).detect(frame, SPEC_NH3_5)
        == []
    )


SPEC_NH3_5_COD_TP_TN = make_spec(
    MN,
    w21003={"limit": 15.0, "standard": 5.0, "analyser_range": (0.0, 50.0)},
    w01018={"limit": 50.0, "analyser_range": (0.0, 500.0)},
    w21011={"limit": 0.5, "analyser_range": (0.0, 5.0)},
    w21001={"limit": 15.0, "analyser_range": (0.0, 50.0)},
)


def test_hold_rule_no_evidence_in_steps_every_analyser_makes() -> None:
    """The hold rules' co-movement guard (`_co_moved`, reviewer-J J2): the 5.00 of the test
    above held 5 h (under the jump rule's 8 h) between two jumps is found while the outlet's
    other analysers read on as before, and while one of them steps with it; not when two of
    them step the same way in the same hours (a storm or a plant event moves every analyser, a
    standard fed to one moves none: both steps are then no evidence, and the hold alone is no
    rarity)."""
    nh3 = _nh3_around_two(seed=5)
    nh3[600:605] = 5.0
    n = len(nh3)
    others = {
        COD: effluent(n, mean=40.0, step=1.0, seed=21),
        TP: effluent(n, mean=0.4, step=0.01, seed=22),
        TN: effluent(n, mean=12.0, step=0.1, seed=23),
    }

    def found_with(moved: list[str]) -> list[tuple[str, object, object]]:
        cols = {NH3N: nh3} | {c: v.copy() for c, v in others.items()}
        for c in moved:
            cols[c][600:605] *= 2.5  # the same factor as NH3-N's 2 -> 5, in the same hours
        found = StandardSubstitutionDetector().detect(make_frame(MN, cols), SPEC_NH3_5_COD_TP_TN)
        return [(f.pollutant, f.start, f.end) for f in found]

    assert found_with([]) == [(NH3N, hour(600), hour(604))]
    assert found_with([COD]) == [(NH3N, hour(600), hour(604))]
    assert found_with([COD, TP]) == []
    assert found_with([TP, TN]) == []


def test_hold_rule_finds_the_calibration_solution_when_none_is_registered() -> None:
    """Without a registered standard, the nominal concentration the C hours read (within 2 %)
    is the value looked for: 8.00 held for 5 h (one reading to the other two rules, and under
    the jump rule's 8 h) at an outlet calibrated weekly at about 8."""
    nh3, flags = calibrated_nh3(24 * 60, seed=6)
    nh3[800:805] = 8.0
    frame = make_frame(MN, {NH3N: nh3}, flags={NH3N: flags})
    found = StandardSubstitutionDetector().detect(frame, SPEC_NH3)
    assert spans(found) == [(hour(800), hour(804))]
    assert found[0].evidence["standard"] == 8.0
    assert "hold a standard solution" in found[0].evidence["rule"]


def test_hold_rule_honest_traps_a_stalled_analyser_and_a_short_hold() -> None:
    """Not flagged: an analyser that stalls for 10 h holding the level it was at when that
    level is the standard's value (no jump in: 4.9 -> 5.00), the same hold for two cycles of
    a 4 h analyser (8 h: a chance repeat), and a hold at a value that is no standard (4.70)."""
    nh3 = effluent(24 * 60, mean=5.0, step=0.01, seed=7)
    nh3[599] = 4.9
    nh3[600:610] = 5.0
    assert StandardSubstitutionDetector().detect(make_frame(MN, {NH3N: nh3}), SPEC_NH3_5) == []
    slow = held(effluent(24 * 15, mean=2.0, step=0.01, seed=8), 4)
    slow[600:608] = 5.0
    assert StandardSubstitutionDetector().detect(make_frame(MN, {NH3N: slow}), SPEC_NH3_5) == []
    other = _nh3_around_two(seed=5)
    other[600:608] = 4.7
    assert StandardSubstitutionDetector().detect(make_frame(MN, {NH3N: other}), SPEC_NH3_5) == []


def test_hold_rule_honest_traps_a_restart_and_a_calibration_read_unflagged() -> None:
    """Not flagged: the standard's 5.00 held for 6 h by an analyser restarting after an 8 h
    shutdown (its jump in lies across the F hours: a restart may hold any value), and the same
    hold two hours after a calibration hour that read 5.00 (the calibration's result held,
    unflagged, an honest COD on independent seed 39); found when neither is near, or when the
    calibration hour read 5.07 (a measurement of the solution, not the value held)."""
    base = _nh3_around_two(seed=5)
    restart = base.copy()
    restart[608:614] = 5.0
    flags = np.array(["N"] * len(base), dtype=object)
    flags[600:608] = "F"
    frame = make_frame(MN, {NH3N: restart}, flags={NH3N: flags})
    assert StandardSubstitutionDetector().detect(frame, SPEC_NH3_5) == []
    flags = np.array(["N"] * len(base), dtype=object)
    flags[606] = "C"
    restart[606] = 5.0
    frame = make_frame(MN, {NH3N: restart}, flags={NH3N: flags})
    assert StandardSubstitutionDetector().detect(frame, SPEC_NH3_5) == []
    restart[606] = 5.07
    frame = make_frame(MN, {NH3N: restart}, flags={NH3N: flags})
    assert spans(StandardSubstitutionDetector().detect(frame, SPEC_NH3_5)) == [
        (hour(608), hour(613))
    ]
    flags[606] = "N"
    restart[606] = base[606]
    frame = make_frame(MN, {NH3N: restart}, flags={NH3N: flags})
    assert spans(StandardSubstitutionDetector().detect(frame, SPEC_NH3_5)) == [
        (hour(608), hour(613))
    ]


def test_noise_rule_cuts_its_stretch_where_the_plant_readings_start() -> None:
    """A standard read with noise for 40 h at an outlet whose honest level, 2.6, is 4 % above
    it: joined across stray readings the stretch ran on into the plant's own readings that
    fall in the standard's band and was no longer the standard alone (not found before); the
    noise rule's stretches admit no stray, so it is found, with its interval."""
    nh3 = effluent(24 * 120, mean=2.6, cv=0.05, step=0.01, seed=21)
    rng = np.random.default_rng(21)
    nh3[1500:1540] = np.round(2.5 * (1 + 0.01 * rng.standard_normal(40)), 2)
    found = StandardSubstitutionDetector().detect(make_frame(MN, {NH3N: nh3}), SPEC_NH3_STD)
    assert spans(found) == [(hour(1500), hour(1539))]
    assert "independent noise" in found[0].evidence["rule"]


def test_quiet_rule_finds_a_short_standard_by_its_landing_on_it() -> None:
    """The fifth rule's short stretches: 6 h of the standard read with 1 % repeatability (5
    changes, under the rule's 9 and its 8 h floor) in an effluent moving 10 % a reading. Judged
    with its landing: the share of the series' windows sitting on the standard, in the evidence
    with the stricter rate a short stretch is held to. The honest series alone has no finding."""
    honest = effluent(24 * 120, mean=2.0, cv=0.3, step=0.01, seed=1)
    fed = honest.copy()
    fed[700:706] = np.round(2.5 * (1 + 0.01 * np.random.default_rng(1).standard_normal(6)), 2)
    det = StandardSubstitutionDetector()
    found = det.detect(make_frame(MN, {NH3N: fed}), SPEC_NH3_STD)
    assert spans(found) == [(hour(700), hour(705))]
    ev = found[0].evidence
    assert "as little as the series' own" in ev["rule"]
    assert ev["bars"]["window_changes"] == 5 and ev["bars"]["hours_min"] == 3.0
    # the landing share among still windows: the stretch counted once among at least the
    # quietest 30 windows of the series (its own windows left out), so never under 1/31
    assert 1 / 31 <= ev["bars"]["landing_share"] < 0.5
    assert ev["bars"]["rate_max"] == pytest.approx(det.quiet_false_alarms_per_year / 10)
    assert 0 < ev["bars"]["own_rate"] <= ev["false_alarm_rate_per_year"] == ev["bars"]["rate_max"]
    assert det.detect(make_frame(MN, {NH3N: honest}), SPEC_NH3_STD) == []


def test_quiet_rule_short_honest_traps_a_plant_often_still_at_the_standard() -> None:
    """Not flagged as short stretches: a plant settling for 6 h at the standard's level with
    the stillness of an analyser's repeatability 30 times in 120 days, its quietest such nights
    aside (each judged against the others: still nights on the standard are no rarity there;
    only a stretch stiller than every other window of the series may be found, at most a few),
    and the same 6 h at a level the plant visits often, moving as the plant does (4 %)."""
    plant = effluent(24 * 120, mean=2.2, cv=0.3, step=0.01, seed=1)
    rng = np.random.default_rng(2)
    for day in range(0, 120, 4):
        plant[day * 24 + 1 : day * 24 + 7] = np.round(2.5 * (1 + 0.01 * rng.standard_normal(6)), 2)
    found = StandardSubstitutionDetector().detect(make_frame(MN, {NH3N: plant}), SPEC_NH3_STD)
    assert len(found) <= 2
    moving = effluent(24 * 120, mean=2.5, cv=0.3, step=0.01, seed=1)
    moving[700:706] = np.round(2.5 * (1 + 0.04 * rng.standard_normal(6)), 2)
    assert StandardSubstitutionDetector().detect(make_frame(MN, {NH3N: moving}), SPEC_NH3_STD) == []


def test_hold_rule_joins_a_hold_across_hours_without_a_normal_reading() -> None:
    """A standard's 5.00 held for 12 h with 3 hours flagged M inside (no normal reading between
    its halves for 4 h): one hold, found by the hold rule with its whole interval; judged as two
    runs, each had a side on the other and no jump (a 45 h hold at 10 mg/L split by missing hours,
    independent tuning seed 49)."""
    nh3 = _nh3_around_two(seed=5)
    nh3[600:612] = 5.0
    flags = np.array(["N"] * len(nh3), dtype=object)
    flags[604:607] = "M"
    frame = make_frame(MN, {NH3N: nh3}, flags={NH3N: flags})
    found = StandardSubstitutionDetector().detect(frame, SPEC_NH3_5)
    assert spans(found) == [(hour(600), hour(611))]
    assert "hold a standard solution" in found[0].evidence["rule"]
    assert found[0].evidence["readings"] == 9


SPEC_COD_50 = make_spec(
    MN, w01018={"limit": 80.0, "standard": 50.0, "analyser_range": (0.0, 500.0)}
)


def test_hold_rule_null_holds_are_those_in_the_standard_band() -> None:
    """A COD read to 1 mg/L by a 4 h analyser sits at 15 mg/L and holds its readings for 12 h
    and more many times (a coarse resolution at a low level), with a 4 h load peak to 30-36 every
    other day; the standard's 50 held 12 h, from 15 and back. The null's holds are those between
    half and twice the standard (none that long: the peaks last 4 h), so ``H`` is one in the
    history seen; the plant's sticky low readings (about 190 holds a year) made the rate 0.002
    and the hold was missed."""
    cod = held(effluent(24 * 90, mean=15.0, cv=0.1, step=1.0, seed=3), 4)
    for day in range(2, len(cod) // 24, 2):
        cod[day * 24 + 8 : day * 24 + 12] = 30.0 + day % 7
    cod[1200:1212] = 50.0
    found = StandardSubstitutionDetector().detect(make_frame(MN, {COD: cod}), SPEC_COD_50)
    assert spans(found) == [(hour(1200), hour(1211))]
    ev = found[0].evidence
    assert "hold a standard solution" in ev["rule"]
    years = len(cod) / (24 * 365.25)
    assert ev["bars"]["null_holds_per_year"] == pytest.approx(1 / years)
    assert 0 < ev["bars"]["own_rate"] <= ev["false_alarm_rate_per_year"] == ev["threshold"]


def test_quiet_landing_share_follows_the_stillest_windows() -> None:
    """The short stretches' landing share is ``P(on the standard | still)``: when a plant's
    stillest windows sit at the standard's level (3 % of its windows, all among its quietest
    tenth, a stretch's own windows left out) it is near 1, however rare that level among all
    windows or its quietest tenth; with its stillest windows elsewhere it is the stretch
    counted once among the quietest 30 windows."""
    rng = np.random.default_rng(3)
    every = rng.uniform(0.05, 0.2, 3000)
    level = rng.uniform(1.5, 2.3, 3000)
    stillest = np.argsort(every)[:90]
    level[stillest] = 2.5
    rule = _QuietRule(0.001, 1.0)
    own = (np.array([1500]), np.array([1504]), 5)
    assert rule._landing(every, level, np.array([2.5]), 0.01, own)[0] > 0.9
    level[stillest] = 2.0
    low = rule._landing(every, level, np.array([2.5]), 0.01, own)[0]
    assert low == pytest.approx(1 / 31)


def test_sibling_rule_finds_the_same_bottle_again() -> None:
    """The sixth rule: a series found fed its 5.00 standard for 8 h (the held rule) is fed it
    again for 2 h later, 5.00 between two jumps: too short for any rule alone (two readings, two
    analyser cycles), found as the same bottle, its rate the product of the visit's null rate
    and the first finding's; without the first finding the visit is not found at all."""
    nh3 = effluent(24 * 100, mean=2.0, step=0.01, seed=5)
    nh3[1500:1502] = 5.0
    assert StandardSubstitutionDetector().detect(make_frame(MN, {NH3N: nh3}), SPEC_NH3_5) == []
    nh3[600:608] = 5.0
    found = StandardSubstitutionDetector().detect(make_frame(MN, {NH3N: nh3}), SPEC_NH3_5)
    assert spans(found) == [(hour(600), hour(607)), (hour(1500), hour(1501))]
    first, again = found[0].evidence, found[1].evidence
    assert "found fed" in again["rule"]
    assert again["bars"]["band_low"] < 5.0 < again["bars"]["band_high"]
    assert 0 < again["false_alarm_rate_per_year"] <= first["false_alarm_rate_per_year"]


def test_sibling_rule_honest_traps_one_measurement_and_a_glide() -> None:
    """Not the same bottle again: one measurement of a 2-hourly analyser held at the standard's
    5.0 (one reading, however long it is shown), and the plant gliding through 5.0 with no
    jump, at an outlet found fed its standard for 12 h elsewhere."""
    nh3 = effluent(24 * 100, mean=2.0, hold_hours=2, step=0.1, seed=7)
    nh3[600:612] = 5.0
    nh3[1500:1502] = 5.0
    nh3[2000:2014] = held([4.4, 4.6, 4.8, 5.0, 5.0, 5.2, 5.4], 2)  # 5.0 for 4 h, no jump
    found = StandardSubstitutionDetector().detect(make_frame(MN, {NH3N: nh3}), SPEC_NH3_5)
    assert spans(found) == [(hour(600), hour(611))]


def test_sibling_rule_two_distinct_readings_are_two_measurements() -> None:
    """A 2-hourly analyser found fed its 5.00 standard for 24 h (read 4.99 to 5.01): two hours
    reading 5.01 then 4.99 are two measurements of the same bottle (found, though shorter than
    two cycles); two hours reading 5.01 twice are one measurement (not found)."""
    nh3 = effluent(24 * 100, mean=2.0, hold_hours=2, step=0.01, seed=7)
    nh3[600:624] = held([5.0, 4.99, 5.01, 5.0, 5.01, 4.99, 5.0, 5.01, 4.99, 5.0, 5.01, 5.0], 2)
    nh3[1800:1802] = [5.01, 4.99]
    nh3[1900:1902] = [5.01, 5.01]
    found = StandardSubstitutionDetector().detect(make_frame(MN, {NH3N: nh3}), SPEC_NH3_5)
    assert spans(found) == [(hour(600), hour(623)), (hour(1800), hour(1801))]
    assert "found fed" in found[1].evidence["rule"]


def _nightly(days: int, value: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """An honest hourly NH3-N around ``value`` read to 0.01 mg/L, shut down from 10:00 to 22:00
    every day (F hours: 14 h between the last normal reading and the next; 11 h a day running,
    under the first rule's 12 h)."""
    nh3 = effluent(24 * days, mean=value, step=0.01, seed=seed)
    flags = np.array(["N"] * len(nh3), dtype=object)
    for d in range(days):
        flags[24 * d + 10 : 24 * d + 23] = "F"
    return nh3, flags


def test_hold_rule_finds_the_standard_held_across_nightly_shutdowns() -> None:
    """The standard's 5.00 held through three nightly shutdowns, resumed at exactly 5.00 each
    morning, a gap at either end (no jump the analyser made: the hold rule's sides): found
    across the gaps with its rate (gaps a year x share at 5.00 x share resumed at the same
    value cubed); without the rule, nothing (independent seed 6: 83 h at 0.25 mg/L)."""
    nh3, flags = _nightly(60, 4.0, seed=5)
    nh3[24 * 25 + 23 : 24 * 29 + 10] = 5.0
    frame = make_frame(MN, {NH3N: nh3}, flags={NH3N: flags})
    found = StandardSubstitutionDetector().detect(frame, SPEC_NH3_5)
    assert spans(found) == [(hour(24 * 25 + 23), hour(24 * 29 + 9))]
    ev = found[0].evidence
    assert "across time gaps" in ev["rule"]
    assert ev["bars"]["gaps_crossed"] == 3
    assert 0 < ev["bars"]["own_rate"] <= ev["false_alarm_rate_per_year"] == ev["threshold"]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("detectors.checks.standard_substitution.GAP_HOLDS", False)
        assert StandardSubstitutionDetector().detect(frame, SPEC_NH3_5) == []


def test_hold_rule_across_gaps_honest_traps_one_night_and_an_analyser_holding_overnight() -> None:
    """Not flagged: 5.00 held across one shutdown only (a reading landing on 5.00 before a gap
    and the analyser resuming on it: about 0.1 a year at this outlet), and the three-night hold
    at an outlet whose analyser resumes every morning at the value it stopped at (r near 1)."""
    nh3, flags = _nightly(60, 4.0, seed=5)
    one = nh3.copy()
    one[24 * 25 + 23 : 24 * 27 + 10] = 5.0
    frame = make_frame(MN, {NH3N: one}, flags={NH3N: flags})
    assert StandardSubstitutionDetector().detect(frame, SPEC_NH3_5) == []
    resumes = nh3.copy()
    for d in range(1, 60):
        resumes[24 * d - 1] = resumes[24 * d - 15]  # the morning's reading is last night's
    resumes[24 * 25 + 23 : 24 * 29 + 10] = 5.0
    frame = make_frame(MN, {NH3N: resumes}, flags={NH3N: flags})
    assert StandardSubstitutionDetector().detect(frame, SPEC_NH3_5) == []


def test_hold_rule_across_gaps_honest_trap_the_analyser_holding_its_calibration() -> None:
    """The three-night hold of 5.00 above, with a calibration hour (flag C) that read 5.00 in the
    shutdown 10 h before it: the analyser holding its calibration's result is the plant's
    calibration, not a standard fed as the sample, so no finding (the same hold is found without
    that C hour, as the test above shows)."""
    nh3, flags = _nightly(60, 4.0, seed=5)
    nh3[24 * 25 + 23 : 24 * 29 + 10] = 5.0
    nh3[24 * 25 + 13], flags[24 * 25 + 13] = 5.0, "C"
    frame = make_frame(MN, {NH3N: nh3}, flags={NH3N: flags})
    assert StandardSubstitutionDetector().detect(frame, SPEC_NH3_5) == []
    nh3[24 * 25 + 13] = 4.0  # a calibration reading another value says nothing of the hold
    frame = make_frame(MN, {NH3N: nh3}, flags={NH3N: flags})
    assert spans(StandardSubstitutionDetector().detect(frame, SPEC_NH3_5)) == [
        (hour(24 * 25 + 23), hour(24 * 29 + 9))
    ]


def test_hold_rule_finds_the_standard_held_up_to_a_shutdown_not_after_a_restart() -> None:
    """The standard's 5.00 held for 6 h, entered from the plant's 2 mg/L and left across an
    8 h shutdown (F hours): found by the hold before a gap (its one jump seen, its rate stated
    under the series' own holds of that shape); the same hold after the shutdown (a restart,
    the analyser's start-up check reading its standard) is not; nor is the first, held at 4.70
    (no standard), or with a calibration hour that read 5.00 just before it."""
    base = _nh3_around_two(seed=5)
    flags = np.array(["N"] * len(base), dtype=object)
    flags[606:614] = "F"
    before = base.copy()
    before[600:606] = 5.0
    frame = make_frame(MN, {NH3N: before}, flags={NH3N: flags})
    found = StandardSubstitutionDetector().detect(frame, SPEC_NH3_5)
    assert spans(found) == [(hour(600), hour(605))]
    ev = found[0].evidence
    assert "left across a time gap" in ev["rule"]
    assert 0 < ev["bars"]["own_rate"] <= ev["false_alarm_rate_per_year"] == ev["threshold"]
    assert ev["threshold"] == 0.0001
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("detectors.checks.standard_substitution.GAP_HOLDS", False)
        assert StandardSubstitutionDetector().detect(frame, SPEC_NH3_5) == []
    other = base.copy()
    other[600:606] = 4.7
    frame = make_frame(MN, {NH3N: other}, flags={NH3N: flags})
    assert StandardSubstitutionDetector().detect(frame, SPEC_NH3_5) == []
    calibrated = before.copy()
    calibrated[598] = 5.0
    cflags = flags.copy()
    cflags[598] = "C"
    frame = make_frame(MN, {NH3N: calibrated}, flags={NH3N: cflags})
    assert StandardSubstitutionDetector().detect(frame, SPEC_NH3_5) == []
    after = base.copy()
    after[614:620] = 5.0
    frame = make_frame(MN, {NH3N: after}, flags={NH3N: flags})
    assert StandardSubstitutionDetector().detect(frame, SPEC_NH3_5) == []


def test_lagged_share_counts_the_changes_over_the_lag() -> None:
    """The share of a series' changes over ``lag`` hours as large as a jump: readings 1, 2, 1,
    2 ... every hour change by 100 % / 50 % over one hour and not at all over two (pairs that
    did not change are left out), so over 2 h there is no change to judge by (share 1) and over
    1 h all reach 0.5, half reach 0.9."""
    x = np.tile([1.0, 2.0], 50)
    h = np.arange(100, dtype=float)
    assert _lagged_share(x, h, np.array([1.0]), np.array([0.5]))[0] == 1.0
    assert _lagged_share(x, h, np.array([1.0]), np.array([0.9]))[0] == pytest.approx(0.5, abs=0.01)
    assert _lagged_share(x, h, np.array([2.0]), np.array([0.5]))[0] == 1.0  # no change: 1
    drift = np.linspace(1.0, 2.0, 100)  # +1 % an hour
    share = _lagged_share(drift, h, np.array([1.0, 30.0]), np.array([0.2, 0.2]))
    assert share[0] == pytest.approx(1 / 99) and share[1] > 0.3


def test_hold_rule_judges_the_step_out_against_the_plants_drift_over_the_hold() -> None:
    """A drifting plant (a persistent walk, 3 % an hour, read to 0.1) with 5.00 held 12 h,
    entered from 4.2 and left to 6.2: the step out, rare among one-hour changes, is ordinary
    over 13 h (an analyser that stalls resumes where the plant went meanwhile), so its share
    and the hold's rate are larger than judged by one reading's changes."""
    rng = np.random.default_rng(0)
    z = np.zeros(24 * 60)
    for i in range(1, len(z)):
        z[i] = 0.995 * z[i - 1] + 0.03 * rng.normal()
    nh3 = np.round(5.0 * np.exp(z) / 0.1) * 0.1
    nh3[699], nh3[700:712], nh3[712] = 4.2, 5.0, 6.2
    frame = make_frame(MN, {NH3N: nh3})
    lagged = StandardSubstitutionDetector().detect(frame, SPEC_NH3_5)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("detectors.checks.standard_substitution.LAGGED_STEP_OUT", False)
        one_step = StandardSubstitutionDetector().detect(frame, SPEC_NH3_5)
    assert spans(lagged) == spans(one_step) == [(hour(700), hour(711))]
    a, b = lagged[0].evidence, one_step[0].evidence
    assert a["bars"]["jump_out_share"] > 5 * b["bars"]["jump_out_share"]
    assert a["bars"]["own_rate"] > 5 * b["bars"]["own_rate"]
    assert a["false_alarm_rate_per_year"] == b["false_alarm_rate_per_year"] == 0.001


SPEC_COD_NH3 = make_spec(
    MN,
    w01018={"limit": 50.0, "standard": 25.0, "analyser_range": (0.0, 500.0)},
    w21003={"limit": 15.0, "standard": 5.0, "analyser_range": (0.0, 50.0)},
)


def test_outlet_rule_finds_a_short_visit_on_another_analysers_standard() -> None:
    """The seventh rule: an outlet whose COD analyser is found fed its 25 mg/L standard for 18 h
    (the first rule) has its NH3-N analyser switched onto its 5.0 standard for 2 h (4.99, 5.01
    between readings around 2): too short for any rule on that series alone, found as a
    visit at an outlet feeding standards, its rate the product of the visit's null rate and the
    COD finding's. Without the COD feed the same NH3-N visit is not found at all, and a glide of
    the plant through 5.0 is never a visit."""
    n = 24 * 120
    cod = _cod(n)
    nh3 = effluent(n, mean=2.0, step=0.01, seed=5)
    nh3[900:902] = [4.99, 5.01]
    nh3[1200:1207] = [3.6, 4.2, 4.6, 5.0, 5.4, 5.8, 6.3]  # the plant rising through 5.0
    visit = _nh3_found_at_fed_outlet(cod, nh3, 900, 901).evidence
    assert "an outlet found feeding a standard" in visit["rule"]
    assert visit["bars"]["band_low"] < 5.0 < visit["bars"]["band_high"]
    assert visit["bars"]["step_min"] < 3.0
    # (its rate counts the seventh rule's looks at the outlet, reviewer-C F3)
    assert 0 < visit["bars"]["own_rate"] * visit["bars"]["outlet_rate"] < 0.01
    looks = visit["bars"]["outlet_looks"]
    # stated: the outlet's rate times the chance one of the looks at the visits' bar (1 a
    # series-year) fires, at most 1: the outlet's rate itself
    assert looks > 1
    assert visit["false_alarm_rate_per_year"] == visit["bars"]["outlet_rate"]


def test_outlet_rule_honest_trap_steps_the_plant_makes_itself() -> None:
    """Not a standard switched in: at an outlet found feeding its COD standard, an NH3-N
    analyser whose own readings leap by 60 % from hour to hour reaches its 5.0 standard by such
    a leap for 2 h. The step into it is no larger than the series' own 99th percentile, and
    such visits are as common at levels no standard is sold at (either guard alone keeps it
    out)."""
    n = 24 * 120
    cod = _cod(n)
    _feed_cod_its_standard(cod)
    rng = np.random.default_rng(3)
    nh3 = np.round(3.0 * np.exp(0.5 * rng.standard_normal(n)), 2)  # hour-to-hour leaps
    nh3[900:902] = [4.99, 5.01]
    nh3[899], nh3[902] = 2.0, 2.1
    found = StandardSubstitutionDetector().detect(
        make_frame(MN, {COD: cod, NH3N: nh3}), SPEC_COD_NH3
    )
    assert [f.pollutant for f in found] == [COD]


def test_outlet_rule_finds_the_standard_held_longer_than_any_other_value() -> None:
    """The seventh rule's holds: at an outlet found feeding its COD standard, the NH3-N reads its
    5.0 standard exactly for 10 h, entered by a jump from about 2 and left by a glide down (no
    second jump: the hold rule does not judge it, and it is no pulse); the series holds no
    other value between 2.5 and 10 as long. Found there, not at an outlet with no standard
    found, nor where the analyser stalls 12 h on another value in that band (a hold as long in
    the history seen is no rarity)."""
    n = 24 * 120
    cod = _cod(n)
    nh3 = effluent(n, mean=2.0, step=0.01, seed=5)
    nh3[900:910] = 5.0
    nh3[910:914] = [4.7, 4.5, 4.3, 4.1]
    assert (
        StandardSubstitutionDetector().detect(make_frame(MN, {COD: cod, NH3N: nh3}), SPEC_COD_NH3)
        == []
    )
    _feed_cod_its_standard(cod)
    found = StandardSubstitutionDetector().detect(
        make_frame(MN, {COD: cod, NH3N: nh3}), SPEC_COD_NH3
    )
    assert [(f.pollutant, f.start, f.end) for f in found] == [
        (COD, hour(100), hour(117)),
        (NH3N, hour(900), hour(909)),
    ]
    hold = found[1].evidence
    assert "longer than the series holds any other value" in hold["rule"]
    assert 0 < hold["bars"]["own_rate"] * hold["bars"]["outlet_rate"] < 0.01
    assert hold["false_alarm_rate_per_year"] == hold["bars"]["outlet_rate"]
    nh3[2000:2012] = 3.0  # a 12 h stall in the band: the 10 h hold is no longer the longest
    found = StandardSubstitutionDetector().detect(
        make_frame(MN, {COD: cod, NH3N: nh3}), SPEC_COD_NH3
    )
    # judged by the hold rule's null at the outlet's rate instead (one hold as long in the
    # history seen, landing on 5.0 with the share of the band's readings that read it: H q)
    assert [(f.pollutant, f.start) for f in found] == [(COD, hour(100)), (NH3N, hour(900))]
    bars = found[1].evidence["bars"]
    assert bars["holds_as_long"] == 1 and bars["own_rate"] <= 0.1


def test_outlet_rule_honest_trap_a_coarse_analyser_often_holding_the_standards_value() -> None:
    """The seventh rule's holds, one no longer than the series' others: an NH3-N read to 0.1
    mg/L around 4.6, its analyser stalling 12 h every four days, reads its 5.0 standard 10 h
    at an outlet found feeding its COD standard. Holds as long are many and the band's readings
    land on 5.0 often (``H q`` over the outlet's 0.1): no finding on the NH3-N."""
    n = 24 * 120
    cod = _cod(n)
    _feed_cod_its_standard(cod)
    nh3 = effluent(n, mean=4.6, cv=0.1, step=0.1, seed=8)
    for a in range(50, n - 12, 96):
        nh3[a : a + 12] = nh3[a]
    nh3[1200:1210] = 5.0
    found = StandardSubstitutionDetector().detect(
        make_frame(MN, {COD: cod, NH3N: nh3}), SPEC_COD_NH3
    )
    assert [f.pollutant for f in found] == [COD]


def test_resolution_of_equals_resolution_with_and_without_its_grid_shortcut(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the grid test answers without a sort only when the series' values lie on the first
    # values' step: a finer value late in the series, an offset grid, large values, too few
    # values or fewer than two distinct ones must all give `resolution`'s answer (0 for NaN)
    rng = np.random.default_rng(7)
    cases = []
    for n in (0, 1, 5, 1001, 3000):
        for dec in (0, 1, 2, 3):
            base = np.round(rng.normal(30.0, 8.0, n), dec)
            cases += [base, base * 0.5 + 0.005, np.round(rng.normal(2e4, 5e3, n), dec)]
            if n > 1000:
                for off in (1e-9, 3e-9, 1e-8, 0.5 * 10.0**-dec):
                    late = base.copy()
                    late[int(rng.integers(SAMPLE_STEPS, n))] += off
                    cases.append(late)
                finer = base.copy()
                finer[SAMPLE_STEPS:] = np.round(
                    finer[SAMPLE_STEPS:] + rng.normal(0, 1, n - SAMPLE_STEPS), 4
                )
                cases.append(finer)
        cases += [np.full(n, 3.3), rng.normal(0.0, 1.0, n)]
    # the sorts `_resolution_of` asks for, by their lengths: the shortcut sorts only the sample
    calls: list[int] = []
    monkeypatch.setattr(ss, "resolution", lambda v: calls.append(len(v)) or resolution(v))
    shortcut = 0
    for x in cases:
        want = resolution(x)
        calls.clear()
        got = _resolution_of(x)
        assert repr(got) == repr(0.0 if np.isnan(want) else want)
        shortcut += len(x) > 2 * SAMPLE_STEPS and calls == [SAMPLE_STEPS]
    assert shortcut > 10  # the shortcut's cases are among them


def _stays_by_loop(v, hours, normal, levels, tol, join_gap_hours, q) -> float:
    """`_stay_quantile` by its definition, one level and one reading at a time."""
    x, h = v[normal], hours[normal]
    durations = []
    for level in levels:
        first = None
        for j in range(len(x)):
            inside = abs(x[j] - level) <= tol
            if first is not None and (not inside or h[j] - h[j - 1] > 1.0 + join_gap_hours + 1e-9):
                durations.append(h[j - 1] - h[first] + 1.0)
                first = None
            if inside and first is None:
                first = j
        if first is not None:
            durations.append(h[len(x) - 1] - h[first] + 1.0)
    return float(np.quantile(durations, q, method="lower")) if durations else 0.0


def test_stay_quantile_equals_its_definition() -> None:
    rng = np.random.default_rng(11)
    for case in range(300):
        n = int(rng.choice([0, 1, 3, 40, 200]))
        v = np.round(rng.normal(30.0, 5.0, n), int(rng.integers(0, 2)))
        hours = np.cumsum(rng.choice([1.0, 1.0, 1.0, 2.0, 3.0, 10.0], n))
        normal = rng.random(n) > rng.choice([0.0, 0.1, 0.8])
        if n and case % 4 == 0:
            v[rng.integers(0, n)] = np.nan
        known = normal & ~np.isnan(v)
        levels = np.percentile(v[known], np.arange(5, 100, 5)) if known.any() else np.array([30.0])
        args = (float(rng.choice([0.5, 1.5, 3.0])), float(rng.choice([0.0, 1.0])), 0.9)
        want = _stays_by_loop(v, hours, normal, levels, *args)
        assert repr(_stay_quantile(v, hours, normal, levels, *args)) == repr(want)


def test_hold_rules_find_nothing_without_a_pair_entered_by_a_jump() -> None:
    # `_rules` makes the series' held runs for the hold and hold-to-a-gap rules only when
    # `_held_pairs` finds two consecutive normal readings on the standard, the first entered by
    # a jump: a necessary condition of both rules' findings, checked on series holding the
    # standard after small and large steps, with flagged hours and time gaps
    det = StandardSubstitutionDetector()
    found_any = skipped = 0
    for seed in range(60):
        rng = np.random.default_rng(seed)
        n = 24 * 20
        cod = np.round(effluent(n, mean=float(rng.choice([22.0, 27.0, 40.0])), seed=seed), 0)
        for start in rng.integers(5, n - 30, 4):
            cod[start : start + int(rng.integers(2, 12))] = 25.0
        flags = np.where(rng.random(n) < 0.03, "F", "N").astype(object)
        cod[rng.integers(0, n, 10)] = np.nan
        outlet = OutletData(make_frame(MN, {COD: cod}, flags={COD: flags}), SPEC)
        s = outlet.series(COD)
        entered = _held_pairs(s, 25.0)[1]
        holds = _holds(outlet, s, 25.0)
        found = []
        if holds is not None:
            found = list(
                _held_on_standard(
                    det, outlet, s, 25.0, holds, threshold=det.hold_false_alarms_per_year
                )
            )
            found += list(_held_by_gap(det, outlet, s, 25.0, holds))
        found_any += bool(found)
        if not entered.any():
            skipped += 1
            assert not found
    assert found_any and skipped


SPEC_COD_NH3_STD = make_spec(
    MN,
    w01018={"limit": 50.0, "standard": 25.0, "analyser_range": (0.0, 500.0)},
    w21003={"limit": 15.0, "standard": 2.5, "analyser_range": (0.0, 50.0)},
)


def _feed_cod_its_standard(cod: np.ndarray) -> None:
    """The seventh rule's tests' primary finding: ``cod`` (a 2-hour analyser) fed its 25 mg/L
    standard for 18 h from hour 100, read within 0.2 of it (found by the rules on COD alone)."""
    cod[100:118] = held([25.0, 25.1, 24.9, 25.0, 25.2, 24.9, 25.0, 25.1, 25.0], 2)


def _found_once_cod_is_fed(cod: np.ndarray, nh3: np.ndarray, spec=SPEC_COD_NH3) -> list:
    """The findings at an outlet of ``cod`` and ``nh3`` once its COD is fed its standard
    (`_feed_cod_its_standard`, in place), having asserted none before it was."""
    frame = make_frame(MN, {COD: cod, NH3N: nh3})
    assert StandardSubstitutionDetector().detect(frame, spec) == []
    _feed_cod_its_standard(cod)
    return StandardSubstitutionDetector().detect(make_frame(MN, {COD: cod, NH3N: nh3}), spec)


def _nh3_found_at_fed_outlet(
    cod: np.ndarray, nh3: np.ndarray, first: int, last: int, spec=SPEC_COD_NH3
) -> Finding:
    """The NH3-N finding (hours ``first`` to ``last``) at the outlet once its COD is fed its
    standard (`_found_once_cod_is_fed`), having asserted those two are all it finds."""
    found = _found_once_cod_is_fed(cod, nh3, spec)
    assert [(f.pollutant, f.start, f.end) for f in found] == [
        (COD, hour(100), hour(117)),
        (NH3N, hour(first), hour(last)),
    ]
    return found[1]


def test_outlet_rule_judges_the_other_analysers_stretches_at_the_outlets_rate() -> None:
    """The seventh rule's stretches: 6 h of the NH3-N standard (2.5) read with 1.5 %
    repeatability in an effluent moving 10 % a reading, entered from 2.2 and left to 2.8 (no
    pulse: the outlet's visits do not take it). Alone its quiet rate (about 8e-4 a
    series-year) misses the short stretches' bar (1e-4): not found. At an outlet whose COD
    analyser is found fed its 25 mg/L standard for 18 h, the quiet rule judges it at
    ``outlet_false_alarms_per_year`` (a short stretch at a tenth of it): found, its rate its own
    times the COD finding's (0.01 for the first rule, which states none) is in its bars; it
    states the rate it was held to times the COD finding's."""
    n = 24 * 120
    cod = _cod(n)
    nh3 = effluent(n, mean=2.0, cv=0.3, step=0.01, seed=1)
    nh3[700:706] = np.round(2.5 * (1 + 0.015 * np.random.default_rng(1).standard_normal(6)), 2)
    nh3[699], nh3[706] = 2.2, 2.8
    det = StandardSubstitutionDetector()
    ev = _nh3_found_at_fed_outlet(cod, nh3, 700, 705, SPEC_COD_NH3_STD).evidence
    assert "as little as the series' own" in ev["rule"]
    assert "an outlet found feeding a standard" in ev["rule"]
    own = ev["bars"]["own_rate"]
    assert det.quiet_false_alarms_per_year / 10 < own <= det.outlet_false_alarms_per_year / 10
    assert ev["bars"]["outlet_rate"] == 0.01
    # its rate counts its rule's looks at the outlet (reviewer-C F3, reviewer-J J7): two
    # series, one standard each (no C readings), the quiet rule once per standard (every
    # rule's looks, 7 a series, before)
    assert ev["bars"]["outlet_looks"] == 2
    # stated: the rate the rule was held to there (a short stretch: a tenth of the outlet's
    # 0.1) times the outlet's (0.01 for the COD finding's first rule) and the looks, not its
    # own null rate (in its bars)
    assert ev["false_alarm_rate_per_year"] == pytest.approx(
        det.outlet_false_alarms_per_year / 10 * 0.01 * 2
    )
    # an honest series at such an outlet: nothing more than the COD finding
    found = det.detect(
        make_frame(MN, {COD: cod, NH3N: effluent(n, mean=2.0, cv=0.3, step=0.01, seed=1)}),
        SPEC_COD_NH3_STD,
    )
    assert [f.pollutant for f in found] == [COD]


def test_outlet_rule_looks_change_its_stated_rate_not_its_findings(monkeypatch) -> None:
    """The seventh rule's findings state the outlet's rate times their rule's bar times the
    number of that rule's looks there (`_outlet_looks`, reviewer-J J7), that product at most 1
    (`_pooled`); counting one look instead (the rate before reviewer-C F3) gives the same
    findings, spans and bars, each rate smaller by exactly that number unless the product
    reaches 1: a quiet stretch (bar 0.01, 2 looks: the quiet rule at the two series' standards;
    0.02) and a visit (bar 1: the outlet's rate) on the NH3-N standard at an outlet whose COD
    is found fed its own."""
    n = 24 * 120
    cod = _cod(n)
    _feed_cod_its_standard(cod)
    quiet = effluent(n, mean=2.0, cv=0.3, step=0.01, seed=1)
    quiet[700:706] = np.round(2.5 * (1 + 0.015 * np.random.default_rng(1).standard_normal(6)), 2)
    quiet[699], quiet[706] = 2.2, 2.8
    visit = effluent(n, mean=2.0, step=0.01, seed=5)
    visit[900:902] = [4.99, 5.01]
    cases = [(quiet, SPEC_COD_NH3_STD, 2.5), (visit, SPEC_COD_NH3, 5.0)]
    det = StandardSubstitutionDetector()
    counted = [det.detect(make_frame(MN, {COD: cod, NH3N: x}), spec) for x, spec, _ in cases]
    monkeypatch.setattr(ss, "_outlet_looks", lambda outlet, series: ss._Looks(1, 1))
    once = [det.detect(make_frame(MN, {COD: cod, NH3N: x}), spec) for x, spec, _ in cases]
    for (_, _, level), got, before in zip(cases, counted, once, strict=True):
        assert [(f.pollutant, f.start, f.end) for f in got] == [
            (f.pollutant, f.start, f.end) for f in before
        ]
        assert [f.pollutant for f in got] == [COD, NH3N]
        assert got[1].evidence["standard"] == pytest.approx(level, rel=0.05)
        assert "outlet_looks" not in got[0].evidence["bars"]
        assert got[0].evidence == before[0].evidence
        looks = got[1].evidence["bars"]["outlet_looks"]
        assert looks == 2  # two series, one standard (and one value held) each
        assert before[1].evidence["bars"]["outlet_looks"] == 1
        rate, rate_once = (f[1].evidence["false_alarm_rate_per_year"] for f in (got, before))
        primary = got[1].evidence["bars"]["outlet_rate"]
        bar = rate_once / primary  # one look: the outlet's rate times the rule's bar
        assert rate == pytest.approx(primary * min(1.0, bar * looks))
    rates = [f[1].evidence["false_alarm_rate_per_year"] for f in counted]
    primaries = [f[1].evidence["bars"]["outlet_rate"] for f in counted]
    assert rates[0] == pytest.approx(primaries[0] * 0.01 * 2)  # the quiet stretch
    assert rates[1] == primaries[1]  # the visit


def test_outlet_rule_judges_holds_of_two_measurements_at_the_hold_rules_rate() -> None:
    """The seventh rule's stretches judge the hold rule's holds of exactly two analyser cycles
    (two measurements of the standard) too, at ``hold_false_alarms_per_year`` (the duration
    relaxed, not the rate): an NH3-N analyser measuring every 2 h reads its 2.5 standard
    exactly for 4 h, entered from 1.5 and left to 3.2 (a rise through the standard: no pulse,
    so no visit). Alone the hold rule asks more than two cycles: not found; at an outlet whose
    COD analyser is found fed its standard, found, its own rate under the hold rule's."""
    n = 24 * 120
    cod = _cod(n)
    nh3 = effluent(n, mean=2.0, hold_hours=2, step=0.01, seed=3)
    nh3[998:1000], nh3[1000:1004], nh3[1004:1006] = 1.5, 2.5, 3.2
    det = StandardSubstitutionDetector()
    ev = _nh3_found_at_fed_outlet(cod, nh3, 1000, 1003, SPEC_COD_NH3_STD).evidence
    assert "hold a standard solution's value exactly" in ev["rule"]
    # its rule says the length and the rate it was judged at (reviewer-D D3)
    assert "two analyser cycles or more" in ev["rule"]
    assert f"a hold of two analyser cycles to {det.hold_false_alarms_per_year}" in ev["rule"]
    assert ev["threshold"] == det.hold_false_alarms_per_year
    assert ev["bars"]["own_rate"] <= det.hold_false_alarms_per_year
    assert ev["bars"]["hours_min"] == 4.0
    # one measurement more of the plant's own level instead: a hold of 2 h is no such hold
    nh3[1002:1004] = 2.31
    found = det.detect(make_frame(MN, {COD: cod, NH3N: nh3}), SPEC_COD_NH3_STD)
    assert [f.pollutant for f in found] == [COD]


def test_sibling_rule_states_its_rate_as_tested() -> None:
    """reviewer-D D6: the sixth rule's visit states its own rate, the least its null can state
    (no such visit at the shifted levels: it says its rate rests on the earlier finding), the
    series' first finding's, and the bottles it judged (each bottle's band a look); the rate it
    states is the first finding's times its bar (1 a year) times the bottles, at most 1
    (`_pooled`): the first finding's. Two bottles found (5.00 fed for 8 h twice) are two looks."""
    nh3 = effluent(24 * 100, mean=2.0, step=0.01, seed=5)
    nh3[1500:1502] = 5.0
    nh3[600:608] = 5.0
    one = StandardSubstitutionDetector().detect(make_frame(MN, {NH3N: nh3}), SPEC_NH3_5)
    nh3[1000:1008] = 5.0
    two = StandardSubstitutionDetector().detect(make_frame(MN, {NH3N: nh3}), SPEC_NH3_5)
    assert spans(two) == [
        (hour(600), hour(607)),
        (hour(1000), hour(1007)),
        (hour(1500), hour(1501)),
    ]
    for found, bottles in ((one, 1), (two, 2)):
        bars = found[-1].evidence["bars"]
        assert bars["bottles"] == bottles
        assert bars["null_count"] == 0
        assert bars["own_rate"] == pytest.approx(bars["own_rate_floor"])
        assert bars["outlet_rate"] == min(
            f.evidence["false_alarm_rate_per_year"] for f in found[:-1]
        )
        assert found[-1].evidence["false_alarm_rate_per_year"] == bars["outlet_rate"]
        assert "rests on the outlet's earlier finding" in found[-1].evidence["rule"]


def test_outlet_visit_says_when_its_own_rate_is_at_its_floor() -> None:
    """reviewer-D D6: a seventh-rule visit with no visit of its shape at the shifted levels
    states the least rate its null can state (``own_rate_floor``: one such visit in the history
    seen) as its own, and says its stated rate rests on the outlet's earlier finding."""
    n = 24 * 120
    cod = _cod(n)
    _feed_cod_its_standard(cod)
    nh3 = effluent(n, mean=2.0, step=0.01, seed=5)
    nh3[900:902] = [4.99, 5.01]
    found = StandardSubstitutionDetector().detect(
        make_frame(MN, {COD: cod, NH3N: nh3}), SPEC_COD_NH3
    )
    visit = found[1].evidence
    assert visit["bars"]["null_count"] == 0
    years = n / (24 * 365.25)
    assert visit["bars"]["own_rate_floor"] == pytest.approx(
        1 / len(ss.NULL_SHIFTS) / years, rel=0.01
    )
    assert visit["bars"]["own_rate"] == pytest.approx(visit["bars"]["own_rate_floor"])
    assert "rests on the outlet's earlier finding" in visit["rule"]
    assert "rests on" not in found[0].evidence["rule"]


SPEC_COD_NO_STANDARD = make_spec(MN, w01018={"limit": 100.0, "analyser_range": (0.0, 500.0)})


def test_first_rule_judges_the_standard_the_series_is_calibrated_with() -> None:
    """With no registered standard, the first rule judges the nominal concentration the series'
    C hours read (24.9 and 25.1: 25 mg/L, `_held_levels`), after the other rules: a plant at
    40 mg/L whose analyser reads 25.0 to 25.2 for 30 h, entered and left gently (no jump the
    jump rule asks), is found there (an exact 0.25 mg/L TP held 91 h at an outlet registering
    no standard, independent tuning seed 12, was no finding, as this stretch was before); without
    the C hours it is not."""
    n = 24 * 21
    cod = _cod(n)
    flags = np.array(["N"] * n, dtype=object)
    for week in range(3):
        cod[week * 168 + 10 : week * 168 + 14] = [24.9, 25.1, 24.9, 25.1]
        flags[week * 168 + 10 : week * 168 + 14] = "C"
    cod[200:203] = [34.0, 30.0, 27.0]
    cod[203:233] = np.resize([25.0, 25.1, 25.2, 25.1], 30)
    cod[233:236] = [27.0, 30.0, 34.0]
    frame = make_frame(MN, {COD: cod}, flags={COD: flags})
    det = StandardSubstitutionDetector()
    found = det.detect(frame, SPEC_COD_NO_STANDARD)
    assert spans(found) == [(hour(203), hour(232))]
    ev = found[0].evidence
    assert "within tolerance of the calibration standard" in ev["rule"]
    assert ev["standard"] == 25.0
    assert det.detect(make_frame(MN, {COD: cod}), SPEC_COD_NO_STANDARD) == []  # no C hours


SPEC_NH3_2_COD_TP_TN = make_spec(
    MN,
    w21003={"limit": 15.0, "standard": 2.0, "analyser_range": (0.0, 50.0)},
    w01018={"limit": 50.0, "analyser_range": (0.0, 500.0)},
    w21011={"limit": 0.5, "analyser_range": (0.0, 5.0)},
    w21001={"limit": 15.0, "analyser_range": (0.0, 50.0)},
)
SPEC_NH3_COD_TP_TN = make_spec(
    MN,
    w21003={"limit": 15.0, "analyser_range": (0.0, 50.0)},
    w01018={"limit": 50.0, "analyser_range": (0.0, 500.0)},
    w21011={"limit": 0.5, "analyser_range": (0.0, 5.0)},
    w21001={"limit": 15.0, "analyser_range": (0.0, 50.0)},
)


def _others(n: int) -> dict[str, np.ndarray]:
    """COD, TP and TN of an honest outlet, hourly, reading on as they please."""
    return {
        COD: effluent(n, mean=40.0, step=1.0, seed=21),
        TP: effluent(n, mean=0.4, step=0.01, seed=22),
        TN: effluent(n, mean=12.0, step=0.1, seed=23),
    }


def _moved(
    cols: dict[str, np.ndarray], moved: list[str], span: slice, factor: float
) -> dict[str, np.ndarray]:
    """``cols`` with the channels ``moved`` scaled by ``factor`` over ``span`` (copies)."""
    out = {c: v.copy() for c, v in cols.items()}
    for c in moved:
        out[c][span] *= factor
    return out


def test_jump_rule_no_evidence_in_steps_every_analyser_makes() -> None:
    """reviewer-J J14: the jump rule's statistic is the step, and a step every analyser makes
    (`_co_moved`: a storm, a plant event) is no evidence of a standard fed to one. NH3-N around
    4 mg/L on its standard's 2.0 for 20 h (the rain test's stretch, the flow unchanged) is
    found while the other analysers read on, and while one of them falls with it; not when two
    of them fall by the same factor in the same hours."""
    n = 24 * 60
    nh3 = effluent(n, mean=4.0, cv=0.05, step=0.01, seed=41)
    q = effluent(n, mean=400.0, cv=0.05, step=0.1, seed=42)
    rng = np.random.default_rng(43)
    nh3[700:720] = np.round(2.0 * (1 + 0.025 * rng.standard_normal(20)), 2)
    cols = {NH3N: nh3, FLOW: q} | _others(n)

    def found_with(moved: list[str]) -> list[tuple[str, object, object]]:
        frame = make_frame(MN, _moved(cols, moved, slice(700, 720), 0.5))
        found = StandardSubstitutionDetector().detect(frame, SPEC_NH3_2_COD_TP_TN)
        return [(f.pollutant, f.start, f.end) for f in found]

    assert found_with([]) == [(NH3N, hour(700), hour(719))]
    assert found_with([TN]) == [(NH3N, hour(700), hour(719))]
    assert found_with([COD, TP]) == []


def test_excursion_rule_no_evidence_in_steps_every_analyser_makes() -> None:
    """reviewer-J J14, the jump rule's excursions: the four hours of the calibration solution
    of the excursion test are found while the other analysers read on; not when two of them
    rise by the same factor (2 -> 8 mg/L) in the same hours."""
    n = 24 * 42
    nh3, flags = calibrated_nh3(n, seed=24)
    nh3[600:604] = [8.02, 7.97, 8.05, 7.99]
    cols = {NH3N: nh3} | _others(n)
    for moved, expected in (([], [(hour(600), hour(603))]), ([COD, TN], [])):
        frame = make_frame(MN, _moved(cols, moved, slice(600, 604), 4.0), flags={NH3N: flags})
        assert spans(StandardSubstitutionDetector().detect(frame, SPEC_NH3_COD_TP_TN)) == expected


def test_hold_rule_across_gaps_no_evidence_in_steps_every_analyser_makes() -> None:
    """reviewer-J J14, the hold across shutdowns: 5.00 held from 02:00 through one nightly
    shutdown to 05:00 the next morning, entered from the plant's 2 mg/L and left back to it
    (both sides seen: their jumps' shares make it rare) is found while the other analysers read
    on, and while one of them steps with it; not when two of them step by the same factor in
    the same hours (both sides are then no evidence, and one night's resumption on the
    standard alone is no rarity: the one-night trap above)."""
    nh3, flags = _nightly(60, 2.0, seed=5)
    a, b = 24 * 25 + 2, 24 * 26 + 6
    nh3[a:b] = 5.0
    cols = {NH3N: nh3} | _others(len(nh3))
    for moved, expected in (
        ([], [(hour(a), hour(b - 1))]),
        ([COD], [(hour(a), hour(b - 1))]),
        ([COD, TP], []),
    ):
        frame = make_frame(MN, _moved(cols, moved, slice(a, b), 2.5), flags={NH3N: flags})
        found = StandardSubstitutionDetector().detect(frame, SPEC_NH3_5_COD_TP_TN)
        assert spans(found) == expected
        assert all("across time gaps" in f.evidence["rule"] for f in found)


def test_co_moved_reads_slower_analysers_at_their_next_measurement() -> None:
    """reviewer-J J15: a storm shows in an analyser measuring every 2 or 4 h only at its next
    measurement. The hold test's 5.00 held 5 h from an odd hour, TP (2 h cycle) rising by the
    same factor from its next measurement an hour later and TN (4 h cycle) three hours later,
    both back at their first measurements after the hold: no evidence (both steps co-moved,
    within each channel's cycle), where the same two grid hours saw neither channel move. The
    same rise 4 h late in TP is outside its cycle: the hold is found."""
    nh3 = _nh3_around_two(seed=5)
    nh3[601:606] = 5.0
    n = len(nh3)
    cod = effluent(n, mean=40.0, step=1.0, seed=21)
    tp = effluent(n, mean=0.4, step=0.01, hold_hours=2, seed=22)
    tn = effluent(n, mean=12.0, step=0.1, hold_hours=4, seed=23)

    def found_with(tp_from: int) -> list[tuple[str, object, object]]:
        tp2, tn2 = tp.copy(), tn.copy()
        tp2[tp_from : tp_from + 4] *= 2.5
        tn2[604:608] *= 2.5
        cols = {NH3N: nh3, COD: cod, TP: tp2, TN: tn2}
        found = StandardSubstitutionDetector().detect(make_frame(MN, cols), SPEC_NH3_5_COD_TP_TN)
        return [(f.pollutant, f.start, f.end) for f in found]

    assert found_with(602) == []
    assert found_with(606) == [(NH3N, hour(601), hour(605))]


def test_co_moved_reads_the_others_from_a_slower_analysers_last_measurement() -> None:
    """reviewer-J J15, the other way round: an NH3-N measuring every 3 h shows a storm only at
    its next measurement, after the hourly analysers moved. Its 5.00 held 12 h from hour 603
    (four measurements) between two jumps is found while COD, TP and TN read on; not when they
    rose by the same factor from hour 601 and fell back at 613, the hours between NH3-N's
    measurements (the others are read from the measurement NH3-N read before each step: 600 and
    612), where the two grid hours around each step saw none of them move."""
    nh3 = effluent(24 * 60, mean=2.0, step=0.01, hold_hours=3, seed=5)
    nh3[603:615] = 5.0
    n = len(nh3)
    cols = {NH3N: nh3} | _others(n)
    for moved, expected in (([], [(NH3N, hour(603), hour(614))]), ([COD, TP, TN], [])):
        frame = make_frame(MN, _moved(cols, moved, slice(601, 613), 2.5))
        found = StandardSubstitutionDetector().detect(frame, SPEC_NH3_5_COD_TP_TN)
        assert [(f.pollutant, f.start, f.end) for f in found] == expected


def _coarse_cod(n: int, seed: int) -> np.ndarray:
    """An honest hourly COD read to 1 mg/L around 26 mg/L (its readings move every hour or two)."""
    rng = np.random.default_rng(seed)
    return np.rint(26.0 + 2.0 * np.sin(np.arange(n) / 9.0) + rng.normal(0.0, 1.5, n))


def test_neighbour_stay_is_the_second_longest_at_the_reported_values_next_to_it() -> None:
    v = np.full(60, 30.0)
    v[2:8] = 19.0  # 6 h at 19
    v[10:20] = 21.0  # 10 h at 21
    v[22:25] = 18.0  # 3 h at 18
    v[27:47] = 22.0  # 20 h at 22 (its own story: one neighbour is not the null alone)
    hours = np.arange(60, dtype=float)
    normal = np.ones(60, dtype=bool)
    # read to 1 mg/L: wider than the standard's band (2 x 0.4): 20, 10, 6, 3 h -> 10
    assert ss._neighbour_stay(v, hours, normal, 20.0, 0.4, 1.0) == 10.0
    # read to 0.1 mg/L: the band holds several reported values, no neighbour stay
    fine = v.copy()
    fine[50] = 30.1
    assert ss._neighbour_stay(fine, hours, normal, 20.0, 0.4, 1.0) == 0.0


def test_first_rule_honest_trap_a_coarse_reading_dwelling_on_a_round_standard() -> None:
    # an honest COD read to 1 mg/L dwells on 19 for 10 h, 21 for 9 h and its round 20 mg/L
    # standard for 13 h (entered and left by 1 mg/L: no jump): longer than twice its baseline
    # stay, not twice as long as it reads the values next to the standard (independent
    # honest-only fleets, tuning seeds 37 and 42: COD at 20 for 12 h and at 15 for 16 h)
    n = 24 * 20
    cod = _coarse_cod(n, seed=5)
    cod[100:110] = 19.0
    cod[200:209] = 21.0
    cod[300:313] = 20.0
    cod[299], cod[313] = 21.0, 19.0
    spec = make_spec(MN, w01018={"standard": 20.0, "analyser_range": (0.0, 200.0)})
    found = StandardSubstitutionDetector().detect(make_frame(MN, {COD: cod}), spec)
    assert found == []
    # the same standard fed for 30 h is still found by the first rule
    cod[300:330] = 20.0
    cod[299], cod[330] = 21.0, 19.0
    found = StandardSubstitutionDetector().detect(make_frame(MN, {COD: cod}), spec)
    assert spans(found) == [(hour(300), hour(329))]
    assert found[0].evidence["bars"]["neighbour_stay_hours"] == 9.0
    assert found[0].evidence["rule"].startswith("normal values within tolerance")


def test_hold_rule_looks_through_flagged_hours_to_a_holds_sides() -> None:
    """`_held_through`: the standard's 5.00 held for a whole day's 11 h run between two nightly
    shutdowns (13 F hours each side), the plant around 2.5 mg/L before and after: no side the
    analyser saw, so neither the hold rule nor the rule up to a shutdown judges it. Looked
    through the F hours, its jumps (100 %) are rarer than the series' 83 restarts make (each
    resumes near where it stopped): found, at the gap-side rate. Not found: with the rule off
    (the code before), held at 4.70 (no standard), or with the shutdowns around it longer than
    `HOLD_THROUGH_HOURS`."""
    nh3 = effluent(24 * 84, mean=2.5, cv=0.1, step=0.01, seed=3)
    flags = np.array(["N"] * len(nh3), dtype=object)
    for d in range(84):
        flags[24 * d + 10 : 24 * d + 23] = "F"
    nh3[479:490] = 5.0  # day 20's run, from the restart at 23:00 to the shutdown at 10:00
    frame = make_frame(MN, {NH3N: nh3}, flags={NH3N: flags})
    found = StandardSubstitutionDetector().detect(frame, SPEC_NH3_5)
    assert spans(found) == [(hour(479), hour(489))]
    ev = found[0].evidence
    assert "across hours with no normal reading" in ev["rule"]
    assert ev["false_alarm_rate_per_year"] == ev["threshold"] == 0.0001
    assert 0 < ev["bars"]["own_rate"] <= 0.0001
    assert ev["bars"]["jump_in_share"] < 0.1 and ev["bars"]["jump_out_share"] < 0.1
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ss, "HOLD_THROUGH_HOURS", 0.0)
        assert StandardSubstitutionDetector().detect(frame, SPEC_NH3_5) == []
    other = nh3.copy()
    other[479:490] = 4.7
    frame = make_frame(MN, {NH3N: other}, flags={NH3N: flags})
    assert StandardSubstitutionDetector().detect(frame, SPEC_NH3_5) == []
    longer = flags.copy()
    longer[490 : 490 + int(ss.HOLD_THROUGH_HOURS)] = "F"
    longer[479 - int(ss.HOLD_THROUGH_HOURS) : 479] = "F"
    frame = make_frame(MN, {NH3N: nh3}, flags={NH3N: longer})
    assert StandardSubstitutionDetector().detect(frame, SPEC_NH3_5) == []


def test_first_rule_states_the_rate_it_is_held_to() -> None:
    """The first rule's bar for a stated rate (``first_false_alarms_per_year``, 0.01 a
    series-year): 24 h of the 25 mg/L standard in 30 days of a COD read every 2 h is
    rarer than its stays at its percentile levels reach 0.01 times a series-year, and states
    0.01 (its own rate in its bars; before, it stated none); held to half its own rate, the
    first rule drops it. 18 h of it in 60 days is longer than twice the series' baseline stay
    (the first rule's finding before) but not that rare (own rate about 0.02): the jump rule's."""
    cod = effluent(24 * 30, mean=40.0, hold_hours=2, seed=12)
    cod[100:124] = held([25.0, 25.1, 24.9, 25.0, 25.2, 24.9] * 2, 2)
    frame = make_frame(MN, {COD: cod})
    found = StandardSubstitutionDetector().detect(frame, SPEC)
    assert spans(found) == [(hour(100), hour(123))]
    ev = found[0].evidence
    assert ev["rule"].startswith("normal values within tolerance of the calibration standard")
    assert ev["false_alarm_rate_per_year"] == 0.01
    own = ev["bars"]["own_rate"]
    assert 0 < own <= 0.01
    assert not any(
        f.evidence["rule"].startswith("normal values within tolerance")
        for f in StandardSubstitutionDetector(first_false_alarms_per_year=own / 2).detect(
            frame, SPEC
        )
    )
    cod = effluent(24 * 60, mean=40.0, hold_hours=2, seed=12)
    _feed_cod_its_standard(cod)
    found = StandardSubstitutionDetector().detect(make_frame(MN, {COD: cod}), SPEC)
    assert spans(found) == [(hour(100), hour(117))]
    assert found[0].evidence["rule"].startswith("normal values jump to a standard")


def test_hold_through_flagged_hours_judges_restarts_by_the_ones_that_changed() -> None:
    """`_held_through`'s null of a side across flagged hours is the series' own changes across
    such hours taken the way the seen side's are (`_relative_changes`: pairs that did not
    change left out; `_share_as_large`): a plant that resumes after most of its nightly
    shutdowns exactly where it stopped (69 of 83) and elsewhere after the 14 others (4 of them
    at twice the level) says what a restart's change is by those 14. The 5.00 held through a
    day's run between such restarts is then not rare enough for the gap-side bar (1e-4): own
    rate 1.9e-4, its step in as large as 9 of the 17 changes across such hours; with the
    unchanged restarts counted (the code before) it was 10 of 85 and the hold a finding at
    1.7e-5. Still judged: found at a bar of 0.01."""
    nh3 = effluent(24 * 84, mean=2.5, cv=0.1, step=0.01, seed=3)
    flags = np.array(["N"] * len(nh3), dtype=object)
    for d in range(84):
        flags[24 * d + 10 : 24 * d + 23] = "F"
    changed = set(range(1, 84, 6))  # the days whose restart reads a new level
    rng = np.random.default_rng(5)
    for d in range(1, 84):
        stop, start = 24 * (d - 1) + 9, 24 * d - 1
        step = 2.0 if d % 4 == 1 else 1 + rng.uniform(0.1, 0.3)  # 4 of them double
        nh3[start] = nh3[stop] * step if d in changed else nh3[stop]
    nh3[479:490] = 5.0  # day 20's run, from the restart at 23:00 to the shutdown at 10:00
    frame = make_frame(MN, {NH3N: nh3}, flags={NH3N: flags})
    assert len(changed) == 14
    assert StandardSubstitutionDetector().detect(frame, SPEC_NH3_5) == []
    assert StandardSubstitutionDetector(gap_side_false_alarms_per_year=0.01).detect(
        frame, SPEC_NH3_5
    )  # a hold the rule judges, at a rate above its bar


def test_first_rule_counts_the_stretch_itself_among_a_series_stays() -> None:
    """The first rule's own rate counts the stretch itself among the series' stays at its
    percentile levels: a COD whose readings (100 to 40,000 mg/L in steps of 100) lie near none
    of its percentile levels has no stay there, and 12 h of the 25 mg/L standard in its 17
    days was its own rate 0 (found, whatever the bar); counted as one stay, it is about 1 a
    series-year: not the first rule's finding."""
    rng = np.random.default_rng(7)
    cod = np.concatenate([np.full(12, 25.0), rng.permutation(100.0 * np.arange(1, 401))])
    found = StandardSubstitutionDetector().detect(make_frame(MN, {COD: cod}), SPEC)
    assert not any(f.evidence["rule"].startswith("normal values within tolerance") for f in found)
    near = np.abs(np.percentile(cod, np.arange(5, 100, 5))[:, None] - cod[None, :]).min(axis=1)
    assert near.min() > 0.02 * 25.0  # no reading within the band of a percentile level


def _cod_climbing_in_two_steps() -> np.ndarray:
    """A calm COD around 15 mg/L read every 3 h to 0.1 mg/L that every sixth day climbs by two
    steps of a quarter or more (17, 23, 30) and eases back over the day."""
    cod = effluent(24 * 90, mean=15.0, cv=0.03, hold_hours=3, step=0.1, seed=4)
    for d in range(2, 90, 6):
        cod[24 * d + 6 : 24 * d + 24] = held([17.0, 23.0, 30.0, 27.0, 24.0, 21.0], 3)
    return cod


def test_hold_rule_judges_its_two_steps_as_the_series_pairs_them() -> None:
    """`_paired_share`: a plant that climbs in two steps now and then makes the hold rule's
    two steps together more often than their shares apart multiplied say. The standard's 25
    held for three measurements on such a climb (19 -> 25 -> 32) was the hold rule's at 1.2e-4
    (its steps' shares 0.049 and 0.16 apart); as often as the series' own pairs of steps like
    them go (on, as this one) it is 3.7e-4: not found at a bar of 2e-4 (found with
    `PAIRED_STEPS` off, the code before). The same hold left back down (19 -> 25 -> 19, a turn
    the series' climbs never make that large) is still found at that bar."""
    cod = _cod_climbing_in_two_steps()
    cod[24 * 41 + 3 : 24 * 41 + 21] = held([16.0, 19.0, 25.0, 25.0, 25.0, 32.0], 3)
    frame = make_frame(MN, {COD: cod})
    det = StandardSubstitutionDetector(hold_false_alarms_per_year=2e-4)
    assert not any(
        f.evidence["rule"].startswith("normal values hold") for f in det.detect(frame, SPEC)
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ss, "PAIRED_STEPS", False)
        found = [
            f
            for f in det.detect(frame, SPEC)
            if f.evidence["rule"].startswith("normal values hold")
        ]
        assert spans(found) == [(hour(24 * 41 + 9), hour(24 * 41 + 17))]
    cod[24 * 41 + 18 : 24 * 41 + 21] = 19.0
    found = det.detect(make_frame(MN, {COD: cod}), SPEC)
    assert spans([f for f in found if f.evidence["rule"].startswith("normal values hold")]) == [
        (hour(24 * 41 + 9), hour(24 * 41 + 17))
    ]


def test_paired_share_tells_a_spike_from_a_dip() -> None:
    """`_paired_share`: a series whose pairs of large steps are dips (10 -> 5 -> 10, twice) and
    one spike onto 20 counts the spike's pair as its own only (0: the shares apart stand),
    while a dip onto the standard 5 counts the series' two dips; a climb (a level moving on)
    counts climbs and falls alike."""
    x = np.array([10.0, 10.5, 5.0, 10.2, 10.4, 5.0, 10.1, 9.9, 20.0, 10.0, 10.3])
    assert ss._paired_share(x, 20.0, np.array([9.9]), np.array([10.0]))[0] == 0.0
    dip = ss._paired_share(x, 5.0, np.array([10.0]), np.array([10.0]))[0]
    assert dip == pytest.approx(2 / 9)
    steps = np.array([10.0, 12.0, 15.0, 12.0, 9.0, 12.0, 15.0])
    # two climbs through 12 and the fall 15 -> 12 -> 9 (the turns 12 -> 15 -> 12 and 12 -> 9
    # -> 12 are no such pair)
    assert ss._paired_share(steps, 12.0, np.array([10.0]), np.array([15.0]))[0] == pytest.approx(
        3 / 5
    )


def test_first_rule_counts_cycles_at_the_cadence_around_the_stretch() -> None:
    """`_local_cycles`: a COD read every hour for 50 days and then holding each reading 4 h
    learns a cycle of 1 h from its whole history, but around the stretch it measures every
    4 h. 12 h on the 25 mg/L standard there are three measurements (24.9, 25.1, 25.0), not
    the first rule's six cycles: no longer its finding (the code before found it at an own
    rate of 0.0024, cycle 1 h; the jump rule, which judges its jump from the plant's 40 mg/L,
    still reports it). 24 h of six such measurements are six cycles of that cadence and stay
    the first rule's, stating the 4 h cycle and its 24 h floor."""
    cod = np.concatenate(
        [effluent(24 * 50, mean=40.0, seed=12), effluent(24 * 10, mean=40.0, hold_hours=4, seed=13)]
    )
    at = 24 * 55
    three = cod.copy()
    three[at : at + 12] = held([24.9, 25.1, 25.0], 4)
    found = StandardSubstitutionDetector().detect(make_frame(MN, {COD: three}), SPEC)
    assert spans(found) == [(hour(at), hour(at + 11))]
    assert not found[0].evidence["rule"].startswith("normal values within tolerance")
    six = cod.copy()
    six[at : at + 24] = held([24.9, 25.1, 25.0, 25.2, 24.9, 25.0], 4)
    found = StandardSubstitutionDetector().detect(make_frame(MN, {COD: six}), SPEC)
    assert spans(found) == [(hour(at), hour(at + 23))]
    ev = found[0].evidence
    assert ev["rule"].startswith("normal values within tolerance")
    assert ev["cycle_hours"] == 4.0
    assert ev["bars"]["hours_min"] == 24.0


def test_null_durations_read_one_hour_past_the_measurement_before_the_last() -> None:
    """`_on_lattice`: a stretch of 8 h on a 2-hourly analyser is four measurements, and a null
    stretch lasting 7 h is as long as far as the analyser shows; the null's tail (and its
    exponential with fewer than 24 stretches) is read at 7 h, as an hourly analyser's would be
    for 7 h (the code before read it at 8 h whatever the cycle), and `_null_hours` states the
    stretch's duration at which its rate is reached, so the two agree."""
    rng = np.random.default_rng(2)
    pooled = np.round(rng.exponential(3.0, 200)) + 1.0
    for null in (pooled, pooled[:20]):
        assert ss._null_survival(null, 8.0, 2.0) == ss._null_survival(null, 7.0, 1.0)
        assert ss._null_survival(null, 8.0, 2.0) > ss._null_survival(null, 8.0, 1.0)
        bar = ss._null_hours(null, 50.0, 0.01, 4.0)
        assert bar == pytest.approx(ss._null_hours(null, 50.0, 0.01, 1.0) + 3.0)
        assert 50.0 * ss._null_survival(null, bar, 4.0) == pytest.approx(0.01, rel=0.01)


SPEC_NH3_8_COD = make_spec(
    MN,
    w21003={"limit": 15.0, "standard": 8.0, "analyser_range": (0.0, 50.0)},
    w01018={"limit": 100.0, "analyser_range": (0.0, 500.0)},
)


def test_the_analysers_check_straight_after_its_own_maintenance_is_no_finding() -> None:
    """Four hours of the registered 8 mg/L solution between samples of an NH3-N at 2 mg/L,
    straight after an hour of the station's maintenance (its NH3-N and COD analysers both
    flagged M), at a plant whose logger does not flag checks (no C reading): the technician's
    span check after it, left N (honest generator, tuning seeds 5-14 x 80: 16 of 41 findings).
    Not found; found as before with an hour of the water read between the maintenance and the
    standard, with ``check_hours`` 0, when it lasts longer than ``check_hours``, when only the
    NH3-N is flagged M while the COD reads the water in that hour (reviewer-P's P2: not the
    station's maintenance), or when the logger flags its span checks C (it would have flagged
    this one C too)."""
    n = 24 * 42
    nh3 = effluent(n, mean=2.0, step=0.01, seed=24)
    cod = effluent(n, mean=40.0, seed=25)
    nh3[600:604] = [8.02, 7.97, 8.05, 7.99]

    def found(m: slice, both: bool = True, c_hour: int | None = None, **kw: float) -> list[tuple]:
        fn, fc = np.array(["N"] * n, dtype=object), np.array(["N"] * n, dtype=object)
        fn[m] = "M"
        if both:
            fc[m] = "M"
        if c_hour is not None:
            fc[c_hour] = "C"
        frame = make_frame(MN, {NH3N: nh3, COD: cod}, flags={NH3N: fn, COD: fc})
        got = StandardSubstitutionDetector(**kw).detect(frame, SPEC_NH3_8_COD)
        return spans(f for f in got if f.pollutant == NH3N)

    assert found(slice(599, 600)) == []
    assert found(slice(599, 600), check_hours=0) == [(hour(600), hour(603))]
    assert found(slice(599, 600), check_hours=3) == [(hour(600), hour(603))]
    assert found(slice(598, 599)) == [(hour(600), hour(603))]
    assert found(slice(599, 600), both=False) == [(hour(600), hour(603))]
    assert found(slice(599, 600), c_hour=200) == [(hour(600), hour(603))]


def test_one_m_hour_before_each_feed_of_the_standard_excuses_none() -> None:
    """Reviewer-P's P2 (ss_probe.py, seed 0, L = 4): an NH3-N at 2 mg/L whose logger flags its
    weekly 8 mg/L calibration C; six feeds of the 8 mg/L solution for 4 h in 12 weeks, each
    straight after one hour flagged M. The code of af79b5e excused all six as checks after
    maintenance (0 of 60 feeds over 10 seeds); a logger that flags its span checks C would have
    flagged a check after maintenance C too, so all six are found (the parent's 60 of 60)."""
    n = 24 * 84
    nh3, flags = calibrated_nh3(n, seed=0)
    rng = np.random.default_rng(100)
    feeds = []
    for k in range(6):
        a = 260 + k * 300 + int(rng.integers(0, 24))
        nh3[a : a + 4] = np.round(8.0 * (1 + 0.015 * rng.standard_normal(4)), 2)
        flags[a - 1] = "M"
        feeds.append((hour(a), hour(a + 3)))
    frame = make_frame(MN, {NH3N: nh3}, flags={NH3N: flags})
    got = list(StandardSubstitutionDetector().detect(frame, SPEC_NH3))
    for s, e in feeds:
        assert any(f.start <= e and f.end >= s for f in got), (s, e)


def test_a_local_cadence_needs_its_runs_to_hold_the_hours_around_the_stretch() -> None:
    """`_local_cycles` (reviewer-O's O8): chance repeats of an hourly analyser's coarse reading
    make runs of 2-5 h a day either side of a stretch, half the hours in runs of 2 h or more,
    the commonest 3 h; the old rule took 3 h for the cadence there and raised the first rule's
    floor to 18 h, so 12 h of hourly readings on the 25 mg/L standard (twelve measurements)
    were no longer its finding. A cadence is now taken only when at least `LOCAL_MODE_RUNS`
    runs of its length hold half the hours: the first rule finds the 12 h at a cycle of 1 h."""
    cod = effluent(24 * 60, mean=40.0, seed=12)
    at = 24 * 55
    side = [3, 1, 2, 1, 4, 1, 3, 1, 5, 3]  # 24 h: runs of 2+ hold 20 h, three of 3 h
    rng = np.random.default_rng(1)
    for lo in (at - 24, at + 12):
        h = lo
        for k in side:
            cod[h : h + k] = round(float(rng.uniform(36, 44)), 1)
            h += k
    cod[at : at + 12] = np.tile([24.9, 25.1, 25.0, 25.2], 3)
    found = StandardSubstitutionDetector().detect(make_frame(MN, {COD: cod}), SPEC)
    first = [f for f in found if f.evidence["rule"].startswith("normal values within tolerance")]
    assert [(f.start, f.end) for f in first] == [(hour(at), hour(at + 11))]
    assert first[0].evidence["cycle_hours"] == 1.0


def _cod_fed_hourly(hold_hours: int) -> np.ndarray:
    """A COD around 40 mg/L measured every ``hold_hours`` h, its 25 mg/L standard read as a new
    value each hour for 4 h (hours 301-304)."""
    cod = effluent(24 * 30, mean=40.0, hold_hours=hold_hours, seed=3)
    cod[301:305] = [25.2, 24.8, 25.1, 24.9]
    return cod


def test_a_standard_changing_every_hour_on_a_two_hourly_analyser_is_the_cadence_rules(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a 2-hourly analyser repeats each measurement twice: four hourly values of the standard in
    # a row are no measurement of it; no other rule finds 4 h (steps the series' own reach)
    frame = make_frame(MN, {COD: _cod_fed_hourly(2)})
    found = StandardSubstitutionDetector().detect(frame, SPEC)
    assert spans(found) == [(hour(301), hour(304))]
    assert found[0].evidence["rule"].startswith("normal values on a standard solution's level")
    assert found[0].evidence["readings"] == 4
    assert found[0].evidence["bars"]["own_rate"] <= 1e-4
    monkeypatch.setattr(ss, "CADENCE_RULE", False)
    assert StandardSubstitutionDetector().detect(frame, SPEC) == []


def test_an_hourly_analyser_or_one_holding_the_standard_two_hours_is_no_cadence_finding() -> None:
    # read hourly, the series makes such chains anywhere: the same four values are no finding
    assert (
        StandardSubstitutionDetector().detect(make_frame(MN, {COD: _cod_fed_hourly(1)}), SPEC) == []
    )
    # held on the analyser's own 2-h cadence, the four hours are two measurements
    cod = effluent(24 * 30, mean=40.0, hold_hours=2, seed=3)
    cod[300:304] = [25.2, 25.2, 24.8, 24.8]
    assert StandardSubstitutionDetector().detect(make_frame(MN, {COD: cod}), SPEC) == []


def test_chains_of_one_hour_runs_break_at_a_longer_run_or_a_missing_hour() -> None:
    single = np.array([True, True, False, True, True, True, True])
    adjacent = np.array([True, True, True, True, False, True])  # runs 4 and 5 an hour apart
    first, last = ss._chains(single, adjacent)
    assert first.tolist() == [0, 3, 5] and last.tolist() == [1, 4, 6]


def test_first_rule_honest_trap_a_stall_near_the_standard_not_on_it() -> None:
    """An analyser stalled for 30 h on 25.3 mg/L (1.2 % from the 25 mg/L standard, a plant
    around 27) holds one measurement: near the standard only by where the plant was. The first
    rule took it as a stretch on the standard (honest generator, tuning seeds 5-24 x 80: 16 of
    its 56 findings were such stalls). No finding; the standard's own value held as long is
    found by the first rule as before."""
    n = 24 * 60
    cod = effluent(n, mean=27.0, cv=0.1, hold_hours=2, step=0.1, seed=7)
    cod[700:730] = 25.3
    assert StandardSubstitutionDetector().detect(make_frame(MN, {COD: cod}), SPEC) == []
    cod[700:730] = 25.0
    found = StandardSubstitutionDetector().detect(make_frame(MN, {COD: cod}), SPEC)
    assert spans(found) == [(hour(700), hour(729))]
    assert found[0].evidence["rule"].startswith("normal values within tolerance")


def _calibration_then_held(n: int, gap: int, hours: int = 20) -> tuple[np.ndarray, np.ndarray]:
    """An NH3-N around 2 mg/L calibrated weekly with its registered 8 mg/L solution (four C hours
    reading it); in week 3 its last C hour reads 8.00 and, ``gap`` hours later, the series holds
    8.00 unflagged for ``hours`` h (with ``gap`` 0: the analyser stalled on its calibration's
    result)."""
    nh3, flags = calibrated_nh3(n, seed=31)
    a = 3 * 168 + 30
    nh3[a + 3] = 8.0
    nh3[a + 4 + gap : a + 4 + gap + hours] = 8.0
    return nh3, flags


def test_a_calibrations_result_held_over_three_days_is_a_finding() -> None:
    """reviewer-T2's item 4: the calibration-hold excuse is capped at 72 h. The NH3-N holds its
    C hour's 8.00 straight after it for 48 and 72 h: no finding (an analyser stalled after its
    calibration); for 96 h: found (the independent generator feeds the standard straight after
    a calibration, seed 19's TP 0.25 for 74 h; without the cap no length was ever found)."""
    n = 24 * 42
    cod = _cod(n)
    for hours in (48, 72):
        nh3, flags = _calibration_then_held(n, gap=0, hours=hours)
        frame = make_frame(MN, {NH3N: nh3, COD: cod}, flags={NH3N: flags})
        assert StandardSubstitutionDetector().detect(frame, SPEC_NH3_8_COD_25) == []
    nh3, flags = _calibration_then_held(n, gap=0, hours=96)
    frame = make_frame(MN, {NH3N: nh3, COD: cod}, flags={NH3N: flags})
    found = StandardSubstitutionDetector().detect(frame, SPEC_NH3_8_COD_25)
    assert [(f.pollutant, f.category) for f in found] == [(NH3N, "integrity")]
    assert found[0].start == hour(3 * 168 + 34)
    assert found[0].end <= hour(3 * 168 + 34 + 95)


def test_the_analyser_holding_its_calibrations_result_is_no_finding_at_a_first_look() -> None:
    """Straight after C hours reading the registered 8 mg/L standard, the NH3-N holds 8.00
    unflagged for 20 h, then reads the plant's 2 mg/L again: an analyser stalled after its
    calibration reports the last value it measured (honest generator, tuning seeds 5-24 x 80:
    18 of 37 findings were such holds, straight after C hours reading them). No finding at an
    outlet no other finding names; found with an hour of the plant's water read between the C
    hour and the hold, and, at an outlet found feeding its COD its standard, found at the
    outlet's rate times its rule's (a falsifier feeding the standard after a calibration:
    independent tuning seed 19's TP 0.25 held 74 h after a 0.25 C hour)."""
    n = 24 * 42
    cod = _cod(n)
    nh3, flags = _calibration_then_held(n, gap=0)
    frame = make_frame(MN, {NH3N: nh3, COD: cod}, flags={NH3N: flags})
    assert StandardSubstitutionDetector().detect(frame, SPEC_NH3_8_COD_25) == []
    nh3, flags = _calibration_then_held(n, gap=1)
    frame = make_frame(MN, {NH3N: nh3, COD: cod}, flags={NH3N: flags})
    found = StandardSubstitutionDetector().detect(frame, SPEC_NH3_8_COD_25)
    start = hour(3 * 168 + 35)
    assert [(f.pollutant, f.start) for f in found] == [(NH3N, start)]
    nh3, flags = _calibration_then_held(n, gap=0)
    _feed_cod_its_standard(cod)
    frame = make_frame(MN, {NH3N: nh3, COD: cod}, flags={NH3N: flags})
    found = StandardSubstitutionDetector().detect(frame, SPEC_NH3_8_COD_25)
    held_nh3 = [f for f in found if f.pollutant == NH3N]
    assert [f.start for f in held_nh3] == [hour(3 * 168 + 34)]
    bars = held_nh3[0].evidence["bars"]
    assert bars["after_calibration"] is True
    cod_rate = min(f.evidence["false_alarm_rate_per_year"] for f in found if f.pollutant == COD)
    assert bars["outlet_rate"] == cod_rate
    assert held_nh3[0].evidence["false_alarm_rate_per_year"] <= cod_rate


SPEC_NH3_8_COD_25 = make_spec(
    MN,
    w21003={"limit": 15.0, "standard": 8.0, "analyser_range": (0.0, 50.0)},
    w01018={"limit": 50.0, "standard": 25.0, "analyser_range": (0.0, 500.0)},
)


def test_outlet_rule_finds_the_standard_held_with_no_jump() -> None:
    """The seventh rule's holds: at an outlet found feeding its COD standard, the NH3-N (a plant
    at 4.5 mg/L) reads its 5.0 standard exactly for 10 h, entered from 4.6 and left to 4.5:
    no jump at either side (independent tuning seed 20's TN 10.0 held 17 h between 9.78 and
    9.14). Found there, not at an outlet with no standard found; the finding says no jump."""
    n = 24 * 120
    cod = _cod(n)
    nh3 = effluent(n, mean=4.5, cv=0.05, step=0.01, seed=5)
    nh3[899] = 4.6
    nh3[900:910] = 5.0
    nh3[910] = 4.5
    assert _nh3_found_at_fed_outlet(cod, nh3, 900, 909).evidence["bars"]["jumped"] is False


def _cod_fed_hourly_among_climbs(flat: bool) -> np.ndarray:
    """A 2-hourly COD around 40 mg/L for 120 days, its 25 mg/L standard read as a new value
    each hour for 4 h from hour 301, with four other stretches of six one-hour readings
    (another falsifier's ramps, a burst of hourly readings): climbs 40 -> 70 mg/L, or, with
    ``flat``, six values within 2 % of one level (40.3, 39.8, 40.1 ...)."""
    cod = effluent(24 * 120, mean=40.0, hold_hours=2, seed=3)
    cod[301:305] = [25.2, 24.8, 25.1, 24.9]
    for k, at in enumerate((800, 1400, 2000, 2600)):
        if flat:
            cod[at : at + 6] = [40.3, 39.8, 40.1, 39.7, 40.2, 39.9]
        else:
            cod[at : at + 6] = np.linspace(40.0 + k, 70.0 + k, 6).round(1)
    return cod


def test_cadence_rules_null_counts_chains_on_one_level_not_climbs() -> None:
    """The cadence rule's null (`_hourly_on_standard`): honest chains of ``k`` one-hour runs
    start with probability the larger of ``p ** k`` and the share of the series' runs starting
    a chain as long. Counted from every chain as long, six hourly climbs elsewhere in the
    series (independent tuning seeds 6 and 17: another falsifier's straight-line ramps read
    hourly on a 2-hourly analyser) raised the share 10 to 1,000 times and hid the standard's
    four hourly values (here four climbs: the share 0.003 for p ** 4 near 1e-7). The null
    leaves out the straight climbs and falls with no as many one-hour readings on one level
    (`_null_chains`; it counts the flat ones, `_flat_chains`, and any going up and down). With
    flat hourly stretches elsewhere instead, the series shows that shape on its own, and the
    standard's is no finding."""
    found = StandardSubstitutionDetector().detect(
        make_frame(MN, {COD: _cod_fed_hourly_among_climbs(flat=False)}), SPEC
    )
    assert spans(found) == [(hour(301), hour(304))]
    assert found[0].evidence["rule"].startswith("normal values on a standard solution's level")
    flat = _cod_fed_hourly_among_climbs(flat=True)
    assert StandardSubstitutionDetector().detect(make_frame(MN, {COD: flat}), SPEC) == []


def test_flat_chains_count_chains_holding_k_readings_on_one_level() -> None:
    values = np.array([10.0, 10.2, 9.9, 13.0, 16.0, 16.3, 16.1, 15.9, 30.0, 34.0])
    # chains 0..4 (10, 10.2, 9.9 on one level, then a climb) and 4..9 (16 ... 15.9 four on one)
    lo, hi = np.array([0, 4]), np.array([3, 9])
    assert [ss._flat_chains(values, lo, hi, 0.0, k) for k in (3, 4, 5)] == [2, 1, 0]
    # a resolution wider than the band joins what it cannot tell apart
    assert ss._flat_chains(values, np.array([8]), np.array([9]), 2.5, 2) == 1
    assert ss._flat_chains(values, np.array([8]), np.array([9]), 0.0, 2) == 0


def test_null_chains_leave_out_only_straight_climbs_and_falls() -> None:
    """`_null_chains`: of the chains of ``k`` one-hour runs or more, every one but a straight
    climb or fall holding no ``k`` readings on one level."""
    climb, up_down, slow, fall = (
        [40, 46, 52, 58],
        [22, 27.5, 23, 28],
        [40, 40.4, 40.9],
        [60, 50, 40],
    )
    values = np.array([*climb, 1, *up_down, 2, *slow, 3, *fall, 4, 10, 30], dtype=float)
    # a climb, an hourly reading going up and down, a slow climb on one level, a fall, a short
    # chain
    lo, hi = np.array([0, 5, 10, 14, 18]), np.array([3, 8, 12, 16, 19])
    assert ss._null_chains(values, lo, hi, 0.0, 3) == 2
    assert ss._null_chains(values, lo, hi, 0.0, 4) == 1
    assert ss._null_chains(values, lo, hi, 0.0, 5) == 0
    # the flat null alone counts only the chain on one level
    assert ss._flat_chains(values, lo, hi, 0.0, 3) == 1


def _cod_read_hourly_in_bursts(seed: int) -> np.ndarray:
    """An honest 2-hourly COD around its 25 mg/L standard for 120 days whose analyser reads the
    same water every hour now and then: eight bursts of six one-hour readings."""
    n = 24 * 120
    hourly = effluent(n, mean=25.0, hold_hours=1, seed=seed)
    cod = np.repeat(hourly[::2], 2)[:n]
    rng = np.random.default_rng(seed + 1)
    for at in rng.choice(np.arange(48, n - 48, 2), 8, replace=False):
        cod[at : at + 6] = hourly[at : at + 6]
    return cod


def test_cadence_rules_null_counts_an_analysers_hourly_bursts() -> None:
    """The cadence rule's null counts every chain as long as a candidate's but a straight climb
    or fall (`_null_chains`; reviewer-T3): a 2-hourly analyser
    that reads its own water hourly in bursts, at a plant whose level lies near the standard,
    shows the candidate's shape on its own, up and down. Counting only the flat chains
    (flat chains alone, `_flat_chains`) found a chance stretch of such a burst on the standard at
    own rates of 1e-5 (18 of 210 such series against 3 of 210 with every chain counted); a
    straight ramp read hourly is still no honest chain
    (`test_cadence_rules_null_counts_chains_on_one_level_not_climbs`)."""
    for seed in (4, 18, 30):
        frame = make_frame(MN, {COD: _cod_read_hourly_in_bursts(seed)})
        assert StandardSubstitutionDetector().detect(frame, SPEC) == [], seed


def test_cadence_rules_null_tells_one_level_by_the_analysers_step() -> None:
    """The cadence rule's null tells a chain on one level with the analyser's step at any level
    (the series' step; reviewer-T3): a whole-mg/L COD's readings 24, 25, 26 on its
    25 mg/L standard are a candidate (5 % of 25 is over the step), and so is the same shape
    lower down, 14, 15, 16, 17 read hourly as the plant's water rose twice, which with the
    band's 5 % alone (0.75 mg/L at 15, under the step) no chain there could be. Counted, the
    standard's 25, 24, 25 read hourly once is no finding; alone it is."""
    n = 24 * 120
    cod = effluent(n, mean=22.0, hold_hours=2, step=1.0, seed=1)
    cod[300], cod[301:304], cod[304] = cod[299], [25.0, 24.0, 25.0], cod[305]
    det = StandardSubstitutionDetector()
    assert spans(det.detect(make_frame(MN, {COD: cod}), SPEC)) == [(hour(301), hour(303))]
    for at in (800, 2000):
        cod[at : at + 4] = [14.0, 15.0, 16.0, 17.0]
    assert det.detect(make_frame(MN, {COD: cod}), SPEC) == []


def _nh3_read_hourly_on_its_standard() -> np.ndarray:
    """A 2-hourly NH3-N around 1.7 mg/L for 120 days (20 measurements cut to one hour by the
    clock), its 2.5 mg/L standard read as a new value each hour for 3 h from hour 625 (entered from 2.06, left to 2.06: no pulse): a
    cadence chain whose own rate (about 0.006 a series-year) is over the cadence rule's 0.001."""
    nh3 = effluent(24 * 120, mean=1.7, cv=0.3, step=0.01, hold_hours=2, seed=1)
    rng = np.random.default_rng(5)
    for at in rng.choice(np.arange(50, len(nh3) - 50, 2), 20, replace=False):
        nh3[at] = round(nh3[at] * 1.03, 2)
    nh3[625:628] = [2.52, 2.47, 2.51]
    return nh3


def test_outlet_rule_judges_the_cadence_of_the_other_analysers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The seventh rule's stretches take the cadence rule's chains too (`_outlet_stretches`,
    :data:`OUTLET_CADENCE`), held to a tenth of ``outlet_false_alarms_per_year`` (the jump
    rule's own 0.01; independent tuning seed 11: a COD's 25 mg/L standard read 25.2, 24.9,
    24.3 between a 4-hourly analyser's holds, own rate 0.005, at an outlet found). Alone the
    NH3-N's three hourly values on its standard are no finding; at an outlet whose COD is found
    fed its standard they are, stating the rate held to times the outlet's and the looks."""
    n = 24 * 120
    cod = _cod(n)
    nh3 = _nh3_read_hourly_on_its_standard()
    det = StandardSubstitutionDetector()
    ev = _nh3_found_at_fed_outlet(cod, nh3, 625, 627, SPEC_COD_NH3_STD).evidence
    assert ev["rule"].startswith("normal values on a standard solution's level change every hour")
    assert "an outlet found feeding a standard" in ev["rule"]
    bar = ss.OUTLET_CADENCE_RATE * det.outlet_false_alarms_per_year
    assert det.hold_false_alarms_per_year < ev["bars"]["own_rate"] <= bar
    assert ev["false_alarm_rate_per_year"] == pytest.approx(bar * 0.01 * ev["bars"]["outlet_looks"])
    monkeypatch.setattr(ss, "OUTLET_CADENCE", False)
    found = det.detect(make_frame(MN, {COD: cod, NH3N: nh3}), SPEC_COD_NH3_STD)
    assert [f.pollutant for f in found] == [COD]


def test_a_check_after_maintenance_may_start_with_one_settling_reading(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The check after maintenance (`_maintenance_checks`, :data:`CHECK_LEAD_READINGS`): the
    analyser's first reading after its M hours may still be settling a little off the standard
    (honest generator, tuning seed 30: a 2-hourly TN flagged M for 4 h, then 4.73, 5.03, 4.99,
    5.04 hourly on its 5 mg/L standard, the last three found by the cadence rule once its null
    counted only flat chains). A check entered from such a reading (7.55, 6 % off the 8 mg/L
    standard) is excused as one entered straight after the M hour is; one entered from the
    plant's own water (2 mg/L) is found, as before."""
    n = 24 * 120
    nh3 = effluent(n, mean=2.0, step=0.01, hold_hours=2, seed=24)
    cod = effluent(n, mean=40.0, hold_hours=2, seed=25)
    nh3[1599:1602] = [8.02, 7.97, 8.05]
    flags = {c: np.array(["N"] * n, dtype=object) for c in (NH3N, COD)}
    for f in flags.values():
        f[1594:1598] = "M"

    def found() -> list[tuple]:
        frame = make_frame(MN, {NH3N: nh3, COD: cod}, flags=flags)
        got = StandardSubstitutionDetector().detect(frame, SPEC_NH3_8_COD)
        return spans(f for f in got if f.pollutant == NH3N)

    nh3[1598] = 7.55
    assert found() == []
    monkeypatch.setattr(ss, "CHECK_LEAD_READINGS", False)
    assert found() == [(hour(1599), hour(1601))]
    monkeypatch.setattr(ss, "CHECK_LEAD_READINGS", True)
    nh3[1598] = 2.05
    assert found() == [(hour(1599), hour(1601))]
    # the settling reading is the hour before the check (reviewer-T3: two hours missing between
    # them left the check excused)
    nh3[1598] = 7.55
    nh3[1599:1601] = np.nan
    nh3[1601:1604] = [8.02, 7.97, 8.05]
    assert found() == [(hour(1601), hour(1603))]


def test_rain_onto_the_standard_at_a_noisy_four_hourly_analyser_is_still_the_flows() -> None:
    """reviewer-T8s: a 4-hourly NH3-N at a CV of 0.3 (its median change between readings
    about 19 %) diluted 16 % onto its standard for 20 h by rain that raises the flow as much:
    the steps (about 14-18 %) are under the series' median change but over
    `DILUTION_STEP_CAP`, so the flow explains them; the same readings under a steady flow are
    found."""
    spec = make_spec(MN, w21003={"limit": 15.0, "standard": 2.0, "analyser_range": (0.0, 50.0)})
    nh3 = effluent(24 * 60, mean=2.4, cv=0.3, step=0.01, hold_hours=4, seed=41)
    q = effluent(24 * 60, mean=400.0, cv=0.05, step=0.1, seed=42)
    rng = np.random.default_rng(43)
    nh3[700:720] = np.round(2.0 * (1 + 0.025 * rng.standard_normal(20)), 2)
    nh3[694:700] = np.round(nh3[700] * 1.16 * (1 + 0.02 * rng.standard_normal(6)), 2)
    nh3[720:726] = np.round(nh3[719] * 1.16 * (1 + 0.02 * rng.standard_normal(6)), 2)
    det = StandardSubstitutionDetector()
    assert det.detect(make_frame(MN, {NH3N: nh3, FLOW: q}), spec)
    rain = q.copy()
    rain[700:720] *= 1.16
    assert det.detect(make_frame(MN, {NH3N: nh3, FLOW: rain}), spec) == []
