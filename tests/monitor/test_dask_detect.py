"""`monitor detect --dask`: the detection on a real Dask cluster (a `dask scheduler` process and
two `dask worker` processes on 127.0.0.1, free ports), the same findings in the same order as in
one process; the fleet stage over summaries, not frames."""

from __future__ import annotations

import dataclasses
import os
import pickle
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from detectors import FleetDetector, OutletData, build
from monitor.detection.batch import OutletRows, fleet_stage, split_detectors
from monitor.detection.detect import DetectError, DetectRequest, run_detect
from monitor.simulation.fleet import write_simulation
from monitor.simulation.simulator import simulate
from monitor.store.readings_files import read_readings, write_readings
from tests.services import HOST, free_port, wait_for_port, wait_until

CI = os.environ.get("CI", "").lower() == "true"
#: No dashboard, and the HTTP server (health, metrics) on 127.0.0.1 too, not every interface.
QUIET = ("--no-dashboard", "--dashboard-address", f"{HOST}:0")


def _dask_binary() -> str:
    """The ``dask`` command of this environment (skip without it; CI=true fails instead)."""
    found = shutil.which("dask", path=str(Path(sys.executable).parent)) or shutil.which("dask")
    try:
        import distributed  # noqa: F401
    except ImportError:
        found = None
    if found is None:
        reason = "Dask's distributed scheduler is not installed (pip install '.[test]')"
        if CI:
            pytest.fail(f"{reason}; CI=true requires every service", pytrace=False)
        pytest.skip(reason)
    return found


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A `dask scheduler` and two `dask worker` processes (one thread each, no nanny, no
    dashboard) on 127.0.0.1 and free ports; the scheduler's address. Stopped at the end."""
    dask = _dask_binary()
    logs = tmp_path_factory.mktemp("dask")
    port = free_port()
    address = f"tcp://{HOST}:{port}"
    procs: list[subprocess.Popen] = []

    def start(name: str, *argv: str) -> subprocess.Popen:
        log = open(logs / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen([dask, *argv], stdout=log, stderr=subprocess.STDOUT)
        procs.append(proc)
        return proc

    try:
        scheduler = start("scheduler", "scheduler", "--host", HOST, "--port", str(port), *QUIET)
        wait_for_port(HOST, port, timeout_s=60, proc=scheduler)
        for k in range(2):
            start(
                f"worker{k}",
                "worker",
                address,
                "--host",
                HOST,
                "--nthreads",
                "1",
                "--no-nanny",
                *QUIET,
                "--name",
                f"w{k}",
            )
        from distributed import Client

        with Client(address, timeout=30, set_as_default=False) as client:
            wait_until(lambda: len(client.scheduler_info()["workers"]) == 2, 90, "two Dask workers")
        yield address
    except (RuntimeError, AssertionError) as e:
        text = "\n".join(f"{p.name}: {p.read_text()[-2000:]}" for p in logs.glob("*.log"))
        pytest.fail(f"the Dask cluster did not start: {e}\n{text}", pytrace=False)
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Nine outlets over 40 days (CSV, and the same readings as a dataset of one Parquet file an
    outlet); outlet 2 carries three days cloned from outlet 1 (a cross-outlet copy), so the
    fleet stage has findings to give."""
    out = tmp_path_factory.mktemp("fleet")
    sim = simulate(9, 40, 21)
    readings = sim.readings
    mns = sorted(readings["mn"].astype(str).unique())
    a, b = mns[0], mns[1]
    day = (readings["ts"] >= sim.start + pd.Timedelta(days=10)) & (
        readings["ts"] < sim.start + pd.Timedelta(days=13)
    )
    mn = readings["mn"].astype(str)
    clone = readings[(mn == a).to_numpy() & day.to_numpy()].copy()
    clone["mn"] = b
    kept = readings[~((mn == b).to_numpy() & day.to_numpy())]
    cloned = pd.concat([kept, clone]).sort_values(["mn", "ts", "pollutant"])
    write_simulation(dataclasses.replace(sim, readings=cloned), out)
    whole = read_readings(out / "readings.csv")
    (out / "dataset").mkdir()
    for name, rows in whole.groupby("mn", observed=True):
        write_readings(rows, out / "dataset" / f"{name}.parquet")
    return out


def _lines(request: DetectRequest) -> list[str]:
    lines: list[str] = []
    run_detect(request, lines.append)
    return lines


@pytest.fixture(scope="module")
def in_process(fleet: Path) -> list[str]:
    lines = _lines(DetectRequest(fleet / "sites.toml", readings=fleet / "readings.csv", jobs=1))
    detectors = [line.split('"detector": "', 1)[1].split('"', 1)[0] for line in lines]
    assert "copied_data" in detectors  # the clone, found by the fleet stage
    return lines


@pytest.mark.integration
def test_a_real_cluster_gives_the_same_findings_in_the_same_order(
    cluster: str, fleet: Path, in_process: list[str]
) -> None:
    sites = fleet / "sites.toml"
    shipped = _lines(DetectRequest(sites, readings=fleet / "readings.csv", dask=cluster))
    assert shipped == in_process  # outlets shipped from the whole file
    read_there = _lines(DetectRequest(sites, readings=fleet / "dataset", dask=cluster))
    assert read_there == in_process  # each worker reads its own outlets of the dataset


@pytest.mark.integration
def test_a_local_cluster_gives_the_same_findings(fleet: Path, in_process: list[str]) -> None:
    _dask_binary()
    request = DetectRequest(fleet / "sites.toml", readings=fleet / "dataset", dask="local", jobs=2)
    assert _lines(request) == in_process


def test_the_fleet_stage_gets_summaries_not_frames(fleet: Path) -> None:
    """What a partition hands to the fleet stage is a few percent of its outlets' frames, holds
    no frame or prepared outlet, and gives the fleet detectors' findings over the outlets."""
    _dask_binary()
    from monitor.detection.distributed import fleet_task, partition_stage

    whole = read_readings(fleet / "readings.csv")
    rows = OutletRows(whole)
    from monitor.registry import load_registry

    specs = load_registry(fleet / "sites.toml").specs()
    own, fleet_detectors = split_detectors(build())
    items = list(rows)
    _, summaries, sizes = partition_stage(None, items, specs, own, fleet_detectors, "en", True)
    assert sizes == [len(frame) for _, frame in items]
    frames = sum(len(pickle.dumps(frame, protocol=5)) for _, frame in items)
    sent = len(pickle.dumps(summaries, protocol=5))
    assert sent < frames / 10, (sent, frames)

    def kinds(x: object) -> Iterator[type]:
        yield type(x)
        values = x.values() if isinstance(x, dict) else x if isinstance(x, list | tuple) else ()
        for v in values:
            yield from kinds(v)
        for name in getattr(type(x), "__slots__", ()):
            yield from kinds(getattr(x, name))

    seen = set(kinds(summaries))
    assert not seen & {pd.DataFrame, pd.Series, OutletData, np.ndarray}, seen
    outlets = [OutletData(frame, specs[mn], checked=True) for mn, frame in items]
    for i, detector in enumerate(fleet_detectors):
        assert isinstance(detector, FleetDetector)
        half = len(summaries) // 2  # two partitions, in order
        assert fleet_task(detector, i, summaries[:half], summaries[half:]) == (
            detector.detect_fleet(outlets)
        )
    assert fleet_stage(fleet_detectors, summaries) == [
        f for d in fleet_detectors for f in d.detect_fleet(outlets)
    ]


def test_an_unreachable_scheduler_is_one_line(fleet: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _dask_binary()
    import monitor.detection.distributed as distributed

    monkeypatch.setattr(distributed, "CONNECT_TIMEOUT", 2)
    address = f"tcp://{HOST}:{free_port()}"  # nothing listens there
    request = DetectRequest(fleet / "sites.toml", readings=fleet / "readings.csv", dask=address)
    with pytest.raises(DetectError) as e:
        _lines(request)
    message = str(e.value)
    assert "\n" not in message and address in message and "dask scheduler" in message


@pytest.mark.integration
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_history_from_a_database_on_a_real_cluster(
    cluster: str, fleet: Path, tmp_path: Path, request: pytest.FixtureRequest, backend: str
) -> None:
    """``--db URL --dask``: the workers are given the URL and read their own outlets from the
    database; the findings are the in-process ``--db`` run's, in the same order, with or
    without a time window."""
    url = (
        f"sqlite:///{tmp_path / 'history.db'}"
        if backend == "sqlite"
        else request.getfixturevalue("fresh_postgres_url")
    )
    from monitor.store.store import Store

    whole = read_readings(fleet / "readings.csv")
    late = whole[(whole["mn"] == whole["mn"].iloc[0]) & (whole["ts"] >= "2026-01-25T00:00Z")]
    store = Store(url)  # the fleet, and an unregistered outlet with readings from day 25 only
    try:
        assert store.import_frame(whole).stored > 0
        assert store.import_frame(late.assign(mn="61011599999999")).stored == len(late) > 0
    finally:
        store.close()
    sites = fleet / "sites.toml"

    def run(request: DetectRequest) -> tuple[list[str], list[str]]:
        lines: list[str] = []
        return lines, run_detect(request, lines.append).unregistered

    in_process = run(DetectRequest(sites, database=url))
    assert any('"detector": "copied_data"' in line for line in in_process[0])
    assert in_process[1] == ["61011599999999"]
    assert run(DetectRequest(sites, database=url, dask=cluster)) == in_process
    if backend == "sqlite":  # a window the late outlet has no readings in: left out by both
        start, end = pd.Timestamp("2026-01-06T00:00+08:00"), pd.Timestamp("2026-01-20T23:00+08:00")
        window = DetectRequest(sites, database=url, start=start, end=end)
        expected = run(window)
        assert expected[0] and expected[0] != in_process[0] and expected[1] == []
        assert run(dataclasses.replace(window, dask=cluster)) == expected


def test_workers_are_given_the_url_not_the_history(tmp_path: Path) -> None:
    from monitor.detection.history import StoredOutlets

    names = [f"610115{k:08d}" for k in range(1000)]
    sent = pickle.dumps(StoredOutlets(f"sqlite:///{tmp_path / 'h.db'}", names), protocol=5)
    assert len(sent) < 20 * len(names)  # the MNs and the URL, nothing read
    back = pickle.loads(sent)
    assert back.names == names and back.url.endswith("h.db")


def test_the_command_says_so_in_one_line(fleet: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _dask_binary()
    import monitor.detection.distributed as distributed
    from monitor.cli import main

    monkeypatch.setattr(distributed, "CONNECT_TIMEOUT", 2)
    address = f"tcp://{HOST}:{free_port()}"
    args = ["detect", "--readings", str(fleet / "readings.csv"), "--sites"]
    result = CliRunner().invoke(main, [*args, str(fleet / "sites.toml"), "--dask", address])
    assert result.exit_code != 0 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and address in lines[0] and "--dask local" in lines[0], lines


@pytest.mark.integration
def test_a_scheduler_without_workers_is_one_line(
    fleet: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import monitor.detection.distributed as distributed

    dask = _dask_binary()
    monkeypatch.setattr(distributed, "WORKER_TIMEOUT", 2)
    port = free_port()
    argv = [dask, "scheduler", "--host", HOST, "--port", str(port), *QUIET]
    scheduler = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(HOST, port, timeout_s=60, proc=scheduler)
        address = f"tcp://{HOST}:{port}"
        request = DetectRequest(fleet / "sites.toml", readings=fleet / "readings.csv", dask=address)
        with pytest.raises(DetectError, match="no worker") as e:
            _lines(request)
        assert "\n" not in str(e.value) and f"dask worker {address}" in str(e.value)
    finally:
        scheduler.terminate()
        scheduler.wait(timeout=20)
