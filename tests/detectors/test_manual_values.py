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


def _lab_values(cod: np.ndarray, a: int, b: int, every: int) -> np.ndarray:
    """``cod`` with hours ``a..b-1`` replaced by lab results: the analyser's value every ``every``
    hours, held and rounded to 1 mg/L."""
    out = cod.copy()
    idx = a + (np.arange(b - a) // every) * every
    out[a:b] = np.round(cod[idx])
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


def test_manual_values_honest_lab_results_every_six_hours_are_not_typed_values() -> None:
    # an analyser breakdown: three days of lab results every 6 h, rounded to 1 mg/L
    n = 24 * 120
    cod = cycled(n, level=25, spread=4, hold_hours=2, seed=3)
    flags = normal_flags(n)
    for a in (1000, 2000):
        cod = _lab_values(cod, a, a + 72, 6)
        flags[a : a + 72] = "S"
    assert ManualValuesDetector().detect(frame({COD: cod}, {COD: flags}), cod_spec()) == []
