"""`monitor.detection.batch`: outlet by outlet, time window, unregistered outlets, fleet detectors."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import sys
import time
from collections.abc import Iterable

import pandas as pd
import pytest

from detectors import Detector, FleetDetector, OutletData, build
from monitor.detection.batch import (
    DetectionRun,
    OutletRows,
    WorkerLost,
    _fleet_stage_forked,
    clip_time,
    detect_parallel,
    detect_readings,
    detect_stream,
    fleet_stage,
    split_outlets,
    summarise,
)
from monitor.simulation.simulator import simulate


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


def _dicts(findings: list) -> list[dict]:
    return [f.to_dict("Asia/Shanghai") for f in findings]


def test_parallel_gives_the_same_findings_in_the_same_order() -> None:
    sim = simulate(12, 40, seed=7, falsifying_share=0.6)
    specs = sim.specs()
    del specs["61011500000004"]  # one unregistered outlet
    one_run, par_run = DetectionRun(), DetectionRun()
    one = _dicts(list(detect_readings(sim.readings, specs, run=one_run)))
    assert {f["detector"] for f in one} >= {"copied_data", "exceedance"}  # fleet and own
    for jobs in (2, 3):
        seen: list[str] = []
        run = DetectionRun() if jobs == 3 else par_run
        rows = OutletRows(sim.readings)
        found = list(detect_parallel(rows, specs, jobs=jobs, progress=seen.append, run=run))
        assert _dicts(found) == one
        assert sorted(seen) == rows.names == sorted(rows.names)
    assert (par_run.outlets, par_run.readings) == (one_run.outlets, one_run.readings)
    assert par_run.unregistered == one_run.unregistered == ["61011500000004"]


PARENT = os.getpid()


class _Slow(Detector):
    """One finding per outlet naming the process that made it; fails in a worker when asked."""

    name = "slow_for_test"
    category = "integrity"

    def __init__(self, *, fail_in_worker: bool = False, kill_on: Iterable[str] = ()) -> None:
        self.fail_in_worker = fail_in_worker
        self.kill_on = set(kill_on)  # these outlets kill the worker taking them (as OOM would)

    def _detect(self, outlet: OutletData) -> list:
        # long enough for the worker to take chunks too, even on a busy machine when killing
        time.sleep(0.5 if self.kill_on and os.getpid() == PARENT else 0.05)
        if self.fail_in_worker and os.getpid() != PARENT:
            raise ValueError("broken on purpose")
        if outlet.spec.mn in self.kill_on and os.getpid() != PARENT:
            os.kill(os.getpid(), signal.SIGKILL)
        t = outlet.grid[0]
        return [
            self.finding(
                outlet,
                None,
                t,
                t,
                severity="low",
                confidence=1.0,
                message="range.negative",
                evidence={"pid": os.getpid()},
                value=0.0,
                count=1,
            )
        ]


def test_workers_share_the_outlets_and_order_is_kept() -> None:
    sim = simulate(8, 2, seed=1)
    found = list(detect_parallel(OutletRows(sim.readings), sim.specs(), [_Slow()], jobs=2))
    assert [f.mn for f in found] == sorted({str(m) for m in sim.readings["mn"]})
    assert len({f.evidence["pid"] for f in found}) == 2  # this process and one worker


def test_a_failing_worker_fails_the_run_with_its_error() -> None:
    sim = simulate(8, 2, seed=1)
    rows = OutletRows(sim.readings)
    with pytest.raises(RuntimeError, match="broken on purpose"):
        list(detect_parallel(rows, sim.specs(), [_Slow(fail_in_worker=True)], jobs=2))


@pytest.mark.timeout(60)
def test_a_killed_worker_fails_the_run_at_once_naming_the_signal() -> None:
    sim = simulate(12, 2, seed=1)
    rows = OutletRows(sim.readings)
    started = time.monotonic()
    with pytest.raises(WorkerLost, match="killed by SIGKILL"):  # on the worker's first outlet
        list(detect_parallel(rows, sim.specs(), [_Slow(kill_on=rows.names)], jobs=2))
    assert time.monotonic() - started < 30


@pytest.mark.timeout(60)
def test_a_killed_stream_worker_fails_the_run_while_the_others_live() -> None:
    """With two workers, one killed: the other stays alive waiting for outlets, so waiting for
    every worker to end would wait for ever."""
    sim = simulate(12, 2, seed=1)
    rows = OutletRows(sim.readings)
    first = rows.names[:1]  # handed to a worker as soon as it is read
    with pytest.raises(WorkerLost, match="killed by SIGKILL"):
        list(detect_stream(iter(rows), sim.specs(), [_Slow(kill_on=first)], jobs=3))


class _NoTimedWait:
    """A results queue that refuses a wait with a timeout (and says so), else the queue."""

    def __init__(self, queue: object) -> None:
        self.queue = queue

    def get(self, block: bool = True, timeout: float | None = None) -> object:
        raise AssertionError(f"waited on the results (timeout {timeout})")

    def __getattr__(self, name: str) -> object:
        return getattr(self.queue, name)


@pytest.mark.timeout(60)
def test_closing_the_stream_workers_waits_for_their_end_not_for_a_result() -> None:
    """Once every outlet is done no result comes: closing waits on the workers' ends (a wait
    on the results with a timeout slept its whole 50 ms, both cores idle, before the fleet
    stage)."""
    from monitor.detection.batch import _Feed

    feed = _Feed(mp.get_context("fork"), 2, {}, [], [], "en", True)
    feed.results = _NoTimedWait(feed.results)  # type: ignore[assignment]
    feed.close(True)
    assert not any(w.is_alive() for w in feed.workers)
    assert all(w.exitcode == 0 for w in feed.workers)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="F_GETPIPE_SZ is Linux's")
@pytest.mark.timeout(60)
def test_the_stream_workers_pipes_hold_an_outlets_frame_at_once() -> None:
    """An outlet-year's frame (about 1 MB pickled) goes to a worker in one write, not in 64 KiB
    parts each waiting for the GIL of the reading process's queue thread; results come back
    the same way."""
    import fcntl

    from monitor.detection.batch import PIPE_BYTES, _Feed

    feed = _Feed(mp.get_context("fork"), 1, {}, [], [], "en", True)
    try:
        for queue in (feed.tasks, feed.results):
            for end in (queue._reader, queue._writer):
                assert fcntl.fcntl(end.fileno(), fcntl.F_GETPIPE_SZ) >= PIPE_BYTES
    finally:
        feed.close(True)


def test_outlet_rows_index_each_outlet() -> None:
    readings = simulate(3, 2, seed=1).readings
    rows = OutletRows(readings)
    assert len(rows) == 3 and rows.sizes().sum() == len(readings)
    mn, frame = rows[1]
    assert mn == rows.names[1] and (frame["mn"].astype(str) == mn).all()
    assert len(OutletRows(readings.iloc[:0])) == 0


def test_outlet_rows_are_the_same_for_text_or_categorical_sorted_or_not() -> None:
    readings = simulate(4, 2, seed=1).readings
    mns = sorted({str(m) for m in readings["mn"]})
    text = readings.astype({"mn": str})
    shuffled = readings.sample(frac=1.0, random_state=2)
    recoded = readings.copy()
    recoded["mn"] = pd.Categorical(
        readings["mn"].astype(str), categories=["zz-unused", *reversed(mns)]
    )
    for frame in (readings, text, shuffled, recoded):
        rows = OutletRows(frame)
        assert rows.names == mns
        for k, mn in enumerate(mns):
            name, part = rows[k]
            assert name == mn
            assert sorted(part.index) == sorted(readings.index[readings["mn"].astype(str) == mn])


def test_a_lost_worker_reaches_the_command_as_one_line_naming_the_fix() -> None:
    from monitor.detection.detect import DetectError, _dataset_errors

    fix = r"killed by SIGKILL.*fewer processes \(--jobs\)"
    with pytest.raises(DetectError, match=fix), _dataset_errors():
        raise WorkerLost("a detection worker (process 1) was killed by SIGKILL")


def test_stream_gives_the_same_findings_in_the_same_order() -> None:
    sim = simulate(12, 40, seed=7, falsifying_share=0.6)
    specs = sim.specs()
    del specs["61011500000004"]  # one unregistered outlet
    one_run = DetectionRun()
    one = _dicts(list(detect_readings(sim.readings, specs, run=one_run)))
    assert {f["detector"] for f in one} >= {"copied_data", "exceedance"}  # fleet and own
    for jobs in (1, 2, 3):
        seen: list[str] = []
        run = DetectionRun()
        rows = OutletRows(sim.readings)
        found = detect_stream(iter(rows), specs, jobs=jobs, progress=seen.append, run=run)
        assert _dicts(list(found)) == one
        assert sorted(seen) == rows.names
        assert (run.outlets, run.readings) == (one_run.outlets, one_run.readings)
        assert run.unregistered == ["61011500000004"]


def test_fleet_stage_split_over_processes_gives_the_unsplit_findings_in_order() -> None:
    sim = simulate(10, 60, seed=7, falsifying_share=0.6)
    specs = sim.specs()
    fleet = [d for d in build() if isinstance(d, FleetDetector)]
    assert fleet[0].name == "copied_data" and len(fleet) > 1
    summaries = [
        summarise(fleet, OutletData(f, specs.get(mn))) for mn, f in OutletRows(sim.readings)
    ]
    assert len(fleet[0].parts([s[0] for s in summaries if s])) > 1  # copied_data's stage splits
    context = mp.get_context("fork")
    for chosen in ([0, 1], [0], [1, 0]):
        detectors = [fleet[i] for i in chosen]
        kept = [s and tuple(s[i] for i in chosen) for s in summaries]
        one = fleet_stage(detectors, kept)
        assert any(f.detector == "copied_data" for f in one)
        for jobs in (2, 3):
            assert _fleet_stage_forked(detectors, kept, jobs, context) == one, (chosen, jobs)
