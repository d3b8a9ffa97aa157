"""manual_values: hand-set values, by share of the month and over high flow."""

from __future__ import annotations

import numpy as np

from detectors.checks.manual_values import ManualValuesDetector
from detectors.spec import COD, FLOW
from tests.detectors.c2_helpers import cycled, frame, hour
from tests.detectors.flag_helpers import N, cod_spec, daily_flow, normal_flags


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
