"""`monitor detect`'s start-up in its own process: SciPy's import-time docstring building skipped
(`monitor.cli.detect._skip_scipy_docs`), the functions the detectors and peer_outlier's
IsolationForest use giving the same numbers, bit for bit."""

from __future__ import annotations

from pathlib import Path

import pytest
import scipy

from monitor.cli.detect import SCIPY_DOCS_CHECKED
from tests.probe import fresh_json

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, sys
if sys.argv[1] == "skip":
    from monitor.cli.detect import _skip_scipy_docs
    _skip_scipy_docs()
import numpy as np
import scipy.ndimage, scipy.special, scipy.stats
from sklearn.ensemble import IsolationForest
x = np.random.default_rng(3).normal(size=(300, 4))
scores = -IsolationForest(n_estimators=50, max_samples=256, random_state=0).fit(x).score_samples(x)
p = np.linspace(0.01, 0.99, 7)
values = [
    scores.tolist(),
    scipy.special.ndtr(p).tolist(), scipy.special.ndtri(p).tolist(),
    scipy.special.gammaln(p * 9).tolist(), scipy.special.bdtrc(3, 9, p).tolist(),
    scipy.special.betaincinv(2.0, 3.0, p).tolist(), scipy.special.gammaincinv(2.0, p).tolist(),
    scipy.ndimage.maximum_filter1d(x[:, 0], 5).tolist(), scipy.ndimage.median_filter(x[:, 1], 5).tolist(),
    float(scipy.stats.ttest_ind(x[:, 0], x[:, 1]).pvalue),
]
docs = {
    "ndtr_note": "Array API Standard Support" in (scipy.special.ndtr.__doc__ or ""),
    "ttest_note": "nan_policy" in (scipy.stats.ttest_ind.__doc__ or ""),
    "gmean_doc": (scipy.stats.gmean.__doc__ or "").strip()[:40],
}
print(json.dumps({"values": values, "docs": docs}))
"""


def _probe(mode: str, script: str = PROBE) -> dict:
    """``script`` run with ``mode`` in a fresh interpreter of this checkout: its JSON line."""
    return fresh_json(script, mode)


@pytest.mark.skipif(
    not scipy.__version__.startswith(SCIPY_DOCS_CHECKED), reason="SciPy version not checked"
)
def test_skipped_docs_same_numbers() -> None:
    full, skipped = _probe("full"), _probe("skip")
    assert skipped["values"] == full["values"]  # the same floats, bit for bit (JSON repr)
    # the docstrings were built in one process and left as written in the other
    assert full["docs"]["ndtr_note"] and not skipped["docs"]["ndtr_note"]
    assert (
        skipped["docs"]["gmean_doc"] and skipped["docs"]["gmean_doc"] == full["docs"]["gmean_doc"]
    )


def test_in_process_leaves_scipy_alone() -> None:
    """Under another program's standard streams (a test's runner) nothing is patched."""
    import scipy._lib._docscrape as docscrape
    from click.testing import CliRunner

    from monitor.cli import main

    before = docscrape.FunctionDoc
    CliRunner().invoke(main, ["detect", "--readings", str(ROOT / "missing.csv")])
    assert docscrape.FunctionDoc is before


def test_stream_with_workers_unfreezes_the_collector() -> None:
    """detect_stream freezes what exists before forking its workers (no page of it copied by a
    worker's collections) and gives it back to the collector when the outlets are done."""
    import gc

    from monitor.detection.batch import OutletRows, detect_stream
    from monitor.simulation.simulator import simulate

    sim = simulate(4, 10, seed=1)
    gc.unfreeze()
    found = list(detect_stream(iter(OutletRows(sim.readings)), sim.specs(), jobs=2))
    assert found and gc.get_freeze_count() == 0


def test_a_freeze_taken_before_the_forks_is_kept() -> None:
    """`monitor detect` freezes its imports for the whole process; detect_stream and the fleet
    stage freeze again before they fork, and must not give the earlier freeze back to the
    collector when they are done (`gc.unfreeze` would undo both)."""
    import gc

    from monitor.detection.batch import OutletRows, detect_stream
    from monitor.detection.collector import freeze_for_forks
    from monitor.simulation.simulator import simulate

    sim = simulate(4, 10, seed=1)
    gc.unfreeze()
    try:
        assert freeze_for_forks() is True  # the first freeze is the caller's own
        before = gc.get_freeze_count()
        found = list(detect_stream(iter(OutletRows(sim.readings)), sim.specs(), jobs=2))
        assert found and gc.get_freeze_count() >= before > 0
    finally:
        gc.unfreeze()


GC_PROBE = """
import gc, json, sys
if sys.argv[1] == "frozen":
    gc.freeze()  # another's freeze, before the import
import monitor.cli  # the command's group, imported before the command's module
frozen = gc.get_freeze_count()
seen = []
gc.callbacks.append(lambda phase, info: phase == "stop" and seen.append(info["generation"]))
import monitor.cli.detect
print(json.dumps({
    "collections": len(seen), "enabled": gc.isenabled(), "frozen_before": frozen,
    "frozen_after": gc.get_freeze_count(), "threshold": gc.get_threshold()[0],
    "young": len(gc.get_objects(generation=0)) + len(gc.get_objects(generation=1)),
    "old": len(gc.get_objects(generation=2)),
}))
"""


def test_the_command_module_imports_without_a_collection() -> None:
    """`monitor.cli.detect`'s imports (pandas, numpy, pyarrow, ...) run with the collector
    paused (146 collections before), and what they made is moved to the oldest generation at
    once, not walked there by young collections (one, of the empty young generation, may run
    as the collector is turned on again); the collector is on again after, nothing left
    frozen, the threshold as it was."""
    got = _probe("plain", GC_PROBE)
    assert got["collections"] <= 1
    assert got["young"] < 1_000 < 50_000 < got["old"]
    assert got["enabled"] and got["frozen_after"] == 0 and got["threshold"] == 700


def test_the_command_module_keeps_a_freeze_taken_before() -> None:
    """Objects another freeze put aside stay frozen (`gc.unfreeze` would empty the permanent
    generation; a frozen object freed since leaves it), and what the module's imports made
    joins that freeze rather than staying in the young generations
    (`monitor.detection.collector.collector_paused`)."""
    got = _probe("frozen", GC_PROBE)
    assert got["collections"] <= 1 and got["enabled"]
    assert got["frozen_after"] > got["frozen_before"] // 2 > 0
    assert got["young"] < 1_000  # the module's objects joined it (53,674 left young before)


def test_collect_less_sets_the_young_threshold_only() -> None:
    import gc

    from monitor.cli.detect import GC_YOUNG_THRESHOLD, _collect_less

    before = gc.get_threshold()
    try:
        _collect_less()
        assert gc.get_threshold() == (GC_YOUNG_THRESHOLD, *before[1:])
    finally:
        gc.set_threshold(*before)


def test_in_process_leaves_the_collector_threshold_alone() -> None:
    """Under another program's standard streams (a test's runner) the threshold is kept."""
    import gc

    from click.testing import CliRunner

    from monitor.cli import main

    before = gc.get_threshold()
    CliRunner().invoke(main, ["detect", "--readings", str(ROOT / "missing.csv")])
    assert gc.get_threshold() == before


KEEP_PROBE = """
import json, sys
import monitor.cli  # its Arrow pool settings, as when the command runs
import monitor.detection.batch as batch
calls = []
batch.keep_freed_memory = lambda *a, **k: calls.append(1)
from monitor.cli import main
try:
    main(["detect", "--readings", "missing.csv"], standalone_mode=False)
except Exception:
    pass
sys.__stdout__.write(json.dumps({"calls": len(calls)}))
"""


def test_the_command_s_own_process_keeps_freed_memory() -> None:
    """`monitor detect` in its own process keeps the memory it frees for its next arrays, as
    its workers do (`_keep_freed_memory`: fewer page faults in the process that reads)."""
    assert _probe("own", KEEP_PROBE) == {"calls": 1}


def test_in_process_leaves_the_allocator_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """Under another program's standard streams (a test's runner) glibc's settings are kept."""
    from click.testing import CliRunner

    import monitor.detection.batch as batch
    from monitor.cli import main

    calls: list[int] = []
    monkeypatch.setattr(batch, "keep_freed_memory", lambda *a, **k: calls.append(1))
    CliRunner().invoke(main, ["detect", "--readings", str(ROOT / "missing.csv")])
    assert calls == []
