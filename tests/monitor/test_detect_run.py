"""monitor.detection.detect.run_detect: `monitor detect` as one library call."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from monitor.detection.detect import DetectError, DetectRequest, run_detect
from monitor.simulation.fleet import write_simulation
from monitor.simulation.simulator import simulate


@pytest.fixture(scope="module")
def sim_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sim")
    write_simulation(simulate(4, 14, 4), out)
    return out


class Events:
    def __init__(self) -> None:
        self.log: list[tuple[str, Any]] = []

    def importing(self, rows: int) -> None:
        self.log.append(("importing", rows))

    def import_step(self, rows: int) -> None:
        self.log.append(("import_step", rows))

    def imported(self, path: Path, result: Any) -> None:
        self.log.append(("imported", result.stored))

    def started(self, outlets: int) -> None:
        self.log.append(("started", outlets))

    def step(self, mn: str) -> None:
        self.log.append(("step", mn))

    def finished(self) -> None:
        self.log.append(("finished", None))


def test_file_then_store_give_the_same_lines_and_record_leads(
    sim_dir: Path, tmp_path: Path
) -> None:
    sites, readings = sim_dir / "sites.toml", sim_dir / "readings.csv"
    lines: list[str] = []
    events = Events()
    report = run_detect(DetectRequest(sites, readings=readings, jobs=1), lines.append, events)
    assert report.findings == len(lines) > 0 and report.changes is None
    assert all(line.endswith("\n") and json.loads(line)["mn"] for line in lines)
    assert events.log[0] == ("started", 4) and events.log[-1] == ("finished", None)
    assert sorted(mn for kind, mn in events.log if kind == "step") == [
        f"6101150000000{k}" for k in range(1, 5)
    ]

    db = f"sqlite:///{tmp_path / 'd.db'}"
    stored: list[str] = []
    events = Events()
    request = DetectRequest(sites, readings=readings, database=db)
    report = run_detect(request, stored.append, events)
    rows = events.log[0][1]
    assert events.log[0][0] == "importing" and rows > 0
    steps = [n for kind, n in events.log if kind == "import_step"]
    assert sum(steps) == rows and len(steps) >= 1  # the import's progress adds up to the file
    imported = next(n for kind, n in events.log if kind == "imported")
    assert 0 < imported <= rows
    assert sorted(stored) == sorted(lines)
    assert report.imported is not None and report.changes is not None
    assert len(report.changes.opened) > 0 and report.not_recorded == 0
    again = run_detect(DetectRequest(sites, database=db), [].append)
    assert again.changes is not None and len(again.changes.opened) == 0


def test_errors_are_one_line(sim_dir: Path) -> None:
    sites = sim_dir / "sites.toml"
    with pytest.raises(DetectError, match="give a readings file, a database, or both"):
        run_detect(DetectRequest(sites), print)
    with pytest.raises(DetectError, match=r"unknown detector\(s\) nosuch"):
        run_detect(
            DetectRequest(sites, readings=sim_dir / "readings.csv", detectors=["nosuch"]), print
        )
    with pytest.raises(DetectError, match="no such file"):
        run_detect(DetectRequest(sites, readings=sim_dir / "missing.csv"), print)
