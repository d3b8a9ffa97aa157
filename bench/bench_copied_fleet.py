"""copied_data's fleet stage at scale: time and memory of `detect_summaries` over 100, 300 and
1,000 outlet-years, against a baseline tree in the same run (issue 13, DESIGN.md section 10).

The outlets are the first N of the simulated year that ``bench/bench_history_scale.py`` writes
as a Parquet dataset (``--data``, default /tmp/e1-data/year-1000: 1,000 outlets x 365 days).
Each outlet is summarised once (`CopiedDataDetector.summarise`, pickled under ``--cache``; the
summary's format is the same in both trees); then, for each N, the stage runs in a fresh
process for this tree and for ``--baseline`` (a checkout of the old code, e.g. ``git worktree
add /tmp/h38-base HEAD``), interleaved (A B A B ...), and each reports its CPU seconds (the
machine is shared: CPU time, not wall time), the peak of memory traced by tracemalloc during the
stage, its peak RSS (VmHWM) against its RSS before the stage, and its findings, which must be
the same in both trees. Also printed: the summaries' pickled bytes per outlet-year.

``--catalogue DIR``: then `monitor detect --readings DIR/history --sites DIR/sites.toml` (the
whole catalogue, e.g. the 100-outlet year of ``bench_history_scale.py --small 100``,
/tmp/e1-data/year-100) as a fresh process in each tree, interleaved, with the peak RSS of
each process of its tree (main first) and whether the findings are byte-identical.

Usage: python bench/bench_copied_fleet.py --baseline /tmp/h38-base [--sizes 100,300,1000]
       [--repeat 1] [--catalogue /tmp/e1-data/year-100]
"""

from __future__ import annotations

import argparse
import json
import pickle
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _hwm_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def stage(tree: str, sums: str, out: str) -> None:
    """One stage run in this process with the detectors of ``tree``: figures and findings."""
    import tracemalloc

    sys.path.insert(0, tree)
    from detectors import build

    detector = build(["copied_data"])[0]
    with open(sums, "rb") as f:
        summaries = pickle.load(f)
    rss0 = _rss_mb()
    tracemalloc.start()
    cpu, wall = time.process_time(), time.perf_counter()
    found = detector.detect_summaries(summaries)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    traced = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    rows = [
        [f.mn, f.pollutant, f.start.isoformat(), f.end.isoformat(), f.summary, f.evidence]
        for f in found
    ]
    figures = {
        "cpu_s": cpu,
        "wall_s": wall,
        "traced_mb": traced,
        "hwm_mb": _hwm_mb(),
        "rss_before_mb": rss0,
        "findings": len(found),
    }
    Path(out).write_text(json.dumps({"figures": figures, "findings": rows}, default=str))


def summaries(data: Path, cache: Path, sizes: list[int]) -> dict[int, Path]:
    """The pickled summaries of the first N outlets for each N (made once)."""
    paths = {n: cache / f"copied-{n}.pkl" for n in sizes}
    if all(p.exists() for p in paths.values()):
        return paths
    sys.path.insert(0, str(ROOT))
    from detectors import build
    from detectors.frame import OutletData
    from monitor.registry import load_registry
    from monitor.store.readings_dataset import ReadingsDataset

    dataset = ReadingsDataset(data / "history")
    specs = load_registry(data / "sites.toml").specs()
    detector = build(["copied_data"])[0]
    kept = []
    cache.mkdir(parents=True, exist_ok=True)
    for k, mn in enumerate(dataset.outlets()[: max(sizes)]):
        kept.append(detector.summarise(OutletData(dataset.read(mn), specs[mn])))
        if k + 1 in paths:
            paths[k + 1].write_bytes(pickle.dumps(kept))
            print(f"summarised {k + 1} outlets", flush=True)
    return paths


def catalogue(tree: str, data: Path, out: Path) -> tuple[float, list[float]]:
    """`monitor detect` over the dataset in ``tree`` (findings into ``out``): wall seconds and
    the peak RSS (MB) of its main process, then of the others by size."""
    sys.path.insert(0, str(ROOT / "bench"))  # not in the stage's process: it imports `monitor`
    from bench_history_scale import tree_peaks_mb

    began = time.monotonic()
    args = ["--readings", str(data / "history"), "--sites", str(data / "sites.toml")]
    with out.open("wb") as sink:
        cmd = [sys.executable, "-m", "monitor.cli", "detect", "--no-progress", *args]
        proc = subprocess.Popen(cmd, stdout=sink, cwd=tree)
        peaks = tree_peaks_mb(proc)
    if proc.returncode != 0:
        raise SystemExit(f"monitor detect in {tree}: exit {proc.returncode}")
    return time.monotonic() - began, peaks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("/tmp/e1-data/year-1000"))
    parser.add_argument("--cache", type=Path, default=Path("/tmp/copied-fleet-bench"))
    parser.add_argument("--baseline", required=True, help="a checkout of the code to compare")
    parser.add_argument("--sizes", default="100,300,1000")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--catalogue", type=Path, help="a dataset's year to run monitor detect on")
    parser.add_argument("--stage", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:
        stage(*args.stage)
        return 0
    sizes = [int(x) for x in args.sizes.split(",")]
    paths = summaries(args.data, args.cache, sizes)
    trees = {"this tree": str(ROOT), "baseline": str(Path(args.baseline).resolve())}
    same = True
    for n in sizes:
        size = paths[n].stat().st_size
        print(f"\n{n} outlet-years: summaries {size / n / 1024:.1f} KiB an outlet-year (pickled)")
        found: dict[str, list] = {}
        for r in range(args.repeat):
            for label, tree in trees.items():
                out = args.cache / f"out-{n}-{label.replace(' ', '_')}-{r}.json"
                cmd = [sys.executable, __file__, "--baseline", tree, "--stage", tree]
                subprocess.run([*cmd, str(paths[n]), str(out)], check=True)
                result = json.loads(out.read_text())
                fig = result["figures"]
                found[label] = result["findings"]
                print(
                    f"  {label:9}: CPU {fig['cpu_s']:6.1f} s (wall {fig['wall_s']:6.1f}), traced "
                    f"peak {fig['traced_mb']:6.0f} MB, RSS peak {fig['hwm_mb']:6.0f} MB "
                    f"({fig['hwm_mb'] - fig['rss_before_mb']:+.0f} over the summaries), "
                    f"{fig['findings']} findings",
                    flush=True,
                )
        equal = found["this tree"] == found["baseline"]
        same &= equal
        print(f"  findings identical: {equal}")
    if args.catalogue is not None:
        print(f"\nmonitor detect --readings {args.catalogue}/history, whole catalogue:")
        outputs: dict[str, bytes] = {}
        for r in range(args.repeat):
            for label, tree in trees.items():
                out = args.cache / f"catalogue-{label.replace(' ', '_')}-{r}.jsonl"
                seconds, peaks = catalogue(tree, args.catalogue, out)
                outputs[label] = out.read_bytes()
                shown = ", ".join(f"{p:,.0f}" for p in peaks[:4])
                print(f"  {label:9}: {seconds:6.1f} s wall, peak RSS MB [main, others]: [{shown}]")
        equal = outputs["this tree"] == outputs["baseline"]
        same &= equal
        lines = outputs["baseline"].count(b"\n")
        print(f"  findings byte-identical: {equal} ({lines} findings)")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
