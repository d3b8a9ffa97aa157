"""flag_masking: flags over exceedances, and "stopped" while flowing; honest traps."""

from __future__ import annotations

import numpy as np

from detectors.checks.flag_masking import FlagMaskingDetector, _min_tail
from detectors.spec import COD, FLOW
from tests.detectors.c2_helpers import cycled, frame, hour
from tests.detectors.flag_helpers import N, cod_spec, daily_flow, normal_flags

BUMP = (45.0, 58.0, 71.0, 77.0, 66.0, 52.0)  # a measured rise and fall over the 50 mg/L limit


def test_flag_masking_measured_exceedances_under_m_and_d_flags() -> None:
    """Flagged runs whose values move like the effluent's (a smooth rise and fall over the
    limit), more of them than honest flags make: one finding over all of them."""
    cod = cycled(N, level=25, spread=3, hold_hours=2, seed=1)
    flags = normal_flags()
    for s, flag in ((50, "M"), (300, "D"), (600, "M")):
        cod[s : s + len(BUMP)] = BUMP
        flags[s : s + len(BUMP)] = flag
    (f,) = FlagMaskingDetector().detect(frame({COD: cod}, {COD: flags}), cod_spec())
    assert (f.start, f.end) == (hour(50), hour(605))
    assert f.evidence["episodes"] == 3 and f.evidence["hours"] == 18
    assert [e["flags"] for e in f.evidence["episode_list"]] == ["M", "D", "M"]
    assert f.evidence["p_value"] <= f.evidence["threshold"]
    for key in ("rule", "statistic", "threshold", "window_hours", "false_alarm_rate_per_year"):
        assert key in f.evidence


def test_flag_masking_held_test_values_and_erratic_service_are_honest() -> None:
    """An analyser under service holds a value or a test solution above the limit, or reads
    erratically: that is what maintenance looks like, not a measured exceedance."""
    cod = cycled(N, level=25, spread=3, hold_hours=2, seed=1)
    flags = normal_flags()
    for s in (50, 300, 600):
        cod[s : s + 6] = 200.0  # held at the range maximum / test value
        flags[s : s + 6] = "M"
    for s in (150, 450, 680):
        cod[s : s + 5] = (70.0, 3.0, 95.0, 0.5, 120.0)  # erratic while worked on
        flags[s : s + 5] = "D"
    assert FlagMaskingDetector().detect(frame({COD: cod}, {COD: flags}), cod_spec()) == []


def test_flag_masking_calibration_standard_and_monthly_maintenance_are_honest() -> None:
    cod = cycled(N, level=25, spread=3, hold_hours=2, seed=1)
    flags = normal_flags()
    weekly = np.arange(10, N, 168)  # weekly calibration reads the 100 mg/L standard, flagged C
    cod[weekly] = 100.0 + np.arange(len(weekly)) * 0.5
    flags[weekly] = "C"
    cod[300:306] = 80.0  # one maintenance window reading high (cleaning), flagged M
    flags[300:306] = "M"
    for spec in (cod_spec(), cod_spec(standard=100.0)):
        assert FlagMaskingDetector().detect(frame({COD: cod}, {COD: flags}), spec) == []


def test_flag_masking_stopped_flag_while_flow_runs() -> None:
    cod = cycled(N, level=25, spread=3, hold_hours=2, seed=1)
    q = daily_flow()
    flags = normal_flags()
    flags[100:106] = "F"  # "stopped" while discharging
    q[300:340] = 0.0  # honest shutdown: flow 0, zeros flagged F, flow running down for 2 h
    cod[298:340] = 0.0
    flags[298:340] = "F"
    found = FlagMaskingDetector().detect(frame({COD: cod, FLOW: q}, {COD: flags}), cod_spec())
    assert [(f.start, f.end, f.pollutant) for f in found] == [(hour(100), hour(105), None)]
    assert found[0].evidence["channels"] == [COD]


def test_flag_masking_random_service_at_an_outlet_that_often_exceeds() -> None:
    # honest upsets exceed half the time; maintenance/fault flags fall at random over all hours
    rng = np.random.default_rng(8)
    cod = np.round(50 + rng.normal(0, 8, N), 1)
    flags = np.where(rng.random(N) < 0.02, rng.choice(["M", "D"], N), "N").astype(object)
    assert (flags != "N").sum() > 6
    assert FlagMaskingDetector().detect(frame({COD: cod}, {COD: flags}), cod_spec()) == []


def test_flag_masking_two_measured_exceedances_a_quarter_apart_are_one_finding() -> None:
    n = 24 * 92  # a quarter
    cod = cycled(n, level=25, spread=3, hold_hours=2, seed=1)
    cod[cod > 38] = 38
    flags = normal_flags(n)
    for s in (100, 24 * 80):
        cod[s : s + len(BUMP)] = BUMP
        flags[s : s + len(BUMP)] = "D"
    (f,) = FlagMaskingDetector().detect(frame({COD: cod}, {COD: flags}), cod_spec())
    assert (f.start, f.end) == (hour(100), hour(24 * 80 + 5)) and f.evidence["episodes"] == 2


def _service(cod: np.ndarray, flags: np.ndarray, starts: range | list[int]) -> None:
    """Honest service runs: the analyser holds a test value over the limit for 4 h, flagged M."""
    for s in starts:
        cod[s : s + 4] = 120.0
        flags[s : s + 4] = "M"


def _serviced_half_year(starts: range) -> tuple[np.ndarray, np.ndarray]:
    """Half a year of an honest COD (about 25 mg/L, never over 45) with its flags, and honest
    service runs (`_service`) at ``starts``."""
    n = 24 * 182
    cod = cycled(n, level=25, spread=3, hold_hours=2, seed=1)
    cod[cod > 45] = 45
    flags = normal_flags(n)
    _service(cod, flags, starts)
    return cod, flags


def test_flag_masking_flags_over_exactly_the_hours_over_the_limit() -> None:
    """Two runs flagged over exactly the hours above the limit (the plant's valid values on
    either side under it) at an outlet with ten honest service runs: exact runs are rarer in
    honest data than smooth ones, so two of twelve are a finding (two smooth of twelve are
    not); the held test values between them are listed as companions."""
    cod, flags = _serviced_half_year(range(20, 20 + 420 * 10, 420))
    bell = (60.0, 72.0, 88.0, 95.0, 81.0, 64.0)
    for s in (1000, 3000):
        cod[s : s + len(bell)] = bell
        flags[s : s + len(bell)] = "D"
    (f,) = FlagMaskingDetector().detect(frame({COD: cod}, {COD: flags}), cod_spec())
    assert f.evidence["exact_episodes"] == 2 and f.evidence["flagged_episodes"] == 12
    assert f.evidence["p_value"] <= f.evidence["threshold"]
    kinds = [e["kind"] for e in f.evidence["episode_list"]]
    assert kinds.count("peaked") == 2 and kinds.count("companion") == 10
    assert f.start == hour(20) and f.end == hour(20 + 420 * 9 + 3)  # all runs over the limit
    # the same bells starting on the ramp (45 mg/L, under the limit) are smooth, not exact
    for s in (1000, 3000):
        cod[s] = 45.0
    assert FlagMaskingDetector().detect(frame({COD: cod}, {COD: flags}), cod_spec()) == []


def test_flag_masking_two_peaked_runs_among_frequent_service() -> None:
    """Two runs that show a whole exceedance (a rise from the limit to one peak and a fall back
    to it) under exactly-fitting flags, at an outlet with eighteen honest service runs: two
    exact runs of twenty are within what honest service makes in half a year, two peaked ones
    are not. The same runs cut off at their peak (a ramp, exact but not peaked) are no
    finding."""
    cod, flags = _serviced_half_year(range(20, 20 + 230 * 18, 230))
    bell = (60.0, 72.0, 88.0, 95.0, 81.0, 64.0)
    for s in (1100, 3100):
        cod[s : s + len(bell)] = bell
        flags[s : s + len(bell)] = "D"
    (f,) = FlagMaskingDetector().detect(frame({COD: cod}, {COD: flags}), cod_spec())
    assert f.evidence["peaked_episodes"] == 2 and f.evidence["flagged_episodes"] == 20
    assert f.evidence["p_value"] <= f.evidence["threshold"]
    for s in (1100, 3100):
        cod[s : s + len(bell)] = (60.0, 72.0, 88.0, 95.0, 95.0, 95.0)
    assert FlagMaskingDetector().detect(frame({COD: cod}, {COD: flags}), cod_spec()) == []


def test_flag_masking_min_tail_is_exact_for_nested_classes() -> None:
    """The p-value of the smallest of three nested binomial tails matches its frequency in
    simulated honest channels (each run smooth, exact within smooth, peaked within exact)."""
    from scipy.special import bdtrc

    n, ps = 19, (0.02, 0.003, 0.0005)
    rng = np.random.default_rng(3)
    u = rng.random((200_000, n))
    counts = np.stack([(u < p).sum(axis=1) for p in ps], axis=1)
    tails = np.stack(
        [np.where(counts[:, j] <= 0, 1.0, bdtrc(counts[:, j] - 1, n, p)) for j, p in enumerate(ps)],
        axis=1,
    ).min(axis=1)
    for ks in ((2, 1, 1), (3, 2, 1), (2, 2, 0)):
        t = min(1.0 if k <= 0 else float(bdtrc(k - 1, n, p)) for k, p in zip(ks, ps, strict=True))
        p_value = _min_tail(ks, n, ps)
        assert p_value > t  # the minimum over three tails is not its own p-value
        # 200,000 draws: about 5 % noise
        assert abs(np.mean(tails <= t * (1 + 1e-9)) - p_value) < 0.2 * p_value


def test_flag_masking_coarse_one_peak_run_counts_as_exact() -> None:
    """An analyser with coarse steps makes a masked bell rough (r > 0.5), yet it rises to one
    peak and falls: exact when the flag covers exactly the hours over the limit."""
    cod = cycled(N, level=42, spread=1, hold_hours=2, seed=1)
    cod[cod > 48] = 48
    flags = normal_flags()
    for s in (100, 300, 500):
        cod[s : s + 4] = (60.0, 62.0, 140.0, 61.0)
        flags[s : s + 4] = "M"
    (f,) = FlagMaskingDetector().detect(frame({COD: cod}, {COD: flags}), cod_spec())
    assert f.evidence["exact_episodes"] == 3 and f.evidence["roughness"][0] > 0.5


def test_flag_masking_service_dipping_under_the_limit_is_erratic() -> None:
    """Values that fall under the limit and climb back over it inside one run are a serviced
    analyser's, not one exceedance, however smooth the steps."""
    cod = cycled(N, level=25, spread=3, hold_hours=2, seed=1)
    flags = normal_flags()
    for s in (100, 300, 500):
        cod[s : s + 6] = (55.0, 70.0, 45.0, 60.0, 72.0, 66.0)
        flags[s : s + 6] = "M"
    assert FlagMaskingDetector().detect(frame({COD: cod}, {COD: flags}), cod_spec()) == []


def test_flag_masking_service_during_an_honest_upset_is_not_exact() -> None:
    """Maintenance begun while the plant itself reads over the limit (valid hours over it
    before the flag): smooth, not exact, so two such runs among twelve are no finding."""
    cod = cycled(N, level=25, spread=3, hold_hours=2, seed=1)
    flags = normal_flags()
    _service(cod, flags, range(20, 700, 70))
    for s in (100, 400):
        cod[s - 2 : s + 6] = (58.0, 66.0, 72.0, 88.0, 95.0, 81.0, 64.0, 60.0)
        flags[s : s + 6] = "M"
    assert FlagMaskingDetector().detect(frame({COD: cod}, {COD: flags}), cod_spec()) == []


def _shouldered(cod: np.ndarray, flags: np.ndarray, s: int, value: float = 90.0) -> None:
    """A measured exceedance seen by a 4 h-cycle analyser: a climb to 40 mg/L (valid), one
    held reading of ``value`` over the 50 mg/L limit under D for 4 h, a fall to 38 (valid)."""
    cod[s - 1] = 40.0
    cod[s : s + 4] = value
    flags[s : s + 4] = "D"
    cod[s + 4] = 38.0


def test_flag_masking_held_readings_on_top_of_a_rise_and_fall_are_shouldered() -> None:
    """Three held readings over the limit under D, each between valid values raised well above
    the plant's level (15-20 mg/L) toward the limit, among ten honest held test values that start
    and end at the plant's level: no run is smooth, exact-and-judged or peaked (one held
    value), yet three shouldered runs of thirteen are more than honest service makes. The same
    held readings jumping from the plant's level and back are no finding."""
    cod, flags = _serviced_half_year(range(20, 20 + 420 * 10, 420))
    for s in (700, 1900, 3300):
        _shouldered(cod, flags, s)
    (f,) = FlagMaskingDetector().detect(frame({COD: cod}, {COD: flags}), cod_spec())
    assert f.evidence["shouldered_episodes"] == 3 and f.evidence["flagged_episodes"] == 13
    assert f.evidence["smooth_episodes"] == 0 and f.evidence["episodes"] == 3
    assert f.evidence["hours"] == 12 and f.evidence["p_value"] <= f.evidence["threshold"]
    listed = f.evidence["episode_list"]
    assert sum(e["shouldered"] for e in listed) == 3 and len(listed) == 13
    # no shoulders: the neighbours back at the plant's level
    for s in (700, 1900, 3300):
        cod[s - 1], cod[s + 4] = cod[s - 2], cod[s + 5]
    assert FlagMaskingDetector().detect(frame({COD: cod}, {COD: flags}), cod_spec()) == []


def test_flag_masking_shoulders_over_the_limit_are_an_honest_upset() -> None:
    """A smooth service run whose valid neighbours are themselves over the limit (maintenance
    during an honest upset) is not shouldered, however far the neighbours rose."""
    cod, flags = _serviced_half_year(range(20, 20 + 420 * 10, 420))
    for s in (700, 1900, 3300):
        cod[s - 1] = 55.0
        cod[s : s + 4] = (60.0, 70.0, 75.0, 66.0)
        flags[s : s + 4] = "M"
        cod[s + 4] = 52.0
    assert FlagMaskingDetector().detect(frame({COD: cod}, {COD: flags}), cod_spec()) == []


def test_flag_masking_three_shoulders_are_within_chance_at_a_busy_outlet() -> None:
    """Three shouldered runs among 41 flagged runs (an outlet serviced every four days): with
    an honest shouldered share of 0.006, three or more come by chance about once in 400 such
    half-years, above the stated rate (0.001 for half a year); a fourth makes the finding."""
    cod, flags = _serviced_half_year(range(20, 20 + 100 * 38, 100))
    for s in (3850, 3950, 4150):
        _shouldered(cod, flags, s)
    assert FlagMaskingDetector().detect(frame({COD: cod}, {COD: flags}), cod_spec()) == []
    _shouldered(cod, flags, 4300)
    (f,) = FlagMaskingDetector().detect(frame({COD: cod}, {COD: flags}), cod_spec())
    assert f.evidence["shouldered_episodes"] == 4 and f.evidence["flagged_episodes"] == 42


def test_flag_masking_family_p_value_matches_its_frequency() -> None:
    """The p-value of the smallest tail over three nested classes and two classes apart (the
    union bound) is at least the frequency of that event among simulated honest channels and
    close to it when the tail is small."""
    from scipy.special import bdtrc

    from detectors.checks.flag_masking import _family_p_value

    n, ps, p_others = 20, (0.02, 0.003, 0.0005), (0.006, 0.0003)
    rng = np.random.default_rng(5)
    u = rng.random((200_000, n))
    nested = np.stack([(u < p).sum(axis=1) for p in ps], axis=1)
    others = [(rng.random((200_000, n)) < p).sum(axis=1) for p in p_others]

    def tail(k: np.ndarray, p: float) -> np.ndarray:
        return np.where(k <= 0, 1.0, bdtrc(k - 1, n, p))

    smallest = np.stack([tail(nested[:, j], p) for j, p in enumerate(ps)], axis=1).min(axis=1)
    for k, p in zip(others, p_others, strict=True):
        smallest = np.minimum(smallest, tail(k, p))
    for ks, k_others in (((2, 1, 0), (2, 0)), ((0, 0, 0), (2, 0)), ((3, 1, 1), (0, 0))):
        p_value = _family_p_value(ks, k_others, n, ps, p_others)
        t = min(
            float(tail(np.array(k), p))
            for k, p in zip((*ks, *k_others), (*ps, *p_others), strict=True)
        )
        freq = np.mean(smallest <= t * (1 + 1e-9))
        assert p_value >= 0.9 * freq  # a bound, never far below the truth
        assert p_value <= 1.3 * freq + 1e-4  # and not loose
    # a fault count's own tail: two of twenty at 0.0003 happen about 1.7e-5 of the time
    p_value = _family_p_value((0, 0, 0), (0, 2), n, ps, p_others)
    assert 1.7e-5 < p_value < 1e-4


def _faulted(cod: np.ndarray, flags: np.ndarray, s: int, value: float, hours: int = 2) -> None:
    """A held reading of ``value`` over the 50 mg/L limit for ``hours`` hours, flagged D
    (fault), between the plant's own valid values (about 25 mg/L): one analyser cycle."""
    cod[s : s + hours] = value
    flags[s : s + hours] = "D"


def test_flag_masking_faults_over_exactly_the_exceedances_are_counted() -> None:
    """Four fault (D) runs, each one held reading over the limit jumping from the plant's level
    and back (no shape, no shoulders), at an outlet with ten honest service runs (M): honest
    faults read over the limit in about 1 of 10,000 runs, so four of fourteen are a finding,
    each listed as a fault. The same held readings under M (held test values) are none."""
    cod, flags = _serviced_half_year(range(20, 20 + 420 * 10, 420))
    for s, value in ((700, 61.0), (1500, 75.4), (2300, 60.0), (3300, 66.2)):
        _faulted(cod, flags, s, value)
    (f,) = FlagMaskingDetector().detect(frame({COD: cod}, {COD: flags}), cod_spec())
    assert f.evidence["fault_episodes"] == 4 and f.evidence["flagged_episodes"] == 14
    assert f.evidence["smooth_episodes"] == 0 and f.evidence["shouldered_episodes"] == 0
    assert f.evidence["episodes"] == 4 and f.evidence["hours"] == 8
    assert f.evidence["p_value"] <= f.evidence["threshold"]
    assert sum(e["fault"] for e in f.evidence["episode_list"]) == 4
    for s in (700, 1500, 2300, 3300):
        flags[s : s + 2] = "M"
    assert FlagMaskingDetector().detect(frame({COD: cod}, {COD: flags}), cod_spec()) == []


def test_flag_masking_an_analysers_own_fault_value_counts_once() -> None:
    """An analyser that reads the same value over the limit at every fault (full scale, an
    error code) is not measuring the effluent: its five fault runs have one highest value
    between them and count once. A fault while the plant's valid values are over the limit
    (an honest upset) is not exact and not counted."""
    cod, flags = _serviced_half_year(range(20, 20 + 420 * 10, 420))
    for s in (700, 1300, 1900, 2500, 3100):
        _faulted(cod, flags, s, 500.0, hours=5)
    assert FlagMaskingDetector().detect(frame({COD: cod}, {COD: flags}), cod_spec()) == []
    for s in (700, 1300, 1900, 2500, 3100):
        cod[s - 1] = cod[s + 5] = 55.0  # the plant itself over the limit around each fault
        cod[s : s + 5] = 60.0 + s / 100
    assert FlagMaskingDetector().detect(frame({COD: cod}, {COD: flags}), cod_spec()) == []


def test_flag_masking_runs_are_not_joined_across_a_valid_reading() -> None:
    """A one-hour service value, one valid reading of the plant, then a fault over exactly an
    exceedance: two service runs (the analyser measured the plant between them), not one run
    that dips under the limit. Joined, each bell was erratic and two of them no finding."""
    cod, flags = _serviced_half_year(range(20, 20 + 420 * 10, 420))
    bell = (60.0, 72.0, 88.0, 95.0, 81.0, 64.0)
    for s in (1000, 3000):
        cod[s : s + len(bell)] = bell
        flags[s : s + len(bell)] = "D"
        cod[s - 2], flags[s - 2] = 120.0, "M"  # a test value, then the plant's valid reading
        assert flags[s - 1] == "N" and cod[s - 1] <= 45.0
    (f,) = FlagMaskingDetector().detect(frame({COD: cod}, {COD: flags}), cod_spec())
    assert f.evidence["exact_episodes"] == 2 and f.evidence["flagged_episodes"] == 14
    assert f.evidence["p_value"] <= f.evidence["threshold"]
    # a missing hour between them (no reading) still joins them: one erratic run each
    for s in (1000, 3000):
        flags[s - 1] = "F"
    assert FlagMaskingDetector().detect(frame({COD: cod}, {COD: flags}), cod_spec()) == []
