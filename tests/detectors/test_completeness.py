"""CompletenessDetector: monthly transmission and validity rates with exact month intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd

from detectors.checks.completeness import CompletenessDetector
from detectors.spec import COD, FLOW, NH3N
from tests.detectors.conftest import MN, make_frame, make_spec, ts

SPEC = make_spec(MN, w01018={"limit": 50.0}, w21003={"limit": 5.0})
HOURS = 24 * 61  # 2026-06-01 00:00 to 2026-07-31 23:00 local


def full(value: float = 20.0) -> np.ndarray:
    return np.full(HOURS, value)


def test_one_pollutant_missing_in_one_month() -> None:
    cod, nh3 = full(), full(2.0)
    cod[100:200] = np.nan  # 100 of 720 June hours missing: 86 %
    found = CompletenessDetector().detect(make_frame(MN, {COD: cod, NH3N: nh3}), SPEC)
    assert [(f.pollutant, f.start, f.end) for f in found] == [
        (COD, ts("2026-06-01 00:00"), ts("2026-06-30 23:00")),
    ]
    ev = found[0].evidence
    assert (ev["expected_hours"], ev["received_hours"], ev["valid_hours"]) == (720, 620, 620)
    assert ev["month"] == "2026-06"
    assert found[0].severity == "low"
    assert "sent 620 of 720 expected hours (86.1%)" in found[0].summary


def test_whole_outlet_silent_is_one_outlet_finding_and_invalid_flags_count() -> None:
    cod, nh3 = full(), full(2.0)
    cod[900:1300] = np.nan  # July: the whole outlet silent for 400 h
    nh3[900:1300] = np.nan
    flags = np.array(["N"] * HOURS, dtype=object)
    flags[0:300] = "D"  # June: NH3-N faulty for 300 h (received, not valid)
    frame = make_frame(MN, {COD: cod, NH3N: nh3}, flags={NH3N: flags})
    found = CompletenessDetector().detect(frame, SPEC)
    assert [(f.pollutant, f.start, f.end, f.severity) for f in found] == [
        (NH3N, ts("2026-06-01 00:00"), ts("2026-06-30 23:00"), "medium"),
        (None, ts("2026-07-01 00:00"), ts("2026-07-31 23:00"), "high"),
    ]
    assert found[0].evidence["transmission_rate"] == 1.0
    assert found[0].evidence["validity_rate"] == round(420 / 720, 4)
    assert found[1].summary.startswith("In 2026-07, 2 channels of the outlet fell below")
    assert "as few as 344 of 744 expected hours received" in found[1].summary
    assert set(found[1].evidence["channels"]) == {COD, NH3N}


def test_two_channels_failing_while_flow_is_complete_is_one_outlet_finding() -> None:
    cod, nh3, flow = full(), full(2.0), full(300.0)
    cod[100:200] = np.nan
    nh3[150:260] = np.nan
    found = CompletenessDetector().detect(make_frame(MN, {COD: cod, NH3N: nh3, FLOW: flow}), SPEC)
    assert [(f.pollutant, f.start, f.end) for f in found] == [
        (None, ts("2026-06-01 00:00"), ts("2026-06-30 23:00")),
    ]
    assert found[0].evidence["received_hours"] == 610
    zh = CompletenessDetector().detect(
        make_frame(MN, {COD: cod, NH3N: nh3, FLOW: flow}), SPEC, lang="zh"
    )
    assert zh[0].summary.startswith("2026-06，该排口有2个监测项低于要求的90%")


def test_honest_traps_shutdown_calibration_short_gaps_and_ragged_ends() -> None:
    cod, nh3, flow = full(), full(2.0), full(300.0)
    cflags = np.array(["N"] * HOURS, dtype=object)
    cflags[200:400] = "F"  # a shutdown reported as stopped
    flow[200:400] = 0.0
    cflags[10::168] = "C"  # weekly calibration
    cflags[50::168] = "M"  # weekly maintenance
    for arr in (cod, nh3, flow):
        arr[500:503] = np.nan  # short gaps
        arr[1000:1002] = np.nan
        arr[-20:] = np.nan  # the data ends early on the last day
    frame = make_frame(MN, {COD: cod, NH3N: nh3, FLOW: flow}, flags={COD: cflags})
    assert CompletenessDetector().detect(frame, SPEC) == []
    # a span from 2026-06-29 to 2026-07-02 with a gap: 48 expected hours a month, not judged
    short = full()[: 24 * 4]
    short[30:60] = np.nan
    late = make_frame(MN, {COD: short}, "2026-06-29 00:00")
    assert CompletenessDetector().detect(late, make_spec(MN, w01018={"limit": 50.0})) == []


def test_registered_pollutant_never_received_is_reported() -> None:
    frame = make_frame(MN, {COD: full()})
    found = CompletenessDetector().detect(frame, SPEC)
    assert [(f.pollutant, f.severity) for f in found] == [(NH3N, "high"), (NH3N, "high")]
    assert pd.Timestamp(found[1].end) == ts("2026-07-31 23:00")
