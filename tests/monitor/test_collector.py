"""`monitor.detection.collector.collector_paused`, the one policy for the cyclic garbage
collector around detection's heavy imports (reviewer-J J11), and its users: `monitor detect`'s
imports and the fleet stage (where scikit-learn is imported for peer_outlier)."""

from __future__ import annotations

import pytest

from tests.probe import fresh_json

PROBE = """
import gc, json, sys
from monitor.detection.collector import collector_paused
mode = sys.argv[1]
if "frozen" in mode:
    gc.freeze()  # another's freeze, taken before
if "off" in mode:
    gc.disable()
before = gc.get_freeze_count()
seen = []
gc.callbacks.append(lambda phase, info: phase == "stop" and seen.append(info["generation"]))
with collector_paused(freeze="keep" in mode):
    paused = not gc.isenabled()
    made = [[i] for i in range(60_000)]  # lasting objects, as an import makes
print(json.dumps({
    "paused": paused, "collections": len(seen), "enabled": gc.isenabled(),
    "before": before, "after": gc.get_freeze_count(),
    "young": len(gc.get_objects(generation=0)) + len(gc.get_objects(generation=1)),
}))
"""


def _probe(mode: str, script: str = PROBE) -> dict:
    """``script`` run with ``mode`` in a fresh interpreter of this checkout: its JSON line."""
    return fresh_json(script, mode)


def test_the_block_runs_uncollected_and_its_objects_go_to_the_oldest_generation() -> None:
    got = _probe("plain")
    assert got["paused"] and got["collections"] == 0 and got["enabled"]
    assert got["young"] < 1_000  # 60,000 made: none left to young collections
    assert got["before"] == got["after"] == 0  # nothing left frozen


def test_with_a_freeze_taken_before_they_go_into_it_and_it_is_kept() -> None:
    """`gc.unfreeze` would give the earlier freeze back too: the block's objects join it
    instead of staying young (where the first young collection would walk them all)."""
    got = _probe("frozen")
    assert got["paused"] and got["enabled"] and got["young"] < 1_000
    assert got["after"] > got["before"] + 60_000 > 60_000


def test_freeze_keeps_them_frozen() -> None:
    got = _probe("keep")
    assert got["enabled"] and got["young"] < 1_000 and got["after"] > 60_000


@pytest.mark.parametrize("mode", ["off", "off keep"])
def test_a_collector_turned_off_stays_off_and_nothing_is_frozen(mode: str) -> None:
    got = _probe(mode)
    assert got["paused"] and not got["enabled"]
    assert got["after"] == 0 and got["young"] > 60_000


def test_the_fleet_detectors_run_with_the_collector_paused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The fleet stage, in this process and in the forked ones, runs the fleet detectors with
    the collector paused (their lazy imports: scikit-learn for peer_outlier), and leaves it on.
    peer_outlier here adds a mark saying whether it ran paused."""
    import gc
    import multiprocessing as mp

    from detectors import FleetDetector, OutletData, build
    from monitor.detection.batch import OutletRows, _fleet_stage_forked, fleet_stage, summarise
    from monitor.simulation.simulator import simulate

    sim = simulate(6, 40, seed=3)
    specs = sim.specs()
    fleet = [d for d in build() if isinstance(d, FleetDetector)]
    assert [d.name for d in fleet] == ["copied_data", "peer_outlier"]
    summaries = [
        summarise(fleet, OutletData(f, specs.get(mn))) for mn, f in OutletRows(sim.readings)
    ]
    peer = type(fleet[1])
    real = peer.detect_summaries
    monkeypatch.setattr(
        peer,
        "detect_summaries",
        lambda self, s: [*real(self, s), "collecting" if gc.isenabled() else "paused"],
    )
    gc.enable()
    assert fleet_stage(fleet, summaries)[-1] == "paused" and gc.isenabled()
    for jobs in (1, 2):  # peer_outlier in this process, then in a forked one
        got = _fleet_stage_forked(fleet, summaries, jobs, mp.get_context("fork"))
        assert got[-1] == "paused" and gc.isenabled()
