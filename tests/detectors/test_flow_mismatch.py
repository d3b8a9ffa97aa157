"""flow_mismatch: analysers measuring while nothing flows, frozen while it flows."""

from __future__ import annotations

from detectors.checks.flow_mismatch import FlowMismatchDetector
from detectors.frame import OutletData
from detectors.spec import COD, FLOW, NH3N
from tests.detectors.c2_helpers import cycled, frame, held, hour
from tests.detectors.flag_helpers import N, daily_flow, normal_flags


def test_flow_mismatch_analyser_measures_while_nothing_flows() -> None:
    cod = cycled(N, level=25, spread=3, hold_hours=2, seed=1)
    q = daily_flow()
    q[100:112] = 0.0
    cod[100:112] = held([20.1, 21.3, 19.8, 22.0, 20.5, 21.7], 2)
    found = FlowMismatchDetector().detect(frame({COD: cod, FLOW: q}))
    assert [(f.start, f.end) for f in found] == [(hour(100), hour(111))]
    assert found[0].evidence["changes"] == 5


def test_flow_mismatch_honest_shutdowns() -> None:
    cod = cycled(N, level=25, spread=3, hold_hours=2, seed=1)
    q = daily_flow()
    flags = normal_flags()
    q[100:130] = 0.0  # shutdown, zeros flagged F
    cod[100:130] = 0.0
    flags[100:130] = "F"
    q[300:330] = 0.0  # shutdown, the analyser holds its last value (flag N)
    cod[300:330] = cod[299]
    q[500:502] = 0.0  # a two-hour flow dip
    found = FlowMismatchDetector().detect(frame({COD: cod, FLOW: q}, {COD: flags}))
    assert found == []


def test_flow_mismatch_every_channel_frozen_while_flow_varies() -> None:
    cod = cycled(N, level=25, spread=3, hold_hours=2, seed=1)
    nh3 = cycled(N, level=3, spread=0.5, hold_hours=2, seed=7)
    cod[200:230] = 23.45
    nh3[200:230] = 2.345
    found = FlowMismatchDetector().detect(frame({COD: cod, NH3N: nh3, FLOW: daily_flow()}))
    assert [(f.start, f.end) for f in found] == [(hour(200), hour(229))]
    assert found[0].evidence["cycles_hours"] == {COD: 2.0, NH3N: 2.0}


def test_flow_mismatch_synchronous_long_holds_are_the_analysers_cycle() -> None:
    # both analysers measure every 8 h in step (like the real series): 8 h holds are the norm
    cod = cycled(N, level=25, spread=3, hold_hours=8, seed=1)
    nh3 = cycled(N, level=3, spread=0.5, hold_hours=8, seed=7)
    data = OutletData(frame({COD: cod, NH3N: nh3, FLOW: daily_flow()}))
    assert FlowMismatchDetector().detect(data) == []
    cod[200:216] = cod[200]  # one missed measurement: a 16 h hold in both, still 2 cycles
    nh3[200:216] = nh3[200]
    assert FlowMismatchDetector().detect(frame({COD: cod, NH3N: nh3, FLOW: daily_flow()})) == []


def test_flow_mismatch_frozen_over_two_cycles_of_a_slow_analyser() -> None:
    cod = cycled(N, level=25, spread=3, hold_hours=4, seed=1)
    nh3 = cycled(N, level=3, spread=0.5, hold_hours=4, seed=7)
    cod[200:210] = 23.45  # 10 h: more than two 4-h cycles
    nh3[200:210] = 2.345
    cod[400:408] = cod[400]  # 8 h: one missed measurement in both, two cycles, honest
    nh3[400:408] = nh3[400]
    found = FlowMismatchDetector().detect(frame({COD: cod, NH3N: nh3, FLOW: daily_flow()}))
    assert [(f.start, f.end) for f in found] == [(hour(200), hour(209))]
