"""flag_masking: flags over exceedances, and "stopped" while flowing; honest traps."""

from __future__ import annotations

import numpy as np

from detectors.checks.flag_masking import FlagMaskingDetector
from detectors.spec import COD, FLOW
from tests.detectors.c2_helpers import cycled, frame, hour
from tests.detectors.flag_helpers import N, cod_spec, daily_flow, normal_flags


def test_flag_masking_three_masked_exceedance_episodes_in_a_month() -> None:
    cod = cycled(N, level=25, spread=3, hold_hours=2, seed=1)
    flags = normal_flags()
    for s, e, flag in ((50, 52, "M"), (200, 201, "D"), (400, 400, "C")):
        cod[s : e + 1] = 70.0
        flags[s : e + 1] = flag
    (f,) = FlagMaskingDetector().detect(frame({COD: cod}, {COD: flags}), cod_spec())
    assert (f.start, f.end) == (hour(50), hour(400))
    assert f.evidence["episodes"] == 3 and f.evidence["hours"] == 6
    assert [e["flags"] for e in f.evidence["episode_list"]] == ["M", "D", "C"]


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


def test_flag_masking_episodes_across_a_month_boundary_are_one_window() -> None:
    n = 1200  # 1 March to 20 April (local)
    cod = cycled(n, level=25, spread=3, hold_hours=2, seed=1)
    cod[cod > 38] = 38
    flags = normal_flags(n)
    for s in (700, 730, 760):  # 30 March, 31 March, 1 April (local)
        cod[s : s + 2] = 70.0
        flags[s : s + 2] = "D"
    (f,) = FlagMaskingDetector().detect(frame({COD: cod}, {COD: flags}), cod_spec())
    assert (f.start, f.end) == (hour(700), hour(761)) and f.evidence["episodes"] == 3
