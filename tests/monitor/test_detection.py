"""`monitor.detection`: outlet by outlet, time window, unregistered outlets, fleet detectors."""

from __future__ import annotations

import pandas as pd

from detectors import FleetDetector, build
from monitor.detection import DetectionRun, clip_time, detect_readings, split_outlets
from monitor.simulator import simulate


def test_split_outlets_gives_each_outlet_once_in_mn_order() -> None:
    readings = simulate(4, 3, seed=1).readings.sample(frac=1.0, random_state=0)
    parts = list(split_outlets(readings))
    assert [mn for mn, _ in parts] == sorted({str(m) for m in readings["mn"]})
    assert sum(len(frame) for _, frame in parts) == len(readings)
    assert all((frame["mn"].astype(str) == mn).all() for mn, frame in parts)
    assert list(split_outlets(readings.iloc[:0])) == []


def test_clip_time_is_inclusive() -> None:
    readings = simulate(1, 2, seed=1).readings
    start = pd.Timestamp("2026-01-01T10:00+08:00")
    end = pd.Timestamp("2026-01-01T12:00+08:00")
    clipped = clip_time(readings, start, end)
    assert set(clipped["ts"]) <= {start + pd.Timedelta(hours=k) for k in range(3)}
    assert clipped["ts"].min() == start and clipped["ts"].max() == end
    assert clip_time(readings) is readings


def test_detect_readings_counts_progress_and_unregistered() -> None:
    sim = simulate(3, 20, seed=2)
    specs = sim.specs()
    del specs["61011500000003"]
    seen: list[str] = []
    run = DetectionRun()
    findings = list(
        detect_readings(sim.readings, specs, build(["exceedance"]), progress=seen.append, run=run)
    )
    assert seen == ["61011500000001", "61011500000002", "61011500000003"]
    assert run.outlets == 3 and run.readings == len(sim.readings)
    assert run.unregistered == ["61011500000003"]
    assert findings and {f.mn for f in findings} <= {"61011500000001", "61011500000002"}


def test_fleet_detectors_run_once_over_all_outlets() -> None:
    sim = simulate(6, 40, seed=3, falsifying_share=1.0, patterns_used=["copied_data"])
    fleet = [d for d in build() if isinstance(d, FleetDetector)]
    assert fleet, "the catalogue has detectors comparing outlets"
    found = list(detect_readings(sim.readings, sim.specs(), fleet))
    labels = sim.labels[sim.labels["pattern"] == "copied_data"]
    copied = [f for f in found if f.detector == "copied_data"]
    assert copied and {f.mn for f in copied} <= set(labels["mn"])
