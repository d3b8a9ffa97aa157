"""ExceedanceDetector: hand-built series with exact expected intervals, and a coverage property."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from detectors.checks.exceedance import ExceedanceDetector
from detectors.spec import COD, FLOW, PH, TP
from tests.detectors.conftest import MN, held, make_frame, make_spec, ts

SPEC = make_spec(
    MN, w01018={"limit": 50.0}, w21011={"limit": 0.5}, w01001={"limit_range": (6.0, 9.0)}
)


def spans(
    findings: list, message_rule: str | None = None
) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    return [
        (f.start, f.end)
        for f in findings
        if message_rule is None or f.evidence["statistic"] == message_rule
    ]


def test_runs_join_across_one_missing_hour_but_not_across_a_compliant_hour() -> None:
    cod = [10, 60, None, 70, 20, 55, 55, 10, 10, 60, None, None, 65, 10]
    found = ExceedanceDetector().detect(make_frame(MN, {COD: cod}), SPEC)
    assert spans(found) == [
        (ts("2026-06-01 01:00"), ts("2026-06-01 03:00")),
        (ts("2026-06-01 05:00"), ts("2026-06-01 06:00")),
        (ts("2026-06-01 09:00"), ts("2026-06-01 09:00")),  # two missing hours: not joined
        (ts("2026-06-01 12:00"), ts("2026-06-01 12:00")),
    ]
    assert found[0].evidence["hours_over"] == 2
    assert found[0].evidence["max"] == 70.0
    assert found[0].evidence["threshold"] == 50.0
    assert "COD above its limit of 50 mg/L" in found[0].summary


def test_invalid_hour_between_over_hours_is_a_gap_and_invalid_values_never_exceed() -> None:
    cod = [10, 60, 90, 70, 10, 99, 99, 10]
    flags = ["N", "N", "M", "T", "N", "C", "D", "N"]
    found = ExceedanceDetector().detect(make_frame(MN, {COD: cod}, flags={COD: flags}), SPEC)
    assert spans(found) == [(ts("2026-06-01 01:00"), ts("2026-06-01 03:00"))]
    assert found[0].evidence["max"] == 70.0  # the M-flagged 90 is not a compliance value


def test_value_at_the_limit_is_not_an_exceedance() -> None:
    found = ExceedanceDetector().detect(make_frame(MN, {COD: [50.0] * 30, TP: [0.5] * 30}), SPEC)
    assert found == []


def test_ph_band_both_sides_and_no_daily_rule_for_ph() -> None:
    ph = [7.0] * 30
    ph[3], ph[4], ph[10] = 5.9, 4.0, 11.2
    found = ExceedanceDetector().detect(make_frame(MN, {PH: ph}), SPEC)
    assert spans(found) == [
        (ts("2026-06-01 03:00"), ts("2026-06-01 04:00")),
        (ts("2026-06-01 10:00"), ts("2026-06-01 10:00")),
    ]
    assert [f.severity for f in found] == ["high", "high"]
    assert found[0].evidence["distance_outside"] == 2.0


def test_daily_mean_needs_twenty_valid_hours_and_is_its_own_finding() -> None:
    # day 1: 24 valid hours alternating 45/60 -> mean 52.5 > 50; day 2: 19 valid hours of 60
    day1 = [45.0, 60.0] * 12
    day2 = [60.0] * 19 + [None] * 5
    found = ExceedanceDetector().detect(make_frame(MN, {COD: day1 + day2}), SPEC)
    daily = [f for f in found if f.evidence["statistic"] == "daily mean"]
    assert [(f.start, f.end) for f in daily] == [(ts("2026-06-01 00:00"), ts("2026-06-01 23:00"))]
    assert daily[0].evidence["daily_mean"] == 52.5
    assert daily[0].evidence["day"] == "2026-06-01"
    hourly = spans(found, "hourly value")
    assert len(hourly) == 12  # every other hour on day 1; the last one runs on into day 2
    assert hourly[-1] == (ts("2026-06-01 23:00"), ts("2026-06-02 18:00"))


def test_severity_by_ratio_and_duration() -> None:
    cod = [10.0] * 60
    cod[2] = 55.0  # short, small: low
    cod[5] = 80.0  # 1.6x: medium
    cod[8] = 120.0  # 2.4x: high
    cod[20:46] = [52.0] * 26  # 26 h: high by duration
    found = ExceedanceDetector().detect(make_frame(MN, {COD: cod}), SPEC)
    assert [f.severity for f in found if f.evidence["statistic"] == "hourly value"] == [
        "low",
        "medium",
        "high",
        "high",
    ]


def test_honest_traps_cycles_calibration_shutdown_close_to_limit() -> None:
    # a plant running close to its limit, analyser holding 3 h, weekly calibration at 80 (C),
    # a shutdown with zeros flagged F: only the two real upsets are exceedances
    cod = held(np.tile([44.0, 47.5, 49.0, 48.2], 14), 3)
    flags = np.array(["N"] * len(cod), dtype=object)
    cod[30:33] = 80.0
    flags[30:33] = "C"
    cod[60:70] = 0.0
    flags[60:70] = "F"
    cod[100:103] = 51.5
    cod[150:153] = 63.0
    frame = make_frame(MN, {COD: cod, FLOW: 300.0}, flags={COD: flags})
    found = ExceedanceDetector().detect(frame, SPEC)
    assert spans(found) == [
        (ts("2026-06-05 04:00"), ts("2026-06-05 06:00")),
        (ts("2026-06-07 06:00"), ts("2026-06-07 08:00")),
    ]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.floats(0, 120, allow_nan=False)),
            st.sampled_from(["N", "N", "N", "T", "M", "C", "F"]),
        ),
        min_size=1,
        max_size=80,
    )
)
def test_every_valid_hour_over_the_limit_lies_in_a_finding_and_no_finding_without_one(
    rows: list[tuple[float | None, str]],
) -> None:
    values = [v for v, _ in rows]
    flags = [f for _, f in rows]
    frame = make_frame(MN, {COD: values}, flags={COD: flags})
    found = [
        f
        for f in ExceedanceDetector().detect(frame, SPEC)
        if f.evidence["statistic"] == "hourly value"
    ]
    frame = frame.assign(valid=frame["flag"].isin(["N", "T"]))
    over = frame[frame["valid"] & (frame["value"] > 50.0)]
    for t in over["ts"]:
        assert sum(f.start <= t <= f.end for f in found) == 1
    for f in found:
        inside = frame[(frame["ts"] >= f.start) & (frame["ts"] <= f.end) & frame["valid"]]
        assert (inside["value"] > 50.0).all()  # no compliant valid hour inside a finding
        assert inside["ts"].iloc[0] == f.start and inside["ts"].iloc[-1] == f.end


def test_run_statistics_equal_each_runs_own_readings() -> None:
    # the runs' max, min, mean, count and hours are taken for all runs at once (CPU): each
    # equals the statistic of the run's own over readings, on random series with gaps,
    # invalid hours and runs of every length (a mean over three or more readings as numpy
    # sums them, pairwise)
    rng = np.random.default_rng(5)
    det = ExceedanceDetector()
    checked = 0
    for _ in range(40):
        n = int(rng.integers(20, 400))
        cod = list(rng.lognormal(3.7, 0.5, n) * rng.choice([1.0, 1e-3, 1e3]) / 1.0)
        cod = [round(float(c), int(rng.integers(0, 7))) for c in cod]
        for i in rng.choice(n, n // 10, replace=False):
            cod[i] = None
        flags = list(rng.choice(["N", "N", "N", "N", "T", "M"], n))
        scale = float(np.nanmedian([c for c in cod if c is not None]))
        spec = make_spec(MN, w01018={"limit": scale})
        frame = make_frame(MN, {COD: cod}, flags={COD: flags})
        found = [f for f in det.detect(frame, spec) if f.evidence["statistic"] == "hourly value"]
        t0 = ts("2026-06-01 00:00")
        for f in found:
            a = int((f.start - t0) / pd.Timedelta(hours=1))
            b = int((f.end - t0) / pd.Timedelta(hours=1))
            part = np.array(
                [
                    c
                    for c, g in zip(cod[a : b + 1], flags[a : b + 1], strict=True)
                    if c is not None and g in ("N", "T") and c > scale
                ]
            )
            assert f.evidence["hours_over"] == len(part)
            assert repr(f.evidence["max"]) == repr(float(part.max()))
            assert repr(f.evidence["min"]) == repr(float(part.min()))
            assert repr(f.evidence["mean"]) == repr(float(part.mean()))
            assert f.evidence["window_hours"] == b - a + 1
            checked += 1
    assert checked > 400
