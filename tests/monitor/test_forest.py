"""peer_outlier's forest fitted in the process `monitor detect` forks at its start: the same
scores to the bit as fitting it here, whoever asks, and a fallback when it cannot answer."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal

import numpy as np
import pytest
from sklearn.ensemble import IsolationForest

from detectors.checks import peer
from detectors.checks.peer import PeerOutlierDetector
from monitor.detection import forest

pytestmark = pytest.mark.skipif(
    "fork" not in mp.get_all_start_methods(), reason="the forest's process is forked"
)


@pytest.fixture
def server():
    started = forest.start()
    assert started is not None
    yield started
    forest.stop()
    assert forest.current() is None


def _rows(seed: int, n: int = 300) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4))
    x[:5] *= 6.0  # a few isolated rows
    return x


def _here(params: dict, x: np.ndarray) -> np.ndarray:
    return -IsolationForest(**params).fit(x).score_samples(x)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_servers_scores_are_the_local_forests_bytes(server, seed: int) -> None:
    x = _rows(seed, 40 + 150 * seed)
    params = {"n_estimators": 50, "max_samples": min(256, len(x)), "random_state": seed}
    got = server.scores(params, x)
    assert got is not None
    assert got.tobytes() == _here(params, x).tobytes()


def test_peer_scores_through_the_server_equal_fitting_here(server) -> None:
    detector = PeerOutlierDetector()
    x = _rows(3)
    here = detector._scores(x)
    peer.set_forest(server.scores)
    asked: list[int] = []

    def spy(params: dict, rows: np.ndarray) -> np.ndarray | None:
        asked.append(len(rows))
        return server.scores(params, rows)

    peer.set_forest(spy)
    try:
        there = detector._scores(x)
    finally:
        peer.set_forest(None)
    assert asked == [len(x)]
    assert there.tobytes() == here.tobytes()


def test_a_forked_process_asks_the_server_as_the_fleet_stage_does(server) -> None:
    x = _rows(4)
    params = {"n_estimators": 20, "max_samples": 256, "random_state": 0}
    here, there = mp.get_context("fork").Pipe(duplex=False)
    child = mp.get_context("fork").Process(
        target=lambda: there.send(server.scores(params, x).tobytes())
    )
    child.start()
    got = here.recv()
    child.join(timeout=30)
    assert got == _here(params, x).tobytes()
    # and this process still gets its own answers afterwards
    assert server.scores(params, x).tobytes() == got


def test_a_dead_server_gives_none_and_peer_fits_the_forest_itself(server) -> None:
    os.kill(server.process.pid, signal.SIGKILL)
    server.process.join(timeout=10)
    x = _rows(5)
    assert server.scores({"n_estimators": 10, "random_state": 0}, x) is None
    assert server.broken
    detector = PeerOutlierDetector()
    peer.set_forest(server.scores)
    try:
        assert detector._scores(x).tobytes() == PeerOutlierDetector()._scores(x).tobytes()
    finally:
        peer.set_forest(None)


def test_stop_forgets_the_server_in_peer(server) -> None:
    peer.set_forest(server.scores)
    forest.stop()
    assert peer._FOREST is None
    assert not server.process.is_alive()


@pytest.mark.parametrize(
    ("args", "wanted"),
    [
        (["--readings", "r.csv", "--sites", "s.toml"], True),
        (["--readings", "r.csv", "--detectors", "frozen,peer_outlier"], True),
        (["--readings", "r.csv", "--detectors=peer_outlier"], True),
        (["--db", "sqlite:///x.db"], True),
        (["--readings", "r.csv", "--detectors", "frozen,range"], False),
        (["--readings", "r.csv", "--detectors=frozen"], False),
        (["--readings", "r.csv", "--dask", "local"], False),
        (["--readings", "r.csv", "--dask=local"], False),
        (["--help"], False),
        (["-h"], False),
    ],
)
def test_wanted_reads_the_arguments_roughly(args: list[str], wanted: bool) -> None:
    assert forest.wanted(args) is wanted
